import ArgumentParser

/// The `whichtok` command and its subcommands.
package struct WhichtokCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "whichtok",
        abstract: "Study TikTok communities from data-download archives and web captures.",
        subcommands: [
            ImportCommand.self, StatsCommand.self, SynthCommand.self, AnalyzeCommand.self, ExposureCommand.self,
            ExportCommand.self,
            PlotCommand.self, ReportCommand.self,
            ScrapeGroupCommand.self, RedactCommand.self,
            InputsCommand.self, MergeCommand.self, ForgetCommand.self,
        ])

    package init() {}
}
