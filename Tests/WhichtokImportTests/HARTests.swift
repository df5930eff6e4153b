import Foundation
import Testing
import WhichtokStore
import WhichtokSupport
import WhichtokTestSupport

@testable import WhichtokImport

@Suite("HAR: endpoints")
struct HAREndpointTests {
    @Test("an item list gives the video, its author, caption, time, hashtags, mention, sound and counters")
    func postItemList() throws {
        var har = HAR()
        har.add(api("post/item_list/", "secUid=\(Web.creatorSec)&count=35&cursor=0"), body: Web.itemList([Web.item()]))
        let (summary, batch) = try importHAR(har)
        #expect(summary.status == .imported)
        #expect(summary.layout == "har-chrome")
        let store = Fixture.build([batch])
        let video = try #require(store.video(id: Web.videoID))
        let author = try #require(store.account(id: Web.creatorID))
        #expect(store.username(author) == "handle")
        #expect(store.strings[store.accounts.secUID[author]] == Web.creatorSec)
        #expect(store.strings[store.accounts.nickname[author]] == "Display Name")
        #expect(store.videos.author[video] == RowID(author))
        #expect(store.strings[store.videos.caption[video]] == "caption text #tag #other @mention")
        #expect(store.videos.created[video] == 1_733_355_614)
        let tags = store.videos.hashtags(of: RowID(video)).map { store.hashtags.tiktokID[Int($0)] }
        #expect(Set(tags) == [Web.tagID, Web.tag2ID])
        let mention = try #require(store.account(id: Web.mentionID))
        #expect(Array(store.videos.mentions(of: RowID(video))) == [RowID(mention)])
        let sound = try #require(store.sounds.tiktokID.firstIndex(of: Web.musicID))
        #expect(store.videos.sound[video] == RowID(sound))
        #expect(store.strings[store.sounds.title[sound]] == "original sound - handle")
        // posted at the creation time, mentioned by the author.
        let posted = store.events(.posted)
        #expect(posted.count == 1)
        #expect(posted.map { store.events.actor[$0] } == [RowID(author)])
        #expect(posted.map { store.events.time[$0] } == [1_733_355_614])
        #expect(store.events(.mentioned).map { store.events.object[$0] } == [RowID(mention)])
        // Counters: statsV2 over stats, observed at startedDateTime.
        let rows = store.videoStats.rows(of: RowID(video))
        #expect(rows.count == 1)
        #expect(store.videoStats.plays[rows.lowerBound] == 1_585_253)
        #expect(store.videoStats.likes[rows.lowerBound] == 38_884)
        #expect(store.videoStats.reposts[rows.lowerBound] == 0)
        #expect(store.videoStats.observed[rows.lowerBound] == 1_735_725_605)
        #expect(store.videoStats.flags[rows.lowerBound] == VideoStatsTable.exactFlag)
        // Author counts from authorStats (rounded) at the observation time.
        #expect(store.accounts.followerCount[author] == 11_900)
        #expect(store.accounts.countsObserved[author] == 1_735_725_605)
    }

    @Test(
        "every item-list endpoint is read",
        arguments: [
            "post/item_list/", "creator/item_list/", "recommend/item_list/", "preload/item_list/", "related/item_list/",
            "repost/item_list/", "collection/item_list/", "mix/item_list/", "challenge/item_list/", "music/item_list/",
            "search/item/full/", "explore/item_list/",
        ])
    func itemListEndpoints(path: String) throws {
        var har = HAR()
        let key = path.hasPrefix("search/item") ? "item_list" : "itemList"
        har.add(api(path, "count=30"), body: Web.itemList([Web.item(), Web.item(id: Web.video2ID)], key: key))
        let (summary, batch) = try importHAR(har)
        #expect(summary.skippedEntries.isEmpty)
        #expect(Set(batch.videos.map(\.tiktokID)) == [Web.videoID, Web.video2ID])
        #expect(batch.count(.posted) == 2)
        #expect(summary.webEntriesRead["item lists"] == 1)
    }

