import WhichtokImport
import WhichtokSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a HAR 1.2 file entry by entry, so that the file is complete, valid JSON after every entry.
///
/// The file starts as the log's head and an empty `entries` array closed by `]}}`. Each new entry is
/// written over the closing bytes, followed by a fresh closing, in one `pwrite`, then `fsync`ed. An
/// interrupted run therefore leaves a valid HAR holding every entry written so far. The file is
/// created with mode 0600: it holds personal data, and with `keepSecrets` the cookies sent, which
/// may include a login session (else they are `[redacted]`).
package final class HARWriter {
    package let path: String
    package private(set) var entryCount = 0
    /// Write cookies, tokens and signatures as they are instead of `[redacted]` (`HARRedaction`).
    package var keepSecrets = false
    private var descriptor: Int32
    /// Where the closing bytes start: the next entry is written here.
    private var closingOffset: off_t
    private static let closing = Array("\n]}}\n".utf8)

    /// Creates the file and writes an empty log.
    /// - Parameters:
    ///   - overwrite: replace an existing file; otherwise an existing file is an error.
    ///   - creatorVersion: whichtok's version, for `log.creator`.
    ///   - comment: `log.comment`, e.g. the command that made the file.
    /// - Throws: `ScrapeError` with code `.cannotWrite`.
    package init(path: String, overwrite: Bool, creatorVersion: String, comment: String) throws(ScrapeError) {
        self.path = path
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL)
        let fd = open(path, flags, 0o600)
        guard fd >= 0 else {
            let reason = errno == EEXIST ? "the file exists (use --overwrite to replace it)" : Self.errnoText()
            throw ScrapeError(.cannotWrite, "cannot create \(path): \(reason)")
        }
        descriptor = fd
        var head = Self.writer(capacity: 1024)
        head.beginHARLog(creatorName: "whichtok", creatorVersion: creatorVersion)
        head.field("comment", comment)
        head.key("entries")
        head.beginArray()
        // The array and both objects stay open: `closing` ends them.
        closingOffset = off_t(head.bytes.count)
        do {
            try write(head.bytes + Self.closing, at: 0)
        } catch {
            closeDescriptor(fd)
            descriptor = -1
            throw error
        }
    }

    deinit { close() }

    /// Appends one entry and makes it durable (`fsync`) before returning.
    /// - Throws: `ScrapeError` with code `.cannotWrite`; the file then still ends after the last
    ///   complete entry unless the disk itself failed mid-write.
    package func append(_ exchange: HTTPExchange) throws(ScrapeError) {
        var bytes: [UInt8] = entryCount == 0 ? [UInt8(ascii: "\n")] : Array(",\n".utf8)
        bytes += Self.entry(keepSecrets ? exchange : HARRedaction.redact(exchange))
        let entryLength = bytes.count
        bytes += Self.closing
        try write(bytes, at: closingOffset)
        closingOffset += off_t(entryLength)
        entryCount += 1
    }

    /// Closes the file. It is already a complete HAR; calling this twice is harmless.
    package func close() {
        guard descriptor >= 0 else { return }
        closeDescriptor(descriptor)
        descriptor = -1
    }

    private func write(_ bytes: [UInt8], at offset: off_t) throws(ScrapeError) {
        guard descriptor >= 0 else { throw ScrapeError(.cannotWrite, "\(path): already closed") }
        var done = 0
        while done < bytes.count {
            let written = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return pwrite(descriptor, base + done, raw.count - done, offset + off_t(done))
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw ScrapeError(.cannotWrite, "cannot write \(path): \(Self.errnoText())") }
            done += written
        }
        while fsync(descriptor) != 0 {
            if errno == EINTR { continue }
            throw ScrapeError(.cannotWrite, "cannot write \(path): fsync: \(Self.errnoText())")
        }
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }

    /// The scraper's HAR JSON: compact, with strings also safe inside JavaScript (U+2028, U+2029).
    static func writer(capacity: Int) -> JSONWriter {
        JSONWriter(capacity: capacity, layout: .compact, escaping: .javaScriptSafe)
    }

    /// The JSON of one HAR entry.
    static func entry(_ exchange: HTTPExchange) -> [UInt8] {
        var json = writer(capacity: exchange.body.count + 2048)
        json.beginObject()
        json.field(
            "startedDateTime",
            WallClock.iso8601(seconds: exchange.startedSeconds, nanoseconds: exchange.startedNanoseconds))
        json.key("time")
        milliseconds(max(0, exchange.waitMilliseconds) + max(0, exchange.receiveMilliseconds), into: &json)

        json.key("request")
        json.beginObject()
        json.field("method", exchange.method)
        json.field("url", exchange.url)
        json.field("httpVersion", "unknown")
        json.key("cookies")
        json.harNameValueList(pairs(exchange.requestCookies))
        json.key("headers")
        json.harNameValueList(pairs(exchange.requestHeaders))
        json.key("queryString")
        json.harNameValueList(pairs(RequestURL.queryItems(of: exchange.url)))
        if let posted = exchange.requestBody {
            // HAR 1.2's `postData`: the text as sent (whichtok posts JSON and form-encoded text).
            json.key("postData")
            json.beginObject()
            json.field("mimeType", exchange.requestBodyMimeType)
            json.key("text")
            json.string(utf8: posted)
            json.endObject()
        }
        json.field("headersSize", -1)
        json.field("bodySize", exchange.requestBody?.count ?? 0)
        json.endObject()

        json.key("response")
        json.beginObject()
        json.field("status", exchange.status)
        json.field("statusText", exchange.status == 0 ? "" : HTTPStatus.reason(exchange.status))
        json.field("httpVersion", exchange.status == 0 ? "" : "unknown")
        json.key("cookies")
        json.harNameValueList(
            pairs(
                exchange.responseHeaders.filter { $0.name.lowercased() == "set-cookie" }
                    .flatMap { SetCookie.split($0.value) }.compactMap { SetCookie.nameAndValue($0) }))
        json.key("headers")
        json.harNameValueList(pairs(exchange.responseHeaders))
        // Bodies are delivered decompressed: the wire size is known only from Content-Length.
        let encoding = exchange.responseHeader("Content-Encoding")?.trimmingSpaces.lowercased() ?? "identity"
        let wireSize =
            encoding == "identity"
            ? exchange.body.count : exchange.responseHeader("Content-Length").flatMap { Int($0.trimmingSpaces) }
        let body: JSONWriter.HARBody?
        if exchange.body.isEmpty {
            body = nil
        } else if String(validating: exchange.body, as: UTF8.self) != nil {
            body = .text(exchange.body)
        } else {
            body = .base64(exchange.body)
        }
        json.harContent(
            size: exchange.body.count,
            compression: wireSize.flatMap { exchange.body.count > $0 ? exchange.body.count - $0 : nil },
            mimeType: exchange.mimeType, body: body)
        json.field("redirectURL", exchange.responseHeader("Location") ?? "")
        json.field("headersSize", -1)
        json.field("bodySize", exchange.status == 0 ? -1 : (wireSize ?? -1))
        if let error = exchange.error {
            json.field("_error", error)
        }
        json.endObject()

        json.key("cache")
        json.beginObject()
        json.endObject()
        json.key("timings")
        json.beginObject()
        json.field("blocked", -1)
        json.field("dns", -1)
        json.field("connect", -1)
        json.field("ssl", -1)
        json.field("send", 0)
        json.key("wait")
        milliseconds(max(0, exchange.waitMilliseconds), into: &json)
        json.key("receive")
        milliseconds(max(0, exchange.receiveMilliseconds), into: &json)
        json.endObject()
        json.field("_resourceType", exchange.resourceType)
        json.field("_whichtok_target", exchange.target)
        json.field("_whichtok_attempt", exchange.attempt)
        json.endObject()
        return json.bytes
    }

    /// A HAR time: milliseconds with three decimals, or -1 (HAR's "not known") when not finite.
    private static func milliseconds(_ value: Double, into json: inout JSONWriter) {
        if value.isFinite { json.fixed(value, fractionDigits: 3) } else { json.int(-1) }
    }

    private static func pairs(_ list: [HTTPField]) -> [(name: String, value: String)] {
        list.map { ($0.name, $0.value) }
    }
}

/// `close(2)`, named so it does not clash with `HARWriter.close()`.
private func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}
