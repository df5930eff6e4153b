import WhichtokSupport

/// One browsing session on tiktok.com, recorded as a HAR: a researcher scrolls the feed of a
/// donor's community and opens comments and profiles. The feed shows the videos the donor watched
/// (as the donor's archive lists them), so archive events and web metadata meet on the same ids;
/// comment lists hold the donors' own comments with the archive's time and text; a creator's
/// follower list names the donors who follow that creator in their archives.
///
/// Like real captures, the session also holds calls to other hosts, TikTok's bot answer (an empty
/// body on HTTP 200), base64 bodies (Chrome), a body cut at the size limit and bodies left out
/// (Firefox), and a duplicate of an item seen in several responses.
struct CaptureRender {
    let world: SynthWorld
    let shapes: WebShapes
    let index: Int
    let browser: HARDocument.Browser
    /// Items the feed shows (the donor's watched videos first, then popular videos of the community).
    let feedSize: Int
    /// The social donor whose watch history the feed follows.
    let donor: Int
    /// Comments of every social donor, by video index, with the text the donor's archive holds.
    let commentsByVideo: [Int32: [DonorComment]]
    /// Donors following each creator (from the donors' archives).
    let followersOfCreator: [Int32: [Int]]
    /// The videos the donor watched, oldest first, each once.
    let watched: [Int]

    /// The file name, e.g. `web-capture-000-chrome.har`.
    var fileStem: String {
        let number = String(index)
        return "web-capture-" + String(repeating: "0", count: max(0, 3 - number.count)) + number + "-"
            + browser.rawValue
    }

    /// When the session starts: after every planned video exists, one day per capture apart.
    var startTime: Int64 { SynthWorld.lastVideoTime + Int64(index + 1) * 86_400 + 9 * 3600 }

