import WhichtokStore

/// Settings of the co-engagement graph.
package struct CoEngagementOptions: Sendable, Equatable {
    /// How much each engagement kind says (see `KindWeights.engagementDefaults`).
    package var kindWeights = KindWeights.engagementDefaults
    /// Weights of the item families in an account's vector: the video itself, its author, its hashtags,
    /// its sound. Equal by default: sharing a video, an author, a tag or a sound each count.
    package var videoWeight: Float = 1
    package var authorWeight: Float = 1
    package var hashtagWeight: Float = 1
    package var soundWeight: Float = 1
    /// Items engaged by more accounts than this are left out of the product (their TF-IDF weight is
    /// low anyway; they would cost cap² work each). They still count in the vectors' norms.
    package var popularityCap = 1_000
    /// Neighbours kept per account (the k most similar); 0 keeps all. 10 keeps planted communities
    /// apart better than 25 on synthetic archives (Benchmarks/RESULTS.md, "Co-engagement
    /// neighbours") and keeps the graph sparse.
    package var topK = 10
    /// Accounts engaging with fewer distinct items than this get no vector. An account known only by
    /// one follow (a follower in a donor's list) would otherwise have cosine 1 with every other such
    /// follower of the same donor.
    package var minItems = 2
    /// Similarities below this are dropped.
    package var minSimilarity: Float = 0.01
    /// When set, the disparity-filter backbone at this α is kept (after top-k).
    package var backboneAlpha: Double?

    package init() {}
}

/// The co-engagement graph and what computing it cost.
package struct CoEngagementResult: Sendable {
    package var graph: Graph
    /// Accounts with a non-empty engagement vector.
    package var accounts: Int
    /// Distinct items in the vectors.
    package var items: Int
    /// Non-zeros of the account × item matrix.
    package var entries: Int
    /// Items skipped in the product because more than `popularityCap` accounts engaged with them.
    package var popularItemsSkipped: Int
    /// Multiply-adds done by the sparse product (Σ over kept items of df·(df − 1)).
    package var accumulations: Int
}

