import Testing

@testable import WhichtokGraph

/// Small graphs whose answers are worked out by hand in the comments.
@Suite("Measures on hand-computed graphs")
struct MeasureTests {
    /// Two triangles {0,1,2} and {3,4,5} joined by the edge 2–3, all weights 1.
    static let barbell = Graph(
        nodeCount: 6,
        edges: [
            (0, 1, 1), (0, 2, 1), (1, 2, 1), (3, 4, 1), (3, 5, 1), (4, 5, 1), (2, 3, 1),
        ])
    static let split: [UInt32] = [0, 0, 0, 1, 1, 1]

    @Test("CSR: both directions, sorted rows, merged duplicates, no self-loops")
    func construction() {
        let g = Graph(nodeCount: 3, edges: [(0, 1, 1), (1, 0, 2), (2, 2, 5), (2, 0, 1)])
        #expect(g.offsets == [0, 2, 3, 4])
        #expect(g.targets == [1, 2, 0, 0])
        #expect(g.weights == [3, 1, 3, 1])  // 0–1 appears twice: 1 + 2
        #expect(g.edgeCount == 2)
        #expect(g.weight(from: 1, to: 0) == 3)
        #expect(g.weight(from: 1, to: 2) == 0)
        let d = Graph(nodeCount: 3, edges: [(0, 1, 1), (0, 2, 2), (1, 2, 4)], directed: true)
        #expect(d.inOffsets == [0, 0, 1, 3])
        #expect(d.inSources == [0, 0, 1])
        #expect(d.inWeights == [1, 2, 4])
    }

    @Test("modularity of the barbell split: 2·(6/14 − (7/14)²) = 5/14")
    func modularity() {
        // m = 7; each triangle: I_c = 6 (both directions), K_c = 7.
        #expect(abs(Modularity.of(Self.barbell, membership: Self.split) - 5.0 / 14.0) < 1e-12)
        // γ = 2: 2·(6/14 − 2·(1/4)) = −1/7.
        #expect(abs(Modularity.of(Self.barbell, membership: Self.split, resolution: 2) + 1.0 / 7.0) < 1e-12)
        // CPM at γ = 0.5: 2·(3 − 0.5·3) = 3.
        #expect(abs(Modularity.cpm(Self.barbell, membership: Self.split, resolution: 0.5) - 3) < 1e-12)
        let leiden = Leiden(Self.barbell)
        #expect(leiden.membership == Self.split)
        var cpm = Leiden.Parameters()
        cpm.objective = .cpm
        cpm.resolution = 0.5
        #expect(Leiden(Self.barbell, parameters: cpm).membership == Self.split)
    }

    @Test("degrees and strengths, directed and undirected")
    func degrees() {
        let d = Degrees(Graph(nodeCount: 3, edges: [(0, 1, 2), (1, 0, 3), (1, 2, 4)], directed: true))
        #expect(d.outDegree == [1, 2, 0])
        #expect(d.inDegree == [1, 1, 1])
        #expect(d.degree == [2, 3, 1])
        #expect(d.strength == [5, 9, 4])
        #expect(d.neighbours == [1, 2, 1])
        #expect(Degrees(Self.barbell).degree == [2, 2, 3, 3, 2, 2])
    }

    @Test("components are numbered by size")
    func components() {
        let g = Graph(nodeCount: 6, edges: [(0, 1, 1), (2, 3, 1), (3, 4, 1)])
        let c = Components(g)
        #expect(c.sizes == [3, 2, 1])
        #expect(c.component == [1, 1, 0, 0, 0, 2])
        // Weakly connected in a directed graph.
        #expect(Components(Graph(nodeCount: 3, edges: [(0, 1, 1), (2, 1, 1)], directed: true)).count == 1)
    }

