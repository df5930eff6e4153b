import Foundation
import Testing
import WhichtokSupport
import WhichtokTestSupport

@testable import WhichtokGraph

/// A planted-partition graph: `groups` groups of `size` nodes; each pair inside a group is linked with
/// probability `pIn`, each pair across groups with `pOut`; weights uniform in [0.5, 1.5).
func plantedPartition(groups: Int, size: Int, pIn: Double, pOut: Double, seed: UInt64) -> (Graph, [UInt32]) {
    var random = SplitMix64(seed: seed)
    let n = groups * size
    var edges: [(Int, Int, Float)] = []
    for u in 0..<n {
        for v in (u + 1)..<n {
            let p = u / size == v / size ? pIn : pOut
            if random.unit() < p { edges.append((u, v, Float(0.5 + random.unit()))) }
        }
    }
    return (Graph(nodeCount: n, edges: edges), (0..<n).map { UInt32($0 / size) })
}

@Suite("Planted communities")
struct PlantedTests {
    @Test("Leiden recovers planted communities (NMI ≥ 0.9)", arguments: [UInt64(3), 17])
    func recovery(seed: UInt64) {
        let (graph, truth) = plantedPartition(groups: 8, size: 40, pIn: 0.3, pOut: 0.01, seed: seed)
        var parameters = Leiden.Parameters()
        parameters.seed = seed
        let result = Leiden(graph, parameters: parameters)
        #expect(PartitionComparison.normalizedMutualInformation(result.membership, truth) >= 0.9)
        #expect(result.quality >= Modularity.of(graph, membership: truth) - 1e-9)
    }

    @Test("CPM at a density threshold between the inside and outside densities also recovers them")
    func cpm() {
        let (graph, truth) = plantedPartition(groups: 6, size: 30, pIn: 0.4, pOut: 0.01, seed: 5)
        var parameters = Leiden.Parameters()
        parameters.objective = .cpm
        parameters.resolution = 0.1  // weights average 1: inside density ≈ 0.4, outside ≈ 0.01
        let result = Leiden(graph, parameters: parameters)
        #expect(PartitionComparison.normalizedMutualInformation(result.membership, truth) >= 0.9)
    }

    @Test("an iteration never lowers the quality, and a higher γ gives more communities")
    func resolution() {
        let (graph, _) = plantedPartition(groups: 4, size: 30, pIn: 0.3, pOut: 0.05, seed: 11)
        var low = Leiden.Parameters()
        low.resolution = 0.5
        var high = Leiden.Parameters()
        high.resolution = 3
        #expect(Leiden(graph, parameters: high).communityCount > Leiden(graph, parameters: low).communityCount)
        var one = Leiden.Parameters()
        one.iterations = 1
        var three = Leiden.Parameters()
        three.iterations = 3
        #expect(Leiden(graph, parameters: three).quality >= Leiden(graph, parameters: one).quality - 1e-12)
    }

    /// The membership of a mid-sized noisy graph, pinned as an FNV-1a hash of its bytes. The values were
    /// produced by the implementation before its speed work (prefetching, refinement community by
    /// community, branch-free accumulation), whose output bytes it must keep: a change here means the
    /// partitions users get for a seed changed, which should be a deliberate, documented decision.
    @Test(
        "a seed's partition is pinned (speed work must not change it)",
        arguments: [
            (QualityFunction.modularity, 1.0, UInt64(1), UInt64(196_442_371_968_651_822)),
            (QualityFunction.modularity, 1.0, UInt64(9), UInt64(10_665_985_302_845_438_344)),
            (QualityFunction.cpm, 0.05, UInt64(4), UInt64(12_666_240_771_637_599_329)),
        ])
    func pinned(objective: QualityFunction, resolution: Double, seed: UInt64, expected: UInt64) {
        let (graph, _) = plantedPartition(groups: 12, size: 120, pIn: 0.06, pOut: 0.012, seed: 23)
        var parameters = Leiden.Parameters()
        parameters.objective = objective
        parameters.resolution = resolution
        parameters.seed = seed
        let result = Leiden(graph, parameters: parameters)
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in result.membership {
            for shift in stride(from: 0, to: 32, by: 8) {
                hash = (hash ^ UInt64((c >> UInt32(shift)) & 0xff)) &* 0x0000_0100_0000_01b3
            }
        }
        #expect(hash == expected, "communities \(result.communityCount), quality \(result.quality)")
        // The parallel phases split their work into chunks on every level here (by default only levels
        // of 20,000 nodes or more are split, one chunk per core): the partition must not change.
        for chunks in [2, 3, 7] {
            let chunked = Leiden(graph, parameters: parameters, initial: nil, chunks: chunks)
            #expect(chunked.membership == result.membership, "\(chunks) chunks")
            #expect(chunked.quality == result.quality, "\(chunks) chunks")
        }
    }
}

