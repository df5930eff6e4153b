/// What a store keeps of each input so that its tables can be rebuilt without the input files: the
/// input's *record*, its observations as the reader left them (`BatchRecordCodec`; stores made
/// before kept the canonical store of that input alone, `RecordCodec`), keyed by the input's
/// SHA-256.
///
/// The store's tables are always `StoreBuilder` run over every record (see `StoreAssembly`), so the
/// store is a function of its set of inputs: importing, merging shards and forgetting inputs all
/// end by rebuilding from the records they keep, and the same set of records gives the same bytes.
/// Records are sorted by SHA-256; one input (one SHA-256) has one record, however many names it was
/// imported under (its record is then the build of all its sightings, which differ only in name).
public struct InputRecords: Sendable, Equatable {
    /// 32 bytes per record, ascending.
    public internal(set) var sha256: [UInt8] = []
    /// `count + 1` offsets into `bytes`.
    public internal(set) var offsets: [UInt64] = [0]
    /// The encoded records, one after another.
    public internal(set) var bytes: [UInt8] = []

    public init() {}

    /// The store file's columns of the records: SHA-256s, offsets, bytes (in this order).
    static let columnNames = ["records.sha256", "records.offsets", "records.bytes"]

    public var count: Int { offsets.count - 1 }

    /// The SHA-256 of record `index`.
    public func sha256(at index: Int) -> [UInt8] { Array(sha256[index * 32..<index * 32 + 32]) }

    /// The encoded record `index`.
    public func record(at index: Int) -> ArraySlice<UInt8> {
        bytes[Int(offsets[index])..<Int(offsets[index + 1])]
    }

    /// Record `index`, decoded. `path` names the store file in errors.
    public func decoded(at index: Int, path: String) throws(StoreError) -> DecodedRecord {
        try DecodedRecord(record: record(at: index), path: path, sha256: sha256(at: index))
    }

