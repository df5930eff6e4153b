import Dispatch

/// Two pieces of work at once, on the calling thread and one of Dispatch's.
enum Parallel {
    /// Runs `a` here and `b` on another core at the same time (one after the other, `a` first,
    /// unless `parallel`); returns both results.
    ///
    /// `DispatchQueue.concurrentPerform`, not a thread of its own (`BackgroundJob`): builds run
    /// this inside the `concurrentPerform` workers of `StoreAssembly`, where Dispatch gives a
    /// nested one only the cores left (the calling thread alone when there are none) instead of
    /// a new thread per call.
    static func both<A: Sendable, B: Sendable>(
        _ parallel: Bool = true, _ a: @Sendable () -> A, _ b: @Sendable () -> B
    ) -> (A, B) {
        guard parallel else { return (a(), b()) }
        let results = Results<A, B>()
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            if part == 0 { results.first = a() } else { results.second = b() }
        }
        guard let first = results.first, let second = results.second else {
            preconditionFailure("concurrentPerform returned before both parts ran")
        }
        return (first, second)
    }

    /// The results of `both`: each part writes only its own field, and both are read after
    /// `concurrentPerform` has returned.
    private final class Results<A, B>: @unchecked Sendable {
        var first: A?
        var second: B?
    }
}
