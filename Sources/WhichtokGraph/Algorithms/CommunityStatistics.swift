/// Per-community structure of a partition: how big, how dense and how isolated each community is,
/// and the weight between every pair of communities.
///
/// With `I_c` the weight of edges inside `c` (each edge once), `vol_c` the total strength of its nodes,
/// `cut_c = vol_c − 2I_c` the weight of edges leaving it and `2m` the total strength (all on the
/// undirected version of the graph):
/// - `density = e_c / (n_c(n_c − 1)/2)` with `e_c` the number of internal edges (0 for n_c < 2);
/// - `internalWeightShare = 2I_c / vol_c`: the share of the members' tie weight that stays inside;
/// - `conductance = cut_c / min(vol_c, 2m − vol_c)` (Görke, Kappes & Wagner's isolated
///   inter-partition conductance; small = isolated);
/// - `eiIndex = (cut_c − I_c) / (cut_c + I_c)` (Krackhardt & Stern 1988, on weights): −1 all inside,
///   +1 all outside.
///
/// `mixing[a][b]` is the weight from community `a` to `b` for the first `mixingLimit` communities (the
/// largest): for undirected graphs it is symmetric with `I_a` on the diagonal; for directed graphs it
/// sums `w(u → v)` for `u ∈ a, v ∈ b`. O(n + m + L²).
package struct CommunityStatistics: Sendable {
    package var size: [Int]
    package var internalEdges: [Int]
    package var internalWeight: [Double]
    package var volume: [Double]
    package var cut: [Double]
    package var density: [Double]
    package var internalWeightShare: [Double]
    package var conductance: [Double]
    package var eiIndex: [Double]
    package var mixing: [[Double]]

    package var count: Int { size.count }

    package init(_ graph: Graph, membership: [UInt32], mixingLimit: Int = 100) {
        let g = graph.undirected()
        let count = Int(membership.max().map { $0 + 1 } ?? 0)
        size = [Int](repeating: 0, count: count)
        internalEdges = [Int](repeating: 0, count: count)
        internalWeight = [Double](repeating: 0, count: count)
        volume = [Double](repeating: 0, count: count)
        var total = 0.0
        for u in 0..<g.nodeCount {
            let c = Int(membership[u])
            size[c] += 1
            for e in g.offsets[u]..<g.offsets[u + 1] {
                let w = Double(g.weights[e])
                volume[c] += w
                total += w
                if membership[Int(g.targets[e])] == membership[u] {
                    internalWeight[c] += w / 2
                    internalEdges[c] += 1
                }
            }
        }
        for c in 0..<count { internalEdges[c] /= 2 }
        let sizes = size
        let edges = internalEdges
        let inside = internalWeight
        let volumes = volume
        let cuts = (0..<count).map { max(0, volumes[$0] - 2 * inside[$0]) }
        cut = cuts
        density = (0..<count).map { c -> Double in
            guard sizes[c] >= 2 else { return 0 }
            let pairs: Double = Double(sizes[c]) * Double(sizes[c] - 1) / 2
            return Double(edges[c]) / pairs
        }
        internalWeightShare = (0..<count).map { volumes[$0] > 0 ? 2 * inside[$0] / volumes[$0] : 0 }
        conductance = (0..<count).map { c in
            let denominator = min(volumes[c], total - volumes[c])
            return denominator > 0 ? cuts[c] / denominator : 0
        }
        eiIndex = (0..<count).map { c in
            cuts[c] + inside[c] > 0 ? (cuts[c] - inside[c]) / (cuts[c] + inside[c]) : 0
        }
        let limit = min(count, max(0, mixingLimit))
        var matrix = [[Double]](repeating: [Double](repeating: 0, count: limit), count: limit)
        for u in 0..<graph.nodeCount {
            let a = Int(membership[u])
            guard a < limit else { continue }
            for e in graph.offsets[u]..<graph.offsets[u + 1] {
                let b = Int(membership[Int(graph.targets[e])])
                guard b < limit else { continue }
                matrix[a][b] += Double(graph.weights[e])
            }
        }
        if !graph.isDirected {
            for a in 0..<limit { matrix[a][a] /= 2 }
        }
        mixing = matrix
    }
}

