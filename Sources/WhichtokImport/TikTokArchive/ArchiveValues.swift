import WhichtokSupport

/// Byte-level parsers for the values inside TikTok archives: dates, links, text fingerprints.
///
/// Everything here works on raw UTF-8 bytes (`UnsafeRawBufferPointer`) and allocates nothing.
/// These run once per record: millions of times per study.

// MARK: - Bytes

enum ArchiveBytes {
    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 { byte &- 0x41 < 26 ? byte | 0x20 : byte }

    /// `bytes` without leading and trailing ASCII whitespace.
    static func trimmed(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var start = 0
        var end = bytes.count
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }

    /// ASCII case-insensitive equality with `text` (which must be lowercase ASCII).
    static func equalsLowercase(_ bytes: UnsafeRawBufferPointer, _ text: StaticString) -> Bool {
        guard bytes.count == text.utf8CodeUnitCount else { return false }
        let other = text.utf8Start
        for index in 0..<bytes.count where lower(bytes[index]) != other[index] { return false }
        return true
    }

    /// Whether `bytes` starts with `prefix` (lowercase ASCII), ignoring ASCII case.
    static func hasPrefixLowercase(_ bytes: UnsafeRawBufferPointer, _ prefix: StaticString) -> Bool {
        guard bytes.count >= prefix.utf8CodeUnitCount else { return false }
        let other = prefix.utf8Start
        for index in 0..<prefix.utf8CodeUnitCount where lower(bytes[index]) != other[index] { return false }
        return true
    }

    /// The placeholders that mean "no value" in a text field: blank, `N/A`, `None`, `N.v.t.`, `null`.
    static func isNullPlaceholder(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let text = trimmed(bytes)
        switch text.count {
        case 0: return true
        case 3: return equalsLowercase(text, "n/a")
        case 4: return equalsLowercase(text, "none") || equalsLowercase(text, "null")
        case 6: return equalsLowercase(text, "n.v.t.")
        default: return false
        }
    }

    /// An unsigned decimal number, exact; nil for an empty run, 0, non-digits or overflow.
    static func parseID(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard !bytes.isEmpty, bytes.count <= 20 else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            let digit = byte &- 0x30
            guard digit < 10 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return value == 0 ? nil : value
    }

    /// The value of the ASCII digits `bytes[start..<end]`, at most 19 of them (so it cannot
    /// overflow), eight at a time: a TikTok id has 19, and its digits were a visible part of
    /// reading a link.
    @inline(__always)
    static func digitsValue(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> UInt64 {
        assert(end - start <= 19 && start >= 0 && end <= bytes.count, "digits out of range")
        var value: UInt64 = 0
        var index = start
        while end - index >= 8 {
            value = value &* 100_000_000 &+ eightDigits(bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            index += 8
        }
        while index < end {
            value = value &* 10 &+ UInt64(bytes[index] &- 0x30)
            index += 1
        }
        return value
    }

    /// Where the run of ASCII digits starting at `start` ends: eight bytes at a time while eight
    /// are left (a TikTok id has 19 digits), then byte by byte.
    @inline(__always)
    static func digitRunEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var end = start
        while bytes.count - end >= 8 {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: end, as: UInt64.self))
            // A byte's top bit: at or above ':' (b + 0x46), below '0' (0xAF - b), or beyond ASCII.
            // A byte beyond ASCII may carry into the next ones, which come after the first
            // non-digit: only the lowest marked byte is used.
            let marked =
                ((word &+ 0x4646_4646_4646_4646) | (0xAFAF_AFAF_AFAF_AFAF &- word) | word) & 0x8080_8080_8080_8080
            if marked != 0 { return end + marked.trailingZeroBitCount / 8 }
            end += 8
        }
        while end < bytes.count, isDigit(bytes[end]) { end += 1 }
        return end
    }

    /// Eight ASCII digits loaded little-endian (the first digit in the lowest byte) as their value
    /// (simdjson's `parse_eight_digits_unrolled`).
    @inline(__always)
    private static func eightDigits(_ word: UInt64) -> UInt64 {
        let littleEndian = UInt64(littleEndian: word)
        var value = littleEndian &- 0x3030_3030_3030_3030
        value = value &* 10 &+ (value >> 8)
        let mask: UInt64 = 0x0000_00FF_0000_00FF
        let multiplier1: UInt64 = 0x000F_4240_0000_0064  // 100 + (1_000_000 << 32)
        let multiplier2: UInt64 = 0x0000_2710_0000_0001  // 1 + (10_000 << 32)
        value = ((value & mask) &* multiplier1 &+ ((value >> 16) & mask) &* multiplier2) >> 32
        return value & 0xFFFF_FFFF
    }

    static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// Whether `bytes` are well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or values
    /// beyond U+10FFFF). Runs of ASCII are checked eight bytes at a time, so an English export
    /// costs one pass of word loads.
    static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let count = bytes.count
        var index = 0
        while index < count {
            // Runs of ASCII 32 bytes at a time, then 8.
            while index + 32 <= count,
                (bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    | bytes.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self)
                    | bytes.loadUnaligned(fromByteOffset: index + 16, as: UInt64.self)
                    | bytes.loadUnaligned(fromByteOffset: index + 24, as: UInt64.self)) & 0x8080_8080_8080_8080 == 0
            {
                index += 32
            }
            while index + 8 <= count,
                bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
            {
                index += 8
            }
            guard index < count else { break }
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            guard let (length, low, high) = UTF8Validation.sequence(lead: lead) else { return false }
            guard count - index >= length else { return false }
            let second = bytes[index + 1]
            guard second >= low, second <= high else { return false }
            for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 { return false }
            index += length
        }
        return true
    }
}

