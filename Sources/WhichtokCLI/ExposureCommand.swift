import ArgumentParser
import WhichtokExport
import WhichtokGraph
import WhichtokStore

/// `whichtok exposure`: which niches each donor's feed came from, how concentrated it is, how much of
/// it is their own niche, and when it moved.
struct ExposureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exposure",
        abstract: "Measure each donor's feed: its niches, diversity, own-niche share and shifts over time.",
        discussion: """
            Niches are the communities of the graph that 'analyze' builds with the same options (same ids). \
            Here --kinds chooses the donors' events that are measured (default watched,liked,favorited,shared); \
            --graph-kinds does what --kinds does for 'analyze'. Each video is placed by its author's niche, \
            else by the niches of the other accounts that engaged with it (the donor's own engagement left \
            out), else by its hashtags and sound; shares are of assigned events and coverage is reported. \
            --json prints one object whose keys are a stable contract; --csv DIR writes donors.csv and \
            donor_periods.csv, with data-dictionary.csv describing their columns. The same store and options \
            always give the same output.
            Exit status: 0 ok, 1 failure, 64 usage (also: a --pseudonymise key file shorter than 32 bytes), \
            65 malformed --participants file, 66 store or file missing, 73 cannot write the CSV files.
            """)

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var graphOptions: GraphOptions

    @Option(
        name: .long,
        help: ArgumentHelp("Event kinds the graph is built from (what --kinds is for 'analyze').", valueName: "kinds"))
    var graphKinds: String?

    @Option(name: .long, help: ArgumentHelp("Calendar periods (UTC): week, month or quarter.", valueName: "period"))
    var period: String = ExposurePeriod.month.rawValue

    @Option(
        name: .long,
        help: ArgumentHelp("Assigned events a period needs to count for shifts and flows.", valueName: "n"))
    var minPeriodEvents: Int = ExposureOptions().minPeriodEvents

    @Option(
        name: .long,
        help: ArgumentHelp("Qualifying periods in a row a new dominant niche needs to be a shift.", valueName: "n"))
    var shiftPersistence: Int = ExposureOptions().shiftPersistence

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Also write donors.csv and donor_periods.csv here.", valueName: "dir"))
    var csv: String?

    @Flag(name: .long, help: "Print the time of each phase to stderr.")
    var timings = false

    func validate() throws {
        if graphOptions.edgelist != nil {
            throw ValidationError("exposure needs a store: an edge list has no donors or events")
        }
        guard ExposurePeriod(rawValue: period) != nil else {
            throw ValidationError("unknown --period '\(period)'; expected week, month or quarter")
        }
        guard minPeriodEvents >= 1 else { throw ValidationError("--min-period-events must be at least 1") }
        guard shiftPersistence >= 1 else { throw ValidationError("--shift-persistence must be at least 1") }
        if csv == "" { throw ValidationError("--csv needs a folder") }
        _ = try graphBuildOptions().eventFilter()
    }

    /// The graph options with `--graph-kinds` in the place of `--kinds`.
    func graphBuildOptions() -> GraphOptions {
        var options = graphOptions
        options.kinds = graphKinds
        return options
    }

    func exposureOptions() throws -> ExposureOptions {
        var options = ExposureOptions()
        if let kinds = try graphOptions.eventFilter().kinds { options.kinds = kinds }
        options.period = ExposurePeriod(rawValue: period) ?? .month
        options.minPeriodEvents = minPeriodEvents
        options.shiftPersistence = shiftPersistence
        options.voteWeights = try GraphOptions.parseWeights(
            graphOptions.engagementWeights, base: .engagementDefaults, option: "--engagement-weights")
        return options
    }

    func run() throws {
        if let csv {
            let folder = csv.hasSuffix("/") ? csv : csv + "/"
            try StoreAccess.refuseOverwriting(
                outputs: [
                    ("--csv", folder + "donors.csv"), ("--csv", folder + "donor_periods.csv"),
                    ("--csv", folder + Exporter.dictionaryName),
                ],
                protected: [("the store", storeOptions.path)])
        }
        var clock = Clock()
        let options = try exposureOptions()
        let (graph, loaded, analysis, measured, exposureSeconds) = try graphBuildOptions().analysedGraphAndExposure(
            storePath: storeOptions.path, clock: &clock, options: options)
        guard let store = loaded, let exposure = measured else { throw ExitCode(Exit.usage) }
        let text = clock.time("render") {
            json
                ? ExposureJSON.render(exposure, analysis: analysis, store: store)
                : ExposureReport.render(exposure, analysis: analysis, store: store)
        }
        if let csv {
            do {
                _ = try clock.time("csv") { () throws(ExportError) -> [String] in
                    try Exporter.writeExposureCSV(exposure, store: store, toFolder: csv)
                }
            } catch let error as ExportError {
                Console.error("whichtok: error: \(Console.printable(error.description))")
                throw ExitCode(Exit.cannotCreate)
            }
        }
        if timings {
            clock.report(
                inner: analysis.timings + [("exposure", exposureSeconds)] + exposure.timings,
                summary: "nodes \(graph.nodeCount) edges \(graph.edgeCount) donors \(exposure.donors.count) "
                    + "events \(exposure.events) assigned \(exposure.assigned)")
        }
        Console.out(text)
    }
}

