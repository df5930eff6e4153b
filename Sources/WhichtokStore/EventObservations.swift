internal import CMalloc

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The fields of an event as the builder holds it: one column each in `EventObservations` and
/// `EventColumns`, in the order of the columns in a chunk of an `EventSpill` file.
///
/// A new field is a case here; the compiler then asks for its column in `EventObservations` and
/// `EventColumns` (the switches below, `EventColumns.Event`), and every place that writes whole
/// events. The sort key (`EventSortKey`, `EventKeyLayout`) and the table (`takeTable`) say what
/// the field means for deduplication and the store, which no list can decide.
enum EventField: CaseIterable, Sendable {
    case actor, object, time, source, detail, kind, objectType

    /// Bytes of one value of the field.
    var size: Int {
        switch self {
        case .actor, .object, .time, .source, .detail: 4
        case .kind, .objectType: 1
        }
    }

    /// Whether the field is one of those that decide an event's actor row (actor, object type
    /// and object): the first pass of `StoreBuilder.group` reads only these.
    var decidesActor: Bool {
        switch self {
        case .actor, .object, .objectType: true
        case .time, .source, .detail, .kind: false
        }
    }

    /// Bytes of one event, all fields.
    static let bytesPerEvent = allCases.reduce(0) { $0 + $1.size }

    /// The fields that are columns of the store's event table (the detail is kept apart, sparsely).
    static let tableColumns = allCases.filter { $0 != .detail }
}

/// A builder's event observations: one column per `EventField`, all of one length (but see
/// `init(groupedByActor:)`).
struct EventObservations: Sendable {
    var actor: [UInt32] = []
    /// Whether the actor column is one value that no event writes (`init(groupedByActor:)`).
    private(set) var actorsGrouped = false
    var kind: [UInt8] = []
    var objectType: [UInt8] = []
    var object: [UInt32] = []
    var time: [UInt32] = []
    var source: [UInt32] = []
    var detail: [UInt32] = []

    init() {}

