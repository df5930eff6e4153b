import WhichtokImport

/// What a non-zero `statusCode` / `status_code` in TikTok's JSON means for the scraper
/// (Docs/web-captures.md, 'Response envelope and status codes', from the TikTok-Api and yt-dlp
/// tables).
enum TikTokStatus: Equatable {
    case ok
    /// Captcha / verification / login wall: TikTok thinks this is a bot. Stop the target.
    case botCheck
    case privateAccount
    case missing
    case other

    init(code: Int64) {
        switch code {
        case 0: self = .ok
        case 10000, 10101, 10102, 10113, 10114, 2483: self = .botCheck
        case 10222, 10216: self = .privateAccount
        case 10201, 10202, 10203, 10204, 10205, 10221: self = .missing
        default: self = .other
        }
    }

    static func name(_ code: Int64) -> String {
        switch code {
        case 10000: "captcha (VERIFY_CODE)"
        case 10101, 10102: "login required"
        case 10113, 10114: "slider captcha / blocked"
        case 2483: "login cookie missing or invalid"
        case 10222: "private account"
        case 10216: "private post"
        case 10201: "not found"
        case 10202: "user does not exist"
        case 10203: "sound does not exist"
        case 10204: "video does not exist (or IP blocked)"
        case 10205: "hashtag does not exist"
        case 10221: "user banned"
        default: "status \(code)"
        }
    }
}

/// The profile part of a user page (`webapp.user-detail`).
struct UserPage: Equatable {
    var statusCode: Int64
    var id: String?
    var secUid: String?
    var uniqueId: String?
    var isPrivate: Bool
}

/// The video part of a video page (`webapp.video-detail`).
struct VideoPage: Equatable {
    var statusCode: Int64
    var video: ListedItem?
}

/// One record of a list page: a video, a comment or a user.
struct ListedItem: Equatable {
    var id: String
    /// Comments under a video, or replies under a comment, when the page says; nil if unknown.
    var childCount: Int?
    /// For videos: the author's username (for the Referer of comment requests).
    var author: String?
}

/// One page of a paginated list endpoint.
struct ListPage: Equatable {
    var statusCode: Int64
    var items: [ListedItem]
    /// The cursor to send for the next page (as text: TikTok sends ints and strings).
    var nextCursor: String?
    var hasMore: Bool
    /// A `verifyConfig` / `type: "verify"` captcha answer.
    var verify: Bool
}

/// The record a detail endpoint names (hashtag or sound id).
struct DetailPage: Equatable {
    var statusCode: Int64
    var id: String?
    var verify: Bool
}

/// The kinds of list the scraper pages through.
enum ListShape {
    /// `itemList` (item lists); paging `cursor`/`hasMore`.
    case items
    /// `comments` (comment and reply lists); paging `cursor` (int) / `has_more` (0/1).
    case comments
    /// `userList` (followers/following); paging `minCursor` / `hasMore`.
    case users
}

/// Reads the few fields the scraper needs from TikTok's JSON, with the project's simdjson parser.
/// The bodies themselves go to the HAR untouched; the importer reads them in full later.
enum TikTokJSON {
    static func statusCode(_ root: JSONValue) -> Int64 {
        for key in ["statusCode", "status_code"] {
            if let value = root[key] {
                if let code = value.int64 { return code }
                if let text = value.string, let code = Int64(text) { return code }
            }
        }
        return 0
    }

    static func isVerify(_ root: JSONValue) -> Bool {
        if root["verifyConfig"] != nil { return true }
        if let type = root["type"]?.string, type == "verify" { return true }
        return false
    }

    /// An id as text: TikTok ids are strings of digits or (rarely) JSON integers.
    static func idText(_ value: JSONValue?) -> String? {
        guard let value else { return nil }
        if let id = value.idValue { return String(id) }
        if let text = value.string, !text.isEmpty { return text }
        return nil
    }

    /// A counter that may be an int (`stats`) or a string (`statsV2`).
    static func count(_ value: JSONValue?) -> Int? {
        guard let value else { return nil }
        if let number = value.int64 { return Int(number) }
        if let text = value.string { return Int(text) }
        return nil
    }

