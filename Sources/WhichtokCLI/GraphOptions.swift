import ArgumentParser
import WhichtokGraph
import WhichtokStore

/// The graph and analysis options shared by `analyze` and `export`: which graph to build (from the
/// store or an edge list), its filters, and the Leiden, PageRank and betweenness settings.
struct GraphOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The graph to build.", valueName: "kind"))
    var graph: String = GraphKind.sharedSpace.rawValue

    @Option(name: .long, help: ArgumentHelp("Analyse this edge list instead of the store.", valueName: "file"))
    var edgelist: String?

    @Flag(name: .long, help: "Read the edge list as directed.")
    var directed = false

    @Option(name: .long, help: ArgumentHelp("Only events at or after this time (YYYY-MM-DD, ISO 8601 UTC, or Unix seconds).", valueName: "time"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Only events before this time.", valueName: "time"))
    var until: String?

    @Option(name: .long, help: ArgumentHelp("Event kinds to use, comma-separated (e.g. followed,commented).", valueName: "kinds"))
    var kinds: String?

    @Option(name: .long, help: ArgumentHelp("Drop edges lighter than this.", valueName: "w"))
    var minWeight: Float = 0

    @Option(name: .long, help: ArgumentHelp("Drop nodes with fewer neighbours than this.", valueName: "d"))
    var minDegree: Int = 0

    @Flag(name: .long, help: "Keep only the largest connected component.")
    var largestComponent = false

    @Option(name: .long, help: ArgumentHelp("Interaction kind weights, e.g. liked=1,watched=0.", valueName: "kind=w,..."))
    var kindWeights: String?

    @Option(name: .long, help: ArgumentHelp("Co-engagement kind weights, e.g. watched=0.5.", valueName: "kind=w,..."))
    var engagementWeights: String?

    @Option(name: .long, help: ArgumentHelp("Co-engagement: neighbours kept per account (0 = all).", valueName: "k"))
    var topK: Int = CoEngagementOptions().topK

    @Option(name: .long, help: ArgumentHelp("Co-engagement: skip items engaged by more accounts than this.", valueName: "n"))
    var popularityCap: Int = CoEngagementOptions().popularityCap

    @Option(name: .long, help: ArgumentHelp("Co-engagement: keep the disparity-filter backbone at this α.", valueName: "alpha"))
    var backbone: Double?

    @Option(name: .long, help: ArgumentHelp("Shared-space: share of interaction (a); co-engagement gets 1 − a.", valueName: "a"))
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
        _ = try eventFilter()
        _ = try AnalyzeCommand.parseWeights(kindWeights, base: .interactionDefaults, option: "--kind-weights")
        _ = try AnalyzeCommand.parseWeights(engagementWeights, base: .engagementDefaults, option: "--engagement-weights")
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

    /// The graph the options ask for, and the store it came from (nil for an edge list). Exits 66 when
    /// the store or file is missing, 65 for a malformed edge list.
    func buildGraph(storePath: String, clock: inout Clock) throws -> (Graph, Store?) {
        if let edgelist {
            let bytes = try clock.time("read") { try AnalyzeCommand.readFile(edgelist) }
            do {
                let graph = try clock.time("parse") { try EdgeListReader.parse(bytes, directed: directed) }
                return (graph, nil)
            } catch let error as EdgeListError {
                Console.error("whichtok: error: \(Console.printable(edgelist)):\(error.line): \(error.message)")
                throw ExitCode(Exit.dataError)
            }
        }
        let store: Store
        do {
            store = try clock.time("load") { try Store.load(from: storePath) }
        } catch let error as StoreError {
            Console.error("whichtok: error: \(Console.printable(error.description))")
            throw ExitCode(error.code == .notFound ? Exit.noInput : Exit.failure)
        }
        let filter = try eventFilter()
        let kind = GraphKind(rawValue: graph) ?? .sharedSpace
        let interactionWeights = try AnalyzeCommand.parseWeights(kindWeights, base: .interactionDefaults, option: "--kind-weights")
        var coOptions = CoEngagementOptions()
        coOptions.kindWeights = try AnalyzeCommand.parseWeights(engagementWeights, base: .engagementDefaults, option: "--engagement-weights")
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

    func eventFilter() throws -> EventFilter {
        var filter = EventFilter()
        if let since { filter.since = try AnalyzeCommand.parseTime(since, option: "--since") }
        if let until { filter.until = try AnalyzeCommand.parseTime(until, option: "--until") }
        if let kinds {
            var set = Set<EventKind>()
            for name in kinds.split(separator: ",") {
                let trimmed = name.trimmingCharacters()
                guard let kind = EventKind.allCases.first(where: { $0.name == trimmed }) else {
                    throw ValidationError("unknown event kind '\(trimmed)' in --kinds; expected \(EventKind.allCases.map(\.name).joined(separator: ", "))")
                }
                set.insert(kind)
            }
            filter.kinds = set
        }
        if let s = filter.since, let u = filter.until, s >= u { throw ValidationError("--since must be before --until") }
        return filter
    }
}