    /// `count` events, to be written (through `withColumns`) before they are read.
    init(uninitialized count: Int) {
        func uninitialized<T: FixedWidthInteger>(_ column: inout [T], _: EventField) {
            column = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                Self.adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
                initialized = count
            }
        }
        forEachColumn(uninitialized, uninitialized)
    }

    /// `count` events grouped by actor elsewhere (the ranges of `StoreBuilder.groupEventsByActor`),
    /// so without an actor column: `withColumns` gives columns whose actor is one value, never
    /// written (`EventColumns.actorStride` 0). The table's actor column is written into the detail
    /// column's storage once the details are gathered (`takeTable(count:details:)`): the events of
    /// a build are held with 18 bytes each, not 22.
    init(groupedByActor count: Int) {
        func uninitialized<T: FixedWidthInteger>(_ column: inout [T], field: EventField) {
            let length = field == .actor ? 1 : count
            column = [T](unsafeUninitializedCapacity: length) { buffer, initialized in
                Self.adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
                if field == .actor { buffer.initialize(repeating: 0) }
                initialized = length
            }
        }
        forEachColumn({ uninitialized(&$0, field: $1) }, { uninitialized(&$0, field: $1) })
        actorsGrouped = true
    }

    /// Asks for huge pages for a large column (`whichtok_advise_huge_pages`, from 4 MiB): the
    /// columns of a build's events are written once, in an order of their own, and a page fault
    /// per 4 KiB was a large part of filling them.
    static func adviseHugePages(_ column: UnsafeMutableRawBufferPointer) {
        guard let base = column.baseAddress else { return }
        whichtok_advise_huge_pages(base, column.count)
    }

    var count: Int { kind.count }
    var isEmpty: Bool { kind.isEmpty }

    /// Calls `words` or `bytes`, by its element type, with each column of `fields`, in their order.
    mutating func forEachColumn(
        of fields: [EventField] = EventField.allCases, _ words: (inout [UInt32], EventField) throws -> Void,
        _ bytes: (inout [UInt8], EventField) throws -> Void
    ) rethrows {
        for field in fields {
            switch field {
            case .actor: try words(&actor, field)
            case .object: try words(&object, field)
            case .time: try words(&time, field)
            case .source: try words(&source, field)
            case .detail: try words(&detail, field)
            case .kind: try bytes(&kind, field)
            case .objectType: try bytes(&objectType, field)
            }
        }
    }

    /// Calls `body` with the bytes of column `field`.
    func withBytes<R>(of field: EventField, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch field {
        case .actor: try actor.withUnsafeBytes(body)
        case .object: try object.withUnsafeBytes(body)
        case .time: try time.withUnsafeBytes(body)
        case .source: try source.withUnsafeBytes(body)
        case .detail: try detail.withUnsafeBytes(body)
        case .kind: try kind.withUnsafeBytes(body)
        case .objectType: try objectType.withUnsafeBytes(body)
        }
    }

    /// Gives every column room for `more` events: for exactly as many, or for `projecting` of the
    /// events it needs, when given (and more).
    mutating func reserve(more: Int, projecting: ((Int) -> Int)?) {
        func room<T>(_ column: inout [T], _: EventField) {
            StoreBuilder.makeRoom(&column, more: more, projecting: projecting)
        }
        forEachColumn(room, room)
    }

    /// Appends `count` zeroed events, to be overwritten (through `withColumns`).
    mutating func grow(by count: Int) {
        guard count > 0 else { return }
        func appendZeros<T: FixedWidthInteger>(_ column: inout [T], _: EventField) {
            column.append(contentsOf: repeatElement(0, count: count))
        }
        forEachColumn(appendZeros, appendZeros)
    }

    /// Removes every event, keeping the columns' room.
    mutating func removeAllKeepingCapacity() {
        func clear<T>(_ column: inout [T], _: EventField) { column.removeAll(keepingCapacity: true) }
        forEachColumn(clear, clear)
    }

    /// Appends to `strings` the string observations the events name (the search terms and
    /// collections they are about, what was shared through): the strings a build keeps for them.
    func appendNamedStrings(to strings: inout [UInt32]) {
        let searchTerm = ObjectType.searchTerm.rawValue
        let collection = ObjectType.collection.rawValue
        let shared = EventKind.shared.rawValue
        for i in 0..<count {
            let type = objectType[i]
            if type == searchTerm || type == collection { strings.append(object[i]) }
            if kind[i] == shared, detail[i] != 0 { strings.append(detail[i] - 1) }
        }
    }

    /// The columns' storage, for reading and writing events from several threads; `body` is not
    /// called when there are no events.
    mutating func withColumns(_ body: (EventColumns) -> Void) {
        let actorStride = actorsGrouped ? 0 : 1
        actor.withUnsafeMutableBufferPointer { actor in
            kind.withUnsafeMutableBufferPointer { kind in
                objectType.withUnsafeMutableBufferPointer { objectType in
                    object.withUnsafeMutableBufferPointer { object in
                        time.withUnsafeMutableBufferPointer { time in
                            source.withUnsafeMutableBufferPointer { source in
                                detail.withUnsafeMutableBufferPointer { detail in
                                    guard let actor = actor.baseAddress, let kind = kind.baseAddress,
                                        let objectType = objectType.baseAddress, let object = object.baseAddress,
                                        let time = time.baseAddress, let source = source.baseAddress,
                                        let detail = detail.baseAddress
                                    else { return }
                                    body(
                                        EventColumns(
                                            actor: actor, object: object, time: time, source: source, detail: detail,
                                            kind: kind, objectType: objectType, actorStride: actorStride))
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The first `count` events as the store's event table, with the details `table` already
    /// has; the columns are left empty (the detail column goes first). Columns with much more room
    /// than events (observations added one store at a time grew by doubling: a partial store's,
    /// kept until the last level) are copied to their size. Events grouped by actor
    /// (`init(groupedByActor:)`) have their actors in the detail column's storage by now.
    mutating func takeTable(count: Int, details table: EventTable) -> EventTable {
        if actorsGrouped {
            actor = detail
            actorsGrouped = false
        }
        detail = []
        func shorten<T>(_ column: inout [T], _: EventField) { column.removeLast(column.count - count) }
        forEachColumn(of: EventField.tableColumns, shorten, shorten)
        if actor.capacity - count > count / 16 {
            func copyToSize<T>(_ column: inout [T], _: EventField) {
                column = column.withUnsafeBufferPointer { Array($0) }
            }
            forEachColumn(of: EventField.tableColumns, copyToSize, copyToSize)
        }
        var table = table
        table.actor = actor
        table.kind = kind
        table.objectType = objectType
        table.object = object
        table.time = time
        table.source = source
        self = EventObservations()
        return table
    }
}

/// The storage of `EventObservations`' columns (or of a buffer like them), for the per-event
/// loops: reading and writing ranges of them from several threads.
struct EventColumns: @unchecked Sendable {
    /// Read through `actor(_:)`, which knows `actorStride`.
    private let actors: UnsafeMutablePointer<UInt32>
    let object, time, source, detail: UnsafeMutablePointer<UInt32>
    let kind, objectType: UnsafeMutablePointer<UInt8>
    /// 1; or 0 for events grouped by actor elsewhere (`EventObservations(groupedByActor:)`): the
    /// actor is then one value every event reads, and writing an event leaves it as it is.
    let actorStride: Int

    init(
        actor: UnsafeMutablePointer<UInt32>, object: UnsafeMutablePointer<UInt32>, time: UnsafeMutablePointer<UInt32>,
        source: UnsafeMutablePointer<UInt32>, detail: UnsafeMutablePointer<UInt32>, kind: UnsafeMutablePointer<UInt8>,
        objectType: UnsafeMutablePointer<UInt8>, actorStride: Int = 1
    ) {
        actors = actor
        (self.object, self.time, self.source, self.detail) = (object, time, source, detail)
        (self.kind, self.objectType, self.actorStride) = (kind, objectType, actorStride)
    }

    /// The actor of event `i`.
    @inline(__always)
    func actor(_ i: Int) -> UInt32 { actors[i &* actorStride] }

    /// One event, every field.
    struct Event: Equatable {
        var actor: UInt32
        var kind: UInt8
        var objectType: UInt8
        var object: UInt32
        var time: UInt32
        var source: UInt32
        var detail: UInt32
    }

    /// Event `i`.
    subscript(i: Int) -> Event {
        @inline(__always) get {
            Event(
                actor: actor(i), kind: kind[i], objectType: objectType[i], object: object[i], time: time[i],
                source: source[i], detail: detail[i])
        }
        @inline(__always) nonmutating set {
            if actorStride != 0 { actors[i] = newValue.actor }
            kind[i] = newValue.kind
            objectType[i] = newValue.objectType
            object[i] = newValue.object
            time[i] = newValue.time
            source[i] = newValue.source
            detail[i] = newValue.detail
        }
    }

    /// The start of column `field`.
    func bytes(of field: EventField) -> UnsafeMutableRawPointer {
        precondition(field != .actor || actorStride == 1, "events grouped by actor have no actor column")
        return switch field {
        case .actor: UnsafeMutableRawPointer(actors)
        case .object: UnsafeMutableRawPointer(object)
        case .time: UnsafeMutableRawPointer(time)
        case .source: UnsafeMutableRawPointer(source)
        case .detail: UnsafeMutableRawPointer(detail)
        case .kind: UnsafeMutableRawPointer(kind)
        case .objectType: UnsafeMutableRawPointer(objectType)
        }
    }

    /// The columns from event `offset` on.
    func advanced(by offset: Int) -> EventColumns {
        EventColumns(
            actor: actors + offset * actorStride, object: object + offset, time: time + offset,
            source: source + offset, detail: detail + offset, kind: kind + offset, objectType: objectType + offset,
            actorStride: actorStride)
    }

    /// Moves `count` events from `from` to `to` in every column of the event table: the actor
    /// column becomes `actor` there (with no actor column, the detail column does: its details
    /// must be gathered first), the other columns are moved (the ranges may overlap). Otherwise
    /// the detail column is left as it is.
    func moveTableColumns(from: Int, to: Int, count: Int, actor: UInt32) {
        for field in EventField.tableColumns {
            if field == .actor {
                (actorStride == 0 ? detail + to : actors + to).update(repeating: actor, count: count)
            } else {
                memmove(bytes(of: field) + to * field.size, bytes(of: field) + from * field.size, count * field.size)
            }
        }
    }
}