    static func flag(_ value: JSONValue?) -> Bool? {
        guard let value else { return nil }
        if let bool = value.bool { return bool }
        if let number = value.int64 { return number != 0 }
        return nil
    }

    static func cursorText(_ value: JSONValue?) -> String? {
        guard let value else { return nil }
        if let number = value.int64 { return String(number) }
        if let number = value.uint64 { return String(number) }
        if let text = value.string, !text.isEmpty { return text }
        return nil
    }

    static func parse<R>(_ bytes: some Collection<UInt8>, parser: JSONParser, _ body: (JSONValue) throws -> R) throws
        -> R
    {
        try parser.parse(PaddedBytes(bytes), body)
    }

    /// The `__DEFAULT_SCOPE__` of a rehydration script, handed to `body`.
    static func scope<R>(_ root: JSONValue, _ body: (JSONValue?) -> R) -> R {
        body(root["__DEFAULT_SCOPE__"])
    }

    static func userPage(_ json: ArraySlice<UInt8>, parser: JSONParser) throws -> UserPage? {
        try parse(json, parser: parser) { root in
            scope(root) { scope -> UserPage? in
                guard let detail = scope?["webapp.user-detail"] else { return nil }
                let user = detail["userInfo"]?["user"]
                let isPrivate = flag(user?["privateAccount"]) ?? false
                return UserPage(
                    statusCode: statusCode(detail), id: idText(user?["id"]), secUid: user?["secUid"]?.string,
                    uniqueId: user?["uniqueId"]?.string, isPrivate: isPrivate)
            }
        }
    }

    static func videoPage(_ json: ArraySlice<UInt8>, parser: JSONParser) throws -> VideoPage? {
        try parse(json, parser: parser) { root in
            scope(root) { scope -> VideoPage? in
                guard let detail = scope?["webapp.video-detail"] else { return nil }
                let item = detail["itemInfo"]?["itemStruct"]
                return VideoPage(statusCode: statusCode(detail), video: item.flatMap(listedVideo))
            }
        }
    }

    static func listedVideo(_ item: JSONValue) -> ListedItem? {
        guard item["liveRoomInfo"] == nil, let id = idText(item["id"]) else { return nil }
        let comments = count(item["statsV2"]?["commentCount"]) ?? count(item["stats"]?["commentCount"])
        var author = item["author"]?["uniqueId"]?.string
        if author == nil { author = item["author"]?.string }
        return ListedItem(id: id, childCount: comments, author: author)
    }

    static func listPage(_ body: [UInt8], shape: ListShape, parser: JSONParser) throws -> ListPage {
        try parse(body, parser: parser) { root in
            var items: [ListedItem] = []
            var next: String?
            var more = false
            switch shape {
            case .items:
                (root["itemList"] ?? root["item_list"])?.forEachElement { item in
                    if let video = listedVideo(item) { items.append(video) }
                }
                next = cursorText(root["cursor"])
                more = flag(root["hasMore"] ?? root["has_more"]) ?? false
            case .comments:
                root["comments"]?.forEachElement { comment in
                    guard let cid = idText(comment["cid"]) else { return }
                    items.append(ListedItem(id: cid, childCount: count(comment["reply_comment_total"]), author: nil))
                }
                next = cursorText(root["cursor"])
                more = flag(root["has_more"] ?? root["hasMore"]) ?? false
            case .users:
                root["userList"]?.forEachElement { entry in
                    guard let id = idText(entry["user"]?["id"]) else { return }
                    items.append(ListedItem(id: id, childCount: nil, author: entry["user"]?["uniqueId"]?.string))
                }
                next = cursorText(root["minCursor"])
                more = flag(root["hasMore"] ?? root["has_more"]) ?? false
            }
            return ListPage(
                statusCode: statusCode(root), items: items, nextCursor: next, hasMore: more, verify: isVerify(root))
        }
    }

    /// `challengeInfo.challenge.id` or `musicInfo.music.id`.
    static func detailPage(_ body: [UInt8], container: String, record: String, parser: JSONParser) throws -> DetailPage
    {
        try parse(body, parser: parser) { root in
            DetailPage(
                statusCode: statusCode(root), id: idText(root[container]?[record]?["id"]), verify: isVerify(root))
        }
    }
}
