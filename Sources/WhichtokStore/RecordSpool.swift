import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Input records gathered from several threads, keyed by SHA-256, held in memory up to a budget and
/// spilled past it to a temporary file beside the store.
///
/// The spill file is `TARGET.spool-PID`, removed from its folder as soon as it is opened, so it
/// disappears with the process however the process ends. Spilling changes where a record waits,
/// never its bytes: `records()` gives the same `InputRecords` whatever the budget.
///
/// An import of a few inputs also keeps their batches (`add(sha256:record:batch:)`), so that the
/// build takes each batch as it is instead of decoding it from the record just encoded from it.
public final class RecordSpool: Sendable {
    private struct Spilled {
        var offset: Int
        var count: Int
    }

    private struct State {
        var inMemory: [[UInt8]: [UInt8]] = [:]
        var spilled: [[UInt8]: Spilled] = [:]
        var memoryBytes = 0
        var fileLength = 0
        var descriptor: Int32 = -1
        var failure: StoreError?
        /// Batches kept beside their records, each with the bytes it holds (`heldBytes(of:)`), and
        /// the sum of those.
        var batches: [[UInt8]: (batch: ImportBatch, bytes: Int)] = [:]
        var batchBytes = 0
        /// False once the spool has held more records than `batchesKeptUpTo`.
        var keepsBatches = true

        var recordCount: Int { inMemory.count + spilled.count }

        mutating func takeBatch(_ sha256: [UInt8]) -> ImportBatch? {
            guard let kept = batches.removeValue(forKey: sha256) else { return nil }
            batchBytes -= kept.bytes
            return kept.batch
        }
    }

    /// The default budget: 8 MiB. Records are read back one at a time while the store is built,
    /// so they need not wait in memory; a small budget keeps them out of the build's peak.
    public static let defaultBudget = 8 << 20
    /// The spill file's kind in its name (`StoreFile.spillPath`).
    static let spillKind = "spool"

    /// The default for the bytes of batches kept beside their records: 128 MiB.
    public static let defaultBatchBudget = 128 << 20
    /// Records up to which batches are kept: as many as the build takes in one run
    /// (`StoreAssembly.chunk`). Past that the build's first level decodes records two at a time
    /// anyway, and batches would wait longest; kept ones are dropped.
    static let batchesKeptUpTo = StoreAssembly.chunk

    private let state = Mutex(State())
    private let budget: Int
    private let batchBudget: Int
    private let storePath: String

    /// - Parameters:
    ///   - storePath: the store the records are for (the spill file goes beside it, and errors name it).
    ///   - budget: bytes of records held in memory before they go to the spill file.
    ///   - batchBudget: bytes of batches kept beside their records (`add(sha256:record:batch:)`).
    public init(storePath: String, budget: Int, batchBudget: Int = RecordSpool.defaultBatchBudget) {
        self.storePath = storePath
        self.budget = max(0, budget)
        self.batchBudget = max(0, batchBudget)
    }

    deinit {
        state.withLock { state in
            if state.descriptor >= 0 { close(state.descriptor) }
        }
    }

    /// Whether any record went to the spill file.
    public var hasSpilled: Bool { state.withLock { !$0.spilled.isEmpty } }

    /// Adds an input's record; a second record for the same SHA-256 is combined with the first.
    ///
    /// `batch`, the batch `record` was encoded from, is kept beside it for the build (`batch(_:)`)
    /// while the spool holds no more than `batchesKeptUpTo` records and the batches kept hold no
    /// more than its batch budget; never for a SHA-256 that has another record (the combined
    /// record is not the batch's), and whichever batch was kept for it goes.
    public func add(sha256: [UInt8], record: [UInt8], batch: ImportBatch? = nil) {
        // Sized only while the spool may still keep it.
        let mayKeep = batch != nil && state.withLock { $0.keepsBatches && $0.recordCount < Self.batchesKeptUpTo }
        let kept = mayKeep ? batch.map { $0.withoutLookups() } : nil
        let keptBytes = kept.map(Self.heldBytes(of:)) ?? 0
        // Combining decodes and builds: done outside the lock, then retried.
        var pending = record
        var combined = false
        while true {
            let existing: [UInt8]?
            do {
                existing = try state.withLock { state throws(StoreError) -> [UInt8]? in
                    if let failure = state.failure { throw failure }
                    if let held = state.inMemory.removeValue(forKey: sha256) {
                        state.memoryBytes -= held.count
                        _ = state.takeBatch(sha256)
                        return held
                    }
                    if let spilled = state.spilled.removeValue(forKey: sha256) {
                        _ = state.takeBatch(sha256)
                        return try read(spilled, from: state.descriptor)
                    }
                    try place(sha256: sha256, record: pending, in: &state)
                    if state.recordCount > Self.batchesKeptUpTo {
                        state.keepsBatches = false
                        state.batches = [:]
                        state.batchBytes = 0
                    }
                    if let kept, !combined, state.keepsBatches, state.batchBytes + keptBytes <= batchBudget {
                        state.batches[sha256] = (kept, keptBytes)
                        state.batchBytes += keptBytes
                    }
                    return nil
                }
            } catch {
                state.withLock { $0.failure = $0.failure ?? error }
                return
            }
            guard let existing else { return }
            combined = true
            do {
                pending = try StoreAssembly.combine(existing, pending, sha256: sha256, path: storePath)
            } catch {
                state.withLock { $0.failure = $0.failure ?? error }
                return
            }
        }
    }