// MARK: - Dates

/// Archive timestamps: `YYYY-MM-DD HH:MM:SS` in UTC, with an optional ` UTC` (or `Z`, `+0000`)
/// suffix, or epoch seconds/milliseconds written as digits.
enum ArchiveDate {
    enum Parsed: Equatable {
        /// UTC seconds since 1970.
        case time(UInt32)
        /// A value that means "unknown": empty, `N/A`, `None`, `0`, or a date before 1970 such as
        /// the `1969-12-31 23:59:59` placeholder.
        case placeholder
        /// Something that is not a date.
        case invalid
    }

    /// Parses a timestamp. `hadUTCSuffix` tells whether the text spelled out ` UTC` (TXT and 2026 JSON).
    static func parse(_ raw: UnsafeRawBufferPointer, hadUTCSuffix: inout Bool) -> Parsed {
        var days = DayCache()
        return parse(raw, hadUTCSuffix: &hadUTCSuffix, days: &days)
    }

    /// `parse(_:hadUTCSuffix:)` for a reader that parses many dates: `days` keeps the day of the
    /// last canonical date (see `DayCache`).
    static func parse(_ raw: UnsafeRawBufferPointer, hadUTCSuffix: inout Bool, days: inout DayCache) -> Parsed {
        if raw.count == 19, let time = canonicalTime(raw, days: &days) { return .time(time) }
        // The same with ` UTC` (TXT direct messages, 2026 JSON).
        if raw.count == 23, raw[19] == 0x20, raw[20] == 0x55, raw[21] == 0x54, raw[22] == 0x43,
            let time = canonicalTime(UnsafeRawBufferPointer(rebasing: raw[0..<19]), days: &days)
        {
            hadUTCSuffix = true
            return .time(time)
        }
        let bytes = ArchiveBytes.trimmed(raw)
        if bytes.isEmpty || ArchiveBytes.isNullPlaceholder(bytes) { return .placeholder }
        if ArchiveBytes.isDigit(bytes[0]), bytes.allSatisfy(ArchiveBytes.isDigit) { return parseEpoch(bytes) }
        guard bytes.count >= 10,
            let year = number(bytes, 0, 4), bytes[4] == 0x2D,
            let month = number(bytes, 5, 2), bytes[7] == 0x2D,
            let day = number(bytes, 8, 2)
        else { return .invalid }
        var hour = 0
        var minute = 0
        var second = 0
        var index = 10
        if bytes.count > 10 {
            guard bytes.count >= 19, bytes[10] == 0x20 || bytes[10] == 0x54,  // ' ' or 'T'
                let h = number(bytes, 11, 2), bytes[13] == 0x3A,
                let m = number(bytes, 14, 2), bytes[16] == 0x3A,
                let s = number(bytes, 17, 2)
            else { return .invalid }
            hour = h
            minute = m
            second = s
            index = 19
            // Fractional seconds.
            if index < bytes.count, bytes[index] == 0x2E {
                index += 1
                while index < bytes.count, ArchiveBytes.isDigit(bytes[index]) { index += 1 }
            }
        }
        guard zoneSuffixIsUTC(UnsafeRawBufferPointer(rebasing: bytes[index...]), hadUTCSuffix: &hadUTCSuffix)
        else { return .invalid }
        guard (1...12).contains(month), day >= 1, day <= CivilTime.daysInMonth(year: year, month: month),
            hour < 24, minute < 60, second <= 60
        else { return .invalid }
        let days = CivilTime.days(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second
        if seconds <= 0 { return .placeholder }
        guard seconds <= Int(UInt32.max) else { return .invalid }
        return .time(UInt32(seconds))
    }

    /// The day of the last date the fast path read, by the date's ten bytes (`YYYY-MM-DD`): the
    /// records of an export are mostly in time order, so a date usually falls on the day of the
    /// one before it, and then only its time is read. A cache only: a date parses to the same
    /// result with or without it. One per list or file being read.
    struct DayCache {
        /// The date's first eight bytes and the two after them, as loaded; a date read on the fast
        /// path has `-` among its first eight bytes, so the zeros of an empty cache match none.
        fileprivate var head: UInt64 = 0
        fileprivate var tail: UInt16 = 0
        fileprivate var days = 0
    }

    /// Fast path for `YYYY-MM-DD HH:MM:SS` exactly (19 bytes, a blank between date and time), the
    /// form of nearly every date in an export, when it is a valid time after 1970: its seconds.
    /// nil for anything else, which the general parser decides (with the same result for these).
    @inline(__always)
    private static func canonicalTime(_ bytes: UnsafeRawBufferPointer, days cache: inout DayCache) -> UInt32? {
        guard bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x20, bytes[13] == 0x3A, bytes[16] == 0x3A else {
            return nil
        }
        @inline(__always) func pair(_ at: Int) -> Int {
            let high = Int(bytes[at] &- 0x30)
            let low = Int(bytes[at + 1] &- 0x30)
            return high < 10 && low < 10 ? high * 10 + low : -1
        }
        let head = bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        let tail = bytes.loadUnaligned(fromByteOffset: 8, as: UInt16.self)
        let days: Int
        if head == cache.head, tail == cache.tail {
            days = cache.days
        } else {
            let century = pair(0)
            let yearInCentury = pair(2)
            let month = pair(5)
            let day = pair(8)
            guard century >= 0, yearInCentury >= 0, month >= 1, month <= 12, day >= 1 else { return nil }
            let year = century * 100 + yearInCentury
            guard day <= CivilTime.daysInMonth(year: year, month: month) else { return nil }
            days = CivilTime.days(year: year, month: month, day: day)
            cache = DayCache(head: head, tail: tail, days: days)
        }
        let hour = pair(11)
        let minute = pair(14)
        let second = pair(17)
        guard hour >= 0, hour < 24, minute >= 0, minute < 60, second >= 0, second <= 60 else { return nil }
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second
        guard seconds > 0, seconds <= Int(UInt32.max) else { return nil }
        return UInt32(seconds)
    }

    static func parse(_ raw: UnsafeRawBufferPointer) -> Parsed {
        var ignored = false
        return parse(raw, hadUTCSuffix: &ignored)
    }

    /// Test and convenience entry point.
    static func parse(_ text: String) -> Parsed {
        var copy = text
        return copy.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    /// Digits only: `0` is a placeholder, up to 10 digits are seconds, 12–13 digits milliseconds.
    private static func parseEpoch(_ bytes: UnsafeRawBufferPointer) -> Parsed {
        guard let value = ArchiveBytes.parseID(bytes) else { return .placeholder }  // all zeros
        switch bytes.count {
        case ...10: return value <= UInt64(UInt32.max) ? .time(UInt32(value)) : .invalid
        case 12...13:
            // 13 digits of milliseconds can pass 2106 (UInt32 seconds): invalid, like 10 digits past it.
            let seconds = value / 1000
            return seconds <= UInt64(UInt32.max) ? .time(UInt32(seconds)) : .invalid
        default: return .invalid
        }
    }

    /// Accepts "", " UTC", "Z", " +0000", " +0000 UTC", "+00:00" (any case, blanks between).
    private static func zoneSuffixIsUTC(_ rest: UnsafeRawBufferPointer, hadUTCSuffix: inout Bool) -> Bool {
        var index = 0
        func skipSpaces() { while index < rest.count, rest[index] == 0x20 { index += 1 } }
        skipSpaces()
        if index == rest.count { return true }
        if rest[index] == 0x5A || rest[index] == 0x7A {  // Z
            index += 1
            skipSpaces()
            return index == rest.count
        }
        if rest[index] == 0x2B || rest[index] == 0x2D {  // +0000 / -00:00
            index += 1
            var digits = 0
            while index < rest.count, ArchiveBytes.isDigit(rest[index]) || rest[index] == 0x3A {
                if rest[index] != 0x30 && rest[index] != 0x3A { return false }  // only a zero offset
                if rest[index] == 0x30 { digits += 1 }
                index += 1
            }
            guard digits == 4 else { return false }
            skipSpaces()
            if index == rest.count { return true }
        }
        guard rest.count - index == 3,
            ArchiveBytes.equalsLowercase(UnsafeRawBufferPointer(rebasing: rest[index...]), "utc")
        else { return false }
        hadUTCSuffix = true
        return true
    }

    @inline(__always)
    private static func number(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ length: Int) -> Int? {
        var value = 0
        for index in start..<(start + length) {
            let digit = bytes[index] &- 0x30
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }
}

// MARK: - Links

/// The ids found in a TikTok link (Docs/archive-format.md, 'Ids and links'). A zero means "not present".
struct ArchiveLink {
    /// `/video/<id>`: share links and `tiktok.com/@user/video/<id>`.
    var videoID: UInt64 = 0
    /// The `@user` path segment before `/video/<id>`, without `@`: bytes of the link itself (valid
    /// while they are, see `ArchiveText`), so that a link, and a record holding one, is plain data
    /// that is copied without reference counting.
    var author: ArchiveText?
    /// `/music/<id>.html` (also `/music/<title>-<id>`).
    var soundID: UInt64 = 0
    /// `/detail/<id>.html` (effects).
    var effectID: UInt64 = 0
    /// `/tag/<id>.html`.
    var tagID: UInt64 = 0
    /// `/challenge/<id>`.
    var challengeID: UInt64 = 0
    /// `/usr/<id>.html` (a numeric user id).
    var userID: UInt64 = 0
    /// Whether the host looks like TikTok's (`tiktok`, `tiktokv`, `musical.ly`).
    var isTikTokHost = false
    /// Whether the value is one URL and nothing else (after trimming).
    var isBareURL = false

    var hasAnyID: Bool {
        videoID | soundID | effectID | tagID | challengeID | userID != 0
    }

    var hashtagID: UInt64 { tagID != 0 ? tagID : challengeID }

    static func parse(_ raw: UnsafeRawBufferPointer) -> ArchiveLink {
        // A share link with nothing around it is its own trimmed form.
        if let fast = canonicalShareLink(raw) { return fast }
        var link = ArchiveLink()
        let bytes = ArchiveBytes.trimmed(raw)
        let count = bytes.count
        guard count > 0 else { return link }
        if bytes.count != raw.count, let fast = canonicalShareLink(bytes) { return fast }
        link.isBareURL =
            (ArchiveBytes.hasPrefixLowercase(bytes, "https://")
                || ArchiveBytes.hasPrefixLowercase(bytes, "http://"))
            && !bytes.contains(where: ArchiveBytes.isSpace)
        var authorStart = -1
        var authorEnd = -1
        var index = 0
        var slashes = 0
        while index < count {
            guard bytes[index] == 0x2F else {
                index += 1
                continue
            }  // '/'
            slashes += 1
            let nameStart = index + 1
            var nameEnd = nameStart
            while nameEnd < count, !isSegmentEnd(bytes[nameEnd]) { nameEnd += 1 }
            if slashes == 2 {  // "https://<host>"
                link.isTikTokHost = containsTikTok(bytes, nameStart, nameEnd)
            }
            guard nameEnd < count, bytes[nameEnd] == 0x2F else {
                if nameStart < nameEnd, bytes[nameStart] == 0x40 {  // '@user' as the last segment
                    authorStart = nameStart + 1
                    authorEnd = nameEnd
                }
                index = nameEnd
                continue
            }
            // The value segment after "<name>/".
            let valueStart = nameEnd + 1
            var valueEnd = valueStart
            while valueEnd < count, !isSegmentEnd(bytes[valueEnd]) { valueEnd += 1 }
            let name = UnsafeRawBufferPointer(rebasing: bytes[nameStart..<nameEnd])
            let value = UnsafeRawBufferPointer(rebasing: bytes[valueStart..<valueEnd])
            if nameStart < nameEnd, bytes[nameStart] == 0x40 {
                authorStart = nameStart + 1
                authorEnd = nameEnd
            } else if ArchiveBytes.equalsLowercase(name, "video") {
                if link.videoID == 0, let id = leadingID(value) {
                    link.videoID = id
                    if authorStart >= 0, authorEnd > authorStart {
                        link.author = ArchiveText(UnsafeRawBufferPointer(rebasing: bytes[authorStart..<authorEnd]))
                    }
                }
            } else if ArchiveBytes.equalsLowercase(name, "music") {
                if link.soundID == 0 { link.soundID = trailingID(withoutHTML(value)) ?? 0 }
            } else if ArchiveBytes.equalsLowercase(name, "detail") {
                if link.effectID == 0 { link.effectID = ArchiveBytes.parseID(withoutHTML(value)) ?? 0 }
            } else if ArchiveBytes.equalsLowercase(name, "tag") {
                if link.tagID == 0 { link.tagID = ArchiveBytes.parseID(withoutHTML(value)) ?? 0 }
            } else if ArchiveBytes.equalsLowercase(name, "challenge") {
                if link.challengeID == 0 { link.challengeID = ArchiveBytes.parseID(withoutHTML(value)) ?? 0 }
            } else if ArchiveBytes.equalsLowercase(name, "usr") {
                if link.userID == 0 { link.userID = ArchiveBytes.parseID(withoutHTML(value)) ?? 0 }
            }
            index = nameEnd
        }
        return link
    }

    /// `parse` of a `String` (tests), without its `author`, which would point into the string's
    /// bytes once they are gone: `author(of:)` gives that.
    static func parse(_ text: String) -> ArchiveLink {
        var copy = text
        var link = copy.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
        link.author = nil
        return link
    }

    /// The `author` of `parse(text)` as a `String` (tests).
    static func author(of text: String) -> String? {
        var copy = text
        return copy.withUTF8 { parse(UnsafeRawBufferPointer($0)).author?.string }
    }

    @inline(__always)
    /// Fast path for `https://www.tiktokv.com/share/video/<id>/` (with or without the last slash),
    /// the form of nearly every link in an export; nil for anything else. Gives the same result as
    /// the general parser.
    private static func canonicalShareLink(_ bytes: UnsafeRawBufferPointer) -> ArchiveLink? {
        let prefix: StaticString = "https://www.tiktokv.com/share/video/"
        let length = prefix.utf8CodeUnitCount
        guard bytes.count > length else { return nil }
        // The 36 bytes of the prefix as four words and a half, compared without a call.
        let want = UnsafeRawPointer(prefix.utf8Start)
        @inline(__always) func word(_ offset: Int) -> Bool {
            bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                == want.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        }
        guard word(0), word(8), word(16), word(24),
            bytes.loadUnaligned(fromByteOffset: 32, as: UInt32.self)
                == want.loadUnaligned(fromByteOffset: 32, as: UInt32.self)
        else { return nil }
        let end = ArchiveBytes.digitRunEnd(bytes, from: length)
        // Up to 19 digits cannot pass UInt64.max; 20 may, and the general parser checks them.
        guard end > length, end - length <= 19 else { return nil }
        let id = ArchiveBytes.digitsValue(bytes, from: length, to: end)
        guard id != 0, end == bytes.count || (end == bytes.count - 1 && bytes[end] == 0x2F) else {
            return nil
        }
        var link = ArchiveLink()
        link.videoID = id
        link.isTikTokHost = true
        link.isBareURL = true
        return link
    }

    private static func isSegmentEnd(_ byte: UInt8) -> Bool {
        byte == 0x2F || byte == 0x3F || byte == 0x23 || ArchiveBytes.isSpace(byte)  // / ? # blank
    }

    /// `7123…` in `7123…`, `7123….html`; nil when anything but a dot follows the digits.
    private static func leadingID(_ value: UnsafeRawBufferPointer) -> UInt64? {
        var end = 0
        while end < value.count, ArchiveBytes.isDigit(value[end]) { end += 1 }
        guard end > 0, end == value.count || value[end] == 0x2E else { return nil }
        return ArchiveBytes.parseID(UnsafeRawBufferPointer(rebasing: value[0..<end]))
    }

    /// The digits after the last `-` (or the whole segment): `original-sound-7123` → 7123.
    private static func trailingID(_ value: UnsafeRawBufferPointer) -> UInt64? {
        var start = value.count
        while start > 0, ArchiveBytes.isDigit(value[start - 1]) { start -= 1 }
        guard start == 0 || value[start - 1] == 0x2D else { return nil }
        return ArchiveBytes.parseID(UnsafeRawBufferPointer(rebasing: value[start...]))
    }

    private static func withoutHTML(_ value: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        guard value.count >= 5 else { return value }
        let suffix = UnsafeRawBufferPointer(rebasing: value[(value.count - 5)...])
        return ArchiveBytes.equalsLowercase(suffix, ".html")
            ? UnsafeRawBufferPointer(rebasing: value[..<(value.count - 5)]) : value
    }

    private static let hostNeedles: [StaticString] = ["tiktok", "musical.ly"]

    private static func containsTikTok(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Bool {
        for needle in hostNeedles {
            let length = needle.utf8CodeUnitCount
            guard end - start >= length else { continue }
            for offset in start...(end - length)
            where ArchiveBytes.hasPrefixLowercase(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]), needle) {
                return true
            }
        }
        return false
    }
}

// MARK: - Fingerprints

/// 64-bit FNV-1a, streamed: the fingerprint of comment and message texts (the texts are not kept).
struct FNV1a64 {
    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    private(set) var value: UInt64 = offsetBasis

    @inline(__always)
    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        var hash = value
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* Self.prime
        }
        value = hash
    }

