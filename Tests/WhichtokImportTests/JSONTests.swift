import Testing

@testable import WhichtokImport

// MARK: - Helpers

private struct BodyError: Error, Equatable {}

/// The error a fresh parser reports for `bytes`, or nil if they parse.
private func parseError(_ bytes: [UInt8]) -> JSONError? {
    do {
        try JSONParser().parse(PaddedBytes(bytes)) { _ in () }
        return nil
    } catch let error as JSONError {
        return error
    } catch {
        return JSONError(offset: -1, message: "unexpected error type \(error)")
    }
}

private func parseError(_ text: String) -> JSONError? { parseError(Array(text.utf8)) }

/// `[0,1,2,...,n-1]` as bytes.
private func intArray(_ n: Int) -> [UInt8] {
    var out: [UInt8] = [UInt8(ascii: "[")]
    out.reserveCapacity(n * 8 + 2)
    for i in 0..<n {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        out.append(contentsOf: String(i).utf8)
    }
    out.append(UInt8(ascii: "]"))
    return out
}

private func keys(_ value: JSONValue) -> [String] {
    var out: [String] = []
    value.forEachMember { key, _ in out.append(key.string) }
    return out
}

private func bytes(_ value: JSONValue) -> [UInt8]? {
    value.withStringBytes { Array($0) }
}

// MARK: - Values

@Suite("JSON values")
struct JSONValueTests {
    @Test func everyScalarType() throws {
        let doc =
            #"{"i": -5, "big": 9223372036854775807, "u": 18446744073709551615, "d": 1.5, "e": -2.5e-3,"#
            + #" "t": true, "f": false, "n": null, "s": "x", "min": -9223372036854775808, "z": -0}"#
        try JSONParser().parse(doc) { root in
            #expect(root.type == .object)
            let i = try #require(root["i"])
            #expect(i.type == .int64)
            #expect(i.int64 == -5)
            #expect(i.uint64 == nil)
            #expect(i.double == -5)
            #expect(i.bool == nil && i.string == nil && !i.isNull)

            let big = try #require(root["big"])
            #expect(big.type == .int64)
            #expect(big.int64 == Int64.max)
            #expect(big.uint64 == UInt64(Int64.max))

            let u = try #require(root["u"])
            #expect(u.type == .uint64)
            #expect(u.uint64 == UInt64.max)
            #expect(u.int64 == nil)
            #expect(u.double == 18446744073709551615.0)

            let d = try #require(root["d"])
            #expect(d.type == .double)
            #expect(d.double == 1.5)
            #expect(d.int64 == nil && d.uint64 == nil)
            #expect(root["e"]?.double == -2.5e-3)

            #expect(root["t"]?.type == .bool)
            #expect(root["t"]?.bool == true)
            #expect(root["f"]?.bool == false)
            #expect(root["n"]?.type == .null)
            #expect(root["n"]?.isNull == true)
            #expect(root["n"]?.bool == nil)
            #expect(root["s"]?.type == .string)
            #expect(root["s"]?.string == "x")
            #expect(root["s"]?.int64 == nil)
            #expect(root["min"]?.int64 == Int64.min)
            #expect(root["z"]?.int64 == 0)
            #expect(root["missing"] == nil)
            // Non-containers have no count and no members.
            #expect(i.count == 0)
            #expect(i["x"] == nil)
        }
    }

    @Test(arguments: [
        ("42", JSONType.int64), ("\"s\"", .string), ("null", .null), ("true", .bool),
        ("-1.25", .double), ("[]", .array), ("{}", .object), ("18446744073709551615", .uint64),
    ])
    func rootScalars(text: String, type: JSONType) throws {
        let found = try JSONParser().parse(text) { $0.type }
        #expect(found == type)
    }

    @Test func extremeDoubles() throws {
        try JSONParser().parse("[1e-400, 1.7976931348623157e308, -0.0, 123456789012345678901234567890.5]") { root in
            var values: [Double] = []
            root.forEachElement { values.append($0.double ?? .nan) }
            #expect(values == [0, 1.7976931348623157e308, -0.0, 123456789012345678901234567890.5])
            #expect(values[2].sign == .minus)
        }
    }

