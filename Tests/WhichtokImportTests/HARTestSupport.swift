import Foundation
import Testing
import WhichtokStore
import WhichtokSupport
import WhichtokTestSupport

@testable import WhichtokImport

// Fixtures for the web readers, built from Docs/web-captures.md: the HAR of 'HAR files', the item
// of 'Items', the comment of 'Comments', the users of 'Users', the details of 'Hashtag and sound
// details', the pages of 'Page states' and the envelope of 'Zeeschuimer exports'. Ids above 2^53
// are strings, as TikTok sends them.

/// TikTok web fixtures: items, comments, users, hashtag and sound details.
enum Web {
    static let creatorID: UInt64 = 7_420_667_015_738_885_137
    static let creatorSec = "MS4wLjABAAAAcreator0000000000000000000000000000000000000000000000000001"
    static let viewerID: UInt64 = 6_934_915_800_185_177_094
    static let viewerSec = "MS4wLjABAAAAviewer00000000000000000000000000000000000000000000000000002"
    static let mentionID: UInt64 = 6_805_444_583_847_068_678
    static let videoID: UInt64 = 7_444_705_554_666_130_708
    static let video2ID: UInt64 = 7_444_705_554_666_130_999
    static let musicID: UInt64 = 7_444_705_829_305_043_713
    static let tagID: UInt64 = 1_603_337_491_084_290
    static let tag2ID: UInt64 = 7_288_995_737_794_005_765
    static let commentID: UInt64 = 7_280_136_767_352_308_512
    static let replyID: UInt64 = 7_280_136_767_352_309_001
    static let reply2ID: UInt64 = 7_280_136_767_352_309_002

    static func author(
        id: UInt64 = creatorID, uniqueId: String = "handle", secUid: String = creatorSec,
        nickname: String = "Display Name", verified: Bool = false
    ) -> J {
        [
            "id": .id(id), "uniqueId": .string(uniqueId), "nickname": .string(nickname), "secUid": .string(secUid),
            "signature": "bio", "verified": .bool(verified), "privateAccount": false,
            "avatarThumb": "https://p16.example/a.jpeg",
        ]
    }

    /// An item: two hashtags (one only in `textExtra`), a mention, a sound, rounded `stats`
    /// and exact `statsV2`.
    static func item(
        id: UInt64 = videoID, author: J = author(), createTime: J = 1_733_355_614,
        desc: String = "caption text #tag #other @mention", plays: String = "1585253"
    ) -> J {
        [
            "id": .id(id), "desc": .string(desc), "createTime": createTime, "scheduleTime": 0,
            "author": author,
            "authorStats": ["followerCount": 11900, "followingCount": 8, "heart": 114100, "videoCount": 32],
            "stats": [
                "diggCount": 38900, "shareCount": 2124, "commentCount": 504, "playCount": 1_600_000,
                "collectCount": 3207,
            ],
            "statsV2": [
                "diggCount": "38884", "shareCount": "2124", "commentCount": "504", "playCount": .string(plays),
                "collectCount": "3207", "repostCount": "0",
            ],
            "music": [
                "id": .id(musicID), "title": "original sound - handle", "authorName": "handle", "original": true,
                "duration": 61, "playUrl": "",
            ],
            "challenges": [
                [
                    "id": .id(tagID), "title": "tag", "desc": "", "isCommerce": false,
                    "stats": ["videoCount": 0, "viewCount": 0],
                ]
            ],
            "textExtra": [
                [
                    "type": 1, "subType": 0, "start": 13, "end": 17, "hashtagName": "tag", "hashtagId": .id(tagID),
                    "userId": "", "userUniqueId": "", "secUid": "", "awemeId": "", "isCommerce": false,
                ],
                [
                    "type": 1, "subType": 0, "start": 18, "end": 24, "hashtagName": "other", "hashtagId": .id(tag2ID),
                    "userId": "", "userUniqueId": "", "secUid": "", "awemeId": "", "isCommerce": false,
                ],
                [
                    "type": 0, "subType": 0, "start": 25, "end": 33, "hashtagName": "", "hashtagId": "",
                    "userId": .id(mentionID), "userUniqueId": "mention", "secUid": "MS4wLjABAAAAmention", "awemeId": "",
                    "isCommerce": false,
                ],
            ],
            "video": ["id": .id(id), "duration": 61, "playAddr": "https://v16.example/x.mp4?x-expires=1"],
            "duetInfo": ["duetFromId": "0"], "duetEnabled": true, "stitchEnabled": true,
            "isAd": false, "digged": false, "collected": false,
        ]
    }

