/// The client key and secret of an approved research project (developers.tiktok.com → Research
/// projects). They are sent to the token endpoint only and never written to the HAR.
package struct ResearchCredentials: Sendable {
    package var clientKey: String
    package var clientSecret: String

    package init(clientKey: String, clientSecret: String) {
        self.clientKey = clientKey
        self.clientSecret = clientSecret
    }
}

/// What to collect about each account of a `user` target besides its profile: up to N records of
/// each list (0: none).
package struct ResearchUserLists: Sendable, Equatable {
    package var followers = 0
    package var following = 0
    package var liked = 0
    package var pinned = false
    package var reposted = 0

    package init(followers: Int = 0, following: Int = 0, liked: Int = 0, pinned: Bool = false, reposted: Int = 0) {
        self.followers = followers
        self.following = following
        self.liked = liked
        self.pinned = pinned
        self.reposted = reposted
    }
}

/// What to collect: a video search, accounts, or the comments under videos.
package enum ResearchTarget: Sendable, Equatable, CustomStringConvertible {
    case videos(VideoQuery)
    /// A username, without `@`.
    case user(String)
    /// A video id (decimal digits).
    case comments(UInt64)

    /// `videos:hashtag cats, 2024-01-01..2024-01-31`, `user:name`, `comments:7300…`: for messages and
    /// the HAR's `_whichtok_target`.
    package var description: String {
        switch self {
        case .videos(let query): "videos:\(query)"
        case .user(let name): "user:\(name)"
        case .comments(let id): "comments:\(id)"
        }
    }
}

/// Everything the Research API client needs besides the targets.
package struct ResearchConfiguration: Sendable {
    /// The only place in whichtok that names the Research API's host.
    package static let defaultBaseURL = "https://open.tiktokapis.com"
    /// The token endpoint (client-credentials grant).
    package static let tokenPath = "/v2/oauth/token/"
    /// `max_count` cannot be larger.
    package static let maxPageSize = 100
    /// Comments beyond the first 1,000 of a video are not served (`cursor + max_count ≤ 1000`).
    package static let maxComments = 1000

    package var baseURL: BaseURL
    package var credentials: ResearchCredentials
    /// Records per page (`max_count`), at most 100.
    package var pageSize = ResearchConfiguration.maxPageSize
    /// Videos per `videos` target, over all its date windows.
    package var maxVideos = 1000
    /// Comments per video, at most 1,000.
    package var maxComments = ResearchConfiguration.maxComments
    package var lists = ResearchUserLists()
    /// The `fields` asked for each kind of record.
    package var videoFields = ResearchFields.video
    package var userVideoFields = ResearchFields.userVideo
    package var userInfoFields = ResearchFields.userInfo
    package var commentFields = ResearchFields.comment
    /// Requests per second, on average (`--rate`); the jitter as in `ScrapeConfiguration`.
    package var requestsPerSecond = 1.0
    package var jitter = 0.5
    package var timeout = 30.0
    /// Retries of 5xx answers and timeouts (429 is the quota: it stops the run instead).
    package var backoff = Backoff()
    package var maxBodyBytes = 64 << 20
    /// A token is renewed when fewer seconds than this remain of its `expires_in`.
    package var tokenRenewalMargin = 300.0
    package var userAgent = "whichtok"
    /// Where earlier runs stopped (`--resume`).
    package var progress = ResearchProgress()

    package init(baseURL: BaseURL, credentials: ResearchCredentials) {
        self.baseURL = baseURL
        self.credentials = credentials
    }
}

/// What happened to one Research API target.
package struct ResearchTargetReport: Sendable, Equatable {
    package var target: ResearchTarget
    package var outcome: TargetReport.Outcome
    /// Why, for every outcome but `complete`: one line each, never a response body.
    package var messages: [String] = []
    /// Records received in this run, per endpoint.
    package var records: [ResearchEndpoint: Int] = [:]
    /// Records that earlier runs (`--resume`) had collected, per endpoint.
    package var earlier: [ResearchEndpoint: Int] = [:]

    package init(target: ResearchTarget, outcome: TargetReport.Outcome) {
        self.target = target
        self.outcome = outcome
    }

    /// "250 videos, 3 followers" — the non-zero counts of this run, and "(+120 before)" for resumed ones.
    package var countsText: String {
        var parts: [String] = []
        for endpoint in ResearchEndpoint.allCases {
            let now = records[endpoint] ?? 0
            let before = earlier[endpoint] ?? 0
            guard now > 0 || before > 0 else { continue }
            parts.append("\(now) \(endpoint.recordName)" + (before > 0 ? " (+\(before) before)" : ""))
        }
        return parts.isEmpty ? "no records" : parts.joined(separator: ", ")
    }
}

package struct ResearchReport: Sendable {
    package var targets: [ResearchTargetReport] = []
    /// HAR entries written (token requests, retries included).
    package var entries = 0
    /// Stopped by `Cancellation` (SIGINT).
    package var interrupted = false
    /// The API's quota or rate limit (HTTP 429) stopped the run: the API's code and message.
    package var quotaStop: String?
    /// The token could not be had (credentials refused, token refused twice).
    package var authenticationStop: String?

    /// Whether the run stopped before its end (and can be continued with `--resume`).
    package var stoppedEarly: Bool { interrupted || quotaStop != nil || authenticationStop != nil }

    package var allComplete: Bool { !stoppedEarly && targets.allSatisfy { $0.outcome == .complete } }
}
