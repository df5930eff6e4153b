#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// When each input of a store was first imported, kept beside the store in `TARGET.imported`
/// rather than in it.
///
/// The store file is a function of its set of inputs: the same inputs give the same bytes, whenever
/// and wherever they were imported. A time of import would break that, so it lives in this small
/// file instead: one line per input, `SHA-256 (hex) TAB Unix seconds`, sorted by SHA-256. `import`
/// adds the inputs it is the first to bring, `merge` keeps the earliest time each input has in
/// its shards' files, and `forget` removes the lines of the inputs it forgets. A store copied
/// without this file loses nothing but these times.
public enum ImportLog {
    /// `TARGET.imported`, beside the file a save of `storePath` replaces.
    public static func path(of storePath: String) -> String { StoreFile.target(of: storePath) + ".imported" }

    /// The times in the file beside `storePath` (none when there is no file), by SHA-256 hex.
    /// Lines that are not `hex TAB seconds` are skipped: the file only informs `inputs`.
    public static func read(storePath: String) -> [String: Int64] {
        guard let file = fopen(path(of: storePath), "r") else { return [:] }
        defer { fclose(file) }
        var times: [String: Int64] = [:]
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let fields = text.split(separator: "\t")
            guard fields.count == 2, fields[0].count == 64, fields[0].allSatisfy(\.isHexDigit),
                let seconds = Int64(fields[1].filter { !$0.isWhitespace })
            else { continue }
            let key = fields[0].lowercased()
            times[key] = min(times[key] ?? seconds, seconds)
        }
        return times
    }

    /// Replaces the file beside `storePath` with `times` (temporary file and rename). Failing to
    /// write it is not an error of the command: the store is already saved.
    @discardableResult
    public static func write(_ times: [String: Int64], storePath: String) -> Bool {
        let target = path(of: storePath)
        let temporary = target + ".tmp-\(getpid())"
        var text = ""
        for key in times.keys.sorted() { text += "\(key)\t\(times[key] ?? 0)\n" }
        let fd = open(temporary, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { return false }
        let bytes = Array(text.utf8)
        var ok = true
        do {
            try bytes.withUnsafeBytes { try Snapshot.writeAll(fd, $0, at: 0, path: temporary) }
        } catch {
            ok = false
        }
        close(fd)
        guard ok, rename(temporary, target) == 0 else {
            unlink(temporary)
            return false
        }
        return true
    }

    /// The current time in Unix seconds.
    public static func now() -> Int64 { Int64(time(nil)) }
}
