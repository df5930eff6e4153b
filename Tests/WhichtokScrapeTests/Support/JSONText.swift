/// A tiny JSON value for building the mock server's answers (the tests never use Foundation JSON).
indirect enum J {
    case object([(String, J)])
    case array([J])
    case string(String)
    case int(Int)
    case bool(Bool)
    case null

    /// JSON text; with `escapeSlashes`, `/`, `<` and `>` become `\u002F`, `\u003C`, `\u003E` as in
    /// TikTok's pages.
    func render(escapeSlashes: Bool = false) -> String {
        var out = ""
        write(into: &out, escapeSlashes: escapeSlashes)
        return out
    }

    private func write(into out: inout String, escapeSlashes: Bool) {
        switch self {
        case .object(let members):
            out += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out += "," }
                J.quote(key, into: &out, escapeSlashes: escapeSlashes)
                out += ":"
                value.write(into: &out, escapeSlashes: escapeSlashes)
            }
            out += "}"
        case .array(let elements):
            out += "["
            for (index, value) in elements.enumerated() {
                if index > 0 { out += "," }
                value.write(into: &out, escapeSlashes: escapeSlashes)
            }
            out += "]"
        case .string(let text): J.quote(text, into: &out, escapeSlashes: escapeSlashes)
        case .int(let value): out += String(value)
        case .bool(let value): out += value ? "true" : "false"
        case .null: out += "null"
        }
    }

    private static func quote(_ text: String, into out: inout String, escapeSlashes: Bool) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "/" where escapeSlashes: out += "\\u002F"
            case "<" where escapeSlashes: out += "\\u003C"
            case ">" where escapeSlashes: out += "\\u003E"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