    /// A top-level comment, or a reply when `parent` is given.
    static func comment(
        cid: UInt64 = commentID, video: UInt64 = videoID, userID: UInt64 = viewerID,
        uniqueId: String? = "viewer", sec: String? = nil, text: String = "nice @handle",
        time: Int = 1_734_000_000, parent: UInt64 = 0, replyTo: UInt64 = 0, replies: [J]? = nil
    ) -> J {
        let secUid =
            sec ?? (userID == viewerID ? viewerSec : userID == creatorID ? creatorSec : "MS4wLjABAAAA\(userID)")
        var user: J = [
            "uid": .id(userID), "nickname": "Viewer", "sec_uid": .string(secUid),
            "avatar_thumb": ["uri": "x", "url_list": ["https://p16.example/v.jpeg"]], "custom_verify": "",
        ]
        if let uniqueId { user = user.with("unique_id", .string(uniqueId)) }
        return [
            "cid": .id(cid), "text": .string(text), "aweme_id": .id(video), "create_time": .number(String(time)),
            "digg_count": 23, "reply_id": .id(parent), "reply_to_reply_id": .id(replyTo),
            "reply_comment_total": 1, "reply_comment": replies.map { J.array($0) } ?? .null,
            "user": user,
            "text_extra": [
                ["start": 5, "end": 12, "type": 0, "user_id": .id(creatorID), "sec_uid": .string(creatorSec)]
            ],
            "share_info": ["url": "https://www.tiktok.com/@handle/video/\(video)", "title": "caption"],
            "comment_language": "en", "is_author_digged": false, "stick_position": 0, "status": 1,
        ]
    }

    static func itemList(_ items: [J], key: String = "itemList") -> J {
        [
            (key, .array(items)), ("cursor", "1733355614000"), ("hasMore", true), ("statusCode", 0), ("status_code", 0),
            ("extra", ["now": 1_735_000_000_000, "logid": "2024"]), ("log_pb", ["impr_id": "2024"]),
        ].reduce(into: J.object([])) {
            $0 = $0.with($1.0, $1.1)
        }
    }

    static func commentList(_ comments: [J]) -> J {
        [
            "comments": .array(comments), "cursor": 20, "has_more": 0, "total": .number(String(comments.count)),
            "status_code": 0, "status_msg": "", "extra": ["now": 1_735_000_000_000],
        ]
    }

    /// `/api/user/detail/`.
    static func userDetail(id: UInt64 = creatorID, uniqueId: String = "handle", secUid: String = creatorSec) -> J {
        [
            "userInfo": [
                "user": author(id: id, uniqueId: uniqueId, secUid: secUid, verified: true)
                    .with("uniqueIdModifyTime", 0).with("region", "US"),
                "stats": ["followerCount": 4_900_000, "followingCount": 12, "heart": 120_000, "videoCount": 48],
                "statsV2": ["followerCount": "4946894", "followingCount": "12", "heart": "120000", "videoCount": "48"],
                "itemList": [],
            ],
            "shareMeta": ["title": "t", "desc": "d"], "statusCode": 0, "statusMsg": "",
        ]
    }

    static func userEntry(id: UInt64, uniqueId: String, sec: String, followers: Int = 10) -> J {
        [
            "user": author(id: id, uniqueId: uniqueId, secUid: sec, nickname: uniqueId),
            "stats": ["followerCount": .number(String(followers)), "followingCount": 3],
            "statsV2": ["followerCount": .string(String(followers)), "followingCount": "3"],
        ]
    }
}

/// A HAR 1.2 document in Chrome's or Firefox's shape.
struct HAR {
    enum Browser { case chrome, firefox }
    var browser: Browser
    var entries: [J] = []

    init(_ browser: Browser = .chrome) { self.browser = browser }

