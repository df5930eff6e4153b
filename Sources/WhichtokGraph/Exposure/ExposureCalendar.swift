import WhichtokSupport

/// The calendar periods exposure is measured over: UTC weeks (Monday to Sunday), months and quarters.
package enum ExposurePeriod: String, CaseIterable, Sendable, Hashable {
    case week, month, quarter
}

/// UTC calendar arithmetic for exposure, kept in this one place: which period a time falls in, when
/// a period starts, and dates as text.
///
/// A period is a dense `Int32` number, so per-event work is integer arithmetic only: weeks count from
/// the Monday before 1970-01-01 (a Thursday), months are `12 · year + month − 1`, quarters
/// `4 · year + quarter − 1`. Days are converted by `CivilTime` (proleptic Gregorian, no tables and no
/// time-zone database).
package enum ExposureCalendar {
    /// The period of a time (UTC seconds since 1970; the caller leaves out 0, the unknown time).
    @inline(__always)
    package static func period(of time: UInt32, _ period: ExposurePeriod) -> Int32 {
        let days = Int(time / 86_400)
        switch period {
        case .week:
            // 1970-01-01 was a Thursday: day 4 is the first Monday, and day d is in week (d + 3) / 7.
            return Int32((days + 3) / 7)
        case .month:
            let (year, month, _) = civil(days: days)
            return Int32(year * 12 + month - 1)
        case .quarter:
            let (year, month, _) = civil(days: days)
            return Int32(year * 4 + (month - 1) / 3)
        }
    }

    /// The first day of a period, in days since 1970-01-01.
    package static func startDay(of index: Int32, _ period: ExposurePeriod) -> Int {
        let value = Int(index)
        switch period {
        case .week:
            return value * 7 - 3
        case .month:
            let year = value >= 0 ? value / 12 : (value - 11) / 12
            return days(year: year, month: value - year * 12 + 1, day: 1)
        case .quarter:
            let year = value >= 0 ? value / 4 : (value - 3) / 4
            return days(year: year, month: (value - year * 4) * 3 + 1, day: 1)
        }
    }

    /// The first day of a period as `YYYY-MM-DD`.
    package static func startDate(of index: Int32, _ period: ExposurePeriod) -> String {
        date(days: startDay(of: index, period))
    }

    /// A short name of a period for reports: `2025-06-02` (the week's Monday), `2025-06`, `2025-Q2`.
    package static func shortName(of index: Int32, _ period: ExposurePeriod) -> String {
        let (year, month, _) = civil(days: startDay(of: index, period))
        switch period {
        case .week: return date(days: startDay(of: index, period))
        case .month: return padded(year, 4) + "-" + padded(month, 2)
        case .quarter: return padded(year, 4) + "-Q" + String((month - 1) / 3 + 1)
        }
    }

    /// `YYYY-MM-DD` of a day number.
    package static func date(days: Int) -> String {
        let (year, month, day) = civil(days: days)
        return padded(year, 4) + "-" + padded(month, 2) + "-" + padded(day, 2)
    }

    /// (year, month 1–12, day 1–31) of a day number: the shared civil-date codec.
    @inline(__always)
    static func civil(days: Int) -> (Int, Int, Int) {
        let date = CivilTime.date(days: days)
        return (date.year, date.month, date.day)
    }

    /// The day number of a calendar date: the shared civil-date codec.
    static func days(year: Int, month: Int, day: Int) -> Int { CivilTime.days(year: year, month: month, day: day) }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