    @Test("general search reads the item cards and the user cards")
    func generalSearch() throws {
        var har = HAR()
        let body: J = [
            "data": [
                ["type": 1, "item": Web.item()],
                [
                    "type": 4,
                    "user_list": [
                        [
                            "user_info": [
                                "uid": .id(Web.viewerID), "unique_id": "viewer",
                                "sec_uid": .string(Web.viewerSec), "follower_count": 77,
                            ]
                        ]
                    ],
                ],
            ],
            "has_more": 1, "cursor": 12, "status_code": 0,
        ]
        har.add(api("search/general/full/", "keyword=cats"), body: body)
        let (_, batch) = try importHAR(har)
        #expect(batch.videos.contains { $0.tiktokID == Web.videoID })
        let viewer = try #require(batch.accounts.first { $0.numericID == Web.viewerID })
        #expect(viewer.username == "viewer")
        #expect(viewer.followerCount == 77)
    }

    @Test("a liked list gives likes by the account its secUid names")
    func favoriteList() throws {
        var har = HAR()
        har.add(
            api("user/detail/", "secUid=\(Web.viewerSec)&uniqueId=viewer"),
            body: Web.userDetail(id: Web.viewerID, uniqueId: "viewer", secUid: Web.viewerSec))
        har.add(
            api("favorite/item_list/", "secUid=\(Web.viewerSec)&count=30&cursor=0"), body: Web.itemList([Web.item()]))
        let store = Fixture.build([try importHAR(har).batch])
        let viewer = try #require(store.account(id: Web.viewerID))
        let likes = store.events(.liked)
        #expect(likes.map { store.events.actor[$0] } == [RowID(viewer)])
        #expect(likes.map { store.events.object[$0] } == [RowID(try #require(store.video(id: Web.videoID)))])
        #expect(store.accounts.count == 3)  // viewer, creator, mentioned account
    }

    @Test("item detail and user detail")
    func details() throws {
        var har = HAR()
        har.add(
            api("item/detail/", "itemId=\(Web.videoID)"),
            body: ["itemInfo": ["itemStruct": Web.item()], "shareMeta": ["title": "x"], "statusCode": 0])
        har.add(api("user/detail/", "uniqueId=handle&secUid=\(Web.creatorSec)"), body: Web.userDetail())
        let store = Fixture.build([try importHAR(har).batch])
        let author = try #require(store.account(id: Web.creatorID))
        #expect(store.accounts.flags(RowID(author)).contains(.verified))
        #expect(store.accounts.followerCount[author] == 4_946_894)  // statsV2, exact
        #expect(store.accounts.followingCount[author] == 12)
        #expect(store.video(id: Web.videoID) != nil)
    }

    @Test("comment list and replies: parents, reply targets, their authors, events")
    func comments() throws {
        var har = HAR()
        har.add(
            api("comment/list/", "aweme_id=\(Web.videoID)&count=20&cursor=0"),
            body: Web.commentList([
                Web.comment(replies: [
                    Web.comment(
                        cid: Web.replyID, userID: Web.creatorID, uniqueId: "handle", text: "thanks",
                        time: 1_734_000_100,
                        parent: Web.commentID)
                ])
            ]))
        // The reply list: the preview reply again, and a reply to it by the viewer.
        har.add(
            api("comment/list/reply/", "item_id=\(Web.videoID)&comment_id=\(Web.commentID)"),
            body: Web.commentList([
                Web.comment(
                    cid: Web.replyID, userID: Web.creatorID, uniqueId: "handle", text: "thanks",
                    time: 1_734_000_100, parent: Web.commentID),
                Web.comment(
                    cid: Web.reply2ID, text: "you're welcome", time: 1_734_000_200, parent: Web.commentID,
                    replyTo: Web.replyID),
            ]))
        let (summary, batch) = try importHAR(har)
        #expect(summary.webEntriesRead["comment lists"] == 2)
        let store = Fixture.build([batch])
        #expect(store.comments.count == 3)
        let top = try #require(store.comments.tiktokID.firstIndex(of: Web.commentID))
        let reply = try #require(store.comments.tiktokID.firstIndex(of: Web.replyID))
        let reply2 = try #require(store.comments.tiktokID.firstIndex(of: Web.reply2ID))
        let viewer = try #require(store.account(id: Web.viewerID))
        let creator = try #require(store.account(id: Web.creatorID))
        let video = try #require(store.video(id: Web.videoID))
        #expect(store.comments.video[top] == RowID(video))
        #expect(store.comments.parent[reply] == RowID(top))
        #expect(store.comments.parent[reply2] == RowID(top))
        #expect(store.comments.replyTo(RowID(reply2)) == RowID(reply))
        #expect(store.comments.answered(by: RowID(reply)).comment == RowID(top))
        #expect(store.comments.answered(by: RowID(reply)).author == RowID(viewer))
        #expect(store.comments.answered(by: RowID(reply2)).comment == RowID(reply))
        #expect(store.comments.answered(by: RowID(reply2)).author == RowID(creator))
        #expect(store.comments.time[top] == 1_734_000_000)
        #expect(store.events(.commented).map { store.events.actor[$0] } == [RowID(viewer)])
        #expect(Set(store.events(.replied).map { store.events.actor[$0] }) == [RowID(viewer), RowID(creator)])
        // Comment mentions (text_extra user_id).
        #expect(store.events(.mentioned).contains { store.events.object[$0] == RowID(creator) })
        // The texts themselves are never kept.
        #expect(!store.strings.all.contains { $0.contains("welcome") || $0.contains("thanks") })
    }

