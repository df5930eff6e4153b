import Foundation
import Testing
import WhichtokTestSupport

@testable import WhichtokStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The store as a function of its set of inputs, through the commands: `merge` of shards and
/// `forget` of inputs give exactly the bytes of one import of the inputs that remain.
@Suite("whichtok merge, forget and inputs: the store is a function of its set of inputs", .serialized)
struct StoreInputsCLITests {
    /// The sample archives and captures, sorted.
    func samples() throws -> [String] {
        let folder = PackageFolder.sampleArchives + "/archives"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        try #require(names.count >= 10, "the sample archives are missing")
        return names.map { folder + "/" + $0 }
    }

    func importing(_ inputs: [String], into store: String, _ extra: [String] = []) throws {
        let result = try Whichtok.run(["import", "--quiet", "--store", store] + extra + inputs)
        try #require(result.status == 0, "import failed: \(result.stderr)")
    }

    func bytes(_ path: String) throws -> Data { try #require(FileManager.default.contents(atPath: path)) }

    func inputsJSON(_ store: String) throws -> [[String: Any]] {
        let result = try Whichtok.run(["inputs", "--json", "--store", store])
        try #require(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
    }

    @Test("merging three overlapping shards gives the bytes of one import of every input")
    func mergeShards() throws {
        let scratch = try TemporaryFolder("merge")
        let inputs = try samples()
        let all = scratch.file("all.store")
        try importing(inputs, into: all)
        // Overlapping shards, in another order, one of them imported in two runs.
        let a = scratch.file("a.store")
        let b = scratch.file("b.store")
        let c = scratch.file("c.store")
        try importing(Array(inputs[0..<7]), into: a)
        try importing(Array(inputs[5..<12].reversed()), into: b)
        try importing(Array(inputs[10...]), into: c)
        try importing([inputs[0]], into: c)
        let merged = scratch.file("merged.store")
        let result = try Whichtok.run(["merge", "-o", merged, c, a, b])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try bytes(merged) == bytes(all), "merge differs from one import")
        // Merging the merge with a shard changes nothing.
        let again = scratch.file("again.store")
        #expect(try Whichtok.run(["merge", "-o", again, merged, b]).status == 0)
        #expect(try bytes(again) == bytes(all))
        // When each input was first imported survives the merge.
        #expect(try inputsJSON(merged).allSatisfy { $0["imported"] is String })
    }

