import Foundation
import Synchronization
import Testing
import WhichtokImport
import WhichtokScrape
import WhichtokTestSupport

/// Runs the scraper against a fresh `MockTikTok` on 127.0.0.1, fast: 200 requests/s, short
/// timeouts and backoff.
struct ScrapeHarness {
    /// The signer the tests use: a shell one-liner that appends a fake signature.
    static let signerCommand = #"read u; printf '%s&X-Bogus=mock-signature\n' "$u""#

    struct Result {
        var report: ScrapeReport
        var har: ReadHAR
        var served: [MockServer.Served]
        var log: [String]
        var harPath: String
        var seconds: Double
        /// The mock server's address, `http://127.0.0.1:<port>`.
        var baseURL: String
    }

    var limits = ScrapeLimits()
    var signed = true
    var timeout = 2.0
    var retries = 2
    var rate = 200.0
    var cookies: [Cookie] = []
    /// Write the secrets into the HAR (`scrape --keep-secrets`) instead of `[redacted]`.
    var keepSecrets = false
    /// Called with each progress line; may cancel.
    var onLog: (@Sendable (String, Cancellation) -> Void)?
    /// Called by the server with each request, before it answers.
    var onRequest: (@Sendable (MockServer.Request, Cancellation) -> Void)?
    /// The run's cancellation, for tests that cancel from another thread.
    var cancellation = Cancellation()

    func run(_ targets: [ScrapeTarget], scratch: TemporaryFolder, name: String = "out.har") throws -> Result {
        let world = MockTikTok()
        let onRequest = self.onRequest
        let runCancellation = self.cancellation
        let server = try MockServer(lifetime: 60) { request in
            onRequest?(request, runCancellation)
            return world.handle(request)
        }
        defer { server.stop() }
        let base = try #require(BaseURL(server.baseURL))
        var configuration = ScrapeConfiguration(baseURL: base)
        configuration.limits = limits
        configuration.requestsPerSecond = rate
        configuration.timeout = timeout
        configuration.backoff = Backoff(base: 0.01, maximum: 0.05, retries: retries)
        configuration.signer = signed ? Signer(command: Self.signerCommand, timeout: 10) : nil
        configuration.cookies = cookies
        let path = scratch.file(name)
        let writer = try HARWriter(path: path, overwrite: false, creatorVersion: "test", comment: "test run")
        writer.keepSecrets = keepSecrets
        let cancellation = self.cancellation
        let lines = LineLog()
        let onLog = self.onLog
        let scraper = Scraper(configuration: configuration, har: writer, cancellation: cancellation) { line in
            lines.append(line)
            onLog?(line, cancellation)
        }
        let started = Date()
        let report = try scraper.run(targets)
        let seconds = Date().timeIntervalSince(started)
        writer.close()
        server.stop()
        return Result(
            report: report, har: try HARFile.read(path), served: server.served, log: lines.lines, harPath: path,
            seconds: seconds, baseURL: server.baseURL)
    }
}

final class LineLog: Sendable {
    private let stored = Mutex<[String]>([])
    func append(_ line: String) { stored.withLock { $0.append(line) } }
    var lines: [String] { stored.withLock { $0 } }
    var count: Int { stored.withLock { $0.count } }
}

func user(_ name: String) -> ScrapeTarget { ScrapeTarget(kind: .user, value: name) }