    @Test("follow lists: scene 67 are followers, scene 21 followings")
    func userLists() throws {
        let a: UInt64 = 7_100_000_000_000_000_001
        let b: UInt64 = 7_100_000_000_000_000_002
        var har = HAR()
        har.add(api("user/detail/", "uniqueId=handle"), body: Web.userDetail())
        har.add(
            api("user/list/", "secUid=\(Web.creatorSec)&count=30&minCursor=0&maxCursor=0&scene=67"),
            body: [
                "userList": [Web.userEntry(id: a, uniqueId: "fan_a", sec: "MS4wLjABAAAAfana")],
                "hasMore": false, "minCursor": 0, "total": 1, "statusCode": 0,
            ])
        har.add(
            api("user/list/", "secUid=\(Web.creatorSec)&count=30&minCursor=0&maxCursor=0&scene=21"),
            body: [
                "userList": [Web.userEntry(id: b, uniqueId: "idol_b", sec: "MS4wLjABAAAAidolb", followers: 5000)],
                "hasMore": false, "statusCode": 0,
            ])
        let store = Fixture.build([try importHAR(har).batch])
        let creator = try #require(store.account(id: Web.creatorID))
        let fan = try #require(store.account(id: a))
        let idol = try #require(store.account(id: b))
        let follows = store.events(.followed).map { (store.events.actor[$0], store.events.object[$0]) }
        #expect(follows.count == 2)
        #expect(follows.contains { $0 == (RowID(fan), RowID(creator)) })
        #expect(follows.contains { $0 == (RowID(creator), RowID(idol)) })
        #expect(store.accounts.followerCount[idol] == 5000)
    }

    @Test("user search (snake_case), hashtag detail, sound detail")
    func searchAndDetails() throws {
        var har = HAR()
        har.add(
            api("search/user/full/", "keyword=view"),
            body: [
                "user_list": [
                    [
                        "user_info": [
                            "uid": .id(Web.viewerID), "unique_id": "viewer", "nickname": "V",
                            "sec_uid": .string(Web.viewerSec), "follower_count": 42,
                        ]
                    ]
                ],
                "has_more": 0, "status_code": 0,
            ])
        har.add(
            api("challenge/detail/", "challengeName=tag"),
            body: [
                "challengeInfo": [
                    "challenge": ["id": .id(Web.tag2ID), "title": "Other", "desc": ""],
                    "stats": ["videoCount": 10, "viewCount": 100],
                    "statsV2": ["videoCount": "10", "viewCount": "100"],
                ], "statusCode": 0,
            ])
        har.add(
            api("music/detail/", "musicId=\(Web.musicID)"),
            body: [
                "musicInfo": [
                    "music": ["id": .id(Web.musicID), "title": "original sound - handle"],
                    "author": Web.author(), "stats": ["videoCount": 3],
                ], "statusCode": 0,
            ])
        let (summary, batch) = try importHAR(har)
        #expect(summary.skippedEntries.isEmpty)
        let store = Fixture.build([batch])
        let viewer = try #require(store.account(id: Web.viewerID))
        #expect(store.accounts.followerCount[viewer] == 42)
        let tag = try #require(store.hashtag(id: Web.tag2ID))
        #expect(store.strings[store.hashtags.name[tag]] == "other")
        #expect(store.sounds.tiktokID.contains(Web.musicID))
        #expect(store.account(id: Web.creatorID) != nil)
    }

