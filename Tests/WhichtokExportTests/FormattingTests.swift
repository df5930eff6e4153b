import Foundation
import Testing
import WhichtokGraph
import WhichtokTestSupport

@testable import WhichtokExport

@Suite("XML hygiene, CSV quoting and value formatting")
struct FormattingTests {
    func sanitized(_ text: String) -> (String, Int) {
        var buffer = ValueBuffer()
        buffer.append(text: text)
        return (String(decoding: buffer.bytes, as: UTF8.self), buffer.removedCharacters)
    }

    @Test(
        "characters XML 1.0 forbids are removed and counted; everything else is kept as UTF-8",
        arguments: [
            ("plain", "plain", 0),
            ("a\u{00}b", "ab", 1),
            ("bell\u{07}esc\u{1B}", "bellesc", 2),
            ("keep\ttab\nline\rreturn", "keep\ttab\nline\rreturn", 0),
            ("non\u{FFFE}char\u{FFFF}s", "nonchars", 2),
            ("emoji 🌴🎉 and 中文", "emoji 🌴🎉 and 中文", 0),
            ("fullwidth ＡＢ \u{FFFD}", "fullwidth ＡＢ \u{FFFD}", 0),
            ("c1 \u{85} delete \u{7F}", "c1 \u{85} delete \u{7F}", 0),
        ])
    func hygiene(input: String, expected: String, removed: Int) {
        let (text, count) = sanitized(input)
        #expect(text == expected)
        #expect(count == removed)
        #expect(Fixture.expectedLabel(input) == expected)
    }

    @Test("libxml2 escapes markup, keeps newlines in attributes as &#10; and writes emoji as UTF-8")
    func escaping() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("escape.gexf")
        try Exporter.writeGEXF(Fixture.document(Fixture.awkwardGraph(), layout: false), to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"))
        #expect(!text.contains("version=\"1.1\""))
        #expect(text.contains("label=\"palm 🌴 party 🎉\""))
        #expect(text.contains("label=\"say &quot;hi&quot; &amp; 'bye'\""))
        #expect(text.contains("label=\"&lt;b&gt;&amp;amp;&lt;/b&gt; &lt;&amp;&gt;\""))
        #expect(text.contains("label=\"line one&#10;line two&#13;&#10;three&#9;columns\""))
        #expect(text.contains("label=\"bellescnulend\""))
        #expect(!text.contains("&#x"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(!bytes.contains(0))
        #expect(bytes.prefix(3) != Data([0xEF, 0xBB, 0xBF]))
    }

    @Test(
        "CSV fields are quoted exactly when RFC 4180 requires it",
        arguments: [
            ("plain", "plain"),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("two\nlines", "\"two\nlines\""),
            ("cr\rlf", "\"cr\rlf\""),
            ("tab\there", "tab\there"),
            ("🌴", "🌴"),
            ("ctl\u{01}", "ctl"),
            ("", ""),
        ])
    func csvQuoting(input: String, expected: String) {
        #expect(CSVWriter.field(input) == expected)
    }

    @Test("numbers: shortest round-trip decimals, XML Schema spellings for non-finite values")
    func numbers() {
        func text(_ body: (inout ValueBuffer) -> Void) -> String {
            var buffer = ValueBuffer()
            body(&buffer)
            return String(decoding: buffer.bytes, as: UTF8.self)
        }
        #expect(text { $0.append(integer: 0) } == "0")
        #expect(text { $0.append(integer: -1_234_567) } == "-1234567")
        #expect(text { $0.append(integer: Int64.min) } == "-9223372036854775808")
        #expect(text { $0.append(double: 0.25) } == "0.25")
        #expect(text { $0.append(double: 1e-5) } == "1e-05")
        #expect(text { $0.append(double: 3) } == "3.0")
        #expect(text { $0.append(double: .nan) } == "NaN")
        #expect(text { $0.append(double: -.infinity) } == "-INF")
        #expect(text { $0.append(float: 0.8123) } == "0.8123")
        #expect(Double(text { $0.append(double: 0.1 + 0.2) }) == 0.1 + 0.2)
    }

    @Test(
        "UTC dates and date-times",
        arguments: [
            (UInt32(0), "1970-01-01", "1970-01-01T00:00:00Z"),
            (UInt32(951_782_400), "2000-02-29", "2000-02-29T00:00:00Z"),
            (UInt32(1_700_000_000), "2023-11-14", "2023-11-14T22:13:20Z"),
            (UInt32(4_102_444_799), "2099-12-31", "2099-12-31T23:59:59Z"),
        ])
    func dates(seconds: UInt32, date: String, dateTime: String) {
        var buffer = ValueBuffer()
        buffer.append(utcDate: seconds)
        #expect(String(decoding: buffer.bytes, as: UTF8.self) == date)
        buffer.reset()
        buffer.append(utcDateTime: seconds)
        #expect(String(decoding: buffer.bytes, as: UTF8.self) == dateTime)
    }
}
