/// k-core decomposition (Batagelj & Zaversnik 2003): the core number of a node is the largest k such
/// that it belongs to a subgraph whose nodes all have at least k neighbours in it. Degrees count
/// distinct neighbours, ignoring direction and weight (networkx `core_number`, igraph `coreness`).
/// O(n + m) with bucket queues.
package struct CoreDecomposition: Sendable, Equatable {
    package var core: [Int]
    /// The largest core number (the graph's degeneracy).
    package var maxCore: Int { core.max() ?? 0 }

    package init(_ graph: Graph) {
        let g = graph.undirected()
        let n = g.nodeCount
        var degree = (0..<n).map { g.offsets[$0 + 1] - g.offsets[$0] }
        let maxDegree = degree.max() ?? 0
        var binStart = [Int](repeating: 0, count: maxDegree + 2)
        for d in degree { binStart[d + 1] += 1 }
        for d in 0...maxDegree { binStart[d + 1] += binStart[d] }
        var position = [Int](repeating: 0, count: n)
        var vertices = [Int](repeating: 0, count: n)
        var next = binStart
        for v in 0..<n {
            position[v] = next[degree[v]]
            vertices[position[v]] = v
            next[degree[v]] += 1
        }
        for i in 0..<n {
            let v = vertices[i]
            for e in g.offsets[v]..<g.offsets[v + 1] {
                let u = Int(g.targets[e])
                guard degree[u] > degree[v] else { continue }
                // Move u to the front of its bin, then shrink the bin by one.
                let du = degree[u]
                let pu = position[u]
                let pw = binStart[du]
                let w = vertices[pw]
                if u != w {
                    vertices[pu] = w
                    position[w] = pu
                    vertices[pw] = u
                    position[u] = pw
                }
                binStart[du] += 1
                degree[u] -= 1
            }
        }
        core = degree
    }
}
