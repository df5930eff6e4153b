/// Spaces requests: at most `requestsPerSecond` on average, each gap lengthened by a random jitter
/// so the requests do not tick like a metronome. The first request goes at once.
package final class RateLimiter {
    /// The smallest gap between two requests, in seconds.
    package let interval: Double
    /// Up to this fraction of `interval` is added to each gap at random.
    package let jitter: Double
    private var last: Double?
    private var random = SystemRandomNumberGenerator()

    package init(requestsPerSecond: Double, jitter: Double = 0.5) {
        interval = requestsPerSecond > 0 ? 1 / requestsPerSecond : 0
        self.jitter = max(0, jitter)
        self.last = nil
    }

    /// Waits for the next slot; returns false (at once) if `cancellation` fires meanwhile.
    package func waitForTurn(_ cancellation: Cancellation) -> Bool {
        if let last {
            let gap = interval * (1 + jitter * Double.random(in: 0..<1, using: &random))
            let remaining = last + gap - WallClock.monotonic()
            if remaining > 0, !cancellation.sleep(seconds: remaining) { return false }
        }
        guard !cancellation.isCancelled else { return false }
        last = WallClock.monotonic()
        return true
    }
}

/// How long to wait before retrying after a 429, a 5xx or a timeout: exponential and bounded.
package struct Backoff: Sendable {
    /// The first pause, in seconds; each retry doubles it.
    package var base: Double
    /// No pause is longer than this, `Retry-After` included.
    package var maximum: Double
    /// Retries after the first try (so `retries + 1` tries in all).
    package var retries: Int

    package init(base: Double = 2, maximum: Double = 60, retries: Int = 3) {
        self.base = base
        self.maximum = maximum
        self.retries = retries
    }

    /// The pause before retry `retry` (1 for the first retry), honouring a `Retry-After` in seconds.
    /// - Returns: nil when the server asks for a longer wait than `maximum`: retrying sooner would
    ///   not be polite, so the request is given up instead.
    package func delay(beforeRetry retry: Int, retryAfter: String?) -> Double? {
        let exponential = base * Double(1 << min(max(retry - 1, 0), 20))
        var pause = min(exponential * Double.random(in: 1..<1.25), maximum)
        if let retryAfter, let seconds = Self.seconds(retryAfter), seconds > pause {
            guard seconds <= maximum else { return nil }
            pause = seconds
        }
        return pause
    }

    /// `Retry-After` as delay-seconds or as an HTTP date.
    static func seconds(_ retryAfter: String) -> Double? {
        let text = retryAfter.trimmingSpaces
        if let seconds = Double(text), seconds.isFinite { return seconds }
        return HTTPDate.parse(text).map { Double($0 - WallClock.now().seconds) }
    }
}

extension String {
    var trimmingSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
