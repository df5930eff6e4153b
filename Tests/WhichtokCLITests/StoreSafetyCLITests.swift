import Foundation
import Testing
import WhichtokTestSupport

@testable import WhichtokStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("whichtok store safety: lock, forged stores, outputs that are the store, links, FIFOs", .serialized)
struct StoreSafetyCLITests {
    func synthetic() throws -> (dir: String, inputs: [String]) {
        try #require(CLITests.synthetic, "whichtok synth failed")
    }

    func inputCount(_ store: String) throws -> Int? {
        let result = try Whichtok.run(["stats", "--json", "--store", store])
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return object?["inputs"] as? Int
    }

    /// Holds `STORE.lock` as another whichtok would, until released.
    final class HeldLock {
        private var fd: Int32
        init(_ lockPath: String) throws {
            fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            try #require(fd >= 0)
            try #require(flock(fd, LOCK_EX | LOCK_NB) == 0)
        }
        func release() {
            if fd >= 0 { close(fd) }
            fd = -1
        }
        deinit { release() }
    }

    @Test("two imports into one store at the same time keep both imports' inputs")
    func concurrentImports() throws {
        let scratch = try TemporaryFolder("cli")
        let data = try synthetic()
        let store = scratch.file("c.store")
        let half = data.inputs.count / 2
        let first = try Whichtok.start(
            ["import", "--quiet", "--store", store] + data.inputs[..<half])
        let second = try Whichtok.start(
            ["import", "--quiet", "--store", store] + data.inputs[half...])
        #expect(first.finish(within: 600).status == 0, "\(first.stderr)")
        #expect(second.finish(within: 600).status == 0, "\(second.stderr)")
        #expect(try inputCount(store) == data.inputs.count, "an import's inputs were lost")
    }

    @Test("--no-wait exits 75 while another whichtok holds the lock; without it, import waits and says so")
    func noWait() throws {
        let scratch = try TemporaryFolder("cli")
        let data = try synthetic()
        let store = scratch.file("w.store")
        #expect(try Whichtok.run(["import", "--quiet", "--store", store, data.inputs[0]]).status == 0)
        let before = try #require(scratch.bytes("w.store"))
        let held = try HeldLock(store + ".lock")

        let busy = try Whichtok.run(["import", "--no-wait", "--store", store, data.inputs[1]])
        #expect(busy.status == 75)
        #expect(busy.stderr.contains("another whichtok"))
        #expect(busy.stderr.contains("--no-wait"))
        #expect(scratch.bytes("w.store") == before)

        let waiting = try Whichtok.start(["import", "--store", store, data.inputs[1]])
        let said = waiting.wait(seconds: 120) {
            waiting.stderr.contains("waiting for another whichtok using \(store)…") || !waiting.isRunning
        }
        #expect(said && waiting.isRunning, "no waiting message: \(waiting.stderr)")
        #expect(scratch.bytes("w.store") == before, "the store changed while the lock was held")
        held.release()
        #expect(waiting.finish(within: 300).status == 0, "\(waiting.stderr)")
        #expect(try inputCount(store) == 2)
    }

