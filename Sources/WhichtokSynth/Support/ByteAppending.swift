import WhichtokSupport

extension [UInt8] {
    /// Appends the UTC calendar date of a Unix time as `YYYY-MM-DD`.
    mutating func appendDay(_ time: Int64) {
        CivilTime(unixTime: time).append(.date, to: &self)
    }

    /// Appends a Unix time as `YYYY-MM-DD HH:MM:SS` (UTC), as TikTok's data downloads write times.
    /// `-1` gives `1969-12-31 23:59:59`.
    mutating func appendDate(_ time: Int64) {
        CivilTime(unixTime: time).append(.dateTime, to: &self)
    }
}

extension String {
    /// The string's UTF-8 bytes.
    var bytes: [UInt8] { Array(utf8) }
}

/// Lexicographic order of UTF-8 bytes: the order TikTok's exports sort keys in (`TikTok Shop` before
/// `Tiktok Live`), and a total order that never depends on the process or locale.
func utf8Less(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
}
