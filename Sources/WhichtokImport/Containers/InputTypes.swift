/// Limits applied while reading inputs. Both are checked chunk by chunk while an entry is being
/// decompressed, never after the fact.
public struct ImportLimits: Sendable {
    /// Largest single entry, in decompressed bytes (`--max-entry-bytes`).
    public var maxEntryBytes: Int = 4 << 30
    /// Largest allowed ratio of decompressed output to compressed input over a whole input
    /// (plus a fixed 1 MiB allowance). No real export comes near the default.
    public var maxCompressionRatio: Int = 1000

    public init(maxEntryBytes: Int = 4 << 30, maxCompressionRatio: Int = 1000) {
        self.maxEntryBytes = maxEntryBytes
        self.maxCompressionRatio = maxCompressionRatio
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
    public var nested: [InputSource]

    public init(sha256: [UInt8], bytesRead: Int, nested: [InputSource]) {
        self.sha256 = sha256
        self.bytesRead = bytesRead
        self.nested = nested
    }
}

/// A failure while writing an archive with `ArchiveWriter`.
public struct ArchiveWriteError: Error, Sendable, CustomStringConvertible {
    /// The output path, or "memory".
    public var output: String
    /// The entry being written, if any.
    public var entry: String?
    public var message: String

    public init(output: String, entry: String? = nil, message: String) {
        self.output = output
        self.entry = entry
        self.message = message
    }

    public var description: String {
        var text = output
        if let entry { text += ":" + entry }
        return text + ": " + message
    }
}
