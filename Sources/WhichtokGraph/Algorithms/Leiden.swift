internal import CPrefetch
import WhichtokSupport

/// The objective a partition is optimised for.
package enum QualityFunction: String, CaseIterable, Sendable, Hashable {
    /// Modularity with resolution γ (Newman–Girvan; Reichardt–Bornholdt):
    /// `Q = (1/2m) Σ_c (I_c − γ K_c² / 2m)`, where `I_c` is the weight of edges inside `c` counted in both
    /// directions, `K_c` the total strength of its nodes and `m` the total edge weight.
    case modularity
    /// The Constant Potts Model (Traag, Van Dooren & Nesterov 2011): `H = Σ_c (e_c − γ·n_c(n_c − 1)/2)`,
    /// where `e_c` is the internal edge weight (each edge once) and `n_c` the number of nodes. γ is a
    /// density threshold in weight units: communities are denser than γ inside and sparser between.
    case cpm
}

/// Community detection with the Leiden algorithm (Traag, Waltman & van Eck, Sci. Rep. 9:5233, 2019).
///
/// Each iteration repeats three phases until the partition no longer changes:
/// 1. *Fast local moving*: nodes are visited from a queue (initially all nodes in seeded random order);
///    each moves to the neighbouring community (or an empty one) with the largest strictly positive
///    quality gain, and its neighbours outside the new community are queued again.
/// 2. *Refinement*: inside each community, starting from singletons, a still-singleton node that is
///    well connected to its community (`E(v, C − v) ≥ γ'·w_v·(W_C − w_v)`) merges into the well-connected
///    refined sub-community with the largest non-negative gain. This is the θ → 0 (greedy) limit of the
///    paper's randomised merge; like the original it yields only connected communities.
/// 3. *Aggregation*: the refined communities become the nodes of a new graph, initially partitioned by
///    the unrefined communities.
///
/// Gains are computed in `Double`: moving `v` from `A` to `B` changes the quality by
/// `[k_{v,B} − γ'·w_v·W_B] − [k_{v,A∖v} − γ'·w_v·W_{A∖v}]`, where `k_{v,C}` is the weight from `v` into
/// `C`, `w_v` the node weight and `W_C` the summed node weight of `C`; for modularity `w_v` is the
/// strength and `γ' = γ/2m`, for CPM `w_v` is the number of original nodes and `γ' = γ`.
///
/// Directed graphs are partitioned on their undirected version (`w(u,v) + w(v,u)`).
///
/// Complexity: O(m) per pass of local moving (each visit scans one row); the number of passes is small
/// in practice and aggregation shrinks the graph geometrically. Memory: O(n + m).
/// Results are reproducible: the same graph, parameters and seed give the same partition, on any
/// machine. The number of cores only decides how the work is split over threads, never the partition
/// (tests compare 1, 2, 3, 4 and 8 workers, see `Threading`).
///
/// Speed: the phases visit rows in random order, so their cost is memory latency rather than
/// arithmetic. Each visit prefetches the offset, row and neighbours' labels of the nodes a few visits
/// ahead (`RowPrefetcher`), the touched-community lists are built without branches, and refinement
/// works community by community. On levels of `LeidenWorkspace.defaultParallelMinimum` nodes or more
/// two or more cores work: in local moving a second thread evaluates the nodes ahead in the queue
/// while the caller commits moves in queue order (`Leiden+LocalMoving.swift`); refinement and
/// aggregation (also on smaller levels with many edges) run in chunks of whole communities and rows
/// (`Leiden+Phases.swift`). Both local-moving loops make their visits with the same step
/// (`Leiden+MoveStep.swift`). None of this changes a result: the partitions are those of the
/// straightforward one-thread implementation, which tests pin and compare.
package struct Leiden: Sendable {
    package struct Parameters: Sendable, Equatable {
        package var objective: QualityFunction = .modularity
        /// The resolution γ.
        package var resolution = 1.0
        /// The seed of the node orders.
        package var seed: UInt64 = 1
        /// Full Leiden iterations, each starting from the previous partition; an iteration that changes
        /// nothing ends the run early. igraph uses 2, NetworKit 3.
        package var iterations = 2
        package init() {}
    }

    package var parameters: Parameters
    /// Community per node: communities are numbered by size, largest first, ties by smallest node id.
    package var membership: [UInt32]
    package var communityCount: Int
    /// The objective value of `membership` (modularity at this γ, or CPM quality).
    package var quality: Double
    /// Iterations done (≤ `parameters.iterations`).
    package var iterationsDone: Int
    /// Aggregation levels of the last iteration.
    package var levels: Int

    /// How Leiden spreads its work over threads. Only tests set it: the partition must not depend on it.
    package struct Threading: Sendable, Equatable {
        /// The parallel phases' workers (chunks), instead of the machine's: one per core, at most 8
        /// (`Parallel.width`). 1 runs the one-thread loops.
        package var workers: Int?
        /// Splits every level, however small, and runs local moving's pipeline with a short window and
        /// the committing thread waiting for every evaluation (so that many go stale), instead of
        /// splitting only levels of `LeidenWorkspace.defaultParallelMinimum` nodes or more.
        package var everyLevel: Bool

        /// As on this machine.
        package static let machine = Threading(workers: nil)

        package init(workers: Int?, everyLevel: Bool = false) {
            self.workers = workers
            self.everyLevel = everyLevel
        }
    }

    /// Runs Leiden on `graph`, optionally starting from `initial` (a community per node).
    package init(_ graph: Graph, parameters: Parameters = Parameters(), initial: [UInt32]? = nil) {
        self.init(graph, parameters: parameters, initial: initial, threading: .machine)
    }

    /// `chunks`: the parallel phases' chunk count on every level (tests), as `Threading(workers: chunks,
    /// everyLevel: true)`; nil as on this machine.
    init(_ graph: Graph, parameters: Parameters, initial: [UInt32]?, chunks: Int?) {
        let threading = chunks.map { Threading(workers: $0, everyLevel: true) } ?? .machine
        self.init(graph, parameters: parameters, initial: initial, threading: threading)
    }

    /// Runs Leiden with `threading` instead of this machine's threads (tests).
    package init(_ graph: Graph, parameters: Parameters, initial: [UInt32]?, threading: Threading) {
        self.parameters = parameters
        let g = graph.undirected()
        let n = g.nodeCount
        var work = WorkGraph(graph: g, objective: parameters.objective)
        let totalNodeWeight = work.nodeWeight.reduce(0, +)
        let factor: Double
        switch parameters.objective {
        case .modularity: factor = totalNodeWeight > 0 ? parameters.resolution / totalNodeWeight : 0
        case .cpm: factor = parameters.resolution
        }
        var random = SplitMix64(seed: parameters.seed)
        var membership: [UInt32]
        if let initial, initial.count == n {
            membership = Leiden.compact(initial)
        } else {
            membership = (0..<n).map { UInt32($0) }
        }
        let workspace = LeidenWorkspace(capacity: n, threading: threading)
        var iterationsDone = 0
        var levels = 0
        for _ in 0..<max(1, parameters.iterations) {
            let before = membership
            levels = Leiden.iterate(
                original: work, membership: &membership, factor: factor, random: &random, workspace: workspace)
            iterationsDone += 1
            membership = Leiden.compact(membership)
            if membership == before { break }
        }
        work = WorkGraph(offsets: [], targets: [], weights: [], nodeWeight: [])
        let (ranked, count) = Leiden.rankBySize(membership)
        self.membership = ranked
        self.communityCount = count
        self.iterationsDone = iterationsDone
        self.levels = levels
        switch parameters.objective {
        case .modularity:
            self.quality = Modularity.of(g, membership: ranked, resolution: parameters.resolution)
        case .cpm:
            self.quality = Modularity.cpm(g, membership: ranked, resolution: parameters.resolution)
        }
    }

    /// One Leiden iteration on `original`, updating `membership`. Returns the number of levels.
    static func iterate(
        original: WorkGraph, membership: inout [UInt32], factor: Double, random: inout SplitMix64,
        workspace: LeidenWorkspace
    ) -> Int {
        var graph = original
        var partition = membership
        // nodeToAggregate[v]: the node of the current aggregate graph that holds original node v.
        var nodeToAggregate = (0..<original.nodeCount).map { UInt32($0) }
        var level = 0
        while true {
            level += 1
            workspace.moveNodesFast(graph: graph, partition: &partition, factor: factor, random: &random)
            let communities = Leiden.countCommunities(partition)
            if communities == graph.nodeCount { break }
            var refined = workspace.refine(graph: graph, partition: partition, factor: factor, random: &random)
            var refinedCount = Leiden.countCommunities(refined)
            var aggregatePartition: [UInt32]
            if refinedCount == graph.nodeCount {
                // Refinement merged nothing: aggregate by the communities themselves (a Louvain step).
                refined = partition
                refinedCount = communities
                refined = Leiden.compact(refined)
                aggregatePartition = (0..<refinedCount).map { UInt32($0) }
            } else {
                refined = Leiden.compact(refined)
                aggregatePartition = [UInt32](repeating: 0, count: refinedCount)
                for v in 0..<graph.nodeCount { aggregatePartition[Int(refined[v])] = partition[v] }
                aggregatePartition = Leiden.compact(aggregatePartition)
            }
            graph = workspace.aggregate(graph: graph, by: refined, count: refinedCount)
            for v in 0..<nodeToAggregate.count { nodeToAggregate[v] = refined[Int(nodeToAggregate[v])] }
            partition = aggregatePartition
        }
        for v in 0..<membership.count { membership[v] = partition[Int(nodeToAggregate[v])] }
        return level
    }

    /// Renumbers community ids to `0 ..< count` in order of first appearance.
    static func compact(_ labels: [UInt32]) -> [UInt32] {
        var map: [UInt32: UInt32] = [:]
        var dense = [UInt32](repeating: .max, count: labels.count)
        var next: UInt32 = 0
        var result = labels
        for i in 0..<labels.count {
            let c = labels[i]
            let id: UInt32
            if Int(c) < dense.count {
                if dense[Int(c)] == .max {
                    dense[Int(c)] = next
                    next += 1
                }
                id = dense[Int(c)]
            } else if let known = map[c] {
                id = known
            } else {
                id = next
                map[c] = next
                next += 1
            }
            result[i] = id
        }
        return result
    }

    static func countCommunities(_ labels: [UInt32]) -> Int {
        var seen = [Bool](repeating: false, count: labels.count)
        var count = 0
        for c in labels where !seen[Int(c)] {
            seen[Int(c)] = true
            count += 1
        }
        return count
    }

    /// Renumbers communities by size (largest first), ties by smallest member. Returns the count.
    package static func rankBySize(_ labels: [UInt32]) -> ([UInt32], Int) {
        let dense = compact(labels)  // first appearance = smallest member order
        var sizes: [Int] = []
        for c in dense {
            if Int(c) == sizes.count { sizes.append(0) }
            sizes[Int(c)] += 1
        }
        let order = sizes.indices.sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
        var rank = [UInt32](repeating: 0, count: sizes.count)
        for (position, old) in order.enumerated() { rank[old] = UInt32(position) }
        return (dense.map { rank[Int($0)] }, sizes.count)
    }
}

