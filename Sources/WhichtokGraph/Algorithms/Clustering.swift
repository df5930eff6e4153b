/// Local clustering coefficient, unweighted (Watts & Strogatz 1998):
/// `c(v) = 2·T(v) / (k(v)(k(v) − 1))`, where `T(v)` is the number of triangles through `v` and `k(v)` the
/// number of distinct neighbours (direction ignored); 0 when `k(v) < 2`. networkx `clustering`, igraph
/// `transitivity_local_undirected(mode="zero")`.
///
/// Complexity: O(Σ_v Σ_{u∈N(v)} k(u)) with a marker array, in parallel over node chunks.
public struct LocalClustering: Sendable, Equatable {
    public var coefficient: [Double]
    /// The mean of `coefficient` over all nodes (networkx `average_clustering`).
    public var average: Double

    public init(_ graph: Graph) {
        let g = graph.undirected()
        let n = g.nodeCount
        var result = [Double](repeating: 0, count: n)
        let chunks = Parallel.balancedRanges(offsets: g.offsets, chunks: n > 20_000 ? 8 : 1)
        g.offsets.withUnsafeBufferPointer { offsets in
            g.targets.withUnsafeBufferPointer { targets in
                result.withUnsafeMutableBufferPointer { out in
                    let shared = SharedBuffer(out)
                    Parallel.forEachChunk(count: chunks.count, chunks: chunks.count, minimumParallelCount: 2) { c, _ in
                        var mark = [Bool](repeating: false, count: n)
                        for v in chunks[c] {
                            let k = offsets[v + 1] - offsets[v]
                            guard k >= 2 else { continue }
                            for e in offsets[v]..<offsets[v + 1] { mark[Int(targets[e])] = true }
                            var links = 0
                            for e in offsets[v]..<offsets[v + 1] {
                                let u = Int(targets[e])
                                for f in offsets[u]..<offsets[u + 1] where mark[Int(targets[f])] { links += 1 }
                            }
                            for e in offsets[v]..<offsets[v + 1] { mark[Int(targets[e])] = false }
                            // Each triangle's far edge is seen from both of its ends.
                            shared[v] = Double(links) / Double(k * (k - 1))
                        }
                    }
                }
            }
        }
        coefficient = result
        average = n > 0 ? result.reduce(0, +) / Double(n) : 0
    }
}
