import Testing
import WhichtokStore
import WhichtokSupport
import WhichtokTestSupport

@testable import WhichtokGraph

/// Leiden's partition for a seed does not depend on the number of workers its parallel phases use:
/// machines with 1 to 8 cores (`Parallel.width` takes at most 8) give the same bytes. This machine may
/// have fewer cores than workers: the chunks then share the cores, which changes the timing of the
/// threads but not the work of each chunk, and the results must not depend on either.
@Suite("Leiden on any number of workers")
struct LeidenThreadingTests {
    static let workers = [2, 3, 4, 8]

    /// `graph`'s partition with one worker, and the same with each of `workers` (with `everyLevel`, on
    /// every level and with local moving's stale evaluations provoked; else as a machine with that many
    /// cores runs).
    static func expectSamePartition(
        _ graph: Graph, parameters: Leiden.Parameters, everyLevel: Bool, _ name: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Leiden {
        let one = Leiden(
            graph, parameters: parameters, initial: nil, threading: Leiden.Threading(workers: 1))
        for workers in Self.workers {
            let threading = Leiden.Threading(workers: workers, everyLevel: everyLevel)
            let many = Leiden(graph, parameters: parameters, initial: nil, threading: threading)
            #expect(many.membership == one.membership, "\(name): \(workers) workers", sourceLocation: sourceLocation)
            #expect(many.quality == one.quality, "\(name): \(workers) workers", sourceLocation: sourceLocation)
            #expect(
                many.iterationsDone == one.iterationsDone && many.levels == one.levels,
                "\(name): \(workers) workers", sourceLocation: sourceLocation)
        }
        return one
    }

    @Test(
        "planted partitions: 1, 2, 3, 4 and 8 workers split every level into the same partition",
        arguments: [
            (QualityFunction.modularity, 1.0, UInt64(1)), (.modularity, 2.0, 5), (.cpm, 0.05, 4), (.cpm, 0.2, 8),
        ])
    func plantedEveryLevel(objective: QualityFunction, resolution: Double, seed: UInt64) {
        var parameters = Leiden.Parameters()
        parameters.objective = objective
        parameters.resolution = resolution
        parameters.seed = seed
        for (groups, size, pIn, pOut) in [(20, 50, 0.1, 0.004), (6, 200, 0.05, 0.01), (40, 10, 0.5, 0.02)] {
            let (graph, _) = plantedPartition(groups: groups, size: size, pIn: pIn, pOut: pOut, seed: seed + 40)
            let one = Self.expectSamePartition(
                graph, parameters: parameters, everyLevel: true, "\(groups)×\(size), \(objective) γ \(resolution)")
            #expect(one.communityCount > 1 && one.communityCount < graph.nodeCount / 2)
        }
    }

    /// A sparse graph of 30,000 nodes large enough for the machine's path (levels of 20,000 nodes or
    /// more split, local moving pipelined with its production window), which a machine with N cores
    /// takes with N workers.
    @Test("a 30,000-node graph: 1, 2, 3, 4 and 8 workers and this machine's cores give the same partition")
    func machinePath() {
        let graph = sparseGroups(nodes: 30_000, groups: 30, edges: 150_000, seed: 77)
        #expect(graph.nodeCount >= LeidenWorkspace.defaultParallelMinimum)
        let parameters = Leiden.Parameters()
        let one = Self.expectSamePartition(graph, parameters: parameters, everyLevel: false, "30,000 nodes")
        #expect(one.communityCount >= 15, "communities \(one.communityCount)")
        let machine = Leiden(graph, parameters: parameters)
        #expect(machine.membership == one.membership)
        #expect(machine.quality == one.quality)
    }

    /// 5,000 nodes in groups of 100, then 4,000 separate 5-cliques (25,000 nodes, more than half of
    /// the entries in the cliques): aggregating the first level in chunks, the last chunks hold only
    /// cliques, which have no edges outside. Such chunks left their offsets past the entries, and the
    /// next level read rows beyond them: the release build crashed here with 2 workers.
    @Test("a graph ending in separate cliques: 1, 2, 3, 4 and 8 workers on the machine's path")
    func separateCliques() {
        var random = SplitMix64(seed: 5)
        var edges: [(Int, Int, Float)] = []
        for _ in 0..<30_000 {
            let u = Int(random.next() % 5_000)
            let v = random.unit() < 0.8 ? u / 100 * 100 + Int(random.next() % 100) : Int(random.next() % 5_000)
            if u != v { edges.append((u, v, 1)) }
        }
        for clique in 0..<4_000 {
            let first = 5_000 + 5 * clique
            for u in first..<(first + 5) {
                for v in (u + 1)..<(first + 5) { edges.append((u, v, 1)) }
            }
        }
        let graph = Graph(nodeCount: 25_000, edges: edges)
        let one = Self.expectSamePartition(graph, parameters: Leiden.Parameters(), everyLevel: false, "cliques")
        let cliques = Set((5_000..<25_000).map { one.membership[$0] })
        #expect(cliques.count == 4_000)
        #expect((5_000..<25_000).allSatisfy { one.membership[$0] == one.membership[$0 - $0 % 5] })
    }

    /// Every graph of the sample store (the committed sample archives, imported by the built binary):
    /// the graphs users analyse, small, so split on every level.
    @Test("the sample store's graphs: 1, 2, 3, 4 and 8 workers give the same partition")
    func sampleStore() throws {
        let folder = try TemporaryFolder("leiden-threads")
        let path = folder.file("s.store")
        let imported = try Whichtok.run(["import", "--quiet", "--store", path, PackageFolder.sampleArchives])
        try #require(imported.status == 0, "import: \(imported.stderr)")
        let store = try Store.load(from: path)
        let graphs: [(GraphKind, Graph)] = [
            (.interaction, GraphBuilder.interaction(store)),
            (.coEngagement, GraphBuilder.coEngagement(store).graph),
            (.sharedSpace, GraphBuilder.sharedSpace(store)),
            (.accountHashtag, GraphBuilder.accountHashtag(store)),
            (.accountSound, GraphBuilder.accountSound(store)),
            (.accountAuthor, GraphBuilder.accountAuthor(store)),
            (.coHashtag, GraphBuilder.coHashtag(store)),
        ]
        for (kind, graph) in graphs {
            #expect(graph.nodeCount > 10, "\(kind.rawValue): \(graph.nodeCount) nodes")
            for seed in [UInt64(1), 7] {
                var parameters = Leiden.Parameters()
                parameters.seed = seed
                _ = Self.expectSamePartition(graph, parameters: parameters, everyLevel: true, "\(kind.rawValue)")
                parameters.objective = .cpm
                parameters.resolution = 0.5
                _ = Self.expectSamePartition(graph, parameters: parameters, everyLevel: true, "\(kind.rawValue) CPM")
            }
        }
    }
}

/// `edges` random edges over `nodes` nodes in `groups` equal groups of consecutive ids, a quarter of
/// them between groups; weights uniform in [0.5, 1.5).
func sparseGroups(nodes n: Int, groups: Int, edges count: Int, seed: UInt64) -> Graph {
    var random = SplitMix64(seed: seed)
    var edges: [(Int, Int, Float)] = []
    for _ in 0..<count {
        let u = Int(random.next() % UInt64(n))
        let v: Int
        if random.unit() < 0.25 {
            v = Int(random.next() % UInt64(n))
        } else {
            v = (u / (n / groups)) * (n / groups) + Int(random.next() % UInt64(n / groups))
        }
        if u != v { edges.append((u, v, Float(0.5 + random.unit()))) }
    }
    return Graph(nodeCount: n, edges: edges)
}
