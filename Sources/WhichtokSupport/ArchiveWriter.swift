// The libarchive calls for writing archives live in this file (those for reading are in
// WhichtokImport's LibArchive.swift). The owner types free their handles in `deinit`.

internal import CArchive

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes archives deterministically, for fixtures and the synthetic-data generator: every entry
/// gets mtime 2024-01-01T00:00:00Z, mode 0644, owner 0:0, in the order given, so the same entries
/// always give byte-identical output (with the same libarchive and zlib).
package enum ArchiveWriter {
    /// The container to write.
    package enum Format: Sendable {
        case zip, tar, tarGzip
        /// A single compressed file: exactly one entry, whose path is not stored.
        case gzip
    }

    /// Writes the archive to `path`, creating its parent folders. The archive is written to a
    /// temporary file beside `path` and renamed over it at the end, so readers never see half a file.
    /// - Throws: `ArchiveWriteError`.
    package static func write(_ entries: [(path: String, bytes: [UInt8])], format: Format, to path: String)
        throws(ArchiveWriteError)
    {
        try check(entries, format: format, output: path)
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard makeFolders(folder) else {
            throw ArchiveWriteError(output: path, message: "cannot create folder \(folder)")
        }
        let temporary = folder + "/.\(name).tmp-\(UInt64.random(in: 0...UInt64.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ArchiveWriteError(
                output: path, message: "cannot create temporary file: " + String(cString: strerror(errno)))
        }
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        do {
            defer { close(descriptor) }
            if format == .zip {
                // Zip time stamps need fixing up after the fact (see `fixZipTimes`): build in memory.
                let bytes = try data(entries, format: .zip)
                let sink = ArchiveSink(descriptor: descriptor)
                let written = bytes.withUnsafeBytes { sink.writeAll($0) }
                guard written else {
                    throw ArchiveWriteError(output: path, message: sink.ioError ?? "write error")
                }
            } else {
                try emit(entries, format: format, sink: ArchiveSink(descriptor: descriptor), output: path)
            }
        }
        guard rename(temporary, path) == 0 else {
            throw ArchiveWriteError(
                output: path, message: "cannot rename temporary file: " + String(cString: strerror(errno)))
        }
        renamed = true
    }

    /// Same, into memory (for tests and nested archives).
    /// - Throws: `ArchiveWriteError`.
    package static func data(_ entries: [(path: String, bytes: [UInt8])], format: Format) throws(ArchiveWriteError)
        -> [UInt8]
    {
        try check(entries, format: format, output: "memory")
        let sink = ArchiveSink()
        try emit(entries, format: format, sink: sink, output: "memory")
        guard format == .zip else { return sink.bytes }
        var zip = sink.bytes
        guard fixZipTimes(&zip) else {
            throw ArchiveWriteError(output: "memory", message: "internal error: unexpected zip layout")
        }
        return zip
    }

    /// Creates `folder` and its missing parents (`mkdir -p`); true when it exists as a folder after.
    private static func makeFolders(_ folder: String) -> Bool {
        var prefix = ""
        for (index, component) in folder.split(separator: "/", omittingEmptySubsequences: false).enumerated() {
            prefix += index == 0 ? String(component) : "/" + component
            if !prefix.isEmpty { _ = mkdir(prefix, 0o755) }
        }
        var info = stat()
        return stat(folder, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// libarchive writes a zip entry's MS-DOS time and date in the machine's local time zone, which
    /// would make the bytes depend on where they were written. This sets them, in every local and
    /// central header, to the fixed mtime in UTC (2024-01-01 00:00:00). The UTC "UT" extra field
    /// already holds the fixed mtime. False if the layout is not the simple one libarchive writes.
    package static func fixZipTimes(_ zip: inout [UInt8]) -> Bool {
        let dosTime: UInt16 = 0
        let dosDate: UInt16 = UInt16((2024 - 1980) << 9 | 1 << 5 | 1)
        func u16(_ at: Int) -> Int { Int(zip[at]) | Int(zip[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        func put16(_ value: UInt16, _ at: Int) {
            zip[at] = UInt8(truncatingIfNeeded: value)
            zip[at + 1] = UInt8(truncatingIfNeeded: value >> 8)
        }
        func isSignature(_ at: Int, _ third: UInt8, _ fourth: UInt8) -> Bool {
            at >= 0 && at + 4 <= zip.count && zip[at] == 0x50 && zip[at + 1] == 0x4B && zip[at + 2] == third
                && zip[at + 3] == fourth
        }
        // No archive comment is written, so the end record is the last 22 bytes.
        let end = zip.count - 22
        guard isSignature(end, 5, 6) else { return false }
        let count = u16(end + 10)
        var at = u32(end + 16)
        for _ in 0..<count {
            guard isSignature(at, 1, 2), at + 46 <= zip.count else { return false }
            put16(dosTime, at + 12)
            put16(dosDate, at + 14)
            let local = u32(at + 42)
            guard isSignature(local, 3, 4), local + 30 <= zip.count else { return false }
            put16(dosTime, local + 10)
            put16(dosDate, local + 12)
            at += 46 + u16(at + 28) + u16(at + 30) + u16(at + 32)
        }
        return true
    }

    private static func check(_ entries: [(path: String, bytes: [UInt8])], format: Format, output: String)
        throws(ArchiveWriteError)
    {
        if format == .gzip && entries.count != 1 {
            throw ArchiveWriteError(output: output, message: "gzip holds exactly one entry, not \(entries.count)")
        }
        for entry in entries where entry.path.isEmpty || entry.path.utf8.contains(0) {
            throw ArchiveWriteError(
                output: output, entry: TerminalText.escaped(entry.path), message: "invalid entry path")
        }
    }

    private static func emit(
        _ entries: [(path: String, bytes: [UInt8])], format: Format, sink: ArchiveSink, output: String
    ) throws(ArchiveWriteError) {
        let archive = try ArchiveWriteHandle(format: format, sink: sink, output: output)
        for entry in entries { try archive.add(path: entry.path, bytes: entry.bytes) }
        try archive.finish()
    }
}

/// A failure while writing an archive with `ArchiveWriter`: the output, the entry being written
/// if any (escaped for display), and what went wrong.
package struct ArchiveWriteError: Error, Sendable, CustomStringConvertible {
    /// The output path, or "memory".
    package var output: String
    /// The entry being written, if any.
    package var entry: String?
    package var message: String

    package init(output: String, entry: String? = nil, message: String) {
        self.output = output
        self.entry = entry
        self.message = message
    }

    package var description: String {
        var text = output
        if let entry { text += ":" + entry }
        return text + ": " + message
    }
}

/// Where an `ArchiveWriteHandle` sends its bytes.
private final class ArchiveSink {
    private let fd: Int32?
    private(set) var bytes: [UInt8] = []
    private(set) var ioError: String?

    /// Collects the archive in `bytes`.
    init() { fd = nil }

    /// Writes to an open descriptor (not closed here).
    init(descriptor: Int32) { fd = descriptor }

    /// Writes all of `data`; false (with `ioError` set) on failure.
    func writeAll(_ data: UnsafeRawBufferPointer) -> Bool {
        write(data) == data.count
    }

    func write(_ data: UnsafeRawBufferPointer) -> Int {
        guard let base = data.baseAddress, data.count > 0 else { return 0 }
        guard let fd else {
            bytes.append(contentsOf: data)
            return data.count
        }
        var done = 0
        while done < data.count {
            let n = systemWrite(fd, base + done, data.count - done)
            if n > 0 {
                done += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                ioError = "write error: " + String(cString: strerror(n < 0 ? errno : EIO))
                return -1
            }
        }
        return done
    }
}

/// Owner of one `struct archive *` open for writing into an `ArchiveSink`.
private final class ArchiveWriteHandle {
    /// 2024-01-01T00:00:00Z: every entry gets this mtime so that output is reproducible.
    static let fixedModificationTime = 1_704_067_200

    private let handle: OpaquePointer
    private let sink: ArchiveSink
    /// The output, for errors.
    private let output: String
    private var isOpen = false

    init(format: ArchiveWriter.Format, sink: ArchiveSink, output: String) throws(ArchiveWriteError) {
        ArchiveLocale.prepare()
        guard let handle = archive_write_new() else {
            throw ArchiveWriteError(output: output, message: "out of memory")
        }
        self.handle = handle
        self.sink = sink
        self.output = output

        var status: Int32
        switch format {
        case .zip:
            status = archive_write_set_format_zip(handle)
            if status == ARCHIVE_OK { status = archive_write_set_format_option(handle, "zip", "hdrcharset", "UTF-8") }
        case .tar:
            status = archive_write_set_format_pax_restricted(handle)
        case .tarGzip:
            status = archive_write_set_format_pax_restricted(handle)
            if status == ARCHIVE_OK { status = addGzip() }
        case .gzip:
            status = archive_write_set_format_raw(handle)
            if status == ARCHIVE_OK { status = addGzip() }
        }
        // No padding after the last byte: block-padding zip and gzip output would break them.
        if status == ARCHIVE_OK { status = archive_write_set_bytes_in_last_block(handle, 1) }
        guard status == ARCHIVE_OK else { throw failure() }

        status = archive_write_open2(
            handle, Unmanaged.passUnretained(sink).toOpaque(), nil,
            { archive, client, buffer, length in
                guard let client else { return la_ssize_t(ARCHIVE_FATAL) }
                let sink = Unmanaged<ArchiveSink>.fromOpaque(client).takeUnretainedValue()
                let written = sink.write(UnsafeRawBufferPointer(start: buffer, count: length))
                if written < 0 {
                    if let archive { whichtok_archive_set_error(archive, EIO, sink.ioError ?? "write error") }
                    return la_ssize_t(ARCHIVE_FATAL)
                }
                return la_ssize_t(written)
            },
            nil, nil)
        guard status == ARCHIVE_OK else { throw failure() }
        isOpen = true
    }

    private func addGzip() -> Int32 {
        var status = archive_write_add_filter_gzip(handle)
        // A NULL value turns the option off: no time stamp in the gzip header.
        if status == ARCHIVE_OK { status = archive_write_set_filter_option(handle, "gzip", "timestamp", nil) }
        return status
    }

    deinit { archive_write_free(handle) }

    /// The error for the last failed call (or `message`), naming `entry` when one was being written.
    private func failure(entry: String? = nil, _ message: String? = nil) -> ArchiveWriteError {
        let text: String
        if let message {
            text = message
        } else if let ioError = sink.ioError {
            text = ioError
        } else if let detail = archive_error_string(handle) {
            text = String(cString: detail)
        } else {
            text = "libarchive error \(archive_errno(handle))"
        }
        return ArchiveWriteError(output: output, entry: entry.map(TerminalText.escaped), message: text)
    }

    func add(path: String, bytes: [UInt8]) throws(ArchiveWriteError) {
        guard let entry = archive_entry_new() else { throw failure(entry: path, "out of memory") }
        defer { archive_entry_free(entry) }
        // Fails (instead of leaving libarchive a NULL name to crash on) when the name cannot be
        // converted to the current locale, i.e. when no UTF-8 locale could be set.
        guard archive_entry_update_pathname_utf8(entry, path) != 0 else {
            throw failure(
                entry: path, "entry name cannot be converted to the current locale (no UTF-8 locale available)")
        }
        archive_entry_set_filetype(entry, 0o100000)
        archive_entry_set_perm(entry, 0o644)
        archive_entry_set_size(entry, la_int64_t(bytes.count))
        archive_entry_set_mtime(entry, time_t(Self.fixedModificationTime), 0)
        archive_entry_set_uid(entry, 0)
        archive_entry_set_gid(entry, 0)

        guard archive_write_header(handle, entry) == ARCHIVE_OK else { throw failure(entry: path) }
        var failed = false
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let n = archive_write_data(handle, base + offset, raw.count - offset)
                if n <= 0 {
                    failed = true
                    return
                }
                offset += n
            }
        }
        guard !failed, archive_write_finish_entry(handle) == ARCHIVE_OK else { throw failure(entry: path) }
    }

    /// Writes the archive trailer and flushes everything to the sink.
    func finish() throws(ArchiveWriteError) {
        guard isOpen else { return }
        isOpen = false
        guard archive_write_close(handle) == ARCHIVE_OK else { throw failure() }
    }
}

/// libarchive converts entry names through the C library's multibyte functions; in the default "C"
/// locale every non-ASCII name comes back empty (reading) or cannot be converted (writing). Every
/// libarchive handle of the project calls `prepare()` first, which sets a UTF-8 `LC_CTYPE` once.
package enum ArchiveLocale {
    private static let utf8LocaleIsSet: Bool = {
        for name in ["C.UTF-8", "C.utf8", "en_US.UTF-8"] where setlocale(LC_CTYPE, name) != nil {
            return true
        }
        return false
    }()

    @inline(__always)
    package static func prepare() {
        _ = utf8LocaleIsSet
    }
}

@inline(__always)
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Darwin)
        Darwin.write(fd, buffer, count)
    #else
        Glibc.write(fd, buffer, count)
    #endif
}
