#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A problem with a store file. The previous store file is never damaged by a failed save.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// `busy`: another process holds the store's lock (see `StoreLock`); `interrupted`: a save was
    /// stopped before its rename, and the old file is untouched.
    public enum Code: Sendable, Equatable { case notFound, corrupt, newerVersion, io, busy, interrupted }
    public var code: Code
    public var path: String
    public var message: String

    public var description: String { "\(path): \(message)" }
}

/// The snapshot file: one versioned, checksummed, columnar file.
///
/// Layout (little-endian):
/// - header, 64 bytes: magic `WHICHTOK`, format version (UInt32), section count (UInt32), offset of the
///   section table (UInt64), file length (UInt64), XXH64 of the section table (UInt64), 16 reserved
///   bytes, XXH64 of the first 56 header bytes (UInt64);
/// - section table, 64 bytes per column: name (32 bytes, UTF-8, zero padded), element size (UInt32),
///   reserved (UInt32), element count (UInt64), offset (UInt64), XXH64 of the column bytes (UInt64);
/// - the columns, each starting at an 8-byte aligned offset, so each is read straight into an array.
///
/// Saving writes a temporary file in the same directory, `fsync`s it, renames it over the old file and
/// `fsync`s the directory: a crash at any point leaves either the old store or the new one.
enum Snapshot {
    static let magic: [UInt8] = Array("WHICHTOK".utf8)
    /// 2 added web data: username times and follower counts of accounts, duet/stitch sources of
    /// videos and reply targets of comments (both sparse), and the `videoStats` table. Version 1 files still load (the
    /// new columns start empty or unknown).
    /// 3 added the input records (`records.sha256`, `records.offsets`, `records.bytes`; see
    /// `InputRecords`). Version 1 and 2 files still load for reading, with no records: import,
    /// merge and forget refuse them (see `Store.loadRecords(from:)`).
    static let formatVersion: UInt32 = 3
    static let headerSize = 64
    static let entrySize = 64

    struct Column {
        var name: String
        var elementSize: Int
        var count: Int
        /// Calls its argument with the column's bytes: at once, or in consecutive pieces (a column
        /// gathered from elsewhere as it is written, so that it is never held whole).
        var withBytes: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void

        init<T: BitwiseCopyable>(_ name: String, _ array: [T]) {
            self.name = name
            self.elementSize = MemoryLayout<T>.stride
            self.count = array.count
            self.withBytes = { body in try array.withUnsafeBytes { try body($0) } }
        }

        /// A column of `count` elements of `elementSize` bytes whose bytes `pieces` gives in order.
        init(
            _ name: String, elementSize: Int, count: Int,
            pieces: @escaping ((UnsafeRawBufferPointer) throws -> Void) throws -> Void
        ) {
            self.name = name
            self.elementSize = elementSize
            self.count = count
            self.withBytes = pieces
        }
    }

    // MARK: Writing

    /// Writes `columns` as a snapshot at `path` (a link at `path` is followed, and kept: the target is
    /// replaced). `shouldStop` is asked before each column and before the rename; when it says yes the
    /// temporary file is removed and `.interrupted` is thrown, so a signal handler that sets a flag
    /// can end a save without leaving a temporary file or touching the store.
    static func write(
        _ columns: [Column], to path: String, version: UInt32 = formatVersion, shouldStop: () -> Bool = { false }
    ) throws(StoreError) {
        let writer = try Writer(path: path, columnCount: columns.count, anonymous: false)
        for column in columns {
            if shouldStop() { throw interrupted(path) }
            try writer.write(column)
        }
        try writer.finish(version: version, shouldStop: shouldStop)
    }

    static func interrupted(_ path: String) -> StoreError {
        StoreError(code: .interrupted, path: path, message: "save interrupted; the store file was left as it was")
    }

