import WhichtokStore

/// Maps TikTok's web JSON — the item (`itemStruct`), users, comments, hashtag and sound details, the
/// 2020 `itemInfos` shape and the page states — to batch records. Shared by the HAR, page and
/// Zeeschuimer readers; field names follow Docs/web-captures.md, 'Items' to 'Legacy 2020 lists'.
///
/// Every field but the ids is optional (Docs/web-captures.md, 'Items'). Ids go through `idValue` and stay exact above
/// 2^53. Texts are never kept except captions, names and titles; comment texts become fingerprints
/// (the same FNV-1a the archive readers use, so a donor's comment seen on the web and in the
/// donor's archive is one comment).
struct WebRecords {
    /// When the data was observed (UTC seconds; the HAR entry's `startedDateTime`): the time of
    /// counter snapshots and username sightings. 0 when unknown.
    var observed: UInt32 = 0
    /// Records read, for the summary.
    var items = 0
    var users = 0
    var comments = 0
    /// Hashtag and sound details read.
    var tagsAndSounds = 0
    /// LIVE cards mixed into feeds (`liveRoomInfo`), skipped.
    var liveCards = 0
    /// SIGI_STATE pages: usernames (lowercased) of `UserModule.users`, for items and comments
    /// whose author is a username string.
    private var usersByName: [String: RowID] = [:]

    var recordCount: Int { items + users + comments + tagsAndSounds }

    /// The events `item` made when it first described a video (an item seen again makes none):
    /// by the video's TikTok id, as ranges of the batch's events. The thread that reads a later
    /// run of a HAR's bodies drops those of videos an earlier run described, so that it makes the
    /// events one thread would have (see `WebCaptureReader.readBodies`).
    var firstDescriptions: [(video: UInt64, events: Range<Int>)] = []

    // MARK: - Items

    /// The members of an item the reader uses, found in one pass over its keys.
    private struct ItemFields {
        var id, desc, createTime, author, authorStats, authorStatsV2, authorID, authorSecID, nickname: JSONValue?
        var challenges, textExtra, contents, music, duetInfo, stitchInfo, stats, statsV2, liveRoomInfo,
            itemInfos: JSONValue?

        init(_ item: JSONValue) {
            item.forEachMember { key, value in
                if key.isKey("id") {
                    id = id ?? value
                } else if key.isKey("desc") {
                    desc = value
                } else if key.isKey("createTime") {
                    createTime = value
                } else if key.isKey("author") {
                    author = value
                } else if key.isKey("authorStats") {
                    authorStats = value
                } else if key.isKey("authorStatsV2") {
                    authorStatsV2 = value
                } else if key.isKey("challenges") {
                    challenges = value
                } else if key.isKey("textExtra") {
                    textExtra = value
                } else if key.isKey("contents") {
                    contents = value
                } else if key.isKey("music") {
                    music = value
                } else if key.isKey("duetInfo") {
                    duetInfo = value
                } else if key.isKey("stitchInfo") {
                    stitchInfo = value
                } else if key.isKey("stats") {
                    stats = value
                } else if key.isKey("statsV2") {
                    statsV2 = value
                } else if key.isKey("liveRoomInfo") {
                    liveRoomInfo = value
                } else if key.isKey("itemInfos") {
                    itemInfos = value
                } else if key.isKey("authorId") {
                    authorID = value
                } else if key.isKey("authorSecId") {
                    authorSecID = value
                } else if key.isKey("nickname") {
                    nickname = value
                }
            }
        }
    }

