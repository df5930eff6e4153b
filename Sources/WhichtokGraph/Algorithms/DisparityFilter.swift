/// The disparity-filter backbone (Serrano, Boguñá & Vespignani, PNAS 106:6483, 2009).
///
/// For an edge `{i, j}` seen from `i`, with `p = w_ij / s_i` (`s_i` the strength and `k_i` the degree of
/// `i`), the probability of a weight share at least `p` under the null model of uniformly random
/// shares is `α_ij = (1 − p)^(k_i − 1)`. The edge is kept when `α_ij < α` from either end. From a node of
/// degree 1 an edge is never significant (`α_ij = 1`), so it survives only if significant for the
/// other end, as in the paper. O(m).
package enum DisparityFilter {
    /// The significance `min(α_ij, α_ji)` of every CSR entry (both copies of an undirected edge agree).
    package static func significance(_ graph: Graph) -> [Double] {
        let g = graph.undirected()
        let strength = Degrees.outStrengths(g)
        var result = [Double](repeating: 1, count: g.targets.count)
        func alpha(_ node: Int, _ w: Float) -> Double {
            let k = g.offsets[node + 1] - g.offsets[node]
            guard k > 1, strength[node] > 0 else { return 1 }
            let p = Double(w) / strength[node]
            return pow1p(-p, Double(k - 1))
        }
        for u in 0..<g.nodeCount {
            for e in g.offsets[u]..<g.offsets[u + 1] {
                let v = Int(g.targets[e])
                result[e] = min(alpha(u, g.weights[e]), alpha(v, g.weights[e]))
            }
        }
        return result
    }

    /// The backbone of an undirected graph: edges with significance below `alpha`, nodes left without
    /// edges dropped. A directed graph is filtered on its undirected version.
    package static func backbone(_ graph: Graph, alpha: Double) -> Graph {
        let g = graph.undirected()
        let significance = significance(g)
        var backbone = g.induced(keep: [Bool](repeating: true, count: g.nodeCount)) { significance[$0] < alpha }
        backbone.parameters.settings.append(("backbone_alpha", "\(alpha)"))
        var filter = GraphFilter()
        filter.dropIsolated = true
        let parameters = backbone.parameters
        backbone = filter.apply(to: backbone)
        backbone.parameters = parameters
        return backbone
    }

    /// (1 + x)^y for x in [−1, 0], accurate for small |x|.
    static func pow1p(_ x: Double, _ y: Double) -> Double {
        if x <= -1 { return 0 }
        return exp(y * log1p(x))
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
