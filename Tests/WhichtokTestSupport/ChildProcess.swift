import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a child process ended and what it wrote.
public struct ProcessOutput: Sendable {
    /// The exit status. A process ended by a signal reports 128 + the signal's number, as a shell
    /// does, so a trap or a kill never passes for one of the tool's own exit codes.
    public var status: Int32
    /// Whether the process outlived its time limit and was killed.
    public var timedOut: Bool
    public var stdoutData: Data
    public var stderrData: Data

    public var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
    public var stderr: String { String(decoding: stderrData, as: UTF8.self) }
}

/// A child process whose standard output and error go to files, and its standard input comes from
/// given bytes or `/dev/null`.
///
/// Files rather than pipes: a chatty child never blocks on a full pipe, nothing has to drain a pipe
/// on another thread, and a test can read what the child has written so far while it runs (to see
/// that it waits for a lock, say). A child still running when the value is released is killed, so a
/// failed test leaves no process behind.
public final class ChildProcess {
    private let process = Process()
    private let folder: TemporaryFolder
    private let ended = DispatchSemaphore(value: 0)

    /// Starts `executable` with `arguments`. `environment` adds to this process's environment, and a
    /// nil value removes the variable; `directory` is the working directory.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String?] = [:], stdin: Data? = nil,
        in directory: String? = nil
    ) throws {
        folder = try TemporaryFolder("process")
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let stdoutPath = try folder.write("stdout", Data())
        let stderrPath = try folder.write("stderr", Data())
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        if let stdin {
            process.standardInput = try FileHandle(
                forReadingFrom: URL(fileURLWithPath: try folder.write("stdin", stdin)))
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        let ended = self.ended
        process.terminationHandler = { _ in ended.signal() }
        try process.run()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Runs `executable` to its end, killing it after `timeout` seconds.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String?] = [:], stdin: Data? = nil,
        in directory: String? = nil, timeout: Double = 600
    ) throws -> ProcessOutput {
        try ChildProcess(executable, arguments, environment: environment, stdin: stdin, in: directory)
            .finish(within: timeout)
    }

    public var isRunning: Bool { process.isRunning }
    public var processIdentifier: Int32 { process.processIdentifier }

    /// What the child has written to standard output so far.
    public var stdout: String { String(decoding: folder.bytes("stdout") ?? Data(), as: UTF8.self) }
    /// What the child has written to standard error so far.
    public var stderr: String { String(decoding: folder.bytes("stderr") ?? Data(), as: UTF8.self) }

    /// Waits until `condition` holds or the child ends, at most `seconds`; returns whether it held.
    public func wait(seconds: Double, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    /// Waits for the child to end, killing it after `seconds`, and returns how it ended.
    public func finish(within seconds: Double) -> ProcessOutput {
        var timedOut = false
        if ended.wait(timeout: .now() + seconds) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        let status =
            process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
        return ProcessOutput(
            status: status, timedOut: timedOut, stdoutData: folder.bytes("stdout") ?? Data(),
            stderrData: folder.bytes("stderr") ?? Data())
    }

    /// The id of a process that has ended and been reaped: a stand-in for "a process that is gone".
    public static func reapedProcessID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }
}

/// The `whichtok` binary built with the tests (`swift build --build-tests`), run as a user would.
public enum Whichtok {
    /// The binary beside the test bundle (or in a folder above it), else in the package's
    /// `.build/debug`; nil when it was not built.
    public static let binary: String? = {
        var candidates: [String] = []
        var folder = URL(fileURLWithPath: CommandLine.arguments[0])
        for _ in 0..<6 {
            folder.deleteLastPathComponent()
            candidates.append(folder.appendingPathComponent("whichtok").path)
        }
        candidates.append(PackageFolder.path(".build/debug/whichtok"))
        candidates.append(FileManager.default.currentDirectoryPath + "/.build/debug/whichtok")
        return candidates.first { path in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && !isFolder.boolValue
                && FileManager.default.isExecutableFile(atPath: path)
        }
    }()

    /// The variables every run starts without, so a developer's own settings cannot reach the tests.
    static let cleared: [String: String?] = ["WHICHTOK_STORE": nil]

    /// Starts `whichtok` with `arguments` in the background; see ``ChildProcess``.
    public static func start(
        _ arguments: [String], environment: [String: String?] = [:], stdin: Data? = nil, in directory: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ChildProcess {
        let binary = try #require(binary, "the whichtok binary was not built", sourceLocation: sourceLocation)
        return try ChildProcess(
            binary, arguments, environment: cleared.merging(environment) { $1 }, stdin: stdin, in: directory)
    }

    /// Runs `whichtok` with `arguments` to its end, killing it after `timeout` seconds.
    public static func run(
        _ arguments: [String], environment: [String: String?] = [:], stdin: Data? = nil, in directory: String? = nil,
        timeout: Double = 900, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ProcessOutput {
        try start(arguments, environment: environment, stdin: stdin, in: directory, sourceLocation: sourceLocation)
            .finish(within: timeout)
    }
}
