import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension StoreBuilder {
    /// Puts every event observation on canonical rows, in place: actor, object, detail and source
    /// become rows of the new store (`groups` and `orders` take each observation to its row,
    /// `inputGroup` each input observation to its input). An event that maps to no row (never the
    /// case for a consistent builder) gets the actor `.none` and is dropped by `sortedEvents`.
    mutating func mapEventObservations(
        groups: ObservationGroups, inputGroup: [Int], orders: CanonicalOrders, stringRow: [String: RowID]
    ) {
        let rows = EventRows(
            account: Rows(rank: orders.account.rank, group: groups.account.group),
            video: Rows(rank: orders.video.rank, group: groups.video.group),
            hashtag: Rows(rank: orders.hashtag.rank, group: groups.hashtag.group),
            sound: Rows(rank: orders.sound.rank, group: groups.sound.group),
            comment: Rows(rank: orders.comment.rank, group: groups.comment.group),
            conversation: Rows(rank: orders.conversation.rank, group: groups.conversation.group),
            effect: Rows(rank: orders.effect.rank, group: groups.effect.group),
            input: Rows(rank: orders.input.rank, group: inputGroup),
            strings: stringObservations, stringRow: stringRow)
        let n = eventActor.count
        // Two halves on two cores: each observation is read and written by one thread only.
        withEventColumns { columns in
            let half = n / 2
            DispatchQueue.concurrentPerform(iterations: n > 100_000 ? 2 : 1) { part in
                let range = n > 100_000 ? (part == 0 ? 0..<half : half..<n) : 0..<n
                for i in range { rows.map(i, in: columns) }
            }
        }
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
        let strings: [String]
        let stringRow: [String: RowID]

        @inline(__always)
        func stringRow(ofObservation observation: UInt32) -> RowID {
            Int(observation) < strings.count ? (stringRow[strings[Int(observation)]] ?? .none) : .none
        }

        /// Rewrites observation `i` of `columns` on canonical rows.
        @inline(__always)
        func map(_ i: Int, in columns: EventColumns) {
            let kind = columns.kind[i]
            let observed = columns.object[i]
            let object: RowID
            switch ObjectType(rawValue: columns.objectType[i]) {
            case .account: object = account.row(observed)
            case .video: object = video.row(observed)
            case .hashtag: object = hashtag.row(observed)
            case .sound: object = sound.row(observed)
            case .comment: object = comment.row(observed)
            case .conversation: object = conversation.row(observed)
            case .effect: object = effect.row(observed)
            case .searchTerm, .collection: object = stringRow(ofObservation: observed)
            case nil: object = .none
            }
            let actor = account.row(columns.actor[i])
            guard actor != .none, object != .none else {
                columns.actor[i] = .none
                return
            }
            var detail = columns.detail[i]
            if kind == EventKind.shared.rawValue, detail != 0 {
                let row = stringRow(ofObservation: detail - 1)
                detail = row == .none ? 0 : row + 1
            } else if kind == EventKind.messaged.rawValue, detail & EventDetail.fingerprintBit == 0 {
                detail = video.row(detail)
            } else if kind == EventKind.duetted.rawValue || kind == EventKind.stitched.rawValue {
                detail = detail == .none ? .none : video.row(detail)
            }
            columns.actor[i] = actor
            columns.object[i] = object
            columns.detail[i] = detail
            columns.source[i] = input.row(columns.source[i])
        }
    }

    /// The events, sorted and deduplicated, from the observations `mapEventObservations` put on
    /// canonical rows, which become the table's columns: the events are never held twice.
    ///
    /// Actor is the first sort field: a counting sort by actor moves each actor's events into a
    /// range of its own, in place (American flag sort). Workers then take the next actor as they
    /// finish: its events become sort keys in a buffer of the worker's own (one actor's events, a
    /// few thousand, which fit in a core's cache), which are sorted and deduplicated and written
    /// back at the start of the actor's range. Last, the ranges are moved together. The keys hold
    /// every field, so equal keys are identical events and the order is the one of one sort of all
    /// of them.
    mutating func sortedEvents(accounts: Int) -> EventTable {
        let n = eventActor.count
        // Bucket `accounts` holds the events without a row (actor `.none`): dropped.
        var start = [Int](repeating: 0, count: accounts + 2)
        for actor in eventActor { start[min(Int(actor), accounts) + 1] += 1 }
        for a in 0...accounts { start[a + 1] += start[a] }
        let bounds = start
        var kept = [Int](repeating: 0, count: accounts + 1)
        withEventColumns { columns in
            Self.moveIntoActorRanges(columns, bounds: bounds, accounts: accounts)
            kept.withUnsafeMutableBufferPointer { kept in
                let kept = SharedCounts(base: kept.baseAddress)
                let nextActor = Atomic<Int>(0)
                let workers = n > 50_000 ? min(max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))), 8) : 1
                DispatchQueue.concurrentPerform(iterations: workers) { _ in
                    var keys: [EventSortKey] = []
                    while true {
                        let a = nextActor.add(1, ordering: .relaxed).oldValue
                        guard a < accounts, let counts = kept.base else { break }
                        counts[a] = Self.sortAndDeduplicate(
                            columns, range: bounds[a]..<bounds[a + 1], keys: &keys)
                    }
                }
            }
        }
        // The kept events of each actor moved together, in actor order; their details gathered.
        var table = EventTable()
        var count = 0
        withEventColumns { columns in
            for a in 0..<accounts {
                let from = bounds[a]
                if from != count {
                    for i in 0..<kept[a] {
                        columns.actor[count + i] = columns.actor[from + i]
                        columns.kind[count + i] = columns.kind[from + i]
                        columns.objectType[count + i] = columns.objectType[from + i]
                        columns.object[count + i] = columns.object[from + i]
                        columns.time[count + i] = columns.time[from + i]
                        columns.source[count + i] = columns.source[from + i]
                        columns.detail[count + i] = columns.detail[from + i]
                    }
                }
                for i in count..<count + kept[a] where columns.detail[i] != 0 {
                    table.detailIndex.append(UInt32(i))
                    table.detailValue.append(columns.detail[i])
                }
                count += kept[a]
            }
        }
        eventDetail = []
        eventActor.removeLast(n - count)
        eventKind.removeLast(n - count)
        eventObjectType.removeLast(n - count)
        eventObject.removeLast(n - count)
        eventTime.removeLast(n - count)
        eventSource.removeLast(n - count)
        // Observations added one store at a time grew by doubling: a table with much more room
        // than events (a partial store's, kept until the last level) is copied to its size.
        if eventActor.capacity - count > count / 16 {
            eventActor = Self.copyToSize(eventActor)
            eventKind = Self.copyToSize(eventKind)
            eventObjectType = Self.copyToSize(eventObjectType)
            eventObject = Self.copyToSize(eventObject)
            eventTime = Self.copyToSize(eventTime)
            eventSource = Self.copyToSize(eventSource)
        }
        table.actor = eventActor
        eventActor = []
        table.kind = eventKind
        eventKind = []
        table.objectType = eventObjectType
        eventObjectType = []
        table.object = eventObject
        eventObject = []
        table.time = eventTime
        eventTime = []
        table.source = eventSource
        eventSource = []
        return table
    }

    /// A copy of `column` with room for its elements only.
    static func copyToSize<T>(_ column: [T]) -> [T] { column.withUnsafeBufferPointer { Array($0) } }

    /// Moves every event into its actor's range (`bounds[a]..<bounds[a + 1]`, actors at or past
    /// `accounts` in the last), in place: each event is swapped straight into its range.
    static func moveIntoActorRanges(_ columns: EventColumns, bounds: [Int], accounts: Int) {
        var next = bounds
        for a in 0...accounts {
            while next[a] < bounds[a + 1] {
                let at = next[a]
                var b = min(Int(columns.actor[at]), accounts)
                while b != a {
                    let to = next[b]
                    next[b] += 1
                    swap(&columns.actor[at], &columns.actor[to])
                    swap(&columns.kind[at], &columns.kind[to])
                    swap(&columns.objectType[at], &columns.objectType[to])
                    swap(&columns.object[at], &columns.object[to])
                    swap(&columns.time[at], &columns.time[to])
                    swap(&columns.source[at], &columns.source[to])
                    swap(&columns.detail[at], &columns.detail[to])
                    b = min(Int(columns.actor[at]), accounts)
                }
                next[a] += 1
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

/// Per-actor counts written by the sorting workers; each writes only the actors it claimed.
struct SharedCounts: @unchecked Sendable {
    let base: UnsafeMutablePointer<Int>?
}