    @Test func idsAboveTwoToThe53AreExact() throws {
        let doc = #"""
            [7454292647186056224, 18446744073709551615, "7301234567890123456", "18446744073709551615",
             9007199254740993, "9007199254740993", 0, "0", "00000000000000000001"]
            """#
        let ids = try JSONParser().parse(doc) { root in
            var out: [UInt64?] = []
            root.forEachElement { out.append($0.idValue) }
            return out
        }
        #expect(
            ids == [
                7_454_292_647_186_056_224, 18_446_744_073_709_551_615, 7_301_234_567_890_123_456,
                18_446_744_073_709_551_615, 9_007_199_254_740_993, 9_007_199_254_740_993, 0, 0, 1,
            ])
    }

    @Test func idValueRejectsNegativeOverflowAndNonIds() throws {
        let doc = #"""
            [-1, "-1", "18446744073709551616", "99999999999999999999", "000000000000000000001", "",
             "12a", " 1", "+1", "1.0", 1.0, 7.454292647186056e18, true, null, [1], {"a": 1}, "١٢"]
            """#
        let ids = try JSONParser().parse(doc) { root in
            var out: [UInt64?] = []
            root.forEachElement { out.append($0.idValue) }
            return out
        }
        #expect(ids.count == 17)
        #expect(ids.allSatisfy { $0 == nil })
    }

    @Test func nestedIterationOrderAndCounts() throws {
        let doc = #"{"z": [1, [2, 3], {"b": 4, "a": [5]}], "c": {}, "d": [], "a": "last", "z2": {"y": 1, "x": 2}}"#
        try JSONParser().parse(doc) { root in
            #expect(root.count == 5)
            #expect(keys(root) == ["z", "c", "d", "a", "z2"])
            let z = try #require(root["z"])
            #expect(z.type == .array)
            #expect(z.count == 3)
            var kinds: [JSONType] = []
            z.forEachElement { kinds.append($0.type) }
            #expect(kinds == [.int64, .array, .object])

            var flat: [Int64] = []
            z.forEachElement { element in
                if let n = element.int64 { flat.append(n) }
                element.forEachElement { if let n = $0.int64 { flat.append(n) } }
                element.forEachMember { _, v in
                    if let n = v.int64 { flat.append(n) }
                    v.forEachElement { if let n = $0.int64 { flat.append(n) } }
                }
            }
            #expect(flat == [1, 2, 3, 4, 5])

            #expect(root["c"]?.count == 0)
            #expect(root["d"]?.count == 0)
            #expect(keys(try #require(root["z2"])) == ["y", "x"])
            #expect(root["a"]?.string == "last")

            // forEachElement on an object and forEachMember on an array do nothing.
            var calls = 0
            root.forEachElement { _ in calls += 1 }
            z.forEachMember { _, _ in calls += 1 }
            #expect(calls == 0)
        }
    }

    @Test func hundredThousandElementArray() throws {
        let n = 100_000
        try JSONParser().parse(PaddedBytes(intArray(n))) { root in
            #expect(root.count == n)
            var expected: Int64 = 0
            var inOrder = true
            root.forEachElement { element in
                if element.int64 != expected { inOrder = false }
                expected += 1
            }
            #expect(inOrder)
            #expect(expected == Int64(n))
        }
    }

    @Test func countPastSimdjsonSaturation() throws {
        // simdjson saves at most 0xFFFFFF as a container's count; past it, `count` walks.
        let n = 0xFF_FFFF + 2
        var text = [UInt8](repeating: UInt8(ascii: ","), count: 2 * n + 1)
        text[0] = UInt8(ascii: "[")
        text[2 * n] = UInt8(ascii: "]")
        for k in 0..<n { text[2 * k + 1] = UInt8(ascii: "0") }
        try JSONParser().parse(PaddedBytes(text)) { root in
            #expect(root.count == n)
        }
    }

    @Test func largeObjectCountAndLookup() throws {
        var text = "{"
        for i in 0..<20_000 { text += (i > 0 ? "," : "") + "\"k\(i)\":\(i)" }
        text += "}"
        try JSONParser().parse(text) { root in
            #expect(root.count == 20_000)
            #expect(root["k19999"]?.int64 == 19_999)
            #expect(root.member("K12345")?.int64 == 12_345)
        }
    }

    @Test func emptyEncodings() throws {
        let doc = #"[null, [], {}, "", " ", 0, false, [null], {"a": null}, [[]], "0"]"#
        let flags = try JSONParser().parse(doc) { root in
            var out: [Bool] = []
            root.forEachElement { out.append($0.isEmpty) }
            return out
        }
        #expect(flags == [true, true, true, true, false, false, false, false, false, false, false])
    }

    @Test func stringsAreDecoded() throws {
        let doc = #"["a\nb\t\"q\"\\\/", "caf\u00e9", "caf\#u{E9}", "\ud83d\ude00", "😀 ok", "\u0000x", "\u20AC", "日本"]"#
        try JSONParser().parse(doc) { root in
            var strings: [String] = []
            root.forEachElement { strings.append($0.string ?? "<nil>") }
            #expect(strings == ["a\nb\t\"q\"\\/", "café", "café", "😀", "😀 ok", "\u{0}x", "€", "日本"])
            var raw: [[UInt8]] = []
            root.forEachElement { raw.append(bytes($0) ?? []) }
            #expect(raw[1] == [0x63, 0x61, 0x66, 0xC3, 0xA9])
            #expect(raw[3] == [0xF0, 0x9F, 0x98, 0x80])
            #expect(raw[5] == [0x00, 0x78])
            #expect(raw[6] == [0xE2, 0x82, 0xAC])
        }
        try JSONParser().parse("[1]") { root in
            #expect(root.withStringBytes { $0.count } == nil)
        }
    }

    @Test func bomIsSkipped() throws {
        var text: [UInt8] = [0xEF, 0xBB, 0xBF]
        text.append(contentsOf: #"{"a": "b"}"#.utf8)
        let value = try JSONParser().parse(PaddedBytes(text)) { $0["a"]?.string }
        #expect(value == "b")
        // Error offsets stay relative to the file start.
        let error = parseError([0xEF, 0xBB, 0xBF] + Array("[1,]".utf8))
        #expect(error?.offset == 6)
        #expect(error?.message == "expected a value")
        #expect(parseError([0xEF, 0xBB, 0xBF])?.message == "empty input")
        // A BOM only counts at the start.
        let late = parseError(Array(" ".utf8) + [0xEF, 0xBB, 0xBF] + Array("1".utf8))
        #expect(late?.offset == 1)
    }
}

// MARK: - Keys

@Suite("JSON keys and lookup")
struct JSONKeyTests {
    let doc =
        #"{"like list": 1, "Like List": 2, "Favorite Videos": 3, "Chat History with bob": 4, "ÉTÉ": 5, "k\u00e9y": 6}"#

    @Test func exactSubscript() throws {
        try JSONParser().parse(doc) { root in
            #expect(root["Like List"]?.int64 == 2)
            #expect(root["like list"]?.int64 == 1)
            #expect(root["LIKE LIST"] == nil)
            #expect(root["kéy"]?.int64 == 6)
            #expect(root[""] == nil)
        }
    }

    @Test func caseInsensitiveMemberWithAliases() throws {
        try JSONParser().parse(doc) { root in
            // First occurrence for a single alias.
            #expect(root.member("Like List")?.int64 == 1)
            #expect(root.member("LIKE LIST")?.int64 == 1)
            // The first alias present wins, wherever it appears in the document.
            #expect(root.member("favorite videos", "like list")?.int64 == 3)
            #expect(root.member("like list", "favorite videos")?.int64 == 1)
            #expect(root.member("nope", "FAVORITE videos", "like list")?.int64 == 3)
            #expect(root.member(["missing", "Like list"])?.int64 == 1)
            #expect(root.member("missing", "also missing") == nil)
            #expect(root.member() == nil)
            // Case folding is ASCII only.
            #expect(root.member("été") == nil)
            #expect(root.member("ÉTÉ")?.int64 == 5)
            #expect(root.member("KÉY") == nil)
            #expect(root.member("Kéy")?.int64 == 6)
            #expect(root["like list"]?.member("x") == nil)
        }
        try JSONParser().parse("[1]") { root in
            #expect(root.member("a") == nil)
            #expect(root["a"] == nil)
        }
    }

    @Test func keyComparisons() throws {
        try JSONParser().parse(doc) { root in
            var seen: [String] = []
            var chat: [String] = []
            root.forEachMember { key, value in
                seen.append(key.string)
                if key.hasPrefixIgnoringCase("chat history with ") {
                    chat.append(key.string)
                    #expect(value.int64 == 4)
                }
                if key.string == "Like List" {
                    #expect(key.equalsIgnoringCase("like list"))
                    #expect(key.equalsIgnoringCase("LIKE LIST"))
                    #expect(!key.equalsIgnoringCase("like lis"))
                    #expect(!key.equalsIgnoringCase("like list "))
                    #expect(key.hasPrefixIgnoringCase(""))
                    #expect(key.hasPrefixIgnoringCase("LIKE"))
                    #expect(!key.hasPrefixIgnoringCase("Like List and more"))
                    #expect(key.withBytes { Array($0) } == Array("Like List".utf8))
                }
            }
            #expect(seen == ["like list", "Like List", "Favorite Videos", "Chat History with bob", "ÉTÉ", "kéy"])
            #expect(chat == ["Chat History with bob"])
        }
    }
}

// MARK: - Errors

struct InvalidCase: Sendable, CustomStringConvertible {
    let name: String
    let bytes: [UInt8]
    let offset: Int
    let message: String
    init(_ name: String, _ text: String, _ offset: Int, _ message: String) {
        self.init(name, Array(text.utf8), offset, message)
    }
    init(_ name: String, _ bytes: [UInt8], _ offset: Int, _ message: String) {
        self.name = name
        self.bytes = bytes
        self.offset = offset
        self.message = message
    }
    var description: String { name }
}

private let invalidCases: [InvalidCase] = [
    InvalidCase("missing comma in object", #"{"a": 1 "b": 2}"#, 8, "expected ',' or '}'"),
    InvalidCase("missing comma in array", "[1 2]", 3, "expected ',' or ']'"),
    InvalidCase("wrong closer", #"{"a": [1, 2}"#, 11, "expected ',' or ']'"),
    InvalidCase("trailing comma in array", "[1, 2,]", 6, "expected a value"),
    InvalidCase("trailing comma in object", #"{"a": 1,}"#, 8, "expected a string key"),
    InvalidCase("unquoted key", "{a: 1}", 1, "expected a string key"),
    InvalidCase("missing colon", #"{"a" 1}"#, 5, "expected ':'"),
    InvalidCase("missing value", #"{"a": }"#, 6, "expected a value"),
    InvalidCase("truncated document", #"{"a": [1, 2"#, 11, "unexpected end of input"),
    InvalidCase("truncated after key", #"{"a""#, 4, "unexpected end of input"),
    InvalidCase("truncated literal", "[tr", 3, "unexpected end of input"),
    InvalidCase("bad literal", "[trUe]", 1, "expected a value"),
    InvalidCase("unterminated string", #"{"a": "abc"#, 6, "unterminated string"),
    InvalidCase("unterminated after escape", #"["ab\"#, 1, "unterminated string"),
    InvalidCase("invalid UTF-8 0xFF in string", [0x5B, 0x22, 0x61, 0xFF, 0x62, 0x22, 0x5D], 3, "invalid UTF-8"),
    InvalidCase("overlong UTF-8", [0x5B, 0x22, 0xC0, 0x80, 0x22, 0x5D], 2, "invalid UTF-8"),
    InvalidCase("UTF-8 surrogate", [0x22, 0x61, 0x62, 0xED, 0xA0, 0x80, 0x22], 3, "invalid UTF-8"),
    InvalidCase("truncated UTF-8", [0x22, 0xE2, 0x82, 0x22], 1, "invalid UTF-8"),
    InvalidCase("control char in string", "[\"a\u{01}b\"]", 3, "control character in string"),
    InvalidCase("raw newline in string", "{\"a\": \"x\ny\"}", 8, "control character in string"),
    InvalidCase("bad escape", #"["ab\x"]"#, 4, "invalid escape"),
    InvalidCase("short unicode escape", #"["\u12G4"]"#, 2, "invalid escape"),
    InvalidCase("lone high surrogate", #"["ok\ud800"]"#, 4, "invalid escape"),
    InvalidCase("lone low surrogate", #"["\udc00"]"#, 2, "invalid escape"),
    InvalidCase("high surrogate + non-low", #"["\ud800\u0041"]"#, 2, "invalid escape"),
    InvalidCase("empty input", "", 0, "empty input"),
    InvalidCase("whitespace only", " \n\t ", 0, "empty input"),
    InvalidCase("garbage after document", #"{"a": 1} x"#, 9, "trailing characters after the document"),
    InvalidCase("second document", "{}{}", 2, "trailing characters after the document"),
    InvalidCase("extra closer", "[1]]", 3, "trailing characters after the document"),
    InvalidCase("0xFF after document", [0x5B, 0x31, 0x5D, 0xFF], 3, "trailing characters after the document"),
    InvalidCase("NUL inside", [0x5B, 0x31, 0x2C, 0x00, 0x32, 0x5D], 3, "expected a value"),
    InvalidCase("leading zero", "[01]", 1, "invalid number"),
    InvalidCase("bare minus", "[-]", 1, "invalid number"),
    InvalidCase("no fraction digits", "[1.]", 1, "invalid number"),
    InvalidCase("no exponent digits", "{\"n\": -2e+}", 6, "invalid number"),
    InvalidCase("plus sign", "[+1]", 1, "expected a value"),
    InvalidCase("integer too big", "[100000000000000000000]", 1, "number out of range"),
    InvalidCase("negative integer too small", "[-9223372036854775809]", 1, "number out of range"),
    InvalidCase("double overflow", "[1, 1e400]", 4, "number out of range"),
    InvalidCase(
        "1025 nested arrays", String(repeating: "[", count: 1025) + String(repeating: "]", count: 1025),
        1024, "nesting deeper than 1024 levels"),
    InvalidCase(
        "scalar inside 1024 arrays", String(repeating: "[", count: 1024) + "1" + String(repeating: "]", count: 1024),
        1024, "nesting deeper than 1024 levels"),
    InvalidCase(
        "value inside 1024 objects",
        String(repeating: #"{"a":"#, count: 1024) + "1" + String(repeating: "}", count: 1024),
        5 * 1024, "nesting deeper than 1024 levels"),
]

@Suite("JSON errors")
struct JSONErrorTests {
    @Test(arguments: invalidCases)
    func invalidDocument(_ c: InvalidCase) throws {
        let error = try #require(parseError(c.bytes))
        #expect(error.offset == c.offset)
        #expect(error.message == c.message)
        #expect(error.description == "offset \(c.offset): \(c.message)")
    }

    @Test func tenMillionDeepDoesNotOverflowTheStack() throws {
        let deep = [UInt8](repeating: UInt8(ascii: "["), count: 10_000_000)
        let error = try #require(parseError(deep))
        #expect(error.offset == 1024)
        #expect(error.message == "nesting deeper than 1024 levels")
        // The scanner alone, with no depth limit in reach: it must report the truncation, iteratively.
        let scanned = deep.withUnsafeBytes {
            JSONErrorScanner.firstError($0, from: 0, maxDepth: Int.max)
        }
        #expect(scanned?.offset == 10_000_000)
        #expect(scanned?.message == "unexpected end of input")
    }

    @Test func depthLimitBoundary() throws {
        // 1024 levels is simdjson's limit and ours: these parse.
        let arrays = String(repeating: "[", count: 1024) + String(repeating: "]", count: 1024)
        #expect(try JSONParser().parse(arrays) { $0.count } == 1)
        let objects = String(repeating: #"{"a":"#, count: 1023) + "1" + String(repeating: "}", count: 1023)
        #expect(try JSONParser().parse(objects) { $0.count } == 1)
    }

    /// The error scanner must accept whatever simdjson accepts, or it would report bogus errors.
    @Test(arguments: [
        #"{"a": [1, -2.5e+10, 0, -0, 0.0e0, 1E5, true, false, null, "x\u00e9\ud83d\ude00\n\/"], "b": {}}"#,
        "[-9223372036854775808, 18446744073709551615, 1e-400, 1.7976931348623157e308]",
        "  \"日本 😀 é\"  \n", "[[], {}, [[]], {\"\": \"\"}]", "0", "\"\\u0000\"",
        String(repeating: "[", count: 1024) + String(repeating: "]", count: 1024),
    ])
    func scannerAcceptsValidDocuments(_ text: String) throws {
        _ = try JSONParser().parse(text) { $0.type }
        let bytes = Array(text.utf8)
        let scanned = bytes.withUnsafeBytes {
            JSONErrorScanner.firstError($0, from: 0, maxDepth: JSONParser.maxDepth)
        }
        #expect(scanned == nil)
    }

    @Test func documentsOver4GiBAreRejected() {
        #expect(JSONParser.sizeError(length: 0xFFFF_FFFF) == nil)
        let error = JSONParser.sizeError(length: 0x1_0000_0000)
        #expect(error?.message.contains("4 GiB") == true)
        #expect(error?.offset == 0)
    }

    @Test func paddingIsWhatSimdjsonNeeds() {
        #expect(PaddedBytes.padding >= JSONParser.requiredPadding)
    }
}

// MARK: - Parser lifecycle

@Suite("JSON parser reuse")
struct JSONParserReuseTests {
    @Test func oneParserManyDocumentsOfDifferentSizes() throws {
        let parser = JSONParser()
        for n in [3, 100_000, 1, 250_000, 0, 17, 50_000, 2] {
            let (count, last, sum) = try parser.parse(PaddedBytes(intArray(n))) { root in
                var last: Int64 = -1
                var sum: Int64 = 0
                root.forEachElement {
                    last = $0.int64 ?? -2
                    sum += $0.int64 ?? 0
                }
                return (root.count, last, sum)
            }
            #expect(count == n)
            #expect(last == Int64(n) - 1)
            #expect(sum == Int64(n) * Int64(n - 1) / 2)
            // Errors in between leave the parser usable.
            #expect(throws: JSONError.self) { try parser.parse("[1,") { _ in () } }
            let text =
                #"{"id": "\#(7_301_234_567_890_123_456 + UInt64(n))", "s": "\#(String(repeating: "é", count: n % 1000))"}"#
            try parser.parse(text) { root in
                #expect(root["id"]?.idValue == 7_301_234_567_890_123_456 + UInt64(n))
                #expect(root["s"]?.string == String(repeating: "é", count: n % 1000))
            }
        }
    }

    @Test func reusingOnePaddedBytesBuffer() throws {
        let parser = JSONParser()
        let buffer = PaddedBytes()
        let documents: [(String, JSONType)] = [
            (#"{"long": "\#(String(repeating: "x", count: 5000))"}"#, .object), ("[1]", .array), (#""s""#, .string),
        ]
        for (text, expected) in documents {
            buffer.removeAll()
            Array(text.utf8).withUnsafeBytes { buffer.append($0) }
            let type = try parser.parse(buffer) { $0.type }
            #expect(type == expected)
        }
    }

    @Test func nestedParseOnTheSameParserKeepsOuterValues() throws {
        let parser = JSONParser()
        try parser.parse(#"{"outer": "kept", "n": [1, 2, 3]}"#) { outer in
            let inner = try parser.parse(#"{"inner": [9, 9]}"#) { $0["inner"]?.count }
            #expect(inner == 2)
            #expect(outer["outer"]?.string == "kept")
            #expect(outer["n"]?.count == 3)
        }
    }

    @Test func bodyErrorsAreRethrown() throws {
        let parser = JSONParser()
        #expect(throws: BodyError.self) {
            try parser.parse("[1]") { _ in throw BodyError() }
        }
        #expect(try parser.parse("[1, 2]") { $0.count } == 2)
    }
}
