import Dispatch
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

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
    /// The URL (for instance a signer's output) is not one URLSession accepts.
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

/// One request at a time (GET, or POST with a body) through FoundationNetworking's URLSession,
/// made synchronous.
///
/// Redirects are not followed (the scraper records each hop itself), caching and URLSession's own
/// cookie handling are off (the scraper's `CookieJar` writes the `Cookie` header, so the HAR shows
/// exactly what was sent), and responses are delivered decompressed.
final class HTTPFetcher: @unchecked Sendable {
    private let session: URLSession
    private let delegate: FetchDelegate
    private let timeout: Double

    /// - Parameters:
    ///   - timeout: seconds without progress before a request fails, as URLSession counts it; the
    ///     whole request gets at most four times this.
    ///   - maxBodyBytes: longer bodies are cut off and the request fails.
    init(timeout: Double, maxBodyBytes: Int) {
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout * 4
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpMaximumConnectionsPerHost = 1
        delegate = FetchDelegate(maxBodyBytes: maxBodyBytes)
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: queue)
    }

    deinit {
        session.invalidateAndCancel()
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
        guard let target = URL(string: url) else {
            return FetchResult(
                status: 0, headers: [], body: [], waitSeconds: 0, receiveSeconds: 0, failure: .invalidURL)
        }
        var request = URLRequest(url: target, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = method
        if let body { request.httpBody = Data(body) }
        request.httpShouldHandleCookies = false
        for field in headers { request.setValue(field.value, forHTTPHeaderField: field.name) }

        let done = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: request)
        delegate.begin(task: task, done: done)
        task.resume()
        // A backstop in case URLSession's own timers never fire.
        let deadline = WallClock.monotonic() + timeout * 4 + 5
        var cancelledHere = false
        while done.wait(timeout: .now() + .milliseconds(50)) == .timedOut {
            if !cancelledHere && (cancellation.isCancelled || WallClock.monotonic() > deadline) {
                cancelledHere = true
                delegate.markCancelled(byUser: cancellation.isCancelled)
                task.cancel()
            }
        }
        return delegate.finish()
    }
}

/// Collects one task's response; URLSession calls it on its serial delegate queue.
private final class FetchDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private let maxBodyBytes: Int
    private var taskID: Int?
    private var done: DispatchSemaphore?
    private var started = 0.0
    private var headersAt: Double?
    private var response: HTTPURLResponse?
    private var body: [UInt8] = []
    private var failure: FetchFailure?
    private var finishedAt: Double?
    private var cancelledByUser: Bool?

    init(maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
    }

    func begin(task: URLSessionTask, done: DispatchSemaphore) {
        lock.lock()
        defer { lock.unlock() }
        taskID = task.taskIdentifier
        self.done = done
        started = WallClock.monotonic()
        headersAt = nil
        response = nil
        body = []
        failure = nil
        finishedAt = nil
        cancelledByUser = nil
    }

    func markCancelled(byUser: Bool) {
        lock.lock()
        cancelledByUser = byUser
        lock.unlock()
    }

    func finish() -> FetchResult {
        lock.lock()
        defer { lock.unlock() }
        let end = finishedAt ?? WallClock.monotonic()
        let headTime = headersAt ?? end
        var headers: [HTTPField] = []
        if let response {
            for (key, value) in response.allHeaderFields {
                guard let name = key as? String, let text = value as? String else { continue }
                headers.append(HTTPField(name, text))
            }
            headers.sort { $0.name.lowercased() < $1.name.lowercased() }
        }
        var outcome = failure
        if let cancelledByUser, outcome == .cancelled || outcome == nil {
            outcome = cancelledByUser ? .cancelled : .timedOut
        }
        taskID = nil
        done = nil
        return FetchResult(
            status: response?.statusCode ?? 0, headers: headers, body: body,
            waitSeconds: headTime - started, receiveSeconds: end - headTime, failure: outcome)
    }

    private func isCurrent(_ task: URLSessionTask) -> Bool {
        taskID == task.taskIdentifier
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        lock.lock()
        if isCurrent(dataTask) {
            headersAt = WallClock.monotonic()
            self.response = response as? HTTPURLResponse
        }
        lock.unlock()
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        defer { lock.unlock() }
        guard isCurrent(dataTask), failure == nil else { return }
        if body.count + data.count > maxBodyBytes {
            failure = .tooLarge
            dataTask.cancel()
            return
        }
        body.append(contentsOf: data)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        lock.lock()
        guard isCurrent(task) else {
            lock.unlock()
            return
        }
        finishedAt = WallClock.monotonic()
        if headersAt == nil { headersAt = finishedAt }
        if let error, failure == nil {
            let code = (error as NSError).code
            if code == NSURLErrorTimedOut {
                failure = .timedOut
            } else if code == NSURLErrorCancelled {
                failure = .cancelled
            } else {
                failure = .transport((error as NSError).localizedDescription)
            }
        }
        let signal = done
        lock.unlock()
        signal?.signal()
    }
}