/// Guimerà–Amaral node roles (Nature 433:895, 2005), on weights.
///
/// With `k_i` the strength of node `i` and `k_ic` its weight into community `c`:
/// - participation coefficient `P_i = 1 − Σ_c (k_ic / k_i)²` (0 = all ties in one community);
/// - within-module degree z-score `z_i = (k_{i,c_i} − mean_{j∈c_i} k_{j,c_i}) / sd_{j∈c_i} k_{j,c_i}` (0 when
///   the standard deviation is 0).
///
/// Roles: hubs have `z ≥ 2.5` — provincial (P ≤ 0.30), connector (≤ 0.75), kinless; non-hubs —
/// ultra-peripheral (P ≤ 0.05), peripheral (≤ 0.62), connector (≤ 0.80), kinless. Directed graphs use
/// their undirected version. O(n + m).
package struct NodeRoles: Sendable {
    package enum Role: String, CaseIterable, Sendable {
        case ultraPeripheral = "ultra-peripheral"
        case peripheral
        case connector
        case kinless
        case provincialHub = "provincial-hub"
        case connectorHub = "connector-hub"
        case kinlessHub = "kinless-hub"

        /// The role for participation `p` and within-module z-score `z`.
        package init(participation p: Double, z: Double) {
            if z >= 2.5 {
                self = p <= 0.30 ? .provincialHub : p <= 0.75 ? .connectorHub : .kinlessHub
            } else {
                self = p <= 0.05 ? .ultraPeripheral : p <= 0.62 ? .peripheral : p <= 0.80 ? .connector : .kinless
            }
        }
    }

    package var participation: [Double]
    package var withinModuleZ: [Double]
    package var role: [Role]

    package init(_ graph: Graph, membership: [UInt32]) {
        let g = graph.undirected()
        let n = g.nodeCount
        let count = Int(membership.max().map { $0 + 1 } ?? 0)
        var participation = [Double](repeating: 0, count: n)
        var inside = [Double](repeating: 0, count: n)
        var accumulator = [Double](repeating: 0, count: count)
        var touched: [Int] = []
        for u in 0..<n {
            var strength = 0.0
            for e in g.offsets[u]..<g.offsets[u + 1] {
                let c = Int(membership[Int(g.targets[e])])
                if accumulator[c] == 0 { touched.append(c) }
                accumulator[c] += Double(g.weights[e])
                strength += Double(g.weights[e])
            }
            var sumSquares = 0.0
            for c in touched {
                if strength > 0 { sumSquares += (accumulator[c] / strength) * (accumulator[c] / strength) }
            }
            participation[u] = strength > 0 ? 1 - sumSquares : 0
            inside[u] = accumulator[Int(membership[u])]
            for c in touched { accumulator[c] = 0 }
            touched.removeAll(keepingCapacity: true)
        }
        var sum = [Double](repeating: 0, count: count)
        var sumSquares = [Double](repeating: 0, count: count)
        var members = [Double](repeating: 0, count: count)
        for u in 0..<n {
            let c = Int(membership[u])
            sum[c] += inside[u]
            sumSquares[c] += inside[u] * inside[u]
            members[c] += 1
        }
        var z = [Double](repeating: 0, count: n)
        for u in 0..<n {
            let c = Int(membership[u])
            let mean = sum[c] / members[c]
            let variance = max(0, sumSquares[c] / members[c] - mean * mean)
            let sd = variance.squareRoot()
            z[u] = sd > 1e-12 * max(1, abs(mean)) ? (inside[u] - mean) / sd : 0
        }
        self.participation = participation
        self.withinModuleZ = z
        self.role = (0..<n).map { Role(participation: participation[$0], z: z[$0]) }
    }
}
