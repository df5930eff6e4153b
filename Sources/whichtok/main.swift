import WhichtokCLI

WhichtokCommand.main()
