internal import CMalloc
import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension StoreBuilder {
    /// Where every event observation goes: its table's canonical rows (`groups` and `orders` take
    /// each observation to its row, `inputGroup` each input observation to its input,
    /// `stringRows` each string observation to its row).
    static func eventRows(
        groups: ObservationGroups, inputGroup: [Int], orders: CanonicalOrders, stringRows: [RowID]
    ) -> EventRows {
        EventRows(
            account: Rows(rank: orders.account.rank, group: groups.account.group),
            video: Rows(rank: orders.video.rank, group: groups.video.group),
            hashtag: Rows(rank: orders.hashtag.rank, group: groups.hashtag.group),
            sound: Rows(rank: orders.sound.rank, group: groups.sound.group),
            comment: Rows(rank: orders.comment.rank, group: groups.comment.group),
            conversation: Rows(rank: orders.conversation.rank, group: groups.conversation.group),
            effect: Rows(rank: orders.effect.rank, group: groups.effect.group),
            input: Rows(rank: orders.input.rank, group: inputGroup),
            stringRows: stringRows)
    }

    /// Puts every event observation on canonical rows (see `EventRows`) and groups them by actor:
    /// returns `bounds`, where actor `a`'s events are `bounds[a]..<bounds[a + 1]`, in the order
    /// they were observed; an event that maps to no row (never the case for a consistent
    /// builder) is dropped, after the last actor's range. Spilled events (see `spillEvents()`)
    /// are read back from the spill here, one chunk at a time, straight to their places.
    ///
    /// Two passes over the observations, each on two cores for many of them: the first counts
    /// each actor's events in each half, the second writes each event to the next place of its
    /// actor in its half. The columns are new (an in-memory observation is read from the old
    /// ones, which go afterwards); the order within an actor's range does not change the store,
    /// as `sortedEvents` sorts every range on all of its fields.
    /// `parts`: at most this many parts (two when nil).
    mutating func groupEventsByActor(_ rows: EventRows, accounts: Int, parts maxParts: Int? = nil) -> [Int] {
        let maxParts = max(1, min(maxParts ?? 2, 2))
        if let spill = eventSpill {
            spillEvents()
            eventSpill = nil
            spilledEventStrings = []
            events = EventObservations()
            // The other observations, freed by now, go back: the events come back into new pages.
            whichtok_release_free_memory()
            guard let chunks = spill.chunks() else { return [Int](repeating: 0, count: accounts + 2) }
            let n = chunks.reduce(0) { $0 + $1.count }
            // Chunks in two runs of about half the events each.
            var split = 0
            var before = 0
            while split < chunks.count, 2 * (before + chunks[split].count) <= n {
                before += chunks[split].count
                split += 1
            }
            let parts = n > Self.groupInParallel && chunks.count > 1 ? maxParts : 1
            let runs = parts == 1 ? [0..<chunks.count] : [0..<max(split, 1), max(split, 1)..<chunks.count]
            let largest = chunks.map(\.count).max() ?? 0
            guard n > 0 else { return [Int](repeating: 0, count: accounts + 2) }
            var target = EventObservations(groupedByActor: n)
            var bounds: [Int] = []
            target.withColumns { columns in
                bounds = Self.group(count: n, parts: parts, accounts: accounts, rows: rows, into: columns) {
                    part, full, body in
                    var scratch = EventObservations(uninitialized: largest)
                    scratch.withColumns { buffer in
                        for chunk in chunks[runs[part]] {
                            guard spill.read(chunk, into: buffer, full: full) else { return }
                            body(buffer, chunk.count)
                        }
                    }
                }
            }
            guard spill.failure == nil else {
                // No half-read columns: the build goes on without events, and its caller throws.
                return [Int](repeating: 0, count: accounts + 2)
            }
            events = target
            return bounds
        }
        let n = events.count
        guard n > 0 else { return [Int](repeating: 0, count: accounts + 2) }
        let parts = n > Self.groupInParallel ? maxParts : 1
        var target = EventObservations(groupedByActor: n)
        var bounds: [Int] = []
        events.withColumns { source in
            target.withColumns { columns in
                bounds = Self.group(count: n, parts: parts, accounts: accounts, rows: rows, into: columns) {
                    part, _, body in
                    let start = part == 0 ? 0 : n / 2
                    let end = parts == 1 || part == 1 ? n : n / 2
                    body(source.advanced(by: start), end - start)
                }
            }
        }
        events = target
        return bounds
    }

    /// Observations past which `groupEventsByActor` works on two cores.
    static let groupInParallel = 50_000

    /// The two passes of `groupEventsByActor` over `count` observations in `parts` parts, which
    /// `pieces(part, full, body)` hands to `body` a piece at a time, in order (`full`: every
    /// column, else only those that decide the actor: actor, object type and object). Writes the
    /// events to `columns`; returns the actors' bounds.
    static func group(
        count n: Int, parts: Int, accounts: Int, rows: EventRows, into columns: EventColumns,
        pieces: @Sendable (_ part: Int, _ full: Bool, _ body: (EventColumns, Int) -> Void) -> Void
    ) -> [Int] {
        let stride = accounts + 1
        let next = UnsafeMutablePointer<Int>.allocate(capacity: parts * stride)
        defer { next.deallocate() }
        next.initialize(repeating: 0, count: parts * stride)
        let shared = SharedCounts(base: next)
        // Each part's events per actor (the dropped ones under `accounts`).
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            guard let base = shared.base else { return }
            let counts = base + part * stride
            pieces(part, false) { piece, count in
                for i in 0..<count { counts[rows.bucket(i, of: piece, accounts: accounts)] += 1 }
            }
        }
        // Actor `a`'s range, and each part's place in it, in part order.
        var bounds = [Int](repeating: 0, count: accounts + 2)
        var total = 0
        for a in 0...accounts {
            bounds[a] = total
            for part in 0..<parts {
                let counted = next[part * stride + a]
                next[part * stride + a] = total
                total += counted
            }
        }
        bounds[accounts + 1] = total
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            guard let base = shared.base else { return }
            let next = base + part * stride
            pieces(part, true) { piece, count in
                for i in 0..<count { rows.place(i, of: piece, accounts: accounts, next: next, into: columns) }
            }
        }
        return bounds
    }

    /// The canonical rows of one table's observations: `rank[group[observation]]`.
    struct Rows: Sendable {
        let rank: [RowID]
        let group: [Int]

        @inline(__always)
        func row(_ observation: UInt32) -> RowID {
            Int(observation) < group.count ? rank[group[Int(observation)]] : .none
        }
    }

    /// What mapping an event observation onto canonical rows needs.
    struct EventRows: Sendable {
        let account, video, hashtag, sound, comment, conversation, effect, input: Rows
        /// The row of each string observation that events name (`.none` for the others).
        let stringRows: [RowID]

        @inline(__always)
        func stringRow(ofObservation observation: UInt32) -> RowID {
            Int(observation) < stringRows.count ? stringRows[Int(observation)] : .none
        }

        /// The row of the object of observation `i` of `columns`.
        @inline(__always)
        func object(_ i: Int, of columns: EventColumns) -> RowID {
            let observed = columns.object[i]
            switch ObjectType(rawValue: columns.objectType[i]) {
            case .account: return account.row(observed)
            case .video: return video.row(observed)
            case .hashtag: return hashtag.row(observed)
            case .sound: return sound.row(observed)
            case .comment: return comment.row(observed)
            case .conversation: return conversation.row(observed)
            case .effect: return effect.row(observed)
            case .searchTerm, .collection: return stringRow(ofObservation: observed)
            case nil: return .none
            }
        }

        /// The actor row of observation `i` of `columns`; `accounts` when it maps to no row (its
        /// actor or its object).
        @inline(__always)
        func bucket(_ i: Int, of columns: EventColumns, accounts: Int) -> Int {
            let actor = account.row(columns.actor(i))
            guard actor != .none, object(i, of: columns) != .none else { return accounts }
            return min(Int(actor), accounts)
        }

        /// Writes observation `i` of `from` on canonical rows to `columns`, at the next place of
        /// its actor in `next` (which moves on); one that maps to no row is left out.
        @inline(__always)
        func place(
            _ i: Int, of from: EventColumns, accounts: Int, next: UnsafeMutablePointer<Int>, into columns: EventColumns
        ) {
            let actor = account.row(from.actor(i))
            let object = object(i, of: from)
            guard actor != .none, object != .none, Int(actor) < accounts else { return }
            let kind = from.kind[i]
            var detail = from.detail[i]
            if kind == EventKind.shared.rawValue, detail != 0 {
                let row = stringRow(ofObservation: detail - 1)
                detail = row == .none ? 0 : row + 1
            } else if kind == EventKind.messaged.rawValue, detail & EventDetail.fingerprintBit == 0 {
                detail = video.row(detail)
            } else if kind == EventKind.duetted.rawValue || kind == EventKind.stitched.rawValue {
                detail = detail == .none ? .none : video.row(detail)
            }
            let j = next[Int(actor)]
            next[Int(actor)] = j + 1
            columns[j] = EventColumns.Event(
                actor: actor, kind: kind, objectType: from.objectType[i], object: object, time: from.time[i],
                source: input.row(from.source[i]), detail: detail)
        }
    }

    /// The events, sorted and deduplicated, from the observations `groupEventsByActor` put on
    /// canonical rows in actor ranges (`bounds`), which become the table's columns: the events are
    /// never held twice.
    ///
    /// Actor is the first sort field, and each actor's events are a range of their own. Workers then take the next actor as they
    /// finish: its events become sort keys in a buffer of the worker's own (one actor's events, a
    /// few thousand, which fit in a core's cache), which are sorted and deduplicated and written
    /// back at the start of the actor's range. Last, the ranges are moved together. The keys hold
    /// every field, so equal keys are identical events and the order is the one of one sort of all
    /// of them.
    mutating func sortedEvents(accounts: Int, bounds: [Int]) -> EventTable {
        let n = events.count
        var kept = [Int](repeating: 0, count: accounts + 1)
        events.withColumns { columns in
            kept.withUnsafeMutableBufferPointer { kept in
                let kept = SharedCounts(base: kept.baseAddress)
                let nextActor = Atomic<Int>(0)
                let workers = n > 50_000 ? min(max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))), 8) : 1
                let order = Self.largestFirst(bounds: bounds, accounts: accounts, events: n)
                DispatchQueue.concurrentPerform(iterations: workers) { _ in
                    var keys: [EventSortKey] = []
                    while true {
                        let next = nextActor.add(1, ordering: .relaxed).oldValue
                        guard next < accounts, let counts = kept.base else { break }
                        let a = order.isEmpty ? next : order[next]
                        counts[a] = Self.sortAndDeduplicate(
                            columns, range: bounds[a]..<bounds[a + 1], keys: &keys)
                    }
                }
            }
        }
        // The kept events of each actor moved together, in actor order, a column at a time (the
        // actor column is the actor's row throughout); their details gathered from where they are
        // first (the detail column is not moved: it is not a column of the table, and with the
        // events grouped by actor it becomes the actor column as the events are moved).
        var details = EventTable()
        var count = 0
        let grouped = events.actorsGrouped
        events.withColumns { columns in
            // Sized first: grown by doubling, the two columns were a visible part of the peak.
            var withDetail = 0
            for a in 0..<accounts {
                for i in bounds[a]..<bounds[a] + kept[a] where columns.detail[i] != 0 { withDetail += 1 }
            }
            details.detailIndex.reserveCapacity(withDetail)
            details.detailValue.reserveCapacity(withDetail)
            for a in 0..<accounts {
                let from = bounds[a]
                let k = kept[a]
                for i in 0..<k where columns.detail[from + i] != 0 {
                    details.detailIndex.append(UInt32(count + i))
                    details.detailValue.append(columns.detail[from + i])
                }
                if k > 0, from != count || grouped {
                    columns.moveTableColumns(from: from, to: count, count: k, actor: RowID(a))
                }
                count += k
            }
        }
        return events.takeTable(count: count, details: details)
    }

    /// The order in which the workers of `sortedEvents` take the actors: those with more than
    /// 1/64 of the events first, largest first, then the others in their order (empty when that
    /// is the order itself). An archive's donor is the actor of most of its events: with a few
    /// large archives, a worker that took the largest range last sorted it alone.
    static func largestFirst(bounds: [Int], accounts: Int, events: Int) -> [Int] {
        let large = (0..<accounts).filter { bounds[$0 + 1] - bounds[$0] > events / 64 }
        guard !large.isEmpty else { return [] }
        let first = large.sorted { a, b in
            let (sizeA, sizeB) = (bounds[a + 1] - bounds[a], bounds[b + 1] - bounds[b])
            return sizeA != sizeB ? sizeA > sizeB : a < b
        }
        var isLarge = [Bool](repeating: false, count: accounts)
        for a in large { isLarge[a] = true }
        return first + (0..<accounts).filter { !isLarge[$0] }
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

/// Per-actor counts written by the sorting workers; each writes only the actors it claimed.
struct SharedCounts: @unchecked Sendable {
    let base: UnsafeMutablePointer<Int>?
}
