import Synchronization
import WhichtokImport
import WhichtokTestSupport

/// A made-up slice of TikTok, served the way Docs/web-captures.md describes the real site:
/// server-rendered pages with `__UNIVERSAL_DATA_FOR_REHYDRATION__`, and the API endpoints of its
/// 'Endpoints' section with
/// their own paging styles. Every API call must carry `X-Bogus` (the tests' signer adds it), or
/// the answer is HTTP 200 with an empty body, as TikTok answers unsigned calls.
///
/// Scenarios, by username:
/// - `alice`: 5 posts (2 with comments, one comment with 2 replies), 3 followers, 2 followed;
///   the first page request gets 429 (then success), the first followers page gets 500 (then success);
/// - `hidden`: a private account; `ghost`: a missing one; `walled`: a WAF challenge page;
/// - `broken`: always HTTP 500; `slow`: answers after 2 s; `botted`: posts answer 200 with an
///   empty body even when signed; `garbled`: posts answer malformed JSON cut inside a UTF-8 character.
/// Hashtags `verify` and `slider` answer with captcha status codes. Hashtag `cats` and sound `7200000000000000001` list some of alice's videos and one of frank's.
final class MockTikTok: @unchecked Sendable {
    struct User {
        var id: String
        var name: String
        var nickname: String
        var secUid: String { "MS4wLjABAAAA" + name + String(repeating: "x", count: max(0, 20 - name.count)) }
    }

    struct Video {
        var id: String
        var author: User
        var created: Int
        var caption: String
        var commentCount: Int
        var soundID: String
        var soundTitle: String
        var hashtags: [(id: String, name: String)]
        var mentions: [User]
    }

    struct Comment {
        var cid: String
        var videoID: String
        var user: User
        var text: String
        var created: Int
        var parent: String?
        /// nil leaves `reply_comment_total` out, as TikTok does on some comments.
        var replyTotal: Int?
    }

    static let alice = User(id: "6800000000000000001", name: "alice", nickname: "Alice A.")
    static let bob = User(id: "6800000000000000002", name: "bob", nickname: "Bob")
    static let carol = User(id: "6800000000000000003", name: "carol", nickname: "Carol \u{1F41D}")
    static let dave = User(id: "6800000000000000004", name: "dave", nickname: "Dave")
    static let erin = User(id: "6800000000000000005", name: "erin", nickname: "Erin")
    static let frank = User(id: "6800000000000000006", name: "frank", nickname: "Frank")
    static let gina = User(id: "6800000000000000007", name: "gina", nickname: "Gina \"G\" <3")
    static let hank = User(id: "6800000000000000008", name: "hank", nickname: "Hank")
    static let hidden = User(id: "6800000000000000010", name: "hidden", nickname: "Hidden")
    static let botted = User(id: "6800000000000000011", name: "botted", nickname: "Botted")
    static let garbled = User(id: "6800000000000000012", name: "garbled", nickname: "Garbled")
    static let slow = User(id: "6800000000000000013", name: "slow", nickname: "Slow")
    static let broken = User(id: "6800000000000000014", name: "broken", nickname: "Broken")

    static let catsID = "1600000000000000001"
    static let soundID = "7200000000000000001"

    static let aliceVideos: [Video] = (1...5).map { n in
        Video(
            id: "730000000000000000\(n)", author: alice, created: 1_733_355_614 - n * 86_400,
            caption: n == 1 ? "first #cats @bob" : "post \(n) \u{2028}caf\u{E9}",
            commentCount: n == 1 ? 3 : (n == 2 ? 1 : 0),
            soundID: n <= 2 ? soundID : "72000000000000000\(10 + n)",
            soundTitle: n <= 2 ? "popular tune" : "original sound - alice",
            hashtags: n == 1 ? [(catsID, "cats")] : [], mentions: n == 1 ? [bob] : [])
    }
    static let frankVideo = Video(
        id: "7300000000000000101", author: frank, created: 1_733_000_000, caption: "#cats again", commentCount: 0,
        soundID: soundID, soundTitle: "popular tune", hashtags: [(catsID, "cats")], mentions: [])

