internal import CHTTP
import Foundation

/// What came back for one request, before it is turned into a HAR entry.
struct FetchResult: Sendable {
    /// 0 when no response arrived.
    var status: Int
    var headers: [HTTPField]
    var body: [UInt8]
    var waitSeconds: Double
    var receiveSeconds: Double
    var failure: FetchFailure?
}

enum FetchFailure: Sendable, Equatable {
    case timedOut
    case cancelled
    case tooLarge
    /// The URL (for instance a signer's output) is not an absolute http or https URL.
    case invalidURL
    /// Connection refused, DNS failure, TLS failure…: the system's message.
    case transport(String)

    var message: String {
        switch self {
        case .timedOut: "timed out"
        case .cancelled: "cancelled"
        case .tooLarge: "response larger than the limit"
        case .invalidURL: "invalid URL"
        case .transport(let text): text
        }
    }
}

/// One request at a time (GET, or POST with a body) through the system's libcurl, loaded when the
/// first request is made (see `CHTTP`), so that commands that do not go on the network never load it.
///
/// Redirects are not followed (the scraper records each hop itself), nothing is cached, no cookie
/// engine runs (the scraper's `CookieJar` writes the `Cookie` header, so the HAR shows exactly what
/// was sent), and responses are delivered decompressed. Each header of the answer is kept as it
/// came, repeated ones (`Set-Cookie`) as separate fields.
final class HTTPFetcher: Sendable {
    private let timeout: Double
    private let maxBodyBytes: Int

    /// - Parameters:
    ///   - timeout: seconds without progress (no byte either way, connecting included) before a
    ///     request fails; the whole request gets at most four times this.
    ///   - maxBodyBytes: longer bodies are cut off and the request fails.
    init(timeout: Double, maxBodyBytes: Int) {
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
        // libcurl runs without its own signal handling (several threads may fetch) and avoids
        // SIGPIPE where the system lets it; a write to a closed connection must never end whichtok.
        signal(SIGPIPE, SIG_IGN)
    }

    /// Sends a GET and waits for the whole answer, or for `cancellation`.
    func get(_ url: String, headers: [HTTPField], cancellation: Cancellation) -> FetchResult {
        send("GET", url, headers: headers, body: nil, cancellation: cancellation)
    }

    /// Sends a request (`body` for POST; its `Content-Type` is among `headers`) and waits for the
    /// whole answer, or for `cancellation`.
    func send(
        _ method: String, _ url: String, headers: [HTTPField], body: [UInt8]?, cancellation: Cancellation
    ) -> FetchResult {
        guard Self.isAcceptable(url) else {
            return FetchResult(
                status: 0, headers: [], body: [], waitSeconds: 0, receiveSeconds: 0, failure: .invalidURL)
        }
        let collector = AnswerCollector(maxBodyBytes: maxBodyBytes, cancellation: cancellation)
        let lines = headers.map { "\($0.name): \($0.value)" }
        var result = whichtok_http_result()
        let code = Self.withCStrings(lines) { lineArray in
            method.withCString { methodText in
                url.withCString { urlText in
                    Self.withOptionalBytes(body) { bodyBytes in
                        var request = whichtok_http_request()
                        request.method = methodText
                        request.url = urlText
                        request.headers = lineArray
                        request.header_count = lines.count
                        request.has_body = body == nil ? 0 : 1
                        request.body = bodyBytes.baseAddress
                        request.body_length = bodyBytes.count
                        request.stall_seconds = timeout
                        request.total_seconds = timeout * 4
                        request.context = Unmanaged.passUnretained(collector).toOpaque()
                        request.header = { context, line, length in
                            guard let context, let line else { return 0 }
                            let collector = Unmanaged<AnswerCollector>.fromOpaque(context).takeUnretainedValue()
                            collector.headLine(UnsafeRawBufferPointer(start: line, count: length))
                            return 0
                        }
                        request.body_part = { context, bytes, length in
                            guard let context else { return 1 }
                            let collector = Unmanaged<AnswerCollector>.fromOpaque(context).takeUnretainedValue()
                            return collector.bodyPart(UnsafeRawBufferPointer(start: bytes, count: length)) ? 0 : 1
                        }
                        request.should_stop = { context in
                            guard let context else { return 1 }
                            return Unmanaged<AnswerCollector>.fromOpaque(context).takeUnretainedValue()
                                .cancellation.isCancelled ? 1 : 0
                        }
                        return whichtok_http_perform(&request, &result)
                    }
                }
            }
        }
        let failure: FetchFailure?
        switch Int(code) {
        case WHICHTOK_HTTP_OK: failure = nil
        case WHICHTOK_HTTP_INVALID_URL: failure = .invalidURL
        case WHICHTOK_HTTP_TIMED_OUT: failure = .timedOut
        case WHICHTOK_HTTP_STOPPED: failure = .cancelled
        case WHICHTOK_HTTP_BODY_REFUSED: failure = .tooLarge
        default: failure = .transport(Self.message(of: result))
        }
        var fields = collector.headers
        fields.sort { $0.name.lowercased() < $1.name.lowercased() }
        return FetchResult(
            status: Int(result.status), headers: fields, body: collector.body, waitSeconds: result.head_seconds,
            receiveSeconds: result.total_seconds - result.head_seconds, failure: failure)
    }

    /// An absolute http or https URL with a host; anything else is not sent.
    static func isAcceptable(_ url: String) -> Bool {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return false }
        return true
    }

    private static func message(of result: whichtok_http_result) -> String {
        withUnsafeBytes(of: result.message) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    private static func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard let bytes else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        return bytes.withUnsafeBufferPointer(body)
    }

    /// `strings` as an array of C strings, alive during `body`.
    private static func withCStrings<R>(
        _ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R
    ) -> R {
        var copies: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        defer { for copy in copies { free(copy) } }
        return copies.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return body(nil) }
            return base.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) {
                body(UnsafePointer($0))
            }
        }
    }
}

/// The answer of one request as libcurl hands it over (on the calling thread, during the call).
private final class AnswerCollector {
    let maxBodyBytes: Int
    let cancellation: Cancellation
    var headers: [HTTPField] = []
    var body: [UInt8] = []
    /// A status line was seen and the head it starts has not ended.
    private var inHead = false

    init(maxBodyBytes: Int, cancellation: Cancellation) {
        self.maxBodyBytes = maxBodyBytes
        self.cancellation = cancellation
    }

    /// A status line starts a new head (the final answer's replaces a 1xx answer's); an empty line
    /// ends it; a line starting with a space or tab continues the header before it.
    func headLine(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            headers = []
            inHead = true
            return
        }
        guard inHead else { return }
        if line.isEmpty {
            inHead = false
            return
        }
        if line.first == " " || line.first == "\t", let last = headers.indices.last {
            headers[last].value += " " + line.trimmingCharacters(in: .whitespaces)
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon])
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        headers.append(HTTPField(name, value))
    }

    /// Whether the part fits under the limit (and was kept).
    func bodyPart(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= maxBodyBytes else { return false }
        body.append(contentsOf: bytes)
        return true
    }
}
