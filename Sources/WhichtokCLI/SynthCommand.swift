import ArgumentParser
import WhichtokSynth

/// `whichtok synth`: synthetic archives with planted communities.
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write synthetic data-download archives of every layout, with planted communities.",
        discussion: """
            Also writes ground-truth.tsv (account, community, role; for donors the planted feed: exposure \
            steady, diverse or drifting, drift_community, drift_date) and browser HAR captures of tiktok.com \
            consistent with the archives (web-capture-*.har, .zip, .har.gz). The same options give the same bytes.
            """)

    @Option(name: .long, help: ArgumentHelp("Output folder.", valueName: "dir"))
    var out: String

    @Option(name: .long, help: "Number of donors (archives).")
    var donors: Int = SynthOptions().donors

    @Option(name: .long, help: "Approximate number of events across all archives.")
    var events: Int = SynthOptions().events

    @Option(name: .long, help: "Number of planted communities.")
    var communities: Int = SynthOptions().communities

    @Option(name: .long, help: "Random seed.")
    var seed: UInt64 = SynthOptions().seed

    @Option(name: .long, help: "Number of HAR captures of tiktok.com to write beside the archives.")
    var captures: Int = 2

    @Option(name: .long, help: ArgumentHelp("Items in each capture's feed (default 40).", valueName: "n"))
    var captureVideos: Int = 0

    func validate() throws {
        guard donors >= 1 else { throw ValidationError("--donors must be at least 1") }
        guard events >= 0 else { throw ValidationError("--events must not be negative") }
        guard captures >= 0, captureVideos >= 0 else {
            throw ValidationError("--captures and --capture-videos must not be negative")
        }
        guard communities >= 1, communities <= donors else {
            throw ValidationError("--communities must be between 1 and --donors")
        }
    }

    func run() throws {
        var options = SynthOptions()
        options.donors = donors
        options.events = events
        options.communities = communities
        options.seed = seed
        options.captures = captures
        options.captureVideos = captureVideos
        do {
            let report = try Synth.generate(options, to: out)
            let total = report.events.values.reduce(0, +)
            Console.out(
                "wrote \(report.files.count) files for \(report.donors) donors (\(grouped(total)) events planned) to \(Console.printable(out)); ground truth: \(Console.printable(report.groundTruthPath))"
            )
        } catch {
            Console.error("whichtok: error: \(Console.printable(String(describing: error)))")
            throw ExitCode(Exit.cannotCreate)
        }
    }
}