    static let comments: [Comment] = [
        Comment(
            cid: "7400000000000000001", videoID: aliceVideos[0].id, user: gina, text: "so good", created: 1_733_400_000,
            parent: nil, replyTotal: 2),
        Comment(
            cid: "7400000000000000002", videoID: aliceVideos[0].id, user: hank, text: "nice @bob",
            created: 1_733_400_100, parent: nil, replyTotal: 0),
        Comment(
            cid: "7400000000000000003", videoID: aliceVideos[0].id, user: bob, text: "\u{1F602}",
            created: 1_733_400_200, parent: nil, replyTotal: nil),
        Comment(
            cid: "7400000000000000004", videoID: aliceVideos[1].id, user: carol, text: "second!",
            created: 1_733_400_300, parent: nil, replyTotal: 0),
    ]
    static let replies: [Comment] = [
        Comment(
            cid: "7400000000000000011", videoID: aliceVideos[0].id, user: alice, text: "thanks", created: 1_733_400_400,
            parent: "7400000000000000001", replyTotal: nil),
        Comment(
            cid: "7400000000000000012", videoID: aliceVideos[0].id, user: hank, text: "agreed", created: 1_733_400_500,
            parent: "7400000000000000001", replyTotal: nil),
    ]
    static let followers = [bob, carol, dave]
    static let following = [carol, erin]

    /// Records per page at most, whatever `count` asks, so that every list pages.
    static let pageLimit = 2

    private let hits = Mutex<[String: Int]>([:])

    /// How many times a scenario key was hit before this call (0 for the first).
    private func hit(_ key: String) -> Int {
        hits.withLock { hits in
            let before = hits[key, default: 0]
            hits[key] = before + 1
            return before
        }
    }

    func handle(_ request: MockServer.Request) -> MockServer.Response {
        let path = request.path
        if path.hasPrefix("/api/") {
            guard request.parameter("X-Bogus") != nil else { return Self.emptyJSON() }
            return api(request)
        }
        let parts = path.split(separator: "/").map(String.init)
        if parts.count == 1, parts[0].hasPrefix("@") { return userPage(String(parts[0].dropFirst())) }
        if parts.count == 3, parts[0].hasPrefix("@"), parts[1] == "video" {
            guard let video = (Self.aliceVideos + [Self.frankVideo]).first(where: { $0.id == parts[2] }) else {
                return .html(
                    Self.page(scope: [
                        ("webapp.video-detail", .object([("statusCode", .int(10204)), ("statusMsg", .string(""))]))
                    ]))
            }
            var response = MockServer.Response.html(
                Self.page(scope: [
                    (
                        "webapp.video-detail",
                        .object([
                            ("itemInfo", .object([("itemStruct", Self.item(video))])),
                            (
                                "shareMeta",
                                .object([("title", .string(video.author.nickname)), ("desc", .string(video.caption))])
                            ),
                            ("statusCode", .int(0)), ("statusMsg", .string("")),
                        ])
                    )
                ]))
            response.headers += Self.pageCookies
            return response
        }
        return .html("<html><body>Not found</body></html>", status: 404)
    }

    // MARK: - Pages

    static let pageCookies = [
        ("Set-Cookie", "ttwid=1%7Cmockttwid; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly"),
        ("Set-Cookie", "msToken=page-token-1; Path=/; Max-Age=86400"),
    ]

    private func userPage(_ name: String) -> MockServer.Response {
        switch name {
        case "alice":
            if hit("page:alice") == 0 {
                return MockServer.Response(
                    status: 429, headers: [("Retry-After", "0"), ("Content-Type", "text/html")],
                    body: Array("<html>slow down</html>".utf8))
            }
        case "broken":
            return MockServer.Response(
                status: 500, headers: [("Content-Type", "text/html")], body: Array("<html>oops</html>".utf8))
        case "slow":
            var response = Self.profile(Self.slow)
            response.delay = 2
            return response
        case "walled":
            return .html(
                """
                <!DOCTYPE html><html><head><title>Please wait...</title></head><body>
                <div id="cs" style="display:none">eyJ2IjoxfQ==</div><div id="wci">_wafchallengeid</div>
                <script>/* proof of work */</script></body></html>
                """)
        case "ghost":
            return .html(
                Self.page(scope: [
                    (
                        "webapp.user-detail",
                        .object([("userInfo", .object([])), ("statusCode", .int(10202)), ("statusMsg", .string(""))])
                    )
                ]))
        default:
            break
        }
        let known = [Self.alice, Self.bob, Self.carol, Self.hidden, Self.botted, Self.garbled, Self.frank]
        guard let user = known.first(where: { $0.name == name }) else {
            return .html("<html><body>Not found</body></html>", status: 404)
        }
        return Self.profile(user)
    }

