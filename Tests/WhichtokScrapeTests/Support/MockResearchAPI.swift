import Synchronization
import WhichtokImport

/// A made-up Research API, served as `Docs`' notes on the real one describe it: a token endpoint
/// (client credentials, form-encoded) and the `/v2/research/…` endpoints, each a POST of JSON with
/// a bearer token, answering `{"data": …, "error": {"code", "message", "log_id"}}`.
///
/// Data: the `videos` search finds `videosPerWindow` videos in each date window asked (ids above
/// 2^53); `alice` has 250 followers and 150 liked videos (time cursors), 3 followed accounts, 2
/// pinned videos and 120 reposts (offset); video `bigVideo` has 1,234 comments (only 1,000 served),
/// `smallVideo` 5. Unknown users get 400 `invalid_params`.
final class MockResearchAPI: @unchecked Sendable {
    static let clientKey = "awkey1234567890"
    static let clientSecret = "s3cr3t-Very-Secret-Value"
    static let bigVideo: UInt64 = 7_300_000_000_000_000_001
    static let smallVideo: UInt64 = 7_300_000_000_000_000_002
    static let videosPerWindow = 250
    static let followerCount = 250
    static let likedCount = 150
    static let repostCount = 120
    static let now: Int64 = 1_733_000_000

    struct Options: Sendable {
        /// Seconds the tokens live (`expires_in`).
        var expiresIn = 7200
        /// The first research request made with the first token answers 401 `access_token_invalid`.
        var expireFirstToken = false
        /// After this many research requests, every request answers 429 `rate_limit_exceeded`.
        var quotaAfter: Int?
        /// Prefixes every `search_id`: another session does not accept the ids of this one (as
        /// search ids that expired).
        var session = ""
    }

    private struct State {
        var tokens: [String] = []
        var researchRequests = 0
        var expiredOnce = false
    }

    let options: Options
    private let state = Mutex(State())

    init(_ options: Options = Options()) {
        self.options = options
    }

    /// Tokens handed out, in order.
    var tokens: [String] { state.withLock { $0.tokens } }

