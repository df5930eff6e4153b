#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A stop request shared between the scraper and whoever can interrupt it (a SIGINT handler, a
/// test). Waits made through it end early when it is cancelled.
package final class Cancellation: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()
    private var cancelled = false

    package init() {
        pthread_mutex_init(&mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if os(Linux)
            pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        #endif
        pthread_cond_init(&condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(&condition)
        pthread_mutex_destroy(&mutex)
    }

    /// Asks the scraper to stop after the request in flight (which is aborted). Safe from any thread.
    package func cancel() {
        pthread_mutex_lock(&mutex)
        cancelled = true
        pthread_cond_broadcast(&condition)
        pthread_mutex_unlock(&mutex)
    }

    package var isCancelled: Bool {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return cancelled
    }

    /// Sleeps for `seconds` unless cancelled first.
    /// - Returns: false when cancelled (before or during the wait).
    @discardableResult
    package func sleep(seconds: Double) -> Bool {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        guard seconds > 0 else { return !cancelled }
        var deadline = timespec()
        #if os(Linux)
            clock_gettime(CLOCK_MONOTONIC, &deadline)
        #else
            clock_gettime(CLOCK_REALTIME, &deadline)
        #endif
        let whole = Int(seconds)
        let nanos = Int((seconds - Double(whole)) * 1e9) + Int(deadline.tv_nsec)
        deadline.tv_sec += time_t(whole + nanos / 1_000_000_000)
        deadline.tv_nsec = Int(nanos % 1_000_000_000)
        while !cancelled {
            if pthread_cond_timedwait(&condition, &mutex, &deadline) == ETIMEDOUT { break }
        }
        return !cancelled
    }
}
