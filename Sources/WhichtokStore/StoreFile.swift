#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Paths around a store file: where a save really writes, the temporary files saves leave, and
/// whether two paths name one file.
///
/// These are plain functions over paths rather than part of `Store`, because the command line needs
/// them before any store is loaded (to refuse an output that is the store, to take the lock).
public enum StoreFile {
    /// The file a save at `path` replaces: `path` with symbolic links followed (at most 40 of them,
    /// as the kernel does), the last one possibly dangling. A save writes its temporary file beside
    /// this target and renames over it, so a store reached through a link keeps the link.
    public static func target(of path: String) -> String {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK,
                let destination = readLink(current)
            else { return current }
            if destination.hasPrefix("/") {
                current = destination
            } else {
                let (directory, _) = split(current)
                current = directory + destination
            }
        }
        return current
    }

    /// The lock file of the store at `path`: `TARGET.lock`, beside the file a save replaces, so two
    /// paths to one store (a link and its target, `./s.store` and `s.store`) share one lock.
    public static func lockPath(of path: String) -> String { target(of: path) + ".lock" }

    /// A spill file of this process beside the store at `storePath`: `TARGET.KIND-PID` (`spool`:
    /// input records past the budget, `events`: the last level's event observations).
    static func spillPath(of storePath: String, kind: String) -> String {
        target(of: storePath) + ".\(kind)-\(getpid())"
    }

    /// Opens a new spill file (see `spillPath`) for reading and writing, and removes it from its
    /// folder at once, so that it goes with the process however the process ends; -1 (errno set)
    /// when it cannot be made. A leftover of an earlier process with the same id is replaced.
    static func openSpill(of storePath: String, kind: String) -> Int32 {
        let file = spillPath(of: storePath, kind: kind)
        var fd = open(file, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if fd < 0 && errno == EEXIST && unlink(file) == 0 {
            fd = open(file, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0o600)
        }
        if fd >= 0 { unlink(file) }
        return fd
    }

    /// A failed write to a spill file, naming it (a full disk is the usual cause, and the file is
    /// unlinked, so no `ls` shows what filled it). `holding`: what waits in it.
    static func spillFailure(_ error: any Error, storePath: String, kind: String, holding: String) -> StoreError {
        var failure = Snapshot.asStoreError(error, storePath)
        let file = spillPath(of: storePath, kind: kind)
        failure.message = "cannot write \(holding) waiting in \(file), beside the store: \(failure.message)"
        return failure
    }

    /// The temporary file a save by process `pid` writes: `TARGET.tmp-PID`, in the target's folder
    /// so the final rename never crosses file systems.
    static func temporaryPath(of target: String, pid: Int32) -> String { target + ".tmp-\(pid)" }

    /// Removes `TARGET.tmp-PID` files left by saves of processes that no longer exist (killed with
    /// SIGKILL, or a machine that lost power), and returns their paths.
    ///
    /// A file whose process is alive, or whose liveness cannot be known (`kill` fails with EPERM:
    /// another user's process), is kept: it may be a save in progress by a whichtok that does not
    /// take the lock. Only regular files are removed. Call it while holding the store's lock.
    @discardableResult
    public static func removeStaleTemporaries(of path: String) -> [String] {
        let target = target(of: path)
        let (directory, name) = split(target)
        let prefix = name + ".tmp-"
        guard let stream = opendir(directory.isEmpty ? "." : directory) else { return [] }
        defer { closedir(stream) }
        var stale: [String] = []
        while let entry = readdir(stream) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard entryName.hasPrefix(prefix) else { continue }
            let digits = entryName.dropFirst(prefix.count)
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let pid = Int32(digits),
                pid > 0, pid != getpid()
            else { continue }
            guard kill(pid, 0) != 0, errno == ESRCH else { continue }
            stale.append(directory + entryName)
        }
        var removed: [String] = []
        for file in stale {
            var info = stat()
            guard lstat(file, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            if unlink(file) == 0 { removed.append(file) }
        }
        return removed
    }

    /// Whether `a` and `b` name the same file: the same device and inode when both exist (which also
    /// catches hard links), else the same canonical path (see `canonicalPath`).
    public static func isSameFile(_ a: String, _ b: String) -> Bool {
        var infoA = stat()
        var infoB = stat()
        if stat(a, &infoA) == 0, stat(b, &infoB) == 0 {
            return infoA.st_dev == infoB.st_dev && infoA.st_ino == infoB.st_ino
        }
        guard let canonicalA = canonicalPath(a), let canonicalB = canonicalPath(b) else { return false }
        return canonicalA == canonicalB
    }

    /// The absolute path with every link, `.` and `..` resolved: `realpath` of the file when it
    /// exists, else `realpath` of its folder plus its name (a file about to be created), with a
    /// dangling link followed first. Nil when the folder does not exist either.
    public static func canonicalPath(_ path: String) -> String? {
        if let resolved = realPath(path) { return resolved }
        let (directory, name) = split(target(of: path))
        guard !name.isEmpty, name != ".", name != "..", let folder = realPath(directory.isEmpty ? "." : directory)
        else { return nil }
        return folder == "/" ? "/" + name : folder + "/" + name
    }

    // MARK: Helpers

    /// `("dir/", "name")` for `"dir/name"`, `("", "name")` for `"name"`.
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[...slash]), String(path[path.index(after: slash)...]))
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func readLink(_ path: String) -> String? {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = buffer.withUnsafeMutableBytes { raw -> Int in
            guard let base = raw.baseAddress else { return -1 }
            return readlink(path, base.assumingMemoryBound(to: CChar.self), raw.count - 1)
        }
        guard count > 0 else { return nil }
        return String(decoding: buffer.prefix(count), as: UTF8.self)
    }
}
