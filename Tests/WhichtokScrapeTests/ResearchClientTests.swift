import Foundation
import Testing
import WhichtokImport
import WhichtokSupport
import WhichtokTestSupport

@testable import WhichtokScrape

@Suite("Research API client")
struct ResearchClientTests {
    static func day(_ year: Int, _ month: Int, _ day: Int) -> Int {
        CivilTime.days(year: year, month: month, day: day)
    }

    /// `#cats` from 2024-01-01 to 2024-03-15: 75 days, three windows.
    static let catsQuery: VideoQuery = {
        var query = VideoQuery(firstDay: day(2024, 1, 1), lastDay: day(2024, 3, 15))
        query.hashtags = ["cats"]
        query.regions = ["DE", "AT"]
        return query
    }()

    static func body(_ request: MockServer.Request) -> String { String(decoding: request.body, as: UTF8.self) }

    @Test("a 75-day range is cut into 3 windows of at most 30 days, with YYYYMMDD dates")
    func windows() {
        let windows = Self.catsQuery.windows()
        #expect(windows.map(\.startDate) == ["20240101", "20240131", "20240301"])
        #expect(windows.map(\.endDate) == ["20240130", "20240229", "20240315"])
        #expect(windows.allSatisfy { $0.lastDay - $0.firstDay < VideoQuery.maxWindowDays })
        var single = Self.catsQuery
        single.lastDay = single.firstDay
        #expect(single.windows().map(\.endDate) == ["20240101"])
    }

