import ArgumentParser
import WhichtokExport
import WhichtokGraph
import WhichtokImport
import WhichtokPlot
import WhichtokReport
import WhichtokStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `whichtok report`: one self-contained HTML file about the store's niches.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML report of the niches (opens offline in any browser).",
        discussion: """
            Builds and analyses the graph as 'analyze' does (same options), measures each donor's exposure \
            as 'exposure' does with its defaults, and writes one HTML file (whichtok-report.html unless -o \
            names another): the data (inputs, donors, events by kind and over time, coverage of web \
            metadata), the map of the niches, one card per niche, the mixing matrix, each donor's feed \
            over time, the most central accounts and how the report was made (version, the store's \
            SHA-256, every option). The file holds its CSS, SVG and a small script inline and fetches \
            nothing. The same store and options always give byte-identical files. An output that is the \
            store or the edge list being read is refused before anything is written.
            Exit status: 0 ok, 1 failure, 64 usage (also: an output that is the store or the edge list), \
            65 malformed edge list, 66 store or file missing, 73 cannot write the output.
            """)

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var graphOptions: GraphOptions

    @Option(
        name: [.customShort("o"), .long],
        help: ArgumentHelp("Where to write the report ('-' for standard output).", valueName: "path"))
    var output: String = "whichtok-report.html"

    @Option(name: .long, help: ArgumentHelp("ForceAtlas2 iterations for the map.", valueName: "n"))
    var layoutIterations: Int = ForceAtlas2.Parameters().iterations

    @Option(name: .long, help: ArgumentHelp("Accounts labelled on the map.", valueName: "n"))
    var labels: Int = MapScene.Options().labels

    @Flag(name: .long, help: "Leave the map out (no layout is computed).")
    var noMap = false

    @Flag(name: .long, help: "Print the time of each phase to stderr.")
    var timings = false

    @Flag(name: .long, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if output.isEmpty { throw ValidationError("-o needs a path") }
        guard layoutIterations >= 0 else { throw ValidationError("--layout-iterations must not be negative") }
        guard labels >= 0 else { throw ValidationError("--labels must not be negative") }
    }

    func run() throws {
        let destination = output == "-" ? nil : output
        try StoreAccess.refuseOverwriting(
            outputs: destination.map { [("-o", $0)] } ?? [],
            protected: [("the store", storeOptions.path)]
                + (graphOptions.edgelist.map { [("the edge list", $0)] } ?? []))
        let status = StatusLine(enabled: !quiet && Console.stderrIsTerminal)
        var clock = Clock()
        status.show("building and analysing the graph, measuring the donors' exposure…")
        // Donors' exposure with `exposure`'s defaults (here --kinds belongs to the graph), measured
        // as soon as the communities are known, alongside the rest of the analysis.
        var exposureOptions = ExposureOptions()
        exposureOptions.voteWeights = try GraphOptions.parseWeights(
            graphOptions.engagementWeights, base: .engagementDefaults, option: "--engagement-weights")
        let (graph, store, analysis, exposure, exposureSeconds) = try graphOptions.analysedGraphAndExposure(
            storePath: storeOptions.path, clock: &clock, options: exposureOptions)
        var map: ReportMap?
        if !noMap {
            var parameters = ForceAtlas2.Parameters()
            parameters.iterations = layoutIterations
            parameters.seed = graphOptions.seed
            let total = layoutIterations
            let layout = clock.time("layout") {
                ForceAtlas2(graph, parameters: parameters, communities: analysis.leiden.membership) { done in
                    if done % 10 == 0 || done == total {
                        status.show("laying out the map: \(done)/\(total) iterations…")
                    }
                }
            }
            status.show("drawing the map…")
            // Smaller than plot's 2400 × 1800 figure: the page shows it about 1,200 pixels wide (with
            // the legend as HTML), and the raster of a large graph's edges stays a few megabytes.
            var options = MapScene.Options()
            options.width = 1600
            options.height = 1200
            // Half of plot's edges: at this size more lines only darken the same cloud, and each
            // costs drawing time.
            options.edgeLimit = 50_000
            options.labels = labels
            let text = PangoText()
            let scene = clock.time("scene") {
                MapScene(analysis: analysis, store: store, layout: layout, options: options) {
                    text.measure($0, fontSize: $1)
                }
            }
            let layoutText =
                "ForceAtlas2, \(layout.iterationsDone) iterations, seed \(parameters.seed), gravity \(parameters.gravity), scaling \(parameters.scalingRatio.map { "\($0)" } ?? "automatic"), θ \(parameters.theta)"
            var failure: PlotError?
            map = clock.time("map") { () -> ReportMap? in
                do {
                    return try ReportMap(scene: scene, text: text, parameters: [("Layout", layoutText)])
                } catch {
                    failure = error as? PlotError ?? PlotError(path: nil, message: "\(error)")
                    return nil
                }
            }
            if let failure {
                status.clear()
                Console.error("whichtok: error: cannot draw the map: \(Console.printable(failure.description))")
                throw ExitCode(Exit.failure)
            }
        }
        status.show("checksumming the store…")
        let provenance = try clock.time("checksum") { try self.provenance(hasStore: store != nil) }
        status.show("writing the report…")
        let html = clock.time("render") {
            Report.render(
                ReportInput(analysis: analysis, store: store, exposure: exposure, map: map, provenance: provenance))
        }
        var failure: ExportError?
        clock.time("write") {
            do {
                try Exporter.writeFile(Array(html.utf8), to: destination)
            } catch {
                failure = error as? ExportError ?? ExportError(.writeFailed, path: destination, message: "\(error)")
            }
        }
        if let failure {
            status.clear()
            Console.error("whichtok: error: \(Console.printable(failure.description))")
            throw ExitCode(Exit.cannotCreate)
        }
        status.clear()
        if timings {
            clock.report(
                inner: analysis.timings + [("exposure", exposureSeconds)] + (exposure?.timings ?? []),
                summary: "nodes \(graph.nodeCount) edges \(graph.edgeCount) bytes \(html.utf8.count)")
        }
        if !quiet, let destination {
            Console.error(
                "wrote \(Console.printable(destination)): \(grouped(analysis.leiden.communityCount)) niches, "
                    + "\(grouped(graph.nodeCount)) nodes, \(grouped(html.utf8.count)) bytes")
        }
    }

    /// The version, the store's checksum, every option and the command line that makes the same report.
    func provenance(hasStore: Bool) throws -> ReportProvenance {
        var provenance = ReportProvenance(version: whichtokVersion)
        let options = graphOptions.optionsInEffect
        provenance.options = options.map { ($0.name, $0.value) }
        var words = ["whichtok", "report"]
        let defaults = (try? ReportCommand.parse([])) ?? self
        if hasStore {
            let name = Self.fileName(storeOptions.path)
            provenance.storeName = name
            let (digest, bytes) = try Self.sha256(ofFile: storeOptions.path)
            provenance.storeSHA256 = digest
            provenance.storeBytes = bytes
            words += ["--store", name]
            provenance.options.insert(("--store", name), at: 0)
        }
        for option in options where option.explicit {
            words.append(option.name)
            if option.value != "set" { words.append(option.value) }
        }
        if layoutIterations != defaults.layoutIterations { words += ["--layout-iterations", "\(layoutIterations)"] }
        if labels != defaults.labels { words += ["--labels", "\(labels)"] }
        if noMap { words.append("--no-map") }
        provenance.options += [
            ("--layout-iterations", "\(layoutIterations)"), ("--labels", "\(labels)"),
            ("--no-map", noMap ? "set" : "not set"),
        ]
        words += ["-o", output == "-" ? "-" : Self.fileName(output)]
        provenance.options.append(("-o", Self.fileName(output)))
        provenance.commandLine = words.map(Self.shellQuoted).joined(separator: " ")
        return provenance
    }

    /// The last path component (a folder says where the researcher keeps files, not what they are).
    static func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// `word` as one shell word: left alone when it is plain, else in single quotes.
    static func shellQuoted(_ word: String) -> String {
        let plain = word.unicodeScalars.allSatisfy {
            ($0.value >= 0x30 && $0.value <= 0x39) || ($0.value >= 0x41 && $0.value <= 0x5a)
                || ($0.value >= 0x61 && $0.value <= 0x7a) || "-_./=,:+@%".unicodeScalars.contains($0)
        }
        if plain && !word.isEmpty { return word }
        return "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }

    /// The SHA-256 (hex) and size of a file, read in 1 MiB chunks.
    static func sha256(ofFile path: String) throws -> (String, Int) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            Console.error(
                "whichtok: error: \(Console.printable(path)): cannot open: \(GraphOptions.systemMessage(code))")
            throw ExitCode(Exit.failure)
        }
        defer { close(fd) }
        var hasher = SHA256()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var total = 0
        while true {
            let n = chunk.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress, raw.count) }
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                Console.error(
                    "whichtok: error: \(Console.printable(path)): cannot read: \(GraphOptions.systemMessage(code))")
                throw ExitCode(Exit.failure)
            }
            if n == 0 { break }
            chunk.withUnsafeBytes { raw in hasher.update(UnsafeRawBufferPointer(rebasing: raw[0..<n])) }
            total += n
        }
        return (SHA256.hex(hasher.finalize()), total)
    }
}

