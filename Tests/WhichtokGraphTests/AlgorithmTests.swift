import Testing

@testable import WhichtokGraph

@Suite("Algorithms on the karate club")
struct KarateTests {
    @Test("the graph has 34 nodes and 78 edges")
    func shape() {
        let graph = Karate.graph
        #expect(graph.nodeCount == 34)
        #expect(graph.edgeCount == 78)
        #expect(graph.totalWeight == 78)
    }

    @Test("modularity of the factions is 0.3715 and of the clubs 0.3582")
    func knownSplit() {
        #expect(abs(Modularity.of(Karate.graph, membership: Karate.factions) - 0.371466) < 1e-5)
        #expect(abs(Modularity.of(Karate.graph, membership: Karate.clubs) - 0.358235) < 1e-5)
        // One community: no structure.
        #expect(abs(Modularity.of(Karate.graph, membership: [UInt32](repeating: 0, count: 34))) < 1e-12)
    }

    @Test("PageRank matches networkx to 1e-4")
    func pageRank() {
        let result = PageRank(Karate.graph)
        #expect(result.rank.count == 34)
        for (ours, theirs) in zip(result.rank, Karate.pageRank) { #expect(abs(ours - theirs) < 1e-4) }
        #expect(abs(result.rank.reduce(0, +) - 1) < 1e-12)
    }

    @Test("Leiden reaches modularity ≥ 0.41 and is reproducible with a seed", arguments: [UInt64(1), 2, 3, 42])
    func leiden(seed: UInt64) {
        var parameters = Leiden.Parameters()
        parameters.seed = seed
        let first = Leiden(Karate.graph, parameters: parameters)
        let second = Leiden(Karate.graph, parameters: parameters)
        #expect(first.membership == second.membership)
        #expect(first.quality >= 0.41)
        #expect(first.quality <= 0.4198 + 1e-4)
        #expect(abs(first.quality - Modularity.of(Karate.graph, membership: first.membership)) < 1e-12)
        // Communities are numbered by size, largest first.
        let sizes = (0..<first.communityCount).map { c in first.membership.filter { $0 == c }.count }
        #expect(sizes == sizes.sorted(by: >))
    }

    @Test("every Leiden community is connected")
    func connectedCommunities() throws {
        let graph = Karate.graph
        let result = Leiden(graph)
        for c in 0..<result.communityCount {
            let keep = result.membership.map { $0 == c }
            let sub = graph.induced(keep: keep)
            #expect(Components(sub).count == 1)
        }
    }

    @Test("betweenness, cores and clustering match networkx")
    func centralities() {
        let graph = Karate.graph
        let betweenness = Betweenness(graph)
        #expect(betweenness.isExact)
        for i in 0..<Karate.betweenness.count { #expect(abs(betweenness.centrality[i] - Karate.betweenness[i]) < 1e-7) }
        #expect(CoreDecomposition(graph).core == Karate.cores)
        let clustering = LocalClustering(graph)
        for i in 0..<Karate.clustering.count { #expect(abs(clustering.coefficient[i] - Karate.clustering[i]) < 1e-7) }
    }
}
