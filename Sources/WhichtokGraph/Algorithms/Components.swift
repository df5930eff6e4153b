/// Connected components (weakly connected for directed graphs).
package struct Components: Sendable, Equatable {
    /// Component id per node. Components are numbered by size, largest first; ties by smallest node id.
    package var component: [UInt32]
    /// Nodes per component, indexed by component id.
    package var sizes: [Int]

    package var count: Int { sizes.count }

    /// Labels the components by breadth-first search over out- and in-edges. O(n + m).
    package init(_ graph: Graph) {
        let n = graph.nodeCount
        var raw = [UInt32](repeating: .max, count: n)
        var rawSizes: [Int] = []
        var firstNode: [Int] = []
        var queue = [UInt32](repeating: 0, count: n)
        for start in 0..<n where raw[start] == .max {
            let id = UInt32(rawSizes.count)
            raw[start] = id
            var head = 0
            var tail = 1
            queue[0] = UInt32(start)
            while head < tail {
                let u = Int(queue[head])
                head += 1
                for e in graph.offsets[u]..<graph.offsets[u + 1] {
                    let v = Int(graph.targets[e])
                    if raw[v] == .max {
                        raw[v] = id
                        queue[tail] = UInt32(v)
                        tail += 1
                    }
                }
                if graph.isDirected {
                    for e in graph.inOffsets[u]..<graph.inOffsets[u + 1] {
                        let v = Int(graph.inSources[e])
                        if raw[v] == .max {
                            raw[v] = id
                            queue[tail] = UInt32(v)
                            tail += 1
                        }
                    }
                }
            }
            rawSizes.append(tail)
            firstNode.append(start)
        }
        let order = rawSizes.indices.sorted { (rawSizes[$0], -firstNode[$0]) > (rawSizes[$1], -firstNode[$1]) }
        var rank = [UInt32](repeating: 0, count: order.count)
        for (position, old) in order.enumerated() { rank[old] = UInt32(position) }
        component = raw.map { rank[Int($0)] }
        sizes = order.map { rawSizes[$0] }
    }
}
