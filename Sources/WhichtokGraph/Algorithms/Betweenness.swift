import WhichtokSupport

/// Betweenness centrality (Brandes 2001), exact or estimated from a sample of sources.
///
/// `b(v) = Σ_{s≠v≠t} σ_st(v)/σ_st`, reported normalised as `b(v) / ((n − 1)(n − 2))` with ordered pairs
/// (networkx `betweenness_centrality(normalized=True)` for both directed and undirected graphs).
/// Paths follow edge direction in directed graphs. Path lengths are hop counts (`.hops`) or the sum of
/// `1/w` (`.inverseWeight`: a strong tie is a short distance).
///
/// Sampling: with `k < n` sources drawn uniformly without replacement (seeded), each source `s`
/// contributes `Y_s(v) = n·δ_s(v)/((n − 1)(n − 2)) ∈ [0, n/(n−1)]` and the estimate is their mean. By
/// Hoeffding's inequality (which holds for sampling without replacement) and a union bound over the
/// `n` nodes, every estimate is within `ε = n/(n−1) · √(ln(2n/δ) / 2k)` of the exact value with
/// probability at least `1 − δ`; `errorBound` reports ε for δ = 0.05 (0 when exact).
///
/// Complexity: O(k·m) unweighted, O(k·m·log n) weighted, in parallel over sources.
package struct Betweenness: Sendable {
    package enum Distance: String, Sendable, Equatable {
        case hops
        case inverseWeight = "inverse-weight"
    }

    package struct Parameters: Sendable, Equatable {
        package var distance: Distance = .hops
        /// Graphs with at most this many nodes are computed exactly.
        package var exactLimit = 5_000
        /// Sources sampled above `exactLimit`.
        package var samples = 1_000
        package var seed: UInt64 = 1
        package init() {}
    }

    package var parameters: Parameters
    package var centrality: [Double]
    package var sources: Int
    package var isExact: Bool
    /// The additive error bound ε at confidence 95 % (0 when exact).
    package var errorBound: Double

    package init(_ graph: Graph, parameters: Parameters = Parameters()) {
        self.parameters = parameters
        let n = graph.nodeCount
        let exact = n <= parameters.exactLimit || parameters.samples >= n
        var order = (0..<n).map { UInt32($0) }
        if !exact {
            var random = SplitMix64(seed: parameters.seed)
            random.shuffle(&order)
        }
        let chosen = exact ? order : Array(order.prefix(max(1, parameters.samples)))
        let k = chosen.count
        let chunkCount = min(max(1, k), 16)
        let weighted = parameters.distance == .inverseWeight
        let partials = Parallel.mapChunks(count: k, chunks: chunkCount, minimumParallelCount: 64) { _, range in
            var state = BrandesState(nodeCount: n)
            for i in range {
                if weighted {
                    state.accumulateWeighted(graph, source: Int(chosen[i]))
                } else {
                    state.accumulateHops(graph, source: Int(chosen[i]))
                }
            }
            return state.total
        }
        var total = [Double](repeating: 0, count: n)
        for partial in partials {
            for v in 0..<n { total[v] += partial[v] }
        }
        let pairs = Double(n - 1) * Double(n - 2)
        let scale = n > 2 ? (exact ? 1 / pairs : Double(n) / (Double(k) * pairs)) : 0
        centrality = total.map { $0 * scale }
        sources = k
        isExact = exact
        if exact || n < 3 {
            errorBound = 0
        } else {
            let range = Double(n) / Double(n - 1)
            errorBound = range * (log(2 * Double(n) / 0.05) / (2 * Double(k))).squareRoot()
        }
    }
}

/// Per-thread scratch for Brandes' accumulation.
struct BrandesState {
    var total: [Double]
    var sigma: [Double]
    var distance: [Double]
    var delta: [Double]
    var stack: [Int32]
    var predecessorsStart: [Int]
    var predecessors: [Int32]
    var predecessorCount: [Int32]

    init(nodeCount n: Int) {
        total = [Double](repeating: 0, count: n)
        sigma = [Double](repeating: 0, count: n)
        distance = [Double](repeating: -1, count: n)
        delta = [Double](repeating: 0, count: n)
        stack = []
        stack.reserveCapacity(n)
        predecessorsStart = []
        predecessors = []
        predecessorCount = [Int32](repeating: 0, count: n)
    }

