import WhichtokSupport

/// A HAR file that is not valid JSON where the redaction needs it.
package struct HARFileRedactionError: Error, Sendable {
    /// Byte offset in the file.
    package let offset: Int
    package let message: String
}

/// `HARRedaction` applied to a whole HAR file (Chrome's or Firefox's, or whichtok's own): every byte is
/// copied as it is except the string values that hold secrets, which are replaced by `[redacted]`
/// (re-encoded as JSON strings):
/// - `headers` items: by the item's `name` (`HARRedaction.headerValue`: cookies, secret headers,
///   secret parameters in URLs such as `Referer`);
/// - `cookies` items (request and response): every `value`;
/// - `queryString` and `postData.params` items: the `value` of secret parameters;
/// - every other string member (`url`, `redirectURL`, a page's `title`, …): secret parameters in it;
/// - `postData.text` and `content.text` (unless base64): secret parameters in forms and JSON.
///
/// The whole file is held in memory with the list of replacements (bounded by the file's size); the
/// walk is not recursive beyond 512 levels of nesting (deeper is an error, as no HAR nests that deep).
package enum HARFileRedaction {
    /// The redacted file and the number of values replaced.
    package static func redact(_ bytes: [UInt8]) throws(HARFileRedactionError) -> (bytes: [UInt8], replaced: Int) {
        var walker = Walker(input: bytes)
        walker.skipSpace()
        try walker.value(key: nil, listKey: nil, depth: 0)
        walker.skipSpace()
        if walker.position < bytes.count { throw walker.failure("data after the end of the JSON document") }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var copied = 0
        for (range, replacement) in walker.replacements {
            output += bytes[copied..<range.lowerBound]
            output += replacement
            copied = range.upperBound
        }
        output += bytes[copied...]
        return (output, walker.replacements.count)
    }

    /// Line and column (both from 1) of a byte offset, for messages.
    package static func lineAndColumn(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for byte in bytes.prefix(offset) {
            if byte == 0x0a {
                line += 1
                column = 1
            } else if byte & 0xc0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }

    private struct Walker {
        let input: [UInt8]
        var position = 0
        /// Ascending, non-overlapping: string tokens (with their quotes) and their new JSON text.
        var replacements: [(Range<Int>, [UInt8])] = []

        static let maximumDepth = 512
        static let pairLists: Set<String> = ["headers", "cookies", "queryString", "params"]

        init(input: [UInt8]) { self.input = input }

        func failure(_ message: String) -> HARFileRedactionError {
            HARFileRedactionError(offset: position, message: message)
        }

        mutating func skipSpace() {
            while position < input.count,
                input[position] == 0x20 || input[position] == 0x0a || input[position] == 0x0d || input[position] == 0x09
            {
                position += 1
            }
        }

        mutating func expect(_ byte: UInt8) throws(HARFileRedactionError) {
            guard position < input.count, input[position] == byte else {
                throw failure(
                    position < input.count
                        ? "expected '\(Character(Unicode.Scalar(byte)))'" : "the file ends inside the JSON document")
            }
            position += 1
        }

        /// One value; `key` is the member name it belongs to, `listKey` the name of the array it is an
        /// element of.
        mutating func value(key: String?, listKey: String?, depth: Int) throws(HARFileRedactionError) {
            guard depth < Self.maximumDepth else { throw failure("nested more than \(Self.maximumDepth) levels") }
            guard position < input.count else { throw failure("the file ends where a value was expected") }
            switch input[position] {
            case UInt8(ascii: "{"): try object(key: key, listKey: listKey, depth: depth + 1)
            case UInt8(ascii: "["): try array(key: key, depth: depth + 1)
            case UInt8(ascii: "\""): _ = try stringToken()
            default: try scalar()
            }
        }

        mutating func array(key: String?, depth: Int) throws(HARFileRedactionError) {
            try expect(UInt8(ascii: "["))
            skipSpace()
            if position < input.count, input[position] == UInt8(ascii: "]") {
                position += 1
                return
            }
            while true {
                skipSpace()
                try value(key: nil, listKey: key, depth: depth)
                skipSpace()
                guard position < input.count else { throw failure("the file ends inside an array") }
                if input[position] == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect(UInt8(ascii: "]"))
                return
            }
        }

        mutating func object(key: String?, listKey: String?, depth: Int) throws(HARFileRedactionError) {
            enum Role {
                case plain
                case pair(String)
                case content
                case postData
            }
            let role: Role =
                if let listKey, Self.pairLists.contains(listKey) {
                    .pair(listKey)
                } else if key == "content" {
                    .content
                } else if key == "postData" {
                    .postData
                } else {
                    .plain
                }
            var name: String?
            var valueToken: Range<Int>?
            var textToken: Range<Int>?
            var encoding: String?

            try expect(UInt8(ascii: "{"))
            skipSpace()
            if position < input.count, input[position] == UInt8(ascii: "}") {
                position += 1
                return
            }
            while true {
                skipSpace()
                let keyToken = try stringToken()
                let member = try decode(keyToken)
                skipSpace()
                try expect(UInt8(ascii: ":"))
                skipSpace()
                if position < input.count, input[position] == UInt8(ascii: "\"") {
                    let token = try stringToken()
                    switch role {
                    case .pair:
                        if member == "name" { name = try decode(token) }
                        if member == "value" { valueToken = token }
                    case .content, .postData:
                        if member == "text" { textToken = token }
                        if member == "encoding" { encoding = try decode(token) }
                    case .plain:
                        // `url`, `redirectURL`, a page's `title`: secret parameters in any text.
                        try replace(token) { HARRedaction.parameters(in: $0) }
                    }
                } else {
                    try value(key: member, listKey: nil, depth: depth)
                }
                skipSpace()
                guard position < input.count else { throw failure("the file ends inside an object") }
                if input[position] == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect(UInt8(ascii: "}"))
                break
            }

            switch role {
            case .pair(let list):
                guard let valueToken else { return }
                let itemName = name ?? ""
                switch list {
                case "headers": try replace(valueToken) { HARRedaction.headerValue(name: itemName, value: $0) }
                case "cookies": try replace(valueToken) { $0.isEmpty ? $0 : HARRedaction.placeholder }
                default:
                    if HARRedaction.secretParameters.contains(itemName.lowercased()) {
                        try replace(valueToken) { $0.isEmpty ? $0 : HARRedaction.placeholder }
                    } else {
                        try replace(valueToken) { HARRedaction.parameters(in: $0) }
                    }
                }
            case .content, .postData:
                guard let textToken, encoding?.lowercased() != "base64" else { return }
                try replace(textToken) { HARRedaction.parameters(in: $0) }
            case .plain:
                return
            }
        }

        /// Records a replacement of the string at `token` when `change` alters its text.
        mutating func replace(_ token: Range<Int>, _ change: (String) -> String) throws(HARFileRedactionError) {
            let text = try decode(token)
            let changed = change(text)
            guard changed != text else { return }
            var writer = JSONWriter(capacity: changed.utf8.count + 16, layout: .compact)
            writer.string(changed)
            let entry = (token, writer.bytes)
            // Pair items are decided when their object closes, after the strings inside it: keep order.
            if let last = replacements.last, last.0.lowerBound > token.lowerBound {
                let index = replacements.firstIndex { $0.0.lowerBound > token.lowerBound } ?? replacements.count
                replacements.insert(entry, at: index)
            } else {
                replacements.append(entry)
            }
        }

        /// The range of the string token at `position` (with its quotes); moves past it.
        mutating func stringToken() throws(HARFileRedactionError) -> Range<Int> {
            let start = position
            try expect(UInt8(ascii: "\""))
            while position < input.count {
                let byte = input[position]
                if byte == UInt8(ascii: "\"") {
                    position += 1
                    return start..<position
                }
                if byte == UInt8(ascii: "\\") { position += 1 }
                position += 1
            }
            position = start
            throw failure("a string is not closed")
        }

        /// A number, `true`, `false` or `null`: the bytes up to the next delimiter.
        mutating func scalar() throws(HARFileRedactionError) {
            let start = position
            while position < input.count {
                let byte = input[position]
                if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") || byte == 0x20
                    || byte == 0x0a || byte == 0x0d || byte == 0x09
                {
                    break
                }
                guard byte.isScalarByte else { throw failure("unexpected character in a value") }
                position += 1
            }
            guard position > start else { throw failure("a value was expected") }
        }

        /// The text of a string token (escapes decoded).
        func decode(_ token: Range<Int>) throws(HARFileRedactionError) -> String {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(token.count)
            var i = token.lowerBound + 1
            let end = token.upperBound - 1
            while i < end {
                let byte = input[i]
                guard byte == UInt8(ascii: "\\") else {
                    bytes.append(byte)
                    i += 1
                    continue
                }
                guard i + 1 < end else { throw HARFileRedactionError(offset: i, message: "a bad escape") }
                let escape = input[i + 1]
                i += 2
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escape)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0c)
                case UInt8(ascii: "n"): bytes.append(0x0a)
                case UInt8(ascii: "r"): bytes.append(0x0d)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    guard var unit = hex4(at: i, end: end) else {
                        throw HARFileRedactionError(offset: i - 2, message: "a bad \\u escape")
                    }
                    i += 4
                    var scalar: Unicode.Scalar?
                    if (0xd800..<0xdc00).contains(unit), i + 6 <= end, input[i] == UInt8(ascii: "\\"),
                        input[i + 1] == UInt8(ascii: "u"), let low = hex4(at: i + 2, end: end),
                        (0xdc00..<0xe000).contains(low)
                    {
                        unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00)
                        i += 6
                    }
                    scalar = Unicode.Scalar(unit)
                    bytes += Array(String(Character(scalar ?? "\u{FFFD}")).utf8)
                default:
                    throw HARFileRedactionError(offset: i - 2, message: "a bad escape")
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }

        func hex4(at i: Int, end: Int) -> UInt32? {
            guard i + 4 <= end else { return nil }
            var value: UInt32 = 0
            for byte in input[i..<i + 4] {
                let digit: UInt8
                switch byte {
                case 0x30...0x39: digit = byte - 0x30
                case 0x61...0x66: digit = byte - 0x61 + 10
                case 0x41...0x46: digit = byte - 0x41 + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
    }
}

extension UInt8 {
    /// A byte that may appear in a JSON number or literal.
    fileprivate var isScalarByte: Bool {
        (self >= 0x30 && self <= 0x39) || self == UInt8(ascii: "-") || self == UInt8(ascii: "+")
            || self == UInt8(ascii: ".") || (self >= 0x61 && self <= 0x7a) || self == UInt8(ascii: "E")
    }
}
