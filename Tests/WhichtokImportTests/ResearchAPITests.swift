import Foundation
import Testing
import WhichtokStore
import WhichtokSupport
import WhichtokTestSupport

@testable import WhichtokImport

// Fixtures written from the Research API's documented shapes (Docs/research-api.md): ids above
// 2^53 as JSON numbers (as the docs' examples send them) and as strings, the older `video_id`
// name, both pinned-list keys, and pages whose subject only their request names.

/// Research API objects, envelopes and a HAR of API calls.
enum Research {
    static let videoID: UInt64 = 7_300_111_222_333_444_555
    static let video2ID: UInt64 = 7_300_111_222_333_444_777
    static let likedID: UInt64 = 7_299_000_000_000_000_123
    static let pinnedID: UInt64 = 7_298_765_432_109_876_543
    static let repostedID: UInt64 = 7_297_000_000_000_000_001
    static let musicID: UInt64 = 7_250_000_000_000_000_999
    static let commentID: UInt64 = 7_301_000_000_000_000_001
    static let replyID: UInt64 = 7_301_000_000_000_000_002
    static let created: UInt32 = 1_704_448_800  // 2024-01-05 10:00:00 UTC

    /// A video object with every documented field; `id` a bare number unless given otherwise.
    static func video(
        id: J = .raw(videoID), idKey: String = "id", username: String? = "creator_one",
        hashtags: [J] = ["tag", "Other"], views: Int = 1000
    ) -> J {
        var video: J = [
            (idKey, id), ("create_time", .int(Int(created))), ("region_code", "NL"),
            ("video_description", "a caption #tag"), ("music_id", .raw(musicID)), ("hashtag_names", .array(hashtags)),
            ("view_count", .int(views)), ("like_count", 50), ("comment_count", 7), ("share_count", 3),
            ("favourites_count", 9), ("effect_ids", ["0"]), ("playlist_id", 0), ("voice_to_text", "spoken words"),
            ("is_stem_verified", false), ("video_duration", 21),
        ].reduce(into: J.object([])) { $0 = $0.with($1.0, $1.1) }
        if let username { video = video.with("username", .string(username)) }
        return video
    }

    static func comment(id: UInt64 = commentID, parent: UInt64 = videoID, text: String = "so true") -> J {
        [
            "id": .raw(id), "video_id": .raw(videoID), "text": .string(text), "like_count": 2, "reply_count": 1,
            "parent_comment_id": .raw(parent), "create_time": .int(Int(created) + 60),
        ]
    }

    static func envelope(_ data: J) -> J {
        ["data": data, "error": ["code": "ok", "message": "", "log_id": "20240105100000ABCDEF"]]
    }

    static func rateLimited() -> J {
        [
            "data": [:],
            "error": [
                "code": "rate_limit_exceeded", "message": "API rate limit was exceeded", "log_id": "20240105100001",
            ],
        ]
    }

    static func followers(_ names: [String], key: String = "user_followers") -> J {
        let users = names.map { name -> J in ["display_name": .string(name.uppercased()), "username": .string(name)] }
        return envelope([(key, .array(users)), ("cursor", 1_704_000_000), ("has_more", false)].objectJ)
    }

    static func videos(_ videos: [J], key: String) -> J {
        envelope([(key, .array(videos)), ("cursor", 100), ("has_more", false), ("search_id", "7300-xyz")].objectJ)
    }

    static var userInfo: J {
        envelope([
            "display_name": "Subject One", "bio_description": "bio", "avatar_url": "https://p16.example/a.jpeg",
            "is_verified": true, "follower_count": 12_345, "following_count": 67, "likes_count": 890, "video_count": 12,
        ])
    }