    @Test("PageRank of a directed 3-cycle is uniform; a dangling node spreads uniformly")
    func pageRank() {
        let cycle = PageRank(Graph(nodeCount: 3, edges: [(0, 1, 1), (1, 2, 1), (2, 0, 1)], directed: true))
        for r in cycle.rank { #expect(abs(r - 1.0 / 3) < 1e-9) }
        // 0 → 1, 1 dangling: x1 = 0.05 + 0.85·(x0 + x1/2), x0 = 0.05 + 0.85·x1/2, so x0 = 0.35/1.35·… :
        // solving gives x0 = 0.3508772, x1 = 0.6491228.
        let chain = PageRank(Graph(nodeCount: 2, edges: [(0, 1, 1)], directed: true))
        #expect(abs(chain.rank[0] - 0.3508772) < 1e-6)
        #expect(abs(chain.rank[1] - 0.6491228) < 1e-6)
    }

    @Test("community statistics of the barbell split")
    func communityStatistics() {
        let s = CommunityStatistics(Self.barbell, membership: Self.split)
        #expect(s.size == [3, 3])
        #expect(s.internalEdges == [3, 3])
        #expect(s.internalWeight == [3, 3])
        #expect(s.volume == [7, 7])
        #expect(s.cut == [1, 1])
        #expect(s.density == [1, 1])
        #expect(abs(s.internalWeightShare[0] - 6.0 / 7) < 1e-12)
        #expect(abs(s.conductance[0] - 1.0 / 7) < 1e-12)
        #expect(abs(s.eiIndex[0] - (1.0 - 3) / 4) < 1e-12)
        #expect(s.mixing == [[3, 1], [1, 3]])
        // Directed mixing counts w(u → v) from row community to column community.
        let d = Graph(nodeCount: 3, edges: [(0, 1, 2), (1, 2, 5), (2, 1, 1)], directed: true)
        #expect(CommunityStatistics(d, membership: [0, 0, 1]).mixing == [[2, 5], [1, 0]])
    }

    @Test("participation and within-module z-score")
    func roles() {
        let r = NodeRoles(Self.barbell, membership: Self.split)
        // Node 2: 2 of its 3 ties inside: P = 1 − (2/3)² − (1/3)² = 4/9.
        #expect(abs(r.participation[2] - 4.0 / 9) < 1e-12)
        #expect(r.participation[0] == 0)
        // Inside-weights in community 0 are 2, 2, 2: z = 0 everywhere.
        #expect(r.withinModuleZ.allSatisfy { $0 == 0 })
        #expect(r.role[0] == .ultraPeripheral)
        #expect(r.role[2] == .peripheral)
        #expect(NodeRoles.Role(participation: 0.5, z: 3) == .connectorHub)
        #expect(NodeRoles.Role(participation: 0.9, z: 0) == .kinless)
    }

    @Test("k-core, clustering and betweenness of the barbell")
    func structure() {
        #expect(CoreDecomposition(Self.barbell).core == [2, 2, 2, 2, 2, 2])
        let c = LocalClustering(Self.barbell).coefficient
        #expect(c[0] == 1)
        #expect(abs(c[2] - 1.0 / 3) < 1e-12)  // 1 triangle of 3 possible
        // Node 2 lies on every path between {0,1} and {3,4,5}: 2·3·2 ordered pairs… plus via 3:
        // b(2) = 2·(2·3) = 12 ordered pairs, normalised by 5·4 = 20.
        let b = Betweenness(Self.barbell)
        #expect(abs(b.centrality[2] - 12.0 / 20) < 1e-12)
        #expect(b.centrality[0] == 0)
        var weighted = Betweenness.Parameters()
        weighted.distance = .inverseWeight
        #expect(abs(Betweenness(Self.barbell, parameters: weighted).centrality[2] - 12.0 / 20) < 1e-12)
        // A path 0–1–2 with a heavy shortcut: inverse weights route around it.
        let g = Graph(nodeCount: 3, edges: [(0, 1, 1), (1, 2, 1), (0, 2, 0.25)])
        #expect(Betweenness(g).centrality[1] == 0)  // hops: 0–2 is direct
        #expect(abs(Betweenness(g, parameters: weighted).centrality[1] - 1) < 1e-12)  // 1 + 1 < 4
    }

    @Test("sampled betweenness is reproducible and states its error bound")
    func sampledBetweenness() {
        var p = Betweenness.Parameters()
        p.exactLimit = 2
        p.samples = 3
        p.seed = 9
        let a = Betweenness(Karate.graph, parameters: p)
        let b = Betweenness(Karate.graph, parameters: p)
        #expect(!a.isExact)
        #expect(a.centrality == b.centrality)
        #expect(a.sources == 3)
        // ε = 34/33 · √(ln(2·34/0.05) / 6)
        #expect(abs(a.errorBound - 34.0 / 33 * (log(2 * 34 / 0.05) / 6).squareRoot()) < 1e-12)
    }

    @Test("disparity filter on a hand example")
    func disparity() throws {
        // Node 0 has edges of weight 10, 1, 1 (s = 12, k = 3); its neighbours have degree 1.
        let g = Graph(nodeCount: 4, edges: [(0, 1, 10), (0, 2, 1), (0, 3, 1)])
        let s = DisparityFilter.significance(g)
        let e01 = try #require(g.edgeIndex(from: 0, to: 1))
        let e02 = try #require(g.edgeIndex(from: 0, to: 2))
        #expect(abs(s[e01] - (2.0 / 12) * (2.0 / 12)) < 1e-12)  // (1 − 10/12)²
        #expect(abs(s[e02] - (11.0 / 12) * (11.0 / 12)) < 1e-12)  // (1 − 1/12)²
        let backbone = DisparityFilter.backbone(g, alpha: 0.05)
        #expect(backbone.nodeCount == 2)
        #expect(backbone.edgeCount == 1)
        #expect(backbone.weights == [10, 10])
    }

    @Test("filters: minimum weight, minimum degree, largest component")
    func filters() {
        let g = Graph(
            nodeCount: 7,
            edges: [
                (0, 1, 5), (1, 2, 5), (0, 2, 1), (3, 4, 2), (5, 6, 0.5),
            ])
        let heavy = GraphFilter(minWeight: 1).apply(to: g)
        #expect(heavy.nodeCount == 5)  // 5–6 dropped, its nodes left isolated and removed
        #expect(heavy.edgeCount == 4)
        let dense = GraphFilter(minDegree: 2).apply(to: g)
        #expect(dense.nodeCount == 3)
        #expect(dense.nodeRows == [0, 1, 2])
        let largest = GraphFilter(largestComponentOnly: true).apply(to: g)
        #expect(largest.nodeRows == [0, 1, 2])
        #expect(largest.parameters.largestComponentOnly)
    }

    @Test("empty and edgeless graphs go through every measure", arguments: [0, 3])
    func emptyGraphs(nodes: Int) throws {
        let graph = Graph(nodeCount: nodes, edges: [])
        var options = AnalysisOptions()
        options.betweenness = Betweenness.Parameters()
        let analysis = Analysis(graph, options: options)
        #expect(analysis.leiden.communityCount == nodes)
        #expect(analysis.modularity == 0)
        #expect(analysis.pageRank.rank.count == nodes)
        let json = AnalysisJSON.render(analysis, store: nil)
        #expect(json.contains("\"nodes\":\(nodes)"))
        #expect(GraphFilter().apply(to: graph).nodeCount == 0)
        #expect(try EdgeListReader.parse(Array("# only a comment\n".utf8), directed: false).nodeCount == 0)
    }

    @Test("normalised mutual information")
    func nmi() {
        #expect(PartitionComparison.normalizedMutualInformation([0, 0, 1, 1], [5, 5, 2, 2]) == 1)
        #expect(PartitionComparison.normalizedMutualInformation([0, 0, 1, 1], [0, 1, 0, 1]) < 1e-12)
        // One split vs a refinement: I = ln 2, H(A) = ln 2, H(B) = ln 4 → 2·ln2 / (3·ln2) = 2/3.
        #expect(abs(PartitionComparison.normalizedMutualInformation([0, 0, 1, 1], [0, 1, 2, 3]) - 2.0 / 3) < 1e-12)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