    func handle(_ request: MockServer.Request) -> MockServer.Response {
        guard request.method == "POST" else { return error(405, "invalid_request", "POST only") }
        if request.path == "/v2/oauth/token/" { return token(request) }
        guard request.path.hasPrefix("/v2/research/") else { return error(404, "not_found", "no such endpoint") }
        let bearer = request.headers["authorization"] ?? ""
        let verdict = state.withLock { state -> MockServer.Response? in
            guard let last = state.tokens.last, bearer == "Bearer " + last else {
                return error(401, "access_token_invalid", "The access token is invalid or not found in the request.")
            }
            if options.expireFirstToken, !state.expiredOnce, state.tokens.count == 1 {
                state.expiredOnce = true
                return error(401, "access_token_invalid", "The access token is invalid or not found in the request.")
            }
            state.researchRequests += 1
            if let quota = options.quotaAfter, state.researchRequests > quota {
                return error(429, "rate_limit_exceeded", "API rate limit was exceeded. Please try again later.")
            }
            return nil
        }
        if let verdict { return verdict }
        guard request.headers["content-type"] == "application/json" else {
            return error(400, "invalid_params", "Content-Type must be application/json")
        }
        let body = Body.read(request.body)
        guard let body else { return error(400, "invalid_params", "the body is not JSON") }
        if let count = body.maxCount, !(1...100).contains(count) {
            return error(400, "invalid_params", "max_count must be between 1 and 100")
        }
        switch request.path {
        case "/v2/research/video/query/": return videos(body)
        case "/v2/research/user/info/":
            guard body.username == "alice" else { return error(400, "invalid_params", "user does not exist") }
            return ok(
                #"{"display_name":"Alice A.","bio_description":"hi","avatar_url":"https://example.invalid/a.jpg","is_verified":false,"follower_count":250,"following_count":3,"likes_count":1000,"video_count":5}"#
            )
        case "/v2/research/user/followers/": return timeList(body, key: "user_followers", count: Self.followerCount)
        case "/v2/research/user/following/": return timeList(body, key: "user_following", count: 3)
        case "/v2/research/user/liked_videos/":
            return timeList(body, key: "user_liked_videos", count: Self.likedCount)
        case "/v2/research/user/pinned_videos/":
            guard body.username == "alice" else { return error(400, "invalid_params", "user does not exist") }
            return ok(#"{"pinned_videos_list":["# + video(9_000_001) + "," + video(9_000_002) + "]}")
        case "/v2/research/user/reposted_videos/":
            guard body.username == "alice" else { return error(400, "invalid_params", "user does not exist") }
            return offsetList(
                body.cursor ?? 0, body.maxCount ?? 20, total: Self.repostCount, key: "user_reposted_videos"
            ) {
                self.video(8_000_000 + $0)
            }
        case "/v2/research/video/comment/list/":
            let total = body.videoID == Self.bigVideo ? 1234 : (body.videoID == Self.smallVideo ? 5 : 0)
            let cursor = body.cursor ?? 0
            let count = body.maxCount ?? 10
            guard cursor + Int64(count) <= 1000 else {
                return error(400, "invalid_params", "cursor + max_count must be at most 1000")
            }
            let videoID = body.videoID ?? 0
            return offsetList(cursor, count, total: min(total, 1000), key: "comments", hasMoreBeyond: total) { n in
                #"{"id":\#(7_400_000_000_000_000_000 + videoID % 1000 * 10_000 + UInt64(n)),"video_id":\#(videoID),"text":"comment \#(n)","like_count":1,"reply_count":0,"parent_comment_id":\#(videoID),"create_time":1733000000}"#
            }
        default: return error(404, "not_found", "no such endpoint")
        }
    }

    // MARK: - Endpoints

    private func token(_ request: MockServer.Request) -> MockServer.Response {
        let form = String(decoding: request.body, as: UTF8.self)
        let expected = "client_key=\(Self.clientKey)&client_secret=\(Self.clientSecret)&grant_type=client_credentials"
        guard request.headers["content-type"] == "application/x-www-form-urlencoded", form == expected else {
            return .json(
                #"{"error":"invalid_client","error_description":"Client key or secret is incorrect.","log_id":"L1"}"#,
                status: 401)
        }
        let token = state.withLock { state -> String in
            let token = "clt.mockToken\(state.tokens.count + 1)xyzAbc"
            state.tokens.append(token)
            return token
        }
        return .json(
            #"{"access_token":"\#(token)","expires_in":\#(options.expiresIn),"token_type":"Bearer","scope":"research.data.basic"}"#
        )
    }

    private func videos(_ body: Body) -> MockServer.Response {
        guard let start = body.startDate, let end = body.endDate else {
            return error(400, "invalid_params", "start_date and end_date are required")
        }
        let searchID = options.session + "search-\(start)-\(end)"
        let cursor = body.cursor ?? 0
        if cursor > 0 && body.searchID != searchID {
            return error(400, "invalid_params", "search_id is required with a cursor")
        }
        let window = (Int(start) ?? 0) % 100_000
        let count = body.maxCount ?? 20
        let total = Self.videosPerWindow
        let first = Int(cursor)
        let last = min(total, first + count)
        let videos = (first..<max(first, last)).map { video(window * 1000 + $0) }
        return ok(
            #"{"videos":[\#(videos.joined(separator: ","))],"cursor":\#(last),"has_more":\#(last < total),"search_id":"\#(searchID)"}"#
        )
    }

    /// Newest first; the cursor is a unix time: records at or before it.
    private func timeList(_ body: Body, key: String, count total: Int) -> MockServer.Response {
        guard body.username == "alice" else { return error(400, "invalid_params", "user does not exist") }
        let before = body.cursor ?? Self.now
        let count = body.maxCount ?? 20
        // Record n happened at now - 60 n.
        let first = Int(max(0, (Self.now - before + 59) / 60))
        let last = min(total, first + count)
        let records = (first..<max(first, last)).map { n -> String in
            key == "user_liked_videos" ? video(7_000_000 + n) : #"{"display_name":"Fan \#(n)","username":"fan\#(n)"}"#
        }
        let next = Self.now - Int64(last) * 60
        return ok(
            #"{"\#(key)":[\#(records.joined(separator: ","))],"cursor":\#(next),"has_more":\#(last < total)}"#)
    }

    private func offsetList(
        _ cursor: Int64, _ count: Int, total: Int, key: String, hasMoreBeyond: Int? = nil, record: (Int) -> String
    ) -> MockServer.Response {
        let first = Int(cursor)
        let last = min(total, first + count)
        let records = (first..<max(first, last)).map(record)
        let more = last < (hasMoreBeyond ?? total)
        return ok(#"{"\#(key)":[\#(records.joined(separator: ","))],"cursor":\#(last),"has_more":\#(more)}"#)
    }

    private func video(_ n: Int) -> String {
        let id = 7_300_000_000_000_000_000 + UInt64(n)
        return
            #"{"id":\#(id),"username":"creator\#(n % 7)","create_time":1733000000,"region_code":"DE","video_description":"video \#(n) #cats","hashtag_names":["cats"],"music_id":7200000000000000001,"like_count":\#(n % 100),"view_count":1000}"#
    }

    private func ok(_ data: String) -> MockServer.Response {
        .json(#"{"data":\#(data),"error":{"code":"ok","message":"","log_id":"202412040000000000000000000"}}"#)
    }

    private func error(_ status: Int, _ code: String, _ message: String) -> MockServer.Response {
        .json(
            #"{"data":{},"error":{"code":"\#(code)","message":"\#(message)","log_id":"2024120400000000"}}"#,
            status: status)
    }

    /// The members of a request body the mock looks at.
    struct Body {
        var username: String?
        var videoID: UInt64?
        var maxCount: Int?
        var cursor: Int64?
        var searchID: String?
        var startDate: String?
        var endDate: String?

        static func read(_ bytes: [UInt8]) -> Body? {
            try? JSONParser().parse(PaddedBytes(bytes)) { root -> Body in
                var body = Body()
                body.username = root["username"]?.string
                if let id = root["video_id"] { body.videoID = id.uint64 ?? id.int64.map { UInt64($0) } }
                body.maxCount = root["max_count"]?.int64.map { Int($0) }
                body.cursor = root["cursor"]?.int64
                body.searchID = root["search_id"]?.string
                body.startDate = root["start_date"]?.string
                body.endDate = root["end_date"]?.string
                return body
            }
        }
    }
}
