import WhichtokSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Wall-clock and monotonic time without Foundation.
enum WallClock {
    /// Now, as (seconds, nanoseconds) since 1970 UTC.
    static func now() -> (seconds: Int, nanoseconds: Int) {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return (Int(spec.tv_sec), Int(spec.tv_nsec))
    }

    /// Monotonic seconds, for durations.
    static func monotonic() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// ISO 8601 in UTC with milliseconds, as browsers write `startedDateTime`: `2025-01-01T10:00:05.123Z`.
    static func iso8601(seconds: Int, nanoseconds: Int) -> String {
        CivilTime.iso8601(unixMilliseconds: Int64(seconds) * 1000 + Int64(nanoseconds / 1_000_000))
    }
}