    @Test("the 2020 itemInfos shape (legacy lists, createTime as a string, counters in itemInfos)")
    func legacyItemInfos() throws {
        let element: J = [
            "itemInfos": [
                "id": .id(Web.videoID), "text": "old #dance", "createTime": "1590000000",
                "authorId": .id(Web.creatorID), "musicId": .id(Web.musicID), "diggCount": 10, "shareCount": 2,
                "playCount": 300, "commentCount": 4, "covers": ["x"],
            ],
            "authorInfos": [
                "userId": .id(Web.creatorID), "uniqueId": "handle", "nickName": "Name",
                "secUid": .string(Web.creatorSec),
                "verified": true,
            ],
            "musicInfos": ["musicId": .id(Web.musicID), "musicName": "tune", "authorName": "x", "original": false],
            "challengeInfoList": [["challengeId": .id(Web.tagID), "challengeName": "dance"]],
            "authorStats": ["followerCount": 100, "followingCount": 1],
            "textExtra": [
                [
                    "AwemeId": "", "Start": 4, "End": 10, "HashtagName": "dance", "HashtagId": .id(Web.tagID),
                    "Type": 1, "UserId": "",
                ]
            ],
            "duetInfo": ["duetFromId": .id(Web.video2ID)],
        ]
        var har = HAR()
        har.add(
            "https://m.tiktok.com/share/item/list?secUid=&id=1&type=3&count=30",
            body: ["statusCode": 0, "body": ["hasMore": true, "itemListData": [element]]])
        har.add(api("challenge/item_list/", "challengeID=\(Web.tagID)"), body: ["items": [element], "statusCode": 0])
        let (summary, batch) = try importHAR(har)
        #expect(summary.skippedEntries.isEmpty)
        let store = Fixture.build([batch])
        let video = try #require(store.video(id: Web.videoID))
        #expect(store.videos.created[video] == 1_590_000_000)
        #expect(store.strings[store.videos.caption[video]] == "old #dance")
        #expect(store.videos.author[video] == RowID(try #require(store.account(id: Web.creatorID))))
        #expect(store.videos.hashtags(of: RowID(video)).count == 1)
        let sound = try #require(store.sounds.tiktokID.firstIndex(of: Web.musicID))
        #expect(store.strings[store.sounds.title[sound]] == "tune")
        let rows = store.videoStats.rows(of: RowID(video))
        #expect(rows.count == 1)
        #expect(store.videoStats.plays[rows.lowerBound] == 300)
        #expect(store.videoStats.flags[rows.lowerBound] == 0)  // not statsV2
        // A duet of video2.
        #expect(store.videos.derivedFrom(RowID(video)) == RowID(try #require(store.video(id: Web.video2ID))))
        #expect(store.events(.duetted).count == 1)
    }

    @Test("duets and (provisionally) stitches point at their source")
    func duetsAndStitches() throws {
        let stitchID: UInt64 = 7_444_705_554_666_131_111
        var har = HAR()
        har.add(
            api("recommend/item_list/"),
            body: Web.itemList([
                Web.item(id: Web.video2ID).with("duetInfo", ["duetFromId": .id(Web.videoID)]),
                Web.item(id: stitchID).with("duetInfo", ["duetFromId": "0"]).with(
                    "stitchInfo", ["stitchFromId": .id(Web.videoID)]),
                Web.item(),
            ]))
        let store = Fixture.build([try importHAR(har).batch])
        let source = try #require(store.video(id: Web.videoID))
        let duet = try #require(store.video(id: Web.video2ID))
        let stitch = try #require(store.video(id: stitchID))
        #expect(store.videos.derivedFrom(RowID(duet)) == RowID(source))
        #expect(store.videos.derivation(of: RowID(duet)) == .duet)
        #expect(store.videos.derivation(of: RowID(stitch)) == .stitch)
        #expect(store.videos.derivedFrom(RowID(source)) == .none)
        #expect(store.events(.duetted).map { store.events.detail($0) } == [RowID(duet)])
        #expect(store.events(.stitched).map { store.events.object[$0] } == [RowID(source)])
    }

