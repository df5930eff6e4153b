// Every raw libarchive call for reading lives in this file (writing is WhichtokSupport's
// ArchiveWriter.swift). The owner types below free their handles in `deinit`; nothing outside this
// file sees an `OpaquePointer` to an archive.

internal import CArchive
import WhichtokSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

@inline(__always)
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Darwin)
        Darwin.read(fd, buffer, count)
    #else
        Glibc.read(fd, buffer, count)
    #endif
}

private func errnoText(_ code: Int32) -> String {
    if let text = strerror(code) { return String(cString: text) }
    return "error \(code)"
}

// MARK: - Byte sources

/// The bytes of one input, read on libarchive's demand through `pread` (files) or straight from
/// memory, with SHA-256 computed on the fly.
///
/// libarchive may seek (the zip reader looks at the central directory at the end first, and skips
/// large unread entries by seeking), so the hash is kept by offset: bytes are hashed the first time
/// the read position passes over them in order, and `finishDigest()` reads whatever the reader never
/// reached in order (stretches it seeked over, and the zip central directory). A file is thus read
/// about once.
final class ByteSource {
    private enum Backing {
        case descriptor(Int32)
        case memory(UnsafeRawBufferPointer)
    }

    private let backing: Backing
    /// Size when the read started (files can change underneath; reads stop at the real end).
    let size: Int64
    private var position: Int64 = 0
    private var hasher = SHA256()
    private var hashedUpTo: Int64 = 0
    /// False for bytes whose digest no one needs (a tar inflated whole from an input's gzip):
    /// nothing is hashed, and `finishDigest()` is empty.
    private let hashing: Bool
    /// A read error from the operating system, to report instead of libarchive's summary of it.
    private(set) var ioError: String?

    private static let chunk = 1 << 20
    private var chunkBuffer: UnsafeMutableRawPointer?
    /// The file's bytes, once `readWhole` has read them: reads are served from here after.
    private var wholeCopy: PaddedBytes?

    /// Opens a regular file. Errors carry `errno`.
    init(path: String) throws(SourceOpenError) {
        let (fd, size) = try openRegularFile(path)
        backing = .descriptor(fd)
        self.size = size
        hashing = true
    }

    /// Reads from memory that stays valid (and unchanged) for this object's lifetime; `hashing`:
    /// whether its SHA-256 is computed.
    init(memory: UnsafeRawBufferPointer, hashing: Bool = true) {
        backing = .memory(memory)
        size = Int64(memory.count)
        self.hashing = hashing
    }

    deinit {
        if case .descriptor(let fd) = backing { close(fd) }
        chunkBuffer?.deallocate()
    }

    /// Start over from the first byte (for a second attempt with another reader). Hashing goes on
    /// where it stopped, since it is kept by offset.
    func rewind() { position = 0 }

    /// Next bytes at the current position; (nil, 0) at the end, (nil, -1) on an I/O error.
    fileprivate func readNext() -> (UnsafeRawPointer?, Int) {
        let (pointer, count) = read(at: position)
        guard count > 0, let pointer else { return (nil, count) }
        hashIfNext(pointer, at: position, count: count)
        position += Int64(count)
        return (pointer, count)
    }

    fileprivate func seek(_ offset: Int64, whence: Int32) -> Int64 {
        let base: Int64
        switch whence {
        case SEEK_SET: base = 0
        case SEEK_CUR: base = position
        case SEEK_END: base = currentSize()
        default: return -1
        }
        let (target, overflow) = base.addingReportingOverflow(offset)
        guard !overflow, target >= 0 else { return -1 }
        position = target
        return target
    }

    /// The bytes of a source that reads from memory; nil for a file.
    var memoryBytes: UnsafeRawBufferPointer? {
        if case .memory(let bytes) = backing { return bytes }
        return nil
    }

    /// The whole file mapped into memory (see `PaddedBytes(mapping:)`), or nil for a source in
    /// memory or a file that cannot be mapped.
    func mapWhole() -> PaddedBytes? {
        guard case .descriptor(let fd) = backing, size > 0, size <= Int64(Int.max - (1 << 20)) else { return nil }
        return PaddedBytes(mapping: fd, size: Int(size))
    }

