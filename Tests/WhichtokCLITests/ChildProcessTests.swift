import Foundation
import Testing
import WhichtokTestSupport

/// The shared runner every command-line test relies on: standard input, environment, working
/// directory and the time limit.
@Suite("Test support: ChildProcess")
struct ChildProcessTests {
    @Test("standard input is passed through, standard output and error are kept apart")
    func streams() throws {
        let result = try ChildProcess.run("/bin/sh", ["-c", "cat; echo oops >&2"], stdin: Data("äb\nc".utf8))
        #expect(result.status == 0)
        #expect(result.stdout == "äb\nc")
        #expect(result.stderr == "oops\n")
        #expect(!result.timedOut)
    }

    @Test("environment entries are added or removed; the working directory is set")
    func environmentAndDirectory() throws {
        let folder = try TemporaryFolder()
        let result = try ChildProcess.run(
            "/bin/sh", ["-c", "echo \"${A-unset} ${HOME-unset}\"; pwd -P"], environment: ["A": "1", "HOME": nil],
            in: folder.path)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "1 unset")
        #expect(lines.last == URL(fileURLWithPath: folder.path).resolvingSymlinksInPath().path)
    }

    @Test("a child past its time limit is killed and reported as such, never with an exit code of its own")
    func timeout() throws {
        let result = try ChildProcess.run("/bin/sh", ["-c", "exec sleep 600"], timeout: 0.5)
        #expect(result.timedOut)
        #expect(result.status == 128 + SIGKILL)
    }
}