    /// A HAR of Research API calls as a client records it: POSTs with JSON bodies, the token
    /// call's body redacted.
    static func har(
        creator: String = "whichtok", host: String = "https://open.tiktokapis.com", pagesWithoutRequest: Int = 0
    ) -> J {
        var entries: [J] = []
        func add(_ path: String, request: J?, response: J, status: Int = 200) {
            var requestJ: J = [
                "method": "POST", "url": .string(host + path), "httpVersion": "HTTP/1.1",
                "headers": [["name": "Authorization", "value": "Bearer [redacted]"]], "queryString": [],
                "headersSize": -1, "bodySize": -1,
            ]
            if let request {
                requestJ = requestJ.with(
                    "postData", ["mimeType": "application/json", "text": .string(request.description)])
            }
            let text = response.description
            entries.append([
                "startedDateTime": "2024-01-06T12:00:00.000Z", "time": 120,
                "request": requestJ,
                "response": [
                    "status": .int(status), "statusText": "", "httpVersion": "HTTP/1.1", "headers": [],
                    "content": ["size": .int(text.utf8.count), "mimeType": "application/json", "text": .string(text)],
                    "redirectURL": "", "headersSize": -1, "bodySize": -1,
                ],
                "cache": [:], "timings": ["send": 0, "wait": 100, "receive": 20],
            ])
        }
        add(
            "/v2/oauth/token/", request: nil,
            response: ["access_token": "[redacted]", "expires_in": 7200, "token_type": "Bearer"])
        add(
            "/v2/research/video/query/?fields=id,username,create_time",
            request: [
                "query": ["and": [["field_name": "hashtag_name", "operation": "EQ", "field_values": ["tag"]]]],
                "start_date": "20240101", "end_date": "20240130", "max_count": 100,
            ],
            response: videos(
                [video(), video(id: .id(video2ID), idKey: "video_id", username: "creator_two", hashtags: ["tag"])],
                key: "videos"))
        add(
            "/v2/research/user/followers/", request: ["username": "subject_one", "max_count": 100],
            response: followers(["fan_a", "fan_b"]))
        add(
            "/v2/research/user/following/", request: ["username": "subject_one", "max_count": 100],
            response: followers(["creator_one"], key: "user_following"))
        add(
            "/v2/research/user/info/?fields=display_name,follower_count", request: ["username": "subject_one"],
            response: userInfo)
        add(
            "/v2/research/user/liked_videos/", request: ["username": "subject_one", "max_count": 100],
            response: videos([video(id: .raw(likedID), username: "creator_two")], key: "user_liked_videos"))
        add(
            "/v2/research/user/pinned_videos/", request: ["username": "subject_one"],
            response: videos([video(id: .raw(pinnedID), username: nil)], key: "pinned_videos_list"))
        add(
            "/v2/research/user/reposted_videos/", request: ["username": "subject_one"],
            response: videos([video(id: .raw(repostedID), username: "creator_one")], key: "user_reposted_videos"))
        add(
            "/v2/research/video/comment/list/", request: ["video_id": .raw(videoID), "max_count": 100],
            response: envelope([
                "comments": [comment(), comment(id: replyID, parent: commentID, text: "agreed")], "cursor": 2,
                "has_more": false,
            ]))
        add("/v2/research/user/followers/", request: ["username": "subject_one"], response: rateLimited(), status: 429)
        for _ in 0..<pagesWithoutRequest {
            add("/v2/research/user/followers/", request: nil, response: followers(["fan_c"]))
        }
        return [
            "log": [
                "version": "1.2", "creator": ["name": .string(creator), "version": "1"], "entries": .array(entries),
            ]
        ]
    }
}

extension [(String, J)] {
    var objectJ: J { reduce(into: J.object([])) { $0 = $0.with($1.0, $1.1) } }
}

@Suite("Research API")
struct ResearchAPITests {
    /// The events of a store as (actor username, kind, object username or video id) triples.
    func edges(_ store: Store, _ kind: EventKind) -> [String] {
        store.events(kind).map { event in
            let actor = store.username(Int(store.events.actor[event])) ?? "?"
            let object = Int(store.events.object[event])
            let target: String =
                store.events.objectType[event] == ObjectType.video.rawValue
                ? String(store.videos.tiktokID[object]) : store.username(object) ?? "?"
            return "\(actor) → \(target)"
        }.sorted()
    }

