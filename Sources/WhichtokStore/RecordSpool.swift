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
/// An import of a few inputs also keeps their batches (`add(sha256:batch:)`), so that the build
/// takes each batch as it is instead of decoding it from a record encoded from it; and such a
/// batch's record is encoded only when it is read, which is when the save writes it, on a thread
/// of its own while the store is built (`write(to:)`).
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
        /// Batches kept for the build in place of their records (`add(sha256:batch:)`), each with
        /// the bytes it holds (`heldBytes(of:)`), and the sum of those.
        var batches: [[UInt8]: (batch: ImportBatch, bytes: Int)] = [:]
        var batchBytes = 0
        /// False once the spool has held more records than `batchesKeptUpTo`.
        var keepsBatches = true
        /// Records not encoded yet: the batches they are encoded from when read (`add(sha256:batch:)`).
        var unencoded: [[UInt8]: ImportBatch] = [:]
        /// Records that were not encoded until the save wrote them (`write(to:)`), their last
        /// reader: the spool lets their batches go, and has only their SHA-256s.
        var written: Set<[UInt8]> = []

        var recordCount: Int { inMemory.count + spilled.count + unencoded.count + written.count }

        func has(_ sha256: [UInt8]) -> Bool {
            inMemory[sha256] != nil || spilled[sha256] != nil || unencoded[sha256] != nil || written.contains(sha256)
        }

        /// Keeps no more batches: past `batchesKeptUpTo` records. Returns the records not encoded
        /// yet, to be encoded now (`encode(_:)`).
        mutating func stopKeepingBatches() -> [[UInt8]: ImportBatch] {
            keepsBatches = false
            batches = [:]
            batchBytes = 0
            return unencoded
        }

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
    ///   - batchBudget: bytes of batches kept in place of their records (`add(sha256:batch:)`).
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

    /// Adds the record of an input's batch.
    ///
    /// The batch itself is kept for the build (`batch(_:)`), and its record not encoded until it is
    /// read (by the save as it writes it, `write(to:)`), while the spool holds fewer than
    /// `batchesKeptUpTo` records and the batches kept fit the batch budget; and never for a
    /// SHA-256 that has a record already (the two are combined). Otherwise the record is encoded
    /// now. Past `batchesKeptUpTo` records no batch is kept, and the records of those kept are
    /// encoded then.
    public func add(sha256: [UInt8], batch: ImportBatch) {
        // Sized only while the spool may still keep it.
        if state.withLock({ $0.keepsBatches && $0.recordCount < Self.batchesKeptUpTo }) {
            let kept = batch.withoutLookups()
            let bytes = Self.heldBytes(of: kept)
            let taken = state.withLock { state in
                guard state.failure == nil, state.keepsBatches, state.recordCount < Self.batchesKeptUpTo,
                    state.batchBytes + bytes <= batchBudget, !state.has(sha256)
                else { return false }
                state.unencoded[sha256] = kept
                state.batches[sha256] = (kept, bytes)
                state.batchBytes += bytes
                return true
            }
            if taken { return }
        }
        add(sha256: sha256, record: BatchRecordCodec.encode(batch))
    }

    /// Adds an input's record; a second record for the same SHA-256 is combined with the first
    /// (and the batch kept for it, if any, goes: the combined record is not the batch's).
    public func add(sha256: [UInt8], record: [UInt8]) {
        // Combining decodes and builds: done outside the lock, then retried.
        var pending = record
        while true {
            // The record already there for this SHA-256, or the batch it is still to be encoded from.
            let existing: (record: [UInt8]?, batch: ImportBatch?)
            var toEncode: [[UInt8]: ImportBatch] = [:]
            do {
                existing = try state.withLock { state throws(StoreError) -> ([UInt8]?, ImportBatch?) in
                    if let failure = state.failure { throw failure }
                    if let held = state.inMemory.removeValue(forKey: sha256) {
                        state.memoryBytes -= held.count
                        return (held, nil)
                    }
                    if let spilled = state.spilled.removeValue(forKey: sha256) {
                        return (try read(spilled, from: state.descriptor), nil)
                    }
                    if let batch = state.unencoded.removeValue(forKey: sha256) {
                        _ = state.takeBatch(sha256)
                        return (nil, batch)
                    }
                    if state.written.contains(sha256) { throw Self.alreadyWritten(storePath) }
                    try place(sha256: sha256, record: pending, in: &state)
                    if state.keepsBatches, state.recordCount > Self.batchesKeptUpTo {
                        toEncode = state.stopKeepingBatches()
                    }
                    return (nil, nil)
                }
            } catch {
                state.withLock { $0.failure = $0.failure ?? error }
                return
            }
            encode(toEncode)
            // Encoded here, outside the lock, like the combining.
            guard let record = existing.record ?? existing.batch.map(BatchRecordCodec.encode) else { return }
            do {
                pending = try StoreAssembly.combine(record, pending, sha256: sha256, path: storePath)
            } catch {
                state.withLock { $0.failure = $0.failure ?? error }
                return
            }
        }
    }

    /// Encodes the records of `batches` (not encoded yet when the spool stopped keeping batches)
    /// outside the lock, and places each unless it went meanwhile (combined with a second record:
    /// a reader encodes a record it finds not encoded for itself).
    private func encode(_ batches: [[UInt8]: ImportBatch]) {
        for (sha256, batch) in batches {
            let record = BatchRecordCodec.encode(batch)
            state.withLock { state in
                guard state.failure == nil, state.unencoded.removeValue(forKey: sha256) != nil else { return }
                do throws(StoreError) {
                    try place(sha256: sha256, record: record, in: &state)
                } catch {
                    state.failure = error
                }
            }
        }
    }

    /// The batch kept for this SHA-256 (see `add(sha256:batch:)`), taken out of the spool;
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
        (Array(state.inMemory.keys) + Array(state.spilled.keys) + Array(state.unencoded.keys) + Array(state.written))
            .sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// The sizes of the records with these SHA-256s (0 for none; about the size for a record not
    /// encoded yet, `BatchRecordCodec.estimatedSize(of:)`).
    func sizes(of keys: [[UInt8]]) -> [Int] {
        state.withLock { state in
            keys.map {
                state.inMemory[$0]?.count ?? state.spilled[$0]?.count
                    ?? state.unencoded[$0].map(BatchRecordCodec.estimatedSize(of:)) ?? 0
            }
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
        let (held, spilled, batch, written, descriptor) = state.withLock { state in
            (
                state.inMemory[sha256], state.spilled[sha256], state.unencoded[sha256], state.written.contains(sha256),
                state.descriptor
            )
        }
        if let held { return held }
        if let batch { return BatchRecordCodec.encode(batch) }
        if written { throw Self.alreadyWritten(storePath) }
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
            guard state.written.isEmpty else { throw Self.alreadyWritten(storePath) }
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
                } else if let batch = state.unencoded.removeValue(forKey: key) {
                    BatchRecordCodec.withEncoded(batch) { records.append(sha: key, record: $0) }
                }
            }
            state.memoryBytes = 0
            return records
        }
    }

    /// Writes the records as the next three columns of `writer` (`records.sha256`,
    /// `records.offsets`, `records.bytes`, as `records()` would give them), reading them from the
    /// spool one at a time and encoding those not encoded yet as they are written; returns their
    /// SHA-256s, ascending. The offsets, known once every record is, are written last, in the place
    /// reserved for them.
    ///
    /// The save is the last reader of the records: those encoded here are not kept (nor their
    /// batches, which the build has taken), and cannot be read from the spool again.
    func write(to writer: Snapshot.Writer) throws(StoreError) -> [[UInt8]] {
        let keys = try sortedKeys()
        let names = InputRecords.columnNames
        try writer.write(.init(names[0], keys.flatMap { $0 }))
        let offsetsColumn = try writer.reserve(
            names[1], elementSize: MemoryLayout<UInt64>.stride, count: keys.count + 1)
        var offsets: [UInt64] = [0]
        offsets.reserveCapacity(keys.count + 1)
        try writer.write(names[2], elementSize: 1) { body in
            for key in keys {
                try self.withRecord(key) { bytes in
                    offsets.append((offsets.last ?? 0) + UInt64(bytes.count))
                    try body(bytes)
                }
            }
        }
        var failure: StoreError?
        offsets.withUnsafeBytes { bytes in
            do throws(StoreError) { try writer.fill(offsetsColumn, with: bytes) } catch { failure = error }
        }
        if let failure { throw failure }
        return keys
    }

    private static func alreadyWritten(_ storePath: String) -> StoreError {
        Snapshot.ioError(storePath, "input records were read again after the save wrote them")
    }

    /// Calls `body` with the record with this SHA-256; one not encoded yet is encoded for the call
    /// and then let go (see `write(to:)`).
    private func withRecord(_ sha256: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let batch = state.withLock { state in
            let batch = state.unencoded.removeValue(forKey: sha256)
            if batch != nil { state.written.insert(sha256) }
            return batch
        }
        if let batch { return try BatchRecordCodec.withEncoded(batch, body) }
        // Read twice (`write(to:)` twice) or gone: an error, never an empty record.
        let record = try record(sha256)
        guard state.withLock({ $0.has(sha256) }) else {
            throw Snapshot.ioError(storePath, "an input record went missing while the store was saved")
        }
        try record.withUnsafeBytes(body)
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