    func render() -> [UInt8] {
        var random = SynthRandom(seed: world.options.seed, stream: 30, index: UInt64(index))
        var document = HARDocument(browser: browser)
        var clock = startTime * 1000 + Int64(random.below(1000))
        func tick(_ range: ClosedRange<Int> = 150...2500) -> Int64 {
            clock += Int64(random.between(range.lowerBound, range.upperBound))
            return clock
        }
        let home = world.donors[donor].community
        let community = world.communities[home]

        // The feed's videos: the donor's watch history, then popular videos of the community.
        var feed = Array(watched.prefix(feedSize))
        let available = world.videosCreated(in: home, before: startTime)
        while feed.count < feedSize, available > 0 {
            guard let video = world.drawVideo(in: home, available: available, &random) else { break }
            feed.append(video)
        }
        guard let first = feed.first else { return document.render(pageURL: "https://www.tiktok.com/foryou") }
        let firstCreator = world.creators[world.videos[first].creator]
        let pageURL =
            "https://www.tiktok.com/@\(firstCreator.username)/video/\(world.videos[first].id)?is_from_webapp=1&sender_device=pc"

        // The page the session starts on, then the noise every page load brings.
        document.entries.append(
            HARDocument.Entry(
                url: pageURL, mimeType: "text/html; charset=utf-8", body: pageHTML(video: first, at: clock / 1000),
                started: tick(), resourceType: "document"))
        document.entries.append(
            HARDocument.Entry(
                url:
                    "https://lf16-tiktok-web.tiktokcdn-us.com/obj/tiktok-web-tx/tiktok/webapp/main/webapp-desktop/npm-async-bric_verify_sdk.js",
                mimeType: "application/javascript", body: Array("(function(){var a=1;})();".utf8), started: tick(),
                resourceType: "script"))
        document.entries.append(
            HARDocument.Entry(
                url: "https://www.tiktok.com/ttwid/check/", method: "POST", body: Array("{\"status_code\":0}".utf8),
                started: tick(), resourceType: "xhr"))
        document.entries.append(
            HARDocument.Entry(
                url: "https://mcs.tiktokw.us/v1/list?aid=1988", method: "POST", body: Array("{\"e\":0,\"sc\":1}".utf8),
                started: tick(), resourceType: "xhr"))

        // The feed, in pages of 8–16 items, with comment lists and profiles opened along the way.
        var position = 0
        var page = 0
        var profilesOpened = Set<Int>()
        while position < feed.count {
            let size = min(feed.count - position, random.between(8, 16))
            let chunk = Array(feed[position..<position + size])
            position += size
            let path = page % 5 == 4 ? "related/item_list/" : "recommend/item_list/"
            let body = itemList(chunk, at: clock / 1000, &random)
            var entry = HARDocument.Entry(
                url: apiURL(path, "count=\(size)&from_page=fyp", &random), body: body, started: tick())
            // Chrome: now and then a body in base64; Firefox: the 1 MiB limit cuts one.
            if browser == .chrome && page % 3 == 1 { entry.base64 = true }
            if browser == .firefox && page == 1 {
                entry.declaredSize = body.count
                entry.body = Array(body.prefix(body.count * 2 / 3))
            }
            document.entries.append(entry)
            page += 1

            for video in chunk {
                let donorComments = commentsByVideo[Int32(video)] ?? []
                guard !donorComments.isEmpty || random.chance(0.2) else { continue }
                let videoID = world.videos[video].id
                let (comments, firstComment, reply) = commentList(video: video, donorComments: donorComments, &random)
                document.entries.append(
                    HARDocument.Entry(
                        url: apiURL("comment/list/", "aweme_id=\(videoID)&count=20&cursor=0", &random), body: comments,
                        started: tick()))
                if let firstComment, let reply, random.chance(0.5) {
                    document.entries.append(
                        HARDocument.Entry(
                            url: apiURL(
                                "comment/list/reply/", "item_id=\(videoID)&comment_id=\(firstComment)&count=3&cursor=0",
                                &random),
                            body: reply, started: tick()))
                }
            }
            // One creator's profile per page: user detail, sometimes their posts.
            let creator = world.videos[chunk[random.below(chunk.count)]].creator
            if profilesOpened.insert(creator).inserted {
                let sec = world.creators[creator].secUID
                document.entries.append(
                    HARDocument.Entry(
                        url: apiURL(
                            "user/detail/", "uniqueId=\(world.creators[creator].username)&secUid=\(sec)", &random),
                        body: userDetail(creator), started: tick()))
                if random.chance(0.5) {
                    let posts = Array(world.creators[creator].videos.reversed().prefix(12)).filter {
                        world.videos[$0].created < startTime
                    }
                    document.entries.append(
                        HARDocument.Entry(
                            url: apiURL("post/item_list/", "secUid=\(sec)&count=35&cursor=0", &random),
                            body: itemList(posts, at: clock / 1000, &random), started: tick()))
                }
            }
        }

        // The followers of the donor's favourite creator (the donors who follow them), and that
        // creator's hashtag and sound details.
        let creators = community.creators.filter { followersOfCreator[Int32($0)] != nil }
        if let creator = creators.first ?? (community.creators.isEmpty ? nil : community.creators.lowerBound) {
            let sec = world.creators[creator].secUID
            document.entries.append(
                HARDocument.Entry(
                    url: apiURL("user/list/", "secUid=\(sec)&count=30&minCursor=0&maxCursor=0&scene=67", &random),
                    body: followerList(creator), started: tick()))
        }
        if !community.hashtags.isEmpty {
            let tag = world.hashtags[community.hashtags.lowerBound]
            document.entries.append(
                HARDocument.Entry(
                    url: apiURL("challenge/detail/", "challengeName=\(tag.id)", &random), body: challengeDetail(tag),
                    started: tick()))
        }
        if !community.sounds.isEmpty {
            let sound = world.sounds[community.sounds.lowerBound]
            document.entries.append(
                HARDocument.Entry(
                    url: apiURL("music/detail/", "musicId=\(sound.id)", &random), body: musicDetail(sound),
                    started: tick()))
        }

        // TikTok took a call for a bot's: HTTP 200, empty body. And a body the browser did not keep.
        document.entries.append(
            HARDocument.Entry(
                url: apiURL("post/item_list/", "secUid=\(firstCreator.secUID)&count=35&cursor=1", &random), body: [],
                started: tick()))
        document.entries.append(
            HARDocument.Entry(
                url: apiURL("recommend/item_list/", "count=8&from_page=fyp", &random), body: nil, started: tick()))
        document.entries.append(
            HARDocument.Entry(
                url: "https://www.tiktok.com/favicon.ico", mimeType: "image/x-icon", body: [0, 0, 1, 0, 1, 0],
                base64: true,
                started: tick(), resourceType: "image"))
        return document.render(pageURL: pageURL)
    }

    // MARK: - URLs

