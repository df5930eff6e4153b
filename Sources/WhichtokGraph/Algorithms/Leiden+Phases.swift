internal import CPrefetch
import WhichtokSupport

/// Leiden's refinement and aggregation, on every core. Both phases split into chunks whose work is
/// independent: refinement into runs of whole communities (a community's refinement reads only its own
/// members' labels and writes only its own members' refined labels and weights), aggregation into runs
/// of whole output rows. Each chunk computes exactly what the one-thread loop computes for its part,
/// in the same order, so the partitions and graphs are the same bytes whatever the number of chunks.
extension LeidenWorkspace {
    /// The refinement phase: a refined partition (ids are node ids) nested in `partition`.
    ///
    /// Communities are refined independently of each other, so the seeded node order is grouped by
    /// community (stably: the order inside each community is the seeded one) and each community is
    /// refined in one go, which keeps its members' rows and labels in cache. A community of one node
    /// has nothing to merge and is skipped. While it works, a refined community is named by the position
    /// of its first node in that grouped order rather than by the node's id, so that the sums, weights
    /// and sizes a community's refinement reads and writes lie side by side (positions of one community
    /// are consecutive); ties between candidates are still broken by node id, and the result is named
    /// by node ids.
    func refine(graph: WorkGraph, partition: [UInt32], factor: Double, random: inout SplitMix64) -> [UInt32] {
        let n = graph.nodeCount
        var refined = (0..<n).map { UInt32($0) }
        guard n > 0 else { return refined }
        var order = (0..<n).map { UInt32($0) }
        random.shuffle(&order)
        let chunkCount = splitsWork(graph) ? chunks : 1
        // Community start positions in `grouped` (partition ids are < n).
        var start = [Int](repeating: 0, count: n + 1)
        // W_C per community, node weight and external weight per refined community.
        var total = [Double](repeating: 0, count: n)
        var refinedWeight = [Double](repeating: 0, count: n)
        var refinedSize = [Int32](repeating: 1, count: n)
        // E(v, C − v): weight from v to the rest of its community; becomes E(T, C − T) per refined T.
        var external = [Double](repeating: 0, count: n)
        var ownExternal = [Double](repeating: 0, count: n)
        var grouped = [UInt32](repeating: 0, count: n)
        let acc = accumulator
        let touchedAll = touched
        let rowRanges = Parallel.balancedRanges(offsets: graph.offsets, chunks: chunkCount)
        graph.offsets.withUnsafeBufferPointer { offsets in
            graph.targets.withUnsafeBufferPointer { targets in
                graph.weights.withUnsafeBufferPointer { weights in
                    graph.nodeWeight.withUnsafeBufferPointer { nodeWeight in
                        partition.withUnsafeBufferPointer { partition in
                            for v in 0..<n {
                                let c = Int(partition[v])
                                start[c + 1] += 1
                                total[c] += nodeWeight[v]
                            }
                            ownExternal.withUnsafeMutableBufferPointer { ownBuffer in
                                let own = SharedBuffer(ownBuffer)
                                Parallel.forEachChunk(
                                    count: rowRanges.count, chunks: rowRanges.count, minimumParallelCount: 2
                                ) { k, _ in
                                    for v in rowRanges[k] {
                                        let c = partition[v]
                                        var s = 0.0
                                        for e in offsets[v]..<offsets[v + 1] where partition[Int(targets[e])] == c {
                                            s += Double(weights[e])
                                        }
                                        own[v] = s
                                    }
                                }
                            }
                            for c in 0..<n { start[c + 1] += start[c] }
                            var cursor = start
                            for vv in order {
                                let c = Int(partition[Int(vv)])
                                grouped[cursor[c]] = vv
                                refined[Int(vv)] = UInt32(cursor[c])
                                cursor[c] += 1
                            }
                            // Chunk k refines communities communityBounds[k] ..< communityBounds[k + 1],
                            // about n / chunkCount members each.
                            var communityBounds = [0]
                            for k in 1..<chunkCount {
                                let goal = n * k / chunkCount
                                var low = communityBounds[k - 1]
                                var high = n
                                while low < high {  // first community starting at or after goal
                                    let mid = (low + high) / 2
                                    if start[mid] < goal { low = mid + 1 } else { high = mid }
                                }
                                communityBounds.append(low)
                            }
                            communityBounds.append(n)
                            refined.withUnsafeMutableBufferPointer { refinedBuffer in
                                refinedWeight.withUnsafeMutableBufferPointer { refinedWeightBuffer in
                                    refinedSize.withUnsafeMutableBufferPointer { refinedSizeBuffer in
                                        external.withUnsafeMutableBufferPointer { externalBuffer in
                                            ownExternal.withUnsafeBufferPointer { ownExternal in
                                                grouped.withUnsafeBufferPointer { grouped in
                                                    start.withUnsafeBufferPointer { start in
                                                        total.withUnsafeBufferPointer { total in
                                                            let refined = SharedBuffer(refinedBuffer)
                                                            let refinedWeight = SharedBuffer(refinedWeightBuffer)
                                                            let refinedSize = SharedBuffer(refinedSizeBuffer)
                                                            let external = SharedBuffer(externalBuffer)
                                                            // Prefetching the next nodes' rows and labels as in local moving.
                                                            let ahead = RowPrefetcher(
                                                                offsets: offsets, targets: targets, weights: weights,
                                                                labels: partition.baseAddress,
                                                                moreLabels: refinedBuffer.baseAddress)
                                                            Parallel.forEachChunk(
                                                                count: chunkCount, chunks: chunkCount,
                                                                minimumParallelCount: 2
                                                            ) { k, _ in
                                                                let first = communityBounds[k]
                                                                let last = communityBounds[k + 1]
                                                                guard first < last else { return }
                                                                // A community of s members touches at most s − 1
                                                                // refined ids: the chunk's slice of positions is
                                                                // room enough for its touched lists.
                                                                let touched = touchedAll + start[first]
                                                                for community in first..<last
                                                                where start[community + 1] - start[community] > 1 {
                                                                    let c = UInt32(community)
                                                                    let communityTotal = total[community]
                                                                    for position in start[
                                                                        community]..<start[community + 1]
                                                                    {
                                                                        let v = Int(grouped[position])
                                                                        refinedWeight[position] = nodeWeight[v]
                                                                        external[position] = ownExternal[v]
                                                                    }
                                                                    for position in start[
                                                                        community]..<start[community + 1]
                                                                    {
                                                                        let v = Int(grouped[position])
                                                                        if position + 1 < n {
                                                                            ahead.labels(
                                                                                ofRow: Int(grouped[position + 1]))
                                                                        }
                                                                        if position + 2 < n {
                                                                            ahead.row(Int(grouped[position + 2]))
                                                                        }
                                                                        if position + 3 < n {
                                                                            ahead.offset(Int(grouped[position + 3]))
                                                                        }
                                                                        guard refinedSize[Int(refined[v])] == 1 else {
                                                                            continue
                                                                        }
                                                                        let wv = nodeWeight[v]
                                                                        let scaled = factor * wv
                                                                        guard
                                                                            ownExternal[v] >= scaled
                                                                                * (communityTotal - wv)
                                                                        else {
                                                                            continue
                                                                        }
                                                                        var touchedCount = 0
                                                                        for e in offsets[v]..<offsets[v + 1] {
                                                                            let u = Int(targets[e])
                                                                            guard partition[u] == c else { continue }
                                                                            let t = refined[u]
                                                                            let sum = acc[Int(t)]
                                                                            touched[touchedCount] = t
                                                                            touchedCount &+= sum == 0 ? 1 : 0
                                                                            acc[Int(t)] = sum + Double(weights[e])
                                                                        }
                                                                        let own = Int(refined[v])
                                                                        var best = own
                                                                        var bestGain = 0.0
                                                                        for i in 0..<touchedCount {
                                                                            let t = Int(touched[i])
                                                                            guard t != own else { continue }
                                                                            let wt = refinedWeight[t]
                                                                            guard
                                                                                external[t] >= factor * wt
                                                                                    * (communityTotal - wt)
                                                                            else { continue }
                                                                            let gain = acc[t] - scaled * wt
                                                                            if gain > bestGain
                                                                                || (gain == bestGain && best != own
                                                                                    && grouped[t] < grouped[best])
                                                                            {
                                                                                best = t
                                                                                bestGain = gain
                                                                            }
                                                                        }
                                                                        if best != own {
                                                                            refined[v] = UInt32(best)
                                                                            refinedSize[own] = 0
                                                                            refinedSize[best] += 1
                                                                            refinedWeight[best] += wv
                                                                            external[best] =
                                                                                external[best] + ownExternal[v] - 2
                                                                                * acc[best]
                                                                        }
                                                                        for i in 0..<touchedCount {
                                                                            acc[Int(touched[i])] = 0
                                                                        }
                                                                    }
                                                                }
                                                            }
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        // Positions back to node ids.
        grouped.withUnsafeBufferPointer { grouped in
            for v in 0..<n { refined[v] = grouped[Int(refined[v])] }
        }
        return refined
    }

    /// The aggregate graph: one node per group of `labels` (ids `0 ..< count`), edge weights summed,
    /// edges inside a group dropped. O(n + m): members are grouped by a counting sort, and each group's
    /// row is accumulated densely and written straight into the new CSR. Chunks of consecutive groups
    /// (about equal numbers of member entries each) are built at once, each at the place its groups'
    /// members' entries would reach at most, then moved down to close the gaps.
    func aggregate(graph: WorkGraph, by labels: [UInt32], count: Int) -> WorkGraph {
        let n = graph.nodeCount
        let m = graph.targets.count
        var memberOffsets = [Int](repeating: 0, count: count + 1)
        var members = [UInt32](repeating: 0, count: n)
        var offsets = [Int](repeating: 0, count: count + 1)
        var nodeWeight = [Double](repeating: 0, count: count)
        // entryStart[c]: entries of the members of groups before c (an upper bound of their output).
        var entryStart = [Int](repeating: 0, count: count + 1)
        let chunkCount = splitsWork(graph) && count > 1 ? chunks : 1
        var groupBounds = [0]
        var written = [Int](repeating: 0, count: chunkCount)
        // Each output row has at most as many entries as its members' rows: m bounds the total.
        var targets: [UInt32] = []
        var weights: [Float] = []
        labels.withUnsafeBufferPointer { labels in
            graph.offsets.withUnsafeBufferPointer { rowOffsets in
                for v in 0..<n {
                    let c = Int(labels[v])
                    memberOffsets[c + 1] += 1
                    entryStart[c + 1] += rowOffsets[v + 1] - rowOffsets[v]
                }
                for c in 0..<count {
                    memberOffsets[c + 1] += memberOffsets[c]
                    entryStart[c + 1] += entryStart[c]
                }
                var cursor = memberOffsets
                for v in 0..<n {
                    members[cursor[Int(labels[v])]] = UInt32(v)
                    cursor[Int(labels[v])] += 1
                }
                for k in 1..<chunkCount {
                    let goal = m * k / chunkCount
                    var low = groupBounds[k - 1]
                    var high = count
                    while low < high {  // first group whose entries start at or after goal
                        let mid = (low + high) / 2
                        if entryStart[mid] < goal { low = mid + 1 } else { high = mid }
                    }
                    groupBounds.append(low)
                }
                groupBounds.append(count)
                graph.targets.withUnsafeBufferPointer { rowTargets in
                    graph.weights.withUnsafeBufferPointer { rowWeights in
                        graph.nodeWeight.withUnsafeBufferPointer { rowNodeWeight in
                            members.withUnsafeBufferPointer { members in
                                memberOffsets.withUnsafeBufferPointer { memberOffsets in
                                    offsets.withUnsafeMutableBufferPointer { offsetsBuffer in
                                        nodeWeight.withUnsafeMutableBufferPointer { nodeWeightBuffer in
                                            written.withUnsafeMutableBufferPointer { writtenBuffer in
                                                targets = [UInt32](unsafeUninitializedCapacity: m) {
                                                    outTargets, targetCount in
                                                    weights = [Float](unsafeUninitializedCapacity: m) {
                                                        outWeights, weightCount in
                                                        let outOffsets = SharedBuffer(offsetsBuffer)
                                                        let outNodeWeight = SharedBuffer(nodeWeightBuffer)
                                                        let chunkWritten = SharedBuffer(writtenBuffer)
                                                        let outT = SharedBuffer(outTargets)
                                                        let outW = SharedBuffer(outWeights)
                                                        let ahead = RowPrefetcher(
                                                            offsets: rowOffsets, targets: rowTargets,
                                                            weights: rowWeights, labels: labels.baseAddress)
                                                        Parallel.forEachChunk(
                                                            count: chunkCount, chunks: chunkCount,
                                                            minimumParallelCount: 2
                                                        ) { k, _ in
                                                            let acc =
                                                                k == 0
                                                                ? self.accumulator : self.chunkAccumulators[k - 1]
                                                            let touched =
                                                                k == 0 ? self.touched : self.chunkTouched[k - 1]
                                                            let first = groupBounds[k]
                                                            let last = groupBounds[k + 1]
                                                            var position = entryStart[first]
                                                            for c in first..<last {
                                                                var touchedCount = 0
                                                                var weightSum = 0.0
                                                                for i in memberOffsets[c]..<memberOffsets[c + 1] {
                                                                    let v = Int(members[i])
                                                                    if i + 1 < n {
                                                                        ahead.labels(ofRow: Int(members[i + 1]))
                                                                    }
                                                                    if i + 2 < n { ahead.row(Int(members[i + 2])) }
                                                                    if i + 3 < n { ahead.offset(Int(members[i + 3])) }
                                                                    weightSum += rowNodeWeight[v]
                                                                    for e in rowOffsets[v]..<rowOffsets[v + 1] {
                                                                        let d = labels[Int(rowTargets[e])]
                                                                        guard Int(d) != c else { continue }
                                                                        let sum = acc[Int(d)]
                                                                        touched[touchedCount] = d
                                                                        touchedCount &+= sum == 0 ? 1 : 0
                                                                        acc[Int(d)] = sum + Double(rowWeights[e])
                                                                    }
                                                                }
                                                                outNodeWeight[c] = weightSum
                                                                for i in 0..<touchedCount {
                                                                    let d = Int(touched[i])
                                                                    outT[position] = UInt32(d)
                                                                    outW[position] = Float(acc[d])
                                                                    position += 1
                                                                    acc[d] = 0
                                                                }
                                                                outOffsets[c + 1] = position
                                                            }
                                                            chunkWritten[k] = position - entryStart[first]
                                                        }
                                                        // Close the gaps: chunk k moves down to follow chunk k − 1.
                                                        var end = writtenBuffer[0]
                                                        for k in 1..<chunkCount {
                                                            let from = entryStart[groupBounds[k]]
                                                            let shift = from - end
                                                            let length = writtenBuffer[k]
                                                            // A chunk that wrote nothing (its groups have no
                                                            // edges outside) moves no entries, but its offsets
                                                            // move down all the same.
                                                            if shift > 0 {
                                                                if length > 0, let t = outTargets.baseAddress,
                                                                    let w = outWeights.baseAddress
                                                                {
                                                                    (t + end).update(from: t + from, count: length)
                                                                    (w + end).update(from: w + from, count: length)
                                                                }
                                                                for c in groupBounds[k]..<groupBounds[k + 1] {
                                                                    offsetsBuffer[c + 1] -= shift
                                                                }
                                                            }
                                                            end += length
                                                        }
                                                        weightCount = end
                                                        targetCount = end
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return WorkGraph(offsets: offsets, targets: targets, weights: weights, nodeWeight: nodeWeight)
    }
}
