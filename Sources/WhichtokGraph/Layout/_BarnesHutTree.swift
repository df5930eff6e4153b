/// A Barnes–Hut quadtree over point masses, rebuilt every layout iteration.
///
/// Cells are stored in pre-order in one contiguous array: the first child of cell `i` (if any) is
/// `i + 1`, and `next` is the index after the cell's whole subtree. A traversal therefore needs no
/// stack: it either descends (`i + 1`) or skips the subtree (`next`). A cell is a leaf exactly when
/// `next == i + 1`.
///
/// Nodes are kept in tree order in `order` (a permutation of the node ids), with their positions and
/// masses copied to `px`, `py`, `pm` in the same order; every cell covers the contiguous range
/// `start ..< end` of that order. Building partitions the previous order in place, so the order (and
/// so every result) depends only on the positions.
///
/// Complexity: O(n · depth) to build; depth is at most `maxDepth` (coincident points share a leaf).
struct _BarnesHutTree {
    struct Cell {
        /// Centre of mass.
        var cx: Float
        var cy: Float
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
    var px: [Float]
    var py: [Float]
    var pm: [Float]

    init(nodeCount: Int) {
        order = (0..<nodeCount).map { UInt32($0) }
        px = [Float](repeating: 0, count: nodeCount)
        py = [Float](repeating: 0, count: nodeCount)
        pm = [Float](repeating: 0, count: nodeCount)
        cells.reserveCapacity(2 * nodeCount + 1)
    }

    /// Rebuilds the tree for the positions `x`, `y` and masses `mass` (one entry per node).
    mutating func build(x: UnsafeBufferPointer<Float>, y: UnsafeBufferPointer<Float>, mass: UnsafeBufferPointer<Float>) {
        let n = order.count
        cells.removeAll(keepingCapacity: true)
        guard n > 0 else { return }
        var minX = Float.infinity, minY = Float.infinity, maxX = -Float.infinity, maxY = -Float.infinity
        for u in 0..<n {
            minX = min(minX, x[u]); maxX = max(maxX, x[u])
            minY = min(minY, y[u]); maxY = max(maxY, y[u])
        }
        let side = max(maxX - minX, maxY - minY) * 1.0001 + 1e-6
        var builder = Builder(order: [], x: x, y: y, cells: [])
        swap(&builder.order, &order)
        swap(&builder.cells, &cells)
        builder.build(start: 0, end: n, x0: minX, y0: minY, side: side, depth: 0)
        swap(&builder.order, &order)
        swap(&builder.cells, &cells)
        for k in 0..<n {
            let u = Int(order[k])
            px[k] = x[u]
            py[k] = y[u]
            pm[k] = mass[u]
        }
        // Masses and centres of mass, children before parents (reverse pre-order).
        for i in stride(from: cells.count - 1, through: 0, by: -1) {
            let cell = cells[i]
            var m: Float = 0, sx: Float = 0, sy: Float = 0
            if Int(cell.next) == i + 1 {
                for k in Int(cell.start)..<Int(cell.end) {
                    m += pm[k]
                    sx += pm[k] * px[k]
                    sy += pm[k] * py[k]
                }
            } else {
                var child = i + 1
                while child < Int(cell.next) {
                    let c = cells[child]
                    m += c.mass
                    sx += c.mass * c.cx
                    sy += c.mass * c.cy
                    child = Int(c.next)
                }
            }
            cells[i].mass = m
            cells[i].cx = m > 0 ? sx / m : 0
            cells[i].cy = m > 0 ? sy / m : 0
        }
    }

    /// The recursive partitioning, over raw buffers.
    private struct Builder {
        var order: [UInt32]
        let x: UnsafeBufferPointer<Float>
        let y: UnsafeBufferPointer<Float>
        var cells: [Cell]

        /// Moves the nodes of `start ..< end` that satisfy `below` to the front; returns the split.
        mutating func partition(_ start: Int, _ end: Int, _ below: (Int) -> Bool) -> Int {
            var low = start, high = end - 1
            while true {
                while low <= high && below(Int(order[low])) { low += 1 }
                while low <= high && !below(Int(order[high])) { high -= 1 }
                if low >= high { return low }
                order.swapAt(low, high)
                low += 1
                high -= 1
            }
        }

        mutating func build(start: Int, end: Int, x0: Float, y0: Float, side: Float, depth: Int) {
            let index = cells.count
            cells.append(Cell(cx: 0, cy: 0, mass: 0, size: side, start: Int32(start), end: Int32(end), next: 0))
            if end - start > 1 && depth < _BarnesHutTree.maxDepth {
                let half = side / 2
                let midX = x0 + half, midY = y0 + half
                let xs = x, ys = y
                let splitY = partition(start, end) { ys[$0] < midY }
                let splitLow = partition(start, splitY) { xs[$0] < midX }
                let splitHigh = partition(splitY, end) { xs[$0] < midX }
                if splitLow > start { build(start: start, end: splitLow, x0: x0, y0: y0, side: half, depth: depth + 1) }
                if splitY > splitLow { build(start: splitLow, end: splitY, x0: midX, y0: y0, side: half, depth: depth + 1) }
                if splitHigh > splitY { build(start: splitY, end: splitHigh, x0: x0, y0: midY, side: half, depth: depth + 1) }
                if end > splitHigh { build(start: splitHigh, end: end, x0: midX, y0: midY, side: half, depth: depth + 1) }
            }
            cells[index].next = Int32(cells.count)
        }
    }
}