/// Software prefetching for a sequence of row visits in random order, where each visit reads a node's
/// offset, its row (targets and weights) and a label per neighbour: while visiting position `i`, the
/// labels of the row at `i + 1`, the row at `i + 2` and the offset at `i + 3` are prefetched, so the
/// visit finds them in cache. Only hints: nothing computed depends on them.
struct RowPrefetcher {
    let offsets: UnsafeBufferPointer<Int>
    let targets: UnsafeBufferPointer<UInt32>
    let weights: UnsafeBufferPointer<Float>
    let labels: UnsafePointer<UInt32>?
    let moreLabels: UnsafePointer<UInt32>?
    /// Rows longer than this get their first labels prefetched only.
    static let labelsAhead = 32

    init(
        offsets: UnsafeBufferPointer<Int>, targets: UnsafeBufferPointer<UInt32>,
        weights: UnsafeBufferPointer<Float>, labels: UnsafePointer<UInt32>?,
        moreLabels: UnsafeMutablePointer<UInt32>? = nil
    ) {
        self.offsets = offsets
        self.targets = targets
        self.weights = weights
        self.labels = labels
        self.moreLabels = moreLabels.map { UnsafePointer($0) }
    }

    init(
        offsets: UnsafeBufferPointer<Int>, targets: UnsafeBufferPointer<UInt32>,
        weights: UnsafeBufferPointer<Float>, labels: UnsafeMutablePointer<UInt32>?
    ) {
        self.init(
            offsets: offsets, targets: targets, weights: weights, labels: labels.map { UnsafePointer($0) })
    }

