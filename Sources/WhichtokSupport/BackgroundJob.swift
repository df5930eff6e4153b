#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Work running on a thread of its own, started at once and joined with `join()`: for the few
/// jobs that must overlap with the current thread (hashing a large input while it is parsed).
/// A dedicated thread, not a Dispatch queue: the importer's workers already fill the global pool,
/// and a worker that waited on a queued job could wait for a thread that never comes.
package final class BackgroundJob<Result: Sendable>: @unchecked Sendable {
    private var thread: pthread_t?
    private var body: (@Sendable () -> Result)?
    private var result: Result?

    /// Starts `body` on a new thread; when no thread can be made, runs it here and now.
    package init(_ body: @escaping @Sendable () -> Result) {
        self.body = body
        thread = startThread { [self] in runBody() }
        if thread == nil { runBody() }
    }

    private func runBody() {
        result = body?()
        body = nil
    }

    /// Waits for the job and returns its result. Call it from the thread that made the job.
    package func join() -> Result {
        if let thread {
            pthread_join(thread, nil)
            self.thread = nil
        }
        // The thread has ended (or the body ran inline): `result` is set.
        guard let result else { preconditionFailure("BackgroundJob finished without a result") }
        return result
    }
}

private final class ThreadStart {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}

private func threadEntry(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let context else { return nil }
    Unmanaged<ThreadStart>.fromOpaque(context).takeRetainedValue().run()
    return nil
}

/// A joinable thread running `run`, or nil when none can be created.
private func startThread(_ run: @escaping @Sendable () -> Void) -> pthread_t? {
    let context = Unmanaged.passRetained(ThreadStart(run)).toOpaque()
    var handle = pthread_t()
    guard pthread_create(&handle, nil, threadEntry, context) == 0 else {
        Unmanaged<ThreadStart>.fromOpaque(context).release()
        return nil
    }
    return handle
}