    /// The whole file read into memory of its own, or nil for a source in memory or a read error.
    /// Fewer than `size` bytes when the file was shortened since it was opened (the caller rejects
    /// it). For a small file a read costs less than a mapping, which must be set up and torn down
    /// (each `munmap` interrupts the other cores to flush their address caches). The copy is kept:
    /// libarchive's reads (a small input that is not a zip) and the digest are then served from it,
    /// and the file is not read twice.
    func readWhole() -> PaddedBytes? {
        if let wholeCopy { return wholeCopy }
        guard case .descriptor(let fd) = backing, size > 0, size <= Int64(Int.max - (1 << 20)) else { return nil }
        let wanted = Int(size)
        let bytes = PaddedBytes(capacity: wanted)
        var failure: Int32 = 0
        bytes.appendInPlace(minimum: wanted, ceiling: wanted) { free in
            guard let base = free.baseAddress else { return 0 }
            var done = 0
            while done < wanted {
                let n = pread(fd, base + done, wanted - done, off_t(done))
                if n > 0 {
                    done += n
                } else if n == 0 {
                    break  // the end of a file shortened since it was opened
                } else if errno != EINTR {
                    failure = errno
                    break
                }
            }
            return done
        }
        guard failure == 0 else {
            ioError = "read error: " + errnoText(failure)
            return nil
        }
        wholeCopy = bytes
        return bytes
    }

    /// Starts hashing the rest of `mapped` (this source's bytes, from `mapWhole`) on a thread of
    /// its own, so that it overlaps with parsing; the job's result is the input's SHA-256. `mapped`
    /// must outlive the job and its first `count` bytes must not change until it is joined.
    func digestInBackground(_ mapped: PaddedBytes) -> BackgroundJob<[UInt8]> {
        let start = self.hasher
        let from = Int(min(max(hashedUpTo, 0), Int64(mapped.count)))
        let bytes = mapped.withUnsafeBytes { SendableBytes(raw: UnsafeRawBufferPointer(rebasing: $0[from...])) }
        hashedUpTo = Int64(mapped.count)
        return start.finishingInBackground(bytes)
    }

    /// The SHA-256 of all bytes of the input, reading any part libarchive did not.
    func finishDigest() -> [UInt8]? {
        guard hashing else { return [] }
        while true {
            let (pointer, count) = read(at: hashedUpTo)
            if count < 0 { return nil }
            guard count > 0, let pointer else { break }
            hashIfNext(pointer, at: hashedUpTo, count: count)
        }
        return hasher.finalize()
    }

    /// True when the input ends with a complete zip "end of central directory" record (which a
    /// zip cut short, even between entries, lacks).
    func endsWithZipDirectory() -> Bool {
        let end = currentSize()
        // The record is 22 bytes plus a comment of at most 65535 bytes.
        let tailLength = Int(min(end, 22 + 65_535))
        guard tailLength >= 22 else { return false }
        let tail = bytes(at: end - Int64(tailLength), count: tailLength)
        guard tail.count == tailLength else { return false }
        var index = tailLength - 22
        while index >= 0 {
            if tail[index] == 0x50 && tail[index + 1] == 0x4B && tail[index + 2] == 0x05 && tail[index + 3] == 0x06 {
                let commentLength = Int(tail[index + 20]) | Int(tail[index + 21]) << 8
                if index + 22 + commentLength <= tailLength { return true }
            }
            index -= 1
        }
        return false
    }

    /// True when the last `count` bytes are all zero (a tar archive's end marker and padding).
    func endsWithZeros(_ count: Int) -> Bool {
        let end = currentSize()
        guard end >= Int64(count) else { return false }
        let tail = bytes(at: end - Int64(count), count: count)
        return tail.count == count && tail.allSatisfy { $0 == 0 }
    }

