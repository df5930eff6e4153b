import Testing
import WhichtokSupport

@Suite("Civil dates")
struct CivilTimeTests {
    /// Days since 1970-01-01, checked against Python's `datetime.date` arithmetic.
    static let knownDays: [(year: Int, month: Int, day: Int, days: Int)] = [
        (1970, 1, 1, 0),
        (2000, 2, 29, 11_016),
        (1969, 12, 31, -1),
        (2038, 1, 19, 24_855),
        (1, 1, 1, -719_162),
        (9999, 12, 31, 2_932_896),
    ]

    @Test("day numbers of known dates, both ways")
    func knownDates() {
        for date in Self.knownDays {
            #expect(CivilTime.days(year: date.year, month: date.month, day: date.day) == date.days, "\(date)")
            let back = CivilTime.date(days: date.days)
            #expect(back.year == date.year && back.month == date.month && back.day == date.day, "\(date)")
        }
    }

    @Test("Unix times split into fields: the epoch, before it, a leap day, 2038, years 1 and 9999")
    func unixTimes() {
        #expect(CivilTime(unixTime: 0) == CivilTime(year: 1970, month: 1, day: 1))
        #expect(CivilTime(unixTime: -1) == CivilTime(year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59))
        #expect(
            CivilTime(unixTime: 951_827_696)
                == CivilTime(year: 2000, month: 2, day: 29, hour: 12, minute: 34, second: 56))
        #expect(
            CivilTime(unixTime: 2_147_483_647)
                == CivilTime(year: 2038, month: 1, day: 19, hour: 3, minute: 14, second: 7))
        #expect(CivilTime(unixTime: -62_135_596_800) == CivilTime(year: 1, month: 1, day: 1))
        #expect(
            CivilTime(unixTime: 253_402_300_799)
                == CivilTime(year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59))
        for seconds: Int64 in [0, -1, 951_827_696, 2_147_483_647, -62_135_596_800, 253_402_300_799] {
            #expect(CivilTime(unixTime: seconds).unixTime == seconds)
        }
        #expect(CivilTime.unixTime(year: 2000, month: 3, day: 1) == 951_868_800)
    }

    @Test("every day from year 1 to 9999 round-trips, and each day's date follows the previous one's")
    func roundTrip() {
        var previous = CivilTime.date(days: -719_163)
        #expect(previous == (0, 12, 31))
        for days in -719_162...2_932_896 {
            let date = CivilTime.date(days: days)
            let lastOfMonth = previous.day == CivilTime.daysInMonth(year: previous.year, month: previous.month)
            let expected =
                !lastOfMonth
                ? (previous.year, previous.month, previous.day + 1)
                : previous.month == 12 ? (previous.year + 1, 1, 1) : (previous.year, previous.month + 1, 1)
            guard date == expected, CivilTime.days(year: date.year, month: date.month, day: date.day) == days else {
                Issue.record("day \(days): \(date) after \(previous)")
                return
            }
            previous = date
        }
    }

    @Test("month lengths, with the Gregorian leap years")
    func monthLengths() {
        #expect(CivilTime.daysInMonth(year: 2000, month: 2) == 29)
        #expect(CivilTime.daysInMonth(year: 1900, month: 2) == 28)
        #expect(CivilTime.daysInMonth(year: 2024, month: 2) == 29)
        #expect(CivilTime.daysInMonth(year: 2025, month: 2) == 28)
        #expect(CivilTime.daysInMonth(year: 2025, month: 4) == 30)
        #expect(CivilTime.daysInMonth(year: 2025, month: 12) == 31)
    }

    @Test("text layouts: date, TikTok's date and time, ISO 8601, and HAR times with milliseconds")
    func text() {
        let time = CivilTime(unixTime: 951_827_696)
        #expect(time.text(.date) == "2000-02-29")
        #expect(time.text(.dateTime) == "2000-02-29 12:34:56")
        #expect(time.text(.iso8601) == "2000-02-29T12:34:56Z")
        #expect(CivilTime(unixTime: -62_135_596_800).text(.date) == "0001-01-01")
        #expect(CivilTime(unixTime: 253_402_300_799).text(.iso8601) == "9999-12-31T23:59:59Z")
        var bytes: [UInt8] = Array("at ".utf8)
        CivilTime(unixTime: -1).append(.dateTime, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "at 1969-12-31 23:59:59")
        #expect(CivilTime.iso8601(unixMilliseconds: 1_735_725_605_123) == "2025-01-01T10:00:05.123Z")
        #expect(
            CivilTime.iso8601(unixMilliseconds: 1_735_725_605_007, offsetMinutes: 120)
                == "2025-01-01T12:00:05.007+02:00")
        #expect(
            CivilTime.iso8601(unixMilliseconds: 1_735_725_605_000, offsetMinutes: -330)
                == "2025-01-01T04:30:05.000-05:30")
        #expect(CivilTime.iso8601(unixMilliseconds: -1) == "1969-12-31T23:59:59.999Z")
    }
}