    @inline(__always) func labels(ofRow node: Int) {
        let rowStart = offsets[node]
        let rowEnd = min(offsets[node + 1], rowStart + Self.labelsAhead)
        for e in rowStart..<rowEnd {
            let u = Int(targets[e])
            whichtok_prefetch(labels.map { $0 + u })
            if let moreLabels { whichtok_prefetch(moreLabels + u) }
        }
    }

    @inline(__always) func row(_ node: Int) {
        let rowStart = offsets[node]
        let rowEnd = offsets[node + 1]
        guard rowEnd > rowStart else { return }
        whichtok_prefetch(targets.baseAddress.map { $0 + rowStart })
        whichtok_prefetch(targets.baseAddress.map { $0 + rowEnd - 1 })
        whichtok_prefetch(weights.baseAddress.map { $0 + rowStart })
        whichtok_prefetch(weights.baseAddress.map { $0 + rowEnd - 1 })
    }

    @inline(__always) func offset(_ node: Int) {
        whichtok_prefetch(offsets.baseAddress.map { $0 + node })
    }
}

/// The graph Leiden works on: undirected CSR without self-loops, plus node weights.
struct WorkGraph: Sendable {
    var offsets: [Int]
    var targets: [UInt32]
    var weights: [Float]
    var nodeWeight: [Double]

