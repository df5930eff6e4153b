import WhichtokSupport

/// A `video/query/` search: conditions on hashtags, keywords, creators, regions and sounds within a
/// range of days.
///
/// Values given for the same field are alternatives (the API's `IN`: any of them matches); the
/// fields given are all required (the API's `and`). `--hashtag cats --hashtag dogs --region DE`
/// finds videos tagged #cats or #dogs whose creators registered in Germany.
package struct VideoQuery: Sendable, Equatable, CustomStringConvertible {
    package var hashtags: [String] = []
    package var keywords: [String] = []
    package var usernames: [String] = []
    package var regions: [String] = []
    package var musicIDs: [String] = []
    /// The first and last day searched (UTC, both included), as days since 1970-01-01.
    package var firstDay: Int
    package var lastDay: Int

    /// The longest span one request may cover: `end_date` at most 30 days after `start_date`.
    package static let maxWindowDays = 30

    package init(firstDay: Int, lastDay: Int) {
        self.firstDay = firstDay
        self.lastDay = lastDay
    }

    /// The non-empty conditions as `(field_name, field_values)`, in a fixed order.
    package var conditions: [(field: String, values: [String])] {
        [
            ("hashtag_name", hashtags), ("keyword", keywords), ("username", usernames), ("region_code", regions),
            ("music_id", musicIDs),
        ].filter { !$0.1.isEmpty }
    }

    /// The date range cut into windows of at most `maxWindowDays` days each (both ends included),
    /// oldest first.
    package func windows(days: Int = VideoQuery.maxWindowDays) -> [DateWindow] {
        var windows: [DateWindow] = []
        var start = firstDay
        let span = max(1, days)
        while start <= lastDay {
            let end = min(lastDay, start + span - 1)
            windows.append(DateWindow(firstDay: start, lastDay: end))
            start = end + 1
        }
        return windows
    }

    /// `hashtag cats|dogs, region DE, 2024-01-01..2024-03-15`: for messages and the HAR's target.
    package var description: String {
        let names = [
            "hashtag_name": "hashtag", "keyword": "keyword", "username": "username", "region_code": "region",
            "music_id": "music",
        ]
        var parts = conditions.map { (names[$0.field] ?? $0.field) + " " + $0.values.joined(separator: "|") }
        parts.append(DateWindow.iso(firstDay) + ".." + DateWindow.iso(lastDay))
        return parts.joined(separator: ", ")
    }
}

/// Days `firstDay...lastDay` (UTC), as one request's `start_date` and `end_date`.
package struct DateWindow: Sendable, Equatable, CustomStringConvertible {
    package var firstDay: Int
    package var lastDay: Int

    package init(firstDay: Int, lastDay: Int) {
        self.firstDay = firstDay
        self.lastDay = lastDay
    }

    /// `YYYYMMDD`, as the API wants its dates.
    package var startDate: String { Self.compact(firstDay) }
    package var endDate: String { Self.compact(lastDay) }

    package var description: String { Self.iso(firstDay) + ".." + Self.iso(lastDay) }

    static func compact(_ day: Int) -> String {
        let date = CivilTime.date(days: day)
        return CivilTime(year: date.year, month: date.month, day: date.day).text(.date).filter { $0 != "-" }
    }

    static func iso(_ day: Int) -> String {
        let date = CivilTime.date(days: day)
        return CivilTime(year: date.year, month: date.month, day: date.day).text(.date)
    }
}

/// The JSON bodies of Research API requests, compact and always in the same member order.
///
/// The members that name what is asked for come first, the paging members (`max_count`, `cursor`,
/// `search_id`) last: the bytes before `"max_count"` identify a list across its pages, which is
/// how `--resume` finds where a list stopped (see `ResearchProgress`).
enum ResearchBody {
    static func videos(
        _ query: VideoQuery, _ window: DateWindow, maxCount: Int, cursor: Int64?, searchID: String?
    ) -> [UInt8] {
        var json = writer()
        json.beginObject()
        json.key("query")
        json.beginObject()
        json.key("and")
        json.beginArray()
        for condition in query.conditions {
            json.beginObject()
            json.field("operation", "IN")
            json.field("field_name", condition.field)
            json.key("field_values")
            json.beginArray()
            for value in condition.values { json.string(value) }
            json.endArray()
            json.endObject()
        }
        json.endArray()
        json.endObject()
        json.field("start_date", window.startDate)
        json.field("end_date", window.endDate)
        json.field("is_random", false)
        paging(&json, maxCount: maxCount, cursor: cursor, searchID: searchID)
        return json.bytes
    }

    /// `{"username": …}` (user info, pinned videos) with paging members for the lists.
    static func user(_ name: String, maxCount: Int? = nil, cursor: Int64? = nil) -> [UInt8] {
        var json = writer()
        json.beginObject()
        json.field("username", name)
        if let maxCount { paging(&json, maxCount: maxCount, cursor: cursor, searchID: nil) } else { json.endObject() }
        return json.bytes
    }

    /// `{"video_id": 7300…, …}`: the id as a JSON number, as the reference page writes it.
    static func comments(videoID: UInt64, maxCount: Int, cursor: Int64?) -> [UInt8] {
        var json = writer()
        json.beginObject()
        json.key("video_id")
        json.uint(videoID)
        paging(&json, maxCount: maxCount, cursor: cursor, searchID: nil)
        return json.bytes
    }

    private static func paging(_ json: inout JSONWriter, maxCount: Int, cursor: Int64?, searchID: String?) {
        json.field("max_count", maxCount)
        if let cursor {
            json.key("cursor")
            json.int(Int(cursor))
        }
        if let searchID { json.field("search_id", searchID) }
        json.endObject()
    }

    private static func writer() -> JSONWriter {
        JSONWriter(capacity: 256, layout: .compact, escaping: .standard)
    }

    /// What a request asks for, whatever page it is: the endpoint and the body's bytes before its
    /// paging members.
    static func identity(_ endpoint: ResearchEndpoint, body: some Collection<UInt8>) -> String {
        let bytes = Array(body)
        let marker = Array(#","max_count":"#.utf8)
        var end = bytes.count
        if bytes.count >= marker.count {
            for start in 0...(bytes.count - marker.count)
            where bytes[start..<(start + marker.count)].elementsEqual(marker) {
                end = start
                break
            }
        }
        if end == bytes.count, bytes.last == UInt8(ascii: "}") { end -= 1 }
        return endpoint.rawValue + " " + String(decoding: bytes[..<end], as: UTF8.self)
    }
}