/// The human-readable report: the graph and coverage, then a table of donors and a table of niches.
enum ExposureReport {
    static func render(_ exposure: Exposure, analysis: Analysis, store: Store) -> String {
        let fixed = AnalyzeCommand.fixed
        let graph = analysis.graph
        let period = exposure.options.period
        var lines: [String] = []
        let l = analysis.leiden.parameters
        lines.append(
            "graph       \(graph.kind.rawValue): \(grouped(graph.nodeCount)) nodes, \(grouped(graph.edgeCount)) edges; \(grouped(exposure.nicheCount)) niches (Leiden, \(l.objective.rawValue), γ = \(l.resolution), seed \(l.seed))"
        )
        lines.append(
            "exposure    \(exposure.kinds.map(\.name).joined(separator: ", ")); periods: \(period.rawValue) (UTC), ≥ \(exposure.options.minPeriodEvents) assigned events; a shift lasts ≥ \(exposure.options.shiftPersistence) periods"
        )
        let percent = exposure.events > 0 ? 100 * Double(exposure.assigned) / Double(exposure.events) : 0
        let rules = NicheRule.allCases.map { "\($0.name) \(grouped(exposure.assignedByRule[$0.rawValue]))" }
        lines.append(
            "coverage    \(grouped(exposure.assigned)) of \(grouped(exposure.events)) events assigned (\(fixed(percent, 1)) %): \(rules.joined(separator: ", "))"
        )
        lines.append("")
        lines.append(
            "donor".padding(toLength: 24) + " niche  dominant".padding(toLength: 44) + "  own   eff.  coverage  shifts")
        for donor in exposure.donors {
            let label = Console.printable(store.label(ofAccount: donor.account))
            let niche = donor.niche.map { String($0) } ?? "-"
            var dominant = "-"
            if let d = donor.dominant {
                dominant =
                    String(d) + " "
                    + Console.printable(Exposure.label(ofNiche: Int(d), analysis: analysis, store: store))
            }
            if dominant.count > 36 { dominant = String(dominant.prefix(35)) + "…" }
            let own = donor.ownShare.map { fixed($0, 2) } ?? "-"
            let effective = donor.effectiveNiches.map { fixed($0, 2) } ?? "-"
            let coverage =
                donor.events > 0 ? fixed(100 * Double(donor.assigned) / Double(donor.events), 0) + "%" : "-"
            let shifts = donor.shifts.map {
                ExposureCalendar.shortName(of: $0.period, period) + " \($0.from)→\($0.to)"
            }
            lines.append(
                label.padding(toLength: 24) + niche.leftPadding(toLength: 6) + "  " + dominant.padding(toLength: 36)
                    + own.leftPadding(toLength: 5) + effective.leftPadding(toLength: 7)
                    + coverage.leftPadding(toLength: 10) + "  " + shifts.joined(separator: ", "))
        }
        lines.append("")
        lines.append("niche   size  donors  closure  top inflows            label")
        for niche in exposure.niches {
            let id = Int(niche.niche)
            let size = id < analysis.communities.count ? analysis.communities.size[id] : 0
            let inflows = niche.inflows.filter { $0.niche != niche.niche }.prefix(3).map {
                "\($0.niche) \(fixed($0.share, 2))"
            }
            lines.append(
                String(id).leftPadding(toLength: 5) + grouped(size).leftPadding(toLength: 7)
                    + String(niche.members).leftPadding(toLength: 8)
                    + (niche.closure.map { fixed($0, 2) } ?? "-").leftPadding(toLength: 9) + "  "
                    + inflows.joined(separator: ", ").padding(toLength: 22) + " "
                    + Console.printable(Exposure.label(ofNiche: id, analysis: analysis, store: store)))
        }
        return lines.joined(separator: "\n")
    }
}