    private mutating func prepare(_ graph: Graph) {
        if predecessorsStart.isEmpty {
            // Predecessors of v are among its in-neighbours: reserve in-degree slots per node.
            let n = graph.nodeCount
            let inOffsets = graph.isDirected ? graph.inOffsets : graph.offsets
            predecessorsStart = Array(inOffsets.prefix(n))
            predecessors = [Int32](repeating: 0, count: inOffsets[n])
        }
    }

    /// One source of unweighted Brandes: BFS, then dependency accumulation in reverse order.
    mutating func accumulateHops(_ graph: Graph, source s: Int) {
        prepare(graph)
        stack.removeAll(keepingCapacity: true)
        sigma[s] = 1
        distance[s] = 0
        var head = 0
        stack.append(Int32(s))
        while head < stack.count {
            let v = Int(stack[head])
            head += 1
            let dv = distance[v]
            for e in graph.offsets[v]..<graph.offsets[v + 1] {
                let w = Int(graph.targets[e])
                if distance[w] < 0 {
                    distance[w] = dv + 1
                    stack.append(Int32(w))
                }
                if distance[w] == dv + 1 {
                    sigma[w] += sigma[v]
                    predecessors[predecessorsStart[w] + Int(predecessorCount[w])] = Int32(v)
                    predecessorCount[w] += 1
                }
            }
        }
        finish(source: s)
    }

    /// One source of weighted Brandes: Dijkstra with distances Σ 1/w and a binary heap.
    mutating func accumulateWeighted(_ graph: Graph, source s: Int) {
        prepare(graph)
        stack.removeAll(keepingCapacity: true)
        var heap = MinHeap()
        sigma[s] = 1
        distance[s] = 0
        heap.push(0, Int32(s))
        var settled = Set<Int32>()
        while let (d, vv) = heap.pop() {
            let v = Int(vv)
            if d > distance[v] || settled.contains(vv) { continue }
            settled.insert(vv)
            stack.append(vv)
            for e in graph.offsets[v]..<graph.offsets[v + 1] {
                let w = Int(graph.targets[e])
                let candidate = d + 1 / Double(graph.weights[e])
                if distance[w] < 0 || candidate < distance[w] - 1e-12 * candidate {
                    distance[w] = candidate
                    sigma[w] = sigma[v]
                    predecessorCount[w] = 1
                    predecessors[predecessorsStart[w]] = Int32(v)
                    heap.push(candidate, Int32(w))
                } else if abs(candidate - distance[w]) <= 1e-12 * candidate && !settled.contains(Int32(w)) {
                    sigma[w] += sigma[v]
                    predecessors[predecessorsStart[w] + Int(predecessorCount[w])] = Int32(v)
                    predecessorCount[w] += 1
                }
            }
        }
        finish(source: s)
    }

    private mutating func finish(source s: Int) {
        for i in stride(from: stack.count - 1, through: 0, by: -1) {
            let w = Int(stack[i])
            let coefficient = (1 + delta[w]) / sigma[w]
            let start = predecessorsStart[w]
            for p in 0..<Int(predecessorCount[w]) {
                let v = Int(predecessors[start + p])
                delta[v] += sigma[v] * coefficient
            }
            if w != s { total[w] += delta[w] }
        }
        for i in 0..<stack.count {
            let w = Int(stack[i])
            sigma[w] = 0
            distance[w] = -1
            delta[w] = 0
            predecessorCount[w] = 0
        }
    }
}

/// A binary min-heap of (distance, node).
struct MinHeap {
    private var keys: [Double] = []
    private var values: [Int32] = []

    mutating func push(_ key: Double, _ value: Int32) {
        keys.append(key)
        values.append(value)
        var i = keys.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard keys[i] < keys[parent] || (keys[i] == keys[parent] && values[i] < values[parent]) else { break }
            keys.swapAt(i, parent)
            values.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> (Double, Int32)? {
        guard let firstKey = keys.first, let firstValue = values.first else { return nil }
        let lastKey = keys.removeLast()
        let lastValue = values.removeLast()
        if !keys.isEmpty {
            keys[0] = lastKey
            values[0] = lastValue
            var i = 0
            while true {
                let l = 2 * i + 1
                let r = l + 1
                var smallest = i
                if l < keys.count && (keys[l], values[l]) < (keys[smallest], values[smallest]) { smallest = l }
                if r < keys.count && (keys[r], values[r]) < (keys[smallest], values[smallest]) { smallest = r }
                guard smallest != i else { break }
                keys.swapAt(i, smallest)
                values.swapAt(i, smallest)
                i = smallest
            }
        }
        return (firstKey, firstValue)
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
