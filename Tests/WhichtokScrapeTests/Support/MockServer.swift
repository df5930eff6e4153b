import Foundation
import Synchronization
import WhichtokImport

#if canImport(Glibc)
    import Glibc
#endif

/// A small HTTP/1.1 server on 127.0.0.1 for the tests: an ephemeral port, one thread per
/// connection, `Connection: close` on every answer. It stops by itself after `maxRequests` requests
/// or `lifetime` seconds, whichever comes first, and never listens on anything but loopback.
final class MockServer: @unchecked Sendable {
    struct Request: Sendable {
        var method: String
        /// The request target as sent: path and query.
        var target: String
        var path: String
        /// Decoded query parameters, in order.
        var query: [(String, String)]
        /// Lowercased names.
        var headers: [String: String]
        /// The body (POST), as `Content-Length` announced it.
        var body: [UInt8] = []

        func parameter(_ name: String) -> String? { query.first { $0.0 == name }?.1 }
    }

    struct Response: Sendable {
        var status: Int
        var headers: [(String, String)] = []
        var body: [UInt8] = []
        /// Seconds to wait before answering (a slow server).
        var delay: Double = 0

        static func json(_ text: String, status: Int = 200) -> Response {
            Response(
                status: status, headers: [("Content-Type", "application/json; charset=utf-8")], body: Array(text.utf8))
        }

        static func html(_ text: String, status: Int = 200) -> Response {
            Response(status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(text.utf8))
        }
    }

    /// One request and the answer given (the bytes served, for comparison with the HAR).
    struct Served: Sendable {
        var request: Request
        var response: Response
    }

    typealias Handler = @Sendable (Request) -> Response

    let port: UInt16
    private let listener: Int32
    private let handler: Handler
    private let maxRequests: Int
    private let deadline: Double
    /// What the serving threads share.
    private struct State {
        var log: [Served] = []
        var stopping = false
        var active = 0
        var acceptThreadDone = false
    }

    private let state = Mutex(State())

    var baseURL: String { "http://127.0.0.1:\(port)" }

    init(maxRequests: Int = 300, lifetime: Double = 30, handler: @escaping Handler) throws {
        self.handler = handler
        self.maxRequests = maxRequests
        deadline = Date().timeIntervalSince1970 + lifetime
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw MockError("socket failed") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 32) == 0 else {
            close(fd)
            throw MockError("bind/listen failed")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        listener = fd
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    deinit { stop() }

    /// Everything served so far, in order of arrival.
    var served: [Served] { state.withLock { $0.log } }
    var requests: [Request] { served.map(\.request) }

    /// Stops accepting, waits (briefly) for open connections, closes the socket.
    func stop() {
        let alreadyStopping = state.withLock { state in
            let was = state.stopping
            state.stopping = true
            return was
        }
        let limit = Date().timeIntervalSince1970 + 5
        while Date().timeIntervalSince1970 < limit {
            let finished = state.withLock { $0.acceptThreadDone && $0.active == 0 }
            if finished { break }
            usleep(5_000)
        }
        if !alreadyStopping { close(listener) }
    }

    private var shouldStop: Bool {
        state.withLock { $0.stopping || $0.log.count >= maxRequests } || Date().timeIntervalSince1970 > deadline
    }

    private func acceptLoop() {
        defer { state.withLock { $0.acceptThreadDone = true } }
        while !shouldStop {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            state.withLock { $0.active += 1 }
            Thread.detachNewThread { [self] in
                serve(connection)
                state.withLock { $0.active -= 1 }
            }
        }
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let end = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while received.count < 65536 {
            let n = recv(connection, &buffer, buffer.count, 0)
            if n <= 0 { return }
            received.append(contentsOf: buffer[0..<n])
            if received.count >= 4,
                let found = received.indices.dropLast(3).first(where: { Array(received[$0..<($0 + 4)]) == end })
            {
                headEnd = found + 4
                break
            }
        }
        guard let headEnd, var request = Self.parse(Array(received[..<headEnd])) else { return }
        let length = min(Int(request.headers["content-length"] ?? "") ?? 0, 1 << 20)
        while received.count - headEnd < length {
            let n = recv(connection, &buffer, buffer.count, 0)
            if n <= 0 { return }
            received.append(contentsOf: buffer[0..<n])
        }
        request.body = Array(received[headEnd..<(headEnd + length)])
        let response = handler(request)
        let accepted = state.withLock { state -> Bool in
            guard state.log.count < maxRequests, !state.stopping else { return false }
            state.log.append(Served(request: request, response: response))
            return true
        }
        guard accepted else { return }
        if response.delay > 0 {
            let until = Date().timeIntervalSince1970 + response.delay
            while Date().timeIntervalSince1970 < until && !state.withLock({ $0.stopping }) { usleep(10_000) }
        }
        var head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        head += "Content-Length: \(response.body.count)\r\nConnection: close\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        let bytes = Array(head.utf8) + response.body
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    private static func parse(_ bytes: [UInt8]) -> Request? {
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        let first = lines[0].split(separator: " ")
        guard first.count == 3 else { return nil }
        let target = String(first[1])
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let path = String(target.prefix { $0 != "?" })
        var query: [(String, String)] = []
        if let mark = target.firstIndex(of: "?") {
            for pair in target[target.index(after: mark)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
                let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
                query.append((name, value))
            }
        }
        return Request(method: String(first[0]), target: target, path: path, query: query, headers: headers)
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 302: "Found"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 404: "Not Found"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        default: "Status"
        }
    }
}

struct MockError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