    /// An API URL with the web app's usual parameters (Docs/web-captures.md, 'Query parameters'),
    /// signature included.
    private func apiURL(_ path: String, _ query: String, _ random: inout SynthRandom) -> String {
        var token: [UInt8] = []
        for _ in 0..<6 { token.appendHex(random.next(), width: 16) }
        return
            "https://www.tiktok.com/api/\(path)?WebIdLastTime=1780000000&aid=1988&app_language=en&app_name=tiktok_web"
            + "&browser_language=en-US&browser_name=Mozilla&browser_online=true&browser_platform=Linux%20x86_64"
            + "&channel=tiktok_web&cookie_enabled=true&device_id=725\(world.options.seed % 1000)0000000000000"
            + "&device_platform=web_pc&focus_state=true&history_len=4&is_fullscreen=false&is_page_visible=true"
            + "&os=linux&priority_region=&referer=&region=NL&screen_height=1080&screen_width=1920"
            + "&tz_name=Europe%2FAmsterdam&webcast_language=en&" + query
            + "&msToken=" + String(decoding: token, as: UTF8.self) + "&X-Bogus=DFSzswVOlHhANGjWtOhQ7l9WcBnd"
    }

    // MARK: - Bodies

    private func itemList(_ videos: [Int], at time: Int64, _ random: inout SynthRandom) -> [UInt8] {
        var w = BodyWriter(capacity: videos.count * 4096 + 256)
        w.object { w in
            w.field("cursor", "0")
            w.key("extra")
            w.object { w in
                w.key("fatal_item_ids")
                w.array { _ in }
                w.field("logid", "2026060209\(index)")
                w.key("now")
                w.uint(UInt64(time) * 1000)
            }
            w.field("hasMore", true)
            w.key("itemList")
            w.array { w in
                for video in videos { writeItem(&w, video: video, at: time) }
            }
            w.key("log_pb")
            w.object { $0.field("impr_id", "2026060209\(index)") }
            w.field("statusCode", 0)
            w.field("status_code", 0)
            w.field("status_msg", "")
        }
        return w.bytes
    }

    /// An item; one in six mentions another creator of the community, one in ten is a duet of
    /// an older video of the community.
    private func writeItem(_ w: inout BodyWriter, video: Int, at time: Int64) {
        let entity = world.videos[video]
        var random = SynthRandom(seed: entity.id, stream: 31)
        let creators = world.communities[entity.community].creators
        let mention =
            random.below(6) == 0 && creators.count > 1 ? creators.lowerBound + random.below(creators.count) : nil
        var duetOf: Int?
        if random.below(10) == 0 {
            let earlier = world.videosCreated(in: entity.community, before: entity.created)
            if earlier > 0, let source = world.drawVideo(in: entity.community, available: earlier, &random),
                source != video
            {
                duetOf = source
            }
        }
        shapes.writeItem(
            &w, video: video, time: time, mention: mention == entity.creator ? nil : mention, duetOf: duetOf)
    }

