import Foundation
import Testing
import WhichtokSupport
import WhichtokTestSupport

@testable import WhichtokScrape

/// The fetcher against a server on 127.0.0.1: what arrives there, and what comes back.
@Suite("HTTP fetcher (libcurl, loaded at the first request)")
struct HTTPFetcherTests {
    @Test("a gzip body arrives decoded; repeated headers stay separate; the status and the sent headers are kept")
    func gzipAndHeaders() throws {
        let text = Array(String(repeating: "{\"id\":\"7300000000000000001\"}", count: 200).utf8)
        let compressed = try ArchiveWriter.data([("body.json", text)], format: .gzip)
        let server = try MockServer { _ in
            MockServer.Response(
                status: 203,
                headers: [
                    ("Content-Type", "application/json"), ("Content-Encoding", "gzip"),
                    ("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=2; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT"),
                ],
                body: compressed)
        }
        defer { server.stop() }
        let fetcher = HTTPFetcher(timeout: 5, maxBodyBytes: 1 << 20)
        let result = fetcher.get(
            server.baseURL + "/api/item?x=1",
            headers: [HTTPField("User-Agent", "whichtok-test"), HTTPField("Cookie", "c=3")],
            cancellation: Cancellation())
        #expect(result.failure == nil)
        #expect(result.status == 203)
        #expect(result.body == text)
        let cookies = result.headers.filter { $0.name.lowercased() == "set-cookie" }.map(\.value)
        #expect(cookies == ["a=1; Path=/", "b=2; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT"])
        #expect(result.headers.contains(HTTPField("Content-Type", "application/json")))
        #expect(result.waitSeconds >= 0 && result.receiveSeconds >= 0)
        let request = try #require(server.requests.first)
        #expect(request.method == "GET")
        #expect(request.target == "/api/item?x=1")
        #expect(request.headers["user-agent"] ?? request.headers["User-Agent"] == "whichtok-test")
        #expect(request.headers["cookie"] ?? request.headers["Cookie"] == "c=3")
    }

    @Test("a POST body reaches the server byte for byte, without Expect: 100-continue")
    func postBody() throws {
        let body = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let server = try MockServer { _ in .json("{}") }
        defer { server.stop() }
        let result = HTTPFetcher(timeout: 5, maxBodyBytes: 1 << 20).send(
            "POST", server.baseURL + "/v2/research/video/query/",
            headers: [HTTPField("Content-Type", "application/octet-stream")], body: body, cancellation: Cancellation())
        #expect(result.failure == nil)
        #expect(result.status == 200)
        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.body == body)
        #expect(!request.headers.keys.contains { $0.lowercased() == "expect" })
    }

    @Test("a redirect is returned, not followed")
    func redirectNotFollowed() throws {
        let server = try MockServer { request in
            request.path == "/from"
                ? MockServer.Response(status: 302, headers: [("Location", "/to")]) : .html("<p>to</p>")
        }
        defer { server.stop() }
        let result = HTTPFetcher(timeout: 5, maxBodyBytes: 1 << 20).get(
            server.baseURL + "/from", headers: [], cancellation: Cancellation())
        #expect(result.failure == nil)
        #expect(result.status == 302)
        #expect(result.headers.contains(HTTPField("Location", "/to")))
        #expect(server.requests.map(\.path) == ["/from"])
    }

    @Test("a body over the limit fails as too large; an answer that stalls times out; cancelling stops a request")
    func limits() throws {
        let server = try MockServer { request in
            switch request.path {
            case "/large": .json(String(repeating: "x", count: 100_000))
            default: MockServer.Response(status: 200, body: Array("late".utf8), delay: 3)
            }
        }
        defer { server.stop() }
        let large = HTTPFetcher(timeout: 5, maxBodyBytes: 10_000).get(
            server.baseURL + "/large", headers: [], cancellation: Cancellation())
        #expect(large.failure == .tooLarge)

        var start = WallClock.monotonic()
        let stalled = HTTPFetcher(timeout: 0.3, maxBodyBytes: 1 << 20).get(
            server.baseURL + "/slow", headers: [], cancellation: Cancellation())
        #expect(stalled.failure == .timedOut)
        #expect(WallClock.monotonic() - start < 2.5)

        let cancellation = Cancellation()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { cancellation.cancel() }
        start = WallClock.monotonic()
        let cancelled = HTTPFetcher(timeout: 10, maxBodyBytes: 1 << 20).get(
            server.baseURL + "/slow", headers: [], cancellation: cancellation)
        #expect(cancelled.failure == .cancelled)
        #expect(WallClock.monotonic() - start < 2.5)
    }

    @Test("a URL that is not absolute http(s) is not sent; a refused connection names the failure")
    func failures() throws {
        let fetcher = HTTPFetcher(timeout: 2, maxBodyBytes: 1 << 20)
        for url in ["", "/relative", "ftp://example.com/x", "file:///etc/passwd", "http://"] {
            #expect(fetcher.get(url, headers: [], cancellation: Cancellation()).failure == .invalidURL, "\(url)")
        }
        // A port nothing listens on: bind one, note it, close it.
        let port = try #require(Self.closedPort())
        let refused = fetcher.get("http://127.0.0.1:\(port)/", headers: [], cancellation: Cancellation())
        guard case .transport(let message) = refused.failure else {
            Issue.record("expected a transport failure, got \(String(describing: refused.failure))")
            return
        }
        #expect(!message.isEmpty)
        #expect(refused.status == 0)
    }

    /// A local TCP port that was free a moment ago.
    static func closedPort() -> UInt16? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        return bound ? UInt16(bigEndian: address.sin_port) : nil
    }
}
