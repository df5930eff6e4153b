/// Weighted PageRank by power iteration.
///
/// `x'(v) = (1 − α)/n + α·(D/n + Σ_{u→v} x(u)·w(u,v)/s(u))`, where `s(u)` is the out-strength of `u`
/// and `D = Σ x(u)` over dangling nodes (`s(u) = 0`), whose rank is spread uniformly — networkx's and
/// igraph's convention. Undirected edges count in both directions. Iterates until the L1 change is
/// below `tolerance` or `maxIterations` is reached; the ranks sum to 1.
///
/// Complexity: O(m) per iteration, pull-style over the in-CSR, in parallel over node chunks of equal
/// edge counts (the sum for each node is done by one thread in a fixed order, so results are identical
/// on every run).
package struct PageRank: Sendable {
    package struct Parameters: Sendable, Equatable {
        /// The damping factor α.
        package var damping = 0.85
        /// Stop when Σ|x' − x| falls below this.
        package var tolerance = 1e-9
        package var maxIterations = 200
        package init() {}
    }

    package var parameters: Parameters
    /// Rank per node.
    package var rank: [Double]
    /// Iterations done.
    package var iterations: Int
    /// Final L1 change.
    package var residual: Double

    package init(_ graph: Graph, parameters: Parameters = Parameters()) {
        self.parameters = parameters
        let n = graph.nodeCount
        guard n > 0 else {
            rank = []
            iterations = 0
            residual = 0
            return
        }
        let outStrength = Degrees.outStrengths(graph)
        let inOffsets = graph.isDirected ? graph.inOffsets : graph.offsets
        let inSources = graph.isDirected ? graph.inSources : graph.targets
        let inWeights = graph.isDirected ? graph.inWeights : graph.weights
        // Transition probabilities per in-edge: w(u, v) / s(u).
        var probability = [Float](repeating: 0, count: inSources.count)
        for e in 0..<inSources.count {
            probability[e] = Float(Double(inWeights[e]) / outStrength[Int(inSources[e])])
        }
        let dangling = (0..<n).filter { outStrength[$0] == 0 }
        let alpha = parameters.damping
        let chunks = Parallel.balancedRanges(offsets: inOffsets, chunks: n > 50_000 ? 16 : 1)
        var x = [Double](repeating: 1 / Double(n), count: n)
        var next = [Double](repeating: 0, count: n)
        var partial = [Double](repeating: 0, count: chunks.count)
        var done = 0
        var change = Double.infinity
        while done < parameters.maxIterations && change >= parameters.tolerance {
            var danglingMass = 0.0
            for u in dangling { danglingMass += x[u] }
            let base = (1 - alpha) / Double(n) + alpha * danglingMass / Double(n)
            x.withUnsafeBufferPointer { xs in
                next.withUnsafeMutableBufferPointer { out in
                    partial.withUnsafeMutableBufferPointer { partialOut in
                        inOffsets.withUnsafeBufferPointer { off in
                            inSources.withUnsafeBufferPointer { src in
                                probability.withUnsafeBufferPointer { p in
                                    let target = SharedBuffer(out)
                                    let sums = SharedBuffer(partialOut)
                                    Parallel.forEachChunk(
                                        count: chunks.count, chunks: chunks.count, minimumParallelCount: 2
                                    ) { c, _ in
                                        var delta = 0.0
                                        for v in chunks[c] {
                                            var s = 0.0
                                            for e in off[v]..<off[v + 1] { s += Double(p[e]) * xs[Int(src[e])] }
                                            let value = base + alpha * s
                                            target[v] = value
                                            delta += abs(value - xs[v])
                                        }
                                        sums[c] = delta
                                    }
                                }
                            }
                        }
                    }
                }
            }
            change = partial.reduce(0, +)
            swap(&x, &next)
            done += 1
        }
        let total = x.reduce(0, +)
        rank = total > 0 ? x.map { $0 / total } : x
        iterations = done
        residual = change
    }
}

extension Degrees {
    /// Out-strength per node (Σ of out-edge weights), without the other degree arrays. O(n + m).
    static func outStrengths(_ graph: Graph) -> [Double] {
        var result = [Double](repeating: 0, count: graph.nodeCount)
        graph.weights.withUnsafeBufferPointer { w in
            for u in 0..<graph.nodeCount {
                var s = 0.0
                for e in graph.offsets[u]..<graph.offsets[u + 1] { s += Double(w[e]) }
                result[u] = s
            }
        }
        return result
    }
}
