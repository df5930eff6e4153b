/// The Research API's endpoints (developers.tiktok.com, "research-api-specs-*"): every one is a POST
/// of a JSON body to `/v2/research/<path>/` with a bearer token.
package enum ResearchEndpoint: String, Sendable, CaseIterable {
    case videos = "video/query"
    case userInfo = "user/info"
    case comments = "video/comment/list"
    case followers = "user/followers"
    case following = "user/following"
    case liked = "user/liked_videos"
    case pinned = "user/pinned_videos"
    case reposted = "user/reposted_videos"

    /// The request path, e.g. `/v2/research/video/query/`.
    package var path: String { "/v2/research/" + rawValue + "/" }

    /// The endpoint whose `path` this is (as recorded in a HAR), if any.
    package init?(path: String) {
        let prefix = "/v2/research/"
        guard let start = path.range(of: prefix)?.upperBound else { return nil }
        var rest = path[start...]
        while rest.hasSuffix("/") { rest.removeLast() }
        self.init(rawValue: String(rest))
    }

    /// Whether the endpoint takes `?fields=`; the follower lists do not.
    package var takesFields: Bool { self != .followers && self != .following }

    /// The members of `data` that hold the records (the pinned list has had two names).
    package var listKeys: [String] {
        switch self {
        case .videos: ["videos"]
        case .userInfo: []
        case .comments: ["comments"]
        case .followers: ["user_followers"]
        case .following: ["user_following"]
        case .liked: ["user_liked_videos"]
        case .pinned: ["pinned_videos_list", "user_pinned_videos"]
        case .reposted: ["user_reposted_videos"]
        }
    }

    /// What the records are called in messages and reports.
    package var recordName: String {
        switch self {
        case .videos: "videos"
        case .userInfo: "profiles"
        case .comments: "comments"
        case .followers: "followers"
        case .following: "following"
        case .liked: "liked videos"
        case .pinned: "pinned videos"
        case .reposted: "reposted videos"
        }
    }
}

/// The fields asked for by default: every field the reference pages document for each kind of record.
package enum ResearchFields {
    /// Videos from `video/query/`.
    package static let video = [
        "id", "video_description", "create_time", "region_code", "share_count", "view_count", "like_count",
        "comment_count", "music_id", "hashtag_names", "username", "effect_ids", "playlist_id", "voice_to_text",
        "is_stem_verified", "favorites_count", "video_duration", "hashtag_info_list", "sticker_info_list",
        "effect_info_list", "video_mention_list", "video_label", "video_tag",
    ]
    /// Videos of an account's liked, pinned and reposted lists (their pages document fewer fields).
    package static let userVideo = [
        "id", "create_time", "username", "region_code", "video_description", "music_id", "like_count",
        "comment_count", "share_count", "view_count", "hashtag_names", "is_stem_verified", "favorites_count",
        "video_duration",
    ]
    /// `user/info/`.
    package static let userInfo = [
        "display_name", "bio_description", "avatar_url", "is_verified", "follower_count", "following_count",
        "likes_count", "video_count", "bio_url",
    ]
    /// `video/comment/list/`.
    package static let comment = [
        "id", "video_id", "text", "like_count", "reply_count", "parent_comment_id", "create_time",
    ]
}
