/// A streaming JSON writer that pretty-prints like TikTok's exports: 2-space indent, `"key": value`,
/// empty containers as `[]`/`{}`, non-ASCII text as raw UTF-8. With `compact`, it writes as web
/// servers send JSON instead: no whitespace at all (response bodies in HAR captures).
///
/// Strings are escaped per RFC 8259: `"` and `\`, and every control character below U+0020
/// (`\n`, `\r`, `\t`, `\b`, `\f` by name, the rest as `\u00XX`).
struct JSONWriter {
    private(set) var bytes: [UInt8]
    private var depth = 0
    /// Whether the innermost open container has no element yet.
    private var containerEmpty = true
    /// Whether a key was just written, so the next value follows `": "` directly.
    private var afterKey = false
    private let compact: Bool
    private static let spaces = [UInt8](repeating: UInt8(ascii: " "), count: 256)

    init(capacity: Int = 4096, compact: Bool = false) {
        bytes = []
        bytes.reserveCapacity(capacity)
        self.compact = compact
    }

    /// The finished document, with a trailing newline.
    mutating func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    @inline(__always)
    private mutating func newlineAndIndent() {
        if compact { return }
        bytes.append(UInt8(ascii: "\n"))
        let width = min(depth * 2, Self.spaces.count)
        bytes.append(contentsOf: Self.spaces[0..<width])
    }

    /// Separator and indentation before a value or key.
    @inline(__always)
    private mutating func prepareValue() {
        if afterKey {
            afterKey = false
            return
        }
        guard depth > 0 else { return }
        if !containerEmpty { bytes.append(UInt8(ascii: ",")) }
        containerEmpty = false
        newlineAndIndent()
    }

    mutating func beginObject() {
        prepareValue()
        bytes.append(UInt8(ascii: "{"))
        depth += 1
        containerEmpty = true
    }

    mutating func endObject() {
        depth -= 1
        if !containerEmpty { newlineAndIndent() }
        bytes.append(UInt8(ascii: "}"))
        containerEmpty = false
    }

    mutating func beginArray() {
        prepareValue()
        bytes.append(UInt8(ascii: "["))
        depth += 1
        containerEmpty = true
    }

    mutating func endArray() {
        depth -= 1
        if !containerEmpty { newlineAndIndent() }
        bytes.append(UInt8(ascii: "]"))
        containerEmpty = false
    }

    mutating func key(_ name: StaticString) {
        prepareValue()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(name)
        if compact { bytes.append("\":") } else { bytes.append("\": ") }
        afterKey = true
    }

    mutating func key(_ name: String) {
        prepareValue()
        appendEscaped(name)
        if compact { bytes.append(UInt8(ascii: ":")) } else { bytes.append(": ") }
        afterKey = true
    }

    mutating func string(_ value: String) {
        prepareValue()
        appendEscaped(value)
    }

    mutating func string(_ value: StaticString) {
        prepareValue()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(value)
        bytes.append(UInt8(ascii: "\""))
    }

    /// A string whose content `body` appends unescaped: only for text known to need no escaping
    /// (dates, digits, URLs built from ASCII).
    @inline(__always)
    mutating func rawString(_ body: (inout [UInt8]) -> Void) {
        prepareValue()
        bytes.append(UInt8(ascii: "\""))
        body(&bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func int(_ value: Int) {
        prepareValue()
        bytes.appendDecimal(value)
    }

    mutating func uint(_ value: UInt64) {
        prepareValue()
        bytes.appendDecimal(value)
    }

    mutating func bool(_ value: Bool) {
        prepareValue()
        bytes.append(value ? "true" : "false")
    }

    mutating func null() {
        prepareValue()
        bytes.append("null")
    }

    /// A value already written as JSON elsewhere (a nested document), copied as it is.
    mutating func raw(_ json: [UInt8]) {
        prepareValue()
        bytes.append(contentsOf: json)
    }

    /// `"name": "value"` for a string value.
    mutating func field(_ name: StaticString, _ value: String) {
        key(name)
        string(value)
    }

    /// `"name": "YYYY-MM-DD HH:MM:SS"`, with ` UTC` appended when `utc` is set.
    mutating func dateField(_ name: StaticString, _ time: Int64, utc: Bool = false) {
        key(name)
        rawString { buffer in
            buffer.appendDate(time)
            if utc { buffer.append(" UTC") }
        }
    }

    private mutating func appendEscaped(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var copy = text
        copy.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): bytes.append("\\\"")
                case UInt8(ascii: "\\"): bytes.append("\\\\")
                case 0x0A: bytes.append("\\n")
                case 0x0D: bytes.append("\\r")
                case 0x09: bytes.append("\\t")
                case 0x08: bytes.append("\\b")
                case 0x0C: bytes.append("\\f")
                default:
                    bytes.append("\\u00")
                    bytes.appendHex(UInt64(byte), width: 2)
                }
            }
            if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    // MARK: - Small trees

    /// Writes a small tree; big lists go in `.custom` nodes that stream straight into the writer.
    mutating func write(_ node: JSONNode) {
        switch node {
        case .object(let members):
            beginObject()
            for (name, value) in members {
                key(name)
                write(value)
            }
            endObject()
        case .sortedObject(let members):
            beginObject()
            for (name, value) in members.sorted(by: { utf8Less($0.0, $1.0) }) {
                key(name)
                write(value)
            }
            endObject()
        case .array(let items):
            beginArray()
            for item in items { write(item) }
            endArray()
        case .string(let text): string(text)
        case .int(let value): int(value)
        case .bool(let value): bool(value)
        case .null: null()
        case .custom(let body): body(&self)
        }
    }
}

/// The skeleton of an export document. Keys of `.sortedObject` come out in UTF-8 byte order, as
/// TikTok sorts top-level and section keys; `.object` keeps the given order (record fields).
indirect enum JSONNode {
    case object([(String, JSONNode)])
    case sortedObject([(String, JSONNode)])
    case array([JSONNode])
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    case custom((inout JSONWriter) -> Void)

    static var emptyObject: JSONNode { .object([]) }
    static var emptyArray: JSONNode { .array([]) }
}
