import WhichtokStore

/// Graphs from (source, target) lists over store rows: the last step of every builder.
enum GraphFromEdges {
    /// An account graph from edges sorted by (source, target) with unique pairs, over account rows.
    /// Nodes are the accounts that have an edge, in row order. An undirected graph takes each pair once
    /// (either orientation) and stores both directions.
    static func accountGraph(
        parameters: GraphParameters, directed: Bool, accountCount: Int, sources: [RowID], targets: [RowID],
        weights: [Float], attributes: EdgeAttributes, nodeType: NodeType = .account
    ) -> Graph {
        var node = [UInt32](repeating: .max, count: accountCount)
        for r in sources { node[Int(r)] = 0 }
        for r in targets { node[Int(r)] = 0 }
        var rows: [RowID] = []
        for r in 0..<accountCount where node[r] == 0 {
            node[r] = UInt32(rows.count)
            rows.append(RowID(r))
        }
        return general(
            parameters: parameters, directed: directed, nodeTypes: [NodeType](repeating: nodeType, count: rows.count),
            nodeRows: rows, sources: sources.map { node[Int($0)] }, targets: targets.map { node[Int($0)] },
            weights: weights, attributes: attributes)
    }

    /// A graph over given nodes from unique edges (node ids), in any order: sorted into CSR with the
    /// attributes permuted alongside; undirected edges are mirrored.
    static func general(
        parameters: GraphParameters, directed: Bool, nodeTypes: [NodeType], nodeRows: [RowID],
        sources: [UInt32], targets: [UInt32], weights: [Float], attributes: EdgeAttributes
    ) -> Graph {
        let n = nodeTypes.count
        var src = sources
        var dst = targets
        var edgeOf = Array(0..<sources.count)
        if !directed {
            src.append(contentsOf: targets)
            dst.append(contentsOf: sources)
            edgeOf.append(contentsOf: 0..<sources.count)
        }
        let order = CSR.sortedOrder(nodeCount: n, sources: src, targets: dst)
        var offsets = [Int](repeating: 0, count: n + 1)
        for u in src { offsets[Int(u) + 1] += 1 }
        for u in 0..<n { offsets[u + 1] += offsets[u] }
        let sortedTargets = order.map { dst[$0] }
        let sortedWeights = order.map { weights[edgeOf[$0]] }
        let permutation = order.map { edgeOf[$0] }
        return Graph(
            parameters: parameters, isDirected: directed, offsets: offsets, targets: sortedTargets,
            weights: sortedWeights, nodeTypes: nodeTypes, nodeRows: nodeRows,
            edgeAttributes: attributes.isEmpty ? attributes : attributes.permuted(permutation))
    }
}
