import WhichtokStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An output file written atomically: the bytes go to a temporary file next to the destination, which
/// is `fsync`ed and renamed over it only when everything was written. If anything fails (or the owner
/// is released without `commit()`), the temporary file is removed and the destination is untouched.
/// Standard output (`path == nil`) is written directly.
///
/// A destination that is a symbolic link keeps the link: the temporary file is written beside the
/// link's target and renamed over the target. Temporary files are named `.NAME.tmp-PID`; those of
/// processes that no longer exist (an export killed with SIGKILL) are removed by the next export to
/// the same destination.
final class OutputFile {
    let path: String?
    let descriptor: Int32
    private let temporaryPath: String?
    private let target: String?
    private var finished = false

    /// Opens a temporary file for `path` (created with permissions `mode`), or standard output when
    /// `path` is nil.
    init(path: String?, mode: mode_t = 0o644) throws(ExportError) {
        self.path = path
        guard let path else {
            descriptor = 1
            temporaryPath = nil
            target = nil
            return
        }
        if OutputFile.isDirectory(path) {
            throw ExportError(.cannotCreate, path: path, message: "is a directory")
        }
        let target = StoreFile.target(of: path)
        let (directory, name) = OutputFile.split(target)
        StoreFile.removeStaleTemporaries(of: directory + "." + name)
        let temporary = directory + "." + name + ".tmp-" + String(getpid())
        // O_EXCL | O_NOFOLLOW: never write through a link planted at the temporary name.
        let flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC
        var fd = open(temporary, flags, mode)
        if fd < 0 && errno == EEXIST && unlink(temporary) == 0 { fd = open(temporary, flags, mode) }
        guard fd >= 0 else {
            throw ExportError(
                .cannotCreate, path: path, message: "cannot create \(temporary) (\(OutputFile.lastError()))")
        }
        descriptor = fd
        temporaryPath = temporary
        self.target = target
    }

    /// Flushes to disk and renames the temporary file over the destination.
    func commit() throws(ExportError) {
        guard !finished else { return }
        finished = true
        guard let path, let temporaryPath, let target else { return }
        if fsync(descriptor) != 0 {
            let reason = OutputFile.lastError()
            close(descriptor)
            unlink(temporaryPath)
            throw ExportError(.writeFailed, path: path, message: "write failed (\(reason))")
        }
        close(descriptor)
        if rename(temporaryPath, target) != 0 {
            let reason = OutputFile.lastError()
            unlink(temporaryPath)
            throw ExportError(.cannotCreate, path: path, message: "cannot replace the file (\(reason))")
        }
    }

    /// Removes the temporary file.
    func discard() {
        guard !finished else { return }
        finished = true
        guard let temporaryPath else { return }
        close(descriptor)
        unlink(temporaryPath)
    }

    deinit { discard() }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// `("dir/", "name")` for `"dir/name"`, `("", "name")` for `"name"`.
    static func split(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[...slash]), String(path[path.index(after: slash)...]))
    }

    static func lastError() -> String {
        guard let text = strerror(errno) else { return "error \(errno)" }
        return String(cString: text)
    }
}

/// A buffered writer to a file descriptor (64 KB chunks), for CSV.
struct ByteSink: ~Copyable {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private(set) var failed = false
    private(set) var errorText = ""

    init(descriptor: Int32) {
        self.descriptor = descriptor
        buffer.reserveCapacity(1 << 16)
    }

    mutating func write(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func write(_ literal: StaticString) {
        literal.withUTF8Buffer { buffer.append(contentsOf: $0) }
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func write(byte: UInt8) {
        buffer.append(byte)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !failed else {
            buffer.removeAll(keepingCapacity: true)
            return
        }
        var done = 0
        let total = buffer.count
        buffer.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            while done < total {
                let n = systemWrite(descriptor, base + done, total - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    failed = true
                    errorText = OutputFile.lastError()
                    return
                }
                done += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

@inline(__always)
private func systemWrite(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
        return Glibc.write(fd, pointer, count)
    #else
        return Darwin.write(fd, pointer, count)
    #endif
}
