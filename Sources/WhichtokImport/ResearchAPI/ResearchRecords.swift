import WhichtokStore
import WhichtokSupport

/// What a Research API page lists, known from the key of its `data` (Docs/research-api.md,
/// 'Responses'): the same for a HAR entry, a saved response and a wrapper.
enum ResearchList: String, Sendable {
    /// `videos[]` of `video/query/`.
    case videos
    /// `comments[]` of `video/comment/list/`.
    case comments
    /// `user_followers[]`: accounts that follow the subject.
    case followers
    /// `user_following[]`: accounts the subject follows.
    case following
    /// `user_liked_videos[]`.
    case liked
    /// `pinned_videos_list[]` or `user_pinned_videos[]`.
    case pinned
    /// `user_reposted_videos[]`.
    case reposted
    /// `user/info/`: one flat object about the subject, which it does not name.
    case userInfo

    /// Whether the page is about an account it does not name (the request body names it).
    var needsSubject: Bool { self != .videos && self != .comments }

    /// The noun of warnings: "a user followers page".
    var noun: String {
        switch self {
        case .videos: "a video query page"
        case .comments: "a comment list page"
        case .followers: "a user followers page"
        case .following: "a user following page"
        case .liked: "a liked videos page"
        case .pinned: "a pinned videos page"
        case .reposted: "a reposted videos page"
        case .userInfo: "a user info response"
        }
    }

    /// The list key inside `data`, found in one pass; user info when `data` holds profile fields.
    static func of(data: JSONValue) -> (list: ResearchList, items: JSONValue?)? {
        guard data.type == .object else { return nil }
        var found: (ResearchList, JSONValue?)?
        var profile = false
        data.forEachMember { key, value in
            guard found == nil else { return }
            if key.isKey("videos") {
                found = (.videos, value)
            } else if key.isKey("comments") {
                found = (.comments, value)
            } else if key.isKey("user_followers") {
                found = (.followers, value)
            } else if key.isKey("user_following") {
                found = (.following, value)
            } else if key.isKey("user_liked_videos") {
                found = (.liked, value)
            } else if key.isKey("pinned_videos_list") || key.isKey("user_pinned_videos") {
                found = (.pinned, value)
            } else if key.isKey("user_reposted_videos") {
                found = (.reposted, value)
            } else if key.isKey("display_name") || key.isKey("follower_count") || key.isKey("following_count")
                || key.isKey("bio_description") || key.isKey("likes_count") || key.isKey("video_count")
                || key.isKey("is_verified")
            {
                profile = true
            }
        }
        if let found { return found }
        return profile ? (.userInfo, nil) : nil
    }
}

/// One Research API video, from a JSON object or a CSV row (Docs/research-api.md, 'Videos').
struct ResearchVideo {
    var id: UInt64
    var createTime: UInt32 = 0
    var username: String?
    var description: String?
    var musicID: UInt64?
    var hashtags: [String] = []
    var mentions: [String] = []
    var views = unknownCount
    var likes = unknownCount
    var comments = unknownCount
    var shares = unknownCount
    var saves = unknownCount

    init(id: UInt64) { self.id = id }

    /// `id` (or the older `video_id`) must be an exact id; every other field is optional.
    init?(_ object: JSONValue) {
        guard object.type == .object else { return nil }
        var id: UInt64?
        var videoID: UInt64?
        var video = ResearchVideo(id: 0)
        object.forEachMember { key, value in
            if key.isKey("id") {
                id = value.idValue
            } else if key.isKey("video_id") {
                videoID = value.idValue
            } else if key.isKey("create_time") {
                video.createTime = ResearchValues.time(value) ?? 0
            } else if key.isKey("username") || key.isKey("author_name") {
                video.username = value.nonEmptyString
            } else if key.isKey("video_description") {
                video.description = value.string
            } else if key.isKey("music_id") {
                video.musicID = value.idValue
            } else if key.isKey("hashtag_names") {
                video.hashtags = ResearchValues.names(value)
            } else if key.isKey("video_mention_list") {
                video.mentions = ResearchValues.names(value)
            } else if key.isKey("view_count") {
                video.views = value.counterValue ?? unknownCount
            } else if key.isKey("like_count") {
                video.likes = value.counterValue ?? unknownCount
            } else if key.isKey("comment_count") {
                video.comments = value.counterValue ?? unknownCount
            } else if key.isKey("share_count") {
                video.shares = value.counterValue ?? unknownCount
            } else if key.isKey("favourites_count") || key.isKey("favorites_count") {
                video.saves = value.counterValue ?? unknownCount
            }
        }
        guard let exact = id ?? videoID, exact != 0 else { return nil }
        video.id = exact
        self = video
    }
}

/// One Research API comment (Docs/research-api.md, 'Comments'): no author is given.
struct ResearchComment {
    var id: UInt64
    var videoID: UInt64?
    /// The video's id for a top-level comment, else the parent comment's.
    var parentID: UInt64?
    var createTime: UInt32 = 0
    var textFingerprint: UInt64 = 0

