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
    /// Each pair's cosine is computed once, by the smaller row, and offered to both rows' top-k lists.
    ///
    /// Complexity: O(E + nnz + Σ_{kept i} df_i²/2) time, in parallel over chunks of accounts balanced
    /// by that work; memory O(nnz) plus, per chunk, a dense accumulator of one double per account and
    /// k neighbours per account.
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

    /// `chunks` overrides the number of row chunks the raw scores and weights are computed in
    /// (tests); the matrix does not depend on it.
    init(_ store: Store, filter: EventFilter, options: CoEngagementOptions, chunks: Int? = nil) {
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
        // Events grouped by actor (counting sort), unless the store's order already is by actor.
        var actorOffsets = [Int](repeating: 0, count: accountCount + 1)
        var byActorAlready = true
        var previousActor: RowID = 0
        actorOffsets.withUnsafeMutableBufferPointer { actorOffsets in
            for actor in events.actor {
                if Int(actor) < accountCount { actorOffsets[Int(actor) + 1] += 1 } else { byActorAlready = false }
                if actor < previousActor { byActorAlready = false }
                previousActor = actor
            }
        }
        for a in 0..<accountCount { actorOffsets[a + 1] += actorOffsets[a] }
        var byActor: [UInt32] = []
        if !byActorAlready {
            var cursor = actorOffsets
            byActor = [UInt32](repeating: 0, count: actorOffsets[accountCount])
            for i in 0..<events.count where Int(events.actor[i]) < accountCount {
                let a = Int(events.actor[i])
                byActor[cursor[a]] = UInt32(i)
                cursor[a] += 1
            }
        }
        let hashtagOffsets = videos.hashtagOffsets
        let videoHashtags = videos.hashtags
        // Raw scores per row, in parallel chunks of accounts, each with its own dense accumulator.
        let chunkCount = max(1, chunks ?? (accountCount > 2_000 ? 16 : 1))
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
                        // The row's items as bits: reading the words in order lists them sorted.
                        let wordCount = max(1, (itemCount + 63) / 64)
                        let touched = UnsafeMutablePointer<UInt64>.allocate(capacity: wordCount)
                        touched.initialize(repeating: 0, count: wordCount)
                        var touchedCount = 0
                        var lowWord = Int.max
                        var highWord = -1
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
                                let word = item >> 6
                                touched[word] |= 1 << UInt64(item & 63)
                                lowWord = min(lowWord, word)
                                highWord = max(highWord, word)
                                touchedCount += 1
                            }
                            score[item] += value
                        }
                        for a in range {
                            for p in actorOffsets[a]..<actorOffsets[a + 1] {
                                let i = byActorAlready ? p : Int(byActor[p])
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
                                let v = Int(video)
                                for position in Int(hashtagOffsets[v])..<Int(hashtagOffsets[v + 1]) {
                                    let h = Int(videoHashtags[position])
                                    if h < store.hashtags.count { bump(hashtagBase + h, w * familyHashtag) }
                                }
                                let sound = videos.sound[Int(video)]
                                if sound != .none && Int(sound) < store.sounds.count {
                                    bump(soundBase + Int(sound), w * familySound)
                                }
                            }
                            if highWord >= lowWord {
                                for word in lowWord...highWord {
                                    var bits = touched[word]
                                    touched[word] = 0
                                    while bits != 0 {
                                        let item = word << 6 | bits.trailingZeroBitCount
                                        bits &= bits - 1
                                        outItems.append(UInt32(item))
                                        outValues.append(score[item])
                                        score[item] = 0
                                    }
                                }
                            }
                            lengths.append(touchedCount)
                            touchedCount = 0
                            lowWord = .max
                            highWord = -1
                        }
                        itemsShared[c] = outItems
                        valuesShared[c] = outValues
                        lengthsShared[c] = lengths
                    }
                }
            }
        }
        // Accounts with too few distinct items get an empty row. Document frequencies over the rows
        // kept, counted by two threads (whole numbers: the sum is the same in any order).
        let minItems = options.minItems
        var rowsWithEntries = 0
        for lengths in chunkRowLength {
            for length in lengths where length > 0 && length >= minItems { rowsWithEntries += 1 }
        }
        let dfParts = 2
        var partialDF = [[Int32]](repeating: [], count: dfParts)
        partialDF.withUnsafeMutableBufferPointer { partial in
            let out = SharedBuffer(partial)
            Parallel.forEachChunk(count: chunkCount, chunks: dfParts, minimumParallelCount: 2) { part, chunks in
                var df = [Int32](repeating: 0, count: itemCount)
                df.withUnsafeMutableBufferPointer { df in
                    for c in chunks {
                        var p = 0
                        for length in chunkRowLength[c] {
                            if length > 0 && length >= minItems {
                                for q in p..<p + length { df[Int(chunkItems[c][q])] += 1 }
                            }
                            p += length
                        }
                    }
                }
                out[part] = df
            }
        }
        var df = partialDF[0]
        for part in partialDF.dropFirst() where !part.isEmpty {
            for i in 0..<itemCount { df[i] += part[i] }
        }
        partialDF = []
        // TF-IDF, unit rows, then zero entries (items everyone engaged with) dropped, in place, each
        // chunk of rows by itself.
        let n = Double(rowsWithEntries)
        var idf = [Double](repeating: 0, count: itemCount)
        for i in 0..<itemCount where df[i] > 0 { idf[i] = log(n / Double(df[i])) }
        // log1p of the small whole scores, which most raw scores are (same function, same values).
        let smallLog = (0..<64).map { log1p(Double($0)) }
        chunkItems.withUnsafeMutableBufferPointer { itemsOut in
            chunkValues.withUnsafeMutableBufferPointer { valuesOut in
                chunkRowLength.withUnsafeMutableBufferPointer { lengthsOut in
                    let itemsShared = SharedBuffer(itemsOut)
                    let valuesShared = SharedBuffer(valuesOut)
                    let lengthsShared = SharedBuffer(lengthsOut)
                    Parallel.forEachChunk(count: chunkCount, chunks: chunkCount, minimumParallelCount: 2) { c, _ in
                        // Moved out, so that the arrays are changed in place rather than copied.
                        var items = itemsShared[c]
                        var values = valuesShared[c]
                        var lengths = lengthsShared[c]
                        itemsShared[c] = []
                        valuesShared[c] = []
                        Self.weigh(
                            items: &items, values: &values, lengths: &lengths, minItems: minItems, idf: idf,
                            smallLog: smallLog)
                        itemsShared[c] = items
                        valuesShared[c] = values
                        lengthsShared[c] = lengths
                    }
                }
            }
        }
        var newOffsets = [Int](repeating: 0, count: accountCount + 1)
        var row = 0
        for c in 0..<chunkCount {
            for length in chunkRowLength[c] {
                newOffsets[row + 1] = newOffsets[row] + length
                row += 1
            }
        }
        self.offsets = newOffsets
        // Joined by block copies (`flatMap` copies element by element).
        var items: [UInt32] = []
        var values: [Float] = []
        items.reserveCapacity(newOffsets[accountCount])
        values.reserveCapacity(newOffsets[accountCount])
        for c in 0..<chunkCount {
            items.append(contentsOf: chunkItems[c])
            values.append(contentsOf: chunkValues[c])
            chunkItems[c] = []
            chunkValues[c] = []
        }
        self.items = items
        self.values = values
        self.documentFrequency = df
        self.rowsWithEntries = rowsWithEntries
        self.distinctItems = df.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
    }

    /// TF-IDF weights of consecutive rows of `lengths[r]` raw scores each, in place: each row of at
    /// least `minItems` entries is scaled to unit length and loses its zero entries; a shorter row
    /// becomes empty. `lengths` becomes the rows' new lengths.
    static func weigh(
        items: inout [UInt32], values: inout [Float], lengths: inout [Int], minItems: Int, idf: [Double],
        smallLog: [Double]
    ) {
        var read = 0
        var write = 0
        items.withUnsafeMutableBufferPointer { items in
            values.withUnsafeMutableBufferPointer { values in
                for r in 0..<lengths.count {
                    let row = read..<read + lengths[r]
                    read += lengths[r]
                    guard row.count >= minItems else {
                        lengths[r] = 0
                        continue
                    }
                    let rowStart = write
                    var norm = 0.0
                    for p in row {
                        let raw = values[p]
                        let whole = Int(exactly: raw) ?? -1
                        let tf = whole >= 0 && whole < smallLog.count ? smallLog[whole] : log1p(Double(raw))
                        let x = tf * idf[Int(items[p])]
                        values[p] = Float(x)
                        norm += x * x
                    }
                    let scale = norm > 0 ? 1 / norm.squareRoot() : 0
                    for p in row {
                        let value = Float(Double(values[p]) * scale)
                        guard value > 0 else { continue }
                        items[write] = items[p]
                        values[write] = value
                        write += 1
                    }
                    lengths[r] = write - rowStart
                }
            }
        }
        items.removeLast(items.count - write)
        values.removeLast(values.count - write)
    }

    var accountCount: Int { offsets.count - 1 }

    /// Top-k similarities per row: (row, other row, cosine) triples, the accumulations counted as
    /// Σ over the product's items of df·(df − 1), and the number of items skipped for popularity.
    ///
    /// Each pair is computed once, by its smaller row (`s_ab` sums the exact products
    /// `x_ai · x_bi` in item order, so it is the same number from either side), and offered to both
    /// rows' lists. With `topK > 0` each chunk of rows keeps, for every row, the k best offers it saw
    /// (a heap; best = larger similarity, then smaller row), and the chunks' lists are merged: the
    /// same k as sorting each row's full candidate list. With `topK == 0` every pair is listed once.
    /// `chunks` overrides the number of chunks, `transposeParts` the number of threads building the
    /// columns (1 or 2; tests); the result depends on neither.
    func similarities(topK: Int, minSimilarity: Float, cap: Int, chunks: Int? = nil, transposeParts: Int? = nil)
        -> (sources: [RowID], targets: [RowID], weights: [Float], accumulations: Int, skipped: Int)
    {
        let n = accountCount
        let itemCount = documentFrequency.count
        var skipped = 0
        var eligible = [Bool](repeating: false, count: itemCount)
        for i in 0..<itemCount {
            let d = Int(documentFrequency[i])
            if d > cap { skipped += 1 }
            eligible[i] = d >= 2 && d <= cap
        }
        // Rows with an entry in the product get a compact number (in row order).
        var compact = [Int32](repeating: -1, count: n)
        var rowOf: [UInt32] = []
        for a in 0..<n {
            for p in offsets[a]..<offsets[a + 1] where eligible[Int(items[p])] {
                compact[a] = Int32(rowOf.count)
                rowOf.append(UInt32(a))
                break
            }
        }
        let m = rowOf.count
        // Columns (item → compact rows ascending, values), and each row entry's place in its column:
        // a counting sort by item, by two threads on large matrices, each over a half of the rows
        // (the first half's entries come first in every column, so columns stay in row order).
        let parts = min(2, max(1, transposeParts ?? (items.count >= 100_000 ? 2 : 1)))
        var bounds = [0]
        if parts == 2 {
            let half = offsets[n] / 2
            var low = 0
            var high = n
            while low < high {  // first row starting at or after half of the entries
                let mid = (low + high) / 2
                if offsets[mid] < half { low = mid + 1 } else { high = mid }
            }
            bounds.append(low)
        }
        bounds.append(n)
        var cursors = [[Int]](repeating: [], count: parts)
        cursors.withUnsafeMutableBufferPointer { cursors in
            let out = SharedBuffer(cursors)
            Parallel.forEachChunk(count: parts, chunks: parts, minimumParallelCount: 2) { part, _ in
                var counts = [Int](repeating: 0, count: itemCount)
                counts.withUnsafeMutableBufferPointer { counts in
                    for p in offsets[bounds[part]]..<offsets[bounds[part + 1]] where eligible[Int(items[p])] {
                        counts[Int(items[p])] += 1
                    }
                }
                out[part] = counts
            }
        }
        // Each part's counts become its cursors: where its entries of each column start.
        var columnOffsets = [Int](repeating: 0, count: itemCount + 1)
        for i in 0..<itemCount {
            var position = columnOffsets[i]
            for part in 0..<parts {
                let count = cursors[part][i]
                cursors[part][i] = position
                position += count
            }
            columnOffsets[i + 1] = position
        }
        var columnRows = [UInt32](repeating: 0, count: columnOffsets[itemCount])
        var columnValues = [Float](repeating: 0, count: columnOffsets[itemCount])
        var place = [Int](repeating: -1, count: items.count)
        // Work of each compact row: the partners after it in its columns (then prefix sums).
        var work = [Int](repeating: 0, count: m + 1)
        cursors.withUnsafeMutableBufferPointer { cursors in
            place.withUnsafeMutableBufferPointer { place in
                columnRows.withUnsafeMutableBufferPointer { columnRows in
                    columnValues.withUnsafeMutableBufferPointer { columnValues in
                        work.withUnsafeMutableBufferPointer { work in
                            let cursorsShared = SharedBuffer(cursors)
                            let placeShared = SharedBuffer(place)
                            let rowsShared = SharedBuffer(columnRows)
                            let valuesShared = SharedBuffer(columnValues)
                            let workShared = SharedBuffer(work)
                            Parallel.forEachChunk(count: parts, chunks: parts, minimumParallelCount: 2) { part, _ in
                                var cursor = cursorsShared[part]
                                cursorsShared[part] = []
                                cursor.withUnsafeMutableBufferPointer { cursor in
                                    for a in bounds[part]..<bounds[part + 1] where compact[a] >= 0 {
                                        let u = Int(compact[a])
                                        var w = 1
                                        for p in offsets[a]..<offsets[a + 1] where eligible[Int(items[p])] {
                                            let i = Int(items[p])
                                            let q = cursor[i]
                                            placeShared[p] = q
                                            rowsShared[q] = UInt32(u)
                                            valuesShared[q] = values[p]
                                            cursor[i] = q + 1
                                            w += columnOffsets[i + 1] - q - 1
                                        }
                                        workShared[u + 1] = w
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var accumulations = 0
        for i in 0..<itemCount {
            let length = columnOffsets[i + 1] - columnOffsets[i]
            accumulations += length * (length - 1)
        }
        for u in 0..<m { work[u + 1] += work[u] }
        // Chunks of rows balanced by work; the partners' lists do not depend on the chunks.
        let chunkCount = max(1, chunks ?? (work[m] > 100_000 ? min(8, 2 * Parallel.width) : 1))
        var ranges: [Range<Int>] = []
        var start = 0
        for c in 1...chunkCount {
            let goal = work[m] * c / chunkCount
            var low = start
            var high = m
            while low < high {  // first row whose prefix reaches the goal
                let mid = (low + high) / 2
                if work[mid] < goal { low = mid + 1 } else { high = mid }
            }
            let end = c == chunkCount ? m : max(start, low)
            if end > start { ranges.append(start..<end) }
            start = end
        }
        let k = max(0, topK)
        var chunkHeaps = [NeighbourHeaps?](repeating: nil, count: ranges.count)
        var chunkPairs = [[(UInt32, UInt32, Float)]](repeating: [], count: ranges.count)
        chunkHeaps.withUnsafeMutableBufferPointer { h in
            chunkPairs.withUnsafeMutableBufferPointer { l in
                let heapsOut = SharedBuffer(h)
                let pairsOut = SharedBuffer(l)
                Parallel.forEachChunk(count: ranges.count, chunks: ranges.count, minimumParallelCount: 2) { c, _ in
                    let accumulator = UnsafeMutablePointer<Double>.allocate(capacity: max(1, m))
                    accumulator.initialize(repeating: 0, count: max(1, m))
                    let touched = UnsafeMutablePointer<UInt32>.allocate(capacity: max(1, m))
                    defer {
                        accumulator.deallocate()
                        touched.deallocate()
                    }
                    let heaps = k > 0 ? NeighbourHeaps(rows: m, k: k) : nil
                    var pairs: [(UInt32, UInt32, Float)] = []
                    items.withUnsafeBufferPointer { rowItems in
                        values.withUnsafeBufferPointer { rowValues in
                            place.withUnsafeBufferPointer { rowPlace in
                                columnRows.withUnsafeBufferPointer { colRows in
                                    columnValues.withUnsafeBufferPointer { colValues in
                                        for u in ranges[c] {
                                            let a = Int(rowOf[u])
                                            // A row with more accumulations than partners scans its
                                            // partners instead of listing the ones it touches.
                                            let scan = work[u + 1] - work[u] > m - u
                                            var touchedCount = 0
                                            for p in offsets[a]..<offsets[a + 1] where rowPlace[p] >= 0 {
                                                let x = Double(rowValues[p])
                                                let end = columnOffsets[Int(rowItems[p]) + 1]
                                                var q = rowPlace[p] + 1
                                                if scan, let rowBase = colRows.baseAddress,
                                                    let valueBase = colValues.baseAddress
                                                {
                                                    Self.accumulate(
                                                        x, rows: rowBase, values: valueBase, q, end, into: accumulator)
                                                    continue
                                                }
                                                while q < end {
                                                    let b = Int(colRows[q])
                                                    if accumulator[b] == 0 {
                                                        touched[touchedCount] = UInt32(b)
                                                        touchedCount += 1
                                                    }
                                                    accumulator[b] += x * Double(colValues[q])
                                                    q += 1
                                                }
                                            }
                                            // Every product is positive: the partners are the non-zero sums.
                                            @inline(__always) func consider(_ b: Int) {
                                                let s = Float(accumulator[b])
                                                accumulator[b] = 0
                                                guard s >= minSimilarity else { return }
                                                if let heaps {
                                                    heaps.offer(u, s, rowOf[b])
                                                    heaps.offer(b, s, UInt32(a))
                                                } else {
                                                    pairs.append((UInt32(a), rowOf[b], s))
                                                }
                                            }
                                            if scan {
                                                for b in (u + 1)..<max(u + 1, m) where accumulator[b] != 0 {
                                                    consider(b)
                                                }
                                            } else {
                                                for t in 0..<touchedCount { consider(Int(touched[t])) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    heapsOut[c] = heaps
                    pairsOut[c] = pairs
                }
            }
        }
        var sources: [RowID] = []
        var targets: [RowID] = []
        var weights: [Float] = []
        if k == 0 {
            for pairs in chunkPairs {
                for (a, b, s) in pairs {
                    sources.append(a)
                    targets.append(b)
                    weights.append(s)
                }
            }
        } else {
            let heaps = chunkHeaps.compactMap { $0 }
            defer { for h in heaps { h.deallocate() } }
            var list: [(Float, UInt32)] = []
            for u in 0..<m {
                list.removeAll(keepingCapacity: true)
                for h in heaps { h.append(row: u, to: &list) }
                // Most similar first, ties by row.
                list.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
                for (s, b) in list.prefix(k) {
                    sources.append(rowOf[u])
                    targets.append(b)
                    weights.append(s)
                }
            }
        }
        return (sources, targets, weights, accumulations, skipped)
    }
}

extension EngagementMatrix {
    /// `accumulator[rows[q]] += x · values[q]` for `q` in `start ..< end`, the rows of one column
    /// (distinct, so the four updates of a step never meet; each sum still grows in item order).
    @inline(never)
    static func accumulate(
        _ x: Double, rows: UnsafePointer<UInt32>, values: UnsafePointer<Float>, _ start: Int, _ end: Int,
        into accumulator: UnsafeMutablePointer<Double>
    ) {
        var q = start
        while q + 4 <= end {
            let b0 = Int(rows[q])
            let b1 = Int(rows[q + 1])
            let b2 = Int(rows[q + 2])
            let b3 = Int(rows[q + 3])
            let y0 = x * Double(values[q])
            let y1 = x * Double(values[q + 1])
            let y2 = x * Double(values[q + 2])
            let y3 = x * Double(values[q + 3])
            accumulator[b0] += y0
            accumulator[b1] += y1
            accumulator[b2] += y2
            accumulator[b3] += y3
            q += 4
        }
        while q < end {
            accumulator[Int(rows[q])] += x * Double(values[q])
            q += 1
        }
    }
}

/// For each of `rows` rows, the k best (similarity, row) offers: a binary heap per row whose root is
/// the worst kept (smaller similarity, then larger row). Manually deallocated.
struct NeighbourHeaps: @unchecked Sendable {
    let k: Int
    let score: UnsafeMutablePointer<Float>
    let row: UnsafeMutablePointer<UInt32>
    let count: UnsafeMutablePointer<Int32>

    init(rows: Int, k: Int) {
        self.k = k
        let capacity = max(1, rows * k)
        score = .allocate(capacity: capacity)
        score.initialize(repeating: 0, count: capacity)
        row = .allocate(capacity: capacity)
        row.initialize(repeating: 0, count: capacity)
        count = .allocate(capacity: max(1, rows))
        count.initialize(repeating: 0, count: max(1, rows))
    }

    func deallocate() {
        score.deallocate()
        row.deallocate()
        count.deallocate()
    }

    /// Whether (s1, r1) ranks below (s2, r2).
    @inline(__always)
    static func worse(_ s1: Float, _ r1: UInt32, _ s2: Float, _ r2: UInt32) -> Bool {
        s1 < s2 || (s1 == s2 && r1 > r2)
    }

    /// Offers `(s, r)` to the list of `owner`.
    @inline(__always)
    func offer(_ owner: Int, _ s: Float, _ r: UInt32) {
        let base = owner * k
        let kept = Int(count[owner])
        if kept < k {
            var i = kept
            while i > 0 {
                let parent = (i - 1) / 2
                guard Self.worse(s, r, score[base + parent], row[base + parent]) else { break }
                score[base + i] = score[base + parent]
                row[base + i] = row[base + parent]
                i = parent
            }
            score[base + i] = s
            row[base + i] = r
            count[owner] = Int32(kept + 1)
            return
        }
        guard Self.worse(score[base], row[base], s, r) else { return }
        var i = 0
        while true {
            var child = 2 * i + 1
            guard child < k else { break }
            if child + 1 < k
                && Self.worse(score[base + child + 1], row[base + child + 1], score[base + child], row[base + child])
            {
                child += 1
            }
            guard Self.worse(score[base + child], row[base + child], s, r) else { break }
            score[base + i] = score[base + child]
            row[base + i] = row[base + child]
            i = child
        }
        score[base + i] = s
        row[base + i] = r
    }

    /// Appends the kept offers of `row` (in heap order).
    func append(row owner: Int, to list: inout [(Float, UInt32)]) {
        let base = owner * k
        for i in 0..<Int(count[owner]) { list.append((score[base + i], row[base + i])) }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
