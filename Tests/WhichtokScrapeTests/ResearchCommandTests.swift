import Foundation
import Testing
import WhichtokScrape
import WhichtokTestSupport

/// `whichtok scrape research …` run as a user would, against the mock Research API.
@Suite("whichtok scrape research", .enabled(if: Whichtok.binary != nil, "skipped: the whichtok binary was not built"))
struct ResearchCommandTests {
    static func secretFile(_ scratch: TemporaryFolder) throws -> String {
        let path = scratch.file("secret.txt")
        try Data((MockResearchAPI.clientSecret + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("the quota stops the run with exit 75, the counts and the --resume command; --resume finishes it")
    func quotaThenResume() throws {
        let scratch = try TemporaryFolder()
        let secret = try Self.secretFile(scratch)
        let environment: [String: String?] = [
            "TIKTOK_CLIENT_KEY": MockResearchAPI.clientKey, "TIKTOK_CLIENT_SECRET": nil,
        ]
        let limited = MockResearchAPI(MockResearchAPI.Options(quotaAfter: 3))
        let first = try MockServer(lifetime: 60) { limited.handle($0) }
        let part1 = scratch.file("part1.har")
        let stopped = try Whichtok.run(
            [
                "scrape", "research", "comments", String(MockResearchAPI.bigVideo), "--client-secret-file", secret,
                "--base-url", first.baseURL, "--rate", "5", "--har", part1,
            ], environment: environment)
        first.stop()
        #expect(stopped.status == 75, "\(stopped.stderr)")
        #expect(
            stopped.stdout.contains("partial  comments:\(MockResearchAPI.bigVideo) (300 comments)"), "\(stopped.stdout)"
        )
        #expect(stopped.stderr.contains("quota is used up (HTTP 429 rate_limit_exceeded"), "\(stopped.stderr)")
        #expect(stopped.stderr.contains("run the same command with --resume \(part1) and a new --har file"))
        let har = try Data(contentsOf: URL(fileURLWithPath: part1))
        #expect(!Array(har).containsText(MockResearchAPI.clientSecret))
        #expect(!Array(har).containsText(MockResearchAPI.clientKey))

        let open = MockResearchAPI()
        let second = try MockServer(lifetime: 60) { open.handle($0) }
        let part2 = scratch.file("part2.har")
        let resumed = try Whichtok.run(
            [
                "scrape", "research", "comments", String(MockResearchAPI.bigVideo), "--client-secret-file", secret,
                "--base-url", second.baseURL, "--rate", "5", "--har", part2, "--resume", part1,
            ], environment: environment)
        second.stop()
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("complete  comments:\(MockResearchAPI.bigVideo) (700 comments (+300 before))"))
        let ids = try recordIDs(HARFile.read(part1)) + recordIDs(HARFile.read(part2))
        #expect(ids.count == 1000 && Set(ids).count == 1000)
    }

    @Test("credentials: missing ones are a usage error, an unreadable secret file exit 66")
    func credentials() throws {
        let scratch = try TemporaryFolder()
        let base = ["scrape", "research", "user", "alice", "--har", scratch.file("x.har")]
        let none = try Whichtok.run(base, environment: ["TIKTOK_CLIENT_KEY": nil, "TIKTOK_CLIENT_SECRET": nil])
        #expect(none.status == 64)
        #expect(none.stderr.contains("--client-key KEY or set TIKTOK_CLIENT_KEY"))
        let noFile = try Whichtok.run(
            base + ["--client-key", "k", "--client-secret-file", scratch.file("missing.txt")],
            environment: ["TIKTOK_CLIENT_SECRET": nil])
        #expect(noFile.status == 66)
        #expect(noFile.stderr.contains("cannot read the client secret file"))
        #expect(!FileManager.default.fileExists(atPath: scratch.file("x.har")))
    }
}
