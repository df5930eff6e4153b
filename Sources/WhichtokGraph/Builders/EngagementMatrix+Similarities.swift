import WhichtokStore

extension EngagementMatrix {
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
        var cursors = Parallel.mapChunks(count: parts, chunks: parts, minimumParallelCount: 2) { part, _ in
            var counts = [Int](repeating: 0, count: itemCount)
            counts.withUnsafeMutableBufferPointer { counts in
                for p in offsets[bounds[part]]..<offsets[bounds[part + 1]] where eligible[Int(items[p])] {
                    counts[Int(items[p])] += 1
                }
            }
            return counts
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
        // The columns and places are written by the two threads as they are filled (every column
        // slot once, every place once), not zeroed first by this one: fresh memory costs its page
        // faults wherever it is first written.
        let total = columnOffsets[itemCount]
        var columnRows: [UInt32] = []
        var columnValues: [Float] = []
        // Work of each compact row: the partners after it in its columns (then prefix sums).
        var work = [Int](repeating: 0, count: m + 1)
        let place = [Int](unsafeUninitializedCapacity: items.count) { place, placeCount in
            columnRows = [UInt32](unsafeUninitializedCapacity: total) { columnRows, rowsCount in
                columnValues = [Float](unsafeUninitializedCapacity: total) { columnValues, valuesCount in
                    cursors.withUnsafeMutableBufferPointer { cursors in
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
                                    for a in bounds[part]..<bounds[part + 1] {
                                        guard compact[a] >= 0 else {
                                            for p in offsets[a]..<offsets[a + 1] { placeShared[p] = -1 }
                                            continue
                                        }
                                        let u = Int(compact[a])
                                        var w = 1
                                        for p in offsets[a]..<offsets[a + 1] {
                                            let i = Int(items[p])
                                            guard eligible[i] else {
                                                placeShared[p] = -1
                                                continue
                                            }
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
                    valuesCount = total
                }
                rowsCount = total
            }
            placeCount = items.count
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
                                            // (`pairs` is passed, not captured: a captured variable
                                            // is checked for exclusive access on every call.)
                                            @inline(__always) func consider(
                                                _ b: Int, _ pairs: inout [(UInt32, UInt32, Float)]
                                            ) {
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
                                                    consider(b, &pairs)
                                                }
                                            } else {
                                                for t in 0..<touchedCount { consider(Int(touched[t]), &pairs) }
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