    private static func profile(_ user: User) -> MockServer.Response {
        let isPrivate = user.name == "hidden"
        let detail: J = .object([
            (
                "userInfo",
                .object([
                    ("user", webUser(user, isPrivate: isPrivate)),
                    (
                        "stats",
                        .object([
                            ("followerCount", .int(3)), ("followingCount", .int(2)), ("heart", .int(100)),
                            ("videoCount", .int(5)),
                        ])
                    ),
                    (
                        "statsV2",
                        .object([
                            ("followerCount", .string("3")), ("followingCount", .string("2")),
                            ("videoCount", .string("5")),
                        ])
                    ),
                    ("itemList", .array([])),
                ])
            ),
            ("shareMeta", .object([("title", .string(user.nickname)), ("desc", .string("@" + user.name))])),
            ("statusCode", .int(isPrivate ? 10222 : 0)), ("statusMsg", .string("")),
        ])
        var response = MockServer.Response.html(page(scope: [("webapp.user-detail", detail)]))
        response.headers += pageCookies
        return response
    }

    /// A page in the shape of tiktok.com's: the JSON escapes `/`, `<` and `>`.
    static func page(scope: [(String, J)]) -> String {
        let universal: J = .object([
            (
                "__DEFAULT_SCOPE__",
                .object(
                    [
                        (
                            "webapp.app-context",
                            .object([
                                ("language", .string("en")), ("region", .string("US")),
                                ("host", .string("mock.example")),
                            ])
                        ),
                        (
                            "webapp.biz-context",
                            .object([("domains", .object([("captcha", .string("//verification.example"))]))])
                        ),
                        ("seo.abtest", .object([("canonical", .string("https://mock.example/@x"))])),
                    ] + scope)
            )
        ])
        return """
            <!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/><title>TikTok - Make Your Day</title>\
            <script id="SIGI_RETRY">window.x=1</script></head><body><div id="app"></div>\
            <script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">\(universal.pageJSON)</script>\
            <script src="/webapp/main.js"></script></body></html>
            """
    }

    // MARK: - API

