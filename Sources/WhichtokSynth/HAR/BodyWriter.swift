/// A compact JSON writer for response bodies, as TikTok's servers send them: no whitespace,
/// `"key":value`, ids as strings. Commas are placed automatically.
struct BodyWriter {
    private(set) var bytes: [UInt8] = []
    /// Per open container: whether it has an element already.
    private var hasElement: [Bool] = []
    private var afterKey = false

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    private mutating func separate() {
        if afterKey {
            afterKey = false
            return
        }
        if let last = hasElement.last {
            if last { bytes.append(UInt8(ascii: ",")) }
            hasElement[hasElement.count - 1] = true
        }
    }

    mutating func object(_ body: (inout BodyWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "{"))
        hasElement.append(false)
        body(&self)
        hasElement.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func array(_ body: (inout BodyWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "["))
        hasElement.append(false)
        body(&self)
        hasElement.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(name)
        bytes.append("\":")
        afterKey = true
    }

    mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
    }

    /// A decimal id as a JSON string (TikTok sends ids above 2^53 as strings).
    mutating func id(_ value: UInt64) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        bytes.appendDecimal(value)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func int(_ value: Int) {
        separate()
        bytes.appendDecimal(value)
    }

    mutating func uint(_ value: UInt64) {
        separate()
        bytes.appendDecimal(value)
    }

    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(value ? "true" : "false")
    }

    mutating func null() {
        separate()
        bytes.append("null")
    }

    /// Raw JSON text known to be valid (a nested document).
    mutating func raw(_ json: [UInt8]) {
        separate()
        bytes.append(contentsOf: json)
    }

    mutating func field(_ name: StaticString, _ value: String) {
        key(name)
        string(value)
    }

    mutating func field(_ name: StaticString, id value: UInt64) {
        key(name)
        id(value)
    }

    mutating func field(_ name: StaticString, _ value: Int) {
        key(name)
        int(value)
    }

    mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        bool(value)
    }

    /// RFC 8259 escaping; `/` is left as is (TikTok pages escape it, see `PageWriter`).
    private mutating func appendQuoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        Self.appendEscaped(text.utf8, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    static func appendEscaped(_ utf8: some Sequence<UInt8>, to bytes: inout [UInt8]) {
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append("\\\"")
            case UInt8(ascii: "\\"): bytes.append("\\\\")
            case 0x0A: bytes.append("\\n")
            case 0x0D: bytes.append("\\r")
            case 0x09: bytes.append("\\t")
            case 0..<0x20:
                bytes.append("\\u00")
                bytes.appendHex(UInt64(byte), width: 2)
            default: bytes.append(byte)
            }
        }
    }
}