extension GraphBuilder {
    /// The co-engagement graph (undirected): accounts are close when they engage with the same videos,
    /// authors, hashtags and sounds, discounting what everyone engages with.
    ///
    /// 1. Each account `a` gets a vector over items `i` (videos, their authors, hashtags and sound;
    ///    favourited hashtags and sounds; followed accounts as authors): the raw score `r_ai` sums
    ///    `kindWeight × familyWeight` over the account's events. Accounts with fewer than `minItems`
    ///    distinct items get no vector.
    /// 2. TF-IDF: `x_ai = log(1 + r_ai) · log(N / df_i)`, `N` accounts with a vector, `df_i` accounts
    ///    engaging with `i`; each row is scaled to unit length.
    /// 3. Similarity `s_ab = Σ_i x_ai x_bi` (cosine), computed as a sparse product `X·Xᵀ` one row at a
    ///    time with a dense accumulator, over the items with `2 ≤ df_i ≤ popularityCap` only, so a
    ///    popular item's audience is never paired up.
    /// 4. Each account keeps its `topK` most similar accounts (ties by row) with `s ≥ minSimilarity`;
    ///    the graph is the union of these lists (weight `s_ab`), optionally reduced to its disparity
    ///    backbone at `backboneAlpha`.
    ///
    /// Complexity: O(E + nnz + Σ_{kept i} df_i²) time, in parallel over accounts; memory O(nnz) plus a
    /// dense accumulator of one float per account and thread.
    package static func coEngagement(
        _ store: Store, filter: EventFilter = EventFilter(), options: CoEngagementOptions = CoEngagementOptions()
    ) -> CoEngagementResult {
        let matrix = EngagementMatrix(store, filter: filter, options: options)
        var parameters = GraphParameters(kind: .coEngagement)
        filter.record(in: &parameters, defaults: options.kindWeights.kinds)
        parameters.settings = [
            ("top_k", "\(options.topK)"), ("popularity_cap", "\(options.popularityCap)"),
            ("min_items", "\(options.minItems)"),
            ("min_similarity", "\(options.minSimilarity)"),
            (
                "family_weights",
                "video=\(options.videoWeight),author=\(options.authorWeight),hashtag=\(options.hashtagWeight),sound=\(options.soundWeight)"
            ),
        ]
        let product = matrix.similarities(
            topK: options.topK, minSimilarity: options.minSimilarity, cap: options.popularityCap)
        // Union of the top-k lists: pair (min, max) with the larger of the two computed values.
        var keys = [UInt64]()
        keys.reserveCapacity(product.sources.count)
        for e in 0..<product.sources.count {
            let a = product.sources[e]
            let b = product.targets[e]
            keys.append(UInt64(min(a, b)) << 32 | UInt64(max(a, b)))
        }
        let order = keys.indices.sorted {
            keys[$0] != keys[$1] ? keys[$0] < keys[$1] : product.weights[$0] > product.weights[$1]
        }
        var sources: [RowID] = []
        var targets: [RowID] = []
        var weights: [Float] = []
        var previous = UInt64.max
        for e in order where keys[e] != previous {
            previous = keys[e]
            sources.append(RowID(truncatingIfNeeded: keys[e] >> 32))
            targets.append(RowID(truncatingIfNeeded: keys[e]))
            weights.append(product.weights[e])
        }
        var attributes = EdgeAttributes()
        attributes.coEngagement = weights
        var graph = GraphFromEdges.accountGraph(
            parameters: parameters, directed: false, accountCount: store.accounts.count,
            sources: sources, targets: targets, weights: weights, attributes: attributes)
        if let alpha = options.backboneAlpha {
            let significance = DisparityFilter.significance(graph)
            graph = graph.induced(keep: [Bool](repeating: true, count: graph.nodeCount)) { significance[$0] < alpha }
            graph = GraphFilter().apply(to: graph)
            graph.parameters.settings.append(("backbone_alpha", "\(alpha)"))
        }
        return CoEngagementResult(
            graph: graph, accounts: matrix.rowsWithEntries, items: matrix.distinctItems, entries: matrix.values.count,
            popularItemsSkipped: product.skipped, accumulations: product.accumulations)
    }
}

/// The row-normalised TF-IDF account × item matrix (CSR over account rows).
struct EngagementMatrix {
    var offsets: [Int]
    var items: [UInt32]
    var values: [Float]
    var documentFrequency: [Int32]
    var rowsWithEntries: Int
    var distinctItems: Int