    @inline(__always)
    mutating func add(byte: UInt8) {
        value = (value ^ UInt64(byte)) &* Self.prime
    }

    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hasher = FNV1a64()
        hasher.add(bytes)
        return hasher.value
    }

    static func hash(_ text: String) -> UInt64 {
        var copy = text
        return copy.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
    }
}

/// `fnv1a64` as the mapping notes name it.
func fnv1a64(_ bytes: UnsafeRawBufferPointer) -> UInt64 { FNV1a64.hash(bytes) }

// MARK: - Hashtags in captions

enum CaptionHashtags {
    /// The `#tags` of a caption, in order, without `#` (case kept; the batch lowercases).
    /// A tag runs until a blank, another `#`, or ASCII punctuation other than `_`.
    static func names(in caption: String) -> [String] {
        var names: [String] = []
        var copy = caption
        copy.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                guard bytes[index] == 0x23 else {
                    index += 1
                    continue
                }  // '#'
                let start = index + 1
                var end = start
                while end < bytes.count, !endsTag(bytes[end]) { end += 1 }
                if end > start {
                    names.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
                }
                index = end
            }
        }
        return names
    }

    @inline(__always)
    private static func endsTag(_ byte: UInt8) -> Bool {
        if byte >= 0x80 { return false }  // non-ASCII letters and marks belong to the tag
        if ArchiveBytes.isSpace(byte) || byte == 0x23 { return true }
        if ArchiveBytes.isDigit(byte) || byte == 0x5F { return false }
        return !(byte &- 0x41 < 26 || byte &- 0x61 < 26)
    }
}
