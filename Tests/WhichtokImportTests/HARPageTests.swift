import Foundation
import Testing
import WhichtokStore
import WhichtokTestSupport

@testable import WhichtokImport

/// Server-rendered pages (Docs/web-captures.md, 'Page states'), built like TikTok's: JSON in a
/// script tag, `/` escaped as `\u002F`.
enum Pages {
    static func html(_ scripts: String, title: String = "TikTok - Make Your Day") -> String {
        """
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>\(title)</title>
        <script nonce="abc">window.__x = 1 < 2 && "</div>";</script>
        <link rel="stylesheet" href="https://lf16-tiktok-web.tiktokcdn-us.com/x.css"></head>
        <body><div id="app"><p>Loading & <b>more</p></div>
        \(scripts)
        </body></html>
        """
    }

    static func universal() -> String {
        html(
            "<script id=\"__UNIVERSAL_DATA_FOR_REHYDRATION__\" type=\"application/json\">\(universalState().pageJSON)</script>"
        )
    }

    /// The content of `__UNIVERSAL_DATA_FOR_REHYDRATION__` of `universal()`.
    static func universalState() -> J {
        [
            "__DEFAULT_SCOPE__": [
                "webapp.app-context": [
                    "language": "en", "region": "US", "botType": "others", "host": "www.tiktok.com",
                ],
                "webapp.biz-context": ["domains": ["imApi": "https://im-api.tiktok.com"], "isBot": false],
                "seo.abtest": ["canonical": "https://www.tiktok.com/@handle/video/\(Web.videoID)"],
                "webapp.video-detail": [
                    "itemInfo": ["itemStruct": Web.item()], "shareMeta": ["title": "t"], "statusCode": 0,
                ],
                "webapp.user-detail": Web.userDetail(),
                "webapp.updated-items": [Web.item(id: Web.video2ID)],
            ]
        ]
    }

    /// SIGI_STATE: items keyed by id without their own `id`, authors and comment users as usernames.
    static func sigiState() -> J {
        let item = Web.item().without("id").with("author", "handle").with("authorId", .id(Web.creatorID))
            .with("authorSecId", .string(Web.creatorSec)).with("nickname", "Display Name")
        let comment = Web.comment().with("user", "viewer")
        return [
            "AppContext": ["language": "en"],
            "ItemModule": [(String(Web.videoID), item)].reduce(into: J.object([])) { $0 = $0.with($1.0, $1.1) },
            "UserModule": [
                "users": [
                    "handle": Web.author(),
                    "viewer": [
                        "id": .id(Web.viewerID), "uniqueId": "viewer",
                        "secUid": .string(Web.viewerSec),
                    ],
                ],
                "stats": ["handle": ["followerCount": 4_900_000, "followingCount": 12]],
            ],
            "CommentItem": [(String(Web.commentID), comment)].reduce(into: J.object([])) { $0 = $0.with($1.0, $1.1) },
            "VideoPage": ["statusCode": 0],
        ]
    }

    static func sigiScript() -> String {
        html("<script id=\"SIGI_STATE\" type=\"application/json\">\(sigiState().pageJSON)</script>")
    }

    static func sigiInline() -> String {
        html("<script>window['SIGI_STATE']=\(sigiState().pageJSON);window['SIGI_RETRY']={\"t\":\"}\"};</script>")
    }

    static func nextData() -> String {
        let state: J = [
            "props": [
                "pageProps": [
                    "itemInfo": ["itemStruct": Web.item()], "statusCode": 0,
                    "userInfo": Web.userDetail()["userInfo"],
                ]
            ],
            "page": "/@[uniqueId]/video/[id]", "buildId": "x",
        ]
        return html(
            "<script id=\"__NEXT_DATA__\" type=\"application/json\" nonce=\"n\" crossorigin=\"anonymous\">\(state.pageJSON)</script>"
        )
    }

    static let challenge = """
        <!DOCTYPE html><html><head><title>Please wait...</title></head>
        <body><div id="cs" style="display:none">eyJhIjoiYiJ9</div><div id="wci">_wafchallengeid</div>
        <script>(function(){ /* proof of work */ })();</script></body></html>
        """

    static let login = html("<script>console.log('no state here')</script>", title: "Log in | TikTok")
}

extension J {
    subscript(key: String) -> J {
        guard case .object(let members) = self else { return .null }
        return members.first { $0.0 == key }?.1 ?? .null
    }
}

@Suite("HAR: pages")
struct HARPageTests {
    func readPage(_ html: String, path: String = "/@handle/video/\(Web.videoID)") throws -> (
        summary: InputSummary, store: Store
    ) {
        var har = HAR()
        har.add("https://www.tiktok.com" + path + "?is_from_webapp=1", text: html, mimeType: "text/html; charset=utf-8")
        let (summary, batch) = try importHAR(har)
        return (summary, Fixture.build([batch]))
    }

