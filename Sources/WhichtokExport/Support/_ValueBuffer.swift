/// A reusable byte buffer that values are formatted into before they are written, so the writers do
/// not allocate a `String` per value.
///
/// Text goes through XML 1.0 hygiene (see `append(text:)`), which every format shares: the same label
/// reads the same in GEXF, GraphML and CSV.
struct _ValueBuffer {
    private(set) var bytes: [UInt8] = []
    /// Characters removed by `append(text:)` since the buffer was made.
    private(set) var removedCharacters = 0

    init() { bytes.reserveCapacity(256) }

    mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    var isEmpty: Bool { bytes.isEmpty }

    /// Calls `body` with the content followed by a NUL byte.
    mutating func withCString<R>(_ body: (UnsafePointer<UInt8>) -> R) -> R {
        bytes.append(0)
        defer { bytes.removeLast() }
        return bytes.withUnsafeBufferPointer { buffer in
            // A buffer holding at least the terminator always has a base address.
            body(buffer.baseAddress.unsafelyUnwrapped)
        }
    }

    mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func append(byte: UInt8) { bytes.append(byte) }

    mutating func append(bytes other: [UInt8]) { bytes.append(contentsOf: other) }

    /// Decimal digits of `value`.
    mutating func append(integer value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") &+ UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes[start...].reverse()
    }

    mutating func append(integer value: Int) { append(integer: Int64(value)) }

    /// The shortest decimal that reads back as the same `Double` (`1e-05`, `0.25`, `3.0`); non-finite
    /// values as the XML Schema spellings `NaN`, `INF`, `-INF`.
    mutating func append(double value: Double) {
        guard value.isFinite else {
            append(value.isNaN ? "NaN" : value < 0 ? "-INF" : "INF")
            return
        }
        var text = value.description
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// The shortest decimal that reads back as the same `Float` (edge weights: `0.8123`, not the
    /// `Double` expansion `0.8123000264167786`).
    mutating func append(float value: Float) {
        guard value.isFinite else {
            append(value.isNaN ? "NaN" : value < 0 ? "-INF" : "INF")
            return
        }
        var text = value.description
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// `text` as UTF-8 without the characters XML 1.0 forbids: C0 controls other than TAB, LF and CR
    /// (including NUL), and the non-characters U+FFFE and U+FFFF. (Surrogates cannot occur in a Swift
    /// string; U+007F–U+009F are allowed by XML 1.0 and kept.) Removed characters are counted.
    mutating func append(text: String) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { appendSanitized($0) }
        if done == nil { appendSanitized(Array(text.utf8)) }
    }

    private mutating func appendSanitized<C: RandomAccessCollection>(_ utf8: C) where C.Element == UInt8, C.Index == Int {
        var clean = true
        for byte in utf8 where byte < 0x20 || byte == 0xEF {
            if byte == 0xEF || (byte != 0x09 && byte != 0x0A && byte != 0x0D) {
                clean = false
                break
            }
        }
        if clean {
            bytes.append(contentsOf: utf8)
            return
        }
        var i = utf8.startIndex
        let end = utf8.endIndex
        while i < end {
            let byte = utf8[i]
            if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D {
                removedCharacters += 1
                i += 1
            } else if byte == 0xEF && i + 2 < end && utf8[i + 1] == 0xBF && (utf8[i + 2] == 0xBE || utf8[i + 2] == 0xBF) {
                removedCharacters += 1
                i += 3
            } else {
                bytes.append(byte)
                i += 1
            }
        }
    }

    /// `YYYY-MM-DD` of the UTC day of `seconds` since 1970.
    mutating func append(utcDate seconds: UInt32) {
        let (year, month, day) = _ValueBuffer.civil(days: Int(seconds) / 86_400)
        appendPadded(year, width: 4)
        bytes.append(UInt8(ascii: "-"))
        appendPadded(month, width: 2)
        bytes.append(UInt8(ascii: "-"))
        appendPadded(day, width: 2)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` (ISO 8601, UTC) of `seconds` since 1970.
    mutating func append(utcDateTime seconds: UInt32) {
        append(utcDate: seconds)
        let inDay = Int(seconds) % 86_400
        bytes.append(UInt8(ascii: "T"))
        appendPadded(inDay / 3600, width: 2)
        bytes.append(UInt8(ascii: ":"))
        appendPadded(inDay / 60 % 60, width: 2)
        bytes.append(UInt8(ascii: ":"))
        appendPadded(inDay % 60, width: 2)
        bytes.append(UInt8(ascii: "Z"))
    }

    private mutating func appendPadded(_ value: Int, width: Int) {
        var digits = 1, power = 10
        while value >= power { digits += 1; power *= 10 }
        for _ in digits..<max(digits, width) { bytes.append(UInt8(ascii: "0")) }
        append(integer: value)
    }

    /// The proleptic Gregorian date of a day number (days since 1970-01-01), after Howard Hinnant's
    /// `civil_from_days`.
    static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
