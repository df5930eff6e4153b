/// How readers' values become a batch's: the placeholders that mean "no value" and the
/// normalised form of a username. `ImportBatch` applies them to every name, title and string a
/// reader hands it, so a placeholder never becomes an identity, whichever reader found it.
extension ImportBatch {
    /// The archive placeholders that mean "no value": `""`, `"N/A"`, `"None"`, `"N.v.t."`, `"null"`, blanks.
    public static func isPlaceholder(_ text: String) -> Bool {
        let trimmed = text.trimmingWhitespace()
        // Every placeholder is short ASCII: most values are rejected without lowercasing.
        guard trimmed.utf8.count <= 6 else { return false }
        if trimmed.isEmpty { return true }
        switch trimmed.lowercasedFast() {
        case "n/a", "none", "n.v.t.", "null", "nil", "-": return true
        default: return false
        }
    }

    /// Lowercases, strips a leading `@` and surrounding blanks; nil for placeholders.
    public static func normalisedUsername(_ raw: String) -> String? {
        var text = Substring(raw.trimmingWhitespace())
        if text.first == "@" { text = text.dropFirst() }
        let name = String(text)
        if isPlaceholder(name) { return nil }
        return name.lowercasedFast()
    }

    /// `normalisedUsername(String(decoding: bytes, as: UTF8.self))`, without making that `String`
    /// for an ASCII name (nearly every one): trimmed, a leading `@` dropped, placeholders refused
    /// and lowercased on the bytes, so the one `String` made is the result.
    public static func normalisedUsername(bytes: UnsafeRawBufferPointer) -> String? {
        for byte in bytes where byte >= 0x80 {
            return normalisedUsername(String(decoding: bytes, as: UTF8.self))
        }
        // ASCII: the White_Space of `trimmingWhitespace` is TAB…CR and the blank.
        @inline(__always) func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        var start = 0
        var end = bytes.count
        while start < end, isBlank(bytes[start]) { start += 1 }
        while end > start, isBlank(bytes[end - 1]) { end -= 1 }
        if start < end, bytes[start] == UInt8(ascii: "@") { start += 1 }
        // `isPlaceholder` of what is left: trimmed again (blanks after the `@`), at most 6 bytes.
        var first = start
        while first < end, isBlank(bytes[first]) { first += 1 }
        if end - first <= 6 {
            var lowered: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &lowered) { out in
                for index in first..<end { out[index - first] = asciiLower(bytes[index]) }
            }
            let text = withUnsafeBytes(of: lowered) { String(decoding: $0.prefix(end - first), as: UTF8.self) }
            switch text {
            case "", "n/a", "none", "n.v.t.", "null", "nil", "-": return nil
            default: break
            }
        }
        return String(unsafeUninitializedCapacity: end - start) { out in
            for index in start..<end { out[index - start] = asciiLower(bytes[index]) }
            return end - start
        }
    }

    @inline(__always)
    private static func asciiLower(_ byte: UInt8) -> UInt8 { byte &- 0x41 < 26 ? byte | 0x20 : byte }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines (Foundation-free).
    package func trimmingWhitespace() -> String {
        // Fast path: nothing to trim at either end (checked on UTF-8 bytes, ASCII and NBSP-free).
        let bytes = utf8
        if let first = bytes.first, let last = bytes.last,
            first > 0x20, first < 0x80, last > 0x20, last < 0x80
        {
            return self
        }
        if bytes.isEmpty { return self }
        // Only the ends are looked at, and White_Space is a short fixed list: no property tables.
        let scalars = unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, scalars[start].isWhiteSpaceScalar { start = scalars.index(after: start) }
        while end > start, scalars[scalars.index(before: end)].isWhiteSpaceScalar { end = scalars.index(before: end) }
        if start == scalars.startIndex, end == scalars.endIndex { return self }
        return String(scalars[start..<end])
    }

    /// Lowercased; ASCII text is lowercased byte by byte, without Unicode case tables.
    package func lowercasedFast() -> String {
        var hasCapital = false
        for byte in utf8 {
            if byte >= 0x80 { return lowercased() }
            if byte >= 0x41, byte <= 0x5A { hasCapital = true }
        }
        guard hasCapital else { return self }
        return String(decoding: utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}

extension Unicode.Scalar {
    /// The Unicode White_Space property (U+0009–U+000D, U+0020, U+0085, U+00A0, U+1680,
    /// U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000), without the property tables.
    var isWhiteSpaceScalar: Bool {
        switch value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }
}