    @Test("a HAR of API calls: subjects from request bodies, exact ids, the token call ignored, a 429 reported")
    func har() throws {
        let (summary, batch) = try importFiles([("research.har", Research.har().description)])
        let imported = try #require(batch, "rejected: \(summary.diagnostics)")
        #expect(summary.layout == "research-har")
        #expect(summary.webEntriesRead["research pages"] == 8)
        #expect(summary.skippedEntries == ["not TikTok data": 1, "Research API error": 1])
        #expect(imported.warnings.contains { $0.message.contains("rate_limit_exceeded") })
        let store = Fixture.build([imported])
        // Ids above 2^53, as numbers and as a string under the older `video_id` name, stay exact.
        let video = try #require(store.video(id: Research.videoID))
        let video2 = try #require(store.video(id: Research.video2ID))
        let creator = try #require(store.account(named: "creator_one"))
        #expect(store.videos.author[video] == RowID(creator))
        #expect(store.videos.author[video2] == RowID(try #require(store.account(named: "creator_two"))))
        #expect(store.videos.created[video] == Research.created)
        #expect(store.strings[store.videos.caption[video]] == "a caption #tag")
        #expect(store.sounds.tiktokID[Int(store.videos.sound[video])] == Research.musicID)
        #expect(
            store.videos.hashtags(of: RowID(video)).compactMap { store.strings[store.hashtags.name[Int($0)]] }.sorted()
                == ["other", "tag"])
        // Follows of the subject named only by the request bodies.
        #expect(edges(store, .followed) == ["fan_a → subject_one", "fan_b → subject_one", "subject_one → creator_one"])
        #expect(edges(store, .liked) == ["subject_one → \(Research.likedID)"])
        #expect(edges(store, .shared) == ["subject_one → \(Research.repostedID)"])
        // The pinned video names no author: it is the subject's own post.
        #expect(edges(store, .posted).contains("subject_one → \(Research.pinnedID)"))
        #expect(edges(store, .posted).contains("creator_one → \(Research.videoID)"))
        // User info: the subject's profile and exact counts, observed when the HAR was recorded.
        let subject = try #require(store.account(named: "subject_one"))
        #expect(store.accounts.followerCount[subject] == 12_345)
        #expect(store.accounts.flags(RowID(subject)).contains(.verified))
        #expect(store.strings[store.accounts.nickname[subject]] == "Subject One")
        // Comments: linked to the video and parent, without an author and without events.
        let top = try #require(store.comments.tiktokID.firstIndex(of: Research.commentID))
        let reply = try #require(store.comments.tiktokID.firstIndex(of: Research.replyID))
        #expect(store.comments.video[top] == RowID(video))
        #expect(store.comments.parent[top] == .none)
        #expect(store.comments.parent[reply] == RowID(top))
        #expect(store.comments.author[top] == .none)
        #expect(store.events(.commented).isEmpty && store.events(.replied).isEmpty)
        // Counts are exact snapshots.
        #expect(imported.videoCounters.contains { $0.plays == 1000 && $0.exact && $0.saves == 9 })
    }

    @Test("a research HAR read on three threads gives the store, counts and warnings of one thread")
    func splitReading() throws {
        // Two pages without a request body: the unknown-subject count must survive the split.
        let har = Research.har(pagesWithoutRequest: 2)
        func read(threads: Int) -> ImportBatch {
            var batch = ImportBatch(inputName: "research.har", sha256: [])
            var reader = WebCaptureReader(
                parser: JSONParser(), bodyParser: JSONParser(), bodyThreads: threads,
                splitMinimum: (entries: 4, bytes: 1))
            reader.read(entryPath: "research.har", bytes: PaddedBytes(har.description), into: &batch)
            _ = reader.finish(into: &batch)
            return batch
        }
        let one = read(threads: 1)
        let split = read(threads: 3)
        #expect(split.parts.count == 2)
        #expect(one.eventCount > 0)
        #expect(split.totalEventCount == one.eventCount)
        #expect(split.skippedEntries == one.skippedEntries)
        #expect(split.webEntriesRead == one.webEntriesRead)
        #expect(split.recordsSetAside == one.recordsSetAside)
        #expect(one.recordsSetAside["page of unknown subject"] == 2)
        #expect(split.diagnostics.map(\.description) == one.diagnostics.map(\.description))
        #expect(Fixture.build([split]) == Fixture.build([one]))
    }

    @Test("a HAR from a mock server (whichtok's own recording) is read whatever the host")
    func mockHost() throws {
        let har = Research.har(host: "http://127.0.0.1:8123")
        let (summary, batch) = try importFiles([("mock.har", har.description)])
        #expect(batch != nil)
        #expect(summary.webEntriesRead["research pages"] == 8)
    }

    @Test("saved responses: subject from a sibling request file or a wrapper, else reported; errors read nothing")
    func savedResponses() throws {
        let files: [(name: String, text: String)] = [
            ("research/followers/page-1.json", Research.followers(["fan_a"]).description),
            ("research/followers/page-1.request.json", #"{"username": "subject_one", "max_count": 100}"#),
            (
                "research/pinned.json",
                ([
                    "request": ["username": "subject_two"],
                    "response": Research.videos(
                        [Research.video(id: .raw(Research.pinnedID), username: nil)],
                        key: "user_pinned_videos"),
                ] as J).description
            ),
            (
                "research/liked.json",
                Research.videos(
                    [Research.video(id: .id(Research.likedID), username: "creator_two")],
                    key: "user_liked_videos"
                ).description
            ),
            ("research/info.json", Research.userInfo.description),
            ("research/limited.json", Research.rateLimited().description),
        ]
        let (summary, batch) = try importFiles(files, inputName: "research.zip")
        let imported = try #require(batch, "rejected: \(summary.diagnostics)")
        #expect(summary.layout == "research-json")
        #expect(summary.skippedEntries["Research API error"] == 1)
        #expect(
            imported.warnings.contains {
                $0.entry == "research/limited.json" && $0.message.contains("rate_limit_exceeded")
            })
        #expect(summary.recordsSetAside["page of unknown subject"] == 2)
        #expect(
            imported.warnings.contains { $0.entry == "research/liked.json" && $0.message.hasPrefix("unknown subject") })
        #expect(
            imported.warnings.contains { $0.entry == "research/info.json" && $0.message.hasPrefix("unknown subject") })
        let store = Fixture.build([imported])
        #expect(edges(store, .followed) == ["fan_a → subject_one"])
        #expect(edges(store, .posted).contains("subject_two → \(Research.pinnedID)"))
        // The liked page's subject is unknown: no like, but its video and author are kept.
        #expect(store.events(.liked).isEmpty)
        let liked = try #require(store.video(id: Research.likedID))
        #expect(store.videos.author[liked] == RowID(try #require(store.account(named: "creator_two"))))
        // Nothing of the error page.
        #expect(store.account(named: "subject_three") == nil)
    }

    @Test("NDJSON of video and comment objects is not taken for Zeeschuimer")
    func ndjson() throws {
        let lines = [
            Research.video().description, "",
            Research.video(id: .id(Research.video2ID), idKey: "video_id", username: "creator_two").description,
            Research.comment().description,
        ].joined(separator: "\n")
        let (summary, batch) = try importFiles([("videos.ndjson", lines)])
        let imported = try #require(batch, "rejected: \(summary.diagnostics)")
        #expect(summary.layout == "research-ndjson")
        #expect(summary.webEntriesRead["research objects"] == 3)
        let store = Fixture.build([imported])
        #expect(store.video(id: Research.videoID) != nil && store.video(id: Research.video2ID) != nil)
        #expect(edges(store, .posted) == ["creator_one → \(Research.videoID)", "creator_two → \(Research.video2ID)"])
        #expect(store.comments.tiktokID.contains(Research.commentID))
    }

    @Test("CSV with traktok's columns: date-time texts, list cells, quoted fields, rounded ids set aside")
    func csv() throws {
        let csv = [
            "video_id,author_name,view_count,comment_count,share_count,like_count,region_code,create_time,effect_ids,music_id,video_description,hashtag_names,voice_to_text",
            "\(Research.videoID),creator_one,1000,7,3,50,NL,2024-01-05 10:00:00,0,\(Research.musicID),\"caption, with \"\"quotes\"\"\nand a line\",\"c(\"\"tag\"\", \"\"other\"\")\",NA",
            "\(Research.video2ID),creator_two,5,0,0,1,DE,2024-01-05T10:00:00Z,0,NA,plain,tag|third,",
            "7.3001112223334e+18,creator_one,1,1,1,1,NL,2024-01-05 10:00:00,0,NA,x,,",
        ].joined(separator: "\r\n")
        let (summary, batch) = try importFiles([("tt_search.csv", csv)])
        let imported = try #require(batch, "rejected: \(summary.diagnostics)")
        #expect(summary.layout == "research-csv")
        #expect(summary.webEntriesRead["research rows"] == 2)
        #expect(summary.recordsSetAside["row without an exact video id"] == 1)
        let store = Fixture.build([imported])
        let video = try #require(store.video(id: Research.videoID))
        #expect(store.strings[store.videos.caption[video]] == "caption, with \"quotes\"\nand a line")
        #expect(store.videos.created[video] == Research.created)
        #expect(
            store.videos.hashtags(of: RowID(video)).compactMap { store.strings[store.hashtags.name[Int($0)]] }.sorted()
                == ["other", "tag"])
        let video2 = try #require(store.video(id: Research.video2ID))
        #expect(store.videos.created[video2] == Research.created)
        #expect(store.videos.hashtags(of: RowID(video2)).count == 2)
        #expect(edges(store, .posted).count == 2)
    }

    @Test("a comments CSV links comments to videos and parents")
    func commentsCSV() throws {
        let csv = """
            id,video_id,text,like_count,reply_count,parent_comment_id,create_time
            \(Research.commentID),\(Research.videoID),so true,2,1,\(Research.videoID),1704448860
            \(Research.replyID),\(Research.videoID),"agreed, fully",0,0,\(Research.commentID),1704448920

            """
        let (_, batch) = try importFiles([("comments.csv", csv)])
        let store = Fixture.build([try #require(batch)])
        let top = try #require(store.comments.tiktokID.firstIndex(of: Research.commentID))
        let reply = try #require(store.comments.tiktokID.firstIndex(of: Research.replyID))
        #expect(store.comments.parent[reply] == RowID(top))
        #expect(store.comments.video[top] == RowID(try #require(store.video(id: Research.videoID))))
        #expect(store.comments.time[top] == 1_704_448_860)
    }

    @Test("in a folder, a response and its request file are one input; only a Research API CSV is taken")
    func folder() throws {
        let scratch = try TemporaryFolder("research")
        _ = try scratch.write("crawl/page-1.json", Research.followers(["fan_a"]).description)
        _ = try scratch.write("crawl/page-1.request.json", #"{"username": "subject_one"}"#)
        _ = try scratch.write(
            "crawl/videos.csv", "video_id,author_name,create_time\n\(Research.videoID),creator_one,1704448800\n")
        _ = try scratch.write("crawl/participants.csv", "name,age\nx,1\n")
        let run = Importer(parallelism: 1).run(paths: [scratch.path])
        #expect(run.summaries.count == 2, "\(run.summaries.map(\.displayName))")
        #expect(run.rejectedCount == 0)
        let store = Fixture.build(run.batches)
        #expect(edges(store, .followed) == ["fan_a → subject_one"])
        #expect(store.video(id: Research.videoID) != nil)
    }

    @Test("a Research API account is the archive's account of the same username")
    func identity() throws {
        let archive = """
            {"Activity": {"Following List": {"Following": [{"Date": "2023-01-03 03:04:05", "UserName": "Creator_One"}]}},
             "Profile": {"Profile Information": {"ProfileMap": {"userName": "Subject_One"}}}}
            """
        let (_, archiveBatch) = try importFiles([("subject.json", archive)])
        let (_, researchBatch) = try importFiles([("research.har", Research.har().description)])
        let store = Fixture.build([try #require(archiveBatch), try #require(researchBatch)])
        let subject = try #require(store.account(named: "subject_one"))
        #expect(store.accounts.flags(RowID(subject)).contains(.donor))
        #expect(store.accounts.followerCount[subject] == 12_345)
        let creator = try #require(store.account(named: "creator_one"))
        // The archive's follow and the API's following page name the same pair: both are kept as events
        // of the one account.
        let follows = store.events(.followed).filter { store.events.actor[$0] == RowID(subject) }
        #expect(!follows.isEmpty && follows.allSatisfy { store.events.object[$0] == RowID(creator) })
        #expect(store.events(.liked).allSatisfy { store.events.actor[$0] == RowID(subject) })
    }
}

@Suite("Page states saved as files")
struct PageStateFileTests {
    /// What a store holds, with strings resolved (the input's name and layout are strings too,
    /// so raw string indices differ between two inputs).
    func tables(_ store: Store) -> [String] {
        func text(_ row: RowID) -> String { store.strings[row] ?? "-" }
        let accounts = (0..<store.accounts.count).map { row in
            "\(text(store.accounts.username[row])) \(store.accounts.numericID[row]) \(text(store.accounts.secUID[row]))"
                + " \(text(store.accounts.nickname[row])) \(store.accounts.flags[row]) \(store.accounts.followerCount[row])"
        }
        let videos = (0..<store.videos.count).map { row in
            let tags = store.videos.hashtags(of: RowID(row)).map { text(store.hashtags.name[Int($0)]) }
            return "\(store.videos.tiktokID[row]) \(store.videos.author[row]) \(store.videos.created[row])"
                + " \(text(store.videos.caption[row])) \(tags) \(store.videos.sound[row])"
        }
        return accounts + videos + [
            "\(store.comments)", "\(store.events)", "\(store.videoStats)", "\(store.sounds.tiktokID)",
        ]
    }

    func compare(state: J, scriptID: String) throws {
        let page = Pages.html("<script id=\"\(scriptID)\" type=\"application/json\">\(state.pageJSON)</script>")
        // Names that sort alike: the input's name is one of the store's strings.
        let (pageSummary, pageBatch) = try importFiles([("a.html", page)])
        let (stateSummary, stateBatch) = try importFiles([("a.json", state.description)])
        #expect(stateSummary.status == .imported, "\(stateSummary.diagnostics)")
        #expect(stateSummary.layout == "page-state")
        #expect(stateSummary.webEntriesRead == pageSummary.webEntriesRead)
        let fromPage = Fixture.build([try #require(pageBatch)])
        let fromState = Fixture.build([try #require(stateBatch)])
        #expect(fromState.events.count > 0)
        #expect(tables(fromState) == tables(fromPage))
    }

    @Test("a bare __UNIVERSAL_DATA_FOR_REHYDRATION__ imports what the page does")
    func universal() throws {
        try compare(state: Pages.universalState(), scriptID: "__UNIVERSAL_DATA_FOR_REHYDRATION__")
    }

    @Test("the inner object of __DEFAULT_SCOPE__ saved alone imports the same")
    func universalScopes() throws {
        let inner = Pages.universalState()["__DEFAULT_SCOPE__"]
        let (summary, batch) = try importFiles([("a.json", inner.description)])
        let (_, pageBatch) = try importFiles([("a.html", Pages.universal())])
        #expect(summary.layout == "page-state")
        #expect(tables(Fixture.build([try #require(batch)])) == tables(Fixture.build([try #require(pageBatch)])))
        // A JSON file of another shape is still not taken for one.
        let (other, _) = try importFiles([("notes.json", #"{"title": "x", "items": [1, 2]}"#)])
        #expect(other.status == .rejected)
    }

    @Test("a bare SIGI_STATE (createTime as a string, as in 2023) imports what the page does")
    func sigi() throws {
        var state = Pages.sigiState()
        let module = state["ItemModule"]
        let item = module[String(Web.videoID)].with("createTime", "1733355614")
        state = state.with("ItemModule", J.object([(String(Web.videoID), item)]))
        try compare(state: state, scriptID: "SIGI_STATE")
    }

}