    private func api(_ request: MockServer.Request) -> MockServer.Response {
        let count = Int(request.parameter("count") ?? "") ?? 20
        let cursor = Int(request.parameter("cursor") ?? request.parameter("minCursor") ?? "0") ?? 0
        switch request.path {
        case "/api/post/item_list/":
            let secUid = request.parameter("secUid") ?? ""
            if secUid == Self.botted.secUid { return Self.emptyJSON() }
            if secUid == Self.garbled.secUid {
                // Cut inside "é" (C3 A9): invalid JSON and invalid UTF-8.
                var body = Array(
                    #"{"cursor":"0","hasMore":true,"itemList":[{"id":"7300000000000000201","desc":"caf"#.utf8)
                body.append(0xC3)
                return MockServer.Response(
                    status: 200, headers: [("Content-Type", "application/json; charset=utf-8")], body: body)
            }
            guard secUid == Self.alice.secUid else {
                return .json(#"{"cursor":"0","hasMore":false,"itemList":[],"statusCode":0}"#)
            }
            return itemPage(Self.aliceVideos, cursor: cursor, count: count)
        case "/api/challenge/detail/":
            if request.parameter("challengeName") == "verify" {
                return .json(#"{"statusCode":10000,"status_code":10000,"verifyConfig":{"type":"verify","code":10000}}"#)
            }
            if request.parameter("challengeName") == "slider" { return .json(#"{"statusCode":10113,"status_msg":""}"#) }
            guard request.parameter("challengeName") == "cats" else {
                return .json(#"{"challengeInfo":{},"statusCode":0}"#)
            }
            return .json(
                J.object([
                    (
                        "challengeInfo",
                        .object([
                            (
                                "challenge",
                                .object([
                                    ("id", .string(Self.catsID)), ("title", .string("cats")), ("desc", .string("")),
                                ])
                            ),
                            ("stats", .object([("videoCount", .int(2)), ("viewCount", .int(1000))])),
                            ("statsV2", .object([("videoCount", .string("2")), ("viewCount", .string("1000"))])),
                        ])
                    ),
                    ("statusCode", .int(0)),
                ]).description)
        case "/api/challenge/item_list/":
            guard request.parameter("challengeID") == Self.catsID else { return .json(#"{"statusCode":10205}"#) }
            return itemPage([Self.aliceVideos[0], Self.frankVideo], cursor: cursor, count: count)
        case "/api/music/detail/":
            guard request.parameter("musicId") == Self.soundID else { return .json(#"{"statusCode":10203}"#) }
            return .json(
                J.object([
                    (
                        "musicInfo",
                        .object([
                            (
                                "music",
                                .object([
                                    ("id", .string(Self.soundID)), ("title", .string("popular tune")),
                                    ("authorName", .string("alice")), ("original", .bool(false)),
                                ])
                            ),
                            ("stats", .object([("videoCount", .int(3))])),
                        ])
                    ),
                    ("statusCode", .int(0)),
                ]).description)
        case "/api/music/item_list/":
            guard request.parameter("musicID") == Self.soundID else { return .json(#"{"statusCode":10203}"#) }
            return itemPage([Self.aliceVideos[0], Self.aliceVideos[1], Self.frankVideo], cursor: cursor, count: count)
        case "/api/comment/list/":
            let list = Self.comments.filter { $0.videoID == request.parameter("aweme_id") }
            return commentPage(list, cursor: cursor, count: count)
        case "/api/comment/list/reply/":
            let list = Self.replies.filter {
                $0.parent == request.parameter("comment_id") && $0.videoID == request.parameter("item_id")
            }
            return commentPage(list, cursor: cursor, count: count)
        case "/api/user/list/":
            guard request.parameter("secUid") == Self.alice.secUid else {
                return .json(#"{"hasMore":false,"minCursor":0,"statusCode":0,"total":0,"userList":[]}"#)
            }
            let scene = request.parameter("scene")
            if scene == "67" && cursor == 0 && hit("followers:first") == 0 {
                return MockServer.Response(
                    status: 500, headers: [("Content-Type", "text/plain")], body: Array("upstream error".utf8))
            }
            return userPage(scene == "67" ? Self.followers : Self.following, cursor: cursor, count: count)
        default:
            return .json(#"{"statusCode":10201}"#, status: 404)
        }
    }

    static func emptyJSON() -> MockServer.Response {
        MockServer.Response(status: 200, headers: [("Content-Type", "application/json; charset=utf-8")], body: [])
    }

    private func slice<T>(_ all: [T], cursor: Int, count: Int) -> (page: [T], next: Int, more: Bool) {
        let start = min(max(cursor, 0), all.count)
        let end = min(start + min(max(count, 1), Self.pageLimit), all.count)
        return (Array(all[start..<end]), end, end < all.count)
    }

    private func itemPage(_ videos: [Video], cursor: Int, count: Int) -> MockServer.Response {
        let (page, next, more) = slice(videos, cursor: cursor, count: count)
        return .json(
            J.object([
                ("cursor", .string(String(next))), ("extra", .object([("now", .int(1_733_500_000))])),
                ("hasMore", .bool(more)), ("itemList", .array(page.map(Self.item))),
                ("log_pb", .object([("impr_id", .string("20241216mock"))])), ("statusCode", .int(0)),
                ("status_code", .int(0)),
            ]).description)
    }

    private func commentPage(_ list: [Comment], cursor: Int, count: Int) -> MockServer.Response {
        let (page, next, more) = slice(list, cursor: cursor, count: count)
        return .json(
            J.object([
                ("alias_comment_deleted", .bool(false)),
                ("comments", page.isEmpty ? .null : .array(page.map(Self.comment))),
                ("cursor", .int(next)), ("has_more", .int(more ? 1 : 0)),
                ("status_code", .int(0)), ("status_msg", .string("")), ("total", .int(list.count)),
            ]).description)
    }

    private func userPage(_ users: [User], cursor: Int, count: Int) -> MockServer.Response {
        let (page, next, more) = slice(users, cursor: cursor, count: count)
        return .json(
            J.object([
                ("hasMore", .bool(more)), ("minCursor", .int(next)), ("maxCursor", .int(0)), ("statusCode", .int(0)),
                ("total", .int(users.count)),
                (
                    "userList",
                    .array(
                        page.map { user in
                            .object([
                                ("user", Self.webUser(user, isPrivate: false)),
                                ("stats", .object([("followerCount", .int(10)), ("followingCount", .int(5))])),
                            ])
                        })
                ),
            ]).description)
    }

    static func webUser(_ user: User, isPrivate: Bool) -> J {
        .object([
            ("id", .string(user.id)), ("uniqueId", .string(user.name)), ("nickname", .string(user.nickname)),
            ("secUid", .string(user.secUid)), ("signature", .string("bio of \(user.name)")), ("verified", .bool(false)),
            ("privateAccount", .bool(isPrivate)), ("avatarThumb", .string("https://p16.example/\(user.name).jpeg")),
        ])
    }

    static func item(_ video: Video) -> J {
        var extras: [J] = video.hashtags.map { tag in
            .object([
                ("type", .int(1)), ("hashtagName", .string(tag.name)), ("hashtagId", .string(tag.id)),
                ("userId", .string("")), ("userUniqueId", .string("")),
            ])
        }
        extras += video.mentions.map { user in
            .object([
                ("type", .int(0)), ("hashtagName", .string("")), ("hashtagId", .string("")),
                ("userId", .string(user.id)), ("userUniqueId", .string(user.name)), ("secUid", .string(user.secUid)),
            ])
        }
        return .object([
            ("id", .string(video.id)), ("desc", .string(video.caption)), ("createTime", .int(video.created)),
            ("author", webUser(video.author, isPrivate: false)),
            ("authorStats", .object([("followerCount", .int(11900)), ("videoCount", .int(5))])),
            (
                "stats",
                .object([
                    ("diggCount", .int(38900)), ("commentCount", .int(video.commentCount)),
                    ("playCount", .int(1_600_000)),
                ])
            ),
            (
                "statsV2",
                .object([
                    ("diggCount", .string("38884")), ("commentCount", .string(String(video.commentCount))),
                    ("playCount", .string("1585253")),
                ])
            ),
            (
                "music",
                .object([
                    ("id", .string(video.soundID)), ("title", .string(video.soundTitle)),
                    ("authorName", .string(video.author.name)),
                    ("original", .bool(video.soundTitle.hasPrefix("original"))), ("playUrl", .string("")),
                ])
            ),
            (
                "challenges",
                .array(video.hashtags.map { .object([("id", .string($0.id)), ("title", .string($0.name))]) })
            ),
            ("textExtra", .array(extras)),
            (
                "video",
                .object([
                    ("id", .string(video.id)), ("duration", .int(15)),
                    ("playAddr", .string("https://v16.example/\(video.id).mp4?x-expires=1")),
                ])
            ),
            ("duetInfo", .object([("duetFromId", .string("0"))])),
        ])
    }

    static func comment(_ comment: Comment) -> J {
        var members: [(String, J)] = [
            ("cid", .string(comment.cid)), ("text", .string(comment.text)), ("aweme_id", .string(comment.videoID)),
            ("create_time", .int(comment.created)), ("digg_count", .int(3)),
            ("reply_id", .string(comment.parent ?? "0")), ("reply_to_reply_id", .string("0")),
            (
                "user",
                .object([
                    ("uid", .string(comment.user.id)), ("unique_id", .string(comment.user.name)),
                    ("nickname", .string(comment.user.nickname)), ("sec_uid", .string(comment.user.secUid)),
                    ("avatar_thumb", .object([("url_list", .array([.string("https://p16.example/a.jpeg")]))])),
                ])
            ),
            ("comment_language", .string("en")), ("is_author_digged", .bool(false)), ("status", .int(1)),
        ]
        if let total = comment.replyTotal { members.append(("reply_comment_total", .int(total))) }
        return .object(members)
    }
}
