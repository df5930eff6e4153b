/// What a TikTok web request returned, by its URL path (Docs/web-captures.md, 'Endpoints') and MIME
/// type.
enum WebEndpoint: Equatable, Sendable {
    /// An item list: feeds, a user's posts, hashtag, sound, search, related, preload, 2020 `item_list`.
    case itemList
    /// `/api/favorite/item_list/?secUid=…`: the videos that account liked (only the request names it).
    case likedList
    case itemDetail
    /// `/api/comment/list/` and `/api/comment/list/reply/`.
    case comments
    case userDetail
    /// `/api/user/list/?secUid=…&scene=67|21`: followers or followings of an account.
    case userList
    /// `/api/search/user/full/`: snake_case `user_list[].user_info`.
    case userSearch
    case challengeDetail
    case musicDetail
    case mixDetail
    /// 2020 web JSON outside `/api/` (`/share/item/list`, `/node/share/…`): the `itemInfos` shape.
    case legacy
    /// A server-rendered HTML page (`/@user`, `/@user/video/<id>`, `/tag/…`, `/music/…`, …).
    case page
    /// A Research API call (`open.tiktokapis.com/v2/research/…`; Docs/research-api.md).
    case research
    /// Under `/api/` but not one the importer knows.
    case unknownAPI
    /// Scripts, images, telemetry and the like on TikTok's host.
    case notData

    init(url: WebURL, mimeType: UnsafeRawBufferPointer?) {
        let path = url.normalizedPath
        if path.utf8.starts(with: "/v2/research/".utf8) {
            self = .research
            return
        }
        if path.utf8.starts(with: "/v2/oauth/".utf8) {
            // The Research API's token endpoint: credentials, no data.
            self = .notData
            return
        }
        if path.utf8.starts(with: "/api/".utf8) {
            switch path {
            case "/api/comment/list", "/api/comment/list/reply": self = .comments
            case "/api/item/detail": self = .itemDetail
            case "/api/user/detail": self = .userDetail
            case "/api/user/list": self = .userList
            case "/api/search/user/full": self = .userSearch
            case "/api/search/general/full", "/api/search/item/full": self = .itemList
            case "/api/challenge/detail": self = .challengeDetail
            case "/api/music/detail": self = .musicDetail
            case "/api/mix/detail": self = .mixDetail
            case "/api/favorite/item_list": self = .likedList
            default: self = path.utf8.suffix(9).elementsEqual("item_list".utf8) ? .itemList : .unknownAPI
            }
            return
        }
        if path.utf8.starts(with: "/share/item/list".utf8) || path.utf8.starts(with: "/node/".utf8) {
            self = .legacy
            return
        }
        let html = mimeType.map { Self.contains($0, "html") } ?? false
        self = html ? .page : .notData
    }

    /// The summary's name for entries of this kind that were read.
    var label: String {
        switch self {
        case .itemList, .legacy: "item lists"
        case .likedList: "liked lists"
        case .itemDetail: "item details"
        case .comments: "comment lists"
        case .userDetail: "user details"
        case .userList: "follow lists"
        case .userSearch: "user searches"
        case .challengeDetail, .musicDetail, .mixDetail: "hashtag and sound details"
        case .page: "pages"
        case .research: "research pages"
        case .unknownAPI, .notData: "other"
        }
    }

    /// ASCII case-insensitive substring test on raw bytes.
    private static func contains(_ bytes: UnsafeRawBufferPointer, _ needle: StaticString) -> Bool {
        let count = needle.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        let start = needle.utf8Start
        for offset in 0...(bytes.count - count) {
            var matched = true
            for j in 0..<count where JSONBytes.lower(bytes[offset + j]) != start[j] {
                matched = false
                break
            }
            if matched { return true }
        }
        return false
    }
}

/// Why an entry of a web capture yielded nothing: the names the import summary counts.
enum SkipReason: String, CaseIterable, Sendable {
    case otherHost = "other host"
    case notData = "not TikTok data"
    case unknownEndpoint = "unknown endpoint"
    case noURL = "no request URL"
    case httpStatus = "HTTP error or redirect"
    case bodyMissing = "body missing"
    case bodyTruncated = "body truncated"
    case botAnswer = "bot answer (empty 200)"
    case emptyBody = "empty body"
    case badBase64 = "body not decodable"
    /// An image, protobuf or other non-text body (base64 in the HAR), where JSON or HTML was expected.
    case binaryBody = "binary body"
    case invalidJSON = "invalid JSON"
    case errorStatus = "TikTok error status"
    case challengePage = "challenge page"
    case pageWithoutData = "page without data"
    case noRecords = "no records"
    case otherPlatform = "other platform"
    /// A Research API error envelope (`rate_limit_exceeded`, …), warned about with its code.
    case researchError = "Research API error"
    /// A body whose parse could never fit in `--max-memory` beside the HAR's own reading.
    case tooLargeForMemory = "body too large for --max-memory"

    /// A warning worth printing once per file (with the count and the first entry); the other
    /// reasons are normal in captures and only counted.
    var warning: String? {
        switch self {
        case .bodyMissing:
            "response body not in the capture (Firefox: \"Response bodies are not included.\"; Chrome: evicted)"
        case .bodyTruncated: "response body cut short (Firefox keeps 1 MiB of each body by default)"
        case .botAnswer: "empty body on HTTP 200 (TikTok's answer to calls it takes for a bot)"
        case .challengePage: "TikTok challenge page (\"Please wait…\") instead of content"
        case .errorStatus: "TikTok error status or captcha instead of content"
        case .badBase64: "base64 body that does not decode"
        case .tooLargeForMemory: "response body needs more memory than --max-memory allows"
        default: nil
        }
    }
}