    init(_ store: Store, filter: EventFilter, options: CoEngagementOptions) {
        let accountCount = store.accounts.count
        let events = store.events
        let videos = store.videos
        let comments = store.comments
        let mask = filter.kindMask(defaults: options.kindWeights.kinds)
        let videoBase = 0
        let authorBase = videos.count
        let hashtagBase = authorBase + accountCount
        let soundBase = hashtagBase + store.hashtags.count
        let itemCount = soundBase + store.sounds.count
        // Events grouped by actor (counting sort; the store's order is usually already by actor).
        var actorOffsets = [Int](repeating: 0, count: accountCount + 1)
        for i in 0..<events.count where Int(events.actor[i]) < accountCount {
            actorOffsets[Int(events.actor[i]) + 1] += 1
        }
        for a in 0..<accountCount { actorOffsets[a + 1] += actorOffsets[a] }
        var cursor = actorOffsets
        var byActor = [UInt32](repeating: 0, count: actorOffsets[accountCount])
        for i in 0..<events.count where Int(events.actor[i]) < accountCount {
            let a = Int(events.actor[i])
            byActor[cursor[a]] = UInt32(i)
            cursor[a] += 1
        }
        // Raw scores per row, in parallel chunks of accounts, each with its own dense accumulator.
        let chunkCount = accountCount > 2_000 ? 16 : 1
        var chunkItems = [[UInt32]](repeating: [], count: chunkCount)
        var chunkValues = [[Float]](repeating: [], count: chunkCount)
        var chunkRowLength = [[Int]](repeating: [], count: chunkCount)
        let kindWeights = options.kindWeights.values
        let familyVideo = options.videoWeight
        let familyAuthor = options.authorWeight
        let familyHashtag = options.hashtagWeight
        let familySound = options.soundWeight
        chunkItems.withUnsafeMutableBufferPointer { itemsOut in
            chunkValues.withUnsafeMutableBufferPointer { valuesOut in
                chunkRowLength.withUnsafeMutableBufferPointer { lengthsOut in
                    let itemsShared = SharedBuffer(itemsOut)
                    let valuesShared = SharedBuffer(valuesOut)
                    let lengthsShared = SharedBuffer(lengthsOut)
                    Parallel.forEachChunk(count: accountCount, chunks: chunkCount, minimumParallelCount: 2_000) {
                        c, range in
                        let score = UnsafeMutablePointer<Float>.allocate(capacity: max(1, itemCount))
                        score.initialize(repeating: 0, count: max(1, itemCount))
                        let touched = UnsafeMutablePointer<UInt32>.allocate(capacity: max(1, itemCount))
                        var touchedCount = 0
                        defer {
                            score.deallocate()
                            touched.deallocate()
                        }
                        var outItems: [UInt32] = []
                        var outValues: [Float] = []
                        var lengths: [Int] = []
                        lengths.reserveCapacity(range.count)
                        @inline(__always) func bump(_ item: Int, _ value: Float) {
                            guard value > 0 else { return }
                            if score[item] == 0 {
                                touched[touchedCount] = UInt32(item)
                                touchedCount += 1
                            }
                            score[item] += value
                        }
                        for a in range {
                            for p in actorOffsets[a]..<actorOffsets[a + 1] {
                                let i = Int(byActor[p])
                                let kind = Int(events.kind[i])
                                guard mask[kind], kind < kindWeights.count, filter.accepts(time: events.time[i]) else {
                                    continue
                                }
                                let w = kindWeights[kind]
                                guard w > 0 else { continue }
                                var video = RowID.none
                                switch ObjectType(rawValue: events.objectType[i]) {
                                case .video: video = events.object[i]
                                case .comment:
                                    let comment = Int(events.object[i])
                                    if comment < comments.count { video = comments.video[comment] }
                                case .hashtag:
                                    let h = Int(events.object[i])
                                    if h < store.hashtags.count { bump(hashtagBase + h, w * familyHashtag) }
                                case .sound:
                                    let s = Int(events.object[i])
                                    if s < store.sounds.count { bump(soundBase + s, w * familySound) }
                                case .account:
                                    let b = Int(events.object[i])
                                    if b < accountCount && b != a && kind != Int(EventKind.messaged.rawValue) {
                                        bump(authorBase + b, w * familyAuthor)
                                    }
                                default: break
                                }
                                guard video != .none, Int(video) < videos.count else { continue }
                                bump(videoBase + Int(video), w * familyVideo)
                                let author = videos.author[Int(video)]
                                if author != .none && Int(author) != a && Int(author) < accountCount {
                                    bump(authorBase + Int(author), w * familyAuthor)
                                }
                                for h in videos.hashtags(of: video) where Int(h) < store.hashtags.count {
                                    bump(hashtagBase + Int(h), w * familyHashtag)
                                }
                                let sound = videos.sound[Int(video)]
                                if sound != .none && Int(sound) < store.sounds.count {
                                    bump(soundBase + Int(sound), w * familySound)
                                }
                            }
                            var row = UnsafeMutableBufferPointer(start: touched, count: touchedCount)
                            row.sort()
                            for item in row {
                                outItems.append(item)
                                outValues.append(score[Int(item)])
                                score[Int(item)] = 0
                            }
                            lengths.append(touchedCount)
                            touchedCount = 0
                        }
                        itemsShared[c] = outItems
                        valuesShared[c] = outValues
                        lengthsShared[c] = lengths
                    }
                }
            }
        }
        var offsets = [Int](repeating: 0, count: accountCount + 1)
        var row = 0
        for c in 0..<chunkCount {
            for length in chunkRowLength[c] {
                offsets[row + 1] = offsets[row] + length
                row += 1
            }
        }
        var items = chunkItems.flatMap { $0 }
        var values = chunkValues.flatMap { $0 }
        chunkItems = []
        chunkValues = []
        // Accounts with too few distinct items get an empty row.
        if options.minItems > 1 {
            var write = 0
            var kept = [Int](repeating: 0, count: accountCount + 1)
            for a in 0..<accountCount {
                let length = offsets[a + 1] - offsets[a]
                if length >= options.minItems {
                    for p in offsets[a]..<offsets[a + 1] {
                        items[write] = items[p]
                        values[write] = values[p]
                        write += 1
                    }
                }
                kept[a + 1] = write
            }
            items.removeLast(items.count - write)
            values.removeLast(values.count - write)
            offsets = kept
        }
        // Document frequencies, TF-IDF, unit rows.
        var df = [Int32](repeating: 0, count: itemCount)
        for item in items { df[Int(item)] += 1 }
        var rowsWithEntries = 0
        for a in 0..<accountCount where offsets[a + 1] > offsets[a] { rowsWithEntries += 1 }
        let n = Double(rowsWithEntries)
        for a in 0..<accountCount {
            var norm = 0.0
            for p in offsets[a]..<offsets[a + 1] {
                let idf = log(n / Double(df[Int(items[p])]))
                let x = log1p(Double(values[p])) * idf
                values[p] = Float(x)
                norm += x * x
            }
            let scale = norm > 0 ? 1 / norm.squareRoot() : 0
            for p in offsets[a]..<offsets[a + 1] { values[p] = Float(Double(values[p]) * scale) }
        }
        // Drop zero entries (items everyone engaged with), keeping rows sorted.
        var write = 0
        var newOffsets = [Int](repeating: 0, count: accountCount + 1)
        for a in 0..<accountCount {
            for p in offsets[a]..<offsets[a + 1] where values[p] > 0 {
                items[write] = items[p]
                values[write] = values[p]
                write += 1
            }
            newOffsets[a + 1] = write
        }
        items.removeLast(items.count - write)
        values.removeLast(values.count - write)
        self.offsets = newOffsets
        self.items = items
        self.values = values
        self.documentFrequency = df
        self.rowsWithEntries = rowsWithEntries
        self.distinctItems = df.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
    }

