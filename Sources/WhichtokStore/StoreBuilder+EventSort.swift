internal import CMalloc

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension StoreBuilder {
    /// Sorts and deduplicates the events of one actor's `range` of `columns` (through `keys`, a
    /// worker's buffer, kept between ranges); the kept events are written from the range's start.
    /// Returns how many.
    ///
    /// Events are deduplicated on (actor, kind, object type, object, detail), and on time for
    /// kinds that repeat; of equal events the earliest known time is kept, with the first input
    /// among those that have it (when none has a time, the last input).
    ///
    /// A large range in no particular order (an input's own events) is sorted as 128-bit keys
    /// (`PackedEventKey`, `EventKeyLayout`): the bits in which the range's events differ, field by
    /// field in sort order, so that keys compare like the events and equal keys are identical
    /// events, by a least-significant-digit radix sort, one pass per byte of the key. Swift's
    /// sort of whole events (a merge sort comparing three words per step) was the largest part of
    /// building an input's record, and is twice as slow there. It stays for small ranges, for
    /// ranges already in a few sorted runs (a store's events on the rows of a larger store: it
    /// finds the runs and merges them, faster than any radix sort), and for ranges whose events
    /// differ in more than 128 bits.
    static func sortAndDeduplicate(_ columns: EventColumns, range: Range<Int>, keys: inout [EventSortKey]) -> Int {
        let n = range.count
        guard n > 1 else { return n }
        @inline(__always) func key(_ i: Int) -> EventSortKey {
            EventSortKey(
                head: UInt64(columns.kind[i]) << 8 | UInt64(columns.objectType[i]),
                object: UInt64(columns.object[i]) << 32 | UInt64(columns.detail[i]),
                tail: UInt64(columns.time[i]) << 32 | UInt64(columns.source[i]))
        }
        // The events out of order, counted before any key is kept (a range that is radix sorted
        // needs none of these), and the bits in which they differ from the first.
        var descents = 0
        let first = key(range.lowerBound)
        var previous = first
        var differing = EventSortKey(head: 0, object: 0, tail: 0)
        for i in range.dropFirst() {
            let next = key(i)
            if next < previous { descents += 1 }
            differing.head |= next.head ^ first.head
            differing.object |= next.object ^ first.object
            differing.tail |= next.tail ^ first.tail
            previous = next
        }
        if n > 192, descents > n / 16,
            let layout = EventKeyLayout(columns, first: range.lowerBound, differing: differing)
        {
            // The worker's whole keys go first: the two held at once took more memory than the
            // sort they replaced.
            keys = []
            return radixSortAndDeduplicate(columns, range: range, layout: layout)
        }
        // Small ranges, ranges already in a few sorted runs, and ranges too wide for a key.
        keys.removeAll(keepingCapacity: true)
        for i in range { keys.append(key(i)) }
        if descents > 0 { keys.sort() }
        return deduplicate(keys, into: columns, range: range)
    }

    /// `sortAndDeduplicate` of a large range in no particular order, as `PackedEventKey`s.
    static func radixSortAndDeduplicate(_ columns: EventColumns, range: Range<Int>, layout: EventKeyLayout) -> Int {
        let n = range.count
        // The keys and the radix sort's second buffer, for this sort only. Buffers of a MiB or more are
        // mapped from the system and unmapped after: freed into malloc's per-thread arenas, the
        // large buffers of several workers stayed in the process's peak memory (smaller ones are
        // not worth a mapping, which costs every thread's TLB when unmapped).
        let bytes = 2 * n * MemoryLayout<PackedEventKey>.stride
        let mapped =
            bytes >= 4 << 20 ? mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) : nil
        let buffer: UnsafeMutablePointer<PackedEventKey>
        if let mapped, mapped != MAP_FAILED {
            // Filled once, then sorted in a few passes: huge pages, a page fault per 2 MiB.
            whichtok_advise_huge_pages(mapped, bytes)
            buffer = mapped.bindMemory(to: PackedEventKey.self, capacity: 2 * n)
        } else {
            buffer = UnsafeMutablePointer<PackedEventKey>.allocate(capacity: 2 * n)
        }
        defer {
            if let mapped, mapped != MAP_FAILED { munmap(mapped, bytes) } else { buffer.deallocate() }
        }
        for (k, i) in range.enumerated() { (buffer + k).initialize(to: layout.key(columns, i)) }
        let sorted = radixSort(
            buffer, scratch: buffer + n, count: n, lowBytes: layout.lowBytes, highBytes: layout.highBytes)
        return layout.deduplicate(sorted, count: n, into: columns, at: range.lowerBound)
    }

    /// Sorts `count` keys from `base` that differ only in the first `lowBytes` bytes of their low
    /// word and `highBytes` of their high word: one stable counting pass per byte, least
    /// significant first (a byte in which every key is the same is skipped), between `base` and
    /// `scratch`. Returns where the sorted keys are.
    static func radixSort(
        _ base: UnsafeMutablePointer<PackedEventKey>, scratch: UnsafeMutablePointer<PackedEventKey>, count: Int,
        lowBytes: Int, highBytes: Int
    ) -> UnsafeMutablePointer<PackedEventKey> {
        let passes = lowBytes + highBytes
        guard passes > 0 else { return base }
        // One table of 256 counts per byte (the low word's first), filled in one pass over the keys.
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: 256 * passes)
        defer { counts.deallocate() }
        counts.initialize(repeating: 0, count: 256 * passes)
        let highCounts = counts + 256 * lowBytes
        for i in 0..<count {
            var low = base[i].low
            for pass in 0..<lowBytes {
                counts[256 * pass + Int(truncatingIfNeeded: low & 255)] += 1
                low &>>= 8
            }
            var high = base[i].high
            for pass in 0..<highBytes {
                highCounts[256 * pass + Int(truncatingIfNeeded: high & 255)] += 1
                high &>>= 8
            }
        }
        var from = base
        var to = scratch
        for pass in 0..<passes {
            let table = counts + 256 * pass
            let inHigh = pass >= lowBytes
            let shift = UInt64(8 * (inHigh ? pass - lowBytes : pass))
            // A byte every key shares sorts nothing.
            let firstByte = Int(truncatingIfNeeded: ((inHigh ? from[0].high : from[0].low) &>> shift) & 255)
            if table[firstByte] == count { continue }
            var total = 0
            for b in 0..<256 {
                let size = table[b]
                table[b] = total
                total += size
            }
            if inHigh {
                for i in 0..<count {
                    let key = from[i]
                    let b = Int(truncatingIfNeeded: (key.high &>> shift) & 255)
                    to[table[b]] = key
                    table[b] += 1
                }
            } else {
                for i in 0..<count {
                    let key = from[i]
                    let b = Int(truncatingIfNeeded: (key.low &>> shift) & 255)
                    to[table[b]] = key
                    table[b] += 1
                }
            }
            swap(&from, &to)
        }
        return from
    }

    /// Writes the events of sorted whole `keys`, one per group of equal events, to `columns` from
    /// the start of `range`; returns how many.
    static func deduplicate(_ keys: [EventSortKey], into columns: EventColumns, range: Range<Int>) -> Int {
        let actor = columns.actor(range.lowerBound)
        var out = range.lowerBound
        var index = 0
        while index < keys.count {
            let key = keys[index]
            let kind = UInt8(truncatingIfNeeded: key.head >> 8)
            let repeats = repeatableKinds[Int(kind)]
            var time = UInt32(truncatingIfNeeded: key.tail >> 32)
            var source = UInt32(truncatingIfNeeded: key.tail)
            var next = index + 1
            // Equal neighbours are the same event; keep the earliest known time and first input.
            while next < keys.count, keys[next].head == key.head, keys[next].object == key.object,
                !repeats || keys[next].tail >> 32 == key.tail >> 32
            {
                keepCopy(
                    &time, &source, orCopyAt: UInt32(truncatingIfNeeded: keys[next].tail >> 32),
                    UInt32(truncatingIfNeeded: keys[next].tail))
                next += 1
            }
            columns[out] = EventColumns.Event(
                actor: actor, kind: kind, objectType: UInt8(truncatingIfNeeded: key.head),
                object: UInt32(truncatingIfNeeded: key.object >> 32), time: time, source: source,
                detail: UInt32(truncatingIfNeeded: key.object))
            out += 1
            index = next
        }
        return out - range.lowerBound
    }
}