/// One status line on a terminal's stderr, replaced by each step and cleared at the end.
private struct StatusLine {
    let enabled: Bool

    func show(_ text: String) {
        guard enabled else { return }
        Console.write(2, "\r\u{1b}[K" + text)
    }

    func clear() {
        guard enabled else { return }
        Console.write(2, "\r\u{1b}[K")
    }
}

extension GraphOptions {
    /// Every graph and analysis option with the value in effect, and whether it differs from the
    /// default (only those go on the command line that reproduces a run).
    var optionsInEffect: [(name: String, value: String, explicit: Bool)] {
        let defaults = GraphOptions.defaults
        var list: [(String, String, Bool)] = []
        func add(_ name: String, _ value: String, _ defaultValue: String) {
            list.append((name, value, value != defaultValue))
        }
        func add(_ name: String, _ value: String?) {
            list.append((name, value ?? "(default)", value != nil))
        }
        func flag(_ name: String, _ value: Bool) {
            list.append((name, value ? "set" : "not set", value))
        }
        if let edgelist {
            list.append(("--edgelist", ReportCommand.fileName(edgelist), true))
            flag("--directed", directed)
        } else {
            add("--graph", graph, defaults.graph)
        }
        add("--since", since)
        add("--until", until)
        add("--kinds", kinds)
        add("--min-weight", "\(minWeight)", "\(defaults.minWeight)")
        add("--min-degree", "\(minDegree)", "\(defaults.minDegree)")
        flag("--largest-component", largestComponent)
        add("--kind-weights", kindWeights)
        add("--engagement-weights", engagementWeights)
        add("--top-k", "\(topK)", "\(defaults.topK)")
        add("--popularity-cap", "\(popularityCap)", "\(defaults.popularityCap)")
        add("--backbone", backbone.map { "\($0)" })
        add("--interaction-share", "\(interactionShare)", "\(defaults.interactionShare)")
        add("--objective", objective, defaults.objective)
        add("--resolution", "\(resolution)", "\(defaults.resolution)")
        add("--seed", "\(seed)", "\(defaults.seed)")
        add("--iterations", "\(iterations)", "\(defaults.iterations)")
        flag("--betweenness", betweenness)
        add("--betweenness-samples", "\(betweennessSamples)", "\(defaults.betweennessSamples)")
        return list.map { (name: $0.0, value: $0.1, explicit: $0.2) }
    }

    /// The options as parsed from no arguments.
    static var defaults: GraphOptions {
        (try? GraphOptions.parse([])) ?? GraphOptions()
    }
}