    init(id: UInt64) { self.id = id }

    init?(_ object: JSONValue) {
        guard object.type == .object else { return nil }
        var comment = ResearchComment(id: 0)
        var id: UInt64?
        object.forEachMember { key, value in
            if key.isKey("id") {
                id = value.idValue
            } else if key.isKey("video_id") {
                comment.videoID = value.idValue
            } else if key.isKey("parent_comment_id") {
                comment.parentID = value.idValue
            } else if key.isKey("create_time") {
                comment.createTime = ResearchValues.time(value) ?? 0
            } else if key.isKey("text") {
                value.withStringBytes { comment.textFingerprint = FNV1a64.hash($0) }
            }
        }
        guard let id, id != 0 else { return nil }
        comment.id = id
        self = comment
    }
}

/// What `user/info/` tells about its subject.
struct ResearchUserInfo {
    var displayName: String?
    var flags: AccountFlags = []
    var followers = unknownCount
    var following = unknownCount

    init(_ data: JSONValue) {
        data.forEachMember { key, value in
            if key.isKey("display_name") {
                displayName = value.nonEmptyString
            } else if key.isKey("is_verified") {
                if value.truthy { flags.insert(.verified) }
            } else if key.isKey("is_private") {
                if value.truthy { flags.insert(.privateAccount) }
            } else if key.isKey("follower_count") {
                followers = value.counterValue ?? unknownCount
            } else if key.isKey("following_count") {
                following = value.counterValue ?? unknownCount
            }
        }
    }
}

/// Maps Research API objects to batch records (Docs/research-api.md, 'What becomes what').
///
/// Accounts are usernames (the API gives no numeric id or secUID), so they join archive and web
/// accounts of the same username. Counts are exact numbers: they become exact snapshots.
struct ResearchRecords {
    /// When the data was observed (UTC seconds; a HAR entry's `startedDateTime`), 0 when unknown.
    var observed: UInt32 = 0
    /// Records read, for the summary.
    var recordCount = 0

    /// A video: author (`posted` at its creation time), caption, sound, hashtags, mentions, and a
    /// counter snapshot. `author` stands in when the object has no `username` (a pinned list).
    @discardableResult
    mutating func video(_ video: ResearchVideo, author fallback: RowID? = nil, into batch: inout ImportBatch)
        -> RowID?
    {
        guard let row = batch.video(id: video.id) else { return nil }
        recordCount += 1
        let author = video.username.flatMap { batch.account(username: $0, seen: observed) } ?? fallback
        if !batch.isDescribed(row) {
            let hashtags = video.hashtags.compactMap { batch.hashtag(name: $0) }
            let mentions = video.mentions.compactMap { batch.account(username: $0, seen: 0) }
            let sound = video.musicID.flatMap { batch.sound(id: $0) }
            batch.describeVideo(
                row, author: author, caption: video.description, sound: sound, hashtags: hashtags, mentions: mentions,
                createTime: video.createTime)
            if let author {
                batch.addEvent(actor: author, kind: .posted, objectType: .video, object: row, time: video.createTime)
                for mention in mentions where mention != author {
                    batch.addEvent(
                        actor: author, kind: .mentioned, objectType: .account, object: mention, time: video.createTime)
                }
            }
        }
        var snapshot = ImportBatch.VideoCounters(video: row, observed: observed)
        snapshot.plays = video.views
        snapshot.likes = video.likes
        snapshot.comments = video.comments
        snapshot.shares = video.shares
        snapshot.saves = video.saves
        snapshot.exact = true
        batch.addCounters(snapshot)
        return row
    }

    /// A comment linked to its video and parent, without an author: a comment row and no event
    /// (events need an actor).
    @discardableResult
    mutating func comment(_ comment: ResearchComment, into batch: inout ImportBatch) -> RowID {
        let video = comment.videoID.flatMap { batch.video(id: $0) } ?? .none
        var parent: RowID = .none
        if let parentID = comment.parentID, parentID != 0, parentID != comment.id, parentID != comment.videoID {
            parent = batch.comment(tiktokID: parentID, author: .none, video: video, time: 0, textFingerprint: 0)
        }
        recordCount += 1
        return batch.comment(
            tiktokID: comment.id, author: .none, video: video, parent: parent, time: comment.createTime,
            textFingerprint: comment.textFingerprint)
    }

    /// A `{display_name, username}` of a follower list.
    mutating func listedUser(_ user: JSONValue, into batch: inout ImportBatch) -> RowID? {
        guard user.type == .object else { return nil }
        let row = batch.account(
            username: user["username"]?.nonEmptyString, nickname: user["display_name"]?.nonEmptyString,
            seen: observed)
        if row != nil { recordCount += 1 }
        return row
    }

