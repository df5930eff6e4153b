import Foundation
import Testing
import WhichtokImport
import WhichtokScrape
import WhichtokTestSupport

@Suite("Scraper against a mock TikTok on 127.0.0.1")
struct ScraperTests {
    static let fullLimits = ScrapeLimits(posts: 10, comments: 10, replies: true, followers: 10, following: 10)

    @Test("a user with posts, comments, replies and follow lists: every request in the HAR, bodies intact")
    func fullUser() throws {
        let scratch = try TemporaryFolder()
        let run = try ScrapeHarness(limits: Self.fullLimits).run([user("alice")], scratch: scratch)

        let target = try #require(run.report.targets.first)
        #expect(target.outcome == .complete, "\(target.messages)")
        #expect(target.posts == 5)
        #expect(target.comments == 4)
        #expect(target.replies == 2)
        #expect(target.followers == 3)
        #expect(target.following == 2)

        // One HAR entry per request the server saw, in the same order, with the same bytes.
        #expect(run.har.version == "1.2")
        #expect(run.har.creator == "whichtok")
        #expect(run.har.entries.count == run.served.count)
        #expect(run.report.entries == run.served.count)
        for (entry, served) in zip(run.har.entries, run.served) {
            #expect(entry.url.hasSuffix(HARRedaction.parameters(in: served.request.target)))
            #expect(entry.status == served.response.status)
            #expect(entry.bodyBytes == served.response.body)
            #expect(entry.size == served.response.body.count)
            #expect(entry.target == "user:alice")
            #expect(entry.startedDateTime.count == 24 && entry.startedDateTime.hasSuffix("Z"))
        }
        // The 429 on the page and the 500 on the first followers page were retried.
        let paths = run.har.entries.map(\.path)
        #expect(paths.first == "/@alice")
        #expect(run.har.entries[0].status == 429 && run.har.entries[1].status == 200)
        #expect(run.har.entries[1].attempt == 2)
        #expect(run.har.entries.contains { $0.path == "/api/user/list/" && $0.status == 500 })
        // Pages of 2: posts 3 pages, comments 2 + 1, replies 1, followers 2 (+1 retry), following 1.
        #expect(paths.filter { $0 == "/api/post/item_list/" }.count == 3)
        #expect(paths.filter { $0 == "/api/comment/list/" }.count == 3)
        #expect(paths.filter { $0 == "/api/comment/list/reply/" }.count == 1)
        #expect(paths.filter { $0 == "/api/user/list/" }.count == 4)
        // Videos without comments were not asked for theirs.
        #expect(!run.served.contains { $0.request.parameter("aweme_id") == MockTikTok.aliceVideos[2].id })
        // Every API call went through the signer; pages were not signed.
        for served in run.served {
            #expect((served.request.parameter("X-Bogus") != nil) == served.request.path.hasPrefix("/api/"))
        }
        // The cursor of each list moved as the server said.
        let postCursors = run.served.filter { $0.request.path == "/api/post/item_list/" }.compactMap {
            $0.request.parameter("cursor")
        }
        #expect(postCursors == ["0", "2", "4"])
        let followerCursors = run.served.filter { $0.request.parameter("scene") == "67" }.compactMap {
            $0.request.parameter("minCursor")
        }
        #expect(followerCursors == ["0", "0", "2"])
        // A desktop browser's User-Agent on every request.
        #expect(run.served.allSatisfy { $0.request.headers["user-agent"] == ScrapeConfiguration.defaultUserAgent })
    }

    @Test("limits are honoured: count asks for no more than needed, and lists stop at the limit")
    func limits() throws {
        let scratch = try TemporaryFolder()
        let run = try ScrapeHarness(limits: ScrapeLimits(posts: 3, comments: 1)).run([user("alice")], scratch: scratch)
        let target = try #require(run.report.targets.first)
        #expect(target.outcome == .complete)
        #expect(target.posts == 3)
        #expect(target.comments == 2)  // one per video that has comments
        let counts = run.served.filter { $0.request.path == "/api/post/item_list/" }.compactMap {
            $0.request.parameter("count")
        }
        #expect(counts == ["3", "1"])
        #expect(!run.served.contains { $0.request.path == "/api/user/list/" })
    }

