internal import CPrefetch
import WhichtokSupport

/// Leiden's fast local moving on every core, with the partitions of the one-thread loop.
///
/// The queue is taken in batches. First every node of a batch is *evaluated* against the state at the
/// start of the batch, on all cores (a chunk of the batch each): its row is summed per neighbouring
/// community, in row order, into the list of touched communities and their weights from the node,
/// exactly as the one-thread loop sums it. Then the batch is *committed* in queue order on one thread,
/// as the one-thread loop visits nodes: the gains are computed from the node's list with the community
/// weights of that moment, the empty community it may move to is taken then, and moves and re-queues
/// happen as before. A node's list is stale only if one of its neighbours moved since the start of the
/// batch (a move marks the mover's neighbours); such a node's row is summed again on the spot. So the
/// result is the one-thread result whatever the batch size or number of chunks (a test compares them);
/// the other cores take over the row scans of the nodes that do not move, most visits in the later
/// passes. Measured on the 100,000-node benchmark graph: about 7 % of the evaluations go stale.
extension LeidenWorkspace {
    /// Nodes per batch.
    /// Nodes in the first batch; batches grow (up to `movingBatchMaximum`) while few evaluations go
    /// stale and shrink (down to `movingBatchMinimum`) while many do: fewer waits for the other cores
    /// once few nodes move, fewer evaluations done twice while many do.
    static let movingBatch = 1024
    static let movingBatchMaximum = 16384
    static let movingBatchMinimum = 256

