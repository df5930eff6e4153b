import Synchronization

/// Limits applied while reading inputs. All are checked chunk by chunk while an entry is being
/// decompressed, never after the fact.
public struct ImportLimits: Sendable {
    /// Largest single entry, in decompressed bytes (`--max-entry-bytes`).
    public var maxEntryBytes: Int = 4 << 30
    /// Largest allowed ratio of decompressed output to the bytes of the file read from disk, over
    /// everything decompressed from it at every depth (archives inside archives included), plus a
    /// fixed 1 MiB allowance. No real export comes near the default.
    public var maxCompressionRatio: Int = 1000
    /// Memory all inputs read at once may hold together for what they decompress (`--max-memory`;
    /// see `MemoryBudget`).
    public var maxMemoryBytes: Int = ImportLimits.defaultMaxMemoryBytes

    public init(
        maxEntryBytes: Int = 4 << 30, maxCompressionRatio: Int = 1000,
        maxMemoryBytes: Int = ImportLimits.defaultMaxMemoryBytes
    ) {
        self.maxEntryBytes = maxEntryBytes
        self.maxCompressionRatio = maxCompressionRatio
        self.maxMemoryBytes = maxMemoryBytes
    }
}

/// A problem with one input. Names files and positions only, never file contents.
public struct InputError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case notFound, rejected }

    public var kind: Kind
    /// Display name of the input (sanitised for terminals).
    public var input: String
    /// The entry inside the input, if the problem is about one (sanitised for terminals).
    public var entry: String?
    /// Where in the input, e.g. "offset 1234".
    public var position: String?
    public var message: String

    public init(kind: Kind, input: String, entry: String? = nil, position: String? = nil, message: String) {
        self.kind = kind
        self.input = input
        self.entry = entry
        self.position = position
        self.message = message
    }

    /// "a.zip:user_data.json: offset 1234: message", leaving out absent parts.
    public var description: String {
        var text = input
        if let entry { text += ":" + entry }
        if let position { text += ": " + position }
        return text + ": " + message
    }
}

/// One importable unit.
public struct InputSource: Sendable, Hashable {
    public enum Location: Sendable, Hashable {
        /// An archive (zip/tar/tgz/gz...) or a plain file: libarchive decides by content, not name.
        case file(String)
        /// An archive found inside another archive.
        case memory([UInt8])
        /// Loose files from a directory, read as one export. `paths` are relative to `root`, sorted.
        case files(root: String, paths: [String])
    }

    /// The path as the user gave it; "dir/x.zip" for found files; "outer.zip!inner.zip" for nested.
    public var displayName: String
    public var location: Location
    /// For an archive found inside another input: what it shares with the file it came from.
    var origin: NestedOrigin?

    public init(displayName: String, location: Location) {
        self.displayName = displayName
        self.location = location
    }
}

public struct InputDigest: Sendable {
    /// 32 bytes. For `.file`/`.memory`: SHA-256 of the input's bytes. For `.files`: SHA-256 over the
    /// sorted relative paths and contents, each file framed as
    /// `path (UTF-8) · 0x00 · content length (8 bytes, big-endian) · content`.
    public var sha256: [UInt8]
    /// Decompressed bytes delivered to the caller's `body`.
    public var bytesRead: Int
    /// Archives found inside this one, returned as `.memory` inputs and not passed to `body`.
    /// Each holds its bytes in the reader's memory budget, and counts what it decompresses against
    /// the file on disk it came from, until it is dropped.
    public var nested: [InputSource]

    public init(sha256: [UInt8], bytesRead: Int, nested: [InputSource]) {
        self.sha256 = sha256
        self.bytesRead = bytesRead
        self.nested = nested
    }
}

/// What an archive found inside another input carries from the file on disk it came from: the
/// decompression allowance of that file, and the memory its own bytes hold until it is read.
/// Compared by identity, so that inputs stay hashable.
final class NestedOrigin: Sendable, Hashable {
    let expansion: ExpansionAllowance
    let pin: MemoryPin?

    init(expansion: ExpansionAllowance, pin: MemoryPin?) {
        self.expansion = expansion
        self.pin = pin
    }

    static func == (lhs: NestedOrigin, rhs: NestedOrigin) -> Bool { lhs === rhs }
    func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

/// Decompressed bytes allowed for one file read from disk and everything inside it, at every
/// depth: `ratio` × its size + 1 MiB.
///
/// Measured against the file on disk, not against an archive found inside it: an archive inside
/// an archive is itself small and highly compressible, so a ratio per level would let each level
/// multiply the last. Shared by the nested inputs of one file, which may be read on several
/// threads at once.
final class ExpansionAllowance: Sendable {
    let limit: Int64
    let ratio: Int
    /// The file on disk, as shown in messages.
    let diskName: String
    private let used = Mutex<Int64>(0)

    init(diskBytes: Int64, ratio: Int, diskName: String) {
        let (product, overflow) = max(diskBytes, 0).multipliedReportingOverflow(by: Int64(max(ratio, 1)))
        let (sum, overflow2) = product.addingReportingOverflow(1 << 20)
        limit = overflow || overflow2 ? Int64.max - 1 : sum
        self.ratio = ratio
        self.diskName = diskName
    }

    /// The reason for refusing an input found beyond the limit; `nested` names the file on disk.
    func message(nested: Bool) -> String {
        let against = nested ? " (measured against \(diskName), the file on disk)" : ""
        return "compression ratio beyond \(ratio):1\(against): not a real export (zip bomb?)"
    }

    /// Bytes that may still be decompressed.
    var remaining: Int64 { used.withLock { max(limit - $0, 0) } }

    /// Counts `count` more bytes (negative: takes back bytes counted by a reading that was given
    /// up); false once the total is beyond the limit.
    func add(_ count: Int64) -> Bool {
        used.withLock { used in
            let (sum, overflow) = used.addingReportingOverflow(count)
            used = overflow ? Int64.max : sum
            return used <= limit
        }
    }
}