    /// Up to `count` bytes at `offset`, without moving the read position or touching the hash.
    private func bytes(at offset: Int64, count: Int) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(count)
        var next = offset
        while result.count < count {
            let (pointer, available) = read(at: next)
            guard available > 0, let pointer else { break }
            let take = min(available, count - result.count)
            result.append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: take))
            next += Int64(take)
        }
        return result
    }

    private func currentSize() -> Int64 {
        switch backing {
        case .memory(let bytes):
            return Int64(bytes.count)
        case .descriptor(let fd):
            var info = stat()
            return fstat(fd, &info) == 0 ? Int64(info.st_size) : size
        }
    }

    private func hashIfNext(_ pointer: UnsafeRawPointer, at offset: Int64, count: Int) {
        guard hashing else { return }
        let end = offset + Int64(count)
        guard offset <= hashedUpTo, hashedUpTo < end else { return }
        let skip = Int(hashedUpTo - offset)
        hasher.update(UnsafeRawBufferPointer(start: pointer + skip, count: count - skip))
        hashedUpTo = end
    }

    private func read(at offset: Int64) -> (UnsafeRawPointer?, Int) {
        switch backing {
        case .memory(let bytes):
            guard let base = bytes.baseAddress, offset < Int64(bytes.count) else { return (nil, 0) }
            return (UnsafeRawPointer(base + Int(offset)), bytes.count - Int(offset))
        case .descriptor(let fd):
            if let wholeCopy {
                // Valid while the copy lives (as long as this source) and is not changed.
                let bytes = wholeCopy.withUnsafeBytes { $0 }
                guard let base = bytes.baseAddress, offset < Int64(bytes.count) else { return (nil, 0) }
                return (UnsafeRawPointer(base + Int(offset)), bytes.count - Int(offset))
            }
            let buffer: UnsafeMutableRawPointer
            if let existing = chunkBuffer {
                buffer = existing
            } else {
                buffer = UnsafeMutableRawPointer.allocate(byteCount: Self.chunk, alignment: 64)
                chunkBuffer = buffer
            }
            while true {
                let n = pread(fd, buffer, Self.chunk, off_t(offset))
                if n >= 0 { return (UnsafeRawPointer(buffer), n) }
                if errno == EINTR { continue }
                ioError = "read error: " + errnoText(errno)
                return (nil, -1)
            }
        }
    }
}

/// Bytes another thread reads while their owner keeps them alive and unchanged.
struct SendableBytes: @unchecked Sendable {
    let raw: UnsafeRawBufferPointer
}

struct SourceOpenError: Error {
    var code: Int32
    var message: String
    var isNotFound: Bool { code == ENOENT }
}

/// Opens `path` for reading and checks it is a regular file; returns the descriptor and the size.
/// O_NONBLOCK so that opening a FIFO cannot hang; it is rejected right after.
func openRegularFile(_ path: String) throws(SourceOpenError) -> (fd: Int32, size: Int64) {
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard fd >= 0 else { throw SourceOpenError(code: errno, message: errnoText(errno)) }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
        let code = errno
        close(fd)
        throw SourceOpenError(code: code, message: errnoText(code))
    }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
        close(fd)
        let what = (info.st_mode & S_IFMT) == S_IFDIR ? "is a directory" : "not a regular file"
        throw SourceOpenError(code: 0, message: what)
    }
    return (fd, Int64(info.st_size))
}

// MARK: - Reading

/// What libarchive says about one entry header.
struct EntryHeader {
    enum Kind { case regular, directory, symlink, other }
    /// The raw UTF-8 name, or nil when libarchive has none.
    var path: String?
    var kind: Kind
    /// Declared uncompressed size, when the format records it.
    var size: Int64?
    var isEncrypted: Bool
    var isHardlink: Bool
}

/// Owner of one `struct archive *` open for reading a `ByteSource`.
final class ArchiveReadHandle {
    enum Mode {
        /// Archive formats someone might pack an export in: zip, tar (all variants), 7z, cpio, ar.
        /// Not mtree, raw or empty, which would claim plain text, and not the rarer formats
        /// (rar, cab, iso9660, xar...), to keep hostile input away from parsers nobody needs here.
        case archive
        /// The whole (possibly compressed) input as one entry.
        case plain
    }

    enum OpenResult {
        case opened
        case unrecognized
        case failed(String)
    }

    enum HeaderResult {
        case entry(EntryHeader)
        case end
        case failed(String)
    }

    private let handle: OpaquePointer
    private let source: ByteSource

    init?(source: ByteSource, mode: Mode) {
        ArchiveLocale.prepare()
        guard let handle = archive_read_new() else { return nil }
        self.handle = handle
        self.source = source
        switch mode {
        case .archive:
            _ = archive_read_support_format_zip(handle)
            _ = archive_read_support_format_tar(handle)
            _ = archive_read_support_format_7zip(handle)
            _ = archive_read_support_format_cpio(handle)
            _ = archive_read_support_format_ar(handle)
        case .plain:
            _ = archive_read_support_format_raw(handle)
        }
        // Compression filters linked into Debian's libarchive; none that runs an external program.
        _ = archive_read_support_filter_gzip(handle)
        _ = archive_read_support_filter_bzip2(handle)
        _ = archive_read_support_filter_xz(handle)
        _ = archive_read_support_filter_lzma(handle)
        _ = archive_read_support_filter_zstd(handle)
        _ = archive_read_support_filter_lz4(handle)

        _ = archive_read_set_read_callback(handle) { archive, client, out in
            guard let client, let out else { return la_ssize_t(ARCHIVE_FATAL) }
            let source = Unmanaged<ByteSource>.fromOpaque(client).takeUnretainedValue()
            let (pointer, count) = source.readNext()
            if count < 0 {
                if let archive { whichtok_archive_set_error(archive, EIO, source.ioError ?? "read error") }
                return la_ssize_t(ARCHIVE_FATAL)
            }
            out.pointee = pointer
            return la_ssize_t(count)
        }
        _ = archive_read_set_seek_callback(handle) { _, client, offset, whence in
            guard let client else { return la_int64_t(ARCHIVE_FATAL) }
            let source = Unmanaged<ByteSource>.fromOpaque(client).takeUnretainedValue()
            let target = source.seek(offset, whence: whence)
            return target < 0 ? la_int64_t(ARCHIVE_FATAL) : target
        }
        // `self` keeps `source` alive for as long as the handle exists.
        _ = archive_read_set_callback_data(handle, Unmanaged.passUnretained(source).toOpaque())
    }