    /// The index of the record with this SHA-256.
    public func index(of sha: [UInt8]) -> Int? {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            let key = sha256(at: middle)
            if key == sha { return middle }
            if key.lexicographicallyPrecedes(sha) { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    /// These records without those at `indices`.
    public func removing(_ indices: Set<Int>) -> InputRecords {
        var kept = InputRecords()
        for index in 0..<count where !indices.contains(index) {
            kept.append(sha: sha256(at: index), record: record(at: index))
        }
        return kept
    }

    /// Appends a record; SHA-256s must come in ascending order.
    mutating func append(sha: [UInt8], record: some Collection<UInt8>) {
        sha256.append(contentsOf: sha)
        bytes.append(contentsOf: record)
        offsets.append(UInt64(bytes.count))
    }

    /// Checks the shape (used after loading a snapshot): offsets monotone inside the bytes, one
    /// SHA-256 per record, ascending without repeats.
    func consistencyProblem() -> String? {
        guard sha256.count == count * 32, offsets.first == 0, offsets.last == UInt64(bytes.count) else {
            return "input records do not match their offsets"
        }
        for i in 1..<offsets.count where offsets[i] < offsets[i - 1] {
            return "input record offsets are not monotone"
        }
        for i in 1..<max(count, 1) where !sha256(at: i - 1).lexicographicallyPrecedes(sha256(at: i)) {
            return "input records are not sorted by SHA-256"
        }
        return nil
    }

    var byteCount: Int { sha256.count + offsets.count * 8 + bytes.count }

    /// Lowercase hex of `bytes` (a SHA-256 or a prefix of one).
    public static func hex(_ bytes: some Collection<UInt8>) -> String {
        let digits = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return text
    }
}

extension Store {
    /// The names the donors of this store go by: each donor account's usernames (current and
    /// earlier) and its label (`donor-<hex>` for an anonymous donor). For an input's record, the
    /// names of that input's owner; empty for a web capture.
    public var donorNames: [String] {
        var names: [String] = []
        for row in 0..<accounts.count where accounts.flags(RowID(row)).contains(.donor) {
            for entry in accounts.usernameHistory(of: RowID(row)) {
                if let name = strings[entry.username], !names.contains(name) { names.append(name) }
            }
            let label = label(ofAccount: RowID(row))
            if !names.contains(label) { names.append(label) }
        }
        return names
    }
}

// MARK: - The record encoding

/// The compact encoding of one input's canonical store.
///
/// Every column of the store, in a fixed order, as `count` (LEB128) then its values: byte columns
/// that repeat (kinds, flags) run-length coded as (value, run); integer columns as the zigzag
/// LEB128 of the difference from the previous value, after adding 1 so that `RowID.none` and
/// `unknownCount` become 0, with a run of equal values written as 0 and its length (sorted columns
/// such as event actors shrink to a few bytes per actor, TikTok ids to their differences; a video's
/// creation time as its difference from `id >> 32`); string bytes and SHA-256s as they are. Integer columns come first, so a run-coded column
/// can be checked against the length of the table it belongs to before anything is allocated. The
/// first byte is the encoding's version.
enum RecordCodec {
    static let version: UInt8 = 1

    enum Kind { case raw, runs }

    static var byteColumns: [(WritableKeyPath<Store, [UInt8]>, Kind)] {
        [
            (\.strings.bytes, .raw), (\.accounts.flags, .runs), (\.videos.derivedKinds, .runs),
            (\.videoStats.flags, .runs), (\.events.kind, .runs), (\.events.objectType, .runs),
            (\.inputs.sha256, .raw),
        ]
    }
    static var wordColumns: [WritableKeyPath<Store, [UInt32]>] {
        [
            \.strings.offsets, \.accounts.username, \.accounts.secUID, \.accounts.nickname, \.accounts.donorKey,
            \.accounts.aliasOffsets, \.accounts.aliases, \.accounts.usernameSeen, \.accounts.aliasSeen,
            \.accounts.countsObserved, \.videos.author, \.videos.created, \.videos.caption, \.videos.sound,
            \.videos.hashtagOffsets, \.videos.hashtags, \.videos.mentionOffsets, \.videos.mentions,
            \.videos.derivedRows, \.videos.derivedSources, \.videoStats.video, \.videoStats.observed,
            \.hashtags.name, \.sounds.title, \.comments.author, \.comments.video, \.comments.parent,
            \.comments.replyRows, \.comments.replyTargets, \.comments.time, \.events.actor, \.events.object,
            \.events.time, \.events.source, \.events.detailIndex, \.events.detailValue, \.inputs.name,
            \.inputs.layout,
        ]
    }
    static var longColumns: [WritableKeyPath<Store, [UInt64]>] {
        [
            \.accounts.numericID, \.accounts.followerCount, \.accounts.followingCount, \.videos.tiktokID,
            \.videoStats.plays, \.videoStats.likes, \.videoStats.comments, \.videoStats.shares, \.videoStats.saves,
            \.videoStats.reposts, \.hashtags.tiktokID, \.sounds.tiktokID, \.effects.tiktokID, \.comments.tiktokID,
            \.comments.fingerprint, \.conversations.tiktokID, \.inputs.byteCount, \.inputs.eventCount,
        ]
    }

    static func encode(_ original: Store) -> [UInt8] {
        // A video's creation time is `id >> 32` unless the web stated another: written as the
        // difference, almost always 0, so runs take it.
        var store = original
        for row in 0..<min(store.videos.created.count, store.videos.tiktokID.count) {
            store.videos.created[row] &-= UInt32(truncatingIfNeeded: store.videos.tiktokID[row] >> 32)
        }
        var out: [UInt8] = [version]
        out.reserveCapacity(store.events.count * 8 + 1024)
        // Integer columns go through one scratch buffer sized for their worst case (10 bytes a value
        // and the count), then are appended whole: appending byte by byte checked the capacity of
        // `out` for every byte.
        var scratch = ScratchBytes()
        defer { scratch.deallocate() }
        for path in wordColumns {
            store[keyPath: path].withUnsafeBufferPointer { column in
                scratch.write(into: &out, upTo: 10 * column.count + 20) { cursor in
                    cursor.varint(UInt64(column.count))
                    cursor.deltas(column) { UInt64($0 &+ 1) }
                }
            }
        }
        for path in longColumns {
            store[keyPath: path].withUnsafeBufferPointer { column in
                scratch.write(into: &out, upTo: 10 * column.count + 20) { cursor in
                    cursor.varint(UInt64(column.count))
                    cursor.deltas(column) { $0 &+ 1 }
                }
            }
        }
        for (path, kind) in byteColumns {
            let column = store[keyPath: path]
            writeVarint(UInt64(column.count), into: &out)
            switch kind {
            case .raw: out.append(contentsOf: column)
            case .runs:
                var i = 0
                while i < column.count {
                    var j = i + 1
                    while j < column.count, column[j] == column[i] { j += 1 }
                    out.append(column[i])
                    writeVarint(UInt64(j - i), into: &out)
                    i = j
                }
            }
        }
        return out
    }

    /// Decodes a record; every length is checked against what is left, and the result against
    /// `Store.consistencyProblem()`.
    static func decode(_ bytes: ArraySlice<UInt8>, maxValues: Int = maxValues) -> Result<Store, RecordError> {
        var reader = Reader(bytes: bytes, maxValues: maxValues)
        guard reader.byte() == version else { return .failure(RecordError("unknown record encoding")) }
        var store = Store()
        var longest = 0
        do throws(RecordError) {
            for path in wordColumns {
                let count = try reader.values()
                store[keyPath: path] = try reader.column(count: count) { UInt32(truncatingIfNeeded: $0) &- 1 }
                longest = max(longest, count)
            }
            for path in longColumns {
                let count = try reader.values()
                store[keyPath: path] = try reader.column(count: count) { $0 &- 1 }
                longest = max(longest, count)
            }
            for (path, kind) in byteColumns {
                var column: [UInt8] = []
                switch kind {
                case .raw: column.append(contentsOf: try reader.bytes(try reader.count()))
                case .runs:
                    // Each run column is parallel to a column decoded above: no longer than the longest.
                    let count = try reader.values()
                    guard count <= longest else { throw RecordError("run column longer than its table") }
                    column.reserveCapacity(count)
                    while column.count < count {
                        guard let value = reader.byte() else { throw RecordError("record ends early") }
                        let run = try reader.varint()
                        guard run > 0, run <= UInt64(count - column.count) else { throw RecordError("bad run length") }
                        column.append(contentsOf: repeatElement(value, count: Int(run)))
                    }
                }
                store[keyPath: path] = column
            }
        } catch {
            return .failure(error)
        }
        guard reader.isAtEnd else { return .failure(RecordError("bytes after the record")) }
        guard store.videos.created.count == store.videos.tiktokID.count else {
            return .failure(RecordError("video columns differ in length"))
        }
        for row in 0..<store.videos.created.count {
            store.videos.created[row] &+= UInt32(truncatingIfNeeded: store.videos.tiktokID[row] >> 32)
        }
        if let problem = store.consistencyProblem() { return .failure(RecordError(problem)) }
        return .success(store)
    }

    struct RecordError: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    static func zigzag(_ value: UInt64) -> UInt64 {
        let signed = Int64(bitPattern: value)
        return UInt64(bitPattern: (signed << 1) ^ (signed >> 63))
    }

    static func unzigzag(_ value: UInt64) -> UInt64 { (value >> 1) ^ (0 &- (value & 1)) }

    /// A buffer that integer columns are encoded into before they are appended to a record.
    struct ScratchBytes {
        private var base: UnsafeMutablePointer<UInt8>?
        private var capacity = 0

        /// Runs `body` on a cursor with room for `bound` bytes, then appends what it wrote to `out`.
        mutating func write(into out: inout [UInt8], upTo bound: Int, _ body: (inout Cursor) -> Void) {
            if capacity < bound {
                base?.deallocate()
                capacity = max(bound, 2 * capacity, 4096)
                base = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            }
            guard let base else { return }
            var cursor = Cursor(base: base, count: 0)
            body(&cursor)
            out.append(contentsOf: UnsafeBufferPointer(start: base, count: cursor.count))
        }

        func deallocate() { base?.deallocate() }
    }

    /// Writes varints into memory already sized for them (by `ScratchBytes`).
    struct Cursor {
        let base: UnsafeMutablePointer<UInt8>
        var count: Int

        @inline(__always)
        mutating func varint(_ value: UInt64) {
            var rest = value
            while rest >= 0x80 {
                base[count] = UInt8(truncatingIfNeeded: rest) | 0x80
                count += 1
                rest >>= 7
            }
            base[count] = UInt8(rest)
            count += 1
        }

        /// Differences from the previous value of `transform` over `values`, zigzag LEB128; a run
        /// of equal values (difference 0) is a 0 and the run's length minus one, in runs of at most
        /// `longestRun` values.
        @inline(__always)
        mutating func deltas<T>(
            _ values: UnsafeBufferPointer<T>, longestRun: Int = .max, _ transform: (T) -> UInt64
        ) {
            var previous: UInt64 = 0
            var zeros = 0
            for element in values {
                let value = transform(element)
                let delta = zigzag(value &- previous)
                previous = value
                if delta == 0 {
                    zeros += 1
                    if zeros == longestRun {
                        base[count] = 0
                        count += 1
                        varint(UInt64(zeros - 1))
                        zeros = 0
                    }
                    continue
                }
                if zeros > 0 {
                    base[count] = 0
                    count += 1
                    varint(UInt64(zeros - 1))
                    zeros = 0
                }
                varint(delta)
            }
            if zeros > 0 {
                base[count] = 0
                count += 1
                varint(UInt64(zeros - 1))
            }
        }
    }

    static func writeVarint(_ value: UInt64, into out: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
    }

    /// The most values a record decodes to, however long: 2^28 (events are charged six each, so
    /// about 45 million events, under 1 GB of event columns). The allowance of 64 values per byte
    /// lets runs of equal values cost little; without this cap a forged record of a few hundred
    /// MB would ask for tens of GB before anything in it could be found wrong.
    static let maxValues = 1 << 28

    /// Reads a record front to back; every read checks what is left.
    struct Reader {
        let bytes: ArraySlice<UInt8>
        var position: Int

        /// - Parameter maxValues: the most values the record may decode to (see `allowance`).
        init(bytes: ArraySlice<UInt8>, maxValues: Int = RecordCodec.maxValues) {
            self.bytes = bytes
            position = bytes.startIndex
            allowance = min(64 * bytes.count + 4096, maxValues)
        }

        var isAtEnd: Bool { position == bytes.endIndex }

        mutating func byte() -> UInt8? {
            guard position < bytes.endIndex else { return nil }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func varint() throws(RecordError) -> UInt64 {
            // Most values are one byte.
            if position < bytes.endIndex, bytes[position] < 0x80 {
                defer { position += 1 }
                return UInt64(bytes[position])
            }
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard let byte = byte() else { throw RecordError("record ends early") }
                guard shift < 64 else { throw RecordError("number too long") }
                value |= UInt64(byte & 0x7f) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
        }

        /// `count` values written by `Cursor.deltas`, each through `transform`, as a column (a run
        /// of equal values is a 0 and the run's length minus one). Every read checks what is left.
        mutating func column<T>(count: Int, _ transform: (UInt64) -> T) throws(RecordError) -> [T] {
            var failure: RecordError?
            var position = self.position
            let end = bytes.endIndex
            let column = bytes.withUnsafeBufferPointer { input in
                [T](unsafeUninitializedCapacity: count) { output, initialized in
                    // `input` starts at the slice's start index.
                    var at = position - bytes.startIndex
                    let stop = end - bytes.startIndex
                    // Like `Reader.varint`: nil (and `failure` set) where that throws.
                    func varint() -> UInt64? {
                        var value: UInt64 = 0
                        var shift: UInt64 = 0
                        while at < stop {
                            let byte = input[at]
                            at += 1
                            guard shift < 64 else {
                                failure = RecordError("number too long")
                                return nil
                            }
                            value |= UInt64(byte & 0x7f) << shift
                            if byte < 0x80 { return value }
                            shift += 7
                        }
                        failure = RecordError("record ends early")
                        return nil
                    }
                    var previous: UInt64 = 0
                    var done = 0
                    while done < count {
                        guard let delta = varint() else { break }
                        if delta == 0 {
                            guard let more = varint() else { break }
                            guard more < UInt64(count - done) else {
                                failure = RecordError("run past the column's end")
                                break
                            }
                            let value = transform(previous)
                            for k in done...(done + Int(more)) { output.initializeElement(at: k, to: value) }
                            done += Int(more) + 1
                        } else {
                            previous = previous &+ unzigzag(delta)
                            output.initializeElement(at: done, to: transform(previous))
                            done += 1
                        }
                        initialized = done
                    }
                    initialized = done
                    position = at + bytes.startIndex
                }
            }
            if let failure { throw failure }
            self.position = position
            return column
        }

        /// Values a record may still decode to: runs make a value cost less than a byte, but a real
        /// record never decodes to more than a few values per byte (in a store's record every event
        /// has an object that differs from its neighbour's, or a time; a batch record writes runs of
        /// at most `BatchRecordCodec.longestRun` values), so a forged count cannot make decoding take
        /// unbounded memory.
        var allowance: Int

        /// A count of bytes, at most what is left.
        mutating func count() throws(RecordError) -> Int {
            let value = try varint()
            guard value <= UInt64(bytes.endIndex - position) else { throw RecordError("count past the record's end") }
            return Int(value)
        }

        /// A count of values of a column, within the record's allowance.
        mutating func values() throws(RecordError) -> Int {
            let value = try varint()
            guard value <= UInt64(allowance) else { throw RecordError("more values than such a record can hold") }
            try charge(Int(value))
            return Int(value)
        }

        /// Takes `count` values from the allowance (a count read once that sizes several columns).
        mutating func charge(_ count: Int) throws(RecordError) {
            guard count <= allowance else { throw RecordError("more values than such a record can hold") }
            allowance -= count
        }

        mutating func bytes(_ count: Int) throws(RecordError) -> ArraySlice<UInt8> {
            guard count <= bytes.endIndex - position else { throw RecordError("record ends early") }
            defer { position += count }
            return bytes[position..<position + count]
        }
    }
}

/// An input's record, decoded: the batch its reader made, or (in a store made before batch
/// records) the canonical store of that input alone. A builder given either builds the same store.
public enum DecodedRecord: Sendable {
    case batch(ImportBatch)
    case store(Store)

    /// Decodes a record of either encoding; `path` and `sha256` name it in errors.
    public init(record: ArraySlice<UInt8>, path: String, sha256: [UInt8]) throws(StoreError) {
        if let encoding = record.first, encoding > BatchRecordCodec.version {
            throw StoreError(
                code: .newerVersion, path: path,
                message: "record of input \(InputRecords.hex(sha256.prefix(8)))… has encoding \(encoding), newer "
                    + "than this whichtok reads (\(BatchRecordCodec.version)); use a newer whichtok")
        }
        guard record.first == BatchRecordCodec.version else {
            self = .store(try Store(record: record, path: path, sha256: sha256))
            return
        }
        switch BatchRecordCodec.decode(record) {
        case .success(let batch): self = .batch(batch)
        case .failure(let error):
            throw Snapshot.corrupt(path, "record of input \(InputRecords.hex(sha256.prefix(8)))…: \(error.message)")
        }
    }

    /// The canonical store of this input alone.
    public var store: Store {
        switch self {
        case .store(let store): return store
        case .batch(let batch):
            var builder = StoreBuilder()
            builder.add(batch)
            return (consume builder).build()
        }
    }

    /// The accounts of this input alone as `store` has them, for the commands that ask who owns an
    /// input (`inputs`, `forget --donor`). A batch's is built from its accounts alone: who is who
    /// and what each account is called come from the account observations only, and the rest
    /// (the events most of all) is most of a build's work.
    public var accountsStore: Store {
        guard case .batch(let batch) = self else { return store }
        return DecodedRecord.batch(batch.accountsOnly()).store
    }
}

extension StoreBuilder {
    /// Adds an input's decoded record.
    mutating func add(_ record: DecodedRecord) {
        switch record {
        case .batch(let batch): add(batch)
        case .store(let store): add(store: store)
        }
    }
}

extension Store {
    /// This store in the compact record encoding (see `InputRecords`).
    public func encodedRecord() -> [UInt8] { RecordCodec.encode(self) }

    /// Decodes an input's record; `path` and `sha256` name it in errors.
    public init(record: ArraySlice<UInt8>, path: String, sha256: [UInt8]) throws(StoreError) {
        switch RecordCodec.decode(record) {
        case .success(let store): self = store
        case .failure(let error):
            throw Snapshot.corrupt(path, "record of input \(InputRecords.hex(sha256.prefix(8)))…: \(error.message)")
        }
    }
}
