import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A builder's event observations, waiting in a temporary file while its other observations are
/// resolved into tables: `build()` needs the events only once every entity has its row, so they
/// need not be held beside the entity observations, the larger part of a large build's memory.
///
/// The file is `TARGET.events-PID` beside the store, removed from its folder as soon as it is
/// opened (so it goes with the process however that ends). The events come back in the order they
/// went out, so a build with a spill gives the store a build without one gives.
final class EventSpill: Sendable {
    private struct State {
        var descriptor: Int32 = -1
        var length = 0
        var events = 0
        /// Events per chunk, in the order they were written.
        var chunks: [Int] = []
        var failure: StoreError?
    }

    private let state = Mutex(State())
    private let path: String

    /// A spill file beside the store at `storePath`; nil when it cannot be made (the events then
    /// stay in memory).
    init?(storePath: String) {
        path = storePath
        let fd = StoreFile.openSpill(of: storePath, kind: Self.kind)
        guard fd >= 0 else { return nil }
        state.withLock { $0.descriptor = fd }
    }

    deinit {
        state.withLock { state in
            if state.descriptor >= 0 { close(state.descriptor) }
        }
    }

    /// Events written so far.
    var count: Int { state.withLock { $0.events } }

    /// The first error met writing or reading the file.
    var failure: StoreError? { state.withLock { $0.failure } }

    /// Appends `events` as one chunk: each column in turn, in `EventField` order.
    func write(_ events: EventObservations) {
        state.withLock { state in
            guard state.failure == nil else { return }
            var offset = state.length
            let descriptor = state.descriptor
            do {
                for field in EventField.allCases {
                    try events.withBytes(of: field) { bytes in
                        try Snapshot.writeAll(descriptor, bytes, at: offset, path: path)
                        offset += bytes.count
                    }
                }
            } catch {
                state.failure = StoreFile.spillFailure(
                    error, storePath: path, kind: Self.kind, holding: "the events")
                return
            }
            state.length = offset
            state.events += events.count
            state.chunks.append(events.count)
        }
    }

    /// The spill file's kind in its name (`StoreFile.spillPath`).
    static let kind = "events"

    /// One chunk of the file: `count` events from `offset`, column after column.
    struct Chunk: Sendable {
        var offset: Int
        var count: Int
    }

    /// The chunks written, in order; nil after an error.
    func chunks() -> [Chunk]? {
        state.withLock { state in
            guard state.failure == nil else { return nil }
            var offset = 0
            return state.chunks.map { count in
                defer { offset += count * EventField.bytesPerEvent }
                return Chunk(offset: offset, count: count)
            }
        }
    }

    /// Reads `chunk` into the start of `columns` (which have room for it): every column when
    /// `full`, else the actor, object and object type only. On an error, `failure` says why and
    /// this returns false. Safe from several threads at once.
    func read(_ chunk: Chunk, into columns: EventColumns, full: Bool) -> Bool {
        let descriptor = state.withLock { $0.failure == nil ? $0.descriptor : -1 }
        guard descriptor >= 0 else { return false }
        do {
            // The columns in the order `write` puts them.
            var at = chunk.offset
            for field in EventField.allCases {
                let length = field.size * chunk.count
                if full || field.decidesActor {
                    try Snapshot.readAll(
                        descriptor, UnsafeMutableRawBufferPointer(start: columns.bytes(of: field), count: length),
                        at: at, path: path)
                }
                at += length
            }
        } catch {
            state.withLock { $0.failure = $0.failure ?? Snapshot.asStoreError(error, path) }
            return false
        }
        return true
    }
}
