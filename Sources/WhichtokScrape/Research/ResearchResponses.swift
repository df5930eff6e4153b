import Foundation
import WhichtokImport
import WhichtokSupport

/// The envelope of every Research API answer, `{"data": {…}, "error": {"code", "message"}}`, and the
/// paging members of `data` — the few things the client needs; the importer reads the records.
struct ResearchPage: Equatable {
    /// `error.code`: `ok`, or `rate_limit_exceeded`, `invalid_params`, `access_token_invalid`, …
    var code: String
    var message: String
    /// Records in the page's list (1 for user info).
    var records: Int
    var cursor: Int64?
    var searchID: String?
    var hasMore: Bool

    var isOK: Bool { code == "ok" || code.isEmpty }

    /// Reads an answer of `endpoint`; throws when the body is not JSON.
    static func read(_ body: [UInt8], endpoint: ResearchEndpoint, parser: JSONParser) throws -> ResearchPage {
        try parser.parse(PaddedBytes(body)) { root in
            let error = root["error"]
            var page = ResearchPage(
                code: error?["code"]?.string ?? "", message: error?["message"]?.string ?? "", records: 0,
                cursor: nil, searchID: nil, hasMore: false)
            guard let data = root["data"], data.type == .object else { return page }
            if endpoint == .userInfo {
                page.records = data.isEmpty ? 0 : 1
                return page
            }
            for key in endpoint.listKeys {
                if let list = data[key], list.type == .array {
                    page.records = list.count
                    break
                }
            }
            if let cursor = data["cursor"] {
                if let number = cursor.int64 {
                    page.cursor = number
                } else if let text = cursor.string, let number = Int64(text) {
                    page.cursor = number
                }
            }
            if let id = data["search_id"] {
                page.searchID = id.string ?? id.int64.map { String($0) } ?? id.uint64.map { String($0) }
            }
            if let more = data["has_more"] {
                page.hasMore = more.bool ?? (more.int64.map { $0 != 0 } ?? false)
            }
            return page
        }
    }
}

/// How far each list got in earlier runs, read from their HAR files (`--resume`).
///
/// A list is known by its endpoint and the members of its request body that say what is asked
/// (`ResearchBody.identity`); for each, the last successful page gives the cursor, `search_id` and
/// `has_more` to continue from, and the pages together the records already collected.
package struct ResearchProgress: Sendable {
    struct List: Sendable, Equatable {
        var records = 0
        var cursor: Int64?
        var searchID: String?
        var hasMore = false
    }

    var lists: [String: List] = [:]
    /// Successful Research API answers read.
    package private(set) var answers = 0

    package init() {}

    /// Whether nothing was read.
    package var isEmpty: Bool { lists.isEmpty }

    /// Reads HAR files that `whichtok scrape research` wrote, in order (a later file continues an
    /// earlier one).
    /// - Throws: `ScrapeError` (`.input`) naming the file when it cannot be read or is not a HAR.
    package static func read(_ paths: [String]) throws(ScrapeError) -> ResearchProgress {
        var progress = ResearchProgress()
        let parser = JSONParser()
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ScrapeError(.input, "cannot read \(path) (--resume)")
            }
            var pages: [(ResearchEndpoint, String, [UInt8])] = []
            do {
                try parser.parse(PaddedBytes(data)) { root in
                    guard let entries = root["log"]?["entries"], entries.type == .array else {
                        throw ScrapeError(.input, "\(path): not a HAR file (no log.entries) (--resume)")
                    }
                    entries.forEachElement { entry in
                        guard let request = entry["request"], request["method"]?.string == "POST",
                            let url = request["url"]?.string,
                            let endpoint = ResearchEndpoint(path: RequestURL.path(of: url)),
                            let posted = request["postData"]?["text"]?.string,
                            let response = entry["response"], response["status"]?.int64 == 200,
                            let text = response["content"]?["text"]?.string,
                            response["content"]?["encoding"] == nil
                        else { return }
                        pages.append((endpoint, ResearchBody.identity(endpoint, body: posted.utf8), Array(text.utf8)))
                    }
                }
            } catch let error as ScrapeError {
                throw error
            } catch {
                throw ScrapeError(.input, "\(path): not valid JSON (\(error)) (--resume)")
            }
            for (endpoint, identity, body) in pages {
                guard let page = try? ResearchPage.read(body, endpoint: endpoint, parser: parser), page.isOK else {
                    continue
                }
                var list = progress.lists[identity] ?? List()
                list.records += page.records
                list.cursor = page.cursor
                list.searchID = page.searchID ?? list.searchID
                list.hasMore = page.hasMore
                progress.lists[identity] = list
                progress.answers += 1
            }
        }
        return progress
    }

    func list(_ identity: String) -> List? { lists[identity] }
}

