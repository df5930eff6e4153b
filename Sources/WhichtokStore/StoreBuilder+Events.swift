import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension StoreBuilder {
    /// The events on canonical rows, sorted and deduplicated: `groups` and `orders` take each
    /// observation to its row, `inputGroup` each input observation to its input.
    mutating func mapEvents(
        groups: ObservationGroups, inputGroup: [Int], orders: CanonicalOrders, stringRow: [String: RowID]
    ) -> EventTable {
        var keys = eventKeys(groups: groups, inputGroup: inputGroup, orders: orders, stringRow: stringRow)
        let accounts = orders.account.rank.count

        // The keys hold everything the rest needs: the observations go before the sort doubles the keys.
        eventActor = []
        eventKind = []
        eventObjectType = []
        eventObject = []
        eventTime = []
        eventSource = []
        eventDetail = []
        Self.sortInParallel(&keys, accounts: accounts)

        var table = EventTable()
        table.actor.reserveCapacity(keys.count)
        table.kind.reserveCapacity(keys.count)
        table.objectType.reserveCapacity(keys.count)
        table.object.reserveCapacity(keys.count)
        table.time.reserveCapacity(keys.count)
        table.source.reserveCapacity(keys.count)
        var index = 0
        while index < keys.count, keys[index] != Self.droppedKey {
            let key = keys[index]
            let kind = UInt8(truncatingIfNeeded: key.head >> 8)
            let repeats = Self.repeatableKinds[Int(kind) & 0xff]
            var time = UInt32(truncatingIfNeeded: key.tail >> 32)
            var source = UInt32(truncatingIfNeeded: key.tail)
            var next = index + 1
            // Equal neighbours are the same event; keep the earliest known time and first input.
            while next < keys.count, keys[next].head == key.head, keys[next].object == key.object,
                !repeats || keys[next].tail >> 32 == key.tail >> 32
            {
                let otherTime = UInt32(truncatingIfNeeded: keys[next].tail >> 32)
                let otherSource = UInt32(truncatingIfNeeded: keys[next].tail)
                if time == 0 || (otherTime != 0 && otherTime < time) {
                    time = otherTime
                    source = otherSource
                } else if otherTime == time {
                    source = min(source, otherSource)
                }
                next += 1
            }
            table.actor.append(UInt32(truncatingIfNeeded: key.head >> 32))
            table.kind.append(kind)
            table.objectType.append(UInt8(truncatingIfNeeded: key.head))
            table.object.append(UInt32(truncatingIfNeeded: key.object >> 32))
            let detail = UInt32(truncatingIfNeeded: key.object)
            if detail != 0 {
                table.detailIndex.append(UInt32(table.actor.count - 1))
                table.detailValue.append(detail)
            }
            table.time.append(time)
            table.source.append(source)
            index = next
        }
        return table
    }

    /// Each event observation as a key on canonical rows, made in two halves on two cores.
    func eventKeys(
        groups: ObservationGroups, inputGroup: [Int], orders: CanonicalOrders, stringRow: [String: RowID]
    ) -> [EventSortKey] {
        let accountRank = orders.account.rank
        let accountGroup = groups.account.group
        let videoRank = orders.video.rank
        let videoGroup = groups.video.group
        let hashtagRank = orders.hashtag.rank
        let hashtagGroup = groups.hashtag.group
        let soundRank = orders.sound.rank
        let soundGroup = groups.sound.group
        let commentRank = orders.comment.rank
        let commentGroup = groups.comment.group
        let conversationRank = orders.conversation.rank
        let conversationGroup = groups.conversation.group
        let effectRank = orders.effect.rank
        let effectGroup = groups.effect.group
        let inputRank = orders.input.rank
        let n = eventActor.count
        // Keys are made in two halves on two cores; an event that maps to no row (never the case
        // for a consistent builder) gets the largest key, sorts last and is dropped below.
        return [EventSortKey](unsafeUninitializedCapacity: n) { buffer, count in
            let target = SharedEventKeys(base: buffer.baseAddress)
            let half = n / 2
            DispatchQueue.concurrentPerform(iterations: n > 100_000 ? 2 : 1) { part in
                guard let base = target.base else { return }
                let range = n > 100_000 ? (part == 0 ? 0..<half : half..<n) : 0..<n
                for i in range {
                    (base + i).initialize(
                        to: eventKey(
                            i, accountRank: accountRank, accountGroup: accountGroup, videoRank: videoRank,
                            videoGroup: videoGroup, hashtagRank: hashtagRank, hashtagGroup: hashtagGroup,
                            soundRank: soundRank, soundGroup: soundGroup, commentRank: commentRank,
                            commentGroup: commentGroup, conversationRank: conversationRank,
                            conversationGroup: conversationGroup, effectRank: effectRank, effectGroup: effectGroup,
                            stringRow: stringRow, inputRank: inputRank, inputGroup: inputGroup))
                }
            }
            count = n
        }
    }

    /// The largest key: an event without a row (sorts last; `mapEvents` drops it).
    static let droppedKey = EventSortKey(head: .max, object: .max, tail: .max)

    /// Observation `i` as a key on canonical rows (see `mapEvents`).
    @inline(__always)
    func eventKey(
        _ i: Int,
        accountRank: [RowID], accountGroup: [Int], videoRank: [RowID], videoGroup: [Int],
        hashtagRank: [RowID], hashtagGroup: [Int], soundRank: [RowID], soundGroup: [Int],
        commentRank: [RowID], commentGroup: [Int], conversationRank: [RowID], conversationGroup: [Int],
        effectRank: [RowID], effectGroup: [Int], stringRow: [String: RowID], inputRank: [RowID], inputGroup: [Int]
    ) -> EventSortKey {
        func through(_ rank: [RowID], _ group: [Int], _ observation: UInt32) -> RowID {
            Int(observation) < group.count ? rank[group[Int(observation)]] : .none
        }
        func stringRowOfObservation(_ observation: UInt32) -> RowID {
            Int(observation) < stringObservations.count
                ? (stringRow[stringObservations[Int(observation)]] ?? .none) : .none
        }
        let actor = through(accountRank, accountGroup, eventActor[i])
        let object: RowID
        switch ObjectType(rawValue: eventObjectType[i]) {
        case .account: object = through(accountRank, accountGroup, eventObject[i])
        case .video: object = through(videoRank, videoGroup, eventObject[i])
        case .hashtag: object = through(hashtagRank, hashtagGroup, eventObject[i])
        case .sound: object = through(soundRank, soundGroup, eventObject[i])
        case .comment: object = through(commentRank, commentGroup, eventObject[i])
        case .conversation: object = through(conversationRank, conversationGroup, eventObject[i])
        case .effect: object = through(effectRank, effectGroup, eventObject[i])
        case .searchTerm, .collection: object = stringRowOfObservation(eventObject[i])
        case nil: object = .none
        }
        guard actor != .none, object != .none else { return Self.droppedKey }
        var detail = eventDetail[i]
        if eventKind[i] == EventKind.shared.rawValue, detail != 0 {
            let row = stringRowOfObservation(detail - 1)
            detail = row == .none ? 0 : row + 1
        } else if eventKind[i] == EventKind.messaged.rawValue, detail & EventDetail.fingerprintBit == 0 {
            detail = through(videoRank, videoGroup, detail)
        } else if eventKind[i] == EventKind.duetted.rawValue || eventKind[i] == EventKind.stitched.rawValue {
            detail = detail == .none ? .none : through(videoRank, videoGroup, detail)
        }
        let source = Int(eventSource[i]) < inputGroup.count ? inputRank[inputGroup[Int(eventSource[i])]] : .none
        return EventSortKey(
            head: UInt64(actor) << 32 | UInt64(eventKind[i]) << 8 | UInt64(eventObjectType[i]),
            object: UInt64(object) << 32 | UInt64(detail),
            tail: UInt64(eventTime[i]) << 32 | UInt64(source))
    }

    /// Sorts event keys on all cores. Actor is the first sort field: a counting sort by actor puts
    /// each actor's keys in a range of their own, and the ranges (a few thousand keys each, which
    /// fit in a core's cache) are then sorted by workers that take the next unsorted actor as they
    /// finish. The result is the same as one sort. Small ranges sorted in cache, handed out as
    /// workers free up, beat two halves sorted whole (Benchmarks/RESULTS.md, "Store merge").
    static func sortInParallel(_ keys: inout [EventSortKey], accounts: Int) {
        let n = keys.count
        guard n > 50_000, accounts > 1 else {
            keys.sort()
            return
        }
        // Actors at or beyond `accounts` (never produced, but kept safe) share the last bucket.
        var start = [Int](repeating: 0, count: accounts + 2)
        for key in keys { start[min(Int(key.head >> 32), accounts) + 1] += 1 }
        for a in 0...accounts { start[a + 1] += start[a] }
        // In place (American flag sort): each key is swapped straight into its actor's range, so
        // the keys, the largest array of a build, are never held twice.
        var next = start
        keys.withUnsafeMutableBufferPointer { buffer in
            for a in 0...accounts {
                while next[a] < start[a + 1] {
                    var key = buffer[next[a]]
                    var b = min(Int(key.head >> 32), accounts)
                    while b != a {
                        swap(&key, &buffer[next[b]])
                        next[b] += 1
                        b = min(Int(key.head >> 32), accounts)
                    }
                    buffer[next[a]] = key
                    next[a] += 1
                }
            }
        }
        let bounds = start
        let nextActor = Atomic<Int>(0)
        keys.withUnsafeMutableBufferPointer { buffer in
            let base = SharedEventKeys(base: buffer.baseAddress)
            let workers = min(max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))), 8)
            DispatchQueue.concurrentPerform(iterations: max(1, workers)) { _ in
                while true {
                    let a = nextActor.add(1, ordering: .relaxed).oldValue
                    guard a <= accounts else { break }
                    let count = bounds[a + 1] - bounds[a]
                    guard count > 1, let start = base.base else { continue }
                    var range = UnsafeMutableBufferPointer(start: start + bounds[a], count: count)
                    range.sort()
                }
            }
        }
    }

    /// Kinds whose repeats at different times are different events.
    static let repeatableKinds: [Bool] = (0..<256).map { raw in
        guard let kind = EventKind(rawValue: UInt8(raw)) else { return false }
        switch kind {
        case .watched, .shared, .messaged, .searched: return true
        default: return false
        }
    }
}

/// The keys being sorted, shared by the sorting workers; each sorts only ranges it claimed.
struct SharedEventKeys: @unchecked Sendable {
    let base: UnsafeMutablePointer<EventSortKey>?
}

struct EventSortKey: Comparable {
    var head: UInt64
    var object: UInt64
    var tail: UInt64
    static func < (a: EventSortKey, b: EventSortKey) -> Bool {
        if a.head != b.head { return a.head < b.head }
        if a.object != b.object { return a.object < b.object }
        return a.tail < b.tail
    }
}