    /// An entry; `text` nil leaves the body out (with Firefox's comment), `base64` encodes it;
    /// `binary` is a body of raw bytes, always base64.
    mutating func add(
        _ url: String, body: J? = nil, text: String? = nil, binary: [UInt8]? = nil, status: Int = 200,
        mimeType: String = "application/json; charset=utf-8",
        base64: Bool = false, omitBody: Bool = false, size: Int? = nil, started: String = "2025-01-01T10:00:05.123Z"
    ) {
        let bodyText = text ?? body?.description
        var content: J = [
            "size": .number(String(size ?? binary?.count ?? bodyText?.utf8.count ?? 0)), "mimeType": .string(mimeType),
        ]
        if let binary {
            content = content.with("text", .string(Data(binary).base64EncodedString())).with("encoding", "base64")
        } else if omitBody || bodyText == nil {
            if browser == .firefox { content = content.with("comment", "Response bodies are not included.") }
        } else if let bodyText {
            if base64 {
                content = content.with("text", .string(Data(bodyText.utf8).base64EncodedString())).with(
                    "encoding", "base64")
            } else {
                content = content.with("text", .string(bodyText))
            }
        }
        var request: J = [
            "method": "GET", "url": .string(url), "httpVersion": "http/2.0", "headers": [], "cookies": [],
            "queryString": [["name": "aid", "value": "1988"]], "headersSize": -1, "bodySize": 0,
        ]
        var response: J = [
            "status": .number(String(status)), "statusText": "", "httpVersion": "http/2.0", "headers": [],
            "cookies": [], "content": content, "redirectURL": "", "headersSize": -1, "bodySize": -1,
        ]
        var entry: J = [
            "startedDateTime": .string(started), "time": .number("210.4"), "request": request, "response": response,
            "cache": [:], "timings": ["blocked": 1, "dns": -1, "send": 0, "wait": 200, "receive": .number("9.4")],
        ]
        switch browser {
        case .chrome:
            response = response.with("_transferSize", 23456).with("_error", .null)
            entry = entry.with("response", response).with(
                "_resourceType", mimeType.contains("html") ? "document" : "fetch"
            )
            .with("_priority", "High").with("pageref", "page_1")
            .with("_initiator", ["type": "script", "stack": ["callFrames": []]])
        case .firefox:
            request = request.with("bodySize", 0)
            entry = entry.with("request", request).with("_securityState", "secure").with("serverIPAddress", "192.0.2.7")
                .with("connection", "443").with("pageref", "page_1")
        }
        entries.append(entry)
    }

    var json: J {
        let creator: J =
            browser == .chrome
            ? ["name": "WebInspector", "version": "537.36"] : ["name": "Firefox", "version": "133.0"]
        var log: J = [
            "version": "1.2", "creator": creator,
            "pages": [
                [
                    "startedDateTime": "2025-01-01T10:00:00.000Z", "id": "page_1",
                    "title": "https://www.tiktok.com/@handle", "pageTimings": ["onContentLoad": -1, "onLoad": -1],
                ]
            ],
            "entries": .array(entries),
        ]
        if browser == .firefox { log = log.with("browser", ["name": "Firefox", "version": "133.0"]) }
        return ["log": log]
    }

    /// Pretty enough: both browsers indent, which the reader must not care about.
    var text: String { json.description }
}

/// A TikTok API URL with the usual query.
func api(_ path: String, _ query: String = "") -> String {
    "https://www.tiktok.com/api/\(path)?aid=1988&app_name=tiktok_web&device_platform=web_pc&msToken=SECRETTOKEN&X-Bogus=DFSzswVO"
        + (query.isEmpty ? "" : "&" + query)
}

/// Reads `files` as one input through the importer (web reader, archive reader, or both).
func importFiles(_ files: [(name: String, text: String)], inputName: String = "capture.zip") throws -> (
    summary: InputSummary, batch: ImportBatch?
) {
    let source: InputSource
    if files.count == 1 {
        source = InputSource(displayName: files[0].name, location: .memory(Array(files[0].text.utf8)))
    } else {
        let zip = try ArchiveWriter.data(files.map { ($0.name, Array($0.text.utf8)) }, format: .zip)
        source = InputSource(displayName: inputName, location: .memory(zip))
    }
    let outcomes = Importer(parallelism: 1).read(source, parser: JSONParser(), bodyParser: JSONParser())
    #expect(outcomes.count == 1, "one export root")
    let outcome = try #require(outcomes.first)
    return (outcome.summary, outcome.batch)
}

/// Reads one HAR text as an input named `name`.
func importHAR(_ har: HAR, name: String = "capture.har") throws -> (summary: InputSummary, batch: ImportBatch) {
    let (summary, batch) = try importFiles([(name, har.text)])
    return (summary, try #require(batch, "rejected: \(summary.diagnostics)"))
}
