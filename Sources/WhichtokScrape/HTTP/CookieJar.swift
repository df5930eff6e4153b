#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One cookie, as a Netscape cookie file or a `Set-Cookie` header describes it.
package struct Cookie: Sendable, Equatable {
    package var name: String
    package var value: String
    /// Lowercased, without a leading dot.
    package var domain: String
    /// Whether subdomains of `domain` get the cookie too (a leading dot / `TRUE` in the file).
    package var includeSubdomains: Bool
    package var path: String
    /// Sent over https only.
    package var secure: Bool
    package var httpOnly: Bool
    /// Expiry in seconds since 1970 UTC; 0 for a session cookie.
    package var expires: Int

    package init(
        name: String, value: String, domain: String, includeSubdomains: Bool, path: String = "/",
        secure: Bool = false, httpOnly: Bool = false, expires: Int = 0
    ) {
        self.name = name
        self.value = value
        var domain = domain.lowercased()
        while domain.hasPrefix(".") { domain.removeFirst() }
        self.domain = domain
        self.includeSubdomains = includeSubdomains
        self.path = path.isEmpty ? "/" : path
        self.secure = secure
        self.httpOnly = httpOnly
        self.expires = expires
    }

    /// Whether the cookie goes with a request to `host` and `path` (RFC 6265, sections 5.1.3 and 5.1.4).
    func matches(host: String, path requestPath: String, secure isSecure: Bool, now: Int) -> Bool {
        if expires != 0 && expires <= now { return false }
        if secure && !isSecure { return false }
        let host = host.lowercased()
        let domainMatches = host == domain || (includeSubdomains && host.hasSuffix("." + domain))
        guard domainMatches else { return false }
        if path == "/" || requestPath == path { return true }
        guard requestPath.hasPrefix(path) else { return false }
        return path.hasSuffix("/") || requestPath.dropFirst(path.count).hasPrefix("/")
    }
}

