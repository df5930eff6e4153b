import Foundation

/// A small JSON value for building fixtures (archives, HAR bodies, a mock server's answers) without
/// Foundation's JSON writer, so key order and escapes are exactly as written; `description` is the
/// compact JSON text.
public indirect enum J: CustomStringConvertible, ExpressibleByStringInterpolation, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    case object([(String, J)])
    case array([J])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: J...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, J)...) { self = .object(elements) }

    /// An id as TikTok sends those above 2^53: a string.
    public static func id(_ value: UInt64) -> J { .string(String(value)) }
    /// An id as a bare number.
    public static func raw(_ value: UInt64) -> J { .number(String(value)) }
    /// A number from a computed integer (literals need no wrapper).
    public static func int(_ value: Int) -> J { .number(String(value)) }

    public var description: String {
        switch self {
        case .object(let members):
            "{" + members.map { J.quote($0.0) + ":" + $0.1.description }.joined(separator: ",") + "}"
        case .array(let items): "[" + items.map(\.description).joined(separator: ",") + "]"
        case .string(let text): J.quote(text)
        case .number(let text): text
        case .bool(let value): value ? "true" : "false"
        case .null: "null"
        }
    }

    /// Like TikTok's pages: `/` as `\u002F`, `<` and `>` escaped.
    public var pageJSON: String {
        description.replacingOccurrences(of: "/", with: "\\u002F").replacingOccurrences(of: "<", with: "\\u003C")
            .replacingOccurrences(of: ">", with: "\\u003E")
    }

    public static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A copy with `key` set (appended when absent).
    public func with(_ key: String, _ value: J) -> J {
        guard case .object(var members) = self else { return self }
        if let index = members.firstIndex(where: { $0.0 == key }) {
            members[index].1 = value
        } else {
            members.append((key, value))
        }
        return .object(members)
    }

    public func without(_ key: String) -> J {
        guard case .object(let members) = self else { return self }
        return .object(members.filter { $0.0 != key })
    }
}
