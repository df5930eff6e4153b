/// CSR construction helpers: counting sorts, transposition, induced subgraphs.
enum CSR {
    /// The permutation that sorts edges by (source, target): a stable counting sort by target, then
    /// one by source. O(n + m) time, 8m bytes of scratch.
    static func sortedOrder(nodeCount: Int, sources: [UInt32], targets: [UInt32]) -> [Int] {
        let m = sources.count
        var counts = [Int](repeating: 0, count: nodeCount + 1)
        for v in targets { counts[Int(v) + 1] += 1 }
        for i in 0..<nodeCount { counts[i + 1] += counts[i] }
        var byTarget = [Int](repeating: 0, count: m)
        for e in 0..<m {
            let v = Int(targets[e])
            byTarget[counts[v]] = e
            counts[v] += 1
        }
        for i in 0...nodeCount { counts[i] = 0 }
        for u in sources { counts[Int(u) + 1] += 1 }
        for i in 0..<nodeCount { counts[i + 1] += counts[i] }
        var order = [Int](repeating: 0, count: m)
        for e in byTarget {
            let u = Int(sources[e])
            order[counts[u]] = e
            counts[u] += 1
        }
        return order
    }

    /// The transpose of a CSR (rows of the result are sorted, because the scan visits sources in order).
    static func transpose(offsets: [Int], targets: [UInt32], weights: [Float])
        -> (offsets: [Int], targets: [UInt32], weights: [Float])
    {
        let n = offsets.count - 1
        var inOffsets = [Int](repeating: 0, count: n + 1)
        for v in targets { inOffsets[Int(v) + 1] += 1 }
        for i in 0..<n { inOffsets[i + 1] += inOffsets[i] }
        var cursor = inOffsets
        var sources = [UInt32](repeating: 0, count: targets.count)
        var inWeights = [Float](repeating: 0, count: targets.count)
        for u in 0..<n {
            for e in offsets[u]..<offsets[u + 1] {
                let v = Int(targets[e])
                sources[cursor[v]] = UInt32(u)
                inWeights[cursor[v]] = weights[e]
                cursor[v] += 1
            }
        }
        return (inOffsets, sources, inWeights)
    }
}

extension Graph {
    /// The undirected version of a directed graph: `{u, v}` weighs `w(u→v) + w(v→u)`. An undirected
    /// graph is returned as it is. Per-edge attributes are dropped. O(n + m).
    package func undirected() -> Graph {
        guard isDirected else { return self }
        let n = nodeCount
        var offsetsOut = [Int](repeating: 0, count: n + 1)
        var targetsOut: [UInt32] = []
        var weightsOut: [Float] = []
        targetsOut.reserveCapacity(targets.count * 2)
        weightsOut.reserveCapacity(targets.count * 2)
        // Merge each node's sorted out-row and in-row.
        for u in 0..<n {
            var a = offsets[u]
            var b = inOffsets[u]
            let aEnd = offsets[u + 1]
            let bEnd = inOffsets[u + 1]
            while a < aEnd || b < bEnd {
                if b >= bEnd || (a < aEnd && targets[a] < inSources[b]) {
                    targetsOut.append(targets[a])
                    weightsOut.append(weights[a])
                    a += 1
                } else if a >= aEnd || inSources[b] < targets[a] {
                    targetsOut.append(inSources[b])
                    weightsOut.append(inWeights[b])
                    b += 1
                } else {
                    targetsOut.append(targets[a])
                    weightsOut.append(weights[a] + inWeights[b])
                    a += 1
                    b += 1
                }
            }
            offsetsOut[u + 1] = targetsOut.count
        }
        return Graph(
            parameters: parameters, isDirected: false, offsets: offsetsOut, targets: targetsOut,
            weights: weightsOut, nodeTypes: nodeTypes, nodeRows: nodeRows, externalLabels: externalLabels)
    }

    /// The subgraph induced by the nodes with `keep[u] == true`, renumbered in order, with edges
    /// (and their attributes) for which `keepEdge(e)` is true. O(n + m).
    func induced(keep: [Bool], keepEdge: (Int) -> Bool = { _ in true }) -> Graph {
        let n = nodeCount
        var newID = [UInt32](repeating: .max, count: n)
        var count: UInt32 = 0
        for u in 0..<n where keep[u] {
            newID[u] = count
            count += 1
        }
        var offsetsOut = [Int](repeating: 0, count: Int(count) + 1)
        var targetsOut: [UInt32] = []
        var weightsOut: [Float] = []
        var kept: [Int] = []
        for u in 0..<n where keep[u] {
            for e in offsets[u]..<offsets[u + 1] {
                let v = Int(targets[e])
                guard keep[v], keepEdge(e) else { continue }
                targetsOut.append(newID[v])
                weightsOut.append(weights[e])
                kept.append(e)
            }
            offsetsOut[Int(newID[u]) + 1] = targetsOut.count
        }
        let nodes = (0..<n).filter { keep[$0] }
        return Graph(
            parameters: parameters, isDirected: isDirected, offsets: offsetsOut, targets: targetsOut,
            weights: weightsOut, nodeTypes: nodes.map { nodeTypes[$0] }, nodeRows: nodes.map { nodeRows[$0] },
            externalLabels: externalLabels.isEmpty ? [] : nodes.map { externalLabels[$0] },
            edgeAttributes: edgeAttributes.isEmpty ? edgeAttributes : edgeAttributes.permuted(kept))
    }
}