    deinit { archive_read_free(handle) }

    func open() -> OpenResult {
        let status = archive_read_open1(handle)
        if status >= ARCHIVE_WARN { return .opened }
        if let ioError = source.ioError { return .failed(ioError) }
        // libarchive reports "no format matched" as ARCHIVE_ERRNO_FILE_FORMAT, which is EILSEQ
        // on POSIX systems.
        if archive_errno(handle) == EILSEQ { return .unrecognized }
        return .failed(errorMessage)
    }

    /// True when a decompression filter (gzip, xz...) sits under the format.
    var isCompressed: Bool { archive_filter_count(handle) > 1 }

    enum FormatFamily { case zip, tar, other }

    /// The family of the format being read (known once a header has been read).
    var formatFamily: FormatFamily {
        switch archive_format(handle) & ARCHIVE_FORMAT_BASE_MASK {
        case ARCHIVE_FORMAT_ZIP: return .zip
        case ARCHIVE_FORMAT_TAR: return .tar
        default: return .other
        }
    }

    /// Offset, in the decompressed stream, of the header being read.
    var headerPosition: Int64 { archive_read_header_position(handle) }

    var errorMessage: String {
        if let ioError = source.ioError { return ioError }
        if let text = archive_error_string(handle) {
            let message = String(decoding: UnsafeRawBufferPointer(start: text, count: strlen(text)), as: UTF8.self)
            if !message.isEmpty { return message }
        }
        return "libarchive error \(archive_errno(handle))"
    }

    func nextHeader() -> HeaderResult {
        var entryPointer: OpaquePointer?
        let status = archive_read_next_header(handle, &entryPointer)
        if status == ARCHIVE_EOF { return .end }
        guard status >= ARCHIVE_WARN, let entry = entryPointer else { return .failed(errorMessage) }

        let kind: EntryHeader.Kind
        switch archive_entry_filetype(entry) & 0o170000 {
        case 0o100000: kind = .regular
        case 0o040000: kind = .directory
        case 0o120000: kind = .symlink
        default: kind = .other
        }
        return .entry(
            EntryHeader(
                path: Self.pathname(of: entry),
                kind: kind,
                size: archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : nil,
                isEncrypted: archive_entry_is_encrypted(entry) != 0,
                isHardlink: archive_entry_hardlink(entry) != nil))
    }

    private static func pathname(of entry: OpaquePointer) -> String? {
        for candidate in [archive_entry_pathname_utf8(entry), archive_entry_pathname(entry)] {
            guard let text = candidate else { continue }
            let length = strlen(text)
            guard length > 0 else { continue }
            // Invalid UTF-8 (names from old zip tools) is repaired with U+FFFD, never dropped.
            return String(decoding: UnsafeRawBufferPointer(start: text, count: length), as: UTF8.self)
        }
        return nil
    }

    /// Reads up to `buffer.count` bytes of the current entry's data. 0 at the entry's end, negative
    /// on error (see `errorMessage`).
    func readData(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        return archive_read_data(handle, base, buffer.count)
    }
}

// MARK: - Plain files (for `.files` inputs)

/// A regular file opened for sequential reading.
final class PlainFileHandle {
    private let fd: Int32

    init(path: String) throws(SourceOpenError) {
        self.fd = try openRegularFile(path).fd
    }

    deinit { close(fd) }

    /// Bytes read, 0 at the end; throws with the system's message.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(SourceOpenError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let n = systemRead(fd, base, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw SourceOpenError(code: errno, message: "read error: " + errnoText(errno))
        }
    }
}