    @Test("LIVE cards in feeds are skipped")
    func liveCards() throws {
        var har = HAR()
        har.add(api("recommend/item_list/"), body: Web.itemList([Web.item().with("liveRoomInfo", ["roomId": "1"])]))
        let (summary, batch) = try importHAR(har)
        #expect(batch.videos.isEmpty)
        #expect(summary.skippedEntries["no records"] == 1)
    }
}

@Suite("HAR: bodies and skipped entries")
struct HARBodyTests {
    @Test("base64 bodies decode like text bodies", arguments: [HAR.Browser.chrome, .firefox])
    func base64(browser: HAR.Browser) throws {
        var plain = HAR(browser)
        plain.add(api("recommend/item_list/"), body: Web.itemList([Web.item(desc: "ünïcödé 🎉 #tag")]))
        var encoded = HAR(browser)
        encoded.add(api("recommend/item_list/"), body: Web.itemList([Web.item(desc: "ünïcödé 🎉 #tag")]), base64: true)
        let a = Fixture.build([try importHAR(plain).batch])
        let b = Fixture.build([try importHAR(encoded).batch])
        #expect(a.videos == b.videos)
        #expect(a.strings == b.strings)
        #expect(b.strings.all.contains("ünïcödé 🎉 #tag"))
    }

