/// Degree and strength of every node.
///
/// For an undirected graph `out == in == degree`. For a directed graph `degree = out + in` and
/// `strength = outStrength + inStrength` (networkx's convention); `neighbours` counts distinct
/// neighbours in either direction. O(n + m).
package struct Degrees: Sendable, Equatable {
    package var outDegree: [Int]
    package var inDegree: [Int]
    package var degree: [Int]
    package var outStrength: [Double]
    package var inStrength: [Double]
    package var strength: [Double]
    /// Distinct neighbours, ignoring direction.
    package var neighbours: [Int]

    package init(_ graph: Graph) {
        let n = graph.nodeCount
        let offsets = graph.offsets
        outDegree = (0..<n).map { offsets[$0 + 1] - offsets[$0] }
        outStrength = Degrees.outStrengths(graph)
        guard graph.isDirected else {
            inDegree = outDegree
            degree = outDegree
            inStrength = outStrength
            strength = outStrength
            neighbours = outDegree
            return
        }
        let inOffsets = graph.inOffsets
        inDegree = (0..<n).map { inOffsets[$0 + 1] - inOffsets[$0] }
        inStrength = [Double](repeating: 0, count: n)
        for v in 0..<n {
            var s = 0.0
            for e in graph.inOffsets[v]..<graph.inOffsets[v + 1] { s += Double(graph.inWeights[e]) }
            inStrength[v] = s
        }
        let outs = outDegree
        let ins = inDegree
        let outS = outStrength
        let inS = inStrength
        degree = (0..<n).map { outs[$0] + ins[$0] }
        strength = (0..<n).map { outS[$0] + inS[$0] }
        // Distinct neighbours: merge the sorted out- and in-rows.
        var distinct = [Int](repeating: 0, count: n)
        for u in 0..<n {
            var a = graph.offsets[u]
            var b = graph.inOffsets[u]
            var count = 0
            let aEnd = graph.offsets[u + 1]
            let bEnd = graph.inOffsets[u + 1]
            while a < aEnd || b < bEnd {
                if b >= bEnd || (a < aEnd && graph.targets[a] < graph.inSources[b]) {
                    a += 1
                } else if a >= aEnd || graph.inSources[b] < graph.targets[a] {
                    b += 1
                } else {
                    a += 1
                    b += 1
                }
                count += 1
            }
            distinct[u] = count
        }
        neighbours = distinct
    }
}