    /// "a FIFO", "a directory", … for messages about a path that should be a regular file.
    static func describeType(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "is a FIFO (named pipe)"
        case S_IFDIR: "is a directory"
        case S_IFCHR: "is a character device"
        case S_IFBLK: "is a block device"
        case S_IFSOCK: "is a socket"
        case S_IFLNK: "is a symbolic link"
        default: "is not a regular file"
        }
    }

    // MARK: Reading

    struct Section {
        var elementSize: Int
        var count: Int
        var offset: Int
        var checksum: UInt64
    }

    /// An open snapshot whose header and section table were checked.
    final class Reader: Sendable {
        let path: String
        let fd: Int32
        let sections: [String: Section]
        let version: UInt32

        init(path: String) throws(StoreError) {
            self.path = path
            // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever. It
            // changes nothing for a regular file, and anything else is refused below.
            let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
            guard fd >= 0 else {
                if errno == ENOENT { throw StoreError(code: .notFound, path: path, message: "no store file here") }
                throw ioError(path, "cannot open: \(errnoText())")
            }
            self.fd = fd
            var info = stat()
            guard fstat(fd, &info) == 0 else {
                let text = errnoText()
                close(fd)
                throw ioError(path, "cannot stat: \(text)")
            }
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                close(fd)
                throw ioError(path, "\(describeType(info.st_mode)), not a store file")
            }
            let size = Int(info.st_size)
            do {
                var header = [UInt8](repeating: 0, count: headerSize)
                guard size >= headerSize else { throw corrupt(path, "file is too short to be a store (\(size) bytes)") }
                try header.withUnsafeMutableBytes { try readAll(fd, $0, at: 0, path: path) }
                guard Array(header[0..<8]) == magic else { throw corrupt(path, "not a whichtok store (bad magic)") }
                let headerHash = header.withUnsafeBytes { XXH64.hash(UnsafeRawBufferPointer(rebasing: $0[0..<56])) }
                guard headerHash == load(header, 56) as UInt64 else { throw corrupt(path, "header checksum mismatch") }
                let version: UInt32 = load(header, 8)
                guard version <= formatVersion else {
                    throw StoreError(
                        code: .newerVersion, path: path,
                        message:
                            "store format version \(version) is newer than this whichtok reads (\(formatVersion)); use a newer whichtok"
                    )
                }
                self.version = version
                // Every number below comes from the file: a forged file can hold any value, and its
                // checksums prove nothing (XXH64 is public). Each is converted and added with checks.
                let sectionCount = Int(load(header, 12) as UInt32)
                let rawTableOffset: UInt64 = load(header, 16)
                let rawFileLength: UInt64 = load(header, 24)
                guard let fileLength = Int(exactly: rawFileLength), fileLength == size else {
                    throw corrupt(path, "file is \(size) bytes, header says \(rawFileLength) (truncated?)")
                }
                guard sectionCount <= 4096, let tableOffset = Int(exactly: rawTableOffset), tableOffset >= headerSize
                else { throw corrupt(path, "section table out of bounds") }
                let (tableEnd, tableOverflow) = tableOffset.addingReportingOverflow(sectionCount * entrySize)
                guard !tableOverflow, tableEnd <= size else { throw corrupt(path, "section table out of bounds") }
                var table = [UInt8](repeating: 0, count: sectionCount * entrySize)
                try table.withUnsafeMutableBytes { try readAll(fd, $0, at: tableOffset, path: path) }
                guard table.withUnsafeBytes({ XXH64.hash($0) }) == load(header, 32) as UInt64 else {
                    throw corrupt(path, "section table checksum mismatch")
                }
                var sections: [String: Section] = [:]
                for index in 0..<sectionCount {
                    let entry = index * entrySize
                    let nameBytes = table[entry..<entry + 32].prefix { $0 != 0 }
                    let name = String(decoding: nameBytes, as: UTF8.self)
                    let elementSize = Int(load(table, entry + 32) as UInt32)
                    guard let count = Int(exactly: load(table, entry + 40) as UInt64),
                        let offset = Int(exactly: load(table, entry + 48) as UInt64), elementSize > 0
                    else { throw corrupt(path, "section '\(Reader.printable(name))' out of bounds") }
                    let section = Section(
                        elementSize: elementSize, count: count, offset: offset, checksum: load(table, entry + 56))
                    let (length, overflow) = section.elementSize.multipliedReportingOverflow(by: section.count)
                    guard !overflow, section.offset <= size, length <= size - section.offset else {
                        throw corrupt(path, "section '\(Reader.printable(name))' out of bounds")
                    }
                    sections[name] = section
                }
                // The padding after each column (to the next 8-byte boundary) is zero: no byte of
                // the file goes unchecked.
                var padding = [UInt8](repeating: 0, count: 8)
                for section in sections.values {
                    let end = section.offset + section.elementSize * section.count
                    let gap = min(align8(end), size) - end
                    guard gap > 0 else { continue }
                    try padding.withUnsafeMutableBytes { raw in
                        try readAll(fd, UnsafeMutableRawBufferPointer(rebasing: raw[0..<gap]), at: end, path: path)
                    }
                    guard padding[0..<gap].allSatisfy({ $0 == 0 }) else {
                        throw corrupt(path, "non-zero bytes between columns")
                    }
                }
                self.sections = sections
            } catch {
                close(fd)
                throw asStoreError(error, path)
            }
        }

        deinit { close(fd) }

        /// A section name from the file, with anything but printable ASCII escaped.
        private static func printable(_ name: String) -> String {
            var result = ""
            for scalar in name.unicodeScalars {
                result +=
                    (0x20..<0x7f).contains(scalar.value) ? String(scalar) : "\\u{\(String(scalar.value, radix: 16))}"
            }
            return result
        }

        /// A column added in format version 2: read from newer files, `fill` repeated `count` times
        /// for version 1 files.
        func column<T: BitwiseCopyable>(_ name: String, since: UInt32, count: Int, fill: T) throws(StoreError) -> [T] {
            if version < since { return [T](repeating: fill, count: count) }
            return try column(name)
        }

        /// Reads a column straight into a new array and checks its checksum.
        func column<T: BitwiseCopyable>(_ name: String, as type: T.Type = T.self) throws(StoreError) -> [T] {
            guard let section = sections[name] else { throw corrupt(path, "missing section '\(name)'") }
            guard section.elementSize == MemoryLayout<T>.stride else {
                throw corrupt(
                    path,
                    "section '\(name)' has elements of \(section.elementSize) bytes, expected \(MemoryLayout<T>.stride)"
                )
            }
            var failure: StoreError?
            let array = [T](unsafeUninitializedCapacity: section.count) { buffer, initialized in
                let raw = UnsafeMutableRawBufferPointer(buffer)
                do {
                    try readAll(fd, raw, at: section.offset, path: path)
                    if XXH64.hash(UnsafeRawBufferPointer(raw)) != section.checksum {
                        failure = corrupt(path, "section '\(name)' checksum mismatch")
                        raw.initializeMemory(as: UInt8.self, repeating: 0)
                    }
                } catch {
                    failure = asStoreError(error, path)
                    raw.initializeMemory(as: UInt8.self, repeating: 0)
                }
                initialized = section.count
            }
            if let failure { throw failure }
            return array
        }
    }

    // MARK: Helpers

    static func align8(_ value: Int) -> Int { (value + 7) & ~7 }

    static func store<T: FixedWidthInteger>(_ value: T, into bytes: inout [UInt8], at offset: Int) {
        withUnsafeBytes(of: value.littleEndian) { raw in
            for (i, byte) in raw.enumerated() { bytes[offset + i] = byte }
        }
    }

    static func load<T: FixedWidthInteger>(_ bytes: [UInt8], _ offset: Int) -> T {
        var value: T = 0
        withUnsafeMutableBytes(of: &value) { raw in
            for i in 0..<raw.count { raw[i] = bytes[offset + i] }
        }
        return T(littleEndian: value)
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int, path: String) throws(StoreError)
    {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, base + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw ioError(path, "write failed: \(errnoText())")
            }
            done += n
        }
    }

    static func readAll(_ fd: Int32, _ bytes: UnsafeMutableRawBufferPointer, at offset: Int, path: String)
        throws(StoreError)
    {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = pread(fd, base + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw ioError(path, "read failed: \(errnoText())")
            }
            if n == 0 { throw corrupt(path, "file ends early (truncated?)") }
            done += n
        }
    }

    static func syncDirectory(of path: String) {
        let directory: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            directory = "."
        }
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    static func asStoreError(_ error: any Error, _ path: String) -> StoreError {
        (error as? StoreError) ?? ioError(path, "\(error)")
    }

    static func corrupt(_ path: String, _ message: String) -> StoreError {
        StoreError(code: .corrupt, path: path, message: "store file is corrupt: \(message)")
    }

    static func ioError(_ path: String, _ message: String) -> StoreError {
        StoreError(code: .io, path: path, message: message)
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

extension Store {
    var snapshotColumns: [Snapshot.Column] {
        [
            .init("strings.bytes", strings.bytes),
            .init("strings.offsets", strings.offsets),
            .init("accounts.username", accounts.username),
            .init("accounts.numericID", accounts.numericID),
            .init("accounts.secUID", accounts.secUID),
            .init("accounts.nickname", accounts.nickname),
            .init("accounts.donorKey", accounts.donorKey),
            .init("accounts.flags", accounts.flags),
            .init("accounts.aliasOffsets", accounts.aliasOffsets),
            .init("accounts.aliases", accounts.aliases),
            .init("accounts.usernameSeen", accounts.usernameSeen),
            .init("accounts.aliasSeen", accounts.aliasSeen),
            .init("accounts.followerCount", accounts.followerCount),
            .init("accounts.followingCount", accounts.followingCount),
            .init("accounts.countsObserved", accounts.countsObserved),
            .init("videos.tiktokID", videos.tiktokID),
            .init("videos.author", videos.author),
            .init("videos.created", videos.created),
            .init("videos.caption", videos.caption),
            .init("videos.sound", videos.sound),
            .init("videos.hashtagOffsets", videos.hashtagOffsets),
            .init("videos.hashtags", videos.hashtags),
            .init("videos.mentionOffsets", videos.mentionOffsets),
            .init("videos.mentions", videos.mentions),
            .init("videos.derivedRows", videos.derivedRows),
            .init("videos.derivedSources", videos.derivedSources),
            .init("videos.derivedKinds", videos.derivedKinds),
            .init("videoStats.video", videoStats.video),
            .init("videoStats.observed", videoStats.observed),
            .init("videoStats.plays", videoStats.plays),
            .init("videoStats.likes", videoStats.likes),
            .init("videoStats.comments", videoStats.comments),
            .init("videoStats.shares", videoStats.shares),
            .init("videoStats.saves", videoStats.saves),
            .init("videoStats.reposts", videoStats.reposts),
            .init("videoStats.flags", videoStats.flags),
            .init("hashtags.name", hashtags.name),
            .init("hashtags.tiktokID", hashtags.tiktokID),
            .init("sounds.tiktokID", sounds.tiktokID),
            .init("sounds.title", sounds.title),
            .init("effects.tiktokID", effects.tiktokID),
            .init("comments.tiktokID", comments.tiktokID),
            .init("comments.author", comments.author),
            .init("comments.video", comments.video),
            .init("comments.parent", comments.parent),
            .init("comments.replyRows", comments.replyRows),
            .init("comments.replyTargets", comments.replyTargets),
            .init("comments.time", comments.time),
            .init("comments.fingerprint", comments.fingerprint),
            .init("conversations.tiktokID", conversations.tiktokID),
            .init("events.actor", events.actor),
            .init("events.kind", events.kind),
            .init("events.objectType", events.objectType),
            .init("events.object", events.object),
            .init("events.time", events.time),
            .init("events.source", events.source),
            .init("events.detailIndex", events.detailIndex),
            .init("events.detailValue", events.detailValue),
            .init("inputs.name", inputs.name),
            .init("inputs.sha256", inputs.sha256),
            .init("inputs.layout", inputs.layout),
            .init("inputs.byteCount", inputs.byteCount),
            .init("inputs.eventCount", inputs.eventCount),
        ]
    }

    /// Saves the store atomically: a temporary file `TARGET.tmp-PID` beside the file, `fsync`, rename
    /// over it, `fsync` of the folder. A link at `path` is kept and its target replaced.
    ///
    /// - Parameter shouldStop: asked between steps; returning true stops the save before the rename,
    ///   removes the temporary file and throws `.interrupted` (for SIGINT and SIGTERM handling).
    public func save(to path: String, shouldStop: () -> Bool = { false }) throws(StoreError) {
        try save(to: path, records: InputRecords(), shouldStop: shouldStop)
    }

    /// Saves the store with the records of its inputs (see `InputRecords`): what import, merge and
    /// forget write, so that the next of them can rebuild the tables without the input files.
    public func save(to path: String, records: InputRecords, shouldStop: () -> Bool = { false }) throws(StoreError) {
        // Records first: the tables end the file, as in format 2.
        let names = InputRecords.columnNames
        let columns =
            [.init(names[0], records.sha256), .init(names[1], records.offsets), .init(names[2], records.bytes)]
            + snapshotColumns
        try Snapshot.write(columns, to: path, shouldStop: shouldStop)
    }

    /// Saves the store with the records in `spool`, read from it one at a time as they are
    /// written (they are never all in memory): the same file as `save(to:records:)` with
    /// `spool.records()`. Returns the records' SHA-256s, ascending.
    public func save(to path: String, spool: RecordSpool, shouldStop: () -> Bool = { false }) throws(StoreError)
        -> [[UInt8]]
    {
        let columns = snapshotColumns
        let writer = try Snapshot.Writer(
            path: path, columnCount: InputRecords.columnNames.count + columns.count, anonymous: false)
        if shouldStop() { throw Snapshot.interrupted(path) }
        let keys = try spool.write(to: writer)
        for column in columns {
            if shouldStop() { throw Snapshot.interrupted(path) }
            try writer.write(column)
        }
        try writer.finish(shouldStop: shouldStop)
        return keys
    }

    /// The input records of the store file at `path`: empty for no file, nil for a file of format
    /// 1 or 2 (made before stores kept them). Reads only the records, not the tables.
    public static func loadRecords(from path: String) throws(StoreError) -> InputRecords? {
        let reader: Snapshot.Reader
        do {
            reader = try Snapshot.Reader(path: path)
        } catch  where error.code == .notFound {
            return InputRecords()
        }
        guard reader.version >= 3 else { return nil }
        var records = InputRecords()
        let names = InputRecords.columnNames
        records.sha256 = try reader.column(names[0])
        records.offsets = try reader.column(names[1])
        records.bytes = try reader.column(names[2])
        if let problem = records.consistencyProblem() { throw Snapshot.corrupt(path, problem) }
        return records
    }

    /// The columns `load` reads on a second thread: the last ones of the file's order, about half
    /// of a typical store's bytes.
    struct LoadedTail: Sendable {
        var object: [RowID] = []
        var time: [UInt32] = []
        var source: [RowID] = []
        var detailIndex: [UInt32] = []
        var detailValue: [UInt32] = []
        var inputs = InputTable()

        init() {}

        init(_ reader: Snapshot.Reader) throws(StoreError) {
            object = try reader.column("events.object")
            time = try reader.column("events.time")
            source = try reader.column("events.source")
            detailIndex = try reader.column("events.detailIndex")
            detailValue = try reader.column("events.detailValue")
            inputs.name = try reader.column("inputs.name")
            inputs.sha256 = try reader.column("inputs.sha256")
            inputs.layout = try reader.column("inputs.layout")
            inputs.byteCount = try reader.column("inputs.byteCount")
            inputs.eventCount = try reader.column("inputs.eventCount")
        }
    }

    /// Loads a store file, checking every checksum and every reference between tables.
    ///
    /// Two threads read the columns: this one from the start of the file's order, another its
    /// tail (`LoadedTail`). A file with several bad columns reports the first in that order, as
    /// reading them one after the other would.
    public static func load(from path: String) throws(StoreError) -> Store {
        let reader = try Snapshot.Reader(path: path)
        let (head, tail) = Parallel.both(
            true,
            { () -> Result<Store, StoreError> in
                do throws(StoreError) { return .success(try loadHead(reader)) } catch { return .failure(error) }
            },
            { () -> Result<LoadedTail, StoreError> in
                do throws(StoreError) { return .success(try LoadedTail(reader)) } catch { return .failure(error) }
            })
        var store = try head.get()
        let rest = try tail.get()
        store.events.object = rest.object
        store.events.time = rest.time
        store.events.source = rest.source
        store.events.detailIndex = rest.detailIndex
        store.events.detailValue = rest.detailValue
        store.inputs = rest.inputs
        if let problem = store.consistencyProblem() { throw Snapshot.corrupt(path, problem) }
        return store
    }

    /// The columns of the file's order before `LoadedTail`'s.
    private static func loadHead(_ reader: Snapshot.Reader) throws(StoreError) -> Store {
        var store = Store()
        store.strings = StringTable(
            bytes: try reader.column("strings.bytes"), offsets: try reader.column("strings.offsets"))
        store.accounts.username = try reader.column("accounts.username")
        store.accounts.numericID = try reader.column("accounts.numericID")
        store.accounts.secUID = try reader.column("accounts.secUID")
        store.accounts.nickname = try reader.column("accounts.nickname")
        store.accounts.donorKey = try reader.column("accounts.donorKey")
        store.accounts.flags = try reader.column("accounts.flags")
        store.accounts.aliasOffsets = try reader.column("accounts.aliasOffsets")
        store.accounts.aliases = try reader.column("accounts.aliases")
        let accountCount = store.accounts.username.count
        store.accounts.usernameSeen = try reader.column(
            "accounts.usernameSeen", since: 2, count: accountCount, fill: UInt32(0))
        store.accounts.aliasSeen = try reader.column(
            "accounts.aliasSeen", since: 2, count: store.accounts.aliases.count, fill: UInt32(0))
        store.accounts.followerCount = try reader.column(
            "accounts.followerCount", since: 2, count: accountCount, fill: unknownCount)
        store.accounts.followingCount = try reader.column(
            "accounts.followingCount", since: 2, count: accountCount, fill: unknownCount)
        store.accounts.countsObserved = try reader.column(
            "accounts.countsObserved", since: 2, count: accountCount, fill: UInt32(0))
        store.videos.tiktokID = try reader.column("videos.tiktokID")
        store.videos.author = try reader.column("videos.author")
        store.videos.created = try reader.column("videos.created")
        store.videos.caption = try reader.column("videos.caption")
        store.videos.sound = try reader.column("videos.sound")
        store.videos.hashtagOffsets = try reader.column("videos.hashtagOffsets")
        store.videos.hashtags = try reader.column("videos.hashtags")
        store.videos.mentionOffsets = try reader.column("videos.mentionOffsets")
        store.videos.mentions = try reader.column("videos.mentions")
        store.videos.derivedRows = try reader.column("videos.derivedRows", since: 2, count: 0, fill: RowID.none)
        store.videos.derivedSources = try reader.column("videos.derivedSources", since: 2, count: 0, fill: RowID.none)
        store.videos.derivedKinds = try reader.column("videos.derivedKinds", since: 2, count: 0, fill: UInt8(0))
        store.videoStats.video = try reader.column("videoStats.video", since: 2, count: 0, fill: RowID.none)
        store.videoStats.observed = try reader.column("videoStats.observed", since: 2, count: 0, fill: UInt32(0))
        store.videoStats.plays = try reader.column("videoStats.plays", since: 2, count: 0, fill: unknownCount)
        store.videoStats.likes = try reader.column("videoStats.likes", since: 2, count: 0, fill: unknownCount)
        store.videoStats.comments = try reader.column("videoStats.comments", since: 2, count: 0, fill: unknownCount)
        store.videoStats.shares = try reader.column("videoStats.shares", since: 2, count: 0, fill: unknownCount)
        store.videoStats.saves = try reader.column("videoStats.saves", since: 2, count: 0, fill: unknownCount)
        store.videoStats.reposts = try reader.column("videoStats.reposts", since: 2, count: 0, fill: unknownCount)
        store.videoStats.flags = try reader.column("videoStats.flags", since: 2, count: 0, fill: UInt8(0))
        store.hashtags.name = try reader.column("hashtags.name")
        store.hashtags.tiktokID = try reader.column("hashtags.tiktokID")
        store.sounds.tiktokID = try reader.column("sounds.tiktokID")
        store.sounds.title = try reader.column("sounds.title")
        store.effects.tiktokID = try reader.column("effects.tiktokID")
        store.comments.tiktokID = try reader.column("comments.tiktokID")
        store.comments.author = try reader.column("comments.author")
        store.comments.video = try reader.column("comments.video")
        store.comments.parent = try reader.column("comments.parent")
        store.comments.replyRows = try reader.column("comments.replyRows", since: 2, count: 0, fill: RowID.none)
        store.comments.replyTargets = try reader.column("comments.replyTargets", since: 2, count: 0, fill: RowID.none)
        store.comments.time = try reader.column("comments.time")
        store.comments.fingerprint = try reader.column("comments.fingerprint")
        store.conversations.tiktokID = try reader.column("conversations.tiktokID")
        store.events.actor = try reader.column("events.actor")
        store.events.kind = try reader.column("events.kind")
        store.events.objectType = try reader.column("events.objectType")
        return store
    }

    /// Loads the store at `path`, or returns an empty store when there is no file yet.
    public static func loadOrEmpty(from path: String) throws(StoreError) -> Store {
        do {
            return try load(from: path)
        } catch  where error.code == .notFound {
            return Store()
        }
    }
}
