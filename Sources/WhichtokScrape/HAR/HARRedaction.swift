/// Removing credentials from HAR files: the values of session cookies, tokens and request signatures
/// are replaced by `[redacted]`, their names kept, so a HAR can be shared or archived without giving
/// away the researcher's login. The scraper applies it to every entry it writes (unless
/// `--keep-secrets`); `whichtok redact` applies it to a browser's HAR (`HARFileRedaction`).
///
/// What is replaced:
/// - the values of every cookie (`Cookie` and `Set-Cookie` headers, HAR's `cookies` arrays): a
///   session cookie (`sessionid`, `sid_tt`, `ttwid`, `msToken`, …) is a login;
/// - the headers in `secretHeaders` (`Authorization`, which keeps its scheme: `Bearer [redacted]`; `X-Bogus`,
///   `X-Gnarly`, CSRF and token headers);
/// - the query-string, form and JSON parameters in `secretParameters` (`msToken`, `X-Bogus`,
///   `X-Gnarly`, `_signature`, `verifyFp`, `fp`, `device_id`, `odinId`, OAuth's `access_token`,
///   `refresh_token`, `client_key`, `client_secret`, `code_verifier`, …) wherever they occur: URLs,
///   `queryString`, `postData`, `Referer` and `Location` headers, and text bodies.
///
/// Nothing the import reads is among them: it takes the answers' bodies and the requests' paths and
/// ordinary parameters (`secUid`, `cursor`, `count`, …), which are kept.
package enum HARRedaction {
    package static let placeholder = "[redacted]"

    /// Headers whose whole value is a credential (compared lowercased). `Cookie` and `Set-Cookie`
    /// are handled apart: their cookies' names are kept.
    package static let secretHeaders: Set<String> = [
        "authorization", "proxy-authorization", "x-bogus", "x-gnarly", "x-ms-token", "x-secsdk-csrf-token",
        "x-tt-token", "x-csrftoken", "x-csrf-token", "tt-csrf-token", "x-tt-passport-csrf-token", "x-api-key",
    ]

    /// Parameters whose value is a credential, a signature or a device fingerprint (compared
    /// lowercased).
    package static let secretParameters: Set<String> = [
        "mstoken", "x-bogus", "x-gnarly", "_signature", "verifyfp", "fp", "device_id", "odinid",
        "access_token", "refresh_token", "client_key", "client_secret", "code_verifier", "id_token",
        "sessionid", "sid_tt", "ttwid", "tt_csrf_token", "csrf_token", "passport_csrf_token", "s_v_web_id",
        "tt_chain_token",
    ]

    /// The exchange as it may be written to a HAR: cookie values, secret headers and parameters
    /// replaced (see the type's description).
    package static func redact(_ exchange: HTTPExchange) -> HTTPExchange {
        var redacted = exchange
        redacted.url = parameters(in: exchange.url)
        redacted.requestHeaders = exchange.requestHeaders.map(header)
        redacted.requestCookies = exchange.requestCookies.map { HTTPField($0.name, placeholder) }
        redacted.responseHeaders = exchange.responseHeaders.map(header)
        if mayHoldSecrets(exchange.body), let text = String(validating: exchange.body, as: UTF8.self) {
            let cleaned = parameters(in: text)
            if cleaned != text { redacted.body = Array(cleaned.utf8) }
        }
        if let body = exchange.requestBody, mayHoldSecrets(body), let text = String(validating: body, as: UTF8.self) {
            let cleaned = parameters(in: text)
            if cleaned != text { redacted.requestBody = Array(cleaned.utf8) }
        }
        return redacted
    }

    /// One header with its value redacted as its name asks.
    package static func header(_ field: HTTPField) -> HTTPField {
        HTTPField(field.name, headerValue(name: field.name, value: field.value))
    }

    /// A header's value, redacted as its name asks: cookies' values, secret headers whole, secret
    /// parameters inside other values (a `Referer` URL).
    package static func headerValue(name: String, value: String) -> String {
        let lower = name.lowercased()
        if secretHeaders.contains(lower) {
            // `Bearer …`, `Basic …`: the scheme says what kind of credential it was, and is kept.
            if lower.hasSuffix("authorization"), let space = value.firstIndex(of: " ") {
                return String(value[..<space]) + " " + placeholder
            }
            return placeholder
        }
        if lower == "cookie" { return cookieHeader(value) }
        if lower == "set-cookie" { return setCookieHeader(value) }
        return parameters(in: value)
    }

    /// `a=1; b=2` → `a=[redacted]; b=[redacted]`.
    package static func cookieHeader(_ value: String) -> String {
        value.split(separator: ";", omittingEmptySubsequences: false).map { part -> String in
            guard let equals = part.firstIndex(of: "=") else { return String(part) }
            return String(part[...equals]) + placeholder
        }.joined(separator: ";")
    }

    /// Each cookie of a `Set-Cookie` value (one per line, or several joined by commas) keeps its
    /// name and attributes; its value becomes `[redacted]`.
    package static func setCookieHeader(_ value: String) -> String {
        value.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            SetCookie.split(String(line)).map { cookie -> String in
                guard let equals = cookie.firstIndex(of: "=") else { return cookie }
                let rest = cookie[cookie.index(after: equals)...]
                let attributes = rest.firstIndex(of: ";").map { String(rest[$0...]) } ?? ""
                return String(cookie[...equals]) + placeholder + attributes
            }.joined(separator: ", ")
        }.joined(separator: "\n")
    }

    /// Whether `bytes` may contain a secret parameter's name (a fast test before decoding a body).
    package static func mayHoldSecrets(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            for i in 0..<buffer.count where firstBytes[Int(buffer[i] | 0x20)] {
                if secretStart(buffer, at: i) != nil { return true }
            }
            return false
        }
    }

    /// Whether a byte (lowercased with `| 0x20`) starts one of the `secretParameters`.
    private static let firstBytes: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for name in secretParameters {
            if let first = name.utf8.first { table[Int(first | 0x20)] = true }
        }
        return table
    }()

    /// The length of the secret parameter name at `i` when one starts there, followed by `=` or
    /// quoted (a JSON key), and not preceded by a letter, digit or `_`.
    private static func secretStart(_ buffer: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        if i > 0 {
            let before = buffer[i - 1]
            if isNameByte(before) { return nil }
        }
        var end = i
        while end < buffer.count, isNameByte(buffer[end]) || buffer[end] == UInt8(ascii: "-") { end += 1 }
        guard end > i, end - i <= 32, end < buffer.count else { return nil }
        let next = buffer[end]
        // `name=` (query, form), or `"name"` (a JSON key: the name is quoted on both sides).
        let quoted = next == UInt8(ascii: "\"") && i > 0 && buffer[i - 1] == UInt8(ascii: "\"")
        guard next == UInt8(ascii: "=") || quoted else { return nil }
        let name = String(decoding: UnsafeBufferPointer(rebasing: buffer[i..<end]), as: UTF8.self).lowercased()
        return secretParameters.contains(name) ? end - i : nil
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7a) || byte == 0x5f
    }

    /// `text` with the values of secret parameters replaced: `name=value` (query strings, forms;
    /// the value ends at `&`, `#`, `;`, a quote, a space or a line end) and `"name": "value"` (JSON;
    /// a number or literal is replaced by the placeholder string).
    package static func parameters(in text: String) -> String {
        let bytes = Array(text.utf8)
        guard mayHoldSecrets(bytes) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        let placeholderBytes = Array(placeholder.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            while i < buffer.count {
                guard let length = secretStart(buffer, at: i) else {
                    out.append(buffer[i])
                    i += 1
                    continue
                }
                let end = i + length
                out.append(contentsOf: buffer[i..<end])
                i = end
                if buffer[end] == UInt8(ascii: "=") {
                    out.append(buffer[end])
                    i = end + 1
                    let start = i
                    if buffer.count - start >= placeholderBytes.count,
                        buffer[start..<start + placeholderBytes.count].elementsEqual(placeholderBytes)
                    {
                        // Already redacted (the Research API client redacts its own secrets).
                        out.append(contentsOf: placeholderBytes)
                        i = start + placeholderBytes.count
                        continue
                    }
                    while i < buffer.count, !isValueEnd(buffer[i]) { i += 1 }
                    if i > start { out.append(contentsOf: placeholderBytes) }
                } else {
                    // A JSON key: `name"` then spaces, `:`, spaces and a value.
                    var j = end
                    if buffer[j] == UInt8(ascii: "\"") { j += 1 }
                    while j < buffer.count, buffer[j] == 0x20 || buffer[j] == 0x09 { j += 1 }
                    guard j < buffer.count, buffer[j] == UInt8(ascii: ":") else { continue }
                    j += 1
                    while j < buffer.count, buffer[j] == 0x20 || buffer[j] == 0x09 { j += 1 }
                    guard j < buffer.count else { continue }
                    if buffer[j] == UInt8(ascii: "\"") {
                        var k = j + 1
                        while k < buffer.count, buffer[k] != UInt8(ascii: "\"") {
                            k += buffer[k] == UInt8(ascii: "\\") ? 2 : 1
                        }
                        guard k < buffer.count else { continue }
                        out.append(contentsOf: buffer[end..<j + 1])
                        out.append(contentsOf: placeholderBytes)
                        i = k
                    } else if buffer[j] != UInt8(ascii: "{") && buffer[j] != UInt8(ascii: "[") {
                        var k = j
                        while k < buffer.count, !isValueEnd(buffer[k]), buffer[k] != UInt8(ascii: ",") {
                            k += 1
                        }
                        guard k > j else { continue }
                        out.append(contentsOf: buffer[end..<j])
                        out.append(UInt8(ascii: "\""))
                        out.append(contentsOf: placeholderBytes)
                        out.append(UInt8(ascii: "\""))
                        i = k
                    }
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isValueEnd(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "#") || byte == UInt8(ascii: ";") || byte == 0x22
            || byte == 0x27 || byte == 0x20 || byte == 0x0a || byte == 0x0d || byte == 0x09 || byte == 0x7d
            || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "]")
    }
}