    /// One item (`itemStruct`). `fallbackID` is the id from the containing key (SIGI
    /// `ItemModule`), for items without their own `id`. Returns the video row.
    ///
    /// An item seen before in the same input (feeds repeat items) only adds its author sighting
    /// and a counter snapshot: what it describes is already there.
    @discardableResult
    mutating func item(_ item: JSONValue, fallbackID: UInt64? = nil, into batch: inout ImportBatch) -> RowID? {
        guard item.type == .object else { return nil }
        let fields = ItemFields(item)
        if let live = fields.liveRoomInfo, !live.isNull {
            liveCards += 1
            return nil
        }
        if fields.itemInfos != nil { return legacyItem(item, into: &batch) }
        guard let id = fields.id?.idValue ?? fallbackID, let video = batch.video(id: id) else { return nil }
        items += 1
        var author: RowID?
        if let value = fields.author {
            if value.type == .object {
                author = user(value, stats: fields.authorStats, statsV2: fields.authorStatsV2, into: &batch)
            } else if let name = value.nonEmptyString {
                // SIGI_STATE: the author is a username (joining the `UserModule` row read
                // before); its ids and nickname sit on the item.
                author = batch.account(
                    username: name, numericID: fields.authorID?.idValue, secUID: fields.authorSecID?.nonEmptyString,
                    nickname: fields.nickname?.nonEmptyString, seen: observed)
            }
        }
        let createTime = fields.createTime?.unixTime ?? 0
        if batch.isDescribed(video) {
            counters(video, stats: fields.stats, statsV2: fields.statsV2, into: &batch)
            return video
        }
        var hashtags: [RowID] = []
        fields.challenges?.forEachElement { challenge in
            var id: UInt64?
            var title: JSONValue?
            challenge.forEachMember { key, value in
                if key.isKey("id") { id = value.idValue } else if key.isKey("title") { title = value }
            }
            if let id, let row = batch.hashtagRow(id: id) {
                if !hashtags.contains(row) { hashtags.append(row) }
            } else if let row = batch.hashtag(name: title?.string, id: id), !hashtags.contains(row) {
                hashtags.append(row)
            }
        }
        var mentions: [RowID] = []
        if let extras = fields.textExtra, !extras.isEmpty {
            textExtra(extras, hashtags: &hashtags, mentions: &mentions, into: &batch)
        } else {
            fields.contents?.forEachElement { content in
                if let extras = content["textExtra"] {
                    textExtra(extras, hashtags: &hashtags, mentions: &mentions, into: &batch)
                }
            }
        }
        var sound: RowID?
        if let music = fields.music, music.type == .object {
            let musicID = music["id"]?.idValue
            sound =
                musicID.flatMap { batch.soundRow(id: $0) }
                ?? batch.sound(id: musicID, title: music["title"]?.nonEmptyString)
        }
        let (source, derivation) = derivedFrom(
            duetInfo: fields.duetInfo, stitchInfo: fields.stitchInfo, id: id, into: &batch)
        batch.describeVideo(
            video, author: author, caption: fields.desc?.string, sound: sound, hashtags: hashtags,
            mentions: mentions, createTime: createTime, derivedFrom: source, derivation: derivation)
        let firstEvent = batch.eventCount
        if let author {
            authorEvents(
                author, video: video, time: createTime, mentions: mentions, source: source, derivation: derivation,
                into: &batch)
        }
        if batch.eventCount > firstEvent { firstDescriptions.append((id, firstEvent..<batch.eventCount)) }
        counters(video, stats: fields.stats, statsV2: fields.statsV2, into: &batch)
        return video
    }

    /// The 2020 list element `{itemInfos, authorInfos, musicInfos, challengeInfoList, authorStats,
    /// textExtra, duetInfo}` (Docs/web-captures.md, 'Legacy 2020 lists'): counters inside `itemInfos`,
    /// `createTime` a string.
    @discardableResult
    mutating func legacyItem(_ element: JSONValue, into batch: inout ImportBatch) -> RowID? {
        guard let infos = element["itemInfos"], let id = infos["id"]?.idValue, let video = batch.video(id: id) else {
            return nil
        }
        items += 1
        var author: RowID?
        if let authorInfos = element["authorInfos"], authorInfos.type == .object {
            author = user(authorInfos, stats: element["authorStats"], statsV2: nil, into: &batch)
        }
        if author == nil, let authorID = infos["authorId"]?.idValue {
            author = batch.account(numericID: authorID)
        }
        let createTime = infos["createTime"]?.unixTime ?? 0
        var hashtags: [RowID] = []
        element["challengeInfoList"]?.forEachElement { challenge in
            if let row = batch.hashtag(
                name: challenge.member("challengeName", "title")?.string,
                id: challenge.member("challengeId", "id")?.idValue)
            {
                hashtags.append(row)
            }
        }
        var mentions: [RowID] = []
        if let extras = element["textExtra"] ?? infos["textExtra"] {
            textExtra(extras, hashtags: &hashtags, mentions: &mentions, into: &batch)
        }
        var sound: RowID?
        if let music = element["musicInfos"], music.type == .object {
            sound = batch.sound(
                id: music.member("musicId", "id")?.idValue, title: music.member("musicName", "title")?.nonEmptyString)
        } else if let musicID = infos["musicId"]?.idValue {
            sound = batch.sound(id: musicID)
        }
        let (source, derivation) = derivedFrom(
            duetInfo: element["duetInfo"] ?? infos["duetInfo"], stitchInfo: element["stitchInfo"], id: id, into: &batch)
        batch.describeVideo(
            video, author: author, caption: infos["text"]?.string, sound: sound, hashtags: hashtags,
            mentions: mentions, createTime: createTime, derivedFrom: source, derivation: derivation)
        if let author {
            authorEvents(
                author, video: video, time: createTime, mentions: mentions, source: source, derivation: derivation,
                into: &batch)
        }
        counters(video, stats: infos, statsV2: nil, into: &batch)
        return video
    }