/// The cookies sent with each request: those of `--cookies FILE`, updated by `Set-Cookie` answers.
package struct CookieJar: Sendable {
    package private(set) var cookies: [Cookie] = []

    package init(_ cookies: [Cookie] = []) {
        for cookie in cookies { store(cookie) }
    }

    /// A problem with one line of a cookie file; names the line, never the cookie's value.
    package struct LineProblem: Sendable, Equatable, CustomStringConvertible {
        package var line: Int
        package var message: String
        package var description: String { "line \(line): \(message)" }
    }

    /// Parses the Netscape cookie-file format browser extensions export (`cookies.txt`): one cookie
    /// per line, seven tab-separated fields (domain, include-subdomains `TRUE`/`FALSE`, path,
    /// secure `TRUE`/`FALSE`, expiry in Unix seconds, name, value). Lines starting with `#` are
    /// comments, except that a `#HttpOnly_` prefix marks an HttpOnly cookie. Malformed lines are
    /// skipped and reported.
    package static func parseNetscape(_ text: String) -> (cookies: [Cookie], problems: [LineProblem]) {
        var cookies: [Cookie] = []
        var problems: [LineProblem] = []
        var number = 0
        // "\r\n" is one Character in Swift: split on any line break.
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            number += 1
            var line = Substring(rawLine)
            if number == 1, line.hasPrefix("\u{FEFF}") { line = line.dropFirst() }
            var httpOnly = false
            if line.hasPrefix("#HttpOnly_") {
                httpOnly = true
                line = line.dropFirst("#HttpOnly_".count)
            } else if line.hasPrefix("#") || line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                continue
            }
            var fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            // Some exporters leave out the tab before an empty value.
            if fields.count == 6 { fields.append("") }
            guard fields.count == 7 else {
                problems.append(
                    LineProblem(line: number, message: "expected 7 tab-separated fields, found \(fields.count)"))
                continue
            }
            guard let subdomains = flag(fields[1]), let secure = flag(fields[3]) else {
                problems.append(LineProblem(line: number, message: "fields 2 and 4 must be TRUE or FALSE"))
                continue
            }
            // Some exporters write fractional expiry times.
            let expiryText = fields[4].split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
            guard let expires = Int(expiryText.isEmpty ? "0" : expiryText), expires >= 0 else {
                problems.append(LineProblem(line: number, message: "field 5 (expiry) is not a number"))
                continue
            }
            guard !fields[0].isEmpty, !fields[5].isEmpty else {
                problems.append(LineProblem(line: number, message: "empty domain or name"))
                continue
            }
            cookies.append(
                Cookie(
                    name: fields[5], value: fields[6], domain: fields[0],
                    includeSubdomains: subdomains || fields[0].hasPrefix("."), path: fields[2],
                    secure: secure, httpOnly: httpOnly, expires: expires))
        }
        return (cookies, problems)
    }

    private static func flag(_ text: String) -> Bool? {
        switch text.uppercased() {
        case "TRUE": true
        case "FALSE": false
        default: nil
        }
    }

    /// Adds or replaces (same name, domain and path) a cookie; an expired one removes it.
    package mutating func store(_ cookie: Cookie, now: Int? = nil) {
        let now = now ?? WallClock.now().seconds
        cookies.removeAll { $0.name == cookie.name && $0.domain == cookie.domain && $0.path == cookie.path }
        if cookie.expires == 0 || cookie.expires > now { cookies.append(cookie) }
    }

    /// The cookies for a request, longest path first (RFC 6265, section 5.4).
    package func cookies(host: String, path: String, secure: Bool, now: Int? = nil) -> [Cookie] {
        let now = now ?? WallClock.now().seconds
        return cookies.filter { $0.matches(host: host, path: path, secure: secure, now: now) }
            .sorted { $0.path.count > $1.path.count }
    }

    /// The value of a cookie visible to `host` (e.g. `msToken`, which TikTok also expects as a
    /// query parameter), or nil.
    package func value(named name: String, host: String, now: Int? = nil) -> String? {
        let now = now ?? WallClock.now().seconds
        return cookies.last { $0.name == name && $0.matches(host: host, path: "/", secure: true, now: now) }?.value
    }

    /// Takes the `Set-Cookie` headers of a response to a request for `host` and `path`. Cookies for
    /// other domains than the host's own are ignored.
    package mutating func take(setCookieHeaders headers: [String], host: String, path: String, now: Int? = nil) {
        let now = now ?? WallClock.now().seconds
        for header in headers {
            for text in SetCookie.split(header) {
                if let cookie = SetCookie.parse(text, host: host, path: path, now: now) { store(cookie, now: now) }
            }
        }
    }
}

/// `Set-Cookie` header values.
enum SetCookie {
    /// Splits a header value that may hold several cookies joined by commas (HTTP libraries merge
    /// repeated headers). A comma starts a new cookie only when the text after it, up to the next
    /// `;` or `,`, contains `=`: `Expires=Wed, 21 Oct 2026 …` stays whole.
    static func split(_ value: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var rest = Substring(value)
        while let comma = rest.firstIndex(of: ",") {
            current += rest[..<comma]
            let after = rest[rest.index(after: comma)...]
            let nextSegment = after.prefix { $0 != ";" && $0 != "," }
            if nextSegment.contains("=") {
                parts.append(current)
                current = ""
            } else {
                current += ","
            }
            rest = after
        }
        current += rest
        parts.append(current)
        return parts.map(trim).filter { !$0.isEmpty }
    }

    /// The cookie's name and value, for HAR's `response.cookies`.
    static func nameAndValue(_ text: String) -> HTTPField? {
        let pair = text.prefix { $0 != ";" }
        guard let equals = pair.firstIndex(of: "=") else { return nil }
        let name = trim(String(pair[..<equals]))
        guard !name.isEmpty else { return nil }
        return HTTPField(name, trim(String(pair[pair.index(after: equals)...])))
    }

