/// A header or a query parameter: HAR keeps them as ordered `{name, value}` lists.
public struct HTTPField: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// One request and what came back, as recorded in a HAR entry.
public struct HTTPExchange: Sendable {
    /// When the request was sent (wall clock, seconds and nanoseconds since 1970 UTC).
    public var startedSeconds: Int
    public var startedNanoseconds: Int
    public var method = "GET"
    public var url: String
    /// The headers whichtok set (the HTTP library adds transport headers such as `Host`).
    public var requestHeaders: [HTTPField]
    /// The cookies sent in the `Cookie` header.
    public var requestCookies: [HTTPField]
    /// The HTTP status, or 0 when no response arrived (`error` says why).
    public var status: Int
    public var responseHeaders: [HTTPField]
    /// The response body as delivered (decompressed), possibly empty.
    public var body: [UInt8]
    /// Milliseconds from sending to the response head, and from there to the end of the body.
    public var waitMilliseconds: Double
    public var receiveMilliseconds: Double
    /// Why no response was recorded (timeout, connection refused, cancelled), or nil.
    public var error: String?
    /// `document` for server-rendered pages, `fetch` for API calls (Chrome's `_resourceType`).
    public var resourceType: String
    /// The target the request was made for, e.g. `user:someone` (whichtok's `_whichtok_target`).
    public var target: String
    /// 1 for the first try, 2 and up for retries.
    public var attempt: Int

    public init(
        startedSeconds: Int, startedNanoseconds: Int, url: String, requestHeaders: [HTTPField],
        requestCookies: [HTTPField], status: Int, responseHeaders: [HTTPField], body: [UInt8],
        waitMilliseconds: Double, receiveMilliseconds: Double, error: String?, resourceType: String,
        target: String, attempt: Int
    ) {
        self.startedSeconds = startedSeconds
        self.startedNanoseconds = startedNanoseconds
        self.url = url
        self.requestHeaders = requestHeaders
        self.requestCookies = requestCookies
        self.status = status
        self.responseHeaders = responseHeaders
        self.body = body
        self.waitMilliseconds = waitMilliseconds
        self.receiveMilliseconds = receiveMilliseconds
        self.error = error
        self.resourceType = resourceType
        self.target = target
        self.attempt = attempt
    }

    /// The first response header with this name (ASCII case-insensitive).
    public func responseHeader(_ name: String) -> String? {
        responseHeaders.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The response's `Content-Type`, or `x-unknown` as Chrome writes when there is none.
    public var mimeType: String { responseHeader("Content-Type") ?? "x-unknown" }
}
