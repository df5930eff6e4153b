/// A streaming JSON writer into a byte array: the one writer behind every JSON document whichtok
/// writes (`stats --json`, `analyze --json`, the scraper's HAR files, the synthetic archives and
/// captures).
///
/// Each caller's output is a contract compared byte for byte, and the callers differ in three
/// ways, each an option here rather than a writer of its own:
/// - `Layout.pretty` pretty-prints like TikTok's exports and the browsers' HAR files: 2-space
///   indent, `"key": value`, empty containers as `[]`/`{}`. `Layout.compact` writes no whitespace
///   at all, as web servers send JSON and as the `--json` outputs are.
/// - `Escaping`: strings always escape `"`, `\` and every control character below U+0020 (`\n`,
///   `\r`, `\t` by name, the rest as `\u00XX`, lowercase), and keep all other text as raw UTF-8;
///   whether `\b` and `\f` are written by name, and whether U+2028 and U+2029 are escaped (so the
///   text is also a valid JavaScript string), is chosen per document.
/// - Numbers: integers in decimal; doubles either in shortest round-trip form (`double`) or with
///   a fixed number of decimals (`fixed`).
///
/// The writer keeps no stack of containers, only the depth and whether the innermost container
/// is still empty; keys are written in the order they are given.
package struct JSONWriter {
    package enum Layout: Sendable {
        case pretty
        case compact
    }

    /// Which characters are escaped beyond `"`, `\` and the controls below U+0020.
    package struct Escaping: OptionSet, Sendable {
        package let rawValue: UInt8
        package init(rawValue: UInt8) { self.rawValue = rawValue }

        /// U+0008 and U+000C as `\b` and `\f` (else `\u0008`, `\u000c`).
        package static let namedBackspaceAndFormFeed = Escaping(rawValue: 1)
        /// U+2028 and U+2029 as `\u2028` and `\u2029` (else raw UTF-8).
        package static let lineAndParagraphSeparators = Escaping(rawValue: 2)

        /// RFC 8259's short forms for every character that has one.
        package static let standard: Escaping = [.namedBackspaceAndFormFeed]
        /// Standard, and also safe inside a JavaScript string literal.
        package static let javaScriptSafe: Escaping = [.namedBackspaceAndFormFeed, .lineAndParagraphSeparators]
    }

    package private(set) var bytes: [UInt8]
    private var depth = 0
    /// Whether the innermost open container has no element yet.
    private var containerEmpty = true
    /// Whether a key was just written, so the next value follows the key's colon directly.
    private var afterKey = false
    private let compact: Bool
    private let namesBackspaceAndFormFeed: Bool
    private let escapesSeparators: Bool
    private static let spaces = [UInt8](repeating: UInt8(ascii: " "), count: 256)

    package init(capacity: Int = 4096, layout: Layout = .pretty, escaping: Escaping = .standard) {
        bytes = []
        bytes.reserveCapacity(capacity)
        compact = layout == .compact
        namesBackspaceAndFormFeed = escaping.contains(.namedBackspaceAndFormFeed)
        escapesSeparators = escaping.contains(.lineAndParagraphSeparators)
    }

    /// The finished document, with a trailing newline.
    package mutating func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// The document so far as text (no trailing newline).
    package var text: String { String(decoding: bytes, as: UTF8.self) }

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

    package mutating func beginObject() {
        open(UInt8(ascii: "{"))
    }

    package mutating func endObject() {
        close(UInt8(ascii: "}"))
    }

    package mutating func beginArray() {
        open(UInt8(ascii: "["))
    }

    package mutating func endArray() {
        close(UInt8(ascii: "]"))
    }

    private mutating func open(_ bracket: UInt8) {
        prepareValue()
        bytes.append(bracket)
        depth += 1
        containerEmpty = true
    }

    private mutating func close(_ bracket: UInt8) {
        depth -= 1
        if !containerEmpty { newlineAndIndent() }
        bytes.append(bracket)
        containerEmpty = false
    }

    /// A key known to need no escaping (a literal).
    package mutating func key(_ name: StaticString) {
        prepareValue()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(name)
        if compact { bytes.append("\":") } else { bytes.append("\": ") }
        afterKey = true
    }

    package mutating func key(_ name: String) {
        prepareValue()
        appendEscaped(name)
        if compact { bytes.append(UInt8(ascii: ":")) } else { bytes.append(": ") }
        afterKey = true
    }

    package mutating func string(_ value: String) {
        prepareValue()
        appendEscaped(value)
    }

    /// A string known to need no escaping (a literal).
    package mutating func string(_ value: StaticString) {
        prepareValue()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(value)
        bytes.append(UInt8(ascii: "\""))
    }

    /// A string from UTF-8 bytes, escaped in one pass without making a `String`. Bytes that are not
    /// valid UTF-8 are written as `String(decoding:as:)` repairs them (U+FFFD).
    package mutating func string(utf8 value: [UInt8]) {
        prepareValue()
        guard String(validating: value, as: UTF8.self) != nil else {
            appendEscaped(String(decoding: value, as: UTF8.self))
            return
        }
        value.withUnsafeBufferPointer { appendEscaped(utf8: $0) }
    }

    /// A string whose content `body` appends unescaped: only for text known to need no escaping
    /// (dates, digits, URLs built from ASCII).
    @inline(__always)
    package mutating func rawString(_ body: (inout [UInt8]) -> Void) {
        prepareValue()
        bytes.append(UInt8(ascii: "\""))
        body(&bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    package mutating func int(_ value: Int) {
        prepareValue()
        bytes.appendDecimal(value)
    }

    package mutating func uint(_ value: UInt64) {
        prepareValue()
        bytes.appendDecimal(value)
    }

    /// A double in the shortest form that reads back as the same value (`0.25`, `1e-05`); a whole
    /// number below 10¹⁵ in magnitude without a fraction (`2`, not `2.0`); `null` when not finite.
    package mutating func double(_ value: Double) {
        prepareValue()
        guard value.isFinite else {
            bytes.append("null")
            return
        }
        if value == value.rounded(), abs(value) < 1e15 {
            bytes.appendDecimal(Int(value))
        } else {
            bytes.append(value.description)
        }
    }

    /// A finite double rounded to exactly `fractionDigits` decimals (1...9): `12.300`, `-0.005`.
    /// Values beyond ±9×10⁹ are clamped; the caller decides what a non-finite value becomes.
    package mutating func fixed(_ value: Double, fractionDigits: Int) {
        prepareValue()
        var scale = 1
        for _ in 0..<fractionDigits { scale *= 10 }
        let scaled = (value * Double(scale)).rounded()
        let units = scaled.isFinite ? Int(max(-9e18, min(9e18, scaled))) : 0
        if units < 0 { bytes.append(UInt8(ascii: "-")) }
        let (whole, fraction) = units.magnitude.quotientAndRemainder(dividingBy: UInt(scale))
        bytes.appendDecimal(UInt64(whole))
        bytes.append(UInt8(ascii: "."))
        bytes.appendPadded(Int(fraction), width: fractionDigits)
    }

    package mutating func bool(_ value: Bool) {
        prepareValue()
        bytes.append(value ? "true" : "false")
    }

    package mutating func null() {
        prepareValue()
        bytes.append("null")
    }

    /// A value already written as JSON elsewhere (a nested document), copied as it is.
    package mutating func raw(_ json: [UInt8]) {
        prepareValue()
        bytes.append(contentsOf: json)
    }

    /// `"name": "value"` for a string value.
    package mutating func field(_ name: StaticString, _ value: String) {
        key(name)
        string(value)
    }

    /// `"name": value` for an integer value.
    package mutating func field(_ name: StaticString, _ value: Int) {
        key(name)
        int(value)
    }

    /// `"name": value` for a double value (see `double`).
    package mutating func field(_ name: StaticString, _ value: Double) {
        key(name)
        double(value)
    }

    /// `"name": true` or `"name": false`.
    package mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        bool(value)
    }

    private mutating func appendEscaped(_ text: String) {
        var copy = text
        copy.withUTF8 { appendEscaped(utf8: $0) }
    }

    /// Appends valid UTF-8 as a quoted, escaped JSON string, copying the runs that need no escape.
    private mutating func appendEscaped(utf8: UnsafeBufferPointer<UInt8>) {
        bytes.reserveCapacity(bytes.count + utf8.count + 2)
        bytes.append(UInt8(ascii: "\""))
        var runStart = 0
        var index = 0
        let count = utf8.count
        while index < count {
            let byte = utf8[index]
            if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
                guard escapesSeparators, byte == 0xE2, index + 2 < count, utf8[index + 1] == 0x80,
                    utf8[index + 2] == 0xA8 || utf8[index + 2] == 0xA9
                else {
                    index += 1
                    continue
                }
                flush(utf8, from: runStart, to: index)
                bytes.append(utf8[index + 2] == 0xA8 ? "\\u2028" : "\\u2029")
                index += 3
                runStart = index
                continue
            }
            flush(utf8, from: runStart, to: index)
            switch byte {
            case UInt8(ascii: "\""): bytes.append("\\\"")
            case UInt8(ascii: "\\"): bytes.append("\\\\")
            case 0x0A: bytes.append("\\n")
            case 0x0D: bytes.append("\\r")
            case 0x09: bytes.append("\\t")
            case 0x08 where namesBackspaceAndFormFeed: bytes.append("\\b")
            case 0x0C where namesBackspaceAndFormFeed: bytes.append("\\f")
            default:
                bytes.append("\\u00")
                bytes.appendHex(UInt64(byte), width: 2)
            }
            index += 1
            runStart = index
        }
        flush(utf8, from: runStart, to: count)
        bytes.append(UInt8(ascii: "\""))
    }

    @inline(__always)
    private mutating func flush(_ utf8: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) {
        if start < end { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<end])) }
    }
}
