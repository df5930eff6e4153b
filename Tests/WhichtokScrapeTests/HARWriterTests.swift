import Foundation
import Testing
import WhichtokImport
import WhichtokSupport
import WhichtokTestSupport

@testable import WhichtokScrape

@Suite("HAR writer")
struct HARWriterTests {
    static func exchange(_ n: Int, body: [UInt8], error: String? = nil) -> HTTPExchange {
        HTTPExchange(
            startedSeconds: 1_735_725_605, startedNanoseconds: 123_456_789,
            url: "https://mock.example/api/x/?a=1&b=%E2%9C%93&c=x%20y&n=\(n)",
            requestHeaders: [HTTPField("User-Agent", "UA \"quoted\" \\ tab\t"), HTTPField("Cookie", "a=1; b=2")],
            requestCookies: [HTTPField("a", "1"), HTTPField("b", "2")], status: error == nil ? 200 : 0,
            responseHeaders: [
                HTTPField("Content-Type", "application/json; charset=utf-8"),
                HTTPField(
                    "Set-Cookie", "msToken=abc; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT, ttwid=1%7Cx; Path=/"),
            ],
            body: body, waitMilliseconds: 12.3456, receiveMilliseconds: 1.5, error: error, resourceType: "fetch",
            target: "user:someone", attempt: 1)
    }

    @Test("valid JSON after every entry; text, control characters and binary bodies round-trip")
    func validAfterEveryEntry() throws {
        let scratch = try TemporaryFolder()
        let path = scratch.file("t.har")
        let writer = try HARWriter(path: path, overwrite: false, creatorVersion: "9", comment: "line\nbreak \u{1}")
        #expect(try HARFile.read(path).entries.isEmpty)
        let bodies: [[UInt8]] = [
            Array(#"{"desc":"caf\u00e9 \"q\" é 🐝 \u2028 </script>"}"#.utf8),
            [0x00, 0xFF, 0xC3, 0x28, 0x89, 0x50, 0x4E, 0x47],
            Array("line1\r\n\tline2 \u{2028}\u{2029} \u{7}".utf8),
            [],
            Array(repeating: 0x61, count: 100_000),
        ]
        for (n, body) in bodies.enumerated() {
            try writer.append(Self.exchange(n, body: body, error: body.isEmpty ? "timed out" : nil))
            let har = try HARFile.read(path)
            #expect(har.entries.count == n + 1)
            let entry = try #require(har.entries.last)
            #expect(entry.bodyBytes == body)
            #expect(entry.size == body.count)
            #expect(entry.encoding == (n == 1 ? "base64" : nil))
        }
        writer.close()
        let har = try HARFile.read(path)
        #expect(har.comment == "line\nbreak \u{1}")
        let first = try #require(har.entries.first)
        #expect(first.startedDateTime == "2025-01-01T10:00:05.123Z")
        #expect(first.requestHeaders["User-Agent"] == "UA \"quoted\" \\ tab\t")
        #expect(first.queryString == ["a": "1", "b": "\u{2713}", "c": "x y", "n": "0"])
        #expect(first.mimeType == "application/json; charset=utf-8")
        #expect(har.entries[3].error == "timed out" && har.entries[3].status == 0 && har.entries[3].text == nil)
        // The file ends with the closing bytes exactly once: no stale tail from earlier entries.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("\n]}}\n"))
        #expect(text.components(separatedBy: "]}}").count == 2)
    }

    @Test("response cookies are split from merged Set-Cookie headers")
    func responseCookies() throws {
        let bytes = HARWriter.entry(Self.exchange(0, body: Array("{}".utf8)))
        let names = try JSONParser().parse(PaddedBytes(bytes)) { root -> [String] in
            var names: [String] = []
            root["response"]?["cookies"]?.forEachElement {
                names.append(($0["name"]?.string ?? "") + "=" + ($0["value"]?.string ?? ""))
            }
            return names
        }
        #expect(names == ["msToken=abc", "ttwid=1%7Cx"])
    }

    @Test("JSON strings escape quotes, backslashes, control characters and U+2028/U+2029")
    func escaping() {
        var json = HARWriter.writer(capacity: 64)
        json.string("a\"b\\c\n\r\t\u{8}\u{C}\u{0}\u{1F}\u{2028}\u{2029}é🐝/")
        #expect(json.text == #""a\"b\\c\n\r\t\b\f\u0000\u001f\u2028\u2029é🐝/""#)
    }
}
