/// A Barnes–Hut quadtree over point masses, rebuilt every layout iteration.
///
/// Cells are stored in pre-order in one contiguous array: the first child of cell `i` (if any) is
/// `i + 1`, and `next` is the index after the cell's whole subtree. A traversal therefore needs no
/// stack: it either descends (`i + 1`) or skips the subtree (`next`). A cell is a leaf exactly when
/// `next == i + 1`.
///
/// Nodes are kept in tree order in `order` (a permutation of the node ids), with their positions and
/// masses copied to `points` and `masses` in the same order; every cell covers the contiguous range
/// `start ..< end` of that order. Building partitions the previous order in place, so the order (and
/// so every result) depends only on the positions.
///
/// Complexity: O(n · depth) to build; depth is at most `maxDepth` (coincident points share a leaf).
struct BarnesHutTree {
    struct Cell {
        /// Centre of mass.
        var centre: SIMD2<Float>
        var mass: Float
        /// Side length of the cell's square.
        var size: Float
        var start: Int32
        var end: Int32
        var next: Int32
    }

    static let maxDepth = 32

    var cells: [Cell] = []
    /// Node ids in tree order.
    var order: [UInt32]
    var points: [SIMD2<Float>]
    var masses: [Float]

    init(nodeCount: Int) {
        order = (0..<nodeCount).map { UInt32($0) }
        points = [SIMD2<Float>](repeating: .zero, count: nodeCount)
        masses = [Float](repeating: 0, count: nodeCount)
        cells.reserveCapacity(2 * nodeCount + 1)
    }

    /// Rebuilds the tree for `positions` and `mass` (one entry per node).
    mutating func build(positions: UnsafeBufferPointer<SIMD2<Float>>, mass: UnsafeBufferPointer<Float>) {
        let n = order.count
        cells.removeAll(keepingCapacity: true)
        guard n > 0 else { return }
        var low = SIMD2<Float>(repeating: .infinity)
        var high = SIMD2<Float>(repeating: -.infinity)
        for u in 0..<n {
            low = pointwiseMin(low, positions[u])
            high = pointwiseMax(high, positions[u])
        }
        let extent = high - low
        let side = max(extent.x, extent.y) * 1.0001 + 1e-6
        var builder = Builder(order: [], positions: positions, cells: [])
        swap(&builder.order, &order)
        swap(&builder.cells, &cells)
        builder.build(start: 0, end: n, corner: low, side: side, depth: 0)
        swap(&builder.order, &order)
        swap(&builder.cells, &cells)
        for k in 0..<n {
            let u = Int(order[k])
            points[k] = positions[u]
            masses[k] = mass[u]
        }
        // Masses and centres of mass, children before parents (reverse pre-order).
        for i in stride(from: cells.count - 1, through: 0, by: -1) {
            let cell = cells[i]
            var m: Float = 0
            var moment = SIMD2<Float>.zero
            if Int(cell.next) == i + 1 {
                for k in Int(cell.start)..<Int(cell.end) {
                    m += masses[k]
                    moment += masses[k] * points[k]
                }
            } else {
                var child = i + 1
                while child < Int(cell.next) {
                    let c = cells[child]
                    m += c.mass
                    moment += c.mass * c.centre
                    child = Int(c.next)
                }
            }
            cells[i].mass = m
            cells[i].centre = m > 0 ? moment / m : .zero
        }
    }

    /// The recursive partitioning.
    private struct Builder {
        var order: [UInt32]
        let positions: UnsafeBufferPointer<SIMD2<Float>>
        var cells: [Cell]

        /// Moves the nodes of `start ..< end` whose `axis` coordinate is below `split` to the front;
        /// returns the boundary.
        mutating func partition(_ start: Int, _ end: Int, axis: Int, split: Float) -> Int {
            var low = start
            var high = end - 1
            while true {
                while low <= high && positions[Int(order[low])][axis] < split { low += 1 }
                while low <= high && !(positions[Int(order[high])][axis] < split) { high -= 1 }
                if low >= high { return low }
                order.swapAt(low, high)
                low += 1
                high -= 1
            }
        }

        mutating func build(start: Int, end: Int, corner: SIMD2<Float>, side: Float, depth: Int) {
            let index = cells.count
            cells.append(Cell(centre: .zero, mass: 0, size: side, start: Int32(start), end: Int32(end), next: 0))
            if end - start > 1 && depth < BarnesHutTree.maxDepth {
                let half = side / 2
                let middle = corner + half
                let splitY = partition(start, end, axis: 1, split: middle.y)
                let splitLow = partition(start, splitY, axis: 0, split: middle.x)
                let splitHigh = partition(splitY, end, axis: 0, split: middle.x)
                if splitLow > start {
                    build(start: start, end: splitLow, corner: corner, side: half, depth: depth + 1)
                }
                if splitY > splitLow {
                    build(start: splitLow, end: splitY, corner: SIMD2(middle.x, corner.y), side: half, depth: depth + 1)
                }
                if splitHigh > splitY {
                    build(
                        start: splitY, end: splitHigh, corner: SIMD2(corner.x, middle.y), side: half, depth: depth + 1)
                }
                if end > splitHigh {
                    build(start: splitHigh, end: end, corner: middle, side: half, depth: depth + 1)
                }
            }
            cells[index].next = Int32(cells.count)
        }
    }
}
