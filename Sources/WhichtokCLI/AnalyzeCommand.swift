import ArgumentParser
import Dispatch
import WhichtokGraph
import WhichtokStore
import WhichtokSupport

/// `whichtok analyze`: build a graph from the store (or read an edge list), find communities and
/// describe them.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Build a weighted graph, find its communities (Leiden) and describe them.",
        discussion: """
            Graphs: interaction (directed), co-engagement, shared-space, account-hashtag, account-sound, \
            account-author, co-hashtag; or any edge list with --edgelist FILE (whitespace-separated \
            'source target [weight]' lines, '#' comments). --json prints one object whose keys are a \
            stable contract. The same store and options always give the same output.
            Exit status: 0 ok, 1 failure, 64 usage (also: a --pseudonymise key file shorter than 32 bytes), \
            65 malformed or unreadable edge list or --participants file, 66 store or file missing.
            """)

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var graphOptions: GraphOptions

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    @Flag(name: .long, help: "Print the time of each phase to stderr.")
    var timings = false

    func run() throws {
        var clock = Clock()
        let (graph, store, analysis) = try graphOptions.analysedGraph(storePath: storeOptions.path, clock: &clock)
        if timings {
            clock.report(
                inner: analysis.timings,
                summary:
                    "nodes \(graph.nodeCount) edges \(graph.edgeCount) communities \(analysis.leiden.communityCount) "
                    + "modularity \(Self.fixed(analysis.modularity, 6)) pagerank_iterations \(analysis.pageRank.iterations)"
            )
        }
        if json {
            Console.out(AnalysisJSON.render(analysis, store: store))
        } else {
            Console.out(AnalysisReport.render(analysis, store: store))
        }
    }

    /// `value` with `digits` decimals (for reports; JSON uses shortest round-trip numbers). A value
    /// too large for that (an edge list's total weight can reach 3.4e38) is printed in exponent form
    /// rather than converted to an integer that cannot hold it.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        DecimalText.fixed(value, digits)
    }
}

/// Phase timings of the command itself.
struct Clock {
    var phases: [(String, Double)] = []
    mutating func time<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try body()
        phases.append((name, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
        return result
    }

    /// `--timings`: each phase, then `inner` (phases of a library step, indented), then `summary`
    /// (the sizes the times belong to), one `timing` line each on standard error.
    func report(inner: [(String, Double)] = [], summary: String? = nil) {
        for (name, seconds) in phases + inner.map({ ("  " + $0.0, $0.1) }) {
            Console.error("timing \(name.padding(toLength: 12)) \(AnalyzeCommand.fixed(seconds, 4)) s")
        }
        if let summary { Console.error("timing " + summary) }
    }
}

extension Substring {
    func trimmingCharacters() -> String { String(self).trimmingWhitespace() }
}

/// The human-readable report: the graph, its partition, a table of communities and the most central
/// nodes.
enum AnalysisReport {
    static func render(_ analysis: Analysis, store: Store?) -> String {
        let graph = analysis.graph
        let fixed = AnalyzeCommand.fixed
        var lines: [String] = []
        let direction = graph.isDirected ? "directed" : "undirected"
        lines.append(
            "graph       \(graph.kind.rawValue) (\(direction)): \(grouped(graph.nodeCount)) nodes, \(grouped(graph.edgeCount)) edges, total weight \(fixed(graph.totalWeight, 3))"
        )
        lines.append(
            "components  \(grouped(analysis.components.count)), largest \(grouped(analysis.components.sizes.first ?? 0)) nodes"
        )
        let l = analysis.leiden
        lines.append(
            "leiden      \(l.parameters.objective.rawValue), γ = \(l.parameters.resolution), seed \(l.parameters.seed), \(l.iterationsDone) iteration(s): \(grouped(l.communityCount)) communities, modularity \(fixed(analysis.modularity, 4))"
        )
        if let b = analysis.betweenness {
            lines.append(
                "betweenness \(b.isExact ? "exact" : "sampled from \(b.sources) sources, error ≤ \(fixed(b.errorBound, 4)) at 95 %")"
            )
        }
        lines.append("")
        let header = "  id     size  share  conduct.    E-I  top hashtags / central members"
        lines.append(header)
        let c = analysis.communities
        let shown = min(c.count, 20)
        for id in 0..<shown {
            let profile = analysis.profiles[id]
            var about = profile.topHashtags.prefix(3).map { $0.label(in: store) }
            if about.isEmpty { about = profile.topAuthors.prefix(3).map { "@" + $0.label(in: store) } }
            let members = profile.centralMembers.prefix(3).map { graph.label(of: $0, in: store) }
            let text = (about.isEmpty ? "" : about.joined(separator: " ") + " / ") + members.joined(separator: ", ")
            lines.append(
                String(id).leftPadding(toLength: 4) + grouped(c.size[id]).leftPadding(toLength: 9)
                    + fixed(c.internalWeightShare[id], 2).leftPadding(toLength: 7)
                    + fixed(c.conductance[id], 3).leftPadding(toLength: 10)
                    + fixed(c.eiIndex[id], 2).leftPadding(toLength: 7) + "  " + Console.printable(text))
        }
        if c.count > shown { lines.append("  … \(grouped(c.count - shown)) smaller communities (see --json)") }
        lines.append("")
        lines.append("most central (PageRank)")
        let order = (0..<graph.nodeCount).sorted {
            analysis.pageRank.rank[$0] != analysis.pageRank.rank[$1]
                ? analysis.pageRank.rank[$0] > analysis.pageRank.rank[$1] : $0 < $1
        }
        for u in order.prefix(10) {
            lines.append(
                "  " + Console.printable(graph.label(of: u, in: store)).padding(toLength: 28)
                    + " community " + String(analysis.leiden.membership[u]).leftPadding(toLength: 4)
                    + "  pagerank " + fixed(analysis.pageRank.rank[u], 5)
                    + "  degree " + String(analysis.degrees.degree[u]).leftPadding(toLength: 5)
                    + "  " + analysis.roles.role[u].rawValue)
        }
        return lines.joined(separator: "\n")
    }
}