    /// Hashtags (`type` 1) and mentions (`type` 0) of a caption. Keys are matched ignoring case
    /// (2020 payloads spell them `HashtagName`, `UserId`).
    private func textExtra(
        _ extras: JSONValue, hashtags: inout [RowID], mentions: inout [RowID], into batch: inout ImportBatch
    ) {
        extras.forEachElement { extra in
            guard extra.type == .object else { return }
            let hashtagName = extra.member("hashtagName")?.nonEmptyString
            let hashtagID = extra.member("hashtagId")?.idValue
            let type = extra.member("type")?.int64
            if type == 1 || (type == nil && (hashtagName != nil || (hashtagID ?? 0) != 0)) {
                if let row = batch.hashtag(name: hashtagName, id: hashtagID), !hashtags.contains(row) {
                    hashtags.append(row)
                }
                return
            }
            // A mention: keyed on the user id; the username in the caption may be an old one, as
            // written when the video was posted (Docs/web-captures.md, 'Caption hashtags and
            // mentions'), so it is no sighting at capture time (seen 0).
            // (Timing it made a re-read caption decide which name is current, and the result
            // depend on whether an item seen again was read again.)
            let userID = extra.member("userId")?.idValue
            let secUID = extra.member("secUid")?.nonEmptyString
            guard (userID ?? 0) != 0 || secUID != nil else { return }
            if let row = batch.account(
                username: extra.member("userUniqueId")?.nonEmptyString, numericID: userID, secUID: secUID, seen: 0),
                !mentions.contains(row)
            {
                mentions.append(row)
            }
        }
    }

    /// The video this one duets (`duetInfo.duetFromId`, "0" = none) or stitches.
    ///
    /// No stitch-source field is documented for the web (Docs/web-captures.md, 'Duets and stitches');
    /// `stitchInfo.stitchFromId`, shaped like the duet field, is read provisionally.
    private func derivedFrom(
        duetInfo: JSONValue?, stitchInfo: JSONValue?, id: UInt64, into batch: inout ImportBatch
    ) -> (RowID, VideoDerivation) {
        if let from = duetInfo?["duetFromId"]?.idValue, from != 0, from != id, let row = batch.video(id: from) {
            return (row, .duet)
        }
        if let from = stitchInfo?["stitchFromId"]?.idValue, from != 0, from != id, let row = batch.video(id: from) {
            return (row, .stitch)
        }
        return (.none, .none)
    }

    /// `posted`, `mentioned` and `duetted`/`stitched`, all at the creation time (0 when unknown).
    private func authorEvents(
        _ author: RowID, video: RowID, time: UInt32, mentions: [RowID], source: RowID, derivation: VideoDerivation,
        into batch: inout ImportBatch
    ) {
        batch.addEvent(actor: author, kind: .posted, objectType: .video, object: video, time: time)
        for mention in mentions where mention != author {
            batch.addEvent(actor: author, kind: .mentioned, objectType: .account, object: mention, time: time)
        }
        if source != .none {
            batch.addEvent(
                actor: author, kind: derivation == .stitch ? .stitched : .duetted, objectType: .video, object: source,
                time: time, detail: .derivedVideo(video))
        }
    }

    /// A counter snapshot: each value from `statsV2` (exact strings) when there, else from `stats`
    /// (display-rounded ints). Exact only when nothing came from `stats`.
    private func counters(_ video: RowID, stats: JSONValue?, statsV2: JSONValue?, into batch: inout ImportBatch) {
        let stats = stats.flatMap { $0.type == .object ? $0 : nil }
        let exact = statsV2.flatMap { $0.type == .object ? $0 : nil }
        guard stats != nil || exact != nil else { return }
        var fromExact = false
        var fromRounded = false
        func pick(_ key: String) -> UInt64 {
            if let value = exact?[key]?.counterValue {
                fromExact = true
                return value
            }
            if let value = stats?[key]?.counterValue {
                fromRounded = true
                return value
            }
            return unknownCount
        }
        var snapshot = ImportBatch.VideoCounters(video: video, observed: observed)
        snapshot.plays = pick("playCount")
        snapshot.likes = pick("diggCount")
        snapshot.comments = pick("commentCount")
        snapshot.shares = pick("shareCount")
        snapshot.saves = pick("collectCount")
        snapshot.reposts = pick("repostCount")
        snapshot.exact = fromExact && !fromRounded
        batch.addCounters(snapshot)
    }

