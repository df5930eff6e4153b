import Foundation
import Testing
import WhichtokImport
import WhichtokScrape
import WhichtokTestSupport

/// Runs the Research API client against a fresh `MockResearchAPI` on 127.0.0.1, fast.
struct ResearchHarness {
    struct Result {
        var report: ResearchReport
        var har: ReadHAR
        /// The HAR's bytes, for searching.
        var harBytes: [UInt8]
        var served: [MockServer.Served]
        var tokens: [String]
        var log: [String]
        var harPath: String

        /// Requests to the research endpoints (not the token endpoint), in order.
        var research: [MockServer.Request] { served.map(\.request).filter { $0.path.hasPrefix("/v2/research/") } }
        var tokenRequests: [MockServer.Request] { served.map(\.request).filter { $0.path == "/v2/oauth/token/" } }
    }

    var mock = MockResearchAPI.Options()
    var lists = ResearchUserLists()
    var maxVideos = 1000
    var maxComments = 1000
    var progress = ResearchProgress()
    var configure: ((inout ResearchConfiguration) -> Void)?
    /// Called with each progress line; may cancel the run.
    var onLog: (@Sendable (String, Cancellation) -> Void)?

    func run(_ targets: [ResearchTarget], scratch: TemporaryFolder, name: String = "research.har") throws -> Result {
        let api = MockResearchAPI(mock)
        let server = try MockServer(maxRequests: 2000, lifetime: 120) { api.handle($0) }
        defer { server.stop() }
        let base = try #require(BaseURL(server.baseURL))
        var configuration = ResearchConfiguration(
            baseURL: base,
            credentials: ResearchCredentials(
                clientKey: MockResearchAPI.clientKey, clientSecret: MockResearchAPI.clientSecret))
        configuration.requestsPerSecond = 500
        configuration.timeout = 5
        configuration.backoff = Backoff(base: 0.01, maximum: 0.05, retries: 2)
        configuration.lists = lists
        configuration.maxVideos = maxVideos
        configuration.maxComments = maxComments
        configuration.progress = progress
        configure?(&configuration)
        let path = scratch.file(name)
        let writer = try HARWriter(path: path, overwrite: false, creatorVersion: "test", comment: "research test")
        let lines = LineLog()
        let cancellation = Cancellation()
        let onLog = self.onLog
        let client = ResearchClient(configuration: configuration, har: writer, cancellation: cancellation) { line in
            lines.append(line)
            onLog?(line, cancellation)
        }
        let report = try client.run(targets)
        writer.close()
        server.stop()
        let bytes = Array(try #require(FileManager.default.contents(atPath: path)))
        return Result(
            report: report, har: try HARFile.read(path), harBytes: bytes, served: server.served, tokens: api.tokens,
            log: lines.lines, harPath: path)
    }
}

/// The ids of the records in a HAR's Research API answers (videos, comments, users by username).
func recordIDs(_ har: ReadHAR) throws -> [String] {
    var ids: [String] = []
    let parser = JSONParser()
    for entry in har.entries where entry.status == 200 && entry.url.contains("/v2/research/") {
        guard let text = entry.text else { continue }
        try parser.parse(PaddedBytes(Array(text.utf8))) { root in
            root["data"]?.forEachMember { _, list in
                list.forEachElement { record in
                    if let id = record["id"]?.int64 {
                        ids.append(String(id))
                    } else if let name = record["username"]?.string {
                        ids.append(name)
                    }
                }
            }
        }
    }
    return ids
}

extension [UInt8] {
    /// Whether `text`'s UTF-8 bytes occur in these bytes.
    func containsText(_ text: String) -> Bool {
        let needle = Array(text.utf8)
        guard !needle.isEmpty, count >= needle.count else { return false }
        return (0...(count - needle.count)).contains { self[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
