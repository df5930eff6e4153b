import Testing
import WhichtokSupport

@testable import WhichtokGraph

/// Leiden's aggregation builds the same graph however many chunks build it, including chunks whose
/// groups have no edges outside (they write no entries, but their offsets must still close the gap).
@Suite("Leiden aggregation in chunks")
struct LeidenAggregationTests {
    static func expectSameAggregate(
        _ graph: WorkGraph, labels: [UInt32], count: Int, chunks: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let one = LeidenWorkspace(capacity: graph.nodeCount, chunks: 1).aggregate(
            graph: graph, by: labels, count: count)
        let many = LeidenWorkspace(capacity: graph.nodeCount, chunks: chunks)
            .aggregate(graph: graph, by: labels, count: count)
        #expect(one.offsets.last == one.targets.count, sourceLocation: sourceLocation)
        #expect(many.offsets == one.offsets, "\(chunks) chunks", sourceLocation: sourceLocation)
        #expect(many.targets == one.targets, "\(chunks) chunks", sourceLocation: sourceLocation)
        #expect(many.weights == one.weights, "\(chunks) chunks", sourceLocation: sourceLocation)
        #expect(many.nodeWeight == one.nodeWeight, "\(chunks) chunks", sourceLocation: sourceLocation)
    }

    /// Two paths 0–1–2 and 3–4–5, grouped {0, 1}, {2}, {3, 4, 5}: in two chunks, the second holds the
    /// last group only, whose edges are all inside it, and the first writes less than its members' rows.
    @Test("a last chunk without outside edges: offsets end at the entries")
    func emptyLastChunk() {
        let graph = Graph(nodeCount: 6, edges: [(0, 1, 1), (1, 2, 2), (3, 4, 1), (4, 5, 1)])
        let work = WorkGraph(graph: graph.undirected(), objective: .modularity)
        let aggregate = LeidenWorkspace(capacity: 6, chunks: 2).aggregate(
            graph: work, by: [0, 0, 1, 2, 2, 2], count: 3)
        #expect(aggregate.offsets == [0, 1, 2, 2])
        #expect(aggregate.targets == [1, 0])
        #expect(aggregate.weights == [2, 2])
        Self.expectSameAggregate(work, labels: [0, 0, 1, 2, 2, 2], count: 3, chunks: 2)
    }

    /// Random graphs of many small components, grouped at random with some components collapsed whole
    /// (groups without outside edges wherever the chunk bounds fall).
    @Test("random groupings with collapsed components: any number of chunks", arguments: [2, 3, 4, 8])
    func collapsedComponents(chunks: Int) {
        var random = SplitMix64(seed: UInt64(chunks))
        for _ in 0..<40 {
            let components = 2 + Int(random.next() % 12)
            var edges: [(Int, Int, Float)] = []
            var labels: [UInt32] = []
            var nextGroup: UInt32 = 0
            var first = 0
            for _ in 0..<components {
                let size = 1 + Int(random.next() % 6)
                for v in first..<(first + size) {
                    for u in first..<v where random.unit() < 0.6 { edges.append((u, v, Float(1 + random.next() % 3))) }
                }
                let collapsed = random.unit() < 0.5
                for _ in 0..<size {
                    if !collapsed || labels.count == first {
                        labels.append(nextGroup)
                        nextGroup += 1
                    } else {
                        labels.append(labels[first])
                    }
                }
                first += size
            }
            let work = WorkGraph(graph: Graph(nodeCount: first, edges: edges).undirected(), objective: .modularity)
            Self.expectSameAggregate(work, labels: labels, count: Int(nextGroup), chunks: chunks)
        }
    }
}
