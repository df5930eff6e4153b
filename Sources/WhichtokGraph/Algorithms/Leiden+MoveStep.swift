internal import CPrefetch

// One visit of Leiden's fast local moving, written once for the one-thread loop (`moveNodesFast`) and
// for both threads of the pipelined one (`Leiden+LocalMoving.swift`): sum the node's row per
// neighbouring community (`LeidenRows.sum`), choose the community with the best gain
// (`MoveBookkeeping.bestMove`), and move the node, to an empty community when that beats every
// candidate (`MoveBookkeeping.move`).
//
// The loops differ in how they reach the labels: the one-thread loop owns them; in the pipelined loop
// the committing thread writes them while the evaluating thread reads them, so its stores and the
// other thread's loads are relaxed atomics. The step is generic over that access (`CommunityLabels`)
// and always inlined, so each loop is compiled for its own access, without calls through the protocol.

/// How a local-moving loop reads the community of a node.
protocol CommunityLabelSource {
    func community(of node: Int) -> UInt32
}

/// How a local-moving loop reads and writes the community of a node.
protocol CommunityLabels: CommunityLabelSource {
    func setCommunity(_ community: UInt32, of node: Int)
}

/// Labels only this thread reads and writes (the one-thread loop): plain loads and stores.
struct PrivateLabels: CommunityLabels {
    let labels: UnsafeMutableBufferPointer<UInt32>
    @inline(__always) func community(of node: Int) -> UInt32 { labels[node] }
    @inline(__always) func setCommunity(_ community: UInt32, of node: Int) { labels[node] = community }
}

/// Labels written by this thread only, while another reads them (the committing thread of pipelined
/// local moving): plain loads, since nobody else writes them, and relaxed atomic stores.
struct PublishedLabels: CommunityLabels {
    let labels: UnsafeMutablePointer<UInt32>
    @inline(__always) func community(of node: Int) -> UInt32 { labels[node] }
    @inline(__always) func setCommunity(_ community: UInt32, of node: Int) {
        whichtok_store_relaxed(labels + node, community)
    }
}

/// Labels another thread writes meanwhile (the evaluating thread of pipelined local moving): relaxed
/// atomic loads.
struct ObservedLabels: CommunityLabelSource {
    let labels: UnsafePointer<UInt32>
    @inline(__always) func community(of node: Int) -> UInt32 { whichtok_load_relaxed(labels + node) }
}

/// The rows of a `WorkGraph` (CSR), as local moving scans them.
struct LeidenRows {
    let offsets: UnsafeBufferPointer<Int>
    let targets: UnsafeBufferPointer<UInt32>
    let weights: UnsafeBufferPointer<Float>

    /// Sums the weights of `node`'s row per community of the neighbours into `accumulator` (all zero
    /// before), listing each community once in `touched` in the order of its first neighbour in the
    /// row. Returns the length of the list.
    @inline(__always) func sum<Labels: CommunityLabelSource>(
        row node: Int, labels: Labels, into accumulator: UnsafeMutablePointer<Float>,
        touched: UnsafeMutablePointer<UInt32>
    ) -> Int {
        var touchedCount = 0
        for e in offsets[node]..<offsets[node + 1] {
            // Branch-free: the slot is written always and kept when c is new.
            let c = labels.community(of: Int(targets[e]))
            let sum = accumulator[Int(c)]
            touched[touchedCount] = c
            touchedCount &+= sum == 0 ? 1 : 0
            accumulator[Int(c)] = sum + weights[e]
        }
        return touchedCount
    }
}

/// A node's weight into each neighbouring community, as `MoveBookkeeping.bestMove` reads them.
protocol NeighbourCommunities {
    /// How many communities are listed.
    var count: Int { get }
    /// The `t`-th community listed.
    func community(_ t: Int) -> Int
    /// The weight into the `t`-th community listed.
    func weight(_ t: Int) -> Float
    /// The weight into `community` (0 when it is not listed).
    func weight(into community: Int) -> Float
}

/// The sums `LeidenRows.sum` leaves: the touched list and the dense accumulator.
struct AccumulatedSums: NeighbourCommunities {
    let accumulator: UnsafeMutablePointer<Float>
    let touched: UnsafeMutablePointer<UInt32>
    let count: Int
    @inline(__always) func community(_ t: Int) -> Int { Int(touched[t]) }
    @inline(__always) func weight(_ t: Int) -> Float { accumulator[Int(touched[t])] }
    @inline(__always) func weight(into community: Int) -> Float { accumulator[community] }
    /// Sets the accumulator back to zero.
    @inline(__always) func clear() {
        for t in 0..<count { accumulator[Int(touched[t])] = 0 }
    }
}

/// The sums as the evaluating thread hands them over: each touched community and its weight, side by
/// side in the order `LeidenRows.sum` listed them.
struct ListedSums: NeighbourCommunities {
    let communities: UnsafePointer<UInt32>
    let weights: UnsafePointer<Float>
    let count: Int
    @inline(__always) func community(_ t: Int) -> Int { Int(communities[t]) }
    @inline(__always) func weight(_ t: Int) -> Float { weights[t] }
    @inline(__always) func weight(into community: Int) -> Float {
        var own: Float = 0
        for t in 0..<count where Int(communities[t]) == community { own = weights[t] }
        return own
    }
}

/// What local moving keeps per community: its weight and size, and the stack of empty communities a
/// node may move to alone (largest id at the bottom).
struct MoveBookkeeping {
    let weightOf: UnsafeMutablePointer<Double>
    let sizeOf: UnsafeMutablePointer<Int32>
    let empty: UnsafeMutablePointer<UInt32>
    var emptyCount: Int

    /// The community with the largest gain for a node of weight `weight` in `current` (gains relative to
    /// the node alone outside every community, `scaled` = γ'·weight): staying is compared first, then the
    /// listed communities in order, and only a strictly larger gain wins.
    @inline(__always) func bestMove<Sums: NeighbourCommunities>(
        current: Int, weight: Double, scaled: Double, sums: Sums
    ) -> (community: Int, gain: Double) {
        var best = current
        var bestGain = Double(sums.weight(into: current)) - scaled * (weightOf[current] - weight)
        for t in 0..<sums.count {
            let c = sums.community(t)
            guard c != current else { continue }
            let gain = Double(sums.weight(t)) - scaled * weightOf[c]
            if gain > bestGain {
                best = c
                bestGain = gain
            }
        }
        return (best, bestGain)
    }

    /// Moves `node` (of weight `weight`) from `current` to `best`, or to an empty community when `gain`
    /// is negative and one is left (alone there the gain is 0, better than any candidate). Returns the
    /// community it moved to, or nil when it stays.
    @inline(__always) mutating func move<Labels: CommunityLabels>(
        _ node: Int, from current: Int, to best: Int, gain: Double, weight: Double, labels: Labels
    ) -> Int? {
        var best = best
        if gain < 0 && sizeOf[current] > 1 && emptyCount > 0 {
            emptyCount -= 1
            best = Int(empty[emptyCount])
        }
        guard best != current else { return nil }
        weightOf[current] -= weight
        sizeOf[current] -= 1
        if sizeOf[current] == 0 {
            empty[emptyCount] = UInt32(current)
            emptyCount += 1
        }
        weightOf[best] += weight
        sizeOf[best] += 1
        labels.setCommunity(UInt32(best), of: node)
        return best
    }
}
