internal import CPrefetch
import WhichtokSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Leiden's fast local moving on two cores, with the partitions of the one-thread loop.
///
/// Two threads share the queue. The *committing* thread (the caller) visits the nodes in queue order
/// exactly as the one-thread loop does: it decides each node's move with the community weights of that
/// moment, takes the empty community it may move to, moves it and queues its neighbours again. The
/// *evaluating* thread runs ahead of it in the queue (at most `evaluationWindow` positions) and sums
/// each node's row per neighbouring community, in row order, into a list of touched communities and
/// their weights from the node: the part of a visit that scans a row and reads its neighbours' labels
/// at random, and the part that does not depend on the community weights. Both do their parts of a
/// visit with the one-thread loop's step (`Leiden+MoveStep.swift`), reading and writing the labels
/// through relaxed atomics where the other thread may see them.
///
/// An evaluation is used only if it still holds when the node is committed. Moves are numbered in the
/// order they are made; a move stamps the mover's neighbours with its number, and the evaluating thread
/// records, before it reads a row's labels, how many moves it has seen published (every move before
/// that is visible to it). A node whose stamp is above that count had a neighbour move that the
/// evaluation may have missed: the committing thread sums its row again itself, as it does for any node
/// not evaluated yet (it never waits long for the other thread: when it catches up, it evaluates). So
/// the decisions, and hence the partition, are those of the one-thread loop whatever the timing of
/// the two threads (tests compare them). Unlike evaluating batches of the queue on all cores and then
/// committing them on one, neither core waits for the other: the commits overlap the evaluations.
/// There is one evaluating thread whatever the number of cores: with more, the committing thread
/// becomes the limit (on the 100,000-node benchmark graph the commits are about 40 % of the work).
extension LeidenWorkspace {
    /// Queue positions the evaluating thread may run ahead of the committing one (a power of two).
    static let evaluationWindow = 512
    /// When the committing thread catches up with the evaluating one, the evaluating thread leaves it
    /// this many positions to evaluate itself and goes on after them: both evaluate, neither waits.
    static let evaluationGap = 64

    /// The memory both threads of the pipelined local moving read and write.
    struct MovingPipeline: @unchecked Sendable {
        let n: Int
        /// The level's graph.
        let rows: LeidenRows
        /// Community per node: written by the committing thread only (relaxed atomic stores).
        let community: UnsafeMutablePointer<UInt32>
        /// The circular queue (position p is entry p mod n): written by the committing thread only.
        let queue: UnsafeMutablePointer<UInt32>
        /// The evaluating thread's row accumulator.
        let accumulator: UnsafeMutablePointer<Float>
        /// Touched lists and their sums, written one after another (wrapping) by the evaluating thread.
        let ringLabels: UnsafeMutablePointer<UInt32>
        let ringSums: UnsafeMutablePointer<Float>
        let ringCapacity: Int
        /// Per position modulo `window`: the position evaluated there, where its list starts, its length,
        /// the node's community, and the number of moves published before its labels were read.
        let slotPosition: UnsafeMutablePointer<Int>
        let slotStart: UnsafeMutablePointer<Int>
        let slotCount: UnsafeMutablePointer<Int32>
        let slotCurrent: UnsafeMutablePointer<UInt32>
        let slotSnapshot: UnsafeMutablePointer<Int>
        let window: Int
        /// See `evaluationGap` (0 while testing, where the committing thread always waits).
        let gap: Int
        /// Counters, each on a cache line of its own (see the accessors).
        let counters: UnsafeMutablePointer<Int64>
        /// The committing thread (the evaluation must not run on it: it would wait for itself).
        let owner: pthread_t

        /// Positions before this are committed (published by the committing thread every few positions).
        var committed: UnsafeMutablePointer<Int64> { counters }
        /// Positions before this hold queue entries (published with `committed`).
        var tail: UnsafeMutablePointer<Int64> { counters + 8 }
        /// Moves made so far (published after each move's label and stamps are written).
        var moves: UnsafeMutablePointer<Int64> { counters + 16 }
        /// Positions before this are evaluated or were skipped (published after each evaluation).
        var evaluated: UnsafeMutablePointer<Int64> { counters + 24 }
        /// The position being evaluated now.
        var working: UnsafeMutablePointer<Int64> { counters + 25 }
        /// Set when the level is done (the evaluating thread stops) or when it could not start.
        var done: UnsafeMutablePointer<Int64> { counters + 32 }
        var absent: UnsafeMutablePointer<Int64> { counters + 33 }
    }

