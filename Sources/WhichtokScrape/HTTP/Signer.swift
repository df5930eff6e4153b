#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Signs API URLs by running the user's `--signer` command: `/bin/sh -c COMMAND` reads one URL on
/// stdin and prints the signed URL (with `X-Bogus`, `X-Gnarly`… added) on stdout. Its stderr goes to
/// whichtok's stderr. whichtok never computes TikTok's signatures itself.
public struct Signer: Sendable {
    public let command: String
    /// Seconds the command may take before it is killed.
    public var timeout: Double
    /// The longest output accepted.
    static let maxOutput = 64 * 1024

    public init(command: String, timeout: Double = 30) {
        self.command = command
        self.timeout = timeout
    }

    /// Runs the command on `url`.
    /// - Returns: the signed URL: the first non-empty line of the command's output.
    /// - Throws: `ScrapeError` (`.signer`) if the command cannot start, fails, times out, prints
    ///   nothing, or prints a URL for another site than `url`'s.
    public func sign(_ url: String) throws(ScrapeError) -> String {
        // A signer that exits without reading its input must not kill whichtok with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        var input: [Int32] = [-1, -1]
        var output: [Int32] = [-1, -1]
        guard Self.makePipe(&input) else { throw failure("cannot create a pipe: \(errnoText())") }
        guard Self.makePipe(&output) else {
            close(input[0])
            close(input[1])
            throw failure("cannot create a pipe: \(errnoText())")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)

        let arguments = ["/bin/sh", "-c", command]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, &argv, Signer.environment())
        close(input[0])
        close(output[1])
        guard spawned == 0 else {
            close(input[1])
            close(output[0])
            throw failure("cannot start /bin/sh: \(String(cString: strerror(spawned)))")
        }

        let request = Array((url + "\n").utf8)
        var written = 0
        while written < request.count {
            let n = request.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return write(input[1], base + written, raw.count - written)
            }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }  // The command stopped reading; its output and status tell the rest.
            written += n
        }
        close(input[1])

        let deadline = WallClock.monotonic() + timeout
        var bytes: [UInt8] = []
        var timedOut = false
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let remaining = deadline - WallClock.monotonic()
            if remaining <= 0 {
                timedOut = true
                break
            }
            var poller = pollfd(fd: output[0], events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining, 1) * 1000) + 1)
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 { continue }
            let n = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return read(output[0], base, raw.count)
            }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
            if bytes.count > Self.maxOutput { break }
        }
        close(output[0])
        if timedOut || bytes.count > Self.maxOutput { kill(pid, SIGKILL) }
        let status = Self.wait(pid, until: timedOut ? WallClock.monotonic() + 5 : deadline + 5)

        if timedOut { throw failure("no answer within \(Int(timeout)) s; killed") }
        if bytes.count > Self.maxOutput { throw failure("printed more than \(Self.maxOutput) bytes; killed") }
        guard let status else {
            kill(pid, SIGKILL)
            _ = Self.wait(pid, until: WallClock.monotonic() + 5)
            throw failure("did not exit after closing its output; killed")
        }
        if status & 0x7F != 0 { throw failure("killed by signal \(status & 0x7F)") }
        let exitCode = (status >> 8) & 0xFF
        if exitCode != 0 { throw failure("exited with status \(exitCode)") }

        let text = String(decoding: bytes, as: UTF8.self)
        guard
            let line = text.split(whereSeparator: \.isNewline)
                .map({ String($0).trimmingSpaces }).first(where: { !$0.isEmpty })
        else { throw failure("printed no URL") }
        guard let signedParts = RequestURL.split(line), let originalParts = RequestURL.split(url),
            signedParts.scheme.lowercased() == originalParts.scheme.lowercased(),
            signedParts.authority.lowercased() == originalParts.authority.lowercased()
        else { throw failure("printed something that is not a URL on the same site as the one it was given") }
        return line
    }

    private func failure(_ message: String) -> ScrapeError {
        ScrapeError(.signer, "signer: \(message)")
    }

    private func errnoText() -> String { String(cString: strerror(errno)) }

    /// Waits for `pid` without blocking past `deadline`; the raw wait status, or nil if it is still running.
    private static func wait(_ pid: pid_t, until deadline: Double) -> Int32? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return status }
            if result < 0 && errno != EINTR { return 0 }
            if WallClock.monotonic() >= deadline { return nil }
            usleep(2_000)
        }
    }

    /// A pipe whose ends are closed in the child (the child gets its own copies through dup2).
    private static func makePipe(_ ends: inout [Int32]) -> Bool {
        guard pipe(&ends) == 0 else { return false }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return true
    }

    /// The process environment, passed on to the signer (it may need `PATH`, `HOME`, a display…).
    private static func environment() -> UnsafePointer<UnsafeMutablePointer<CChar>?>? {
        #if canImport(Glibc)
            return UnsafePointer(environ)
        #else
            return nil
        #endif
    }
}
