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
        let file = StoreFile.target(of: storePath) + ".events-\(getpid())"
        var fd = open(file, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if fd < 0 && errno == EEXIST && unlink(file) == 0 {
            fd = open(file, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0o600)
        }
        guard fd >= 0 else { return nil }
        unlink(file)
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

    /// Appends the event columns of `builder` (all of the same length) as one chunk.
    func write(_ builder: StoreBuilder) {
        state.withLock { state in
            guard state.failure == nil else { return }
            let count = builder.eventActor.count
            var offset = state.length
            let descriptor = state.descriptor
            do {
                func put<T>(_ column: [T]) throws {
                    try column.withUnsafeBytes { bytes in
                        try Snapshot.writeAll(descriptor, bytes, at: offset, path: path)
                        offset += bytes.count
                    }
                }
                try put(builder.eventActor)
                try put(builder.eventObject)
                try put(builder.eventTime)
                try put(builder.eventSource)
                try put(builder.eventDetail)
                try put(builder.eventKind)
                try put(builder.eventObjectType)
            } catch {
                state.failure = Snapshot.asStoreError(error, path)
                return
            }
            state.length = offset
            state.events += count
            state.chunks.append(count)
        }
    }

    /// Reads every chunk back, in order, into the event columns of `builder` (which hold none).
    /// On an error the columns are left short and `failure` says why.
    func read(into builder: inout StoreBuilder) {
        state.withLock { state in
            guard state.failure == nil else { return }
            builder.reserve(events: state.events)
            var offset = 0
            let descriptor = state.descriptor
            do {
                func take<T: FixedWidthInteger>(_ column: inout [T], _ count: Int) throws {
                    let start = column.count
                    column.append(contentsOf: repeatElement(0, count: count))
                    try column.withUnsafeMutableBytes { bytes in
                        let part = UnsafeMutableRawBufferPointer(
                            rebasing: bytes[(start * MemoryLayout<T>.stride)...])
                        try Snapshot.readAll(descriptor, part, at: offset, path: path)
                        offset += part.count
                    }
                }
                for count in state.chunks {
                    try take(&builder.eventActor, count)
                    try take(&builder.eventObject, count)
                    try take(&builder.eventTime, count)
                    try take(&builder.eventSource, count)
                    try take(&builder.eventDetail, count)
                    try take(&builder.eventKind, count)
                    try take(&builder.eventObjectType, count)
                }
            } catch {
                state.failure = Snapshot.asStoreError(error, path)
                // No half-read columns: the build goes on without events, and its caller throws.
                builder.eventActor = []
                builder.eventObject = []
                builder.eventTime = []
                builder.eventSource = []
                builder.eventDetail = []
                builder.eventKind = []
                builder.eventObjectType = []
            }
        }
    }
}
