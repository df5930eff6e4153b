/// The web API endpoints the scraper calls (Docs/web-captures.md, 'Endpoints').
///
/// TikTok's web app signs every `/api/` request it makes (`X-Bogus`, and since 2025 `X-Gnarly` on
/// the item lists); unsigned or badly signed requests typically get HTTP 200 with an empty body.
/// The server-rendered pages (`/@user`, `/@user/video/<id>`) need no signature.
package enum Endpoint: String, CaseIterable, Sendable {
    case userPosts = "/api/post/item_list/"
    case comments = "/api/comment/list/"
    case replies = "/api/comment/list/reply/"
    case userList = "/api/user/list/"
    case hashtagDetail = "/api/challenge/detail/"
    case hashtagPosts = "/api/challenge/item_list/"
    case soundDetail = "/api/music/detail/"
    case soundPosts = "/api/music/item_list/"

    package var path: String { rawValue }

    /// Every API endpoint: the web app signs them all. Kept as a property so the help text, the
    /// errors and the README say the same thing.
    package var needsSignature: Bool { true }

    /// Records asked for per page: what TikTok's web app asks for.
    var pageSize: Int {
        switch self {
        case .userPosts: 35
        case .comments, .replies: 20
        case .userList, .hashtagPosts, .soundPosts: 30
        case .hashtagDetail, .soundDetail: 1
        }
    }

    /// `from_page` as the web app sends it.
    var fromPage: String {
        switch self {
        case .userPosts, .userList: "user"
        case .comments, .replies: "video"
        case .hashtagDetail, .hashtagPosts: "hashtag"
        case .soundDetail, .soundPosts: "music"
        }
    }

    /// The endpoints that need a signer, for messages: "/api/post/item_list/, /api/comment/list/, …".
    package static var signedList: String {
        allCases.filter(\.needsSignature).map(\.path).joined(separator: ", ")
    }
}

/// The query parameters TikTok's web app sends with every API request (Docs/web-captures.md, 'Query
/// parameters'), for a desktop browser.
struct WebParameters: Sendable {
    let userAgent: String
    let deviceID: String
    let language: String
    let region: String

    init(userAgent: String, language: String = "en", region: String = "US") {
        self.userAgent = userAgent
        self.language = language
        self.region = region
        // A random 19-digit device id in the range yt-dlp draws from (Docs/web-captures.md,
        // 'Signatures and tokens').
        var random = SystemRandomNumberGenerator()
        deviceID = String(UInt64.random(in: 7_250_000_000_000_000_000...7_325_099_899_999_994_577, using: &random))
    }

    /// The common parameters, then `specific`, then `msToken` when the jar has one.
    func query(for endpoint: Endpoint, _ specific: [HTTPField], msToken: String?) -> [HTTPField] {
        let browserVersion = userAgent.hasPrefix("Mozilla/") ? String(userAgent.dropFirst("Mozilla/".count)) : userAgent
        var fields: [HTTPField] = [
            HTTPField("aid", "1988"),
            HTTPField("app_language", language),
            HTTPField("app_name", "tiktok_web"),
            HTTPField("browser_language", language + "-" + region),
            HTTPField("browser_name", "Mozilla"),
            HTTPField("browser_online", "true"),
            HTTPField("browser_platform", "Win32"),
            HTTPField("browser_version", browserVersion),
            HTTPField("channel", "tiktok_web"),
            HTTPField("cookie_enabled", "true"),
            HTTPField("device_id", deviceID),
            HTTPField("device_platform", "web_pc"),
            HTTPField("focus_state", "true"),
            HTTPField("from_page", endpoint.fromPage),
            HTTPField("history_len", "2"),
            HTTPField("is_fullscreen", "false"),
            HTTPField("is_page_visible", "true"),
            HTTPField("language", language),
            HTTPField("os", "windows"),
            HTTPField("priority_region", ""),
            HTTPField("referer", ""),
            HTTPField("region", region),
            HTTPField("screen_height", "1080"),
            HTTPField("screen_width", "1920"),
            HTTPField("tz_name", "UTC"),
            HTTPField("webcast_language", language),
        ]
        fields += specific
        if let msToken, !msToken.isEmpty { fields.append(HTTPField("msToken", msToken)) }
        return fields
    }
}
