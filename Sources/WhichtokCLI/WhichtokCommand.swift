import ArgumentParser

/// The `whichtok` command and its subcommands.
public struct WhichtokCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "whichtok",
        abstract: "Study TikTok communities from data-download archives and web captures.",
        subcommands: [
            ImportCommand.self, StatsCommand.self, SynthCommand.self, AnalyzeCommand.self, ExposureCommand.self,
            ExportCommand.self,
            ScrapeCommand.self,
        ])

    public init() {}
}