    func moveNodesSpeculative(
        graph: WorkGraph, partition: inout [UInt32], factor: Double, random: inout SplitMix64, chunkCount: Int
    ) {
        let n = graph.nodeCount
        guard n > 0 else { return }
        var order = (0..<n).map { UInt32($0) }
        random.shuffle(&order)
        let touched = touched
        let queue = queue
        let weightOf = communityWeight
        let sizeOf = communitySize
        let empty = emptyStack
        var emptyCount = tallyCommunities(graph: graph, partition: partition)
        for i in 0..<n {
            queue[i] = order[i]
        }
        // Per chunk: a row accumulator (chunk 0 uses the workspace's) and a store of touched lists
        // (a batch's lists hold at most one entry per CSR entry).
        let entries = max(1, graph.targets.count)
        var accumulators = [rowAccumulator]
        for _ in 1..<max(1, chunkCount) {
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: n)
            buffer.initialize(repeating: 0, count: n)
            accumulators.append(buffer)
        }
        let stores = (0..<chunkCount).map { _ in UnsafeMutablePointer<UInt32>.allocate(capacity: entries) }
        // Tests force chunks on small graphs (`parallelMinimum` 0): small batches there, to commit many.
        let batchMaximum = parallelMinimum == 0 ? 4 * chunkCount : Self.movingBatchMaximum
        let batchMinimum = parallelMinimum == 0 ? 4 * chunkCount : Self.movingBatchMinimum
        var batchLimit = parallelMinimum == 0 ? 4 * chunkCount : Self.movingBatch
        let sumStores = (0..<chunkCount).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: entries) }
        let listStart = UnsafeMutablePointer<UnsafeMutablePointer<UInt32>>.allocate(capacity: batchMaximum)
        let listSums = UnsafeMutablePointer<UnsafeMutablePointer<Float>>.allocate(capacity: batchMaximum)
        let listCount = UnsafeMutablePointer<Int32>.allocate(capacity: batchMaximum)
        // The node's community and weight, read by the evaluation (only the node itself changes them).
        let batchCurrent = UnsafeMutablePointer<UInt32>.allocate(capacity: batchMaximum)
        let batchWeight = UnsafeMutablePointer<Double>.allocate(capacity: batchMaximum)
        // One word per node for the two things the commits read and write at random: bit 0, the node is
        // queued; the bits above, the last batch in which a neighbour moved (then its row sums are stale).
        let flags = UnsafeMutablePointer<UInt32>.allocate(capacity: n)
        flags.initialize(repeating: 1, count: n)
        defer {
            for buffer in accumulators.dropFirst() { buffer.deallocate() }
            for buffer in stores { buffer.deallocate() }
            for buffer in sumStores { buffer.deallocate() }
            listStart.deallocate()
            listSums.deallocate()
            listCount.deallocate()
            batchCurrent.deallocate()
            batchWeight.deallocate()
            flags.deallocate()
        }
        var head = 0
        var pending = n
        var batch: UInt32 = 0
        graph.offsets.withUnsafeBufferPointer { offsets in
            graph.targets.withUnsafeBufferPointer { targets in
                graph.weights.withUnsafeBufferPointer { weights in
                    graph.nodeWeight.withUnsafeBufferPointer { nodeWeight in
                        partition.withUnsafeMutableBufferPointer { community in
                            let ahead = RowPrefetcher(
                                offsets: offsets, targets: targets, weights: weights, labels: community.baseAddress)
                            while pending > 0 {
                                batch = batch == UInt32.max >> 1 ? 1 : batch + 1
                                let size = min(batchLimit, pending)
                                let batchHead = head
                                // Evaluate (read-only on the shared state).
                                Parallel.forEachChunk(count: chunkCount, chunks: chunkCount, minimumParallelCount: 2) {
                                    k, _ in
                                    let acc = accumulators[k]
                                    var store = stores[k]
                                    var sums = sumStores[k]
                                    let first = size * k / chunkCount
                                    let last = size * (k + 1) / chunkCount
                                    @inline(__always) func node(_ i: Int) -> Int {
                                        let p = batchHead + i
                                        return Int(queue[p >= n ? p - n : p])
                                    }
                                    for i in first..<last {
                                        let v = node(i)
                                        if i + 1 < last { ahead.labels(ofRow: node(i + 1)) }
                                        if i + 2 < last { ahead.row(node(i + 2)) }
                                        if i + 3 < last {
                                            let third = node(i + 3)
                                            ahead.offset(third)
                                            whichtok_prefetch(nodeWeight.baseAddress.map { $0 + third })
                                            whichtok_prefetch(community.baseAddress.map { $0 + third })
                                        }
                                        var touchedCount = 0
                                        for e in offsets[v]..<offsets[v + 1] {
                                            let c = community[Int(targets[e])]
                                            let sum = acc[Int(c)]
                                            store[touchedCount] = c
                                            touchedCount &+= sum == 0 ? 1 : 0
                                            acc[Int(c)] = sum + weights[e]
                                        }
                                        for t in 0..<touchedCount {
                                            let c = Int(store[t])
                                            sums[t] = acc[c]
                                            acc[c] = 0
                                        }
                                        batchCurrent[i] = community[v]
                                        batchWeight[i] = nodeWeight[v]
                                        listStart[i] = store
                                        listSums[i] = sums
                                        listCount[i] = Int32(touchedCount)
                                        store += touchedCount
                                        sums += touchedCount
                                    }
                                }
                                // Commit in queue order.
                                let acc = rowAccumulator
                                var stale = 0
                                for i in 0..<size {
                                    let v = Int(queue[head])
                                    head += 1
                                    if head == n { head = 0 }
                                    pending -= 1
                                    let flag = flags[v]
                                    flags[v] = flag & ~1
                                    // Prefetching what the commits a few nodes on read at random: the
                                    // marks, the weights of the communities they compare, their rows.
                                    if i + 4 < size {
                                        var p = head + 3
                                        if p >= n { p -= n }
                                        let later = Int(queue[p])
                                        whichtok_prefetch(flags + later)
                                    }
                                    if i + 2 < size {
                                        let j = i + 2
                                        let list = listStart[j]
                                        for t in 0..<min(Int(listCount[j]), RowPrefetcher.labelsAhead) {
                                            whichtok_prefetch(weightOf + Int(list[t]))
                                        }
                                        let later = Int(batchCurrent[j])
                                        whichtok_prefetch(weightOf + later)
                                        whichtok_prefetch(sizeOf + later)
                                        var p = head + 1
                                        if p >= n { p -= n }
                                        ahead.row(Int(queue[p]))
                                    }
                                    let current = Int(batchCurrent[i])
                                    let wv = batchWeight[i]
                                    let scaled = factor * wv
                                    var best = current
                                    var bestGain: Double
                                    if flag >> 1 == batch {
                                        // A neighbour moved since the evaluation: sum the row again.
                                        stale += 1
                                        var touchedCount = 0
                                        for e in offsets[v]..<offsets[v + 1] {
                                            let c = community[Int(targets[e])]
                                            let sum = acc[Int(c)]
                                            touched[touchedCount] = c
                                            touchedCount &+= sum == 0 ? 1 : 0
                                            acc[Int(c)] = sum + weights[e]
                                        }
                                        bestGain = Double(acc[current]) - scaled * (weightOf[current] - wv)
                                        for t in 0..<touchedCount {
                                            let c = Int(touched[t])
                                            guard c != current else { continue }
                                            let gain = Double(acc[c]) - scaled * weightOf[c]
                                            if gain > bestGain {
                                                best = c
                                                bestGain = gain
                                            }
                                        }
                                        for t in 0..<touchedCount { acc[Int(touched[t])] = 0 }
                                    } else {
                                        // The evaluated sums hold: the gains with today's community weights.
                                        let list = listStart[i]
                                        let sums = listSums[i]
                                        let count = Int(listCount[i])
                                        // Staying first, then the others in the order of the list, as the
                                        // one-thread loop compares them.
                                        var own: Float = 0
                                        for t in 0..<count where Int(list[t]) == current { own = sums[t] }
                                        bestGain = Double(own) - scaled * (weightOf[current] - wv)
                                        for t in 0..<count {
                                            let c = Int(list[t])
                                            let gain = Double(sums[t]) - scaled * weightOf[c]
                                            if gain > bestGain && c != current {
                                                best = c
                                                bestGain = gain
                                            }
                                        }
                                    }
                                    if bestGain < 0 && sizeOf[current] > 1 && emptyCount > 0 {
                                        // Alone in an empty community the gain is 0, better than any candidate.
                                        emptyCount -= 1
                                        best = Int(empty[emptyCount])
                                    }
                                    guard best != current else { continue }
                                    weightOf[current] -= wv
                                    sizeOf[current] -= 1
                                    if sizeOf[current] == 0 {
                                        empty[emptyCount] = UInt32(current)
                                        emptyCount += 1
                                    }
                                    weightOf[best] += wv
                                    sizeOf[best] += 1
                                    community[v] = UInt32(best)
                                    let stamp = batch << 1
                                    for e in offsets[v]..<offsets[v + 1] {
                                        let u = Int(targets[e])
                                        let flag = flags[u]
                                        if flag & 1 == 0 && Int(community[u]) != best {
                                            flags[u] = stamp | 1
                                            var tail = head + pending
                                            if tail >= n { tail -= n }
                                            queue[tail] = UInt32(u)
                                            pending += 1
                                        } else {
                                            flags[u] = stamp | (flag & 1)
                                        }
                                    }
                                }
                                if stale * 32 < size {
                                    batchLimit = min(batchMaximum, 2 * batchLimit)
                                } else if stale * 8 > size {
                                    batchLimit = max(batchMinimum, batchLimit / 2)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
