#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive lock on a store, held by a process that writes it from before it reads the old
/// store until after the new one is renamed into place.
///
/// Without it, two imports into one store both load the old file, both add their inputs and both
/// save: the last rename wins and the other's inputs are lost. The lock is `flock(2)` on the file
/// `TARGET.lock` beside the store (see `StoreFile.lockPath(of:)`), chosen because the kernel releases
/// it when the process ends however it ends, so a killed import never leaves a store locked. The lock
/// file itself is left in place: removing it would let a third process lock a new file while a
/// second still waits on the old one.
///
/// Readers take no lock. A save writes a temporary file, `fsync`s it, renames it over the store and
/// `fsync`s the folder, so a reader opens either the old file or the new one, never half of one.
public final class StoreLock {
    /// The lock file.
    public let path: String
    private var descriptor: Int32

    /// Takes the lock of the store at `storePath`.
    ///
    /// - Parameters:
    ///   - storePath: the store file (a link is followed: the lock is beside its target).
    ///   - wait: wait while another process holds the lock; otherwise throw `.busy` at once.
    ///   - onWait: called once, before waiting, when the lock is held by another process.
    /// - Throws: `StoreError` `.busy` when the lock is held and `wait` is false; `.io` when the lock
    ///   file cannot be opened or locked (the message names it and the system's reason).
    public init(storePath: String, wait: Bool, onWait: () -> Void = {}) throws(StoreError) {
        let path = StoreFile.lockPath(of: storePath)
        self.path = path
        // O_NOFOLLOW: a link planted at the lock's name does not make us create a file elsewhere.
        // O_NONBLOCK: a FIFO planted there does not hang the open.
        var fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o644)
        if fd < 0 && errno == EACCES {
            // Another user's lock file in a folder we may write: flock works on a read-only descriptor.
            fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        }
        guard fd >= 0 else {
            throw StoreError(
                code: .io, path: storePath,
                message: "cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        descriptor = fd
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            descriptor = -1
            throw StoreError(code: .io, path: storePath, message: "the lock file \(path) is not a regular file")
        }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { return }
        guard errno == EWOULDBLOCK else { throw lockError(storePath) }
        guard wait else {
            close(fd)
            descriptor = -1
            throw StoreError(
                code: .busy, path: storePath,
                message: "another whichtok is using this store (lock \(path) is held)")
        }
        onWait()
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw lockError(storePath) }
        }
    }

    /// Releases the lock (also done when the lock is freed, and by the kernel when the process ends).
    public func unlock() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { unlock() }

    private func lockError(_ storePath: String) -> StoreError {
        let text = errnoText()
        unlock()
        return StoreError(code: .io, path: storePath, message: "cannot lock \(path): \(text)")
    }

    private func errnoText() -> String { String(cString: strerror(errno)) }
}
