/// A header or a query parameter: HAR keeps them as ordered `{name, value}` lists.
package struct HTTPField: Sendable, Hashable {
    package var name: String
    package var value: String

    package init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// One request and what came back, as recorded in a HAR entry.
package struct HTTPExchange: Sendable {
    /// When the request was sent (wall clock, seconds and nanoseconds since 1970 UTC).
    package var startedSeconds: Int
    package var startedNanoseconds: Int
    package var method = "GET"
    package var url: String
    /// The headers whichtok set (the HTTP library adds transport headers such as `Host`).
    package var requestHeaders: [HTTPField]
    /// The cookies sent in the `Cookie` header.
    package var requestCookies: [HTTPField]
    /// The body sent with a POST (HAR's `request.postData.text`), nil for none.
    package var requestBody: [UInt8]? = nil
    /// The body's `Content-Type` (HAR's `request.postData.mimeType`).
    package var requestBodyMimeType = ""
    /// The HTTP status, or 0 when no response arrived (`error` says why).
    package var status: Int
    package var responseHeaders: [HTTPField]
    /// The response body as delivered (decompressed), possibly empty.
    package var body: [UInt8]
    /// Milliseconds from sending to the response head, and from there to the end of the body.
    package var waitMilliseconds: Double
    package var receiveMilliseconds: Double
    /// Why no response was recorded (timeout, connection refused, cancelled), or nil.
    package var error: String?
    /// `document` for server-rendered pages, `fetch` for API calls (Chrome's `_resourceType`).
    package var resourceType: String
    /// The target the request was made for, e.g. `user:someone` (whichtok's `_whichtok_target`).
    package var target: String
    /// 1 for the first try, 2 and up for retries.
    package var attempt: Int

    package init(
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
    package func responseHeader(_ name: String) -> String? {
        responseHeaders.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The response's `Content-Type`, or `x-unknown` as Chrome writes when there is none.
    package var mimeType: String { responseHeader("Content-Type") ?? "x-unknown" }
}