    // MARK: - Users

    /// A user in any of its shapes: camelCase (`id, uniqueId, secUid`), snake_case
    /// (`uid, unique_id, sec_uid`), 2020 (`userId, nickName`). Counts from `statsV2` (exact), else
    /// `stats`, else the snake_case `follower_count` on the user itself.
    ///
    /// An account seen before in the input under the same id and username is only noted again
    /// (its sighting time and flags), without making strings.
    @discardableResult
    mutating func user(_ user: JSONValue, stats: JSONValue?, statsV2: JSONValue?, into batch: inout ImportBatch)
        -> RowID?
    {
        guard user.type == .object else { return nil }
        var idValue: JSONValue?
        var name: JSONValue?
        var sec: JSONValue?
        var nick: JSONValue?
        var followerSnake: JSONValue?
        var followingSnake: JSONValue?
        var flags: AccountFlags = []
        user.forEachMember { key, value in
            if key.isKey("id") || key.isKey("uid") || key.isKey("userId") || key.isKey("user_id") {
                if idValue == nil { idValue = value }
            } else if key.isKey("uniqueId") || key.isKey("unique_id") {
                name = value
            } else if key.isKey("secUid") || key.isKey("sec_uid") {
                sec = value
            } else if key.isKey("nickname") || key.isKey("nickName") {
                nick = value
            } else if key.isKey("verified") {
                if value.truthy { flags.insert(.verified) }
            } else if key.isKey("privateAccount") {
                if value.truthy { flags.insert(.privateAccount) }
            } else if key.isKey("follower_count") {
                followerSnake = value
            } else if key.isKey("following_count") {
                followingSnake = value
            }
        }
        let id = idValue?.idValue
        let row: RowID
        if let id, id != 0, let known = batch.accountRow(numericID: id), let name,
            let stored = batch.accounts[Int(known)].username, name.equalsLowercased(stored),
            sec == nil || batch.accounts[Int(known)].secUID != nil,
            nick == nil || batch.accounts[Int(known)].nickname != nil
        {
            batch.sawAccount(known, at: observed, flags: flags)
            row = known
        } else {
            guard
                let created = batch.account(
                    username: name?.nonEmptyString, numericID: id, secUID: sec?.nonEmptyString,
                    nickname: nick?.nonEmptyString, flags: flags, seen: observed)
            else { return nil }
            row = created
        }
        users += 1
        let exact = statsV2.flatMap { $0.type == .object ? $0 : nil }
        let rounded = stats.flatMap { $0.type == .object ? $0 : nil }
        guard exact != nil || rounded != nil || followerSnake != nil || followingSnake != nil else { return row }
        var fromRounded = false
        func count(_ camel: String, _ snake: JSONValue?) -> UInt64 {
            if let value = exact?[camel]?.counterValue { return value }
            if let value = rounded?[camel]?.counterValue {
                fromRounded = true
                return value
            }
            if let value = snake?.counterValue {
                fromRounded = true
                return value
            }
            return unknownCount
        }
        let followers = count("followerCount", followerSnake)
        let following = count("followingCount", followingSnake)
        batch.setCounts(of: row, followers: followers, following: following, observed: observed, exact: !fromRounded)
        return row
    }

    /// `userInfo{user, stats, statsV2, itemList?}` (user detail, page states).
    @discardableResult
    mutating func userInfo(_ info: JSONValue, into batch: inout ImportBatch) -> RowID? {
        guard let user = info["user"] else { return nil }
        let row = self.user(user, stats: info["stats"], statsV2: info["statsV2"], into: &batch)
        info["itemList"]?.forEachElement { item($0, into: &batch) }
        return row
    }

    // MARK: - Comments

