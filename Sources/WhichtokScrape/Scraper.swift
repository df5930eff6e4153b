import WhichtokImport

/// Stops the whole run.
enum RunAbort: Error {
    case interrupted
    case cannotWrite(ScrapeError)
}

/// Stops one target (bot check, signer failure); the run goes on with the next target.
struct TargetStop: Error {
    var message: String
}

/// The outcome of one request after retries and redirects.
enum RequestOutcome {
    case body(HTTPExchange)
    /// HTTP 404 or 410.
    case notFound(Int)
    /// Failed after retries, or an HTTP error that retrying does not fix.
    case failed(String)
}

/// What one request is for: a server-rendered page or an API call.
enum Resource {
    case page
    case api(Endpoint)

    var name: String {
        switch self {
        case .page: "document"
        case .api: "fetch"
        }
    }
}

/// Fetches pages and API lists politely and records every request and response in a HAR file.
///
/// One request at a time, spaced by a `RateLimiter`; 429, 5xx and timeouts are retried with a
/// bounded exponential `Backoff`; bot answers stop the target instead of looping. The scraper is
/// synchronous: call `run` from one thread, and `Cancellation.cancel()` from any other.
package final class Scraper {
    package let configuration: ScrapeConfiguration
    private let har: HARWriter
    private let cancellation: Cancellation
    private let log: (String) -> Void
    private let fetcher: HTTPFetcher
    private let limiter: RateLimiter
    private var jar: CookieJar
    private let web: WebParameters
    private let parser = JSONParser()
    private var current = TargetReport(target: ScrapeTarget(kind: .user, value: ""), outcome: .complete)

    /// - Parameters:
    ///   - har: where every request and response goes, as it happens.
    ///   - log: progress lines (one per request and per target; never a response body).
    package init(
        configuration: ScrapeConfiguration, har: HARWriter, cancellation: Cancellation, log: @escaping (String) -> Void
    ) {
        self.configuration = configuration
        self.har = har
        self.cancellation = cancellation
        self.log = log
        fetcher = HTTPFetcher(timeout: configuration.timeout, maxBodyBytes: configuration.maxBodyBytes)
        limiter = RateLimiter(requestsPerSecond: configuration.requestsPerSecond, jitter: configuration.jitter)
        jar = CookieJar(configuration.cookies)
        web = WebParameters(userAgent: configuration.userAgent)
    }

    /// Scrapes the targets in order.
    /// - Returns: what happened to each target; `interrupted` when `cancellation` fired.
    /// - Throws: `ScrapeError` (`.cannotWrite`) when the HAR cannot be written; the file then
    ///   still holds every entry written before.
    package func run(_ targets: [ScrapeTarget]) throws(ScrapeError) -> ScrapeReport {
        var report = ScrapeReport()
        var blockedInARow = 0
        for (index, target) in targets.enumerated() {
            if report.interrupted || report.stoppedEarly != nil {
                report.targets.append(TargetReport(target: target, outcome: .notTried))
                continue
            }
            current = TargetReport(target: target, outcome: .complete)
            do {
                try scrape(target)
            } catch let stop as TargetStop {
                current.outcome = .stopped
                current.messages.append(stop.message)
            } catch RunAbort.interrupted {
                report.interrupted = true
                current.outcome = .partial
                current.messages.append("interrupted")
            } catch RunAbort.cannotWrite(let error) {
                throw error
            } catch {
                current.outcome = .failed
                current.messages.append("\(error)")
            }
            report.targets.append(current)
            log(
                "\(target): \(current.outcome.rawValue) (\(current.countsText))"
                    + (current.messages.isEmpty ? "" : ": " + current.messages.joined(separator: "; ")))
            blockedInARow = current.outcome == .stopped ? blockedInARow + 1 : 0
            if blockedInARow >= configuration.stopAfterBlockedTargets && index + 1 < targets.count {
                report.stoppedEarly =
                    "\(blockedInARow) targets in a row were stopped by bot checks; "
                    + "the remaining \(targets.count - index - 1) were not tried (wait before trying again)"
            }
        }
        report.entries = har.entryCount
        return report
    }

    // MARK: - Targets

    private func scrape(_ target: ScrapeTarget) throws {
        switch target.kind {
        case .user: try scrapeUser(target.value)
        case .video: try scrapeVideo(path: target.value)
        case .hashtag: try scrapeHashtag(target.value)
        case .sound: try scrapeSound(target.value)
        }
    }

    private func scrapeUser(_ name: String) throws {
        let limits = configuration.limits
        let pageURL = configuration.baseURL.url(path: "/@" + RequestURL.encode(name))
        guard let json = try pageJSON(pageURL) else { return }
        let page: UserPage?
        do {
            page = try TikTokJSON.userPage(json, parser: parser)
        } catch {
            return fail("the page's embedded JSON is malformed (\(error))")
        }
        guard let page else { return fail("the page has no webapp.user-detail section (layout not recognised)") }
        switch TikTokStatus(code: page.statusCode) {
        case .ok: break
        case .botCheck: throw TargetStop(message: "bot check on the user page: \(TikTokStatus.name(page.statusCode))")
        case .privateAccount: return skip("private account: skipped")
        case .missing: return skip("\(TikTokStatus.name(page.statusCode)): skipped")
        case .other: return fail("the user page says \(TikTokStatus.name(page.statusCode))")
        }
        if page.isPrivate { return skip("private account: skipped") }
        guard let secUid = page.secUid, !secUid.isEmpty else { return fail("the user page carries no secUid") }

        if limits.posts > 0 {
            let videos = try list(
                .userPosts, [HTTPField("secUid", secUid)], shape: .items, cursorName: "cursor",
                limit: limits.posts, referer: pageURL, what: "posts", counter: \.posts)
            try comments(on: videos, referer: pageURL)
        }
        if limits.followers > 0 {
            _ = try list(
                .userList, [HTTPField("secUid", secUid), HTTPField("scene", "67"), HTTPField("maxCursor", "0")],
                shape: .users, cursorName: "minCursor", limit: limits.followers, referer: pageURL, what: "followers",
                counter: \.followers)
        }
        if limits.following > 0 {
            _ = try list(
                .userList, [HTTPField("secUid", secUid), HTTPField("scene", "21"), HTTPField("maxCursor", "0")],
                shape: .users, cursorName: "minCursor", limit: limits.following, referer: pageURL, what: "following",
                counter: \.following)
        }
    }

    private func scrapeVideo(path: String) throws {
        let pageURL = configuration.baseURL.url(path: path)
        guard let json = try pageJSON(pageURL) else { return }
        let page: VideoPage?
        do {
            page = try TikTokJSON.videoPage(json, parser: parser)
        } catch {
            return fail("the page's embedded JSON is malformed (\(error))")
        }
        guard let page else { return fail("the page has no webapp.video-detail section (layout not recognised)") }
        switch TikTokStatus(code: page.statusCode) {
        case .ok: break
        case .botCheck: throw TargetStop(message: "bot check on the video page: \(TikTokStatus.name(page.statusCode))")
        case .privateAccount: return skip("private video: skipped")
        case .missing: return skip("\(TikTokStatus.name(page.statusCode)): skipped")
        case .other: return fail("the video page says \(TikTokStatus.name(page.statusCode))")
        }
        guard let video = page.video else { return fail("the video page carries no item") }
        current.posts = 1
        try comments(on: [video], referer: pageURL)
    }

    private func scrapeHashtag(_ name: String) throws {
        let referer = configuration.baseURL.url(path: "/tag/" + RequestURL.encode(name))
        guard
            let id = try detail(
                .hashtagDetail, [HTTPField("challengeName", name)], container: "challengeInfo", record: "challenge",
                referer: referer, what: "hashtag")
        else { return }
        guard configuration.limits.posts > 0 else { return }
        let videos = try list(
            .hashtagPosts, [HTTPField("challengeID", id)], shape: .items, cursorName: "cursor",
            limit: configuration.limits.posts, referer: referer, what: "posts", counter: \.posts)
        try comments(on: videos, referer: referer)
    }

    private func scrapeSound(_ id: String) throws {
        let referer = configuration.baseURL.url(path: "/music/-" + id)
        guard
            let musicID = try detail(
                .soundDetail, [HTTPField("musicId", id)], container: "musicInfo", record: "music", referer: referer,
                what: "sound")
        else { return }
        guard configuration.limits.posts > 0 else { return }
        let videos = try list(
            .soundPosts, [HTTPField("musicID", musicID)], shape: .items, cursorName: "cursor",
            limit: configuration.limits.posts, referer: referer, what: "posts", counter: \.posts)
        try comments(on: videos, referer: referer)
    }

    /// Comments (and replies, with `--replies`) under each video, up to the limits.
    private func comments(on videos: [ListedItem], referer: String) throws {
        let limits = configuration.limits
        guard limits.comments > 0 else { return }
        // Videos that say they have no comments are not asked.
        for video in videos where (video.childCount ?? 1) > 0 {
            let videoReferer =
                video.author.map {
                    configuration.baseURL.url(path: "/@" + RequestURL.encode($0) + "/video/" + video.id)
                } ?? referer
            let comments = try list(
                .comments, [HTTPField("aweme_id", video.id)], shape: .comments, cursorName: "cursor",
                limit: limits.comments, referer: videoReferer, what: "comments on \(video.id)", counter: \.comments)
            guard limits.replies else { continue }
            for comment in comments where (comment.childCount ?? 0) > 0 {
                _ = try list(
                    .replies, [HTTPField("item_id", video.id), HTTPField("comment_id", comment.id)], shape: .comments,
                    cursorName: "cursor", limit: limits.comments, referer: videoReferer,
                    what: "replies to \(comment.id)",
                    counter: \.replies)
            }
        }
    }

    private func fail(_ message: String) {
        current.outcome = .failed
        current.messages.append(message)
    }

    private func skip(_ message: String) {
        current.outcome = .skipped
        current.messages.append(message)
    }

    /// A part of the target failed; the rest goes on.
    private func partFailed(_ message: String) {
        if current.outcome == .complete { current.outcome = .partial }
        current.messages.append(message)
    }

    // MARK: - Pages, details and lists

    /// Fetches a server-rendered page and returns its rehydration JSON; nil after recording why not.
    private func pageJSON(_ url: String) throws -> ArraySlice<UInt8>? {
        switch try request(url, .page, referer: nil) {
        case .notFound(let status):
            skip("not found (HTTP \(status)): skipped")
            return nil
        case .failed(let message):
            fail("page \(RequestURL.path(of: url)): \(message)")
            return nil
        case .body(let exchange):
            if let json = PageData.rehydrationJSON(in: exchange.body) { return json }
            if PageData.looksLikeChallenge(exchange.body) {
                throw TargetStop(
                    message:
                        "bot check: TikTok answered with a challenge or captcha page instead of \(RequestURL.path(of: url)); wait, or use your own session cookies (--cookies)"
                )
            }
            fail("the page has no \(PageData.rehydrationID) script (layout not recognised)")
            return nil
        }
    }

    /// Calls a detail endpoint and returns the record's id; nil after recording why not.
    private func detail(
        _ endpoint: Endpoint, _ parameters: [HTTPField], container: String, record: String, referer: String,
        what: String
    ) throws -> String? {
        let url = apiURL(endpoint, parameters)
        switch try request(url, .api(endpoint), referer: referer) {
        case .notFound(let status):
            skip("\(what) not found (HTTP \(status)): skipped")
            return nil
        case .failed(let message):
            fail("\(endpoint.path): \(message)")
            return nil
        case .body(let exchange):
            let page: DetailPage
            do {
                page = try TikTokJSON.detailPage(exchange.body, container: container, record: record, parser: parser)
            } catch {
                fail("malformed JSON from \(endpoint.path) (\(error))")
                return nil
            }
            if page.verify { throw TargetStop(message: "bot check: \(endpoint.path) answered with a captcha") }
            switch TikTokStatus(code: page.statusCode) {
            case .ok: break
            case .botCheck:
                throw TargetStop(message: "bot check: \(endpoint.path) says \(TikTokStatus.name(page.statusCode))")
            case .privateAccount, .missing:
                skip("\(what): \(TikTokStatus.name(page.statusCode)): skipped")
                return nil
            case .other:
                fail("\(endpoint.path) says \(TikTokStatus.name(page.statusCode))")
                return nil
            }
            guard let id = page.id else {
                skip("\(what) not found (empty answer from \(endpoint.path)): skipped")
                return nil
            }
            return id
        }
    }

    /// Pages through a list endpoint until `limit` records, `hasMore` false, or a cursor that does
    /// not move. A failure ends this list only (the target goes on); a bot check ends the target.
    ///
    /// `counter` (posts, comments…) grows as records arrive, so an interrupted run reports them too.
    private func list(
        _ endpoint: Endpoint, _ parameters: [HTTPField], shape: ListShape, cursorName: String, limit: Int,
        referer: String, what: String, counter: WritableKeyPath<TargetReport, Int>
    ) throws -> [ListedItem] {
        var collected: [ListedItem] = []
        var seen = Set<String>()
        var cursor = "0"
        while collected.count < limit {
            let count = min(endpoint.pageSize, limit - collected.count)
            let url = apiURL(endpoint, parameters + [HTTPField("count", String(count)), HTTPField(cursorName, cursor)])
            let exchange: HTTPExchange
            switch try request(url, .api(endpoint), referer: referer) {
            case .notFound(let status):
                partFailed("\(what): \(endpoint.path) not found (HTTP \(status))")
                return collected
            case .failed(let message):
                partFailed("\(what): \(endpoint.path): \(message)")
                return collected
            case .body(let answer):
                exchange = answer
            }
            let page: ListPage
            do {
                page = try TikTokJSON.listPage(exchange.body, shape: shape, parser: parser)
            } catch {
                partFailed("\(what): malformed JSON from \(endpoint.path) (\(error)); the list stops here")
                return collected
            }
            if page.verify { throw TargetStop(message: "bot check: \(endpoint.path) answered with a captcha") }
            switch TikTokStatus(code: page.statusCode) {
            case .ok: break
            case .botCheck:
                throw TargetStop(message: "bot check: \(endpoint.path) says \(TikTokStatus.name(page.statusCode))")
            case .privateAccount, .missing, .other:
                partFailed("\(what): \(endpoint.path) says \(TikTokStatus.name(page.statusCode))")
                return collected
            }
            var fresh = 0
            for item in page.items where collected.count < limit && seen.insert(item.id).inserted {
                collected.append(item)
                fresh += 1
            }
            current[keyPath: counter] += fresh
            guard page.hasMore, fresh > 0, collected.count < limit else { break }
            guard let next = page.nextCursor, next != cursor else {
                partFailed("\(what): \(endpoint.path) did not move its cursor; the list stops here")
                break
            }
            cursor = next
        }
        return collected
    }

    private func apiURL(_ endpoint: Endpoint, _ parameters: [HTTPField]) -> String {
        let token = jar.value(named: "msToken", host: configuration.baseURL.host)
        return configuration.baseURL.url(
            path: endpoint.path, query: web.query(for: endpoint, parameters, msToken: token))
    }

    // MARK: - One request, with retries and redirects

    /// Sends one GET (signed for API calls when a signer is set), records every try in the HAR, and
    /// retries 429, 5xx and timeouts with backoff.
    /// - Throws: `TargetStop` for bot answers and signer failures, `RunAbort` when interrupted or
    ///   when the HAR cannot be written.
    private func request(_ firstURL: String, _ resource: Resource, referer: String?) throws -> RequestOutcome {
        var url = firstURL
        var redirects = 0
        var attempt = 0
        let base = configuration.baseURL
        while true {
            attempt += 1
            guard limiter.waitForTurn(cancellation) else { throw RunAbort.interrupted }
            var sent = url
            var signed = false
            if case .api = resource, let signer = configuration.signer {
                do {
                    sent = try signer.sign(url)
                    signed = true
                } catch {
                    throw TargetStop(message: error.description)
                }
            }
            let path = RequestURL.path(of: sent)
            let cookies = jar.cookies(host: base.host, path: path, secure: base.isSecure)
            var headers = [HTTPField("User-Agent", configuration.userAgent)]
            switch resource {
            case .page:
                headers.append(HTTPField("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"))
            case .api:
                headers.append(HTTPField("Accept", "application/json, text/plain, */*"))
            }
            headers.append(HTTPField("Accept-Language", "en-US,en;q=0.9"))
            if let referer { headers.append(HTTPField("Referer", referer)) }
            if !cookies.isEmpty {
                headers.append(HTTPField("Cookie", cookies.map { $0.name + "=" + $0.value }.joined(separator: "; ")))
            }

            let started = WallClock.now()
            let result = fetcher.get(sent, headers: headers, cancellation: cancellation)
            let exchange = HTTPExchange(
                startedSeconds: started.seconds, startedNanoseconds: started.nanoseconds, url: sent,
                requestHeaders: headers, requestCookies: cookies.map { HTTPField($0.name, $0.value) },
                status: result.status, responseHeaders: result.headers, body: result.body,
                waitMilliseconds: result.waitSeconds * 1000, receiveMilliseconds: result.receiveSeconds * 1000,
                error: result.failure?.message, resourceType: resource.name, target: current.target.description,
                attempt: attempt)
            do {
                try har.append(exchange)
            } catch {
                throw RunAbort.cannotWrite(error)
            }
            jar.take(
                setCookieHeaders: result.headers.filter { $0.name.lowercased() == "set-cookie" }.map(\.value),
                host: base.host, path: path)
            let sizeText = result.failure == nil ? ", \(result.body.count) bytes" : ""
            log("GET \(path) \(result.failure?.message ?? "→ \(result.status)")\(sizeText)")

            if let failure = result.failure {
                if failure == .cancelled || cancellation.isCancelled { throw RunAbort.interrupted }
                if failure == .tooLarge { return .failed("response over \(configuration.maxBodyBytes) bytes") }
                if failure == .invalidURL {
                    return .failed("invalid URL" + (signed ? " (as printed by the signer)" : ""))
                }
                if try retry(after: attempt, retryAfter: nil, reason: failure.message) { continue }
                return .failed("\(failure.message) (\(attempt) tries)")
            }
            let status = result.status
            if HTTPStatus.isRetryable(status) {
                if try retry(
                    after: attempt, retryAfter: exchange.responseHeader("Retry-After"), reason: "HTTP \(status)")
                {
                    continue
                }
                return .failed("HTTP \(status) (\(attempt) tries)")
            }
            if HTTPStatus.isRedirect(status) {
                guard
                    let location = exchange.responseHeader("Location").flatMap({ RequestURL.resolve($0, against: sent) }
                    )
                else {
                    return .failed("HTTP \(status) without a Location")
                }
                let target = RequestURL.path(of: location).lowercased()
                if !base.contains(location) || target.contains("login") || target.contains("verify")
                    || target.contains("captcha")
                {
                    throw TargetStop(
                        message: "bot check: \(RequestURL.path(of: url)) redirected to a login or verification page")
                }
                guard redirects < configuration.maxRedirects else {
                    return .failed("more than \(configuration.maxRedirects) redirects")
                }
                redirects += 1
                url = location
                attempt = 0
                continue
            }
            if status == 403 {
                throw TargetStop(
                    message: "bot check: HTTP 403 for \(RequestURL.path(of: url)) (TikTok refused the request)")
            }
            if status == 404 || status == 410 { return .notFound(status) }
            guard (200..<300).contains(status) else { return .failed("HTTP \(status)") }
            if result.body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
                throw TargetStop(message: emptyAnswerMessage(resource, path: RequestURL.path(of: url), signed: signed))
            }
            return .body(exchange)
        }
    }

    /// Waits before another try if tries remain; false when they are used up.
    private func retry(after attempt: Int, retryAfter: String?, reason: String) throws -> Bool {
        guard attempt <= configuration.backoff.retries else { return false }
        guard let pause = configuration.backoff.delay(beforeRetry: attempt, retryAfter: retryAfter) else {
            log(
                "\(reason): the server asks to wait \(retryAfter ?? "?") s, longer than whichtok waits; giving up this request"
            )
            return false
        }
        log(
            "\(reason): retrying in \(Self.seconds(pause)) s (try \(attempt + 1) of \(configuration.backoff.retries + 1))"
        )
        guard cancellation.sleep(seconds: pause) else { throw RunAbort.interrupted }
        return true
    }

    private func emptyAnswerMessage(_ resource: Resource, path: String, signed: Bool) -> String {
        let head = "bot answer: HTTP 200 with an empty body for \(path)"
        switch resource {
        case .page:
            return head + "; TikTok suspects a bot: wait, or use your own session cookies (--cookies)"
        case .api(let endpoint):
            if signed {
                return head + "; TikTok refused the signature or suspects a bot: check the signer, refresh the "
                    + "session cookies (msToken, ttwid), or wait"
            }
            return head + "; \(endpoint.path) needs a signed URL (X-Bogus/X-Gnarly): pass --signer CMD. "
                + "Endpoints that need one: \(Endpoint.signedList); user and video pages do not"
        }
    }

    private static func seconds(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
