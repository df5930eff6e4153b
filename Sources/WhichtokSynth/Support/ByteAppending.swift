/// Small appenders for building files in `[UInt8]` buffers without `String` concatenation.
extension Array where Element == UInt8 {
    @inline(__always)
    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func append(_ text: String) {
        var copy = text
        copy.withUTF8 { append(contentsOf: $0) }
    }

    /// Appends the decimal digits of an unsigned value.
    mutating func appendDecimal(_ value: UInt64) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var index = 20
            var rest = value
            repeat {
                index -= 1
                digits[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest > 0
            append(contentsOf: UnsafeBufferPointer(rebasing: digits[index...]))
        }
    }

    mutating func appendDecimal(_ value: Int) {
        if value < 0 {
            append(UInt8(ascii: "-"))
            appendDecimal(UInt64(value.magnitude))
        } else {
            appendDecimal(UInt64(value))
        }
    }

    /// Appends `value` as exactly `width` decimal digits (zero-padded).
    @inline(__always)
    mutating func appendPadded(_ value: Int, width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }

    /// Appends the UTC calendar date of a Unix time as `YYYY-MM-DD`.
    mutating func appendDay(_ time: Int64) {
        let parts = CivilTime(time)
        appendPadded(parts.year, width: 4)
        append(UInt8(ascii: "-"))
        appendPadded(parts.month, width: 2)
        append(UInt8(ascii: "-"))
        appendPadded(parts.day, width: 2)
    }

    /// Appends a Unix time as `YYYY-MM-DD HH:MM:SS` (UTC). `-1` gives `1969-12-31 23:59:59`.
    mutating func appendDate(_ time: Int64) {
        let parts = CivilTime(time)
        appendDay(time)
        append(UInt8(ascii: " "))
        appendPadded(parts.hour, width: 2)
        append(UInt8(ascii: ":"))
        appendPadded(parts.minute, width: 2)
        append(UInt8(ascii: ":"))
        appendPadded(parts.second, width: 2)
    }

    /// Appends lowercase hexadecimal digits of `value`, exactly `width` of them.
    mutating func appendHex(_ value: UInt64, width: Int) {
        let digits: StaticString = "0123456789abcdef"
        digits.withUTF8Buffer { table in
            for index in stride(from: width - 1, through: 0, by: -1) {
                append(table[Int((value >> (UInt64(index) * 4)) & 15)])
            }
        }
    }
}

/// A Unix time split into UTC calendar fields (proleptic Gregorian, Hinnant's `civil_from_days`).
struct CivilTime {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int

    init(_ time: Int64) {
        let seconds = Int(time)
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        hour = secondOfDay / 3600
        minute = secondOfDay / 60 % 60
        second = secondOfDay % 60
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Unix time of a UTC calendar date at midnight (Hinnant's `days_from_civil`).
    static func epoch(year: Int, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return Int64(era * 146_097 + dayOfEra - 719_468) * 86_400
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