    /// Comments on a video: the donors' own (the archive's time and text), others by creators of
    /// the community, and a reply by the video's creator to the first. Returns the comment list,
    /// the first comment's id and a reply list for it.
    private func commentList(
        video: Int, donorComments: [DonorComment], _ random: inout SynthRandom
    ) -> (list: [UInt8], first: UInt64?, replies: [UInt8]?) {
        let entity = world.videos[video]
        let creators = world.communities[entity.community].creators
        struct Comment {
            var cid: UInt64
            var time: Int64
            var text: String
            var donor: Int?
            var creator: Int?
        }
        var comments: [Comment] = []
        for comment in donorComments {
            comments.append(
                Comment(
                    cid: Self.commentID(
                        time: comment.time, seed: SynthRandom.mix(UInt64(comment.extra), UInt64(comment.donor))),
                    time: comment.time, text: comment.text, donor: comment.donor))
        }
        for _ in 0..<random.between(1, 4) where !creators.isEmpty {
            let time = entity.created + Int64(random.between(600, 90 * 86_400))
            guard time < startTime else { continue }
            comments.append(
                Comment(
                    cid: Self.commentID(time: time, seed: random.next()), time: time,
                    text: random.pick(Themes.commentOpeners),
                    creator: creators.lowerBound + random.below(creators.count)))
        }
        comments.sort { $0.time != $1.time ? $0.time > $1.time : $0.cid < $1.cid }
        let first = comments.first
        let replyTime = (first?.time ?? entity.created) + Int64(random.between(60, 7200))
        let reply = first.map { first in
            Comment(
                cid: Self.commentID(time: replyTime, seed: first.cid), time: min(replyTime, startTime - 60),
                text: "thank you!! 🙏", creator: entity.creator)
        }
        func write(_ w: inout BodyWriter, _ comment: Comment, parent: UInt64?, preview: Comment?) {
            w.object { w in
                w.field("cid", id: comment.cid)
                w.field("text", comment.text)
                w.field("aweme_id", id: entity.id)
                w.key("create_time")
                w.int(Int(comment.time))
                w.field("digg_count", Int(comment.cid % 97))
                if let parent { w.field("reply_id", id: parent) } else { w.field("reply_id", "0") }
                w.field("reply_to_reply_id", "0")
                w.field("reply_comment_total", preview == nil ? 0 : 1)
                w.key("reply_comment")
                if let preview {
                    w.array { w in write(&w, preview, parent: comment.cid, preview: nil) }
                } else {
                    w.null()
                }
                w.key("user")
                if let donor = comment.donor {
                    shapes.writeDonorUser(&w, donor)
                } else {
                    shapes.writeCreatorUser(&w, comment.creator ?? entity.creator)
                }
                w.key("share_info")
                w.object { w in
                    w.field(
                        "url",
                        "https://www.tiktok.com/@\(world.creators[entity.creator].username)/video/\(entity.id)?_r=1")
                    w.field("title", "")
                }
                w.field("comment_language", "en")
                w.field("is_author_digged", comment.creator == entity.creator)
                w.field("stick_position", 0)
                w.field("status", 1)
            }
        }
        var list = BodyWriter()
        list.object { w in
            w.key("comments")
            w.array { w in
                for (position, comment) in comments.enumerated() {
                    write(&w, comment, parent: nil, preview: position == 0 ? reply : nil)
                }
            }
            w.field("cursor", comments.count)
            w.field("has_more", 0)
            w.field("total", comments.count)
            w.field("status_code", 0)
            w.field("status_msg", "")
        }
        var replies: [UInt8]?
        if let first, let reply {
            var w = BodyWriter()
            w.object { w in
                w.key("comments")
                w.array { w in write(&w, reply, parent: first.cid, preview: nil) }
                w.field("cursor", 1)
                w.field("has_more", 0)
                w.field("total", 1)
                w.field("status_code", 0)
            }
            replies = w.bytes
        }
        return (list.bytes, first?.cid, replies)
    }

    /// Comment ids, like video ids, carry their time in the high 32 bits.
    static func commentID(time: Int64, seed: UInt64) -> UInt64 {
        UInt64(max(time, 0)) << 32 | (SynthRandom.mix(seed, 32) & 0xFFFF_FFFF)
    }

    private func userDetail(_ creator: Int) -> [UInt8] {
        var w = BodyWriter()
        w.object { w in
            w.key("userInfo")
            w.object { w in
                w.key("user")
                shapes.writeCreator(&w, creator)
                w.key("stats")
                shapes.writeCreatorStats(&w, creator, exact: false)
                w.key("statsV2")
                shapes.writeCreatorStats(&w, creator, exact: true)
                w.key("itemList")
                w.array { _ in }
            }
            w.key("shareMeta")
            w.object { w in
                w.field("title", world.creators[creator].nickname)
                w.field("desc", "")
            }
            w.field("statusCode", 0)
            w.field("statusMsg", "")
        }
        return w.bytes
    }

    /// `/api/user/list/?scene=67`: the donors who follow `creator` in their archives.
    private func followerList(_ creator: Int) -> [UInt8] {
        let followers = followersOfCreator[Int32(creator)] ?? []
        var w = BodyWriter()
        w.object { w in
            w.key("userList")
            w.array { w in
                for donor in followers {
                    let entity = world.donors[donor]
                    w.object { w in
                        w.key("user")
                        w.object { w in
                            w.field("id", id: entity.numericID)
                            w.field("uniqueId", entity.username.lowercased())
                            w.field("nickname", entity.username)
                            w.field("secUid", shapes.secUID(ofDonor: donor))
                            w.field("verified", false)
                            w.field("privateAccount", false)
                        }
                        w.key("stats")
                        w.object { w in
                            w.field("followerCount", 10 + donor % 90)
                            w.field("followingCount", 100 + donor)
                        }
                    }
                }
            }
            w.field("hasMore", false)
            w.field("minCursor", 0)
            w.field("total", followers.count)
            w.field("statusCode", 0)
            w.field("status_code", 0)
        }
        return w.bytes
    }

