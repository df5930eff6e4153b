import Dispatch
import Foundation
import Synchronization
import Testing
import WhichtokScrape
import WhichtokTestSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `--signer` command run through `Process` (issue 12): hangs, children, large output, signals.
@Suite("Signer processes")
struct SignerTests {
    let url = "http://127.0.0.1:9/api/post/item_list/?aid=1988&secUid=MS4w&count=35&cursor=0"

    func message(_ command: String, timeout: Double = 10) -> String {
        do {
            _ = try Signer(command: command, timeout: timeout).sign(url)
            return "no error"
        } catch {
            return error.description
        }
    }

    /// Whether `pid` is a live process (a zombie waiting for its parent counts as ended).
    static func isAlive(_ pid: Int32) -> Bool {
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        {
            return stat[close...].dropFirst(2).first != "Z"
        }
        return kill(pid, 0) == 0
    }

    @Test("a signer that hangs is killed after the timeout, together with the children it started")
    func hangKillsChildren() throws {
        let folder = try TemporaryFolder("signer")
        let pidFile = folder.file("child.pid")
        // The child inherits stdout, so the pipe stays open as long as it lives.
        let text = message("sleep 120 & echo $! > '\(pidFile)'; wait", timeout: 1)
        #expect(text.contains("no answer within 1 s; killed"), "\(text)")
        let pidText = try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let child = try #require(Int32(pidText))
        // SIGKILL is delivered at once; allow the system a generous while to tear the process down.
        var alive = Self.isAlive(child)
        for _ in 0..<400 where alive {
            usleep(50_000)
            alive = Self.isAlive(child)
        }
        #expect(!alive, "the signer's child \(child) outlived the timeout")
        if alive { kill(child, SIGKILL) }
    }

    @Test("exit status, death by a signal and too much output are each reported")
    func failures() {
        #expect(message("read u; exit 7").contains("signer: exited with status 7"))
        #expect(message("kill -9 $$").contains("signer: killed by signal 9"))
        let flood = message("head -c 200000 /dev/zero | tr '\\0' a")
        #expect(flood.contains("printed more than 65536 bytes; killed"), "\(flood)")
    }

    @Test("output is read while the input is written, and signers run side by side")
    func concurrent() {
        // Each signer prints a large block before it reads: a reader started only after the write, or
        // a write waiting for the reader, would deadlock.
        let command = #"head -c 60000 /dev/zero | tr '\0' '\n'; read u; printf '%s&X-Bogus=1\n' "$u""#
        let results = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            let text: String
            do {
                text = try Signer(command: command, timeout: 30).sign(url)
            } catch {
                text = "\(error)"
            }
            results.withLock { $0.append(text) }
        }
        #expect(results.withLock { $0 } == Array(repeating: url + "&X-Bogus=1", count: 6))
    }
}
