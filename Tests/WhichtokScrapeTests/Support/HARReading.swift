import Foundation
import Testing
import WhichtokImport
import WhichtokScrape

/// A HAR entry, read back with the project's JSON parser.
struct ReadEntry {
    var url: String
    var startedDateTime: String
    var status: Int
    var text: String?
    var encoding: String?
    var size: Int
    var mimeType: String
    var error: String?
    var attempt: Int
    var target: String
    var requestHeaders: [String: String]
    var requestCookies: [String: String]
    var queryString: [String: String]
    var method = "GET"
    /// `request.postData`: its `mimeType` and `text`, when the request had a body.
    var postMimeType: String?
    var postText: String?

    /// The body bytes as they were served (base64 undone).
    var bodyBytes: [UInt8] {
        guard let text else { return [] }
        if encoding == "base64" { return Data(base64Encoded: text).map { Array($0) } ?? [] }
        return Array(text.utf8)
    }

    var path: String { URLComponents(string: url)?.path ?? "" }
}

struct ReadHAR {
    var version: String
    var creator: String
    var comment: String
    var entries: [ReadEntry]
}

enum HARFile {
    /// Parses a HAR with `JSONParser`; fails the test if the file is not valid JSON.
    static func read(_ path: String) throws -> ReadHAR {
        let data = try #require(FileManager.default.contents(atPath: path), "cannot read \(path)")
        return try JSONParser().parse(PaddedBytes(Array(data))) { root in
            let log = try #require(root["log"], "no log object")
            var entries: [ReadEntry] = []
            log["entries"]?.forEachElement { entry in
                let request = entry["request"]
                let response = entry["response"]
                let content = response?["content"]
                func pairs(_ value: JSONValue?) -> [String: String] {
                    var out: [String: String] = [:]
                    value?.forEachElement { out[$0["name"]?.string ?? ""] = $0["value"]?.string ?? "" }
                    return out
                }
                var read = ReadEntry(
                    url: request?["url"]?.string ?? "", startedDateTime: entry["startedDateTime"]?.string ?? "",
                    status: Int(response?["status"]?.int64 ?? -1), text: content?["text"]?.string,
                    encoding: content?["encoding"]?.string, size: Int(content?["size"]?.int64 ?? -1),
                    mimeType: content?["mimeType"]?.string ?? "", error: response?["_error"]?.string,
                    attempt: Int(entry["_whichtok_attempt"]?.int64 ?? 0),
                    target: entry["_whichtok_target"]?.string ?? "",
                    requestHeaders: pairs(request?["headers"]), requestCookies: pairs(request?["cookies"]),
                    queryString: pairs(request?["queryString"]))
                read.method = request?["method"]?.string ?? ""
                read.postMimeType = request?["postData"]?["mimeType"]?.string
                read.postText = request?["postData"]?["text"]?.string
                entries.append(read)
            }
            return ReadHAR(
                version: log["version"]?.string ?? "", creator: log["creator"]?["name"]?.string ?? "",
                comment: log["comment"]?.string ?? "", entries: entries)
        }
    }
}
