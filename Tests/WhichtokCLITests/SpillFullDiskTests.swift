import Foundation
import Testing
import WhichtokTestSupport

/// A tiny tmpfs for a store, where the system lets this process mount one (root, outside most
/// containers); nil elsewhere.
private let tinyFileSystem: TemporaryFolder? = {
    guard let scratch = try? TemporaryFolder("cli-tiny") else { return nil }
    let mounted = try? ChildProcess.run("/bin/mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", scratch.path])
    guard mounted?.status == 0 else { return nil }
    return scratch
}()

@Suite(
    "whichtok import on a full disk",
    .enabled(if: tinyFileSystem != nil, "skipped: cannot mount a tmpfs here (needs root, outside a container)"))
struct SpillFullDiskTests {
    @Test("a full disk while input records wait in their spill file names that file; nothing is left behind")
    func recordSpillNamed() throws {
        let folder = try #require(tinyFileSystem)
        defer { _ = try? ChildProcess.run("/bin/umount", [folder.path]) }
        let inputs = try #require(CLITests.synthetic, "whichtok synth failed").inputs
        let store = folder.file("s.store")
        // A budget of one byte, and no batch kept in place of its record: every record goes to the
        // spill file at once, which the disk cannot hold.
        let result = try Whichtok.run(
            ["import", "--quiet", "--store", store, "--spill-budget", "1", "--batch-budget", "0"] + inputs)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("cannot write the input records waiting in \(store).spool-"), "\(result.stderr)")
        #expect(result.stderr.contains("No space left on device"), "\(result.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(left.filter { $0 != "s.store.lock" }.isEmpty, "\(left)")
    }
}