    var nodeCount: Int { nodeWeight.count }

    init(offsets: [Int], targets: [UInt32], weights: [Float], nodeWeight: [Double]) {
        self.offsets = offsets
        self.targets = targets
        self.weights = weights
        self.nodeWeight = nodeWeight
    }

    init(graph: Graph, objective: QualityFunction) {
        offsets = graph.offsets
        targets = graph.targets
        weights = graph.weights
        switch objective {
        case .modularity: nodeWeight = Degrees.outStrengths(graph)
        case .cpm: nodeWeight = [Double](repeating: 1, count: graph.nodeCount)
        }
    }
}

/// Scratch memory for Leiden, allocated once for the largest level (the original graph).
final class LeidenWorkspace {
    let capacity: Int
    /// Dense accumulator: weight from the current node into each community.
    let accumulator: UnsafeMutablePointer<Double>
    /// The same in single precision for local moving, where it holds at most one row's weights
    /// (half the cache footprint; the gains themselves are computed in `Double`).
    let rowAccumulator: UnsafeMutablePointer<Float>
    let touched: UnsafeMutablePointer<UInt32>
    let queue: UnsafeMutablePointer<UInt32>
    let inQueue: UnsafeMutablePointer<Bool>
    let communityWeight: UnsafeMutablePointer<Double>
    let communitySize: UnsafeMutablePointer<Int32>
    let emptyStack: UnsafeMutablePointer<UInt32>
    /// Chunks the parallel phases split their work into: one per worker (`Parallel.width`, or as
    /// `Leiden.Threading` sets). Results do not depend on it: the chunks never share a community
    /// (refinement) or an output row (aggregation), and each is computed exactly as it would be alone.
    let chunks: Int
    /// A dense accumulator and a touched list per chunk after the first (which uses `accumulator` and
    /// `touched`), for aggregation, where every chunk may add into any group.
    let chunkAccumulators: [UnsafeMutablePointer<Double>]
    let chunkTouched: [UnsafeMutablePointer<UInt32>]

