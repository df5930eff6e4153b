/// Quality of a partition.
package enum Modularity {
    /// Modularity of `membership` (a community per node) at resolution γ:
    /// `Q = Σ_c [ I_c / 2m − γ (K_c / 2m)² ]`, where `I_c` is the weight of edges with both ends in `c`
    /// (counted in both directions), `K_c` the total strength of `c` and `2m` the total strength.
    /// Directed graphs are measured on their undirected version. O(n + m).
    package static func of(_ graph: Graph, membership: [UInt32], resolution: Double = 1) -> Double {
        let g = graph.undirected()
        let n = g.nodeCount
        guard n > 0, membership.count == n else { return 0 }
        let count = Int(membership.max() ?? 0) + 1
        var inside = [Double](repeating: 0, count: count)
        var volume = [Double](repeating: 0, count: count)
        var total = 0.0
        for u in 0..<n {
            let c = Int(membership[u])
            for e in g.offsets[u]..<g.offsets[u + 1] {
                let w = Double(g.weights[e])
                volume[c] += w
                total += w
                if membership[Int(g.targets[e])] == membership[u] { inside[c] += w }
            }
        }
        guard total > 0 else { return 0 }
        var q = 0.0
        for c in 0..<count { q += inside[c] / total - resolution * (volume[c] / total) * (volume[c] / total) }
        return q
    }

    /// The CPM quality `H = Σ_c (e_c − γ·n_c(n_c − 1)/2)`, `e_c` the internal weight (each edge once).
    package static func cpm(_ graph: Graph, membership: [UInt32], resolution: Double) -> Double {
        let g = graph.undirected()
        let n = g.nodeCount
        guard n > 0, membership.count == n else { return 0 }
        let count = Int(membership.max() ?? 0) + 1
        var inside = [Double](repeating: 0, count: count)
        var size = [Double](repeating: 0, count: count)
        for u in 0..<n {
            let c = Int(membership[u])
            size[c] += 1
            for e in g.offsets[u]..<g.offsets[u + 1] where membership[Int(g.targets[e])] == membership[u] {
                inside[c] += Double(g.weights[e])
            }
        }
        var h = 0.0
        for c in 0..<count { h += inside[c] / 2 - resolution * size[c] * (size[c] - 1) / 2 }
        return h
    }
}