    /// The items of a page: videos, comments or listed users; returns the rows they became.
    mutating func items(_ items: JSONValue?, list: ResearchList, author: RowID?, into batch: inout ImportBatch)
        -> [RowID]
    {
        var rows: [RowID] = []
        items?.forEachElement { element in
            switch list {
            case .comments:
                if let comment = ResearchComment(element) { rows.append(self.comment(comment, into: &batch)) }
            case .followers, .following:
                if let row = listedUser(element, into: &batch) { rows.append(row) }
            case .videos, .liked, .pinned, .reposted:
                if let parsed = ResearchVideo(element),
                    let row = video(parsed, author: list == .pinned ? author : nil, into: &batch)
                {
                    rows.append(row)
                }
            case .userInfo:
                break
            }
        }
        return rows
    }

    /// What a page says about its subject, once known: follows, likes, reposts (`shared`,
    /// labelled `repost`), pins (the subject's own posts) and the profile of `user/info/`.
    mutating func relate(
        _ list: ResearchList, subject: RowID, rows: [RowID], info: ResearchUserInfo?, into batch: inout ImportBatch
    ) {
        switch list {
        case .followers:
            for row in rows where row != subject {
                batch.addEvent(actor: row, kind: .followed, objectType: .account, object: subject, time: 0)
            }
        case .following:
            for row in rows where row != subject {
                batch.addEvent(actor: subject, kind: .followed, objectType: .account, object: row, time: 0)
            }
        case .liked:
            for row in rows { batch.addEvent(actor: subject, kind: .liked, objectType: .video, object: row, time: 0) }
        case .reposted:
            for row in rows {
                batch.addEvent(
                    actor: subject, kind: .shared, objectType: .video, object: row, time: 0, detail: .label("repost"))
            }
        case .pinned:
            // Only one's own videos can be pinned: a video without a named author is the subject's post.
            for row in rows where !batch.isDescribed(row) {
                let created = batch.videos[Int(row)].createTime
                batch.describeVideo(row, author: subject)
                batch.addEvent(actor: subject, kind: .posted, objectType: .video, object: row, time: created)
            }
        case .userInfo:
            guard let info else { return }
            if info.displayName != nil || !info.flags.isEmpty, let name = batch.accounts[Int(subject)].username {
                _ = batch.account(username: name, nickname: info.displayName, flags: info.flags, seen: observed)
            }
            batch.setCounts(
                of: subject, followers: info.followers, following: info.following, observed: observed, exact: true)
            recordCount += 1
        case .videos, .comments:
            break
        }
    }
}

/// Values of Research API data in JSON and CSV.
enum ResearchValues {
    /// Unix seconds from a number or digit string (milliseconds above 10^11 are divided), or an
    /// ISO 8601 / `YYYY-MM-DD HH:MM:SS[ UTC]` text as data frames write `create_time`.
    static func time(_ value: JSONValue) -> UInt32? {
        if let seconds = value.counterValue { return time(seconds: seconds) }
        return value.withStringBytes { time(text: $0) } ?? nil
    }

    static func time(seconds: UInt64) -> UInt32? {
        let value = seconds > 100_000_000_000 ? seconds / 1000 : seconds
        guard value > 0, value <= UInt64(UInt32.max) else { return nil }
        return UInt32(value)
    }

    static func time(text bytes: UnsafeRawBufferPointer) -> UInt32? {
        if let digits = JSONValue.parseDigits(bytes) { return time(seconds: digits) }
        var end = bytes.count
        // `2024-01-05 10:00:00 UTC`: the suffix R and spreadsheets add.
        if end > 4, bytes[end - 4] == 0x20, bytes[(end - 3)..<end].elementsEqual("UTC".utf8) { end -= 4 }
        return ISOTime.parse(UnsafeRawBufferPointer(rebasing: bytes[..<end]))
    }

    /// Names from a JSON array of strings, or from one string holding a list as data frames write
    /// it: `a,b`, `a|b`, `a;b`, `a b`, `["a","b"]`, `c("a", "b")`.
    static func names(_ value: JSONValue) -> [String] {
        if value.type == .array {
            var names: [String] = []
            value.forEachElement { element in
                if let name = element.nonEmptyString { names.append(name) }
            }
            return names
        }
        return value.string.map(names(inList:)) ?? []
    }

    static func names(inList text: String) -> [String] {
        var body = Substring(text)
        if body.hasPrefix("c(") && body.hasSuffix(")") { body = body.dropFirst(2).dropLast() }
        if body.hasPrefix("[") && body.hasSuffix("]") { body = body.dropFirst().dropLast() }
        let separators: Set<Character> = [",", "|", ";", " ", "\t"]
        var names: [String] = []
        for piece in body.split(whereSeparator: { separators.contains($0) }) {
            let name = piece.trimmingCharacters(in: ["\"", "'", "#"])
            if !name.isEmpty, name != "NA" { names.append(name) }
        }
        return names
    }
}

extension Substring {
    /// The text without leading and trailing characters of `set`.
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        var text = self
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