    /// `chunks`: as `Leiden.Threading(workers: chunks, everyLevel: true)` (tests); nil as on this machine.
    convenience init(capacity: Int, chunks forced: Int? = nil) {
        self.init(
            capacity: capacity, threading: forced.map { Leiden.Threading(workers: $0, everyLevel: true) } ?? .machine)
    }

    init(capacity: Int, threading: Leiden.Threading) {
        self.capacity = max(1, capacity)
        accumulator = .allocate(capacity: self.capacity)
        accumulator.initialize(repeating: 0, count: self.capacity)
        rowAccumulator = .allocate(capacity: self.capacity)
        rowAccumulator.initialize(repeating: 0, count: self.capacity)
        touched = .allocate(capacity: self.capacity)
        queue = .allocate(capacity: self.capacity)
        inQueue = .allocate(capacity: self.capacity)
        communityWeight = .allocate(capacity: self.capacity)
        communitySize = .allocate(capacity: self.capacity)
        emptyStack = .allocate(capacity: self.capacity)
        let workers = max(1, threading.workers ?? Parallel.width)
        if threading.everyLevel {
            chunks = workers
            parallelMinimum = 0
        } else {
            chunks = capacity >= LeidenWorkspace.defaultParallelMinimum ? workers : 1
            parallelMinimum = LeidenWorkspace.defaultParallelMinimum
        }
        chunkAccumulators = (1..<max(1, chunks)).map { _ in
            let buffer = UnsafeMutablePointer<Double>.allocate(capacity: max(1, capacity))
            buffer.initialize(repeating: 0, count: max(1, capacity))
            return buffer
        }
        chunkTouched = (1..<max(1, chunks)).map { _ in .allocate(capacity: max(1, capacity)) }
    }

    /// Graphs (levels) with fewer nodes than this are refined and aggregated on one thread, unless
    /// they have `parallelEntryFactor` times as many CSR entries (the dense upper levels).
    static let defaultParallelMinimum = 20_000
    static let parallelEntryFactor = 10
    let parallelMinimum: Int

    /// Whether refinement and aggregation split `graph`'s work into `chunks` chunks.
    func splitsWork(_ graph: WorkGraph) -> Bool {
        graph.nodeCount >= parallelMinimum || graph.targets.count >= Self.parallelEntryFactor * parallelMinimum
    }

    deinit {
        accumulator.deallocate()
        rowAccumulator.deallocate()
        touched.deallocate()
        queue.deallocate()
        inQueue.deallocate()
        communityWeight.deallocate()
        communitySize.deallocate()
        emptyStack.deallocate()
        for buffer in chunkAccumulators { buffer.deallocate() }
        for buffer in chunkTouched { buffer.deallocate() }
    }