/// One event of an actor's range as a radix sort key: the bits in which the range's events differ
/// (see `EventKeyLayout`) in two words, the high one compared first.
struct PackedEventKey: Comparable {
    var high: UInt64
    var low: UInt64

    static func < (a: Self, b: Self) -> Bool { a.high != b.high ? a.high < b.high : a.low < b.low }
}

/// One event as a sort key within an actor's range: every field but the actor, so that equal keys
/// are identical events (kind and object type, object and detail, time and source).
struct EventSortKey: Comparable {
    var head: UInt64
    var object: UInt64
    var tail: UInt64

    static func < (a: Self, b: Self) -> Bool {
        if a.head != b.head { return a.head < b.head }
        if a.object != b.object { return a.object < b.object }
        return a.tail < b.tail
    }
}

/// Where each field of an event goes in the `PackedEventKey`s of one actor's range.
///
/// Fields in sort order (kind, object type, object, detail, time, source), most significant
/// first; of each, only the span of bits in which the range's events differ (the rest is the same
/// in every event, and is kept here to give the fields back). The least significant fields fill
/// the low word, the others the high word; no field is split between the two. Keys therefore
/// compare like the events, field by field, and two events are equal exactly when their keys are.
struct EventKeyLayout {
    /// Per field: the lowest bit that differs, the span's mask (after shifting it down), its word
    /// and position in the key, and the bits every event shares.
    struct Field {
        var shift: UInt64 = 0
        var mask: UInt64 = 0
        var high = false
        var position: UInt64 = 0
        var common: UInt32 = 0

