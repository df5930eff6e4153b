import WhichtokSupport

/// Text made safe for HTML: the five markup characters escaped, and the characters an HTML document
/// cannot hold (C0 and C1 controls other than tab and line feed, DEL, noncharacters) removed.
///
/// Every text that comes from input (usernames, hashtags, sound titles, file names) goes through
/// here, in element content and in attribute values alike (the escaping covers both quotes).
package enum HTMLText {
    /// `text` escaped for element content and quoted attribute values.
    package static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        append(text, to: &out)
        return out
    }

    /// Appends `text` escaped to `out`.
    package static func append(_ text: String, to out: inout String) {
        // ASCII without markup characters or controls is copied as is.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f && !isMarkup($0) }) {
            out += text
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                if isAllowed(scalar) { out.unicodeScalars.append(scalar) }
            }
        }
    }

    /// Whether an HTML document may hold `scalar` (a parse error otherwise, or a character no text
    /// should carry): no control other than tab and line feed, no noncharacter.
    package static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x20 { return value == 0x09 || value == 0x0a }
        if value >= 0x7f && value <= 0x9f { return false }
        if value >= 0xfdd0 && value <= 0xfdef { return false }
        if value & 0xfffe == 0xfffe { return false }
        return true
    }

    private static func isMarkup(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }
}

/// An HTML document under construction: elements opened and closed in order, text always escaped.
///
/// Only the report's own literals go in raw (`raw`); everything else goes through `text`, which
/// escapes. Attribute values are escaped too.
package struct HTMLWriter {
    package private(set) var html = ""

    package init(capacity: Int = 1 << 16) {
        html.reserveCapacity(capacity)
    }

    /// Opens `<name attributes…>`; attributes with a nil value are left out.
    package mutating func open(_ name: String, _ attributes: [(String, String?)] = []) {
        html += "<" + name
        for (key, value) in attributes {
            guard let value else { continue }
            html += " " + key + "=\""
            HTMLText.append(value, to: &html)
            html += "\""
        }
        html += ">"
    }

    package mutating func close(_ name: String) {
        html += "</" + name + ">"
    }

    /// `<name attributes…>text</name>`.
    package mutating func element(_ name: String, _ attributes: [(String, String?)] = [], _ text: String) {
        open(name, attributes)
        self.text(text)
        close(name)
    }

    /// Escaped text.
    package mutating func text(_ text: String) {
        HTMLText.append(text, to: &html)
    }

    /// A label from the data (a username, a hashtag), isolated from the text around it so that a
    /// right-to-left name does not reorder its neighbours.
    package mutating func label(_ text: String) {
        html += "<bdi>"
        HTMLText.append(text, to: &html)
        html += "</bdi>"
    }

    /// The report's own markup, never text from input.
    package mutating func raw(_ markup: String) {
        html += markup
    }

    /// A line break in the source, for readable output.
    package mutating func newline() {
        html += "\n"
    }
}

/// Numbers as the report writes them.
package enum Numbers {
    /// `12,345`.
    package static func count(_ value: Int) -> String { DecimalText.grouped(value) }

    /// `value` with `digits` decimals.
    package static func fixed(_ value: Double, _ digits: Int) -> String { DecimalText.fixed(value, digits) }

    /// A share as a percentage with one decimal: `42.0 %`; `–` for a missing value.
    package static func percent(_ share: Double?) -> String {
        guard let share, share.isFinite else { return "–" }
        return DecimalText.fixed(share * 100, 1) + " %"
    }

    /// `part / whole` as a percentage; `–` when `whole` is 0.
    package static func percent(_ part: Int, of whole: Int) -> String {
        whole > 0 ? percent(Double(part) / Double(whole)) : "–"
    }

    /// A small positive number in scientific-looking but readable form: 0.0123 → `0.0123`,
    /// 0.000045 → `4.5e-5`.
    package static func small(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        if value == 0 { return "0" }
        if abs(value) >= 0.001 { return DecimalText.fixed(value, 4) }
        var exponent = 0
        var mantissa = abs(value)
        while mantissa < 1 {
            mantissa *= 10
            exponent -= 1
        }
        return (value < 0 ? "-" : "") + DecimalText.fixed(mantissa, 1) + "e" + String(exponent)
    }

    /// An SVG coordinate: one decimal, no trailing `.0`.
    package static func coordinate(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let text = DecimalText.fixed(value, 1)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}
