import ArgumentParser
import WhichtokGraph
import WhichtokStore
import WhichtokSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The graph and analysis options shared by `analyze` and `export`: which graph to build (from the
/// store or an edge list), its filters, and the Leiden, PageRank and betweenness settings.
struct GraphOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The graph to build.", valueName: "kind"))
    var graph: String = GraphKind.sharedSpace.rawValue

    @Option(name: .long, help: ArgumentHelp("Analyse this edge list instead of the store.", valueName: "file"))
    var edgelist: String?

    @Flag(name: .long, help: "Read the edge list as directed.")
    var directed = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Only events at or after this time (YYYY-MM-DD, ISO 8601 UTC, or Unix seconds).", valueName: "time"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Only events before this time.", valueName: "time"))
    var until: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Event kinds to use, comma-separated (e.g. followed,commented).", valueName: "kinds"))
    var kinds: String?

    @Option(name: .long, help: ArgumentHelp("Drop edges lighter than this.", valueName: "w"))
    var minWeight: Float = 0

    @Option(name: .long, help: ArgumentHelp("Drop nodes with fewer neighbours than this.", valueName: "d"))
    var minDegree: Int = 0

    @Flag(name: .long, help: "Keep only the largest connected component.")
    var largestComponent = false

    @Option(
        name: .long, help: ArgumentHelp("Interaction kind weights, e.g. liked=1,watched=0.", valueName: "kind=w,..."))
    var kindWeights: String?

    @Option(name: .long, help: ArgumentHelp("Co-engagement kind weights, e.g. watched=0.5.", valueName: "kind=w,..."))
    var engagementWeights: String?

    @Option(name: .long, help: ArgumentHelp("Co-engagement: neighbours kept per account (0 = all).", valueName: "k"))
    var topK: Int = CoEngagementOptions().topK

    @Option(
        name: .long, help: ArgumentHelp("Co-engagement: skip items engaged by more accounts than this.", valueName: "n")
    )
    var popularityCap: Int = CoEngagementOptions().popularityCap

    @Option(
        name: .long,
        help: ArgumentHelp("Co-engagement: keep the disparity-filter backbone at this α.", valueName: "alpha"))
    var backbone: Double?

    @Option(
        name: .long,
        help: ArgumentHelp("Shared-space: share of interaction (a); co-engagement gets 1 − a.", valueName: "a"))
    var interactionShare: Double = 0.5

    @Option(name: .long, help: ArgumentHelp("Leiden objective: modularity or cpm.", valueName: "name"))
    var objective: String = QualityFunction.modularity.rawValue

    @Option(name: .long, help: ArgumentHelp("Resolution γ.", valueName: "gamma"))
    var resolution: Double = 1

    @Option(name: .long, help: ArgumentHelp("Random seed (Leiden, sampled betweenness).", valueName: "n"))
    var seed: UInt64 = 1

    @Option(name: .long, help: ArgumentHelp("Leiden iterations.", valueName: "n"))
    var iterations: Int = Leiden.Parameters().iterations

    @Flag(name: .long, help: "Also compute betweenness (exact up to 5,000 nodes, else sampled).")
    var betweenness = false

    @Option(name: .long, help: ArgumentHelp("Sources sampled for betweenness on large graphs.", valueName: "n"))
    var betweennessSamples: Int = Betweenness.Parameters().samples

    /// `--pseudonymise`, `--participants`, `--pseudonymise-content`: applied by `loadStore`.
    @OptionGroup(title: "Privacy") var privacy: PrivacyOptions

    func validate() throws {
        guard GraphKind(rawValue: graph) != nil, graph != GraphKind.edgeList.rawValue else {
            throw ValidationError("unknown --graph '\(graph)'; expected one of \(Self.graphNames)")
        }
        guard QualityFunction(rawValue: objective) != nil else {
            throw ValidationError("unknown --objective '\(objective)'; expected modularity or cpm")
        }
        guard resolution >= 0, resolution.isFinite else { throw ValidationError("--resolution must be ≥ 0") }
        guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1") }
        guard minDegree >= 0 else { throw ValidationError("--min-degree must not be negative") }
        guard minWeight >= 0, minWeight.isFinite else { throw ValidationError("--min-weight must be ≥ 0") }
        guard topK >= 0 else { throw ValidationError("--top-k must not be negative") }
        guard popularityCap >= 2 else { throw ValidationError("--popularity-cap must be at least 2") }
        guard (0...1).contains(interactionShare) else { throw ValidationError("--interaction-share must be in [0, 1]") }
        if let backbone, !(backbone > 0 && backbone <= 1) { throw ValidationError("--backbone must be in (0, 1]") }
        guard betweennessSamples >= 1 else { throw ValidationError("--betweenness-samples must be at least 1") }
        try privacy.validate()
        _ = try eventFilter()
        _ = try Self.parseWeights(kindWeights, base: .interactionDefaults, option: "--kind-weights")
        _ = try Self.parseWeights(engagementWeights, base: .engagementDefaults, option: "--engagement-weights")
    }

    static var graphNames: String {
        GraphKind.allCases.filter { $0 != .edgeList }.map(\.rawValue).joined(separator: ", ")
    }

    /// The Leiden, PageRank and betweenness settings, plus the event window for community profiles.
    func analysisOptions() throws -> AnalysisOptions {
        var options = AnalysisOptions()
        options.leiden.objective = QualityFunction(rawValue: objective) ?? .modularity
        options.leiden.resolution = resolution
        options.leiden.seed = seed
        options.leiden.iterations = iterations
        if betweenness {
            var parameters = Betweenness.Parameters()
            parameters.samples = betweennessSamples
            parameters.seed = seed
            options.betweenness = parameters
        }
        options.engagementFilter = try eventFilter()
        return options
    }

    /// The structural filters (isolated nodes always dropped).
    var graphFilter: GraphFilter {
        var filter = GraphFilter(minWeight: minWeight, minDegree: minDegree, largestComponentOnly: largestComponent)
        filter.dropIsolated = true
        return filter
    }

    /// The graph built, filtered and analysed: what `analyze` and `export` both start with.
    func analysedGraph(storePath: String, clock: inout Clock) throws -> (
        graph: Graph, store: Store?, analysis: Analysis
    ) {
        let (graph, store, analysis, _) = try analysedGraph(storePath: storePath, clock: &clock) { _, _, _ in }
        return (graph, store, analysis)
    }

    /// The analysed graph and, for a graph built from a store, the donors' exposure with `options`,
    /// measured as soon as the communities are known, alongside the rest of the analysis;
    /// `exposureSeconds` is how long that took (for `--timings`). Without `niches`, the exposure's
    /// `niches` are left empty. `whenBuilt` is called with the filtered graph before it is analysed
    /// (to start work that needs only the graph).
    func analysedGraphAndExposure(
        storePath: String, clock: inout Clock, options: ExposureOptions, niches: Bool = true,
        whenBuilt: (Graph, Store?) -> Void = { _, _ in }
    ) throws -> (graph: Graph, store: Store?, analysis: Analysis, exposure: Exposure?, exposureSeconds: Double) {
        var exposureSeconds = 0.0
        let (graph, store, analysis, exposure) = try analysedGraph(
            storePath: storePath, clock: &clock, whenBuilt: whenBuilt
        ) {
            graph, leiden, store -> Exposure? in
            guard let store else { return nil }
            var inner = Clock()
            defer { exposureSeconds = inner.phases.first?.1 ?? 0 }
            return inner.time("exposure") {
                Exposure(graph: graph, leiden: leiden, store: store, options: options, niches: niches)
            }
        }
        return (graph, store, analysis, exposure, exposureSeconds)
    }

    /// The analysed graph, and what `alongside(graph, partition, store)` returned: work that needs
    /// the communities but not the rest of the analysis (such as exposure), run as soon as the
    /// partition is known, alongside the community profiles (see `Analysis.run`). `whenBuilt` sees
    /// the filtered graph before the analysis starts.
    func analysedGraph<Extra>(
        storePath: String, clock: inout Clock, whenBuilt: (Graph, Store?) -> Void = { _, _ in },
        alongside: (Graph, Leiden, Store?) -> Extra
    ) throws -> (graph: Graph, store: Store?, analysis: Analysis, extra: Extra) {
        let (built, store) = try buildGraph(storePath: storePath, clock: &clock)
        let filter = graphFilter
        let graph = clock.time("filter") { filter.apply(to: built) }
        whenBuilt(graph, store)
        let options = try analysisOptions()
        let (analysis, extra) = clock.time("analysis") {
            Analysis.run(graph, store: store, options: options) { alongside($0, $1, store) }
        }
        return (graph, store, analysis, extra)
    }

    /// The graph the options ask for, and the store it came from (nil for an edge list). Exits 66 when
    /// the store or file is missing, 65 for a malformed edge list.
    func buildGraph(storePath: String, clock: inout Clock) throws -> (Graph, Store?) {
        if let edgelist {
            let bytes = try clock.time("read") { try Self.readFile(edgelist) }
            do {
                let list = try clock.time("parse") { try EdgeListReader.read(bytes, directed: directed) }
                Self.warnAboutDropped(list, path: edgelist)
                var graph = list.graph
                if let privacy = try privacy.privacy() {
                    let labels = (0..<graph.nodeCount).map { graph.label(of: $0) }
                    graph.replaceExternalLabels(clock.time("privacy") { privacy.apply(toLabels: labels) })
                }
                return (graph, nil)
            } catch let error as EdgeListError {
                Console.error("whichtok: error: \(Console.printable(edgelist)):\(error.line): \(error.message)")
                throw ExitCode(Exit.dataError)
            }
        }
        let store = try loadStore(storePath: storePath, clock: &clock)
        let filter = try eventFilter()
        let kind = GraphKind(rawValue: graph) ?? .sharedSpace
        let interactionWeights = try Self.parseWeights(
            kindWeights, base: .interactionDefaults, option: "--kind-weights")
        var coOptions = CoEngagementOptions()
        coOptions.kindWeights = try Self.parseWeights(
            engagementWeights, base: .engagementDefaults, option: "--engagement-weights")
        coOptions.topK = topK
        coOptions.popularityCap = popularityCap
        coOptions.backboneAlpha = backbone
        let built: Graph = clock.time("build") {
            switch kind {
            case .interaction: return GraphBuilder.interaction(store, filter: filter, weights: interactionWeights)
            case .coEngagement: return GraphBuilder.coEngagement(store, filter: filter, options: coOptions).graph
            case .sharedSpace:
                var options = SharedSpaceOptions()
                options.interactionShare = interactionShare
                options.coEngagementShare = 1 - interactionShare
                options.interactionWeights = interactionWeights
                options.coEngagement = coOptions
                return GraphBuilder.sharedSpace(store, filter: filter, options: options)
            case .accountHashtag: return GraphBuilder.accountHashtag(store, filter: filter)
            case .accountSound: return GraphBuilder.accountSound(store, filter: filter)
            case .accountAuthor: return GraphBuilder.accountAuthor(store, filter: filter)
            case .coHashtag: return GraphBuilder.coHashtag(store, filter: filter)
            case .edgeList: return Graph(nodeCount: 0, edges: [])
            }
        }
        return (built, store)
    }

    /// The store at `storePath`, with `--pseudonymise` and `--participants` applied (see
    /// `StorePrivacy`): what every output made from the store starts with. Exits 66 when the store or
    /// a privacy file is missing, 65 when a privacy file is malformed, 1 when the store cannot be read.
    func loadStore(storePath: String, clock: inout Clock) throws -> Store {
        // Read the privacy files first: a missing key fails before a large store is loaded.
        let privacy = try privacy.privacy()
        var store: Store
        do {
            store = try clock.time("load") { try Store.load(from: storePath) }
        } catch let error as StoreError {
            Console.error("whichtok: error: \(Console.printable(error.description))")
            throw ExitCode(error.code == .notFound ? Exit.noInput : Exit.failure)
        }
        if let privacy {
            try clock.time("privacy") { try privacy.apply(to: &store) }
        }
        return store
    }

    func eventFilter() throws -> EventFilter {
        var filter = EventFilter()
        if let since { filter.since = try Self.parseTime(since, option: "--since") }
        if let until { filter.until = try Self.parseTime(until, option: "--until") }
        if let kinds {
            var set = Set<EventKind>()
            for name in kinds.split(separator: ",") {
                let trimmed = name.trimmingCharacters()
                guard let kind = EventKind.allCases.first(where: { $0.name == trimmed }) else {
                    throw ValidationError(
                        "unknown event kind '\(trimmed)' in --kinds; expected \(EventKind.allCases.map(\.name).joined(separator: ", "))"
                    )
                }
                set.insert(kind)
            }
            filter.kinds = set
        }
        if let s = filter.since, let u = filter.until, s >= u {
            throw ValidationError("--since must be before --until")
        }
        return filter
    }

    static func parseWeights(_ text: String?, base: KindWeights, option: String) throws -> KindWeights {
        var weights = base
        guard let text else { return weights }
        for item in text.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2,
                let kind = EventKind.allCases.first(where: { $0.name == parts[0].trimmingCharacters() }),
                let value = Float(parts[1].trimmingCharacters()), value >= 0, value.isFinite
            else { throw ValidationError("\(option): expected kind=weight pairs with weights ≥ 0, found '\(item)'") }
            weights[kind] = value
        }
        return weights
    }

    /// `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS][Z]` (UTC) or Unix seconds.
    static func parseTime(_ text: String, option: String) throws -> UInt32 {
        if let seconds = UInt32(text) { return seconds }
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for i in range {
                let d = Int(bytes[i]) - 48
                guard (0...9).contains(d) else { return nil }
                value = value * 10 + d
            }
            return value
        }
        guard bytes.count >= 10, bytes[4] == 45, bytes[7] == 45, let year = number(0..<4), let month = number(5..<7),
            let day = number(8..<10), (1970...2105).contains(year), (1...12).contains(month), (1...31).contains(day)
        else { throw ValidationError("\(option): expected YYYY-MM-DD[THH:MM[:SS]Z] or Unix seconds, found '\(text)'") }
        var seconds = 0
        if bytes.count > 10 {
            var rest = Array(bytes[10...])
            if rest.last == UInt8(ascii: "Z") { rest.removeLast() }
            let fields = String(decoding: rest.dropFirst(), as: UTF8.self).split(separator: ":")
            guard rest.first == UInt8(ascii: "T") || rest.first == UInt8(ascii: " "), (2...3).contains(fields.count),
                let h = Int(fields[0]), let m = Int(fields[1]), (0...23).contains(h), (0...59).contains(m)
            else {
                throw ValidationError("\(option): expected YYYY-MM-DD[THH:MM[:SS]Z] or Unix seconds, found '\(text)'")
            }
            let s = fields.count == 3 ? Int(fields[2]) ?? -1 : 0
            guard (0...60).contains(s) else { throw ValidationError("\(option): bad seconds in '\(text)'") }
            seconds = h * 3600 + m * 60 + s
        }
        let days = CivilTime.days(year: year, month: month, day: day)
        return UInt32(clamping: days * 86_400 + seconds)
    }

    /// Warns about the edge-list lines that are not in the graph (self-loops, zero weights) and the
    /// integer weights a 32-bit float rounded, each with a count and the first line.
    static func warnAboutDropped(_ list: EdgeList, path: String) {
        func plural(_ count: Int, _ one: String, _ many: String) -> String {
            "\(count) " + (count == 1 ? one : many)
        }
        let name = Console.printable(path)
        if list.selfLoops > 0 {
            Console.error(
                "whichtok: warning: \(name): \(plural(list.selfLoops, "self-loop", "self-loops")) dropped "
                    + "(first on line \(list.firstSelfLoopLine))")
        }
        if list.zeroWeights > 0 {
            Console.error(
                "whichtok: warning: \(name): \(plural(list.zeroWeights, "edge", "edges")) of weight 0 dropped "
                    + "(first on line \(list.firstZeroWeightLine))")
        }
        if list.roundedIntegers > 0 {
            Console.error(
                "whichtok: warning: \(name): "
                    + "\(plural(list.roundedIntegers, "integer weight", "integer weights")) above 16777216 "
                    + "rounded to the nearest 32-bit float (first on line \(list.firstRoundedLine))")
        }
    }

    /// Reads a whole file, or with `limit` at most `limit + 1` bytes (so a caller sees that a file is
    /// larger than it accepts without reading all of it). Exits 66 when it does not exist, 65 when it
    /// is not a file that can be read (a directory, no permission), 1 when reading fails; each message
    /// names the path and the system's reason.
    static func readFile(_ path: String, limit: Int? = nil) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let code = errno
            let missing = code == ENOENT || code == ENOTDIR
            Console.error("whichtok: error: \(Console.printable(path)): cannot open: \(systemMessage(code))")
            throw ExitCode(missing ? Exit.noInput : Exit.dataError)
        }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress, raw.count) }
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                Console.error("whichtok: error: \(Console.printable(path)): cannot read: \(systemMessage(code))")
                throw ExitCode(code == EISDIR ? Exit.dataError : Exit.failure)
            }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<n])
            if let limit, result.count > limit { return Array(result[...limit]) }
        }
        return result
    }

    /// The C library's text for `code` ("Is a directory").
    static func systemMessage(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