        /// Places a field after those in `used` bits of the low word and `usedHigh` of the high
        /// one; nil when it does not fit.
        init?(first: UInt32, differing: UInt32, low used: inout Int, high usedHigh: inout Int) {
            guard differing != 0 else {
                common = first
                return
            }
            let lowest = differing.trailingZeroBitCount
            let width = 32 - differing.leadingZeroBitCount - lowest
            shift = UInt64(lowest)
            mask = (1 << UInt64(width)) - 1
            common = first & ~UInt32(truncatingIfNeeded: mask << shift)
            if usedHigh == 0, used + width <= 64 {
                position = UInt64(used)
                used += width
            } else if usedHigh + width <= 64 {
                high = true
                position = UInt64(usedHigh)
                usedHigh += width
            } else {
                return nil
            }
        }

        /// The field's bits in its word of the key.
        @inline(__always)
        func put(_ value: UInt32) -> UInt64 { ((UInt64(value) &>> shift) & mask) &<< position }

        @inline(__always)
        func get(_ key: PackedEventKey) -> UInt32 {
            UInt32(truncatingIfNeeded: (((high ? key.high : key.low) &>> position) & mask) &<< shift) | common
        }
    }

    var kind, objectType, object, detail, time, source: Field
    /// Bytes of each word of a key in which keys may differ.
    var lowBytes, highBytes: Int
    /// The bits of the source, and of the time and source, at the bottom of the low word.
    var belowTime, belowDetail: UInt64

