import WhichtokSupport

/// Writes a HAR 1.2 document (Docs/web-captures.md, 'HAR files') the way Chrome's and Firefox's
/// DevTools export it: 2-space indented JSON, entries in time order, the browser-specific fields of
/// 'Chrome's HAR' and 'Firefox's HAR', bodies as text or base64, missing bodies with Firefox's comment.
struct HARDocument {
    enum Browser: String, Sendable {
        case chrome, firefox
    }

    struct Entry {
        var url: String
        var method = "GET"
        var status = 200
        var mimeType = "application/json; charset=utf-8"
        /// nil: the body is not in the capture.
        var body: [UInt8]?
        var base64 = false
        /// `content.size` when it differs from the body (a truncated body).
        var declaredSize: Int?
        /// Milliseconds since 1970.
        var started: Int64
        var resourceType: StaticString = "fetch"
    }

    let browser: Browser
    /// Firefox writes local time with its offset; this capture's offset in minutes.
    let offsetMinutes: Int
    var entries: [Entry] = []

    init(browser: Browser, offsetMinutes: Int = 120) {
        self.browser = browser
        self.offsetMinutes = browser == .firefox ? offsetMinutes : 0
    }

    func render(pageURL: String) -> [UInt8] {
        var w = JSONWriter(capacity: entries.reduce(4096) { $0 + ($1.body?.count ?? 0) * 11 / 10 + 2048 })
        switch browser {
        case .chrome: w.beginHARLog(creatorName: "WebInspector", creatorVersion: "537.36")
        case .firefox: w.beginHARLog(creatorName: "Firefox", creatorVersion: "133.0")
        }
        if browser == .firefox {
            w.key("browser")
            w.beginObject()
            w.field("name", "Firefox")
            w.field("version", "133.0")
            w.endObject()
        }
        w.key("pages")
        w.beginArray()
        w.beginObject()
        w.key("startedDateTime")
        w.string(isoTime(entries.first?.started ?? 0))
        w.field("id", "page_1")
        w.field("title", pageURL)
        w.key("pageTimings")
        w.beginObject()
        w.key("onContentLoad")
        w.int(812)
        w.key("onLoad")
        w.int(1934)
        w.endObject()
        w.endObject()
        w.endArray()
        w.key("entries")
        w.beginArray()
        for (index, entry) in entries.enumerated() { write(entry, index: index, to: &w) }
        w.endArray()
        w.endObject()
        w.endObject()
        return w.finish()
    }

    private func write(_ entry: Entry, index: Int, to w: inout JSONWriter) {
        let host = Self.host(of: entry.url)
        w.beginObject()
        if browser == .chrome {
            w.key("_initiator")
            w.beginObject()
            w.field("type", "script")
            w.endObject()
            w.field("_priority", "High")
            w.key("_resourceType")
            w.string(entry.resourceType)
        }
        w.key("cache")
        w.beginObject()
        w.endObject()
        w.field("connection", String(443 + index % 3))
        w.field("pageref", "page_1")
        w.key("request")
        w.beginObject()
        w.field("method", entry.method)
        w.field("url", entry.url)
        w.field("httpVersion", "http/2.0")
        w.key("headers")
        let document = entry.resourceType.description == "document"
        w.harNameValueList([
            (":authority", host),
            (":method", entry.method),
            ("accept", document ? "text/html,application/xhtml+xml" : "*/*"),
            ("accept-language", "en-US,en;q=0.9"),
            ("referer", "https://www.tiktok.com/foryou"),
            ("sec-fetch-mode", document ? "navigate" : "cors"),
            (
                "user-agent",
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
            ),
        ])
        w.key("queryString")
        w.harNameValueList(Self.query(of: entry.url))
        w.key("cookies")
        w.beginArray()
        w.endArray()
        w.key("headersSize")
        w.int(-1)
        w.key("bodySize")
        w.int(0)
        w.endObject()
        w.key("response")
        w.beginObject()
        w.key("status")
        w.int(entry.status)
        w.field("statusText", entry.status == 200 ? "" : "Found")
        w.field("httpVersion", "http/2.0")
        w.key("headers")
        w.harNameValueList([
            ("content-type", entry.mimeType),
            ("server", "nginx"),
            ("x-tt-logid", "2026060210000\(index)"),
            ("cache-control", "no-cache"),
        ])
        w.key("cookies")
        w.beginArray()
        w.endArray()
        w.harContent(
            size: entry.declaredSize ?? entry.body?.count ?? 0, mimeType: entry.mimeType,
            body: entry.body.map { entry.base64 ? .base64($0) : .text($0) },
            comment: browser == .firefox ? "Response bodies are not included." : nil)
        w.field("redirectURL", "")
        w.key("headersSize")
        w.int(-1)
        w.key("bodySize")
        w.int(-1)
        if browser == .chrome {
            w.key("_transferSize")
            w.int((entry.body?.count ?? 0) / 4 + 300)
            w.key("_error")
            w.null()
        }
        w.endObject()
        if browser == .firefox { w.field("_securityState", "secure") }
        w.field("serverIPAddress", "23.\(index % 200).\(index % 7).\(12 + index % 40)")
        w.key("startedDateTime")
        w.string(isoTime(entry.started))
        w.key("time")
        w.int(120 + index % 300)
        w.key("timings")
        w.beginObject()
        w.key("blocked")
        w.int(1)
        w.key("dns")
        w.int(-1)
        w.key("ssl")
        w.int(-1)
        w.key("connect")
        w.int(-1)
        w.key("send")
        w.int(0)
        w.key("wait")
        w.int(100 + index % 250)
        w.key("receive")
        w.int(3 + index % 20)
        w.endObject()
        w.endObject()
    }

    /// `2026-06-02T10:00:05.123Z` (Chrome) or `2026-06-02T12:00:05.123+02:00` (Firefox, local time).
    func isoTime(_ milliseconds: Int64) -> String {
        CivilTime.iso8601(unixMilliseconds: milliseconds, offsetMinutes: offsetMinutes)
    }

    static func host(of url: String) -> String {
        guard let scheme = url.firstRange(of: "://") else { return "" }
        let rest = url[scheme.upperBound...]
        return String(rest.prefix { $0 != "/" && $0 != "?" })
    }

    /// The query parameters of a URL, as DevTools lists them (values not decoded).
    static func query(of url: String) -> [(name: String, value: String)] {
        guard let question = url.firstIndex(of: "?") else { return [] }
        return url[url.index(after: question)...].split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
    }
}
