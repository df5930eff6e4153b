/// Local clustering coefficient, unweighted (Watts & Strogatz 1998):
/// `c(v) = 2·T(v) / (k(v)(k(v) − 1))`, where `T(v)` is the number of triangles through `v` and `k(v)` the
/// number of distinct neighbours (direction ignored); 0 when `k(v) < 2`. networkx `clustering`, igraph
/// `transitivity_local_undirected(mode="zero")`.
///
/// Triangles are enumerated once each by orienting every edge from the endpoint of lower (degree, id)
/// rank to the higher one ("forward" algorithm, Schank & Wagner 2005): O(m^1.5) time, in parallel over
/// node chunks with per-chunk counters summed in chunk order.
package struct LocalClustering: Sendable, Equatable {
    package var coefficient: [Double]
    /// The mean of `coefficient` over all nodes (networkx `average_clustering`).
    package var average: Double

    package init(_ graph: Graph) {
        let g = graph.undirected()
        let n = g.nodeCount
        let degree = (0..<n).map { g.offsets[$0 + 1] - g.offsets[$0] }
        @inline(__always) func before(_ a: Int, _ b: Int) -> Bool {
            degree[a] != degree[b] ? degree[a] < degree[b] : a < b
        }
        // Forward adjacency: neighbours of higher rank.
        var forwardOffsets = [Int](repeating: 0, count: n + 1)
        var forward: [UInt32] = []
        forward.reserveCapacity(g.targets.count / 2)
        for u in 0..<n {
            for e in g.offsets[u]..<g.offsets[u + 1] where before(u, Int(g.targets[e])) { forward.append(g.targets[e]) }
            forwardOffsets[u + 1] = forward.count
        }
        let chunks = Parallel.balancedRanges(offsets: forwardOffsets, chunks: n > 20_000 ? 8 : 1)
        let partial = forwardOffsets.withUnsafeBufferPointer { offsets in
            forward.withUnsafeBufferPointer { targets in
                Parallel.mapChunks(count: chunks.count, chunks: chunks.count, minimumParallelCount: 2) { c, _ in
                    var triangles = [Int32](repeating: 0, count: n)
                    var mark = [Bool](repeating: false, count: n)
                    for u in chunks[c] {
                        let start = offsets[u]
                        let end = offsets[u + 1]
                        guard end - start >= 2 else { continue }
                        for e in start..<end { mark[Int(targets[e])] = true }
                        for e in start..<end {
                            let v = Int(targets[e])
                            for f in offsets[v]..<offsets[v + 1] where mark[Int(targets[f])] {
                                triangles[u] += 1
                                triangles[v] += 1
                                triangles[Int(targets[f])] += 1
                            }
                        }
                        for e in start..<end { mark[Int(targets[e])] = false }
                    }
                    return triangles
                }
            }
        }
        var result = [Double](repeating: 0, count: n)
        for v in 0..<n {
            var t = 0
            for c in 0..<partial.count { t += Int(partial[c][v]) }
            let k = degree[v]
            result[v] = k >= 2 ? 2 * Double(t) / Double(k * (k - 1)) : 0
        }
        coefficient = result
        average = n > 0 ? result.reduce(0, +) / Double(n) : 0
    }
}