    /// The layout of a range's events, from its first event (`first`, an index of `columns`)
    /// and the bits in which the others differ from it (`differing`, the or of each event's
    /// `EventSortKey` xor the first's); nil when they differ in more bits than a key holds.
    init?(_ columns: EventColumns, first: Int, differing: EventSortKey) {
        let kinds = UInt8(truncatingIfNeeded: differing.head >> 8)
        let types = UInt8(truncatingIfNeeded: differing.head)
        let objects = UInt32(truncatingIfNeeded: differing.object >> 32)
        let details = UInt32(truncatingIfNeeded: differing.object)
        let times = UInt32(truncatingIfNeeded: differing.tail >> 32)
        let sources = UInt32(truncatingIfNeeded: differing.tail)
        // From the least significant field up. Source and time always fit in the low word.
        var low = 0
        var high = 0
        guard let source = Field(first: columns.source[first], differing: sources, low: &low, high: &high),
            let time = Field(first: columns.time[first], differing: times, low: &low, high: &high)
        else { return nil }
        belowTime = UInt64(source.mask == 0 ? 0 : 64 - source.mask.leadingZeroBitCount)
        belowDetail = UInt64(low)
        guard let detail = Field(first: columns.detail[first], differing: details, low: &low, high: &high),
            let object = Field(first: columns.object[first], differing: objects, low: &low, high: &high),
            let objectType = Field(
                first: UInt32(columns.objectType[first]), differing: UInt32(types), low: &low, high: &high),
            let kind = Field(first: UInt32(columns.kind[first]), differing: UInt32(kinds), low: &low, high: &high)
        else { return nil }
        (self.source, self.time, self.detail, self.object, self.objectType, self.kind) =
            (source, time, detail, object, objectType, kind)
        lowBytes = (low + 7) / 8
        highBytes = (high + 7) / 8
    }

    /// The key of event `i`.
    @inline(__always)
    func key(_ columns: EventColumns, _ i: Int) -> PackedEventKey {
        var key = PackedEventKey(high: 0, low: 0)
        @inline(__always)
        func put(_ field: Field, _ value: UInt32) {
            if field.high { key.high |= field.put(value) } else { key.low |= field.put(value) }
        }
        put(kind, UInt32(columns.kind[i]))
        put(objectType, UInt32(columns.objectType[i]))
        put(object, columns.object[i])
        put(detail, columns.detail[i])
        put(time, columns.time[i])
        put(source, columns.source[i])
        return key
    }

    /// Writes the events of `count` sorted keys, one per group of equal events, to `columns` from
    /// `start`; returns how many. Of equal events the earliest known time is kept, with the first
    /// input among those that have it (the keys of a group come in (time, input) order).
    func deduplicate(
        _ keys: UnsafeMutablePointer<PackedEventKey>, count: Int, into columns: EventColumns, at start: Int
    ) -> Int {
        let actor = columns.actor(start)
        let repeatable = StoreBuilder.repeatableKinds
        var out = start
        var index = 0
        while index < count {
            let key = keys[index]
            let kind = UInt8(truncatingIfNeeded: self.kind.get(key))
            // Low words shifted down by this compare only the fields that make two events the same.
            let shift = repeatable[Int(kind)] ? belowTime : belowDetail
            var time = self.time.get(key)
            var source = self.source.get(key)
            var next = index + 1
            // Equal neighbours are the same event; keep the earliest known time and first input.
            while next < count, keys[next].high == key.high, keys[next].low >> shift == key.low >> shift {
                keepCopy(&time, &source, orCopyAt: self.time.get(keys[next]), self.source.get(keys[next]))
                next += 1
            }
            columns[out] = EventColumns.Event(
                actor: actor, kind: kind, objectType: UInt8(truncatingIfNeeded: objectType.get(key)),
                object: object.get(key), time: time, source: source, detail: detail.get(key))
            out += 1
            index = next
        }
        return out - start
    }
}

/// Of two copies of one event met in (time, input) order, the (time, input) kept in `time` and
/// `source`: the earliest known time, with the first input that has it; when neither copy has a
/// time, the later copy's input.
@inline(__always)
private func keepCopy(_ time: inout UInt32, _ source: inout UInt32, orCopyAt otherTime: UInt32, _ otherSource: UInt32) {
    if time == 0 || (otherTime != 0 && otherTime < time) {
        time = otherTime
        source = otherSource
    } else if otherTime == time {
        source = min(source, otherSource)
    }
}
