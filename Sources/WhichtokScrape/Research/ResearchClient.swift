import WhichtokImport

/// The API's quota or rate limit answered (HTTP 429): the whole run stops.
private struct QuotaStop: Error {
    var message: String
}

/// No token could be had: the whole run stops.
private struct AuthenticationStop: Error {
    var message: String
}

/// How one Research API call ended after retries and token renewal.
private enum CallOutcome {
    case page(ResearchPage)
    /// An answer that retrying does not fix (`invalid_params`, 404…), or retries used up.
    case failed(String)
}

/// Collects from TikTok's Research API and records every request and response in a HAR file.
///
/// The same politeness as `Scraper`: one request at a time, spaced by a `RateLimiter`, 5xx and
/// timeouts retried with a bounded `Backoff`, `Cancellation` honoured between and during requests,
/// and the HAR complete after every entry. A 429 (`rate_limit_exceeded`, the daily quota) stops the
/// run at once: the HAR then holds what is needed to continue (`ResearchProgress`). The client
/// key, client secret and access tokens never reach the HAR (`ResearchRedaction`).
package final class ResearchClient {
    package let configuration: ResearchConfiguration
    private let har: HARWriter
    private let cancellation: Cancellation
    private let log: (String) -> Void
    private let fetcher: HTTPFetcher
    private let limiter: RateLimiter
    private let parser = JSONParser()
    private var redaction: ResearchRedaction
    private var token: String?
    /// Monotonic seconds after which the token must be renewed.
    private var renewAt = 0.0
    private var current = ResearchTargetReport(target: .user(""), outcome: .complete)

    /// - Parameters:
    ///   - har: where every request and response goes, as it happens.
    ///   - log: progress lines (one per request and per target; never a response body or a secret).
    package init(
        configuration: ResearchConfiguration, har: HARWriter, cancellation: Cancellation,
        log: @escaping (String) -> Void
    ) {
        self.configuration = configuration
        self.har = har
        self.cancellation = cancellation
        self.log = log
        fetcher = HTTPFetcher(timeout: configuration.timeout, maxBodyBytes: configuration.maxBodyBytes)
        limiter = RateLimiter(requestsPerSecond: configuration.requestsPerSecond, jitter: configuration.jitter)
        redaction = ResearchRedaction(credentials: configuration.credentials)
    }

    /// Collects the targets in order.
    /// - Returns: what happened to each target, and why the run stopped early, if it did.
    /// - Throws: `ScrapeError` (`.cannotWrite`) when the HAR cannot be written; the file then still
    ///   holds every entry written before.
    package func run(_ targets: [ResearchTarget]) throws(ScrapeError) -> ResearchReport {
        var report = ResearchReport()
        for target in targets {
            if report.stoppedEarly {
                report.targets.append(ResearchTargetReport(target: target, outcome: .notTried))
                continue
            }
            current = ResearchTargetReport(target: target, outcome: .complete)
            do {
                try collect(target)
            } catch RunAbort.interrupted {
                report.interrupted = true
                stopped("interrupted")
            } catch RunAbort.cannotWrite(let error) {
                throw error
            } catch let stop as QuotaStop {
                report.quotaStop = stop.message
                stopped("stopped by the API's quota: \(stop.message)")
            } catch let stop as AuthenticationStop {
                report.authenticationStop = stop.message
                stopped(stop.message)
            } catch {
                current.outcome = .failed
                current.messages.append("\(error)")
            }
            report.targets.append(current)
            log(
                "\(target): \(current.outcome.rawValue) (\(current.countsText))"
                    + (current.messages.isEmpty ? "" : ": " + current.messages.joined(separator: "; ")))
        }
        report.entries = har.entryCount
        return report
    }

    private func stopped(_ message: String) {
        current.outcome = current.records.values.contains { $0 > 0 } ? .partial : .notTried
        current.messages.append(message)
    }

    private func partFailed(_ message: String) {
        if current.outcome == .complete { current.outcome = .partial }
        current.messages.append(message)
    }

    // MARK: - Targets

    private func collect(_ target: ResearchTarget) throws {
        switch target {
        case .videos(let query): try collectVideos(query)
        case .user(let name): try collectUser(name)
        case .comments(let id):
            let limit = min(configuration.maxComments, ResearchConfiguration.maxComments)
            try list(
                .comments, fields: configuration.commentFields, limit: limit, what: "comments",
                offsetCeiling: ResearchConfiguration.maxComments
            ) { count, cursor in ResearchBody.comments(videoID: id, maxCount: count, cursor: cursor) }
        }
    }

    /// Each date window in turn, paging by `cursor` and `search_id`, until `maxVideos` in all.
    private func collectVideos(_ query: VideoQuery) throws {
        let limit = configuration.maxVideos
        var total = 0
        for window in query.windows() {
            guard total < limit else { break }
            var cursor: Int64?
            var searchID: String?
            let identity = ResearchBody.identity(
                .videos, body: ResearchBody.videos(query, window, maxCount: 1, cursor: nil, searchID: nil))
            // Records of this window from earlier runs, while their `search_id` is still to be tried.
            var resumed: Int?
            if let earlier = configuration.progress.list(identity) {
                total += earlier.records
                current.earlier[.videos, default: 0] += earlier.records
                guard earlier.hasMore else { continue }
                cursor = earlier.cursor
                searchID = earlier.searchID
                resumed = earlier.records
            }
            while total < limit {
                let count = min(configuration.pageSize, limit - total)
                let body = ResearchBody.videos(query, window, maxCount: count, cursor: cursor, searchID: searchID)
                let outcome = try call(
                    .videos, fields: configuration.videoFields, body: body, what: "videos \(window)",
                    reportFailure: resumed == nil)
                guard case .page(let page) = outcome else {
                    if let earlier = resumed, case .failed(let message) = outcome {
                        // A search_id from an earlier run may have expired: the window starts again
                        // (the records it repeats are the same records; the importer keeps one copy).
                        log("\(message): the recorded search_id was not accepted; videos \(window) start again")
                        total -= earlier
                        current.earlier[.videos, default: 0] -= earlier
                        (cursor, searchID, resumed) = (nil, nil, nil)
                        continue
                    }
                    break
                }
                resumed = nil
                total += page.records
                current.records[.videos, default: 0] += page.records
                guard page.hasMore else { break }
                guard let next = page.cursor, next != cursor else {
                    partFailed("videos \(window): the API did not move its cursor; this window stops here")
                    break
                }
                cursor = next
                searchID = page.searchID ?? searchID
            }
        }
    }

    private func collectUser(_ name: String) throws {
        let lists = configuration.lists
        let info = ResearchBody.user(name)
        if let earlier = configuration.progress.list(ResearchBody.identity(.userInfo, body: info)) {
            current.earlier[.userInfo, default: 0] += earlier.records
        } else {
            switch try call(.userInfo, fields: configuration.userInfoFields, body: info, what: "user info") {
            case .failed:
                // The lists would fail the same way (no such account, or not public).
                current.outcome = .failed
                return
            case .page(let page):
                current.records[.userInfo, default: 0] += page.records
            }
        }
        let timeLists: [(ResearchEndpoint, Int, [String])] = [
            (.followers, lists.followers, []), (.following, lists.following, []),
            (.liked, lists.liked, configuration.userVideoFields),
        ]
        for (endpoint, limit, fields) in timeLists where limit > 0 {
            try list(endpoint, fields: fields, limit: limit, what: endpoint.recordName, offsetCeiling: nil) {
                count, cursor in ResearchBody.user(name, maxCount: count, cursor: cursor)
            }
        }
        if lists.pinned {
            let body = ResearchBody.user(name)
            if let earlier = configuration.progress.list(ResearchBody.identity(.pinned, body: body)) {
                current.earlier[.pinned, default: 0] += earlier.records
            } else if case .page(let page) = try call(
                .pinned, fields: configuration.userVideoFields, body: body, what: "pinned videos")
            {
                current.records[.pinned, default: 0] += page.records
            }
        }
        if lists.reposted > 0 {
            try list(
                .reposted, fields: configuration.userVideoFields, limit: lists.reposted, what: "reposted videos",
                offsetCeiling: nil
            ) { count, cursor in ResearchBody.user(name, maxCount: count, cursor: cursor) }
        }
    }

    /// Pages through a list (time cursor or offset: the client sends back whatever `cursor` came)
    /// until `limit` records, `has_more` false, or a cursor that does not move.
    /// - Parameter offsetCeiling: for offset lists served only up to an offset (comments: 1,000):
    ///   `cursor + max_count` never exceeds it.
    private func list(
        _ endpoint: ResearchEndpoint, fields: [String], limit: Int, what: String, offsetCeiling: Int?,
        body: (Int, Int64?) -> [UInt8]
    ) throws {
        var total = 0
        var cursor: Int64?
        if let earlier = configuration.progress.list(ResearchBody.identity(endpoint, body: body(1, nil))) {
            total = earlier.records
            current.earlier[endpoint, default: 0] += earlier.records
            guard earlier.hasMore else { return }
            cursor = earlier.cursor
        }
        while total < limit {
            var count = min(configuration.pageSize, limit - total)
            if let offsetCeiling { count = min(count, offsetCeiling - Int(cursor ?? 0)) }
            guard count > 0 else { break }
            guard case .page(let page) = try call(endpoint, fields: fields, body: body(count, cursor), what: what)
            else { return }
            total += page.records
            current.records[endpoint, default: 0] += page.records
            guard page.hasMore else { break }
            guard let next = page.cursor, next != cursor else {
                partFailed("\(what): the API did not move its cursor; the list stops here")
                break
            }
            cursor = next
        }
    }

    // MARK: - Requests

    /// One Research API call: a token first if needed, then the POST, retried after 5xx and
    /// timeouts, and once more with a fresh token after `access_token_invalid`.
    /// - Throws: `QuotaStop` on 429, `AuthenticationStop`, `RunAbort`.
    /// - Parameter reportFailure: whether a failure marks the target partial (else the caller decides).
    private func call(
        _ endpoint: ResearchEndpoint, fields: [String], body: [UInt8], what: String, reportFailure: Bool = true
    ) throws -> CallOutcome {
        let query = endpoint.takesFields && !fields.isEmpty ? [HTTPField("fields", fields.joined(separator: ","))] : []
        let url = configuration.baseURL.url(path: endpoint.path, query: query)
        var attempt = 0
        var renewed = false
        while true {
            attempt += 1
            let bearer = try validToken()
            let headers = [
                HTTPField("Authorization", "Bearer " + bearer), HTTPField("Content-Type", "application/json"),
                HTTPField("Accept", "application/json"), HTTPField("User-Agent", configuration.userAgent),
            ]
            let result = try send(url, headers: headers, body: body, mimeType: "application/json", attempt: attempt)
            if let failure = result.failure {
                if failure == .tooLarge {
                    return outcome(failed: "\(what): response over \(configuration.maxBodyBytes) bytes", reportFailure)
                }
                if try retry(after: attempt, retryAfter: nil, reason: failure.message) { continue }
                return outcome(failed: "\(what): \(failure.message) (\(attempt) tries)", reportFailure)
            }
            let page = try? ResearchPage.read(result.body, endpoint: endpoint, parser: parser)
            let code = page?.code ?? ""
            let apiText = page.map { Self.errorText($0) } ?? "no JSON answer"
            if result.status == 429 || code == "rate_limit_exceeded" {
                throw QuotaStop(message: "HTTP \(result.status) \(apiText)")
            }
            if result.status == 401 || code == "access_token_invalid" {
                guard !renewed else {
                    throw AuthenticationStop(message: "the API refused a fresh access token too (\(apiText))")
                }
                renewed = true
                attempt -= 1
                log("\(endpoint.path): \(apiText): renewing the access token")
                token = nil
                continue
            }
            if HTTPStatus.isRetryable(result.status) {
                if try retry(after: attempt, retryAfter: nil, reason: "HTTP \(result.status)") { continue }
                return outcome(failed: "\(what): HTTP \(result.status) (\(attempt) tries)", reportFailure)
            }
            guard let page else {
                return outcome(failed: "\(what): HTTP \(result.status) with a body that is not JSON", reportFailure)
            }
            guard (200..<300).contains(result.status), page.isOK else {
                return outcome(failed: "\(what): HTTP \(result.status) \(apiText)", reportFailure)
            }
            return .page(page)
        }
    }

    private func outcome(failed message: String, _ report: Bool) -> CallOutcome {
        if report { partFailed(message) }
        return .failed(message)
    }

    /// `invalid_params: "max_count" must be at most 100` — the API's words, cut short and printable.
    private static func errorText(_ page: ResearchPage) -> String {
        var text = page.code.isEmpty ? "(no error code)" : page.code
        if !page.message.isEmpty {
            text += ": " + String(page.message.prefix(200)).filter { !$0.isNewline }
        }
        return text
    }

    /// The current token, fetched or renewed first when it is missing or about to expire.
    private func validToken() throws -> String {
        if let token, WallClock.monotonic() < renewAt { return token }
        return try fetchToken()
    }

    /// POSTs the client credentials to the token endpoint.
    private func fetchToken() throws -> String {
        let credentials = configuration.credentials
        let form = [
            HTTPField("client_key", credentials.clientKey), HTTPField("client_secret", credentials.clientSecret),
            HTTPField("grant_type", "client_credentials"),
        ]
        let url = configuration.baseURL.url(path: ResearchConfiguration.tokenPath)
        let headers = [
            HTTPField("Content-Type", "application/x-www-form-urlencoded"), HTTPField("Cache-Control", "no-cache"),
            HTTPField("Accept", "application/json"), HTTPField("User-Agent", configuration.userAgent),
        ]
        var attempt = 0
        while true {
            attempt += 1
            let result = try send(
                url, headers: headers, body: Array(RequestURL.query(form).utf8),
                mimeType: "application/x-www-form-urlencoded", attempt: attempt, isToken: true)
            if let failure = result.failure {
                if try failure != .tooLarge && retry(after: attempt, retryAfter: nil, reason: failure.message) {
                    continue
                }
                throw AuthenticationStop(message: "no access token: \(failure.message) (\(attempt) tries)")
            }
            let answer = try? parser.parse(PaddedBytes(result.body)) { root in
                (
                    token: root["access_token"]?.string, expiresIn: root["expires_in"]?.int64,
                    error: root["error"]?.string ?? root["error"]?["code"]?.string,
                    description: root["error_description"]?.string ?? root["error"]?["message"]?.string
                )
            }
            if result.status == 429 || answer?.error == "rate_limit_exceeded" {
                throw QuotaStop(message: "HTTP \(result.status) from the token endpoint")
            }
            if HTTPStatus.isRetryable(result.status),
                try retry(after: attempt, retryAfter: nil, reason: "HTTP \(result.status)")
            {
                continue
            }
            guard (200..<300).contains(result.status), let answer, let fresh = answer.token, !fresh.isEmpty else {
                let reason = [answer?.error, answer?.description.map { String($0.prefix(200)) }].compactMap { $0 }
                    .joined(separator: ": ")
                throw AuthenticationStop(
                    message: "the token endpoint refused the client key and secret (HTTP \(result.status)"
                        + (reason.isEmpty ? "" : ", " + reason) + "); check --client-key and --client-secret-file")
            }
            redaction.add(fresh)
            token = fresh
            let lifetime = Double(answer.expiresIn ?? 7200)
            renewAt = WallClock.monotonic() + lifetime - configuration.tokenRenewalMargin
            return fresh
        }
    }

    /// Sends one POST and records it, redacted, in the HAR.
    private func send(
        _ url: String, headers: [HTTPField], body: [UInt8], mimeType: String, attempt: Int, isToken: Bool = false
    ) throws -> FetchResult {
        guard limiter.waitForTurn(cancellation) else { throw RunAbort.interrupted }
        let started = WallClock.now()
        let result = fetcher.send("POST", url, headers: headers, body: body, cancellation: cancellation)
        var exchange = HTTPExchange(
            startedSeconds: started.seconds, startedNanoseconds: started.nanoseconds, url: url,
            requestHeaders: headers, requestCookies: [], status: result.status, responseHeaders: result.headers,
            body: result.body, waitMilliseconds: result.waitSeconds * 1000,
            receiveMilliseconds: result.receiveSeconds * 1000, error: result.failure?.message, resourceType: "fetch",
            target: current.target.description, attempt: attempt)
        exchange.method = "POST"
        exchange.requestBody = body
        exchange.requestBodyMimeType = mimeType
        if isToken {
            exchange.requestBody = ResearchRedaction.tokenRequestBody()
            exchange.body = ResearchRedaction.tokenResponseBody(result.body, parser: parser)
        }
        do {
            try har.append(redaction.scrub(exchange))
        } catch {
            throw RunAbort.cannotWrite(error)
        }
        let path = RequestURL.path(of: url)
        let sizeText = result.failure == nil ? ", \(result.body.count) bytes" : ""
        log("POST \(path) \(result.failure?.message ?? "→ \(result.status)")\(sizeText)")
        if result.failure == .cancelled || cancellation.isCancelled { throw RunAbort.interrupted }
        return result
    }

    /// Waits before another try if tries remain; false when they are used up.
    private func retry(after attempt: Int, retryAfter: String?, reason: String) throws -> Bool {
        guard attempt <= configuration.backoff.retries,
            let pause = configuration.backoff.delay(beforeRetry: attempt, retryAfter: retryAfter)
        else { return false }
        log("\(reason): retrying (try \(attempt + 1) of \(configuration.backoff.retries + 1))")
        guard cancellation.sleep(seconds: pause) else { throw RunAbort.interrupted }
        return true
    }
}
