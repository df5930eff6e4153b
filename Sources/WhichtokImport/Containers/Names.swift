import WhichtokSupport

/// Name rules shared by discovery and reading: which names look like archives, which entries are
/// platform junk, and how names are shown on a terminal.
enum Names {
    /// Makes a name safe to show on a terminal (`TerminalText.escaped`: control characters,
    /// bidirectional controls and line separators become `\u{..}` escapes). Only for display;
    /// callers match raw names.
    static func display(_ name: String) -> String {
        TerminalText.escaped(name)
    }

    /// The last path component ("a/b/c.zip" → "c.zip"; trailing slashes ignored).
    static func baseName(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        if let slash = trimmed.lastIndex(of: "/") {
            return String(trimmed[trimmed.index(after: slash)...])
        }
        return String(trimmed)
    }

    private static let containerSuffixes = [
        ".zip", ".tar", ".tgz", ".taz", ".tbz", ".tbz2", ".txz", ".tzst", ".7z",
        ".tar.gz", ".tar.bz2", ".tar.xz", ".tar.zst", ".tar.lz4",
    ]
    private static let compressionSuffixes = [".gz", ".bz2", ".xz", ".zst", ".lz4"]

    /// A name that promises an archive format (zip, tar, 7z, possibly compressed).
    static func claimsContainer(_ name: String) -> Bool {
        if let claims = ifASCII(name, { ascii in containerSuffixes.contains { ascii.hasSuffixLowercased($0) } }) {
            return claims
        }
        let lower = name.lowercased()
        return containerSuffixes.contains { lower.hasSuffix($0) }
    }

    /// A name that promises a compressed single file (".gz" and friends, not ".tar.gz").
    static func compressionSuffix(_ name: String) -> String? {
        if let suffix = ifASCII(name, { ascii in compressionSuffixes.first { ascii.hasSuffixLowercased($0) } }) {
            return suffix
        }
        let lower = name.lowercased()
        return compressionSuffixes.first { lower.hasSuffix($0) }
    }

    /// An archive or compressed file: read as its own input, whether found in a directory or
    /// inside another archive.
    static func isArchive(_ name: String) -> Bool {
        claimsContainer(name) || compressionSuffix(name) != nil
    }

    /// The entry name for an input read as one plain file: its base name, without a compression
    /// suffix when the content was indeed compressed.
    static func plainEntryName(fileName: String, compressed: Bool) -> String {
        var base = baseName(fileName)
        if compressed, let suffix = compressionSuffix(base), base.count > suffix.count {
            base = String(base.dropLast(suffix.count))
        }
        return base.isEmpty ? "data" : base
    }

    /// macOS metadata that zip tools add next to real files: `__MACOSX/...` and `._name`.
    static func isPlatformJunk(_ path: String) -> Bool {
        if let junk = ifASCII(path, \.isPlatformJunk) { return junk }
        if path.hasPrefix("__MACOSX/") || path.contains("/__MACOSX/") || path == "__MACOSX" { return true }
        return baseName(path).hasPrefix("._")
    }

    /// `text.contains(pattern)` for a `pattern` of ASCII that neither starts nor ends with CR or
    /// LF: on the bytes when `text` is ASCII too (see `ifASCII`), without a `Character` search.
    static func contains(_ text: String, _ pattern: StaticString) -> Bool {
        let found = ifASCII(text) { ascii -> Bool in
            let want = UnsafeBufferPointer(start: pattern.utf8Start, count: pattern.utf8CodeUnitCount)
            guard ascii.bytes.count >= want.count else { return false }
            for start in 0...(ascii.bytes.count - want.count)
            where ascii.bytes[start..<(start + want.count)].elementsEqual(want) {
                return true
            }
            return false
        }
        return found ?? text.contains(pattern.description)
    }

    /// `body` of the UTF-8 of a name that is all ASCII, else nil. Every entry's name goes through the rules
    /// above; on ASCII bytes they give what the `String` rules give (the patterns are ASCII, and
    /// the one ASCII `Character` of two bytes, CR LF, neither holds nor borders a `/` or a `.`),
    /// without lowercased copies and `Character` by `Character` searches.
    private static func ifASCII<Result>(_ name: String, _ body: (ASCIIName) -> Result) -> Result? {
        name.utf8.withContiguousStorageIfAvailable { bytes -> Result? in
            for byte in bytes where byte >= 0x80 { return nil }
            return body(ASCIIName(bytes: bytes))
        } ?? nil
    }
}

/// A name's bytes, all ASCII (`Names.ifASCII`); valid inside its `body`.
private struct ASCIIName {
    let bytes: UnsafeBufferPointer<UInt8>
    private static let junkFolder = Array("__MACOSX".utf8)

    /// Ends with `suffix` (lowercase ASCII), ignoring ASCII case: `lowercased().hasSuffix(suffix)`.
    func hasSuffixLowercased(_ suffix: String) -> Bool {
        let tail = suffix.utf8
        guard bytes.count >= tail.count else { return false }
        var index = bytes.count - tail.count
        for want in tail {
            let byte = bytes[index]
            if (byte &- 0x41 < 26 ? byte | 0x20 : byte) != want { return false }
            index += 1
        }
        return true
    }

    /// `Names.isPlatformJunk` on the bytes.
    var isPlatformJunk: Bool {
        let folder = Self.junkFolder
        let count = bytes.count
        func folderAt(_ start: Int) -> Bool {
            count - start >= folder.count && bytes[start..<(start + folder.count)].elementsEqual(folder)
        }
        let slash = UInt8(ascii: "/")
        // `__MACOSX`, `__MACOSX/…`, `…/__MACOSX/…`.
        if count == folder.count, folderAt(0) { return true }
        if count > folder.count, folderAt(0), bytes[folder.count] == slash { return true }
        for index in 0..<count where bytes[index] == slash {
            let after = index + 1 + folder.count
            if after < count, folderAt(index + 1), bytes[after] == slash { return true }
        }
        // The base name (`Names.baseName`) starts with `._`.
        var end = count
        while end > 1, bytes[end - 1] == slash { end -= 1 }
        var start = end
        while start > 0, bytes[start - 1] != slash { start -= 1 }
        return end - start >= 2 && bytes[start] == UInt8(ascii: ".") && bytes[start + 1] == UInt8(ascii: "_")
    }
}