    /// The evaluating thread: evaluates queue positions in order, ahead of the committing thread.
    static func evaluateAhead(_ s: MovingPipeline) {
        guard pthread_equal(pthread_self(), s.owner) == 0 else {
            // No thread could be made and this runs on the committing thread, before it starts.
            whichtok_store_release(s.absent, 1)
            return
        }
        let n = s.n
        let acc = s.accumulator
        let labels = ObservedLabels(labels: s.community)
        let ahead = RowPrefetcher(
            offsets: s.rows.offsets, targets: s.rows.targets, weights: s.rows.weights, labels: s.community)
        let mask = s.window - 1
        var position = 0
        var slot = 0
        var cursor = 0
        var committed = 0
        var tail = Int(whichtok_load_acquire(s.tail))
        var snapshot = 0
        var group = 0
        var idle = 0
        @inline(__always) func entry(_ p: Int) -> Int {
            var k = slot + (p - position)
            if k >= n { k -= n }
            return Int(whichtok_load_relaxed(s.queue + k))
        }
        while true {
            if group == 0 {
                // Every few positions: whether the level is done, where the committing thread is (the
                // positions it has passed are not worth evaluating), and the moves it has published.
                if whichtok_load_acquire(s.done) != 0 { return }
                committed = Int(whichtok_load_acquire(s.committed))
                snapshot = Int(whichtok_load_acquire(s.moves))
                group = 8
            }
            if position < committed + s.gap / 2 {
                // Too close behind (or behind) the committing thread, which evaluates the positions it
                // reaches first itself: leave it the next `gap` positions and evaluate the ones after.
                position = committed + s.gap
                slot = position % n
            }
            if position >= tail || position >= committed + s.window {
                tail = Int(whichtok_load_acquire(s.tail))
                committed = Int(whichtok_load_acquire(s.committed))
                if position >= tail || position >= committed + s.window {
                    group = 0
                    idle += 1
                    if idle < 256 { whichtok_pause() } else { sched_yield() }
                    continue
                }
                if position < committed {
                    position = committed
                    slot = position % n
                }
            }
            idle = 0
            group -= 1
            whichtok_store_release(s.working, Int64(position))
            let v = entry(position)
            // Prefetching the next positions' labels, rows and offsets, as the one-thread loop does.
            if position + 1 < tail { ahead.labels(ofRow: entry(position + 1)) }
            if position + 2 < tail { ahead.row(entry(position + 2)) }
            if position + 3 < tail {
                let third = entry(position + 3)
                ahead.offset(third)
                whichtok_prefetch(s.community + third)
            }
            // The list is at most a row long; the ring holds every list the committing thread may still
            // read (those of distinct queued nodes, at most the m entries of all rows) and this one.
            if cursor + (s.rows.offsets[v + 1] - s.rows.offsets[v]) > s.ringCapacity { cursor = 0 }
            let communities = s.ringLabels + cursor
            let sums = s.ringSums + cursor
            let touchedCount = s.rows.sum(row: v, labels: labels, into: acc, touched: communities)
            for t in 0..<touchedCount {
                let c = Int(communities[t])
                sums[t] = acc[c]
                acc[c] = 0
            }
            let k = position & mask
            s.slotPosition[k] = position
            s.slotStart[k] = cursor
            s.slotCount[k] = Int32(touchedCount)
            s.slotCurrent[k] = labels.community(of: v)
            s.slotSnapshot[k] = snapshot
            cursor += touchedCount
            position += 1
            slot += 1
            if slot == n { slot = 0 }
            whichtok_store_release(s.evaluated, Int64(position))
        }
    }