    @Test("__UNIVERSAL_DATA_FOR_REHYDRATION__: video detail, user detail, updated items")
    func universal() throws {
        let (summary, store) = try readPage(Pages.universal())
        #expect(summary.skippedEntries.isEmpty)
        #expect(summary.webEntriesRead["pages"] == 1)
        let video = try #require(store.video(id: Web.videoID))
        #expect(store.video(id: Web.video2ID) != nil)
        let author = try #require(store.account(id: Web.creatorID))
        #expect(store.videos.author[video] == RowID(author))
        #expect(store.strings[store.videos.caption[video]] == "caption text #tag #other @mention")
        #expect(store.accounts.followerCount[author] == 4_946_894)
        #expect(store.accounts.flags(RowID(author)).contains(.verified))
    }

    @Test("SIGI_STATE in a script tag and as window['SIGI_STATE']= give the same store")
    func sigi() throws {
        let (tagSummary, tag) = try readPage(Pages.sigiScript())
        let (inlineSummary, inline) = try readPage(Pages.sigiInline())
        #expect(tagSummary.skippedEntries.isEmpty)
        #expect(inlineSummary.skippedEntries.isEmpty)
        #expect(tag.videos == inline.videos)
        #expect(tag.accounts == inline.accounts)
        #expect(tag.comments == inline.comments)
        // The item's id came from its ItemModule key; its author (a username) joined UserModule's user.
        let video = try #require(tag.video(id: Web.videoID))
        let author = try #require(tag.account(id: Web.creatorID))
        #expect(tag.videos.author[video] == RowID(author))
        #expect(tag.accounts.followerCount[author] == 4_900_000)
        #expect(tag.accounts.count == 3)  // handle, viewer, the mentioned account
        // The comment's user was the username "viewer".
        let comment = try #require(tag.comments.tiktokID.firstIndex(of: Web.commentID))
        #expect(tag.comments.author[comment] == RowID(try #require(tag.account(id: Web.viewerID))))
    }

    @Test("__NEXT_DATA__ (props.pageProps)")
    func next() throws {
        let (summary, store) = try readPage(Pages.nextData())
        #expect(summary.skippedEntries.isEmpty)
        #expect(store.video(id: Web.videoID) != nil)
        #expect(store.accounts.followerCount[try #require(store.account(id: Web.creatorID))] == 4_946_894)
    }

    @Test("challenge pages and pages without data are skipped and counted")
    func skippedPages() throws {
        let (challenge, _) = try readPage(Pages.challenge)
        #expect(challenge.status == .imported)
        #expect(challenge.skippedEntries == ["challenge page": 1])
        #expect(challenge.diagnostics.contains { $0.message.contains("challenge page") })
        let (login, _) = try readPage(Pages.login, path: "/login")
        #expect(login.skippedEntries == ["page without data": 1])
    }

    @Test("an invalid state script is a warning naming the entry and the URL")
    func invalidState() throws {
        let html = Pages.html(
            "<script id=\"__UNIVERSAL_DATA_FOR_REHYDRATION__\" type=\"application/json\">{\"__DEFAULT_SCOPE__\": {]}</script>"
        )
        let (summary, _) = try readPage(html)
        #expect(summary.skippedEntries == ["invalid JSON": 1])
        let warning = try #require(summary.diagnostics.first { $0.message.contains("invalid JSON") })
        #expect(warning.message.contains("log.entries[0]"))
        #expect(warning.message.contains("https://www.tiktok.com/@handle/video/"))
    }

    @Test("a saved .html page in an archive is read too")
    func savedPage() throws {
        let (summary, batch) = try importFiles([
            ("pages/video.html", Pages.universal()), ("pages/other.html", Pages.login),
        ])
        #expect(summary.status == .imported)
        #expect(summary.layout == "html")
        #expect(batch?.videos.count == 2)
        #expect(summary.skippedEntries == ["page without data": 1])
    }

    @Test("the inline SIGI finder matches braces outside strings")
    func inlineFinder() {
        let text = Array("x=1;window[\"SIGI_STATE\"] = {\"a\":\"}{\\\"\",\"b\":[{}]};window['SIGI_RETRY']={}".utf8)
        let range = text.withUnsafeBytes { HTMLPage.inlineSIGI($0) }
        #expect(range.map { String(decoding: text[$0], as: UTF8.self) } == "{\"a\":\"}{\\\"\",\"b\":[{}]}")
    }
}