    @Test("a forged store (checksums recomputed) is a clear error with exit 1 for every command, never a trap")
    func forgedStore() throws {
        let scratch = try TemporaryFolder("cli")
        let data = try synthetic()
        let store = scratch.file("f.store")
        #expect(try Whichtok.run(["import", "--quiet", "--store", store, data.inputs[0]]).status == 0)
        var bytes = [UInt8](try #require(scratch.bytes("f.store")))
        // The section table's offset near 2^64, with the header checksum recomputed.
        Snapshot.store(UInt64.max - 63, into: &bytes, at: 16)
        let hash = bytes.withUnsafeBytes { XXH64.hash(UnsafeRawBufferPointer(rebasing: $0[0..<56])) }
        Snapshot.store(hash, into: &bytes, at: 56)
        _ = FileManager.default.createFile(atPath: store, contents: Data(bytes))
        let commands: [[String]] = [
            ["stats"], ["analyze"], ["export", "--gexf", "-o", scratch.file("x.gexf")],
            ["import", data.inputs[1]],
        ]
        for command in commands {
            let run = try Whichtok.start(
                [command[0], "--store", store] + command.dropFirst())
            #expect(run.finish(within: 120).status == 1, "\(command[0]) did not exit 1: \(run.stderr)")
            #expect(run.stderr.contains("corrupt"), "\(command[0]): \(run.stderr)")
            #expect(run.stderr.contains("section table out of bounds"), "\(command[0]): \(run.stderr)")
        }
        #expect(scratch.bytes("f.store") == Data(bytes), "the forged store was changed")
    }

    @Test("an output that is the store or an input exits 64 and writes nothing, however the path is spelt")
    func outputIsTheStore() throws {
        let scratch = try TemporaryFolder("cli")
        let data = try synthetic()
        let store = scratch.file("s.store")
        #expect(try Whichtok.run(["import", "--quiet", "--store", store] + data.inputs.prefix(4)).status == 0)
        let before = try #require(scratch.bytes("s.store"))
        try FileManager.default.createSymbolicLink(atPath: scratch.file("link.store"), withDestinationPath: "s.store")
        #expect(link(store, scratch.file("hard.store")) == 0)
        try FileManager.default.createDirectory(atPath: scratch.file("sub"), withIntermediateDirectories: true)
        let spellings = [
            store, scratch.path + "/./s.store", scratch.path + "/sub/../s.store", scratch.file("link.store"),
            scratch.file("hard.store"),
        ]
        for output in spellings {
            for format in ["--gexf", "--graphml"] {
                let result = try Whichtok.run(["export", "--store", store, format, "--no-layout", "-o", output])
                #expect(result.status == 64, "export \(format) -o \(output): \(result.stderr)")
                #expect(result.stderr.contains("is the store"))
            }
        }
        // Relative paths, from the store's folder.
        let relative = try Whichtok.start(
            ["export", "--store", "s.store", "--gexf", "-o", "./s.store"], in: scratch.path)
        #expect(relative.finish(within: 120).status == 64, "\(relative.stderr)")
        // CSV: a store named nodes.csv in the folder.
        try FileManager.default.createDirectory(atPath: scratch.file("csv"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: store, toPath: scratch.file("csv/edges.csv"))
        let csv = try Whichtok.run([
            "export", "--store", scratch.file("csv/edges.csv"), "--csv", "-o", scratch.file("csv"),
        ])
        #expect(csv.status == 64, "\(csv.stderr)")
        #expect(scratch.bytes("csv/edges.csv") == before)
        #expect(!FileManager.default.fileExists(atPath: scratch.file("csv/nodes.csv")))
        // The edge list being read.
        let edges = scratch.file("edges.txt")
        try Data("a b 1\nb c 2\n".utf8).write(to: URL(fileURLWithPath: edges))
        let edgeList = try Whichtok.run(["export", "--edgelist", edges, "--gexf", "-o", edges])
        #expect(edgeList.status == 64, "\(edgeList.stderr)")
        #expect(scratch.bytes("edges.txt") == Data("a b 1\nb c 2\n".utf8))
        // import: the store given as one of the inputs.
        let selfImport = try Whichtok.run(["import", "--store", store, data.inputs[5], scratch.file("link.store")])
        #expect(selfImport.status == 64, "\(selfImport.stderr)")
        // scrape: the HAR is the store (no request is made: the base URL is a closed local port).
        let scrape = try Whichtok.start(
            [
                "scrape", "user", "somebody", "--har", scratch.file("link.store"), "--overwrite", "--import",
                "--store", store, "--base-url", "http://127.0.0.1:9", "--timeout", "1",
            ])
        #expect(scrape.finish(within: 120).status == 64, "\(scrape.stderr)")
        #expect(scratch.bytes("s.store") == before, "the store was changed")
        #expect(try inputCount(store) == 4)
    }

    @Test("a temporary file left by a killed save is removed by the next import; a live process's is kept")
    func staleTemporary() throws {
        let scratch = try TemporaryFolder("cli")
        let data = try synthetic()
        let store = scratch.file("t.store")
        #expect(try Whichtok.run(["import", "--quiet", "--store", store, data.inputs[0]]).status == 0)
        let stale = store + ".tmp-\(try ChildProcess.reapedProcessID())"
        let live = store + ".tmp-\(getpid())"
        for path in [stale, live] { _ = FileManager.default.createFile(atPath: path, contents: Data(count: 1 << 20)) }
        let result = try Whichtok.run(["import", "--store", store, data.inputs[1]])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: stale), "the stale temporary file is still there")
        #expect(result.stderr.contains("removed"))
        #expect(FileManager.default.fileExists(atPath: live), "a live process's temporary file was removed")
    }

    @Test("a store that is a symbolic link stays one, and its target gets the new content")
    func symlinkedStore() throws {
        let scratch = try TemporaryFolder("cli")
        let data = try synthetic()
        try FileManager.default.createDirectory(atPath: scratch.file("data"), withIntermediateDirectories: true)
        let link = scratch.file("s.store")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "data/real.store")
        for input in data.inputs.prefix(2) {
            let result = try Whichtok.run(["import", "--quiet", "--store", link, input])
            #expect(result.status == 0, "\(result.stderr)")
            let type = try FileManager.default.attributesOfItem(atPath: link)[.type] as? FileAttributeType
            #expect(type == .typeSymbolicLink, "the link was replaced by a regular file")
        }
        #expect(try inputCount(scratch.file("data/real.store")) == 2)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter {
            $0.contains(".tmp-")
        }
        #expect(leftovers.isEmpty)
    }

    @Test("a FIFO as the store is a clear error at once, not a hang")
    func fifoStore() throws {
        let scratch = try TemporaryFolder("cli")
        let data = try synthetic()
        let fifo = scratch.file("p.store")
        #expect(mkfifo(fifo, 0o600) == 0)
        for command in [["stats"], ["import", data.inputs[0]], ["export", "--gexf", "-o", scratch.file("p.gexf")]] {
            let run = try Whichtok.start(
                [command[0], "--store", fifo] + command.dropFirst())
            #expect(run.finish(within: 60).status == 1, "\(command[0]) hung or did not exit 1: \(run.stderr)")
            #expect(run.stderr.contains("FIFO"), "\(command[0]): \(run.stderr)")
        }
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO, "the FIFO was replaced")
    }
}
