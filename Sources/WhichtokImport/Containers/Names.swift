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
        let lower = name.lowercased()
        return containerSuffixes.contains { lower.hasSuffix($0) }
    }

    /// A name that promises a compressed single file (".gz" and friends, not ".tar.gz").
    static func compressionSuffix(_ name: String) -> String? {
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
        if path.hasPrefix("__MACOSX/") || path.contains("/__MACOSX/") || path == "__MACOSX" { return true }
        return baseName(path).hasPrefix("._")
    }
}