    static func parse(_ text: String, host: String, path requestPath: String, now: Int) -> Cookie? {
        guard let pair = nameAndValue(text) else { return nil }
        var domain = host.lowercased()
        var includeSubdomains = false
        var path = defaultPath(requestPath)
        var secure = false
        var httpOnly = false
        var expires = 0
        var maxAgeSeen = false
        for attribute in text.split(separator: ";").dropFirst() {
            let name = trim(String(attribute.prefix { $0 != "=" })).lowercased()
            let value =
                attribute.firstIndex(of: "=").map { trim(String(attribute[attribute.index(after: $0)...])) } ?? ""
            switch name {
            case "domain":
                var wanted = value.lowercased()
                while wanted.hasPrefix(".") { wanted.removeFirst() }
                // A server may only set cookies for its own domain or a parent of it.
                guard !wanted.isEmpty, host.lowercased() == wanted || host.lowercased().hasSuffix("." + wanted) else {
                    return nil
                }
                domain = wanted
                includeSubdomains = true
            case "path":
                if value.hasPrefix("/") { path = value }
            case "secure":
                secure = true
            case "httponly":
                httpOnly = true
            case "max-age":
                guard let seconds = Int(value) else { continue }
                maxAgeSeen = true
                expires = seconds <= 0 ? 1 : now + seconds
            case "expires":
                if !maxAgeSeen, let time = HTTPDate.parse(value) { expires = max(1, time) }
            default:
                continue
            }
        }
        return Cookie(
            name: pair.name, value: pair.value, domain: domain, includeSubdomains: includeSubdomains, path: path,
            secure: secure, httpOnly: httpOnly, expires: expires)
    }

    private static func defaultPath(_ requestPath: String) -> String {
        guard requestPath.hasPrefix("/"), let slash = requestPath.lastIndex(of: "/"), slash != requestPath.startIndex
        else { return "/" }
        return String(requestPath[..<slash])
    }

    static func trim(_ text: String) -> String {
        var slice = Substring(text)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}

/// The IMF-fixdate of HTTP (`Sun, 06 Nov 1994 08:49:37 GMT`), also with dashes between the date parts.
enum HTTPDate {
    static func parse(_ text: String) -> Int? {
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        let words = text.split { $0 == " " || $0 == "-" || $0 == "," }.map(String.init)
        var day: Int32?
        var month: Int32?
        var year: Int32?
        var clock: [Int32] = []
        for word in words {
            if word.contains(":") {
                clock = word.split(separator: ":").compactMap { Int32($0) }
            } else if let index = months.firstIndex(of: String(word.prefix(3)).lowercased()) {
                month = Int32(index)
            } else if let number = Int32(word) {
                if day == nil && number <= 31 {
                    day = number
                } else {
                    year = number < 100 ? number + (number < 70 ? 2000 : 1900) : number
                }
            }
        }
        guard let day, let month, let year, clock.count == 3 else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month
        parts.tm_mday = day
        parts.tm_hour = clock[0]
        parts.tm_min = clock[1]
        parts.tm_sec = clock[2]
        return Int(timegm(&parts))
    }
}

extension CookieJar {
    /// Reads a Netscape cookie file (see `parseNetscape`).
    /// - Throws: `ScrapeError` (`.input`) if the file cannot be read or is not UTF-8 text.
    package static func readNetscapeFile(_ path: String) throws(ScrapeError) -> (
        cookies: [Cookie], problems: [LineProblem]
    ) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ScrapeError(.input, "cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { _ = close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return read(fd, base, raw.count)
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw ScrapeError(.input, "cannot read \(path): \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
            if bytes.count > 16 << 20 { throw ScrapeError(.input, "\(path): larger than 16 MiB, not a cookie file") }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ScrapeError(.input, "\(path): not UTF-8 text (expected a Netscape cookies.txt file)")
        }
        return parseNetscape(text)
    }
}