    func moveNodesPipelined(
        graph: WorkGraph, partition: inout [UInt32], factor: Double, random: inout SplitMix64, chunkCount: Int
    ) {
        let n = graph.nodeCount
        guard n > 0 else { return }
        var order = (0..<n).map { UInt32($0) }
        random.shuffle(&order)
        let acc = rowAccumulator
        let touched = touched
        let queue = queue
        var book = tallyCommunities(graph: graph, partition: partition)
        let weightOf = book.weightOf
        let sizeOf = book.sizeOf
        for i in 0..<n {
            queue[i] = order[i]
        }
        // Tests force chunks on small graphs (`parallelMinimum` 0): a short window, and the committing
        // thread always waits for the evaluations, so that many of them go stale and are caught.
        let testing = parallelMinimum == 0
        var window = 1
        while window < (testing ? 4 * chunkCount : Self.evaluationWindow) { window *= 2 }
        let mask = window - 1
        let ringCapacity = 2 * max(1, graph.targets.count)
        let ringLabels = UnsafeMutablePointer<UInt32>.allocate(capacity: ringCapacity)
        let ringSums = UnsafeMutablePointer<Float>.allocate(capacity: ringCapacity)
        let slotPosition = UnsafeMutablePointer<Int>.allocate(capacity: window)
        slotPosition.initialize(repeating: -1, count: window)
        let slotStart = UnsafeMutablePointer<Int>.allocate(capacity: window)
        slotStart.initialize(repeating: 0, count: window)
        let slotCount = UnsafeMutablePointer<Int32>.allocate(capacity: window)
        slotCount.initialize(repeating: 0, count: window)
        let slotCurrent = UnsafeMutablePointer<UInt32>.allocate(capacity: window)
        slotCurrent.initialize(repeating: 0, count: window)
        let slotSnapshot = UnsafeMutablePointer<Int>.allocate(capacity: window)
        slotSnapshot.initialize(repeating: 0, count: window)
        let evaluatorAccumulator = UnsafeMutablePointer<Float>.allocate(capacity: n)
        evaluatorAccumulator.initialize(repeating: 0, count: n)
        let counters = UnsafeMutablePointer<Int64>.allocate(capacity: 40)
        counters.initialize(repeating: 0, count: 40)
        // One word per node for what the commits read and write at random: bit 0, the node is queued;
        // the bits above, the number of the last move of a neighbour (0: none yet).
        let flags = UnsafeMutablePointer<UInt32>.allocate(capacity: n)
        flags.initialize(repeating: 1, count: n)
        defer {
            ringLabels.deallocate()
            ringSums.deallocate()
            slotPosition.deallocate()
            slotStart.deallocate()
            slotCount.deallocate()
            slotCurrent.deallocate()
            slotSnapshot.deallocate()
            evaluatorAccumulator.deallocate()
            counters.deallocate()
            flags.deallocate()
        }
        let stampLimit = Int(UInt32.max >> 1)
        graph.offsets.withUnsafeBufferPointer { offsets in
            graph.targets.withUnsafeBufferPointer { targets in
                graph.weights.withUnsafeBufferPointer { weights in
                    graph.nodeWeight.withUnsafeBufferPointer { nodeWeight in
                        partition.withUnsafeMutableBufferPointer { community in
                            guard let communityBase = community.baseAddress else { return }
                            let rows = LeidenRows(offsets: offsets, targets: targets, weights: weights)
                            let labels = PublishedLabels(labels: communityBase)
                            let shared = MovingPipeline(
                                n: n, rows: rows, community: communityBase, queue: queue,
                                accumulator: evaluatorAccumulator,
                                ringLabels: ringLabels, ringSums: ringSums, ringCapacity: ringCapacity,
                                slotPosition: slotPosition, slotStart: slotStart, slotCount: slotCount,
                                slotCurrent: slotCurrent, slotSnapshot: slotSnapshot, window: window,
                                gap: testing ? 0 : Self.evaluationGap,
                                counters: counters, owner: pthread_self())
                            whichtok_store_release(shared.tail, Int64(n))
                            let evaluator = BackgroundJob { LeidenWorkspace.evaluateAhead(shared) }
                            let ahead = RowPrefetcher(
                                offsets: offsets, targets: targets, weights: weights, labels: community.baseAddress)
                            var head = 0  // position (not wrapped)
                            var headSlot = 0
                            var pending = n
                            var front = 0
                            var movesMade = 0
                            var speculate = true
                            while pending > 0 {
                                let position = head
                                let v = Int(queue[headSlot])
                                head += 1
                                headSlot += 1
                                if headSlot == n { headSlot = 0 }
                                pending -= 1
                                let flag = flags[v]
                                flags[v] = flag & ~1
                                if testing || position & 7 == 0 {
                                    whichtok_store_release(shared.committed, Int64(position))
                                    whichtok_store_release(shared.tail, Int64(head + pending))
                                }
                                // Prefetching what the commits a few positions on read at random.
                                @inline(__always) func later(_ j: Int) -> Int {
                                    var k = headSlot + j - 1
                                    if k >= n { k -= n }
                                    return Int(queue[k])
                                }
                                if pending > 3 { whichtok_prefetch(flags + later(4)) }
                                if pending > 2 {
                                    let third = later(3)
                                    whichtok_prefetch(nodeWeight.baseAddress.map { $0 + third })
                                    ahead.offset(third)
                                    if position + 3 >= front {
                                        whichtok_prefetch(community.baseAddress.map { $0 + third })
                                    }
                                }
                                if pending > 1 {
                                    let second = later(2)
                                    // (An evaluation the other thread published, not a position it skipped.)
                                    let k = (position + 2) & mask
                                    if position + 2 < front && slotPosition[k] == position + 2 {
                                        let list = ringLabels + slotStart[k]
                                        for t in 0..<min(Int(slotCount[k]), RowPrefetcher.labelsAhead) {
                                            whichtok_prefetch(weightOf + Int(list[t]))
                                        }
                                        let current = Int(slotCurrent[k])
                                        whichtok_prefetch(weightOf + current)
                                        whichtok_prefetch(sizeOf + current)
                                    } else {
                                        ahead.row(second)
                                    }
                                }
                                if pending > 0 {
                                    let first = later(1)
                                    if position + 1 >= front { ahead.labels(ofRow: first) }
                                    ahead.row(first)
                                }
                                // The evaluation of this position, if the other thread made it and it holds.
                                var ready = false
                                if speculate {
                                    if position >= front {
                                        front = Int(whichtok_load_acquire(shared.evaluated))
                                        if position >= front && testing {
                                            var spins = 0
                                            while position >= front && whichtok_load_acquire(shared.absent) == 0 {
                                                spins += 1
                                                if spins < 256 { whichtok_pause() } else { sched_yield() }
                                                front = Int(whichtok_load_acquire(shared.evaluated))
                                            }
                                        } else if position >= front
                                            && Int(whichtok_load_acquire(shared.working)) == position
                                        {
                                            // The other thread is on it: its result comes sooner than ours.
                                            var spins = 0
                                            while position >= front && spins < 256 {
                                                whichtok_pause()
                                                spins += 1
                                                front = Int(whichtok_load_acquire(shared.evaluated))
                                            }
                                        }
                                    }
                                    let k = position & mask
                                    ready =
                                        position < front && slotPosition[k] == position
                                        && Int(flag >> 1) <= slotSnapshot[k]
                                }
                                let current: Int
                                let wv = nodeWeight[v]
                                let best: (community: Int, gain: Double)
                                if ready {
                                    let k = position & mask
                                    current = Int(slotCurrent[k])
                                    let sums = ListedSums(
                                        communities: ringLabels + slotStart[k], weights: ringSums + slotStart[k],
                                        count: Int(slotCount[k]))
                                    best = book.bestMove(current: current, weight: wv, scaled: factor * wv, sums: sums)
                                } else {
                                    // Not evaluated yet, or a neighbour moved since: sum the row here.
                                    current = Int(community[v])
                                    let sums = AccumulatedSums(
                                        accumulator: acc, touched: touched,
                                        count: rows.sum(row: v, labels: labels, into: acc, touched: touched))
                                    best = book.bestMove(current: current, weight: wv, scaled: factor * wv, sums: sums)
                                    sums.clear()
                                }
                                guard
                                    let moved = book.move(
                                        v, from: current, to: best.community, gain: best.gain, weight: wv,
                                        labels: labels)
                                else { continue }
                                movesMade += 1
                                // Past 2³¹ − 1 moves the stamps would overflow: evaluate everything here.
                                if movesMade == stampLimit { speculate = false }
                                let stamp = speculate ? UInt32(movesMade) << 1 : 0
                                for e in offsets[v]..<offsets[v + 1] {
                                    let u = Int(targets[e])
                                    let flag = flags[u]
                                    if flag & 1 == 0 && Int(community[u]) != moved {
                                        flags[u] = stamp | 1
                                        var tail = headSlot + pending
                                        if tail >= n { tail -= n }
                                        whichtok_store_relaxed(queue + tail, UInt32(u))
                                        pending += 1
                                    } else {
                                        flags[u] = stamp | (flag & 1)
                                    }
                                }
                                whichtok_store_release(shared.moves, Int64(movesMade))
                            }
                            whichtok_store_release(shared.done, 1)
                            evaluator.join()
                        }
                    }
                }
            }
        }
    }
}
