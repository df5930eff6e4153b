/// A Unix time split into UTC calendar fields, and back: the one place that converts between day
/// numbers and proleptic Gregorian dates (Howard Hinnant's `days_from_civil` and `civil_from_days`).
///
/// Hinnant's algorithms were chosen over `gmtime_r`/`timegm` because they need no C library, no
/// time-zone database and no locale, work on any `Int` (years before 1970 and after 2038 alike),
/// and give the same answer on every platform, which the byte-identical outputs rely on.
package struct CivilTime: Hashable, Sendable {
    package var year: Int
    package var month: Int
    package var day: Int
    package var hour: Int
    package var minute: Int
    package var second: Int

    /// The UTC calendar fields of `unixTime` seconds since 1970-01-01 00:00:00 (negative: before).
    package init(unixTime: Int64) {
        let seconds = Int(unixTime)
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        (year, month, day) = Self.date(days: days)
        hour = secondOfDay / 3600
        minute = secondOfDay / 60 % 60
        second = secondOfDay % 60
    }

    package init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// Seconds since 1970-01-01 00:00:00 UTC. Fields out of their usual range simply carry over
    /// (second 60 is the next minute's 0), as the callers' leap-second tolerance expects.
    package var unixTime: Int64 {
        Int64(Self.days(year: year, month: month, day: day)) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// Unix time of a UTC calendar date at midnight.
    package static func unixTime(year: Int, month: Int, day: Int) -> Int64 {
        Int64(days(year: year, month: month, day: day)) * 86_400
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (`days_from_civil`): negative before 1970.
    /// `month` must be 1...12; `day` is not checked against the month (see `daysInMonth`).
    @inlinable
    package static func days(year: Int, month: Int, day: Int) -> Int {
        // The year is counted from March, so that the leap day is the last day of its year.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date of a day number, days since 1970-01-01 (`civil_from_days`).
    @inlinable
    package static func date(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The number of days in a month of the proleptic Gregorian calendar (`month` 1...12).
    package static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // MARK: - Text

    /// The text layouts the project writes. Years below 1000 are zero-padded to four digits.
    package enum Layout: Sendable {
        /// `2024-02-29`
        case date
        /// `2024-02-29 13:05:09`, as TikTok's data downloads write times.
        case dateTime
        /// `2024-02-29T13:05:09Z` (ISO 8601 in UTC).
        case iso8601
    }

    /// Calls `body` with the fields in `layout` as UTF-8 text, formatted on the stack (the exporters
    /// format a date per row into their own buffers, and should not allocate for it).
    package func withText<R>(_ layout: Layout, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { buffer in
            var count = 0
            func put(_ byte: UInt8) {
                buffer[count] = byte
                count += 1
            }
            func padded(_ value: Int, width: Int) {
                if value < 0 { put(UInt8(ascii: "-")) }
                var magnitude = value.magnitude
                var digits = 1
                var rest = magnitude
                while rest >= 10 {
                    rest /= 10
                    digits += 1
                }
                for _ in digits..<Swift.max(digits, width) { put(UInt8(ascii: "0")) }
                var position = count + digits - 1
                count += digits
                repeat {
                    buffer[position] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
                    magnitude /= 10
                    position -= 1
                } while magnitude > 0
            }
            padded(year, width: 4)
            put(UInt8(ascii: "-"))
            padded(month, width: 2)
            put(UInt8(ascii: "-"))
            padded(day, width: 2)
            if layout != .date {
                put(layout == .iso8601 ? UInt8(ascii: "T") : UInt8(ascii: " "))
                padded(hour, width: 2)
                put(UInt8(ascii: ":"))
                padded(minute, width: 2)
                put(UInt8(ascii: ":"))
                padded(second, width: 2)
                if layout == .iso8601 { put(UInt8(ascii: "Z")) }
            }
            return body(UnsafeBufferPointer(rebasing: buffer[..<count]))
        }
    }

    /// Appends the fields in `layout`.
    package func append(_ layout: Layout, to out: inout [UInt8]) {
        withText(layout) { out.append(contentsOf: $0) }
    }

    /// The fields in `layout`, as text.
    package func text(_ layout: Layout) -> String {
        withText(layout) { String(decoding: $0, as: UTF8.self) }
    }

    /// ISO 8601 with milliseconds as browsers write HAR times: `2025-01-01T10:00:05.123Z` for UTC
    /// (`offsetMinutes` 0), else local time with its offset, `2025-01-01T12:00:05.123+02:00`.
    package static func iso8601(unixMilliseconds: Int64, offsetMinutes: Int = 0) -> String {
        let (seconds, milliseconds) = unixMilliseconds.quotientAndRemainder(dividingBy: 1000)
        let floored = milliseconds < 0 ? (seconds - 1, milliseconds + 1000) : (seconds, milliseconds)
        let local = CivilTime(unixTime: floored.0 + Int64(offsetMinutes * 60))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(29)
        local.append(.iso8601, to: &bytes)
        bytes.removeLast()  // the `Z`
        bytes.append(UInt8(ascii: "."))
        bytes.appendPadded(Int(floored.1), width: 3)
        if offsetMinutes == 0 {
            bytes.append(UInt8(ascii: "Z"))
        } else {
            bytes.append(offsetMinutes > 0 ? UInt8(ascii: "+") : UInt8(ascii: "-"))
            bytes.appendPadded(abs(offsetMinutes) / 60, width: 2)
            bytes.append(UInt8(ascii: ":"))
            bytes.appendPadded(abs(offsetMinutes) % 60, width: 2)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
