import Testing
import WhichtokSupport

@Suite("JSON writer")
struct JSONWriterTests {
    static let nasty = "a\"b\\c\nd\re\tf\u{8}g\u{C}h\u{0}i\u{1F}j\u{2028}k\u{2029}l é 😀 \u{7F}/"

    @Test("pretty layout: 2-space indent, \"key\": value, empty containers inline, trailing newline")
    func pretty() {
        var w = JSONWriter()
        w.beginObject()
        w.field("name", "x")
        w.key("list")
        w.beginArray()
        w.int(1)
        w.beginObject()
        w.endObject()
        w.beginArray()
        w.endArray()
        w.null()
        w.endArray()
        w.field("ok", true)
        w.endObject()
        let text = String(decoding: w.finish(), as: UTF8.self)
        #expect(
            text
                == "{\n  \"name\": \"x\",\n  \"list\": [\n    1,\n    {},\n    [],\n    null\n  ],\n  \"ok\": true\n}\n"
        )
    }

    @Test("compact layout: no whitespace at all")
    func compact() {
        var w = JSONWriter(layout: .compact)
        w.beginObject()
        w.key("a")
        w.beginArray()
        w.uint(UInt64.max)
        w.int(-3)
        w.string("s")
        w.raw(Array("{\"n\":1}".utf8))
        w.endArray()
        w.key("dynamic key \"q\"")
        w.rawString { $0.append("raw") }
        w.endObject()
        #expect(w.text == #"{"a":[18446744073709551615,-3,"s",{"n":1}],"dynamic key \"q\"":"raw"}"#)
    }

    @Test("escaping: standard, JavaScript-safe and without \\b/\\f names; other text stays raw UTF-8")
    func escaping() {
        func written(_ escaping: JSONWriter.Escaping) -> String {
            var w = JSONWriter(layout: .compact, escaping: escaping)
            w.string(Self.nasty)
            return w.text
        }
        #expect(
            written(.standard) == "\"a\\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0000i\\u001fj\u{2028}k\u{2029}l é 😀 \u{7F}/\"")
        #expect(
            written(.javaScriptSafe)
                == "\"a\\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0000i\\u001fj\\u2028k\\u2029l é 😀 \u{7F}/\"")
        #expect(
            written([]) == "\"a\\\"b\\\\c\\nd\\re\\tf\\u0008g\\u000ch\\u0000i\\u001fj\u{2028}k\u{2029}l é 😀 \u{7F}/\"")
        var bytes = JSONWriter(layout: .compact)
        bytes.string(utf8: Array("ok \u{1}".utf8) + [0xFF])
        #expect(bytes.text == "\"ok \\u0001\u{FFFD}\"")
    }

    @Test("doubles: shortest round trip, whole numbers without a fraction, null when not finite")
    func doubles() {
        var w = JSONWriter(layout: .compact)
        w.beginArray()
        for value in [2, -0.0, 0.1, 1e-05, 0.95, 123_456.5, 1e15, 1e16, -1e14, .nan, .infinity] { w.double(value) }
        w.endArray()
        #expect(w.text == "[2,0,0.1,1e-05,0.95,123456.5,1000000000000000.0,1e+16,-100000000000000,null,null]")
    }

    @Test("fixed decimals, as HAR times are written")
    func fixed() {
        var w = JSONWriter(layout: .compact)
        w.beginArray()
        for value in [0, 12.3, 0.0004, 0.0015625, -0.0051, 1234.5678] { w.fixed(value, fractionDigits: 3) }
        w.endArray()
        #expect(w.text == "[0.000,12.300,0.000,0.002,-0.005,1234.568]")
    }

    @Test("HAR parts: the log's head, name/value lists and content with text, base64 or a comment")
    func har() {
        var w = JSONWriter(layout: .compact)
        w.beginHARLog(creatorName: "whichtok", creatorVersion: "1.0")
        w.key("entries")
        w.beginArray()
        w.beginObject()
        w.key("headers")
        w.harNameValueList([("a", "1"), ("b", "2")])
        w.harContent(size: 2, compression: 5, mimeType: "text/plain", body: .text(Array("hi".utf8)))
        w.harContent(size: 3, mimeType: "x", body: .base64([0, 1, 2]))
        w.harContent(size: 0, mimeType: "y", body: nil, comment: "none")
        w.endObject()
        w.endArray()
        w.endObject()
        w.endObject()
        #expect(
            w.text
                == #"{"log":{"version":"1.2","creator":{"name":"whichtok","version":"1.0"},"entries":[{"headers":"#
                + #"[{"name":"a","value":"1"},{"name":"b","value":"2"}],"#
                + #""content":{"size":2,"compression":5,"mimeType":"text/plain","text":"hi"},"#
                + #""content":{"size":3,"mimeType":"x","text":"AAEC","encoding":"base64"},"#
                + #""content":{"size":0,"mimeType":"y","comment":"none"}}]}}"#)
    }
}
