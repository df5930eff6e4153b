import Foundation
import Testing
import WhichtokImport
import WhichtokTestSupport

@testable import WhichtokScrape

@Suite("Cookies, rate limiting, backoff, signer, targets")
struct PolitenessTests {
    @Test("Netscape cookie files: comments, #HttpOnly_, CRLF, missing value, bad lines reported without values")
    func cookieFile() {
        let text =
            "\u{FEFF}# Netscape HTTP Cookie File\r\n"
            + "# https://curl.se/docs/http-cookies.html\r\n"
            + "\r\n"
            + ".tiktok.com\tTRUE\t/\tTRUE\t1893456000\tmsToken\tAbC-123==\r\n"
            + "#HttpOnly_.tiktok.com\tTRUE\t/\tTRUE\t1893456000.5\tsessionid\tsecret-session\r\n"
            + "www.tiktok.com\tFALSE\t/api\tFALSE\t0\ttt_csrf_token\tcsrf\r\n"
            + "www.tiktok.com\tFALSE\t/\tFALSE\t0\tempty\r\n"
            + "broken line without tabs secret-value\r\n"
            + "www.tiktok.com\tMAYBE\t/\tFALSE\t0\tx\tsecret2\r\n"
        let parsed = CookieJar.parseNetscape(text)
        #expect(parsed.cookies.map(\.name) == ["msToken", "sessionid", "tt_csrf_token", "empty"])
        #expect(
            parsed.cookies[0].domain == "tiktok.com" && parsed.cookies[0].includeSubdomains && parsed.cookies[0].secure)
        #expect(parsed.cookies[0].value == "AbC-123==")
        #expect(parsed.cookies[1].httpOnly && parsed.cookies[1].expires == 1_893_456_000)
        #expect(
            parsed.cookies[2].path == "/api" && !parsed.cookies[2].includeSubdomains && parsed.cookies[2].expires == 0)
        #expect(parsed.cookies[3].value == "")
        #expect(parsed.problems.map(\.line) == [8, 9])
        #expect(!parsed.problems.map(\.description).joined().contains("secret"))

        let jar = CookieJar(parsed.cookies)
        let now = 1_800_000_000
        #expect(
            jar.cookies(host: "www.tiktok.com", path: "/@x", secure: true, now: now).map(\.name) == [
                "msToken", "sessionid", "empty",
            ])
        #expect(
            jar.cookies(host: "www.tiktok.com", path: "/api/post/", secure: true, now: now).first?.name
                == "tt_csrf_token")
        #expect(
            jar.cookies(host: "www.tiktok.com", path: "/apix", secure: true, now: now).allSatisfy {
                $0.name != "tt_csrf_token"
            })
        // secure-only or host-only
        #expect(jar.cookies(host: "m.tiktok.com", path: "/", secure: false, now: now).isEmpty)
        #expect(jar.cookies(host: "nottiktok.com", path: "/", secure: true, now: now).isEmpty)
        // expired
        #expect(
            jar.cookies(host: "www.tiktok.com", path: "/", secure: true, now: 1_900_000_000).map(\.name) == ["empty"])
        #expect(jar.value(named: "msToken", host: "www.tiktok.com", now: now) == "AbC-123==")
    }

    @Test("a cookie file that cannot be read is an input error")
    func missingCookieFile() throws {
        let scratch = try TemporaryFolder()
        #expect(throws: ScrapeError.self) { _ = try CookieJar.readNetscapeFile(scratch.file("none.txt")) }
        let path = scratch.file("cookies.txt")
        try "127.0.0.1\tFALSE\t/\tFALSE\t0\tmsToken\tt\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try CookieJar.readNetscapeFile(path).cookies.map(\.value) == ["t"])
    }

    @Test("Set-Cookie: merged headers, Expires with a comma, Max-Age, Domain checks, deletion")
    func setCookie() {
        #expect(
            SetCookie.split("a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/, b=2; HttpOnly, c=3")
                == ["a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/", "b=2; HttpOnly", "c=3"])
        var jar = CookieJar()
        let now = 1_800_000_000
        jar.take(
            setCookieHeaders: [
                "ttwid=1%7Cabc; Domain=.tiktok.com; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Secure; HttpOnly",
                "msToken=tok; Max-Age=60",
                "evil=1; Domain=example.org",
            ], host: "www.tiktok.com", path: "/@someone", now: now)
        #expect(jar.cookies.map(\.name) == ["ttwid", "msToken"])
        #expect(jar.cookies[0].domain == "tiktok.com" && jar.cookies[0].includeSubdomains && jar.cookies[0].secure)
        #expect(jar.cookies[0].expires == 2_139_722_880)
        #expect(jar.cookies[1].expires == now + 60 && jar.cookies[1].path == "/" && !jar.cookies[1].includeSubdomains)
        jar.take(setCookieHeaders: ["msToken=gone; Max-Age=0"], host: "www.tiktok.com", path: "/", now: now)
        #expect(jar.cookies.map(\.name) == ["ttwid"])
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == 784_111_777)
    }

    @Test("the rate limiter spaces requests by at least the interval, with bounded jitter")
    func rateLimiter() {
        let limiter = RateLimiter(requestsPerSecond: 25, jitter: 0.5)  // 40 ms, up to 60 ms
        let cancellation = Cancellation()
        var times: [Double] = []
        for _ in 0..<6 {
            #expect(limiter.waitForTurn(cancellation))
            times.append(WallClock.monotonic())
        }
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        #expect(gaps.allSatisfy { $0 >= 0.038 }, "\(gaps)")
        #expect(gaps.reduce(0, +) < 5 * 0.06 + 0.25, "\(gaps)")
        cancellation.cancel()
        #expect(!limiter.waitForTurn(cancellation))
    }

    @Test("a cancelled wait ends at once")
    func cancelledSleep() {
        let cancellation = Cancellation()
        let start = WallClock.monotonic()
        Thread.detachNewThread {
            usleep(50_000)
            cancellation.cancel()
        }
        #expect(!cancellation.sleep(seconds: 5))
        #expect(WallClock.monotonic() - start < 1)
    }

    @Test("backoff doubles, honours Retry-After, stays under the maximum, gives up on longer Retry-After")
    func backoff() {
        let backoff = Backoff(base: 1, maximum: 10, retries: 5)
        #expect((1..<1.25).contains(backoff.delay(beforeRetry: 1, retryAfter: nil) ?? -1))
        #expect((2..<2.5).contains(backoff.delay(beforeRetry: 2, retryAfter: nil) ?? -1))
        #expect((4..<5).contains(backoff.delay(beforeRetry: 3, retryAfter: nil) ?? -1))
        #expect(backoff.delay(beforeRetry: 9, retryAfter: nil) == 10)
        #expect(backoff.delay(beforeRetry: 1, retryAfter: "7") == 7)
        // Asked to wait longer than whichtok ever waits: give up rather than come back early.
        #expect(backoff.delay(beforeRetry: 1, retryAfter: "3600") == nil)
        #expect(backoff.delay(beforeRetry: 1, retryAfter: "Wed, 21 Oct 2037 07:28:00 GMT") == nil)
        #expect((1..<1.25).contains(backoff.delay(beforeRetry: 1, retryAfter: "Sun, 06 Nov 1994 08:49:37 GMT") ?? -1))
    }

    @Test("the signer is a shell command: URL on stdin, signed URL on stdout")
    func signer() throws {
        let url = "http://127.0.0.1:9/api/post/item_list/?aid=1988&secUid=MS4w&count=35&cursor=0"
        let signed = try Signer(command: #"read u; printf '%s&X-Bogus=DFSz&X-Gnarly=MyJ\n' "$u""#).sign(url)
        #expect(signed == url + "&X-Bogus=DFSz&X-Gnarly=MyJ")
        // Tools like sed work as signers too.
        #expect(try Signer(command: "sed 's/$/\\&X-Bogus=1/'").sign(url) == url + "&X-Bogus=1")
    }

    @Test("signer failures are reported: exit status, silence, another site, a hang")
    func signerFailures() {
        let url = "http://127.0.0.1:9/api/comment/list/?aweme_id=1"
        func message(_ command: String, timeout: Double = 5) -> String {
            do {
                _ = try Signer(command: command, timeout: timeout).sign(url)
                return "no error"
            } catch {
                return error.description
            }
        }
        #expect(message("exit 3").contains("exited with status 3"))
        #expect(message("cat >/dev/null").contains("printed no URL"))
        #expect(message("echo https://elsewhere.example/api/comment/list/").contains("same site"))
        let start = WallClock.monotonic()
        #expect(message("sleep 5", timeout: 0.3).contains("no answer within"))
        #expect(WallClock.monotonic() - start < 2)
        // A signer that never reads its input must not take whichtok down with SIGPIPE.
        #expect(message("echo " + url).contains("no error"))
    }

    @Test("targets are read from usernames, URLs, hashtags and sound ids")
    func targets() throws {
        #expect(try ScrapeTarget.parse(kind: .user, "@Some.One_1").value == "Some.One_1")
        #expect(try ScrapeTarget.parse(kind: .user, "https://www.tiktok.com/@someone?lang=en").value == "someone")
        #expect(
            try ScrapeTarget.parse(
                kind: .video, "https://www.tiktok.com/@someone/video/7300000000000000001?is_from_webapp=1#x"
            ).value
                == "/@someone/video/7300000000000000001")
        #expect(
            try ScrapeTarget.parse(kind: .video, "@someone/photo/7300000000000000002").value
                == "/@someone/photo/7300000000000000002")
        #expect(try ScrapeTarget.parse(kind: .hashtag, "#cats").value == "cats")
        #expect(
            try ScrapeTarget.parse(kind: .sound, "https://www.tiktok.com/music/original-sound-7200000000000000001")
                .value
                == "7200000000000000001")
        #expect(try ScrapeTarget.parse(kind: .sound, "7200000000000000001").description == "sound:7200000000000000001")
        for (kind, text) in [
            (TargetKind.user, "some one"), (.user, "@"), (.video, "https://vm.tiktok.com/ZMabc/"),
            (.video, "/@x/video/abc"),
            (.hashtag, "#"), (.sound, "popular-tune"),
        ] {
            #expect(throws: ScrapeError.self, "\(kind) \(text)") { _ = try ScrapeTarget.parse(kind: kind, text) }
        }
    }

    @Test("base URLs: scheme, port, prefix; nothing else")
    func baseURL() throws {
        let base = try #require(BaseURL("http://127.0.0.1:8080/mirror/"))
        #expect(base.host == "127.0.0.1" && base.authority == "127.0.0.1:8080" && base.pathPrefix == "/mirror")
        #expect(
            base.url(path: "/api/x/", query: [HTTPField("a b", "c&d/é")])
                == "http://127.0.0.1:8080/mirror/api/x/?a%20b=c%26d%2F%C3%A9")
        #expect(BaseURL(ScrapeConfiguration.defaultBaseURL)?.isSecure == true)
        for bad in ["ftp://x", "www.tiktok.com", "https://x/?q=1", "https://user@x", "https://"] {
            #expect(BaseURL(bad) == nil, "\(bad)")
        }
    }
}
