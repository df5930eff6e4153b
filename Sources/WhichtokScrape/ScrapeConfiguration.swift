/// What to scrape: one account, video, hashtag or sound.
package enum TargetKind: String, CaseIterable, Sendable {
    case user, video, hashtag, sound
}

package struct ScrapeTarget: Sendable, Equatable, CustomStringConvertible {
    package var kind: TargetKind
    /// Username (no `@`), video page path (`/@user/video/<id>`), hashtag name (no `#`) or sound id.
    package var value: String

    package init(kind: TargetKind, value: String) {
        self.kind = kind
        self.value = value
    }

    /// `user:name`, `video:/@name/video/id`, … as used in messages and the HAR's `_whichtok_target`.
    package var description: String { kind.rawValue + ":" + value }

    /// Reads a target as the user typed it.
    /// - `user`: `name`, `@name` or a profile URL `https://…/@name`;
    /// - `video`: a video URL `https://…/@name/video/<id>` (or `/photo/<id>`), with or without the
    ///   host; only the path is kept, so `--base-url` decides where it is fetched from;
    /// - `hashtag`: `name` or `#name`;
    /// - `sound`: the numeric id, or a sound URL `…/music/<title>-<id>`.
    /// - Throws: `ScrapeError` (`.usage`) naming what was expected.
    package static func parse(kind: TargetKind, _ text: String) throws(ScrapeError) -> ScrapeTarget {
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
package struct ScrapeLimits: Sendable, Equatable {
    /// Videos per user, hashtag or sound.
    package var posts = 0
    /// Top-level comments per video; with `replies`, also replies per comment.
    package var comments = 0
    package var replies = false
    /// Followers / followed accounts per user.
    package var followers = 0
    package var following = 0

    package init(posts: Int = 0, comments: Int = 0, replies: Bool = false, followers: Int = 0, following: Int = 0) {
        self.posts = posts
        self.comments = comments
        self.replies = replies
        self.followers = followers
        self.following = following
    }
}

/// Everything the scraper needs besides the targets.
package struct ScrapeConfiguration: Sendable {
    /// The only place in whichtok that names TikTok's host.
    package static let defaultBaseURL = "https://www.tiktok.com"
    /// A current desktop browser (Chrome on Windows, with the reduced user-agent string).
    package static let defaultUserAgent =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"

    package var baseURL: BaseURL
    package var limits = ScrapeLimits()
    /// Requests per second, on average (`--rate`).
    package var requestsPerSecond = 1.0
    /// Each gap between requests is lengthened by up to this fraction at random.
    package var jitter = 0.5
    /// Seconds without progress before a request fails (`--timeout`).
    package var timeout = 30.0
    package var backoff = Backoff()
    package var userAgent = ScrapeConfiguration.defaultUserAgent
    package var signer: Signer?
    package var cookies: [Cookie] = []
    /// Larger responses are cut off and count as failed.
    package var maxBodyBytes = 64 << 20
    /// Redirects followed within the site (never to a login or verification page).
    package var maxRedirects = 3
    /// After this many targets in a row stopped by bot checks, the rest are not tried.
    package var stopAfterBlockedTargets = 3

    package init(baseURL: BaseURL) {
        self.baseURL = baseURL
    }
}
