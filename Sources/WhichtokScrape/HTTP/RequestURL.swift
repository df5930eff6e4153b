/// The site the scraper talks to: scheme, authority (`host[:port]`) and an optional path prefix.
///
/// `ScrapeConfiguration.defaultBaseURL` is the only place that names TikTok's host; `--base-url`
/// replaces it (a mirror, a proxy, or the tests' server on 127.0.0.1).
package struct BaseURL: Sendable, Equatable, CustomStringConvertible {
    package let scheme: String
    /// `host` or `host:port`, lowercased.
    package let authority: String
    /// "" or a prefix such as "/mirror" (no trailing slash).
    package let pathPrefix: String

    /// Parses `http(s)://host[:port][/prefix]`; nil for anything else (query, fragment, user info).
    package init?(_ text: String) {
        guard let parts = RequestURL.split(text) else { return nil }
        let scheme = parts.scheme.lowercased()
        guard scheme == "http" || scheme == "https", !parts.authority.isEmpty, parts.query == nil,
            !parts.authority.contains("@"), !text.contains("#")
        else { return nil }
        self.scheme = scheme
        authority = parts.authority.lowercased()
        var prefix = parts.path
        while prefix.hasSuffix("/") { prefix.removeLast() }
        pathPrefix = prefix
    }

    /// The host without the port.
    package var host: String {
        if authority.hasPrefix("[") { return String(authority.prefix { $0 != "]" }.dropFirst()) }
        return String(authority.prefix { $0 != ":" })
    }

    package var isSecure: Bool { scheme == "https" }

    package var description: String { scheme + "://" + authority + pathPrefix }

    /// An absolute URL for `path` (starting with `/`) and query parameters, in the given order.
    package func url(path: String, query: [HTTPField] = []) -> String {
        var text = description + path
        if !query.isEmpty { text += "?" + RequestURL.query(query) }
        return text
    }

    /// Whether `url` points at this site (same scheme and authority).
    package func contains(_ url: String) -> Bool {
        guard let parts = RequestURL.split(url) else { return false }
        return parts.scheme.lowercased() == scheme && parts.authority.lowercased() == authority
    }
}

/// URL pieces and percent-encoding without Foundation.
enum RequestURL {
    /// `scheme://authority/path?query`, split; the fragment is dropped. nil if there is no scheme.
    static func split(_ url: String) -> (scheme: String, authority: String, path: String, query: String?)? {
        guard let colon = url.firstIndex(of: ":"), url[colon...].hasPrefix("://") else { return nil }
        let scheme = String(url[..<colon])
        let isSchemeCharacter: (Character) -> Bool = {
            $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "."
        }
        guard !scheme.isEmpty, scheme.allSatisfy(isSchemeCharacter) else { return nil }
        var rest = url[url.index(colon, offsetBy: 3)...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = String(rest[..<authorityEnd])
        let afterAuthority = rest[authorityEnd...]
        if let question = afterAuthority.firstIndex(of: "?") {
            return (
                scheme, authority, String(afterAuthority[..<question]),
                String(afterAuthority[afterAuthority.index(after: question)...])
            )
        }
        return (scheme, authority, String(afterAuthority), nil)
    }

    /// The path of an absolute URL ("/" when empty), or of a path-only reference.
    static func path(of url: String) -> String {
        if let parts = split(url) { return parts.path.isEmpty ? "/" : parts.path }
        let end = url.firstIndex { $0 == "?" || $0 == "#" } ?? url.endIndex
        return String(url[..<end])
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters.
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 15)])
            }
        }
        return out
    }

    /// Undoes percent-encoding (and `+` for space, as in form-encoded queries). Invalid escapes
    /// are kept as they are; invalid UTF-8 becomes U+FFFD.
    static func decode(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
                continue
            }
            out.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// `name=value&…`, each part percent-encoded.
    static func query(_ items: [HTTPField]) -> String {
        items.map { encode($0.name) + "=" + encode($0.value) }.joined(separator: "&")
    }

    /// The decoded query parameters of a URL, in order (HAR's `queryString`).
    static func queryItems(of url: String) -> [HTTPField] {
        guard let query = split(url)?.query, !query.isEmpty else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            if let equals = pair.firstIndex(of: "=") {
                return HTTPField(decode(String(pair[..<equals])), decode(String(pair[pair.index(after: equals)...])))
            }
            return HTTPField(decode(String(pair)), "")
        }
    }

    /// The value of the first query parameter with this name, decoded.
    static func queryValue(_ name: String, in url: String) -> String? {
        queryItems(of: url).first { $0.name == name }?.value
    }

    /// Resolves a `Location` header against the URL that answered with it.
    static func resolve(_ location: String, against url: String) -> String? {
        if split(location) != nil { return location }
        guard let base = split(url) else { return nil }
        if location.hasPrefix("//") { return base.scheme + ":" + location }
        if location.hasPrefix("/") { return base.scheme + "://" + base.authority + location }
        var directory = base.path
        if let slash = directory.lastIndex(of: "/") { directory = String(directory[...slash]) } else { directory = "/" }
        return base.scheme + "://" + base.authority + directory + location
    }
}
