import WhichtokSupport

/// Byte-level values of web captures: URLs, ISO 8601 times, base64 bodies, TikTok counters.
/// Everything works on raw UTF-8 bytes; nothing here allocates except the few strings it returns.

/// The parts of a request URL the web readers use, parsed from the URL's bytes (HARs hold
/// thousands of long URLs; nothing here works on `Character`s).
struct WebURL {
    /// Lowercased host without user info or port, e.g. `www.tiktok.com`.
    var host: String
    /// The path without query or fragment, e.g. `/api/post/item_list/`.
    var path: String
    /// The raw query (without `?`), percent-encoded.
    var query: [UInt8]

    init?(_ text: String) {
        var copy = text
        guard let url = copy.withUTF8({ WebURL(bytes: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = url
    }

    init?(bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        var i = 0
        // Scheme: `http://` or `https://` (any case), or a scheme-relative `//`.
        if count >= 2, bytes[0] == UInt8(ascii: "/"), bytes[1] == UInt8(ascii: "/") {
            i = 2
        } else {
            var colon = 0
            while colon < count, colon < 8, bytes[colon] != UInt8(ascii: ":") { colon += 1 }
            guard colon + 2 < count, bytes[colon + 1] == UInt8(ascii: "/"), bytes[colon + 2] == UInt8(ascii: "/") else {
                return nil
            }
            let scheme = (0..<colon).map { JSONBytes.lower(bytes[$0]) }
            guard scheme == Array("https".utf8) || scheme == Array("http".utf8) else { return nil }
            i = colon + 3
        }
        // Authority: up to `/`, `?` or `#`; user info and port dropped.
        var hostStart = i
        var hostEnd = i
        while hostEnd < count, bytes[hostEnd] != UInt8(ascii: "/"), bytes[hostEnd] != UInt8(ascii: "?"),
            bytes[hostEnd] != UInt8(ascii: "#")
        {
            if bytes[hostEnd] == UInt8(ascii: "@") { hostStart = hostEnd + 1 }
            hostEnd += 1
        }
        var portStart = hostEnd
        var j = hostEnd
        while j > hostStart {
            j -= 1
            if bytes[j] == UInt8(ascii: ":") {
                portStart = j
                break
            }
            if bytes[j] == UInt8(ascii: "]") { break }
        }
        host = String(unsafeUninitializedCapacity: portStart - hostStart) { buffer in
            for k in hostStart..<portStart { buffer[k - hostStart] = JSONBytes.lower(bytes[k]) }
            return portStart - hostStart
        }
        // Path, then query, then the fragment (ignored).
        var pathEnd = hostEnd
        while pathEnd < count, bytes[pathEnd] != UInt8(ascii: "?"), bytes[pathEnd] != UInt8(ascii: "#") { pathEnd += 1 }
        path =
            pathEnd > hostEnd
            ? String(decoding: UnsafeRawBufferPointer(rebasing: bytes[hostEnd..<pathEnd]), as: UTF8.self) : "/"
        var queryEnd = pathEnd
        if pathEnd < count, bytes[pathEnd] == UInt8(ascii: "?") {
            queryEnd = pathEnd + 1
            while queryEnd < count, bytes[queryEnd] != UInt8(ascii: "#") { queryEnd += 1 }
            query = Array(UnsafeRawBufferPointer(rebasing: bytes[(pathEnd + 1)..<queryEnd]))
        } else {
            query = []
        }
    }

    /// The first value of query parameter `name` (exact name), percent-decoded; nil if absent.
    func parameter(_ name: String) -> String? {
        let wanted = Array(name.utf8)
        var start = 0
        while start <= query.count {
            var end = start
            while end < query.count, query[end] != UInt8(ascii: "&") { end += 1 }
            var equals = start
            while equals < end, query[equals] != UInt8(ascii: "=") { equals += 1 }
            if Self.percentDecoded(query[start..<equals]) == wanted {
                let value = equals < end ? Self.percentDecoded(query[(equals + 1)..<end]) : []
                return String(decoding: value, as: UTF8.self)
            }
            start = end + 1
        }
        return nil
    }

    /// `%XX` escapes and `+` (a space in form encoding) decoded; invalid escapes kept as they are.
    static func percentDecoded(_ text: ArraySlice<UInt8>) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count)
        var i = text.startIndex
        while i < text.endIndex {
            let byte = text[i]
            if byte == UInt8(ascii: "%"), i + 2 < text.endIndex, let high = hexValue(text[i + 1]),
                let low = hexValue(text[i + 2])
            {
                bytes.append(high << 4 | low)
                i += 3
            } else {
                bytes.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                i += 1
            }
        }
        return bytes
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Scheme, host and path: what diagnostics show. The query is left out: it carries session
    /// tokens (`msToken`, `X-Bogus`) and search terms.
    var shown: String { "https://" + host + path }

    /// Hosts whose responses the importer reads: the web app's own (Docs/web-captures.md, 'Hosts and
    /// paths').
    var isTikTok: Bool {
        host == "www.tiktok.com" || host == "m.tiktok.com" || host == "tiktok.com"
    }

    /// The Research API's host (Docs/research-api.md).
    var isResearchAPI: Bool { host == "open.tiktokapis.com" }

    /// The path lowercased, without trailing slashes (`/api/post/item_list`), for matching endpoints.
    var normalizedPath: String {
        var bytes = Array(path.utf8)
        while bytes.count > 1, bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        for k in bytes.indices { bytes[k] = JSONBytes.lower(bytes[k]) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// ISO 8601 date-times as HAR `startedDateTime` holds them: `2025-01-01T10:00:05.123Z`, with a
/// `±HH:MM` offset (Firefox writes local time), fractions of any length.
enum ISOTime {
    /// UTC seconds, or nil when the text is not such a time (or before 1970 / after 2106).
    static func parse(_ bytes: UnsafeRawBufferPointer) -> UInt32? {
        var i = 0
        func digits(_ count: Int) -> Int? {
            guard i + count <= bytes.count else { return nil }
            var value = 0
            for _ in 0..<count {
                let digit = Int(bytes[i]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
                i += 1
            }
            return value
        }
        func expect(_ characters: UInt8...) -> Bool {
            guard i < bytes.count, characters.contains(bytes[i]) else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(UInt8(ascii: "-")), let month = digits(2), expect(UInt8(ascii: "-")),
            let day = digits(2), expect(UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")),
            let hour = digits(2), expect(UInt8(ascii: ":")), let minute = digits(2), expect(UInt8(ascii: ":")),
            let second = digits(2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: ",") {
            i += 1
            while i < bytes.count, (48...57).contains(bytes[i]) { i += 1 }
        }
        var offset = 0
        if i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                i += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                let sign = bytes[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let hours = digits(2) else { return nil }
                _ = expect(UInt8(ascii: ":"))
                let minutes = digits(2) ?? 0
                offset = sign * (hours * 3600 + minutes * 60)
            default:
                return nil
            }
        }
        guard i == bytes.count else { return nil }
        let seconds =
            CivilTime.days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        guard seconds > 0, seconds <= Int(UInt32.max) else { return nil }
        return UInt32(seconds)
    }
}

extension JSONValue {
    /// A TikTok counter: a non-negative integer, or a string of digits (`statsV2`); nil otherwise.
    var counterValue: UInt64? {
        switch type {
        case .int64, .uint64: return uint64
        case .double:
            guard let value = double, value >= 0, value < 1.8e19 else { return nil }
            return UInt64(value)
        case .string: return idValue
        default: return nil
        }
    }

    /// Unix seconds from an int, a digit string or a float; nil for 0, negatives and beyond 2106.
    var unixTime: UInt32? {
        guard let value = counterValue, value > 0, value <= UInt64(UInt32.max) else { return nil }
        return UInt32(value)
    }

    /// A string value, nil when empty or not a string.
    var nonEmptyString: String? {
        guard let text = string, !text.isEmpty else { return nil }
        return text
    }

    /// Whether a string value equals `text` exactly (no allocation).
    func stringEquals(_ text: StaticString) -> Bool {
        withStringBytes { bytes in
            bytes.count == text.utf8CodeUnitCount
                && (0..<bytes.count).allSatisfy { bytes[$0] == text.utf8Start[$0] }
        } ?? false
    }

    /// `true`, `1` or `"1"`/`"true"`.
    var truthy: Bool {
        if let flag = bool { return flag }
        if let number = int64 { return number != 0 }
        return stringEquals("true") || stringEquals("1")
    }
}

extension JSONKey {
    /// Whether the key is exactly `name` (bytes, no allocation): the member scans of the web
    /// readers dispatch on it.
    @inline(__always)
    func isKey(_ name: StaticString) -> Bool {
        let count = name.utf8CodeUnitCount
        guard bytes.count == count, let base = bytes.baseAddress else { return count == 0 && bytes.count == 0 }
        return JSONBytes.memcmpEqual(base, UnsafeRawPointer(name.utf8Start), count)
    }
}

extension JSONValue {
    /// Whether a string value, ASCII-lowercased, equals `text` (a stored lowercase username).
    func equalsLowercased(_ text: String) -> Bool {
        withStringBytes { bytes in
            var index = 0
            for byte in text.utf8 {
                guard index < bytes.count, byte < 0x80, JSONBytes.lower(bytes[index]) == byte else { return false }
                index += 1
            }
            return index == bytes.count
        } ?? false
    }
}