@Suite("Agreement with networkx")
struct NetworkxTests {
    /// A Python with networkx and scipy, which networkx's PageRank needs (checked once).
    static let python = ExternalTool.python(passing: "import networkx, scipy")

    @Test(
        "PageRank, modularity, components, clustering and cores agree with networkx on the same graph",
        .enabled(if: python != nil, "python3 with networkx and scipy is not installed: comparison skipped"))
    func agreement() throws {
        // Two planted graphs side by side (two components), weighted.
        let (a, truthA) = plantedPartition(groups: 3, size: 20, pIn: 0.3, pOut: 0.02, seed: 8)
        var lines = ""
        var sources: [UInt32] = []
        var targets: [UInt32] = []
        var weights: [Float] = []
        for offset in [0, 60] {
            for u in 0..<a.nodeCount {
                for e in a.neighbours(of: u) where u < Int(a.targets[e]) {
                    let v = Int(a.targets[e])
                    sources.append(UInt32(u + offset))
                    targets.append(UInt32(v + offset))
                    weights.append(a.weights[e])
                    lines += "\(u + offset) \(v + offset) \(a.weights[e])\n"
                }
            }
        }
        let graph = Graph(nodeCount: 120, sources: sources, targets: targets, weights: weights, directed: false)
        let membership = truthA + truthA.map { $0 + 3 }
        let folder = try TemporaryFolder("nx")
        let edgePath = folder.file("edges.txt")
        try lines.write(toFile: edgePath, atomically: true, encoding: .utf8)
        let script = """
            import sys, networkx as nx
            g = nx.Graph(); g.add_nodes_from(range(120))
            for line in open(sys.argv[1]):
                u, v, w = line.split(); g.add_edge(int(u), int(v), weight=float(w))
            membership = [int(x) for x in sys.argv[2].split(",")]
            parts = [{u for u in range(120) if membership[u] == c} for c in sorted(set(membership))]
            print(nx.number_connected_components(g))
            print(repr(nx.community.modularity(g, parts, weight="weight")))
            pr = nx.pagerank(g, alpha=0.85, weight="weight", tol=1e-12, max_iter=1000)
            print(" ".join(repr(pr[u]) for u in range(120)))
            cl = nx.clustering(g)
            print(" ".join(repr(cl[u]) for u in range(120)))
            core = nx.core_number(g)
            print(" ".join(str(core[u]) for u in range(120)))
            """
        let result = try ChildProcess.run(
            try #require(Self.python), ["-c", script, edgePath, membership.map(String.init).joined(separator: ",")])
        try #require(result.status == 0)
        let output = result.stdout.split(separator: "\n")
        try #require(output.count == 5)
        #expect(Int(output[0]) == Components(graph).count)
        let theirModularity = try #require(Double(output[1]))
        #expect(abs(Modularity.of(graph, membership: membership) - theirModularity) < 1e-6)
        let theirRanks = output[2].split(separator: " ").compactMap { Double($0) }
        try #require(theirRanks.count == 120)
        let ours = PageRank(graph).rank
        for u in 0..<120 { #expect(abs(ours[u] - theirRanks[u]) < 1e-6) }
        let theirClustering = output[3].split(separator: " ").compactMap { Double($0) }
        try #require(theirClustering.count == 120)
        let clustering = LocalClustering(graph).coefficient
        for u in 0..<120 { #expect(abs(clustering[u] - theirClustering[u]) < 1e-12) }
        #expect(CoreDecomposition(graph).core == output[4].split(separator: " ").compactMap { Int($0) })
    }
}

extension PlantedTests {
    /// Local moving on two threads (an evaluating thread ahead of the committing one; `chunks` forced, so
    /// on these small graphs too, with a short window and the committing thread always waiting for the
    /// evaluations): every move is the one-thread loop's, although many evaluations go stale because a
    /// neighbour moved after them (they must be caught by the move stamps and redone).
    @Test("pipelined local moving makes the one-thread loop's moves", arguments: [2, 3, 7])
    func pipelinedLocalMoving(chunks: Int) {
        let (graph, _) = plantedPartition(groups: 20, size: 50, pIn: 0.1, pOut: 0.004, seed: 31)
        let work = WorkGraph(graph: graph.undirected(), objective: .modularity)
        let n = work.nodeCount
        let factor = 1 / work.nodeWeight.reduce(0, +)
        for seed in UInt64(1)...4 {
            var single = (0..<n).map { UInt32($0) }
            var random = SplitMix64(seed: seed)
            LeidenWorkspace(capacity: n, chunks: 1).moveNodesFast(
                graph: work, partition: &single, factor: factor, random: &random)
            var pipelined = (0..<n).map { UInt32($0) }
            random = SplitMix64(seed: seed)
            LeidenWorkspace(capacity: n, chunks: chunks).moveNodesFast(
                graph: work, partition: &pipelined, factor: factor, random: &random)
            #expect(pipelined == single, "seed \(seed)")
            #expect(Set(single).count < n / 4, "seed \(seed): \(Set(single).count) communities")
        }
    }
}