    @Test("the token is fetched once with the form body, and every request carries it as a bearer token")
    func tokenFetch() throws {
        let scratch = try TemporaryFolder()
        var harness = ResearchHarness()
        harness.maxVideos = 150
        let result = try harness.run([.videos(Self.catsQuery)], scratch: scratch)
        #expect(result.report.allComplete, "\(result.report.targets)")
        try #require(result.tokenRequests.count == 1)
        let token = result.tokenRequests[0]
        #expect(token.method == "POST")
        #expect(token.headers["content-type"] == "application/x-www-form-urlencoded")
        #expect(
            Self.body(token)
                == "client_key=\(MockResearchAPI.clientKey)&client_secret=\(MockResearchAPI.clientSecret)&grant_type=client_credentials"
        )
        #expect(result.research.count == 2)
        #expect(result.research.allSatisfy { $0.headers["authorization"] == "Bearer " + result.tokens[0] })
        #expect(result.research.allSatisfy { $0.headers["content-type"] == "application/json" })
    }

    @Test("an expired token (401 access_token_invalid) is renewed once and the request retried")
    func expiredToken() throws {
        let scratch = try TemporaryFolder()
        var harness = ResearchHarness()
        harness.mock.expireFirstToken = true
        let result = try harness.run([.user("alice")], scratch: scratch)
        #expect(result.report.allComplete, "\(result.report.targets)")
        #expect(result.tokens.count == 2)
        #expect(result.research.map { $0.headers["authorization"] ?? "" } == result.tokens.map { "Bearer " + $0 })
        #expect(result.har.entries.map(\.status) == [200, 401, 200, 200])
        #expect(result.report.targets.first?.records[.userInfo] == 1)
    }

    @Test("a token about to expire is renewed before the next request")
    func renewalBeforeExpiry() throws {
        let scratch = try TemporaryFolder()
        var harness = ResearchHarness()
        harness.mock.expiresIn = 7200
        var result = try harness.run([.comments(MockResearchAPI.bigVideo)], scratch: scratch)
        #expect(result.tokenRequests.count == 1)
        // Tokens that live less than the renewal margin: a fresh one before each request.
        harness.mock.expiresIn = 60
        result = try harness.run([.comments(MockResearchAPI.bigVideo)], scratch: scratch, name: "short.har")
        #expect(result.report.allComplete)
        #expect(result.research.count == 10)
        #expect(result.tokenRequests.count == 10)
        let paths = result.served.map(\.request.path)
        #expect(paths.first == "/v2/oauth/token/")
        #expect(zip(paths, paths.dropFirst()).allSatisfy { $0.0 != $0.1 })
    }

    @Test("wrong credentials stop the run with a message; nothing else is asked")
    func refusedCredentials() throws {
        let scratch = try TemporaryFolder()
        var harness = ResearchHarness()
        harness.configure = { $0.credentials.clientSecret = "not-the-secret" }
        let result = try harness.run([.user("alice"), .user("bob")], scratch: scratch)
        #expect(result.research.isEmpty)
        let reason = try #require(result.report.authenticationStop)
        #expect(reason.contains("invalid_client"))
        #expect(result.report.targets.map(\.outcome) == [.notTried, .notTried])
        #expect(!result.harBytes.containsText("not-the-secret"))
    }

    @Test("video search: every window, paged by cursor and search_id, with the JSON body and fields")
    func videoPagination() throws {
        let scratch = try TemporaryFolder()
        var harness = ResearchHarness()
        harness.maxVideos = 10_000
        let result = try harness.run([.videos(Self.catsQuery)], scratch: scratch)
        #expect(result.report.allComplete, "\(result.report.targets)")
        #expect(result.report.targets[0].records[.videos] == 3 * MockResearchAPI.videosPerWindow)
        // 250 a window: pages of 100, 100, 50 in each of the three windows.
        #expect(result.research.count == 9)
        #expect(
            Self.body(result.research[0])
                == #"{"query":{"and":[{"operation":"IN","field_name":"hashtag_name","field_values":["cats"]},"#
                + #"{"operation":"IN","field_name":"region_code","field_values":["DE","AT"]}]},"#
                + #""start_date":"20240101","end_date":"20240130","is_random":false,"max_count":100}"#)
        #expect(
            Self.body(result.research[1]).hasSuffix(
                #""max_count":100,"cursor":100,"search_id":"search-20240101-20240130"}"#))
        #expect(
            Self.body(result.research[2]).hasSuffix(
                #""max_count":100,"cursor":200,"search_id":"search-20240101-20240130"}"#))
        #expect(
            Self.body(result.research[3]).contains(
                #""start_date":"20240131","end_date":"20240229","is_random":false,"max_count":100}"#))
        #expect(Self.body(result.research[6]).contains(#""start_date":"20240301","end_date":"20240315""#))
        for request in result.research {
            #expect(request.path == "/v2/research/video/query/")
            #expect(request.parameter("fields") == ResearchFields.video.joined(separator: ","))
        }
        // The recorded ids are exact 64-bit integers, and all distinct.
        let ids = try recordIDs(result.har)
        #expect(ids.count == 750 && Set(ids).count == 750)
        #expect(ids.allSatisfy { $0.hasPrefix("73000000") })
    }

    @Test("video search: --max stops across windows with a smaller last page")
    func videoMax() throws {
        let scratch = try TemporaryFolder()
        var harness = ResearchHarness()
        harness.maxVideos = 260
        let result = try harness.run([.videos(Self.catsQuery)], scratch: scratch)
        #expect(result.report.targets[0].records[.videos] == 260)
        #expect(result.research.count == 4)
        #expect(Self.body(result.research[3]).contains(#""start_date":"20240131""#))
        #expect(Self.body(result.research[3]).hasSuffix(#""max_count":10}"#))
    }

    @Test("user: info, followers and following and liked by time cursor, pinned, reposted by offset")
    func userLists() throws {
        let scratch = try TemporaryFolder()
        var harness = ResearchHarness()
        harness.lists = ResearchUserLists(followers: 230, following: 50, liked: 1000, pinned: true, reposted: 1000)
        let result = try harness.run([.user("alice"), .user("nobody")], scratch: scratch)
        let alice = result.report.targets[0]
        #expect(alice.outcome == .complete, "\(alice.messages)")
        #expect(alice.records[.userInfo] == 1)
        #expect(alice.records[.followers] == 230)
        #expect(alice.records[.following] == 3)
        #expect(alice.records[.liked] == MockResearchAPI.likedCount)
        #expect(alice.records[.pinned] == 2)
        #expect(alice.records[.reposted] == MockResearchAPI.repostCount)
        let nobody = result.report.targets[1]
        #expect(nobody.outcome == .failed)
        #expect(nobody.messages.joined().contains("invalid_params"))

        let followers = result.research.filter { $0.path == "/v2/research/user/followers/" }.map(Self.body)
        let t = MockResearchAPI.now
        #expect(
            followers == [
                #"{"username":"alice","max_count":100}"#,
                #"{"username":"alice","max_count":100,"cursor":\#(t - 100 * 60)}"#,
                #"{"username":"alice","max_count":30,"cursor":\#(t - 200 * 60)}"#,
            ])
        let liked = result.research.filter { $0.path == "/v2/research/user/liked_videos/" }
        #expect(liked.count == 2)
        #expect(liked.allSatisfy { $0.parameter("fields") == ResearchFields.userVideo.joined(separator: ",") })
        let reposts = result.research.filter { $0.path == "/v2/research/user/reposted_videos/" }.map(Self.body)
        #expect(reposts.last == #"{"username":"alice","max_count":100,"cursor":100}"#)
        let pinned = result.research.filter { $0.path == "/v2/research/user/pinned_videos/" }.map(Self.body)
        #expect(pinned == [#"{"username":"alice"}"#])
        let info = try #require(result.research.first { $0.path == "/v2/research/user/info/" })
        #expect(info.parameter("fields") == ResearchFields.userInfo.joined(separator: ","))
        #expect(Self.body(info) == #"{"username":"alice"}"#)
        // The follower lists take no fields.
        #expect(
            result.research.filter { $0.path.hasSuffix("/followers/") }.allSatisfy { $0.parameter("fields") == nil })
    }

    @Test("comments: offset cursor, never beyond the first 1,000 (cursor + max_count ≤ 1000)")
    func comments() throws {
        let scratch = try TemporaryFolder()
        var harness = ResearchHarness()
        var result = try harness.run(
            [.comments(MockResearchAPI.bigVideo), .comments(MockResearchAPI.smallVideo)], scratch: scratch)
        #expect(result.report.allComplete, "\(result.report.targets)")
        #expect(result.report.targets.map { $0.records[.comments] ?? 0 } == [1000, 5])
        let big = result.research.filter { Self.body($0).contains("\(MockResearchAPI.bigVideo)") }.map(Self.body)
        #expect(big.count == 10)
        #expect(big.first == #"{"video_id":\#(MockResearchAPI.bigVideo),"max_count":100}"#)
        #expect(big.last == #"{"video_id":\#(MockResearchAPI.bigVideo),"max_count":100,"cursor":900}"#)
        #expect(result.research.allSatisfy { $0.parameter("fields") == ResearchFields.comment.joined(separator: ",") })

        harness.maxComments = 250
        result = try harness.run([.comments(MockResearchAPI.bigVideo)], scratch: scratch, name: "250.har")
        #expect(result.research.map(Self.body).map { $0.contains(#""max_count":50"#) } == [false, false, true])
        #expect(result.report.targets[0].records[.comments] == 250)
    }

    @Test("the HAR holds POST bodies and answers but no client key, secret or token, and is valid HAR")
    func noSecretsInHAR() throws {
        let scratch = try TemporaryFolder()
        var harness = ResearchHarness()
        harness.mock.expireFirstToken = true
        harness.lists = ResearchUserLists(followers: 10, pinned: true)
        let result = try harness.run([.user("alice"), .comments(MockResearchAPI.smallVideo)], scratch: scratch)
        #expect(result.tokens.count == 2)
        for secret in [MockResearchAPI.clientKey, MockResearchAPI.clientSecret] + result.tokens {
            #expect(!result.harBytes.containsText(secret), "\(secret) is in the HAR")
        }
        #expect(!result.harBytes.containsText("clt."))
        let entries = result.har.entries
        #expect(entries.count == result.served.count)
        let tokenEntries = entries.filter { $0.url.hasSuffix("/v2/oauth/token/") }
        #expect(tokenEntries.count == 2)
        for entry in tokenEntries {
            #expect(entry.method == "POST")
            #expect(entry.postMimeType == "application/x-www-form-urlencoded")
            #expect(entry.postText == "client_key=[redacted]&client_secret=[redacted]&grant_type=client_credentials")
            #expect(entry.text?.contains(#""access_token":"[redacted]""#) == true)
            #expect(entry.text?.contains(#""expires_in":7200"#) == true)
        }
        for entry in entries where entry.url.contains("/v2/research/") {
            #expect(entry.method == "POST")
            #expect(entry.requestHeaders["Authorization"] == "Bearer [redacted]")
            #expect(entry.postMimeType == "application/json")
            #expect(entry.postText?.hasPrefix("{") == true)
            #expect(entry.text?.contains(#""error":{"code":"#) == true)
        }
        #expect(entries.contains { $0.postText == #"{"username":"alice","max_count":10}"# })
        #expect(
            entries.allSatisfy { $0.target == "user:alice" || $0.target == "comments:\(MockResearchAPI.smallVideo)" })
    }

    @Test("429 rate_limit_exceeded stops the run; --resume continues to the same records as one whole run")
    func quotaAndResume() throws {
        let scratch = try TemporaryFolder()
        var harness = ResearchHarness()
        harness.maxVideos = 10_000
        harness.lists = ResearchUserLists(followers: 250, reposted: 120)
        let targets: [ResearchTarget] = [
            .videos(Self.catsQuery), .user("alice"), .comments(MockResearchAPI.bigVideo),
        ]
        let whole = try harness.run(targets, scratch: scratch, name: "whole.har")
        #expect(whole.report.allComplete, "\(whole.report.targets)")

        // The quota runs out in the middle of the second window, then again in alice's followers.
        var first = harness
        first.mock.quotaAfter = 4
        let stopped = try first.run(targets, scratch: scratch, name: "part1.har")
        let quota = try #require(stopped.report.quotaStop)
        #expect(quota.contains("429") && quota.contains("rate_limit_exceeded"))
        #expect(stopped.report.targets.map(\.outcome) == [.partial, .notTried, .notTried])
        #expect(stopped.report.targets[0].records[.videos] == 350)
        #expect(stopped.research.count == 5)
        #expect(stopped.report.targets[0].messages.joined().contains("quota"))

        var second = harness
        second.mock.quotaAfter = 8
        second.progress = try ResearchProgress.read([stopped.harPath])
        let middle = try second.run(targets, scratch: scratch, name: "part2.har")
        #expect(middle.report.quotaStop != nil)
        #expect(middle.report.targets[0].earlier[.videos] == 350)
        // The search goes on from the recorded cursor and search_id, not from the start.
        #expect(Self.body(middle.research[0]).hasSuffix(#""cursor":100,"search_id":"search-20240131-20240229"}"#))

        var third = harness
        third.progress = try ResearchProgress.read([stopped.harPath, middle.harPath])
        let last = try third.run(targets, scratch: scratch, name: "part3.har")
        #expect(last.report.quotaStop == nil)
        #expect(last.report.allComplete, "\(last.report.targets)")

        let pieces = try recordIDs(stopped.har) + recordIDs(middle.har) + recordIDs(last.har)
        let all = try recordIDs(whole.har)
        #expect(pieces.count == all.count, "no record fetched twice")
        #expect(pieces.sorted() == all.sorted())
        // Every page was asked once over the three runs (the 429 answers aside).
        let asked = (stopped.served + middle.served + last.served).filter { $0.response.status == 200 }
            .map(\.request).filter { $0.path.hasPrefix("/v2/research/") }.map { $0.path + Self.body($0) }
        #expect(asked.sorted() == whole.research.map { $0.path + Self.body($0) }.sorted())
    }

    @Test("an interruption stops after the request in flight; the HAR stays valid and --resume finishes")
    func interruption() throws {
        let scratch = try TemporaryFolder()
        var harness = ResearchHarness()
        let targets: [ResearchTarget] = [.comments(MockResearchAPI.bigVideo), .comments(MockResearchAPI.smallVideo)]
        let posts = LineLog()
        harness.onLog = { line, cancellation in
            guard line.hasPrefix("POST /v2/research/") else { return }
            posts.append(line)
            if posts.count == 4 { cancellation.cancel() }
        }
        let stopped = try harness.run(targets, scratch: scratch, name: "cut.har")
        #expect(stopped.report.interrupted)
        #expect(stopped.report.targets.map(\.outcome) == [.partial, .notTried])
        #expect(stopped.research.count == 4)
        #expect(stopped.har.entries.count == 5)

        var again = ResearchHarness()
        again.progress = try ResearchProgress.read([stopped.harPath])
        let rest = try again.run(targets, scratch: scratch, name: "rest.har")
        #expect(rest.report.allComplete)
        let ids = try recordIDs(stopped.har) + recordIDs(rest.har)
        #expect(ids.count == 1005 && Set(ids).count == 1005)
    }

    @Test("a search_id refused on resume (expired) restarts its window; the records are still all there")
    func expiredSearchID() throws {
        let scratch = try TemporaryFolder()
        var harness = ResearchHarness()
        harness.maxVideos = 10_000
        harness.mock.quotaAfter = 4
        let stopped = try harness.run([.videos(Self.catsQuery)], scratch: scratch, name: "a.har")
        #expect(stopped.report.quotaStop != nil)

        var later = ResearchHarness()
        later.maxVideos = 10_000
        later.mock.session = "tomorrow-"
        later.progress = try ResearchProgress.read([stopped.harPath])
        let resumed = try later.run([.videos(Self.catsQuery)], scratch: scratch, name: "b.har")
        #expect(resumed.report.allComplete, "\(resumed.report.targets)")
        #expect(resumed.log.contains { $0.contains("the recorded search_id was not accepted") })
        // The refused page, the second window again from its start, the third window.
        #expect(resumed.research.count == 1 + 3 + 3)
        #expect(
            Self.body(resumed.research[1]).hasSuffix(
                #""start_date":"20240131","end_date":"20240229","is_random":false,"max_count":100}"#))
        #expect(resumed.report.targets[0].records[.videos] == 500)
        #expect(resumed.report.targets[0].earlier[.videos] == 250)
        let ids = try Set(recordIDs(stopped.har) + recordIDs(resumed.har))
        #expect(ids.count == 750)
    }
}