/// Keeps the Research API's secrets out of the HAR: the client key and secret, and every access
/// token, wherever they would appear (headers, URL, request and response bodies).
struct ResearchRedaction {
    static let mark = "[redacted]"
    private(set) var secrets: [String] = []

    init(credentials: ResearchCredentials) {
        add(credentials.clientKey)
        add(credentials.clientSecret)
    }

    /// Secrets shorter than this are replaced only where they are known to be (headers, the
    /// token bodies): replacing a few characters everywhere would garble the records.
    private static let shortest = 6

    mutating func add(_ secret: String) {
        guard !secret.isEmpty, !secrets.contains(secret) else { return }
        secrets.append(secret)
        // The longest first, so that a secret containing another is replaced whole.
        secrets.sort { $0.utf8.count > $1.utf8.count }
    }

    /// The exchange with `Authorization` shown as `Bearer [redacted]` and every secret replaced.
    func scrub(_ exchange: HTTPExchange) -> HTTPExchange {
        var copy = exchange
        copy.requestHeaders = exchange.requestHeaders.map { field in
            if field.name.lowercased() == "authorization" { return HTTPField(field.name, "Bearer " + Self.mark) }
            return HTTPField(field.name, replaced(field.value))
        }
        copy.url = replaced(exchange.url)
        copy.requestBody = exchange.requestBody.map(replaced)
        copy.body = replaced(exchange.body)
        copy.error = exchange.error.map(replaced)
        return copy
    }

    func replaced(_ text: String) -> String {
        String(decoding: replaced(Array(text.utf8)), as: UTF8.self)
    }

    func replaced(_ bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        for secret in secrets where secret.utf8.count >= Self.shortest {
            out = Self.replace(Array(secret.utf8), with: Array(Self.mark.utf8), in: out)
        }
        return out
    }

    static func replace(_ needle: [UInt8], with replacement: [UInt8], in haystack: [UInt8]) -> [UInt8] {
        guard !needle.isEmpty, haystack.count >= needle.count else { return haystack }
        var out: [UInt8] = []
        out.reserveCapacity(haystack.count)
        var index = 0
        let first = needle[0]
        while index < haystack.count {
            if haystack[index] == first, index + needle.count <= haystack.count,
                haystack[index..<(index + needle.count)].elementsEqual(needle)
            {
                out += replacement
                index += needle.count
            } else {
                out.append(haystack[index])
                index += 1
            }
        }
        return out
    }

    /// The token request's form body as recorded: `client_key` and `client_secret` redacted.
    static func tokenRequestBody() -> [UInt8] {
        Array("client_key=\(mark)&client_secret=\(mark)&grant_type=client_credentials".utf8)
    }

    /// The token answer as recorded: the same JSON with `access_token` and `refresh_token`
    /// replaced by `[redacted]`; a body that is not JSON is not recorded at all.
    static func tokenResponseBody(_ body: [UInt8], parser: JSONParser) -> [UInt8] {
        guard !body.isEmpty else { return [] }
        let copied = try? parser.parse(PaddedBytes(body)) { root -> [UInt8] in
            var json = JSONWriter(capacity: body.count + 64, layout: .compact, escaping: .standard)
            copy(root, into: &json, redacting: ["access_token", "refresh_token"])
            return json.bytes
        }
        return copied ?? Array("(not JSON: not recorded)".utf8)
    }

    private static func copy(_ value: JSONValue, into json: inout JSONWriter, redacting: Set<String>) {
        switch value.type {
        case .object:
            json.beginObject()
            value.forEachMember { key, member in
                let name = key.string
                json.key(name)
                if redacting.contains(name) {
                    json.string(mark)
                } else {
                    copy(member, into: &json, redacting: redacting)
                }
            }
            json.endObject()
        case .array:
            json.beginArray()
            value.forEachElement { copy($0, into: &json, redacting: redacting) }
            json.endArray()
        case .string: json.string(value.string ?? "")
        case .int64: json.int(Int(value.int64 ?? 0))
        case .uint64: json.uint(value.uint64 ?? 0)
        case .double: json.double(value.double ?? 0)
        case .bool: json.bool(value.bool ?? false)
        case .null: json.null()
        }
    }
}
