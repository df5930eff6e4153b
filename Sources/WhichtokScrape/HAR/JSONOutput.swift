/// A compact JSON text builder for HAR entries: one entry is built in memory, then written whole.
///
/// Strings are escaped per RFC 8259: `"` and `\`, control characters below U+0020 (`\n`, `\r`,
/// `\t`, `\b`, `\f` by name, the rest as `\u00XX`), plus U+2028 and U+2029 so the text is also
/// safe to embed in JavaScript. Everything else is written as raw UTF-8.
struct JSONOutput {
    private(set) var bytes: [UInt8] = []
    /// Whether the innermost open container already holds a member or element.
    private var needsComma: [Bool] = []
    private var afterKey = false

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    private mutating func separate() {
        if afterKey {
            afterKey = false
            return
        }
        guard let last = needsComma.last else { return }
        if last { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma.removeLast()
    }

    mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
    }

    mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma.removeLast()
    }

    mutating func key(_ name: String) {
        separate()
        Self.appendString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    mutating func string(_ value: String) {
        separate()
        Self.appendString(value, to: &bytes)
    }

    /// A string from bytes the caller has checked are valid UTF-8.
    mutating func string(validUTF8 value: [UInt8]) {
        separate()
        value.withUnsafeBufferPointer { Self.appendString(utf8: $0, to: &bytes) }
    }

    mutating func int(_ value: Int) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A finite number with up to three decimals (HAR times are milliseconds); -1 when not finite.
    mutating func milliseconds(_ value: Double) {
        separate()
        guard value.isFinite else {
            bytes.append(contentsOf: "-1".utf8)
            return
        }
        let thousandths = Int((value * 1000).rounded())
        let sign = thousandths < 0 ? "-" : ""
        let magnitude = thousandths.magnitude
        let fraction = String(magnitude % 1000)
        let text = sign + String(magnitude / 1000) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction
        bytes.append(contentsOf: text.utf8)
    }

    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
    }

    /// `"name": "value"`.
    mutating func member(_ name: String, _ value: String) {
        key(name)
        string(value)
    }

    /// `"name": value`.
    mutating func member(_ name: String, _ value: Int) {
        key(name)
        int(value)
    }

    /// Appends `text` as a quoted, escaped JSON string.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        var copy = text
        copy.withUTF8 { appendString(utf8: $0, to: &out) }
    }

    /// Appends valid UTF-8 bytes as a quoted, escaped JSON string (one pass over the bytes).
    static func appendString(utf8 bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.reserveCapacity(out.count + bytes.count + 2)
        out.append(UInt8(ascii: "\""))
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            switch byte {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x00..<0x20:
                appendUnicodeEscape(UInt16(byte), to: &out)
            case 0xE2
            where index + 2 < count && bytes[index + 1] == 0x80
                && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                // U+2028 / U+2029: valid JSON, but not valid inside a JavaScript string literal.
                appendUnicodeEscape(bytes[index + 2] == 0xA8 ? 0x2028 : 0x2029, to: &out)
                index += 2
            default:
                out.append(byte)
            }
            index += 1
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendUnicodeEscape(_ value: UInt16, to out: inout [UInt8]) {
        let hex: StaticString = "0123456789abcdef"
        out.append(contentsOf: [0x5C, UInt8(ascii: "u")])
        hex.withUTF8Buffer { digits in
            for shift in stride(from: 12, through: 0, by: -4) {
                out.append(digits[Int((value >> UInt16(shift)) & 0xF)])
            }
        }
    }
}
