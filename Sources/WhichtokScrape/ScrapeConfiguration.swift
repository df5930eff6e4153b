/// What to scrape: one account, video, hashtag or sound.
public enum TargetKind: String, CaseIterable, Sendable {
    case user, video, hashtag, sound
}

public struct ScrapeTarget: Sendable, Equatable, CustomStringConvertible {
    public var kind: TargetKind
    /// Username (no `@`), video page path (`/@user/video/<id>`), hashtag name (no `#`) or sound id.
    public var value: String

    public init(kind: TargetKind, value: String) {
        self.kind = kind
        self.value = value
    }

    /// `user:name`, `video:/@name/video/id`, … as used in messages and the HAR's `_whichtok_target`.
    public var description: String { kind.rawValue + ":" + value }

    /// Reads a target as the user typed it.
    /// - `user`: `name`, `@name` or a profile URL `https://…/@name`;
    /// - `video`: a video URL `https://…/@name/video/<id>` (or `/photo/<id>`), with or without the
    ///   host; only the path is kept, so `--base-url` decides where it is fetched from;
    /// - `hashtag`: `name` or `#name`;
    /// - `sound`: the numeric id, or a sound URL `…/music/<title>-<id>`.
    /// - Throws: `ScrapeError` (`.usage`) naming what was expected.
    public static func parse(kind: TargetKind, _ text: String) throws(ScrapeError) -> ScrapeTarget {
        let trimmed = text.trimmingSpaces
        switch kind {
        case .user:
            var name = Substring(trimmed)
            if RequestURL.split(trimmed) != nil {
                let path = RequestURL.path(of: trimmed)
                name = path.split(separator: "/").first ?? ""
            }
            if name.hasPrefix("@") { name = name.dropFirst() }
            guard !name.isEmpty, name.count <= 64, name.allSatisfy(Self.isUsernameCharacter) else {
                throw ScrapeError(.usage, "user: expected a username like 'someone' or '@someone', got '\(trimmed)'")
            }
            return ScrapeTarget(kind: .user, value: String(name))
        case .video:
            let path = RequestURL.path(of: trimmed.hasPrefix("@") ? "/" + trimmed : trimmed)
            let parts = path.split(separator: "/")
            guard parts.count == 3, parts[0].hasPrefix("@"), parts[0].count > 1,
                parts[0].dropFirst().allSatisfy(Self.isUsernameCharacter),
                parts[1] == "video" || parts[1] == "photo", !parts[2].isEmpty, parts[2].allSatisfy(\.isASCIIDigit)
            else {
                throw ScrapeError(
                    .usage,
                    "video: expected a video URL ending in /@someone/video/7300000000000000000, got '\(trimmed)'")
            }
            return ScrapeTarget(kind: .video, value: "/" + parts.joined(separator: "/"))
        case .hashtag:
            var name = Substring(trimmed)
            if name.hasPrefix("#") { name = name.dropFirst() }
            guard !name.isEmpty, name.count <= 150,
                !name.contains(where: { $0 == "/" || $0 == "?" || $0 == "#" || $0 == " " })
            else {
                throw ScrapeError(.usage, "hashtag: expected a hashtag like 'cats' or '#cats', got '\(trimmed)'")
            }
            return ScrapeTarget(kind: .hashtag, value: String(name))
        case .sound:
            var candidate = Substring(trimmed)
            if RequestURL.split(trimmed) != nil || trimmed.hasPrefix("/") {
                let path = RequestURL.path(of: trimmed)
                candidate = path.split(separator: "/").last ?? ""
                if let dash = candidate.lastIndex(of: "-") { candidate = candidate[candidate.index(after: dash)...] }
            }
            guard !candidate.isEmpty, candidate.count <= 20, candidate.allSatisfy(\.isASCIIDigit) else {
                throw ScrapeError(
                    .usage,
                    "sound: expected a numeric sound id or a sound URL ending in /music/title-7000000000000000000, got '\(trimmed)'"
                )
            }
            return ScrapeTarget(kind: .sound, value: String(candidate))
        }
    }

    private static func isUsernameCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "_" || character == ".")
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// How much to collect per target. 0 means none: nothing beyond the page or detail is fetched
/// unless asked for.
public struct ScrapeLimits: Sendable, Equatable {
    /// Videos per user, hashtag or sound.
    public var posts = 0
    /// Top-level comments per video; with `replies`, also replies per comment.
    public var comments = 0
    public var replies = false
    /// Followers / followed accounts per user.
    public var followers = 0
    public var following = 0

    public init(posts: Int = 0, comments: Int = 0, replies: Bool = false, followers: Int = 0, following: Int = 0) {
        self.posts = posts
        self.comments = comments
        self.replies = replies
        self.followers = followers
        self.following = following
    }
}

/// Everything the scraper needs besides the targets.
public struct ScrapeConfiguration: Sendable {
    /// The only place in whichtok that names TikTok's host.
    public static let defaultBaseURL = "https://www.tiktok.com"
    /// A current desktop browser (Chrome on Windows, with the reduced user-agent string).
    public static let defaultUserAgent =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"

    public var baseURL: BaseURL
    public var limits = ScrapeLimits()
    /// Requests per second, on average (`--rate`).
    public var requestsPerSecond = 1.0
    /// Each gap between requests is lengthened by up to this fraction at random.
    public var jitter = 0.5
    /// Seconds without progress before a request fails (`--timeout`).
    public var timeout = 30.0
    public var backoff = Backoff()
    public var userAgent = ScrapeConfiguration.defaultUserAgent
    public var signer: Signer?
    public var cookies: [Cookie] = []
    /// Larger responses are cut off and count as failed.
    public var maxBodyBytes = 64 << 20
    /// Redirects followed within the site (never to a login or verification page).
    public var maxRedirects = 3
    /// After this many targets in a row stopped by bot checks, the rest are not tried.
    public var stopAfterBlockedTargets = 3

    public init(baseURL: BaseURL) {
        self.baseURL = baseURL
    }
}
