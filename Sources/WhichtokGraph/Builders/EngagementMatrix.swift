import WhichtokStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
        Self.sharingChunks(&chunkItems, &chunkValues, &chunkRowLength) { itemsShared, valuesShared, lengthsShared in
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
        // Accounts with too few distinct items get an empty row. Document frequencies over the rows
        // kept, counted by two threads (whole numbers: the sum is the same in any order).
        let minItems = options.minItems
        var rowsWithEntries = 0
        for lengths in chunkRowLength {
            for length in lengths where length > 0 && length >= minItems { rowsWithEntries += 1 }
        }
        var partialDF = Parallel.mapChunks(count: chunkCount, chunks: 2, minimumParallelCount: 2) { _, chunks in
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
            return df
        }
        var df = partialDF[0]
        for part in partialDF.dropFirst() {
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
        Self.sharingChunks(&chunkItems, &chunkValues, &chunkRowLength) { itemsShared, valuesShared, lengthsShared in
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
        var newOffsets = [Int](repeating: 0, count: accountCount + 1)
        var row = 0
        for c in 0..<chunkCount {
            for length in chunkRowLength[c] {
                newOffsets[row + 1] = newOffsets[row] + length
                row += 1
            }
        }
        self.offsets = newOffsets
        // Joined by block copies (`flatMap` copies element by element), by two threads, into arrays
        // not zeroed first (each slot is written once).
        var chunkStart = [Int](repeating: 0, count: chunkCount + 1)
        for c in 0..<chunkCount { chunkStart[c + 1] = chunkStart[c] + chunkItems[c].count }
        let total = chunkStart[chunkCount]
        var values: [Float] = []
        let items = [UInt32](unsafeUninitializedCapacity: total) { items, itemsCount in
            values = [Float](unsafeUninitializedCapacity: total) { values, valuesCount in
                let itemsOut = UncheckedSendable(items)
                let valuesOut = UncheckedSendable(values)
                Parallel.forEachChunk(count: chunkCount, chunks: 2, minimumParallelCount: 4) { _, chunks in
                    for c in chunks where chunkStart[c + 1] > chunkStart[c] {
                        chunkItems[c].withUnsafeBufferPointer {
                            _ = UnsafeMutableBufferPointer(rebasing: itemsOut.value[chunkStart[c]..<chunkStart[c + 1]])
                                .initialize(fromContentsOf: $0)
                        }
                        chunkValues[c].withUnsafeBufferPointer {
                            _ = UnsafeMutableBufferPointer(rebasing: valuesOut.value[chunkStart[c]..<chunkStart[c + 1]])
                                .initialize(fromContentsOf: $0)
                        }
                    }
                }
                valuesCount = total
            }
            itemsCount = total
        }
        chunkItems = []
        chunkValues = []
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

    /// Calls `body` with the per-chunk rows (items, values, row lengths) shared with the chunks'
    /// threads: each chunk reads and writes only its own slot.
    private static func sharingChunks(
        _ items: inout [[UInt32]], _ values: inout [[Float]], _ lengths: inout [[Int]],
        _ body: (SharedBuffer<[UInt32]>, SharedBuffer<[Float]>, SharedBuffer<[Int]>) -> Void
    ) {
        items.withUnsafeMutableBufferPointer { items in
            values.withUnsafeMutableBufferPointer { values in
                lengths.withUnsafeMutableBufferPointer { lengths in
                    body(SharedBuffer(items), SharedBuffer(values), SharedBuffer(lengths))
                }
            }
        }
    }
}
