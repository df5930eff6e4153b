/// Structural filters applied after a graph is built: minimum edge weight, minimum degree, largest
/// component. (Time windows and event kinds are applied by the builders, on events.)
package struct GraphFilter: Sendable, Equatable {
    /// Edges lighter than this are dropped (0 keeps all).
    package var minWeight: Float = 0
    /// Nodes with fewer distinct neighbours than this (after the weight filter) are dropped, in one pass.
    package var minDegree: Int = 0
    /// Keep only the largest (weakly) connected component.
    package var largestComponentOnly = false
    /// Drop nodes left without any edge. Builders only create nodes that have edges, so this matters
    /// only after the other filters.
    package var dropIsolated = true

    package init(minWeight: Float = 0, minDegree: Int = 0, largestComponentOnly: Bool = false) {
        self.minWeight = minWeight
        self.minDegree = minDegree
        self.largestComponentOnly = largestComponentOnly
    }

    /// Applies the filters in order: weight, degree, isolated nodes, largest component. O(n + m) each.
    package func apply(to graph: Graph) -> Graph {
        var result = graph
        if minWeight > 0 {
            let all = [Bool](repeating: true, count: result.nodeCount)
            let weights = result.weights
            result = result.induced(keep: all) { weights[$0] >= minWeight }
        }
        if minDegree > 0 {
            let degree = Degrees(result).neighbours
            result = result.induced(keep: degree.map { $0 >= minDegree })
        }
        if dropIsolated {
            let degree = Degrees(result).neighbours
            if degree.contains(0) { result = result.induced(keep: degree.map { $0 > 0 }) }
        }
        if largestComponentOnly, result.nodeCount > 0 {
            let components = Components(result)
            if components.count > 1 { result = result.induced(keep: components.component.map { $0 == 0 }) }
        }
        result.parameters.minWeight = minWeight
        result.parameters.minDegree = minDegree
        result.parameters.largestComponentOnly = largestComponentOnly
        return result
    }
}