    private func challengeDetail(_ tag: SynthWorld.Hashtag) -> [UInt8] {
        detailBody(info: "challengeInfo", entity: "challenge") { w in
            w.field("id", id: tag.id)
            w.field("title", tag.name)
            w.field("desc", "")
            w.field("isCommerce", false)
        } stats: { w in
            w.field("videoCount", 120)
            w.field("viewCount", 1_200_000)
        }
    }

    private func musicDetail(_ sound: SynthWorld.Sound) -> [UInt8] {
        detailBody(info: "musicInfo", entity: "music") { w in
            w.field("id", id: sound.id)
            w.field("title", sound.title)
            w.field("playUrl", "")
            w.field("original", false)
        } stats: { w in
            w.field("videoCount", 40)
        }
    }

    /// `{info: {entity: {…}, "stats": {…}}, "statusCode": 0}`: the envelope the challenge and music
    /// detail endpoints share, so the two differ only in their names and fields.
    private func detailBody(
        info: StaticString, entity: StaticString, fields: (inout BodyWriter) -> Void,
        stats: (inout BodyWriter) -> Void
    ) -> [UInt8] {
        var w = BodyWriter()
        w.object { w in
            w.key(info)
            w.object { w in
                w.key(entity)
                w.object(fields)
                w.key("stats")
                w.object(stats)
            }
            w.field("statusCode", 0)
        }
        return w.bytes
    }

    // MARK: - Pages

    /// The video page a session starts on: `__UNIVERSAL_DATA_FOR_REHYDRATION__` (Chrome captures)
    /// or `SIGI_STATE` (Firefox captures), `/` escaped as `\u002F` as TikTok does.
    private func pageHTML(video: Int, at time: Int64) -> [UInt8] {
        var item = BodyWriter()
        writeItem(&item, video: video, at: time)
        var state = BodyWriter()
        let entity = world.videos[video]
        switch browser {
        case .chrome:
            state.object { w in
                w.key("__DEFAULT_SCOPE__")
                w.object { w in
                    w.key("webapp.app-context")
                    w.object { w in
                        w.field("language", "en")
                        w.field("region", "NL")
                        w.field("botType", "others")
                    }
                    w.key("webapp.video-detail")
                    w.object { w in
                        w.key("itemInfo")
                        w.object { w in
                            w.key("itemStruct")
                            w.raw(item.bytes)
                        }
                        w.field("statusCode", 0)
                        w.field("statusMsg", "")
                    }
                }
            }
        case .firefox:
            state.object { w in
                w.key("ItemModule")
                w.object { w in
                    w.key(String(entity.id))
                    w.raw(item.bytes)
                }
                w.key("VideoPage")
                w.object { $0.field("statusCode", 0) }
            }
        }
        var escaped: [UInt8] = []
        escaped.reserveCapacity(state.bytes.count + 256)
        for byte in state.bytes {
            switch byte {
            case UInt8(ascii: "/"): escaped.append("\\u002F")
            case UInt8(ascii: "<"): escaped.append("\\u003C")
            case UInt8(ascii: ">"): escaped.append("\\u003E")
            default: escaped.append(byte)
            }
        }
        let id = browser == .chrome ? "__UNIVERSAL_DATA_FOR_REHYDRATION__" : "SIGI_STATE"
        var html: [UInt8] = []
        html.append(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>TikTok - Make Your Day</title>")
        html.append("<link rel=\"preconnect\" href=\"https://lf16-tiktok-web.tiktokcdn-us.com\"></head><body>")
        html.append("<div id=\"app\"></div><script id=\"\(id)\" type=\"application/json\">")
        html.append(contentsOf: escaped)
        html.append(
            "</script><script src=\"https://lf16-tiktok-web.tiktokcdn-us.com/obj/app.js\"></script></body></html>")
        return html
    }
}

/// A donor's comment as the donor's archive lists it.
struct DonorComment: Sendable {
    var donor: Int
    var time: Int64
    var text: String
    /// The plan's per-comment draw (`DonorActivity.Item.extra`), which the comment's id derives from.
    var extra: UInt32
}