    /// One comment (snake_case; Docs/web-captures.md, 'Comments') and its `reply_comment` preview.
    /// `reply_id` names the parent ("0" for a top-level comment), `reply_to_reply_id` the reply
    /// answered inside the thread.
    @discardableResult
    mutating func comment(_ comment: JSONValue, into batch: inout ImportBatch) -> RowID? {
        guard comment.type == .object else { return nil }
        var cidValue: JSONValue?
        var awemeValue: JSONValue?
        var timeValue: JSONValue?
        var parentValue: JSONValue?
        var answeredValue: JSONValue?
        var userValue: JSONValue?
        var textValue: JSONValue?
        var extras: JSONValue?
        var preview: JSONValue?
        comment.forEachMember { key, value in
            if key.isKey("cid") {
                cidValue = value
            } else if key.isKey("id") {
                if cidValue == nil { cidValue = value }
            } else if key.isKey("text") {
                textValue = value
            } else if key.isKey("aweme_id") || key.isKey("awemeId") {
                awemeValue = value
            } else if key.isKey("create_time") || key.isKey("createTime") {
                timeValue = value
            } else if key.isKey("reply_id") || key.isKey("replyId") {
                parentValue = value
            } else if key.isKey("reply_to_reply_id") || key.isKey("replyToReplyId") {
                answeredValue = value
            } else if key.isKey("user") {
                userValue = value
            } else if key.isKey("text_extra") {
                extras = value
            } else if key.isKey("reply_comment") {
                preview = value
            }
        }
        guard let cid = cidValue?.idValue, cid != 0 else { return nil }
        let video = awemeValue?.idValue.flatMap { batch.video(id: $0) } ?? .none
        var author: RowID = .none
        if let user = userValue {
            if user.type == .object {
                author = self.user(user, stats: nil, statsV2: nil, into: &batch) ?? .none
            } else if let name = user.nonEmptyString {
                // SIGI_STATE `CommentItem`: the user is a username.
                author = usersByName[name.lowercased()] ?? batch.account(username: name, seen: observed) ?? .none
            }
        }
        let time = timeValue?.unixTime ?? 0
        var fingerprint: UInt64 = 0
        textValue?.withStringBytes { fingerprint = FNV1a64.hash($0) }
        var parent: RowID = .none
        let parentID = parentValue?.idValue ?? 0
        if parentID != 0, parentID != cid {
            parent = batch.comment(tiktokID: parentID, author: .none, video: video, time: 0, textFingerprint: 0)
        }
        var replyTo: RowID = .none
        if let answered = answeredValue?.idValue, answered != 0, answered != cid, answered != parentID {
            replyTo = batch.comment(
                tiktokID: answered, author: .none, video: video, parent: parent, time: 0, textFingerprint: 0)
        }
        let row = batch.comment(
            tiktokID: cid, author: author, video: video, parent: parent, replyTo: replyTo, time: time,
            textFingerprint: fingerprint)
        comments += 1
        if author != .none {
            batch.addEvent(
                actor: author, kind: parent == .none ? .commented : .replied, objectType: .comment, object: row,
                time: time)
            extras?.forEachElement { extra in
                // App-style keys (unverified: Docs/web-captures.md, 'Comments'); camelCase accepted too.
                let userID = extra.member("user_id", "userId")?.idValue
                let secUID = extra.member("sec_uid", "secUid")?.nonEmptyString
                guard (userID ?? 0) != 0 || secUID != nil else { return }
                let mentioned =
                    userID.flatMap { batch.accountRow(numericID: $0) }
                    ?? batch.account(numericID: userID, secUID: secUID)
                guard let mentioned, mentioned != author else { return }
                batch.addEvent(actor: author, kind: .mentioned, objectType: .account, object: mentioned, time: time)
            }
        }
        preview?.forEachElement { self.comment($0, into: &batch) }
        return row
    }

    // MARK: - Hashtags and sounds

    /// `challengeInfo{challenge{id, title}, stats}`.
    @discardableResult
    mutating func challengeInfo(_ info: JSONValue, into batch: inout ImportBatch) -> RowID? {
        guard let challenge = info["challenge"], challenge.type == .object,
            let row = batch.hashtag(name: challenge["title"]?.string, id: challenge["id"]?.idValue)
        else { return nil }
        tagsAndSounds += 1
        return row
    }

    /// `musicInfo{music{id, title}, author}`; the author may be a user object or a username.
    @discardableResult
    mutating func musicInfo(_ info: JSONValue, into batch: inout ImportBatch) -> RowID? {
        if let author = info["author"] {
            if author.type == .object {
                user(author, stats: nil, statsV2: nil, into: &batch)
            } else if let name = author.nonEmptyString {
                _ = batch.account(username: name, seen: observed)
            }
        }
        guard let music = info["music"], music.type == .object,
            let row = batch.sound(id: music["id"]?.idValue, title: music["title"]?.nonEmptyString)
        else { return nil }
        tagsAndSounds += 1
        return row
    }