@Suite("Zeeschuimer NDJSON")
struct ZeeschuimerTests {
    static func line(
        _ data: J, platform: String = "tiktok.com", sourceURL: String = api("recommend/item_list/"),
        collected: Int = 1_697_100_000_000
    ) -> String {
        let envelope: J = [
            "id": 1, "nav_index": "1:1:0", "item_id": data["id"].description == "null" ? data["cid"] : data["id"],
            "timestamp_collected": .number(String(collected)), "source_platform": .string(platform),
            "source_platform_url": "https://www.tiktok.com/search?q=cats", "source_url": .string(sourceURL),
            "user_agent": "Mozilla/5.0", "data": data,
        ]
        return envelope.description
    }

    @Test("items and comments in Zeeschuimer's envelope, with the collection time")
    func lines() throws {
        let text =
            [
                Self.line(Web.item()),
                Self.line(
                    Web.comment().with("id", .id(Web.commentID)), platform: "tiktok-comments",
                    sourceURL: api("comment/list/", "aweme_id=\(Web.videoID)")),
                Self.line(["id": "1", "caption": "x"], platform: "instagram.com"),
                "{\"id\": 4, \"data\": {\"id\": broken}}",
                "",
                Self.line(
                    Web.item(id: Web.video2ID), sourceURL: api("favorite/item_list/", "secUid=\(Web.viewerSec)"),
                    collected: 1_697_200_000_000),
            ].joined(separator: "\n") + "\n"
        let (summary, batch) = try importFiles([("zeeschuimer-export-tiktok.ndjson", text)])
        #expect(summary.status == .imported)
        #expect(summary.layout == "zeeschuimer")
        #expect(summary.skippedEntries == ["other platform": 1, "invalid JSON": 1])
        #expect(summary.diagnostics.contains { $0.position?.hasPrefix("line 4") == true })
        let store = Fixture.build([try #require(batch)])
        #expect(store.videos.count == 2)
        #expect(store.comments.count == 1)
        #expect(store.events(.commented).count == 1)
        let video = try #require(store.video(id: Web.videoID))
        #expect(store.videoStats.observed[store.videoStats.rows(of: RowID(video)).lowerBound] == 1_697_100_000)
        // The liked list that carried the second item names whose like it is.
        let likes = store.events(.liked)
        #expect(likes.count == 1)
        #expect(store.strings[store.accounts.secUID[Int(store.events.actor[likes[0]])]] == Web.viewerSec)
    }

    @Test("an NDJSON file without a single Zeeschuimer line is rejected")
    func notZeeschuimer() throws {
        let (summary, _) = try importFiles([("notes.ndjson", "{\"a\": 1}\n{\"b\": 2}\n")])
        #expect(summary.status == .rejected)
    }
}

@Suite("Web captures meet archives")
struct HARMergeTests {
    /// A G1 archive: Alice follows @Handle, watched the video, commented "nice video".
    static let archive = """
        {"Activity": {
           "Following List": {"Following": [{"Date": "2021-01-03 03:04:05", "UserName": "Handle"}]},
           "Video Browsing History": {"VideoList": [{"Date": "2021-03-01 10:00:00", "VideoLink": "\(shareLink(Web.videoID))"}]}},
         "Comment": {"Comments": {"CommentsList": [{"Date": "2021-03-04 10:00:00", "Comment": "nice video"}]}},
         "Profile": {"Profile Information": {"ProfileMap": {"userName": "Alice"}}}}
        """

    static func capture() -> HAR {
        var har = HAR()
        har.add(api("user/detail/", "uniqueId=handle"), body: Web.userDetail())
        har.add(api("post/item_list/", "secUid=\(Web.creatorSec)"), body: Web.itemList([Web.item()]))
        har.add(
            api("comment/list/", "aweme_id=\(Web.videoID)"),
            body: Web.commentList([
                Web.comment(
                    userID: 7_000_000_000_000_000_777, uniqueId: "alice", text: "nice video",
                    time: Int(utc(2021, 3, 4, 10)))
            ]))
        return har
    }

    @Test("the archive's follow of @Handle and the HAR's user detail are one account with its id")
    func followMeetsUserDetail() throws {
        let (_, archiveBatch) = try importFiles([("alice.json", Self.archive)])
        let store = Fixture.build([try #require(archiveBatch), try importHAR(Self.capture()).batch])
        let creator = try #require(store.account(id: Web.creatorID))
        #expect(store.account(named: "handle") == creator)
        #expect(store.strings[store.accounts.secUID[creator]] == Web.creatorSec)
        let follows = store.events(.followed)
        #expect(follows.count == 1)
        #expect(store.events.object[follows[0]] == RowID(creator))
        // The watched video is the web's video, with its author, hashtags and sound.
        let watched = try #require(store.events(.watched).first)
        let video = try #require(store.video(id: Web.videoID))
        #expect(store.events.object[watched] == RowID(video))
        #expect(store.videos.author[video] == RowID(creator))
        #expect(store.videos.hashtags(of: RowID(video)).count == 2)
        #expect(store.videos.sound[video] != .none)
        // Alice is one account: the archive owner, with the web's numeric id.
        let alice = try #require(store.account(named: "alice"))
        #expect(store.accounts.numericID[alice] == 7_000_000_000_000_000_777)
        #expect(store.accounts.flags(RowID(alice)).contains(.donor))
        // Her comment in the archive and on the web is one comment, on the video.
        let aliceComments = (0..<store.comments.count).filter { store.comments.author[$0] == RowID(alice) }
        #expect(aliceComments.count == 1)
        #expect(store.comments.video[aliceComments[0]] == RowID(video))
        #expect(store.comments.tiktokID[aliceComments[0]] == Web.commentID)
        #expect(store.events(.commented).count == 1)
    }

    @Test("one id under two usernames at two times: the later one is current, the earlier an alias")
    func rename() throws {
        var early = HAR()
        early.add(api("user/detail/"), body: Web.userDetail(uniqueId: "oldname"), started: "2024-01-01T00:00:00Z")
        var late = HAR()
        late.add(
            api("recommend/item_list/"), body: Web.itemList([Web.item(author: Web.author(uniqueId: "NewName"))]),
            started: "2025-06-01T00:00:00Z")
        let (_, archiveBatch) = try importFiles([
            ("alice.json", Self.archive.replacingOccurrences(of: "\"Handle\"", with: "\"oldname\""))
        ])
        let store = Fixture.build([try importHAR(late).batch, try #require(archiveBatch), try importHAR(early).batch])
        let creator = try #require(store.account(id: Web.creatorID))
        #expect(store.username(creator) == "newname")
        let history = store.accounts.usernameHistory(of: RowID(creator)).map { store.strings[$0.username] ?? "" }
        #expect(history == ["oldname", "newname"])
        // The archive's follow of @oldname went to the same account.
        #expect(store.events(.followed).map { store.events.object[$0] } == [RowID(creator)])
    }

    @Test("the same item in many responses is one video with one snapshot per observation")
    func duplicates() throws {
        var har = HAR()
        har.add(
            api("recommend/item_list/"), body: Web.itemList([Web.item(plays: "100")]), started: "2025-01-01T10:00:00Z")
        har.add(
            api("related/item_list/", "itemID=1"), body: Web.itemList([Web.item(plays: "150")]),
            started: "2025-01-01T11:00:00Z")
        har.add(
            api("item/detail/", "itemId=\(Web.videoID)"), body: ["itemInfo": ["itemStruct": Web.item(plays: "160")]],
            started: "2025-01-01T11:00:00Z")
        let store = Fixture.build([try importHAR(har).batch])
        #expect(store.videos.count == 1)
        #expect(store.events(.posted).count == 1)
        let video = try #require(store.video(id: Web.videoID))
        let rows = store.videoStats.rows(of: RowID(video))
        #expect(rows.map { store.videoStats.plays[$0] } == [100, 160])
    }

    @Test("ids beyond 2^53 stay exact, as strings and as raw numbers")
    func bigIDs() throws {
        let big: UInt64 = 9_223_372_036_854_775_807 + 1_000  // above Int64.max
        var har = HAR()
        har.add(
            api("recommend/item_list/"),
            body: Web.itemList([
                Web.item(id: Web.videoID + 1).with("id", .raw(Web.videoID + 1)),
                Web.item(id: big, author: Web.author(id: big - 1, uniqueId: "big", secUid: "MS4wLjABAAAAbig")),
            ]))
        let store = Fixture.build([try importHAR(har).batch])
        #expect(store.video(id: Web.videoID + 1) != nil)
        #expect(store.video(id: big) != nil)
        #expect(store.account(id: big - 1) != nil)
    }

    @Test("the same captures in any order, or imported twice, give the same store")
    func deterministic() throws {
        var other = HAR(.firefox)
        other.add(
            api("recommend/item_list/"),
            body: Web.itemList([Web.item(author: Web.author(uniqueId: "renamed")), Web.item(id: Web.video2ID)]),
            started: "2025-02-01T00:00:00+02:00")
        other.add(
            api("comment/list/"),
            body: Web.commentList([
                Web.comment(cid: Web.reply2ID), Web.comment(cid: Web.replyID, text: "again", parent: Web.reply2ID),
            ]))
        let a = try importHAR(Self.capture()).batch
        let b = try importHAR(other, name: "other.har").batch
        let (_, archiveBatch) = try importFiles([("alice.json", Self.archive)])
        let c = try #require(archiveBatch)
        let forward = Fixture.build([a, b, c])
        #expect(Fixture.build([c, b, a]) == forward)
        #expect(Fixture.build([b, c, a, b]) == forward)
        var builder = StoreBuilder(store: forward)
        builder.add(a)
        #expect(builder.build() == forward)
        #expect(forward.consistencyProblem() == nil)
    }
}