    /// Fast local moving (the paper's MoveNodesFast). `partition` holds ids `< nodeCount`.
    func moveNodesFast(graph: WorkGraph, partition: inout [UInt32], factor: Double, random: inout SplitMix64) {
        let n = graph.nodeCount
        guard n > 0 else { return }
        if n >= parallelMinimum && chunks > 1 && !graph.targets.isEmpty {
            moveNodesPipelined(
                graph: graph, partition: &partition, factor: factor, random: &random, chunkCount: chunks)
            return
        }
        var order = (0..<n).map { UInt32($0) }
        random.shuffle(&order)
        let acc = rowAccumulator
        let touched = touched
        let queue = queue
        let inQueue = inQueue
        var book = tallyCommunities(graph: graph, partition: partition)
        for i in 0..<n {
            queue[i] = order[i]
            inQueue[i] = true
        }
        var head = 0
        var pending = n
        graph.offsets.withUnsafeBufferPointer { offsets in
            graph.targets.withUnsafeBufferPointer { targets in
                graph.weights.withUnsafeBufferPointer { weights in
                    graph.nodeWeight.withUnsafeBufferPointer { nodeWeight in
                        partition.withUnsafeMutableBufferPointer { community in
                            let rows = LeidenRows(offsets: offsets, targets: targets, weights: weights)
                            let labels = PrivateLabels(labels: community)
                            // The visits are random accesses, mostly misses: the nodes next in the queue
                            // are prefetched (see `RowPrefetcher`), which does not change what is computed.
                            let ahead = RowPrefetcher(
                                offsets: offsets, targets: targets, weights: weights, labels: community.baseAddress)
                            func prefetchAhead(head: Int, pending: Int) {
                                guard pending > 0 else { return }
                                ahead.labels(ofRow: Int(queue[head]))
                                guard pending > 1 else { return }
                                var position = head + 1
                                if position >= n { position -= n }
                                ahead.row(Int(queue[position]))
                                guard pending > 2 else { return }
                                position += 1
                                if position >= n { position -= n }
                                let third = Int(queue[position])
                                ahead.offset(third)
                                // The visit also reads the node's own weight, community and queue flag.
                                whichtok_prefetch(nodeWeight.baseAddress.map { $0 + third })
                                whichtok_prefetch(community.baseAddress.map { $0 + third })
                                whichtok_prefetch(inQueue + third)
                            }
                            while pending > 0 {
                                let v = Int(queue[head])
                                head += 1
                                if head == n { head = 0 }
                                pending -= 1
                                inQueue[v] = false
                                prefetchAhead(head: head, pending: pending)
                                let current = Int(community[v])
                                let sums = AccumulatedSums(
                                    accumulator: acc, touched: touched,
                                    count: rows.sum(row: v, labels: labels, into: acc, touched: touched))
                                let wv = nodeWeight[v]
                                let (best, gain) = book.bestMove(
                                    current: current, weight: wv, scaled: factor * wv, sums: sums)
                                sums.clear()
                                guard
                                    let moved = book.move(
                                        v, from: current, to: best, gain: gain, weight: wv, labels: labels)
                                else { continue }
                                for e in offsets[v]..<offsets[v + 1] {
                                    let u = Int(targets[e])
                                    if !inQueue[u] && Int(community[u]) != moved {
                                        inQueue[u] = true
                                        var tail = head + pending
                                        if tail >= n { tail -= n }
                                        queue[tail] = UInt32(u)
                                        pending += 1
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

extension LeidenWorkspace {
    /// The weight and size of every community of `partition`, and the stack of empty communities
    /// (largest id at the bottom) that local moving takes from.
    func tallyCommunities(graph: WorkGraph, partition: [UInt32]) -> MoveBookkeeping {
        let n = graph.nodeCount
        let weightOf = communityWeight
        let sizeOf = communitySize
        for c in 0..<n {
            weightOf[c] = 0
            sizeOf[c] = 0
        }
        for v in 0..<n {
            weightOf[Int(partition[v])] += graph.nodeWeight[v]
            sizeOf[Int(partition[v])] += 1
        }
        var emptyCount = 0
        for c in stride(from: n - 1, through: 0, by: -1) where sizeOf[c] == 0 {
            emptyStack[emptyCount] = UInt32(c)
            emptyCount += 1
        }
        return MoveBookkeeping(weightOf: weightOf, sizeOf: sizeOf, empty: emptyStack, emptyCount: emptyCount)
    }
}