    // MARK: - Lists and containers

    /// The items of an item-list response, in order: under `itemList`, `item_list`, `items` or
    /// `itemListData` (also inside `body`), or the `item` of each `data[]` card (general search).
    /// Elements may be items, 2020 `itemInfos` elements or cards. Returns the video rows.
    mutating func itemList(_ root: JSONValue, into batch: inout ImportBatch) -> [RowID] {
        var rows: [RowID] = []
        func read(_ list: JSONValue) {
            list.forEachElement { element in
                guard element.type == .object else { return }
                if let card = element["item"], card.type == .object {
                    if let row = item(card, into: &batch) { rows.append(row) }
                } else if let row = item(element, into: &batch) {
                    rows.append(row)
                }
                // General search mixes user cards in.
                element["user_list"]?.forEachElement { card in
                    if let info = card["user_info"] { user(info, stats: nil, statsV2: nil, into: &batch) }
                }
            }
        }
        if root.type == .array {
            read(root)
            return rows
        }
        for container in [root, root["body"]].compactMap({ $0 }) {
            for key in ["itemList", "item_list", "items", "itemListData", "data"] {
                if let list = container[key], list.type == .array { read(list) }
            }
        }
        return rows
    }

    /// Whatever a detail response or page scope holds: `itemInfo.itemStruct`, `userInfo`,
    /// `challengeInfo`, `musicInfo`, item lists, or an array of items (`webapp.updated-items`).
    mutating func details(_ value: JSONValue, into batch: inout ImportBatch) {
        if value.type == .array {
            value.forEachElement { item($0, into: &batch) }
            return
        }
        guard value.type == .object else { return }
        if let structure = value["itemInfo"]?["itemStruct"] { item(structure, into: &batch) }
        if let info = value["userInfo"], info.type == .object { userInfo(info, into: &batch) }
        if let info = value["challengeInfo"], info.type == .object { challengeInfo(info, into: &batch) }
        if let info = value["musicInfo"], info.type == .object { musicInfo(info, into: &batch) }
        _ = itemList(value, into: &batch)
        value["comments"]?.forEachElement { comment($0, into: &batch) }
    }

    // MARK: - Page states

    /// `__UNIVERSAL_DATA_FOR_REHYDRATION__`: every scope under `__DEFAULT_SCOPE__`
    /// (`webapp.video-detail`, `webapp.user-detail`, `webapp.updated-items`, …).
    mutating func universalData(_ root: JSONValue, into batch: inout ImportBatch) {
        if let scopes = root["__DEFAULT_SCOPE__"] { universalScopes(scopes, into: &batch) }
    }

    /// The scopes of `__DEFAULT_SCOPE__` (`webapp.user-detail`, …), also saved bare.
    mutating func universalScopes(_ scopes: JSONValue, into batch: inout ImportBatch) {
        scopes.forEachMember { _, scope in details(scope, into: &batch) }
    }

    /// `SIGI_STATE`: `UserModule{users, stats}` first (keyed by username), then `ItemModule`
    /// (items whose author is a username, keyed by id), `CommentItem`, `ChallengePage`, `MusicPage`.
    mutating func sigiState(_ root: JSONValue, into batch: inout ImportBatch) {
        if let module = root["UserModule"] {
            let stats = module["stats"]
            module["users"]?.forEachMember { key, value in
                let name = key.string
                if let row = user(value, stats: stats?[name], statsV2: nil, into: &batch) {
                    usersByName[name.lowercased()] = row
                }
            }
        }
        root["ItemModule"]?.forEachMember { key, value in
            let fallback = key.withBytes { JSONValue.parseDigits($0) }
            item(value, fallbackID: fallback, into: &batch)
        }
        root["CommentItem"]?.forEachMember { _, value in comment(value, into: &batch) }
        for page in ["ChallengePage", "MusicPage", "UserPage", "VideoPage"] {
            if let value = root[page] { details(value, into: &batch) }
        }
        usersByName = [:]
    }

    /// `__NEXT_DATA__`: `props.pageProps` with `itemInfo`, `userInfo`, `musicInfo`, `challengeInfo`.
    mutating func nextData(_ root: JSONValue, into batch: inout ImportBatch) {
        if let props = root["props"]?["pageProps"] { details(props, into: &batch) }
    }
}