    /// The batch kept for this SHA-256 (see `add(sha256:record:batch:)`), taken out of the spool;
    /// nil when none was kept.
    func batch(_ sha256: [UInt8]) -> ImportBatch? {
        state.withLock { $0.takeBatch(sha256) }
    }

    /// The batches kept.
    var keptBatchCount: Int { state.withLock { $0.batches.count } }

    /// About the memory `batch` holds without its lookups: its rows at their arrays' capacity,
    /// and the bytes of its strings.
    static func heldBytes(of batch: ImportBatch) -> Int {
        func bytes<T>(_ array: [T]) -> Int { array.capacity * MemoryLayout<T>.stride }
        var total =
            bytes(batch.accounts) + bytes(batch.videos) + bytes(batch.videoCounters) + bytes(batch.hashtags)
            + bytes(batch.sounds) + bytes(batch.effects) + bytes(batch.comments) + bytes(batch.conversations)
            + bytes(batch.strings) + bytes(batch.eventActor) + bytes(batch.eventKind) + bytes(batch.eventObjectType)
            + bytes(batch.eventObject) + bytes(batch.eventTime) + bytes(batch.eventDetail)
        for string in batch.strings { total += string.utf8.count }
        for video in batch.videos {
            total += (video.caption?.utf8.count ?? 0) + bytes(video.hashtags) + bytes(video.mentions)
        }
        for account in batch.accounts {
            total += (account.username?.utf8.count ?? 0) + (account.secUID?.utf8.count ?? 0)
            total += (account.nickname?.utf8.count ?? 0) + (account.donorKey?.utf8.count ?? 0)
            total += bytes(account.otherUsernames)
        }
        for hashtag in batch.hashtags { total += hashtag.name?.utf8.count ?? 0 }
        for sound in batch.sounds { total += sound.title?.utf8.count ?? 0 }
        for part in batch.parts { total += heldBytes(of: part) }
        return total
    }

    /// Adds every record of `records`.
    public func add(_ records: InputRecords) {
        for index in 0..<records.count {
            add(sha256: records.sha256(at: index), record: Array(records.record(at: index)))
        }
    }

    /// The SHA-256s of the records, ascending. Throws the first error met while gathering them.
    public func sortedKeys() throws(StoreError) -> [[UInt8]] {
        try state.withLock { state throws(StoreError) -> [[UInt8]] in
            if let failure = state.failure { throw failure }
            return Self.sortedKeys(of: state)
        }
    }

    private static func sortedKeys(of state: State) -> [[UInt8]] {
        (Array(state.inMemory.keys) + Array(state.spilled.keys)).sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// The sizes of the records with these SHA-256s (0 for none).
    func sizes(of keys: [[UInt8]]) -> [Int] {
        state.withLock { state in
            keys.map { state.inMemory[$0]?.count ?? state.spilled[$0]?.count ?? 0 }
        }
    }

    /// Moves the records held in memory to the spill file, where they are read from from then on
    /// (for a build that no longer reads them, while the save still may). Only memory is at stake:
    /// when the file cannot be made or written (a full disk), the records not yet moved stay in
    /// memory, and nothing fails.
    public func moveToFile() {
        state.withLock { state in
            guard state.failure == nil else { return }
            // In SHA-256 order, the order the save reads them in.
            for key in state.inMemory.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                guard let record = state.inMemory[key] else { continue }
                do throws(StoreError) {
                    try spill(sha256: key, record: record, in: &state)
                } catch {
                    return
                }
                state.inMemory[key] = nil
                state.memoryBytes -= record.count
            }
        }
    }

