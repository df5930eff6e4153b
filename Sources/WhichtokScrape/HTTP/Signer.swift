import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Signs API URLs by running the user's `--signer` command: `/bin/sh -c COMMAND` reads one URL on
/// stdin and prints the signed URL (with `X-Bogus`, `X-Gnarly`… added) on stdout. Its stderr goes to
/// whichtok's stderr. whichtok never computes TikTok's signatures itself.
///
/// The command runs through Foundation's `Process` with pipes. The URL is written and stdin closed on
/// one thread while another reads stdout, so neither side can block the other whatever order the
/// command reads and prints in; this thread only waits, with the timeout as its deadline. `Process`
/// starts the shell in a process group of its own, and a command that times out is killed with its
/// whole group, so a background child holding stdout open cannot outlive it.
package struct Signer: Sendable {
    package let command: String
    /// Seconds the command may take before it is killed.
    package var timeout: Double
    /// The longest output accepted.
    static let maxOutput = 64 * 1024

    package init(command: String, timeout: Double = 30) {
        self.command = command
        self.timeout = timeout
    }

    /// Runs the command on `url`.
    /// - Returns: the signed URL: the first non-empty line of the command's output.
    /// - Throws: `ScrapeError` (`.signer`) if the command cannot start, fails, times out, prints
    ///   nothing, or prints a URL for another site than `url`'s.
    package func sign(_ url: String) throws(ScrapeError) -> String {
        // A signer that exits without reading its input must not kill whichtok with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            throw failure("cannot start /bin/sh: \(error.localizedDescription)")
        }
        let pid = process.processIdentifier
        let deadline = DispatchTime.now() + timeout

        let request = Data((url + "\n").utf8)
        Thread.detachNewThread {
            let handle = input.fileHandleForWriting
            // A command that stops reading makes this fail; its output and status tell the rest.
            try? handle.write(contentsOf: request)
            try? handle.close()
        }
        let reader = OutputReader()
        Thread.detachNewThread { reader.read(output.fileHandleForReading, limit: Self.maxOutput + 1) }

        guard reader.done.wait(timeout: deadline) == .success else {
            Self.killGroup(pid)
            _ = exited.wait(timeout: .now() + 5)
            throw failure("no answer within \(Self.seconds(timeout)) s; killed")
        }
        let bytes: Data
        switch reader.result {
        case .success(let data)?:
            bytes = data
        case .failure(let error)?:
            Self.killGroup(pid)
            throw failure("cannot read its output: \(error.localizedDescription); killed")
        case nil:
            Self.killGroup(pid)
            throw failure("cannot read its output; killed")
        }
        if bytes.count > Self.maxOutput {
            Self.killGroup(pid)
            _ = exited.wait(timeout: .now() + 5)
            throw failure("printed more than \(Self.maxOutput) bytes; killed")
        }
        guard exited.wait(timeout: deadline + 5) == .success else {
            Self.killGroup(pid)
            _ = exited.wait(timeout: .now() + 5)
            throw failure("did not exit after closing its output; killed")
        }
        switch process.terminationReason {
        case .uncaughtSignal: throw failure("killed by signal \(process.terminationStatus)")
        case .exit where process.terminationStatus != 0:
            throw failure("exited with status \(process.terminationStatus)")
        default: break
        }

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

    /// Kills the command and everything it started: `Process` makes the shell the leader of a process
    /// group of its own, whose id is the shell's pid. Where it does not, the shell alone is killed.
    private static func killGroup(_ pid: Int32) {
        guard pid > 0 else { return }
        if kill(-pid, SIGKILL) != 0 { _ = kill(pid, SIGKILL) }
    }

    /// `timeout` for a message: whole seconds when it is whole, else as given.
    private static func seconds(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(value)
    }
}

/// Reads a command's output to its end (or `limit` bytes) on a thread of its own, and signals `done`.
private final class OutputReader: @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    /// Set before `done` is signalled and read only after it, so the semaphore orders the accesses.
    private(set) var result: Result<Data, any Error>?

    func read(_ handle: FileHandle, limit: Int) {
        do {
            result = .success(try handle.read(upToCount: limit) ?? Data())
        } catch {
            result = .failure(error)
        }
        try? handle.close()
        done.signal()
    }
}