    @Test("cookies from the jar are sent, Set-Cookie updates them, msToken goes into the query")
    func cookies() throws {
        let scratch = try TemporaryFolder()
        let session = [
            Cookie(name: "sessionid", value: "s3cret", domain: "127.0.0.1", includeSubdomains: false),
            Cookie(name: "msToken", value: "from-file", domain: "127.0.0.1", includeSubdomains: false),
            Cookie(name: "elsewhere", value: "no", domain: ".example.org", includeSubdomains: true),
        ]
        let run = try ScrapeHarness(limits: ScrapeLimits(posts: 1), cookies: session).run(
            [user("bob")], scratch: scratch)
        let page = try #require(run.served.first)
        #expect(page.request.headers["cookie"] == "sessionid=s3cret; msToken=from-file")
        let api = try #require(run.served.first { $0.request.path == "/api/post/item_list/" })
        // The page set msToken=page-token-1 and ttwid; the API call carries both.
        #expect(api.request.parameter("msToken") == "page-token-1")
        let sent = api.request.headers["cookie"] ?? ""
        #expect(
            sent.contains("ttwid=1%7Cmockttwid") && sent.contains("msToken=page-token-1")
                && sent.contains("sessionid=s3cret"))
        #expect(!sent.contains("elsewhere"))
        // The HAR names the cookies and parameters but holds none of their values.
        let entry = try #require(run.har.entries.first { $0.path == "/api/post/item_list/" })
        #expect(entry.requestCookies["sessionid"] == "[redacted]")
        #expect(entry.requestHeaders["Cookie"]?.contains("sessionid=[redacted]") == true)
        #expect(entry.queryString["msToken"] == "[redacted]")
        #expect(entry.queryString["X-Bogus"] == "[redacted]")
        #expect(entry.queryString["aid"] == "1988")
        let text = try String(contentsOfFile: run.harPath, encoding: .utf8)
        for secret in ["s3cret", "from-file", "page-token-1", "mockttwid", "mock-signature"] {
            #expect(!text.contains(secret), "\(secret) is in the HAR")
        }
        #expect(text.contains("[redacted]"))
    }

    @Test("a cookie file's values and msToken stay out of the HAR; --keep-secrets keeps them")
    func cookieFileSecrets() throws {
        let scratch = try TemporaryFolder()
        let file = try scratch.write(
            "cookies.txt",
            "# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tsessionid\tfile-session-77\n"
                + "127.0.0.1\tFALSE\t/\tFALSE\t0\tmsToken\tfile-token-88\n")
        let cookies = try CookieJar.readNetscapeFile(file).cookies
        for keep in [false, true] {
            let run = try ScrapeHarness(limits: ScrapeLimits(posts: 1), cookies: cookies, keepSecrets: keep).run(
                [user("bob")], scratch: scratch, name: "out-\(keep).har")
            let text = try String(contentsOfFile: run.harPath, encoding: .utf8)
            for secret in ["file-session-77", "file-token-88", "page-token-1", "mockttwid", "mock-signature"] {
                #expect(text.contains(secret) == keep, "\(secret), keep \(keep)")
            }
            #expect(run.har.entries.count >= 2)
        }
    }

    @Test("private and missing accounts are reported and skipped; the next target still runs")
    func privateAndMissing() throws {
        let scratch = try TemporaryFolder()
        let run = try ScrapeHarness(limits: ScrapeLimits(posts: 5, followers: 5))
            .run([user("hidden"), user("ghost"), user("nobody"), user("bob")], scratch: scratch)
        let outcomes = run.report.targets.map(\.outcome)
        #expect(outcomes == [.skipped, .skipped, .skipped, .complete])
        #expect(run.report.targets[0].messages.joined().contains("private account"))
        #expect(run.report.targets[1].messages.joined().contains("does not exist"))
        #expect(run.report.targets[2].messages.joined().contains("HTTP 404"))
        // Nothing was asked about the private account beyond its page.
        #expect(!run.served.contains { $0.request.parameter("secUid") == MockTikTok.hidden.secUid })
        #expect(run.har.entries.count == run.served.count)
    }

    @Test("an empty 200 answer stops the target at once, with a clear message")
    func emptyAnswerStops() throws {
        let scratch = try TemporaryFolder()
        let run = try ScrapeHarness(limits: ScrapeLimits(posts: 5, followers: 5)).run(
            [user("botted"), user("bob")], scratch: scratch)
        let botted = try #require(run.report.targets.first)
        #expect(botted.outcome == .stopped)
        #expect(botted.messages.joined().contains("HTTP 200 with an empty body"))
        #expect(botted.messages.joined().contains("refused the signature"))
        // No looping: one try, and the followers list was not attempted after the stop.
        let tries = run.served.filter { $0.request.parameter("secUid") == MockTikTok.botted.secUid }
        #expect(tries.count == 1)
        #expect(run.report.targets[1].outcome == .complete)
        // The empty answer is in the HAR too.
        #expect(run.har.entries.contains { $0.path == "/api/post/item_list/" && $0.size == 0 && $0.text == nil })
    }

    @Test("without a signer, API calls go unsigned and the error names the endpoints that need one")
    func unsignedNeedsSigner() throws {
        let scratch = try TemporaryFolder()
        let run = try ScrapeHarness(limits: ScrapeLimits(posts: 5), signed: false).run(
            [user("alice")], scratch: scratch)
        let target = try #require(run.report.targets.first)
        #expect(target.outcome == .stopped)
        let message = target.messages.joined()
        #expect(message.contains("--signer"))
        #expect(message.contains("/api/post/item_list/"))
        #expect(message.contains("pages do not"))
        // The page itself works without a signer.
        #expect(run.har.entries.contains { $0.path == "/@alice" && $0.status == 200 })
    }

    @Test("a challenge page stops the target; three stopped targets in a row stop the run")
    func challengePage() throws {
        let scratch = try TemporaryFolder()
        let run = try ScrapeHarness().run(
            [user("walled"), user("walled"), user("walled"), user("bob")], scratch: scratch)
        #expect(run.report.targets.map(\.outcome) == [.stopped, .stopped, .stopped, .notTried])
        #expect(run.report.targets[0].messages.joined().contains("challenge"))
        #expect(run.report.stoppedEarly != nil)
        #expect(run.served.count == 3)
    }

    @Test("captcha status codes (verifyConfig, 10113) stop the target")
    func captchaStatus() throws {
        let scratch = try TemporaryFolder()
        let targets = [ScrapeTarget(kind: .hashtag, value: "verify"), ScrapeTarget(kind: .hashtag, value: "slider")]
        let run = try ScrapeHarness(limits: ScrapeLimits(posts: 5)).run(targets, scratch: scratch)
        #expect(run.report.targets.map(\.outcome) == [.stopped, .stopped])
        #expect(run.report.targets[0].messages.joined().contains("captcha"))
        #expect(run.report.targets[1].messages.joined().contains("slider captcha"))
        #expect(run.served.count == 2)
    }

    @Test("malformed JSON ends that list; the body, invalid UTF-8 too, is kept byte for byte as base64")
    func malformedJSON() throws {
        let scratch = try TemporaryFolder()
        let run = try ScrapeHarness(limits: ScrapeLimits(posts: 5)).run([user("garbled")], scratch: scratch)
        let target = try #require(run.report.targets.first)
        #expect(target.outcome == .partial)
        #expect(target.messages.joined().contains("malformed JSON"))
        let entry = try #require(run.har.entries.first { $0.path == "/api/post/item_list/" })
        #expect(entry.encoding == "base64")
        let served = try #require(run.served.first { $0.request.path == "/api/post/item_list/" })
        #expect(entry.bodyBytes == served.response.body)
        #expect(entry.bodyBytes.last == 0xC3)
        #expect(run.served.filter { $0.request.path == "/api/post/item_list/" }.count == 1)
    }

    @Test("a server error is retried a bounded number of times, then the target fails")
    func persistentServerError() throws {
        let scratch = try TemporaryFolder()
        let run = try ScrapeHarness(retries: 2).run([user("broken")], scratch: scratch)
        let target = try #require(run.report.targets.first)
        #expect(target.outcome == .failed)
        #expect(target.messages.joined().contains("HTTP 500 (3 tries)"))
        #expect(run.har.entries.map(\.attempt) == [1, 2, 3])
        #expect(run.har.entries.allSatisfy { $0.status == 500 })
    }

    @Test("a slow answer times out on the client, is retried, and is recorded with its error")
    func slowAnswerTimesOut() throws {
        let scratch = try TemporaryFolder()
        let run = try ScrapeHarness(timeout: 0.3, retries: 1).run([user("slow")], scratch: scratch)
        let target = try #require(run.report.targets.first)
        #expect(target.outcome == .failed)
        #expect(target.messages.joined().contains("timed out (2 tries)"))
        #expect(run.har.entries.count == 2)
        #expect(run.har.entries.allSatisfy { $0.error == "timed out" && $0.status == 0 })
        #expect(run.seconds < 4)
    }

    @Test("hashtag, sound and video targets")
    func otherTargets() throws {
        let scratch = try TemporaryFolder()
        let targets = [
            ScrapeTarget(kind: .hashtag, value: "cats"),
            ScrapeTarget(kind: .sound, value: MockTikTok.soundID),
            try ScrapeTarget.parse(kind: .video, "https://www.tiktok.com/@alice/video/7300000000000000001?lang=en"),
            ScrapeTarget(kind: .hashtag, value: "nosuchtag"),
        ]
        let run = try ScrapeHarness(limits: ScrapeLimits(posts: 10, comments: 10)).run(targets, scratch: scratch)
        let reports = run.report.targets
        #expect(reports.map(\.outcome) == [.complete, .complete, .complete, .skipped])
        #expect(reports[0].posts == 2 && reports[0].comments == 3)
        #expect(reports[1].posts == 3 && reports[1].comments == 4)
        #expect(reports[2].posts == 1 && reports[2].comments == 3)
        #expect(run.served.contains { $0.request.path == "/@alice/video/7300000000000000001" })
        #expect(
            run.served.first { $0.request.path == "/api/challenge/item_list/" }?.request.parameter("challengeID")
                == MockTikTok.catsID)
        #expect(run.har.entries.count == run.served.count)
    }

    @Test("cancelling mid-run (as SIGINT does) leaves a complete HAR with everything fetched so far")
    func interruptBetweenRequests() throws {
        let scratch = try TemporaryFolder()
        var harness = ScrapeHarness(limits: Self.fullLimits)
        harness.onLog = { line, cancellation in
            if line.hasPrefix("GET /api/post/item_list/") { cancellation.cancel() }
        }
        let run = try harness.run([user("alice"), user("bob")], scratch: scratch)
        #expect(run.report.interrupted)
        #expect(run.report.targets.map(\.outcome) == [.partial, .notTried])
        // The page (429, then 200) and the first posts page: nothing after the cancel.
        #expect(run.har.entries.map(\.path) == ["/@alice", "/@alice", "/api/post/item_list/"])
        #expect(run.served.count == 3)
    }

    @Test("cancelling during a request in flight aborts it and still leaves a complete HAR")
    func interruptInFlight() throws {
        let scratch = try TemporaryFolder()
        var harness = ScrapeHarness(timeout: 10)
        // Cancel from another thread 0.1 s after the slow request (2 s) reached the server.
        harness.onRequest = { request, cancellation in
            guard request.path == "/@slow" else { return }
            Thread.detachNewThread {
                usleep(100_000)
                cancellation.cancel()
            }
        }
        let run = try harness.run([user("bob"), user("slow")], scratch: scratch)
        #expect(run.report.interrupted)
        #expect(run.seconds < 1.5)
        #expect(run.har.entries.map(\.path) == ["/@bob", "/@slow"])
        #expect(run.har.entries.last?.error == "cancelled")
    }

    @Test("the HAR is never overwritten by accident")
    func existingHAR() throws {
        let scratch = try TemporaryFolder()
        let path = scratch.file("kept.har")
        #expect(FileManager.default.createFile(atPath: path, contents: Data("precious".utf8)))
        #expect(throws: ScrapeError.self) {
            _ = try HARWriter(path: path, overwrite: false, creatorVersion: "t", comment: "")
        }
        #expect(FileManager.default.contents(atPath: path) == Data("precious".utf8))
        let writer = try HARWriter(path: path, overwrite: true, creatorVersion: "t", comment: "")
        writer.close()
        #expect(try HARFile.read(path).entries.isEmpty)
        #expect(throws: ScrapeError.self) {
            _ = try HARWriter(path: scratch.file("no/such/dir.har"), overwrite: false, creatorVersion: "t", comment: "")
        }
    }
}