    @Test("missing, truncated, empty and other entries are counted by reason, never an error")
    func skippedByReason() throws {
        var har = HAR(.firefox)
        let full = Web.itemList([Web.item()]).description
        har.add(api("recommend/item_list/"), body: Web.itemList([Web.item(id: Web.video2ID)]))
        har.add(api("recommend/item_list/"), omitBody: true, size: 9000)  // Firefox: no bodies
        // cut at the limit
        har.add(api("post/item_list/"), text: String(full.prefix(full.count / 2)), size: full.utf8.count)
        har.add(api("post/item_list/"), text: "")  // bot answer
        har.add(api("post/item_list/"), text: "", status: 204)
        har.add("https://mon.tiktokv.com/monitor_browser/collect/batch/", text: "{}")
        har.add("https://lf16-tiktok-web.tiktokcdn-us.com/obj/x.js", text: "var x", mimeType: "application/javascript")
        har.add("https://www.tiktok.com/favicon.ico", text: "AAAA", mimeType: "image/x-icon", base64: true)
        har.add(api("im/conversations/"), body: ["status_code": 0])
        har.add(api("post/item_list/"), body: ["statusCode": 10201, "statusMsg": ""])
        har.add(api("post/item_list/"), text: "", status: 302)
        har.add(api("post/item_list/"), body: Web.itemList([]))
        let (summary, batch) = try importHAR(har)
        #expect(summary.status == .imported)
        #expect(summary.layout == "har-firefox")
        #expect(
            summary.skippedEntries == [
                "body missing": 1, "body truncated": 1, "bot answer (empty 200)": 1, "empty body": 1, "other host": 2,
                "not TikTok data": 1, "unknown endpoint": 1, "TikTok error status": 1, "HTTP error or redirect": 1,
                "no records": 1,
            ])
        #expect(batch.videos.map(\.tiktokID) == [Web.video2ID])
        #expect(summary.diagnostics.allSatisfy { $0.severity == .warning })
        // One named warning per notable reason, with the first entry's index.
        let warnings = summary.diagnostics.map(\.description)
        #expect(warnings.contains { $0.contains("log.entries[1]") && $0.contains("Response bodies are not included.") })
        #expect(warnings.contains { $0.contains("log.entries[2]") && $0.contains("cut short") })
        #expect(warnings.contains { $0.contains("log.entries[3]") && $0.contains("empty body on HTTP 200") })
    }

    @Test("a truncated body is told apart from a malformed one, even without a size")
    func truncationDetection() {
        #expect(
            WebCaptureReader.isTruncation(
                JSONError(offset: 500, message: "unexpected end of input"), length: 500, declaredSize: -1))
        #expect(
            WebCaptureReader.isTruncation(
                JSONError(offset: 10, message: "unterminated string"), length: 500, declaredSize: -1))
        #expect(
            WebCaptureReader.isTruncation(
                JSONError(offset: 10, message: "expected ',' or '}'"), length: 500, declaredSize: 1 << 20))
        #expect(
            !WebCaptureReader.isTruncation(
                JSONError(offset: 10, message: "expected ',' or '}'"), length: 500, declaredSize: 500))
    }

    @Test("invalid JSON in a body names the file, the entry index and the URL, not the body or the token")
    func malformedBody() throws {
        var har = HAR()
        har.add(api("recommend/item_list/"), body: Web.itemList([Web.item(id: Web.video2ID)]))
        har.add(
            api("comment/list/", "aweme_id=1"),
            text: "{\"comments\": [{\"cid\": \"1\", \"text\": \"PRIVATE WORDS\"} oops]}")
        har.add(api("post/item_list/"), body: Web.itemList([Web.item()]))
        let (summary, batch) = try importHAR(har)
        #expect(summary.status == .imported)
        #expect(summary.skippedEntries == ["invalid JSON": 1])
        #expect(Set(batch.videos.map(\.tiktokID)) == [Web.videoID, Web.video2ID])
        let warning = try #require(summary.diagnostics.first { $0.message.contains("invalid JSON") })
        #expect(warning.severity == .warning)
        #expect(warning.entry == "capture.har")
        #expect(warning.position == "log.entries[1]")
        #expect(warning.message.contains("https://www.tiktok.com/api/comment/list/"))
        #expect(warning.message.contains("offset"))
        #expect(!warning.description.contains("PRIVATE"))
        #expect(!warning.description.contains("SECRETTOKEN"))
    }

    @Test("a HAR that is not JSON is rejected; one without log.entries too")
    func notJSON() throws {
        let (broken, batch) = try importFiles([("broken.har", "{\"log\": {\"entries\": [ {\"request\": ")])
        #expect(broken.status == .rejected)
        #expect(batch == nil)
        #expect(
            broken.diagnostics.contains {
                $0.severity == .error && $0.description.contains("broken.har") && $0.description.contains("offset")
            })
        let (other, _) = try importFiles([("other.har", "{\"something\": []}")])
        #expect(other.status == .rejected)
        #expect(other.diagnostics.contains { $0.message.contains("log.entries") })
    }

    @Test("the HAR walk: fields of the wrong type, escapes in URLs and bodies, key order, duplicate keys")
    func harWalkShapes() throws {
        let item = Web.itemList([Web.item()]).description
        let item2 = Web.itemList([Web.item(id: Web.video2ID)]).description
        let url = api("recommend/item_list/")
        let escapedURL = J.quote(url).replacingOccurrences(of: "/", with: "\\/")
        let base64Body = J.quote(Data(item2.utf8).base64EncodedString()).replacingOccurrences(of: "/", with: "\\/")
        #expect(base64Body.contains("\\/"), "the fixture must exercise an escaped slash in base64")
        let entries = [
            // Not an object; a request that is a string; a status that is a string; text that is a number.
            "42",
            #"{"request":"\#(url)","response":{"status":200,"content":{"text":"{}"}}}"#,
            #"{"request":{"url":\#(J.quote(url))},"response":{"status":"200","content":{"text":\#(J.quote(item))}}}"#,
            #"{"request":{"url":\#(J.quote(url))},"response":{"status":200,"content":{"text":12}}}"#,
            // Keys in another order, the URL with escaped slashes, members the walk skips.
            #"{"response":{"content":{"size":-1,"text":\#(J.quote(item)),"mimeType":"application/json"},"headers":[{"name":"a","value":"b"}],"status":200},"timings":{"wait":1.5},"request":{"headers":[],"url":\#(escapedURL)},"startedDateTime":"2025-01-01T10:00:05Z"}"#,
            // Base64 text whose slashes are escaped; a duplicate key (the first counts).
            #"{"request":{"url":\#(J.quote(url))},"response":{"status":200,"status":500,"content":{"encoding":"base64","text":\#(base64Body)}}}"#,
        ]
        // The creator comes after the entries here.
        let text =
            #"{"log":{"version":"1.2","entries":[\#(entries.joined(separator: ","))],"creator":{"name":"WebInspector","version":"537.36"}}}"#
        let (summary, batchOrNil) = try importFiles([("capture.har", text)])
        let batch = try #require(batchOrNil, "rejected: \(summary.diagnostics)")
        #expect(summary.layout == "har-chrome")
        #expect(summary.skippedEntries == ["no request URL": 2, "HTTP error or redirect": 1, "body missing": 1])
        #expect(Set(batch.videos.map(\.tiktokID)) == [Web.videoID, Web.video2ID])
    }

    @Test("an invalid escape in one body's text skips that entry only; a HAR cut short or followed by junk is rejected")
    func harWalkErrors() throws {
        let item = Web.itemList([Web.item()]).description
        let url = J.quote(api("recommend/item_list/"))
        let good = #"{"request":{"url":\#(url)},"response":{"status":200,"content":{"text":\#(J.quote(item))}}}"#
        let badEscape = #"{"request":{"url":\#(url)},"response":{"status":200,"content":{"text":"{\"a\": \x41}"}}}"#
        let text = #"{"log":{"entries":[\#(badEscape),\#(good)]}}"#
        let (summary, batchOrNil) = try importFiles([("capture.har", text)])
        let batch = try #require(batchOrNil, "rejected: \(summary.diagnostics)")
        #expect(summary.skippedEntries == ["invalid JSON": 1])
        #expect(batch.videos.map(\.tiktokID) == [Web.videoID])
        let warning = try #require(summary.diagnostics.first { $0.message.contains("invalid escape") })
        #expect(warning.position == "log.entries[0]")

        for (name, broken) in [
            ("cut.har", String(text.dropLast(3))),
            ("junk.har", text + " {}"),
            ("unclosed.har", #"{"log":{"entries":[{"request":{"url":"https://www.tiktok.com/api/"#),
        ] {
            let (rejected, none) = try importFiles([(name, broken)])
            #expect(rejected.status == .rejected, "\(name)")
            #expect(none == nil)
            #expect(
                rejected.diagnostics.contains {
                    $0.severity == .error && $0.message.contains("invalid JSON")
                        && $0.position?.hasPrefix("offset") == true
                }, "\(name): \(rejected.diagnostics)")
        }
        let (array, _) = try importFiles([("array.har", "[1, 2]")])
        #expect(array.status == .rejected)
        #expect(array.diagnostics.contains { $0.message.contains("no log.entries array") })
    }

    @Test("an invalid escape in base64 text is an invalid escape, named like one in plain text")
    func harBase64BadEscape() throws {
        let item = Web.itemList([Web.item()]).description
        let url = J.quote(api("recommend/item_list/"))
        let good = #"{"request":{"url":\#(url)},"response":{"status":200,"content":{"text":\#(J.quote(item))}}}"#
        let bad =
            #"{"request":{"url":\#(url)},"response":{"status":200,"content":{"encoding":"base64","text":"e30\x="}}}"#
        let (summary, batchOrNil) = try importFiles([("capture.har", #"{"log":{"entries":[\#(bad),\#(good)]}}"#)])
        let batch = try #require(batchOrNil, "rejected: \(summary.diagnostics)")
        #expect(summary.skippedEntries == ["invalid JSON": 1])
        #expect(batch.videos.map(\.tiktokID) == [Web.videoID])
        let warning = try #require(summary.diagnostics.first { $0.message.contains("invalid escape") })
        #expect(warning.position == "log.entries[0]")
    }

    @Test("a HAR with only other hosts imports with nothing and says why")
    func nothingUseful() throws {
        var har = HAR()
        har.add("https://example.org/api/post/item_list/", body: Web.itemList([Web.item()]))
        let (summary, batch) = try importHAR(har)
        #expect(summary.status == .imported)
        #expect(batch.videos.isEmpty)
        #expect(summary.skippedEntries == ["other host": 1])
        #expect(summary.diagnostics.contains { $0.message.contains("yielded no TikTok records") })
    }

    @Test("Firefox's JSONP export, a .har.gz, a zipped HAR and a HAR beside an archive")
    func containers() throws {
        var har = HAR(.firefox)
        har.add(api("post/item_list/"), body: Web.itemList([Web.item()]), started: "2025-01-01T11:00:05.123+01:00")
        // JSONP: onInputData(<json>);
        let (jsonp, jsonpBatch) = try importFiles([("Archive 25-01-01.har", "onInputData(" + har.text + ");\n")])
        #expect(jsonp.status == .imported)
        #expect(jsonpBatch?.videos.count == 1)
        // The +01:00 offset is applied.
        #expect(jsonpBatch?.videoCounters.first?.observed == 1_735_725_605)
        // .har.gz
        let gz = try ArchiveWriter.data([("x", Array(har.text.utf8))], format: .gzip)
        let gzOutcome = try #require(
            Importer(parallelism: 1).read(
                InputSource(displayName: "capture.har.gz", location: .memory(gz)), parser: JSONParser(),
                bodyParser: JSONParser()
            ).first)
        #expect(gzOutcome.summary.status == .imported)
        #expect(gzOutcome.batch?.videos.count == 1)
        // A zip holding a HAR and an archive: both read into one batch.
        let archive = """
            {"Activity": {"Following List": {"Following": [{"Date": "2021-01-03 03:04:05", "UserName": "Handle"}]}},
             "Profile": {"Profile Information": {"ProfileMap": {"userName": "fan"}}}}
            """
        let (mixed, mixedBatch) = try importFiles([
            ("www.tiktok.com.har", har.text), ("TikTok_Data_1/user_data.json", archive),
        ])
        #expect(mixed.status == .imported)
        #expect(mixed.layout.hasPrefix("json-") && mixed.layout.hasSuffix("+har-firefox"))
        #expect(mixed.webEntriesRead == ["item lists": 1])
        #expect(!mixed.sectionCounts.isEmpty && mixed.sectionCounts["item lists"] == nil)
        let batch = try #require(mixedBatch)
        #expect(batch.count(.followed) == 1)
        #expect(batch.count(.posted) == 1)
    }
}

@Suite("HAR: values")
struct HARValueTests {
    @Test("ISO 8601 times: Z, offsets, fractions; junk refused")
    func isoTimes() {
        func parse(_ text: String) -> UInt32? { Array(text.utf8).withUnsafeBytes { ISOTime.parse($0) } }
        #expect(parse("2025-01-01T10:00:05.123Z") == 1_735_725_605)
        #expect(parse("2025-01-01T11:00:05.123456+01:00") == 1_735_725_605)
        #expect(parse("2025-01-01T05:00:05-0500") == 1_735_725_605)
        #expect(parse("2025-01-01T10:00:05") == 1_735_725_605)
        #expect(parse("2024-02-29T00:00:00Z") == 1_709_164_800)
        #expect(parse("2025-13-01T10:00:05Z") == nil)
        #expect(parse("yesterday") == nil)
        #expect(parse("2025-01-01T10:00:05Zjunk") == nil)
    }

    @Test("URLs: host, path and query parameters from bytes; the shown form drops the query")
    func urls() throws {
        let url = try #require(
            WebURL("HTTPS://user@WWW.TikTok.com:443/api/user/list/?secUid=MS4w%3D%3D&scene=67&x#frag"))
        #expect(url.host == "www.tiktok.com")
        #expect(url.isTikTok)
        #expect(url.path == "/api/user/list/")
        #expect(url.normalizedPath == "/api/user/list")
        #expect(url.parameter("secUid") == "MS4w==")
        #expect(url.parameter("scene") == "67")
        #expect(url.parameter("x") == "")
        #expect(url.parameter("frag") == nil)
        #expect(url.shown == "https://www.tiktok.com/api/user/list/")
        #expect(WebURL("ftp://www.tiktok.com/") == nil)
        #expect(WebURL("not a url") == nil)
        #expect(WebURL("https://www.tiktok.com.evil.example/api/post/item_list/")?.isTikTok == false)
        #expect(
            WebEndpoint(url: try #require(WebURL("https://www.tiktok.com/API/Post/Item_List")), mimeType: nil)
                == .itemList)
    }
}