    @Test("forget by path, --sha prefix and --donor gives the bytes of never importing those inputs")
    func forget() throws {
        let scratch = try TemporaryFolder("forget")
        let inputs = try samples()
        let store = scratch.file("s.store")
        try importing(inputs, into: store)
        let listed = try inputsJSON(store)
        func entry(_ input: String) throws -> [String: Any] {
            try #require(listed.first { ($0["name"] as? String) == input })
        }
        let byPath = inputs[1]
        let bySHA = inputs[4]
        let byDonor = inputs[7]
        let sha = try #require(try entry(bySHA)["sha256"] as? String)
        let owner = try #require(try entry(byDonor)["owner"] as? String)
        let result = try Whichtok.run([
            "forget", "--store", store, byPath, "--sha", String(sha.prefix(12)).uppercased(), "--donor", "@" + owner,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("forgot 3 inputs"), "\(result.stdout)")

        let never = scratch.file("never.store")
        try importing(inputs.filter { ![byPath, bySHA, byDonor].contains($0) }, into: never)
        #expect(try bytes(store) == bytes(never), "forget differs from never importing")
        let left = try inputsJSON(store)
        #expect(left.count == inputs.count - 3)
        #expect(!left.contains { ($0["sha256"] as? String) == sha })
        // The import times of forgotten inputs are gone too.
        let times = try String(contentsOfFile: store + ".imported", encoding: .utf8)
        #expect(!times.contains(sha))
        #expect(times.split(separator: "\n").count == inputs.count - 3)
    }

    @Test("inputs --json has exactly its keys, one object per input, sorted by SHA-256")
    func inputsKeys() throws {
        let scratch = try TemporaryFolder("inputs")
        let inputs = try samples()
        let store = scratch.file("s.store")
        try importing(inputs, into: store)
        let listed = try inputsJSON(store)
        #expect(listed.count == inputs.count)
        for object in listed {
            #expect(Set(object.keys) == ["name", "sha256", "layout", "owner", "events", "bytes", "imported"])
            #expect((object["sha256"] as? String)?.count == 64)
            #expect(object["imported"] is String)
        }
        let shas = listed.compactMap { $0["sha256"] as? String }
        #expect(shas == shas.sorted())
        // Archives have an owner, web captures none.
        #expect(listed.contains { $0["owner"] is String })
        #expect(listed.contains { $0["owner"] is NSNull && ($0["layout"] as? String)?.hasPrefix("har") == true })
        // Without the file of import times they are unknown, and nothing else changes.
        unlink(store + ".imported")
        #expect(try inputsJSON(store).allSatisfy { $0["imported"] is NSNull })
    }

    @Test("an ambiguous --sha prefix is refused with the inputs it fits; an unknown one too")
    func shaPrefix() throws {
        let scratch = try TemporaryFolder("prefix")
        let inputs = try samples()
        let store = scratch.file("s.store")
        try importing(inputs, into: store)
        let before = try bytes(store)
        let shas = try inputsJSON(store).compactMap { $0["sha256"] as? String }
        // The first hex digit shared by the most inputs.
        let digit = try #require(
            Dictionary(grouping: shas, by: { $0.prefix(1) }).max { $0.value.count < $1.value.count })
        try #require(digit.value.count > 1)
        let ambiguous = try Whichtok.run(["forget", "--store", store, "--sha", String(digit.key)])
        #expect(ambiguous.status == 64)
        for sha in digit.value { #expect(ambiguous.stderr.contains(sha), "\(ambiguous.stderr)") }
        let unknown = try Whichtok.run(["forget", "--store", store, "--donor", "nobody_at_all"])
        #expect(unknown.status == 65)
        #expect(try bytes(store) == before, "a refused forget changed the store")
    }

    @Test("forget and merge take the lock: --no-wait exits 75 and changes nothing")
    func locked() throws {
        let scratch = try TemporaryFolder("locked")
        let inputs = try samples()
        let store = scratch.file("s.store")
        try importing(Array(inputs[0..<3]), into: store)
        let before = try bytes(store)
        let fd = open(store + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        try #require(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
        defer { close(fd) }
        let forget = try Whichtok.run(["forget", "--no-wait", "--store", store, inputs[0]])
        #expect(forget.status == 75, "\(forget.stderr)")
        let other = scratch.file("o.store")
        try importing([inputs[5]], into: other)
        let merge = try Whichtok.run(["merge", "--no-wait", "-o", store, other])
        #expect(merge.status == 75, "\(merge.stderr)")
        #expect(try bytes(store) == before)
    }

    @Test("merge refuses an output that is one of the stores being merged")
    func outputIsInput() throws {
        let scratch = try TemporaryFolder("same")
        let inputs = try samples()
        let a = scratch.file("a.store")
        let b = scratch.file("b.store")
        try importing([inputs[0]], into: a)
        try importing([inputs[1]], into: b)
        let before = try bytes(a)
        symlink(a, scratch.file("link.store"))
        for output in [a, scratch.file("link.store")] {
            let result = try Whichtok.run(["merge", "-o", output, a, b])
            #expect(result.status == 64, "\(result.stderr)")
            #expect(result.stderr.contains("refusing"))
        }
        #expect(try bytes(a) == before)
    }

    @Test("records past a tiny spill budget wait in a file beside the store, and the store is the same")
    func spilling() throws {
        let scratch = try TemporaryFolder("spill")
        let inputs = try samples()
        let roomy = scratch.file("roomy.store")
        let tight = scratch.file("tight.store")
        try importing(inputs, into: roomy)
        // No batch kept in place of its record: each is encoded as it is read, and spilled.
        try importing(inputs, into: tight, ["--spill-budget", "1", "--batch-budget", "0"])
        #expect(try bytes(tight) == bytes(roomy))
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter { $0.contains("spool") }
        #expect(left.isEmpty, "spill files left: \(left)")
    }

    @Test("stores without input records (format 2, or saved without them) are refused with a way out")
    func withoutRecords() throws {
        let scratch = try TemporaryFolder("old")
        let inputs = try samples()
        let made = scratch.file("made.store")
        try importing([inputs[0]], into: made)
        let store = try Store.load(from: made)
        let old = scratch.file("old.store")
        try Snapshot.write(store.snapshotColumns, to: old, version: 2)
        let bare = scratch.file("bare.store")
        try store.save(to: bare)
        for path in [old, bare] {
            let before = try bytes(path)
            let result = try Whichtok.run(["import", "--store", path, inputs[1]])
            #expect(result.status == 1, "\(result.stderr)")
            #expect(result.stderr.contains("import its inputs again into a new store"), "\(result.stderr)")
            #expect(try Whichtok.run(["forget", "--store", path, "--sha", "0"]).status == 1)
            #expect(try Whichtok.run(["merge", "-o", scratch.file("out.store"), path]).status == 1)
            #expect(try bytes(path) == before)
            // Still readable.
            #expect(try Whichtok.run(["stats", "--store", path]).status == 0)
        }
    }
}
