import ArgumentParser
import WhichtokExport
import WhichtokGraph
import WhichtokStore
import WhichtokSupport

/// `whichtok export`: the analysed graph as GEXF, GraphML or CSV, coloured by community, sized by
/// PageRank and laid out with ForceAtlas2.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract:
            "Write the analysed graph as GEXF, GraphML or CSV for Gephi, Cytoscape, networkx and igraph, or the store's tables as Parquet.",
        discussion: """
            Builds the graph as 'analyze' does (same options), finds communities, lays the graph out with \
            ForceAtlas2 and writes every result (and each donor's exposure, as 'exposure' measures it with \
            its defaults) as node and edge attributes: whichtok.gexf, \
            whichtok.graphml or the folder whichtok-csv/ unless -o names another path ('-o -' writes GEXF \
            or GraphML to standard output). Nodes are coloured by community and sized by PageRank. Files \
            are replaced atomically. The same store and options always give byte-identical files.
            An output that is the store or the edge list being read is refused before anything is written.
            --parquet DIR (or --parquet -o DIR) builds no graph: it writes the store's tables (events, accounts, \
            aliases, videos, video_hashtags, video_mentions, video_stats, hashtags, sounds, effects, comments, \
            conversations, inputs) as DIR/NAME.parquet (zstd, for DuckDB, Polars, pandas, R arrow, Spark) and \
            DIR/data-dictionary.csv; the default folder is whichtok-parquet.
            Exit status: 0 ok, 1 failure, 64 usage (also: an output that is the store or the edge list), \
            (also: a --pseudonymise key file shorter than 32 bytes), 65 malformed edge list or --participants \
            file, 66 store or file missing, 73 cannot write the output.
            """)

    enum Format: String, EnumerableFlag {
        case gexf, graphml, csv, parquet

        static func help(for value: Format) -> ArgumentHelp? {
            switch value {
            case .gexf: "Write GEXF (Gephi; networkx read_gexf)."
            case .graphml: "Write GraphML (Cytoscape, igraph, networkx, Gephi)."
            case .csv: "Write nodes.csv, edges.csv and data-dictionary.csv (Gephi's data laboratory, pandas, R)."
            case .parquet: "Write the store's tables as Parquet files (DuckDB, Polars, pandas, R arrow, Spark)."
            }
        }
    }

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var graphOptions: GraphOptions

    @Flag(exclusivity: .exclusive)
    var format: Format?

    @Option(
        name: [.customShort("o"), .long],
        help: ArgumentHelp("Where to write ('-' for standard output; GEXF and GraphML only).", valueName: "path"))
    var output: String?

    @Argument(help: ArgumentHelp("--parquet: the folder to write (the same as -o).", valueName: "folder"))
    var folder: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "GEXF version: 1.3 (Gephi 0.10, networkx ≥ 3.6) or 1.2 (older readers).", valueName: "version"))
    var gexfVersion: String = GEXFVersion.version13.rawValue

    @Flag(name: .long, help: "GEXF: give nodes and edges spells from their event times (Gephi's timeline).")
    var dynamic = false

    @Flag(name: .long, help: "Skip the ForceAtlas2 layout (no positions are written).")
    var noLayout = false

    @Option(name: .long, help: ArgumentHelp("ForceAtlas2 iterations.", valueName: "n"))
    var layoutIterations: Int = ForceAtlas2.Parameters().iterations

    @Flag(name: .long, help: "ForceAtlas2 LinLog mode: tighter, more separated communities.")
    var linlog = false

    @Flag(name: .long, help: "ForceAtlas2: dissuade hubs (attraction divided by degree).")
    var dissuadeHubs = false

    @Option(name: .long, help: ArgumentHelp("ForceAtlas2 gravity.", valueName: "g"))
    var gravity: Double = ForceAtlas2.Parameters().gravity

    @Flag(name: .long, help: "ForceAtlas2 strong gravity (grows with distance).")
    var strongGravity = false

    @Option(
        name: .long,
        help: ArgumentHelp("ForceAtlas2 scaling (repulsion); default 2, or 10 under 100 nodes.", valueName: "r"))
    var scaling: Double?

    @Option(name: .long, help: ArgumentHelp("ForceAtlas2 Barnes–Hut θ (smaller is more exact).", valueName: "theta"))
    var theta: Double = ForceAtlas2.Parameters().theta

    @Flag(name: .long, help: "Print the time of each phase to stderr.")
    var timings = false

    @Flag(name: .long, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        guard format != nil else { throw ValidationError("choose a format: --gexf, --graphml, --csv or --parquet") }
        if folder != nil && format != .parquet { throw ValidationError("a folder argument applies to --parquet only") }
        if let folder, let output, folder != output {
            throw ValidationError("name the folder once: as the argument or with -o")
        }
        if folder == "" { throw ValidationError("the folder needs a path") }
        if format == .parquet && (output ?? folder) == "-" {
            throw ValidationError("Parquet is one file per table: name a folder, not '-'")
        }
        guard let version = GEXFVersion(rawValue: gexfVersion == "1.2draft" ? "1.2" : gexfVersion) else {
            throw ValidationError("unknown --gexf-version '\(gexfVersion)'; expected 1.3 or 1.2")
        }
        if version != .version13 && format != .gexf { throw ValidationError("--gexf-version applies to --gexf only") }
        if dynamic && format != .gexf { throw ValidationError("--dynamic applies to --gexf only") }
        if output == "-" && format == .csv { throw ValidationError("CSV is two files: -o must name a folder, not '-'") }
        if output == "" { throw ValidationError("-o needs a path") }
        guard layoutIterations >= 0 else { throw ValidationError("--layout-iterations must not be negative") }
        guard gravity >= 0, gravity.isFinite else { throw ValidationError("--gravity must be ≥ 0") }
        if let scaling, !(scaling > 0 && scaling.isFinite) { throw ValidationError("--scaling must be > 0") }
        guard theta > 0, theta.isFinite else { throw ValidationError("--theta must be > 0") }
    }

    func run() throws {
        if format == .parquet { return try runParquet() }
        try StoreAccess.refuseOverwriting(
            outputs: outputFiles,
            protected: [("the store", storeOptions.path)]
                + (graphOptions.edgelist.map { [("the edge list", $0)] } ?? []))
        var clock = Clock()
        // Donors' exposure with `exposure`'s defaults (here --kinds belongs to the graph), measured
        // as soon as the communities are known, alongside the rest of the analysis.
        var exposureOptions = ExposureOptions()
        exposureOptions.voteWeights = try GraphOptions.parseWeights(
            graphOptions.engagementWeights, base: .engagementDefaults, option: "--engagement-weights")
        // The niches' closure and flows are not part of an export. The accounts' event counts need
        // only the graph: they are counted on another thread while the graph is analysed.
        var activityJob: BackgroundJob<ExportDocument.AccountActivity>?
        let (graph, store, analysis, exposure, exposureSeconds) = try graphOptions.analysedGraphAndExposure(
            storePath: storeOptions.path, clock: &clock, options: exposureOptions, niches: false
        ) { graph, store in
            guard let store else { return }
            activityJob = BackgroundJob { ExportDocument.accountActivity(graph, store: store) }
        }
        let activity = activityJob?.join()
        var layout: ForceAtlas2?
        if !noLayout {
            var parameters = ForceAtlas2.Parameters()
            parameters.iterations = layoutIterations
            parameters.seed = graphOptions.seed
            parameters.linLog = linlog
            parameters.dissuadeHubs = dissuadeHubs
            parameters.gravity = gravity
            parameters.strongGravity = strongGravity
            parameters.scalingRatio = scaling
            parameters.theta = theta
            layout = clock.time("layout") {
                ForceAtlas2(graph, parameters: parameters, communities: analysis.leiden.membership)
            }
        }
        let document = clock.time("document") {
            ExportDocument(analysis: analysis, store: store, layout: layout, exposure: exposure, activity: activity)
        }
        let destination = output == "-" ? nil : (output ?? defaultPath)
        let result: ExportResult
        do {
            result = try clock.time("write") { () throws(ExportError) -> ExportResult in
                switch format ?? .gexf {
                case .gexf:
                    let version = GEXFVersion(rawValue: gexfVersion == "1.2draft" ? "1.2" : gexfVersion) ?? .version13
                    return try Exporter.writeGEXF(
                        document, to: destination, options: GEXFOptions(version: version, dynamic: dynamic))
                case .graphml:
                    return try Exporter.writeGraphML(document, to: destination)
                case .csv:
                    return try Exporter.writeCSV(document, toFolder: destination ?? defaultPath)
                case .parquet:
                    throw ExportError(.invalidRequest, message: "--parquet writes tables, not a graph")
                }
            }
        } catch let error as ExportError {
            Console.error("whichtok: error: \(Console.printable(error.description))")
            throw ExitCode(error.code == .invalidRequest ? Exit.usage : Exit.cannotCreate)
        }
        if timings {
            clock.report(
                inner: analysis.timings + [("exposure", exposureSeconds)] + (exposure?.timings ?? []),
                summary:
                    "nodes \(graph.nodeCount) edges \(graph.edgeCount) layout_iterations \(layout?.iterationsDone ?? 0)"
            )
        }
        if result.dynamicIgnored {
            Console.error("whichtok: warning: no node or edge has a known time; the GEXF is static")
        }
        if result.removedCharacters > 0 {
            Console.error(
                "whichtok: warning: removed \(grouped(result.removedCharacters)) character(s) that XML 1.0 does not allow from labels"
            )
        }
        if !quiet && destination != nil {
            let written = result.files.map(Console.printable).joined(separator: ", ")
            Console.error("wrote \(written): \(grouped(result.nodes)) nodes, \(grouped(result.edges)) edges")
        }
        // Freed by the exit, not one array at a time (as `import` does with its store).
        KeptUntilExit.keep([graph, store as Any, analysis, exposure as Any, document, layout as Any])
    }

    /// The files this export would write, with the option that names them (none for standard output).
    var outputFiles: [(option: String, path: String)] {
        guard output != "-" else { return [] }
        let destination = output ?? defaultPath
        guard format == .csv else { return [("-o", destination)] }
        let folder = destination.hasSuffix("/") ? destination : destination + "/"
        return [("-o", folder + "nodes.csv"), ("-o", folder + "edges.csv"), ("-o", folder + Exporter.dictionaryName)]
    }

    var defaultPath: String {
        switch format ?? .gexf {
        case .gexf: "whichtok.gexf"
        case .graphml: "whichtok.graphml"
        case .csv: "whichtok-csv"
        case .parquet: "whichtok-parquet"
        }
    }

    /// `--parquet`: the store's tables, no graph.
    func runParquet() throws {
        let destination = folder ?? output ?? defaultPath
        let slashed = destination.hasSuffix("/") ? destination : destination + "/"
        let names = ParquetTable.storeTables(Store()).map(\.fileName) + ["data-dictionary.csv"]
        try StoreAccess.refuseOverwriting(
            outputs: names.map { ("--parquet", slashed + $0) }, protected: [("the store", storeOptions.path)])
        var clock = Clock()
        let store = try graphOptions.loadStore(storePath: storeOptions.path, clock: &clock)
        let result: ParquetExportResult
        do {
            result = try clock.time("write") { () throws(ExportError) -> ParquetExportResult in
                try Exporter.writeParquet(store, toFolder: destination)
            }
        } catch let error as ExportError {
            Console.error("whichtok: error: \(Console.printable(error.description))")
            throw ExitCode(error.code == .invalidRequest ? Exit.usage : Exit.cannotCreate)
        }
        if timings {
            clock.report()
        }
        if !quiet {
            let tables = result.files.count - 1
            Console.error(
                "wrote \(tables) tables and data-dictionary.csv to \(Console.printable(destination)): "
                    + "\(grouped(result.rows["events"] ?? 0)) events, \(grouped(result.rows["accounts"] ?? 0)) accounts"
            )
        }
    }
}