    /// The record with this SHA-256 (left in the spool); empty when there is none.
    public func record(_ sha256: [UInt8]) throws(StoreError) -> [UInt8] {
        let (held, spilled, descriptor) = state.withLock { state in
            (state.inMemory[sha256], state.spilled[sha256], state.descriptor)
        }
        if let held { return held }
        guard let spilled else { return [] }
        // Read outside the lock (the file only grows, and only while records are added), so that
        // the build and the save's writer do not wait for each other's reads.
        return try read(spilled, from: descriptor)
    }

    /// Every record, sorted by SHA-256, taken out of the spool (which is empty afterwards). Throws
    /// the first error met while gathering them.
    public func records() throws(StoreError) -> InputRecords {
        try state.withLock { state throws(StoreError) -> InputRecords in
            if let failure = state.failure { throw failure }
            let keys = Self.sortedKeys(of: state)
            var records = InputRecords()
            let total =
                state.inMemory.values.reduce(0) { $0 + $1.count } + state.spilled.values.reduce(0) { $0 + $1.count }
            records.sha256.reserveCapacity(keys.count * 32)
            records.offsets.reserveCapacity(keys.count + 1)
            records.bytes.reserveCapacity(total)
            // Taken out as they are copied, so the records are not held twice.
            for key in keys {
                if let record = state.inMemory.removeValue(forKey: key) {
                    records.append(sha: key, record: record)
                } else if let spilled = state.spilled.removeValue(forKey: key) {
                    records.append(sha: key, record: try read(spilled, from: state.descriptor))
                }
            }
            state.memoryBytes = 0
            return records
        }
    }

    /// The snapshot columns of the records (`records.sha256`, `records.offsets`, `records.bytes`,
    /// as `records()` would give them), whose bytes are read from the spool one record at a time
    /// as they are written; and the SHA-256s, ascending.
    func columns() throws(StoreError) -> (keys: [[UInt8]], columns: [Snapshot.Column]) {
        let keys = try sortedKeys()
        var offsets: [UInt64] = [0]
        offsets.reserveCapacity(keys.count + 1)
        try state.withLock { state throws(StoreError) in
            for key in keys {
                guard let length = state.inMemory[key]?.count ?? state.spilled[key]?.count else {
                    throw Snapshot.ioError(storePath, "an input record went missing while the store was saved")
                }
                offsets.append((offsets.last ?? 0) + UInt64(length))
            }
        }
        let total = Int(offsets.last ?? 0)
        let names = InputRecords.columnNames
        let columns: [Snapshot.Column] = [
            .init(names[0], keys.flatMap { $0 }),
            .init(names[1], offsets),
            .init(names[2], elementSize: 1, count: total) { body in
                for key in keys { try self.record(key).withUnsafeBytes { try body($0) } }
            },
        ]
        return (keys, columns)
    }

    private func place(sha256: [UInt8], record: [UInt8], in state: inout State) throws(StoreError) {
        guard state.memoryBytes + record.count > budget else {
            state.inMemory[sha256] = record
            state.memoryBytes += record.count
            return
        }
        try spill(sha256: sha256, record: record, in: &state)
    }

    /// Appends `record` to the spill file.
    private func spill(sha256: [UInt8], record: [UInt8], in state: inout State) throws(StoreError) {
        if state.descriptor < 0 { state.descriptor = try openSpillFile() }
        let offset = state.fileLength
        let descriptor = state.descriptor
        do {
            try record.withUnsafeBytes { bytes in
                try Snapshot.writeAll(descriptor, bytes, at: offset, path: storePath)
            }
        } catch {
            throw StoreFile.spillFailure(
                error, storePath: storePath, kind: Self.spillKind, holding: "the input records")
        }
        state.fileLength += record.count
        state.spilled[sha256] = Spilled(offset: offset, count: record.count)
    }

    private func read(_ spilled: Spilled, from descriptor: Int32) throws(StoreError) -> [UInt8] {
        var failure: StoreError?
        let bytes = [UInt8](unsafeUninitializedCapacity: spilled.count) { buffer, initialized in
            do throws(StoreError) {
                try Snapshot.readAll(
                    descriptor, UnsafeMutableRawBufferPointer(buffer), at: spilled.offset, path: storePath)
            } catch {
                failure = error
                buffer.initialize(repeating: 0)
            }
            initialized = spilled.count
        }
        if let failure { throw failure }
        return bytes
    }

    private func openSpillFile() throws(StoreError) -> Int32 {
        let fd = StoreFile.openSpill(of: storePath, kind: Self.spillKind)
        guard fd >= 0 else {
            let reason = Snapshot.errnoText()
            let path = StoreFile.spillPath(of: storePath, kind: Self.spillKind)
            throw Snapshot.ioError(storePath, "cannot create the spill file \(path): \(reason)")
        }
        return fd
    }
}