    var accountCount: Int { offsets.count - 1 }

    /// Top-k similarities per row: (row, other row, cosine) triples, the accumulations done, and the
    /// number of items skipped for popularity.
    func similarities(topK: Int, minSimilarity: Float, cap: Int)
        -> (sources: [RowID], targets: [RowID], weights: [Float], accumulations: Int, skipped: Int)
    {
        let n = accountCount
        let itemCount = documentFrequency.count
        // Columns (item → accounts, values) for the items in the product.
        var columnOffsets = [Int](repeating: 0, count: itemCount + 1)
        var skipped = 0
        for i in 0..<itemCount {
            let d = Int(documentFrequency[i])
            if d > cap { skipped += 1 }
        }
        var eligible = [Bool](repeating: false, count: itemCount)
        for i in 0..<itemCount { eligible[i] = documentFrequency[i] >= 2 && Int(documentFrequency[i]) <= cap }
        for item in items where eligible[Int(item)] { columnOffsets[Int(item) + 1] += 1 }
        for i in 0..<itemCount { columnOffsets[i + 1] += columnOffsets[i] }
        var cursor = columnOffsets
        var columnRows = [UInt32](repeating: 0, count: columnOffsets[itemCount])
        var columnValues = [Float](repeating: 0, count: columnOffsets[itemCount])
        for a in 0..<n {
            for p in offsets[a]..<offsets[a + 1] where eligible[Int(items[p])] {
                let i = Int(items[p])
                columnRows[cursor[i]] = UInt32(a)
                columnValues[cursor[i]] = values[p]
                cursor[i] += 1
            }
        }
        let chunkCount = n > 2_000 ? 32 : 1
        var outSources = [[RowID]](repeating: [], count: chunkCount)
        var outTargets = [[RowID]](repeating: [], count: chunkCount)
        var outWeights = [[Float]](repeating: [], count: chunkCount)
        var outAccumulations = [Int](repeating: 0, count: chunkCount)
        let ranges = Parallel.balancedRanges(offsets: offsets, chunks: chunkCount)
        outSources.withUnsafeMutableBufferPointer { s in
            outTargets.withUnsafeMutableBufferPointer { t in
                outWeights.withUnsafeMutableBufferPointer { w in
                    outAccumulations.withUnsafeMutableBufferPointer { acc in
                        let sourcesOut = SharedBuffer(s)
                        let targetsOut = SharedBuffer(t)
                        let weightsOut = SharedBuffer(w)
                        let accumulationsOut = SharedBuffer(acc)
                        Parallel.forEachChunk(count: ranges.count, chunks: ranges.count, minimumParallelCount: 2) {
                            c, _ in
                            let accumulator = UnsafeMutablePointer<Double>.allocate(capacity: max(1, n))
                            accumulator.initialize(repeating: 0, count: max(1, n))
                            let touched = UnsafeMutablePointer<UInt32>.allocate(capacity: max(1, n))
                            defer {
                                accumulator.deallocate()
                                touched.deallocate()
                            }
                            var candidates: [(Float, UInt32)] = []
                            var mySources: [RowID] = []
                            var myTargets: [RowID] = []
                            var myWeights: [Float] = []
                            var accumulations = 0
                            items.withUnsafeBufferPointer { rowItems in
                                values.withUnsafeBufferPointer { rowValues in
                                    columnRows.withUnsafeBufferPointer { colRows in
                                        columnValues.withUnsafeBufferPointer { colValues in
                                            for a in ranges[c] {
                                                var touchedCount = 0
                                                for p in offsets[a]..<offsets[a + 1] {
                                                    let i = Int(rowItems[p])
                                                    guard eligible[i] else { continue }
                                                    let x = Double(rowValues[p])
                                                    let start = columnOffsets[i]
                                                    let end = columnOffsets[i + 1]
                                                    // The row's own entry is accumulated too and ignored below.
                                                    for q in start..<end {
                                                        let b = Int(colRows[q])
                                                        if accumulator[b] == 0 {
                                                            touched[touchedCount] = UInt32(b)
                                                            touchedCount += 1
                                                        }
                                                        accumulator[b] += x * Double(colValues[q])
                                                    }
                                                    accumulations += end - start - 1
                                                }
                                                candidates.removeAll(keepingCapacity: true)
                                                for t in 0..<touchedCount {
                                                    let b = Int(touched[t])
                                                    let s = Float(accumulator[b])
                                                    accumulator[b] = 0
                                                    if b != a && s >= minSimilarity {
                                                        candidates.append((s, UInt32(b)))
                                                    }
                                                }
                                                // Most similar first, ties by row.
                                                candidates.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
                                                let keep = topK > 0 ? min(topK, candidates.count) : candidates.count
                                                for (s, b) in candidates.prefix(keep) {
                                                    mySources.append(RowID(a))
                                                    myTargets.append(b)
                                                    myWeights.append(s)
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                            sourcesOut[c] = mySources
                            targetsOut[c] = myTargets
                            weightsOut[c] = myWeights
                            accumulationsOut[c] = accumulations
                        }
                    }
                }
            }
        }
        return (
            outSources.flatMap { $0 }, outTargets.flatMap { $0 }, outWeights.flatMap { $0 },
            outAccumulations.reduce(0, +), skipped
        )
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
