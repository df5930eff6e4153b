import Foundation
import Testing
import WhichtokTestSupport

@Suite("whichtok command line", .serialized)
struct CLITests {
    /// Where `synthetic` is made; kept for the whole run.
    static let syntheticFolder = try? TemporaryFolder("cli-synth")

    /// Synthetic archives of every layout, made once per test run.
    static let synthetic: (dir: String, inputs: [String])? = {
        guard let scratch = syntheticFolder,
            let result = try? Whichtok.run([
                "synth", "--out", scratch.file("synth"), "--donors", "12", "--events", "4000", "--seed", "3",
            ]),
            result.status == 0,
            let names = try? FileManager.default.contentsOfDirectory(atPath: scratch.file("synth"))
        else { return nil }
        let inputs = names.filter { $0 != "ground-truth.tsv" }.sorted().map { scratch.file("synth") + "/" + $0 }
        return (scratch.file("synth"), inputs)
    }()

    func synthetic() throws -> (dir: String, inputs: [String]) {
        try #require(Self.synthetic, "whichtok synth failed")
    }

    static let statsKeys = ["accounts", "videos", "hashtags", "sounds", "comments", "inputs", "events"]
    static let eventKeys = [
        "watched", "liked", "favorited", "shared", "commented", "replied", "mentioned",
        "followed", "messaged", "searched", "posted", "duetted", "stitched",
    ]

    func stats(_ store: String) throws -> [String: Any] {
        let result = try Whichtok.run(["stats", "--json", "--store", store])
        #expect(result.status == 0, "stats failed: \(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        return try #require(object as? [String: Any])
    }

    @Test("import of every synthetic layout, then stats --json with exactly the contract's keys")
    func importAndStats() throws {
        let scratch = try TemporaryFolder("cli")
        let data = try synthetic()
        let store = scratch.file("a.store")
        let result = try Whichtok.run(["import", "--store", store, data.dir])
        #expect(result.status == 0, "import failed: \(result.stderr)")
        #expect(result.stdout.contains("total:"))
        // One summary line per input.
        let imported = result.stdout.split(separator: "\n").filter { $0.hasPrefix("imported") }
        #expect(imported.count == data.inputs.count)
        let json = try stats(store)
        #expect(Set(json.keys) == Set(Self.statsKeys))
        let events = try #require(json["events"] as? [String: Int])
        #expect(Set(events.keys) == Set(Self.eventKeys))
        for kind in [
            "watched", "liked", "favorited", "shared", "commented", "followed", "messaged", "searched", "posted",
        ] {
            #expect((events[kind] ?? 0) > 0, "no \(kind) events imported")
        }
        #expect((json["inputs"] as? Int) == data.inputs.count)
        // Every donor in the ground truth is an account.
        #expect((json["accounts"] as? Int ?? 0) >= 12)
    }

    @Test("importing again, or in another order, or in several runs, gives a byte-identical store")
    func reproducible() throws {
        let scratch = try TemporaryFolder("cli")
        let data = try synthetic()
        #expect(try Whichtok.run(["import", "--store", scratch.file("one.store")] + data.inputs).status == 0)
        let first = try #require(scratch.bytes("one.store"))
        #expect(try Whichtok.run(["import", "--store", scratch.file("one.store")] + data.inputs).status == 0)
        #expect(scratch.bytes("one.store") == first, "a repeated import changed the store")
        #expect(
            try Whichtok.run(["import", "--store", scratch.file("two.store")] + data.inputs.reversed()).status == 0)
        #expect(scratch.bytes("two.store") == first, "input order changed the store")
        let half = data.inputs.count / 2
        #expect(
            try Whichtok.run(["import", "--jobs", "1", "--store", scratch.file("three.store")] + data.inputs[half...])
                .status
                == 0)
        #expect(
            try Whichtok.run(["import", "--store", scratch.file("three.store")] + data.inputs[..<half]).status == 0)
        #expect(scratch.bytes("three.store") == first, "importing in two runs changed the store")
    }

    @Test("a missing path exits 66, a broken input exits 65, and the rest is still imported")
    func exitCodes() throws {
        let scratch = try TemporaryFolder("cli")
        let data = try synthetic()
        let good = try #require(data.inputs.first { $0.hasSuffix(".zip") })
        let missing = try Whichtok.run(["import", "--store", scratch.file("m.store"), good, scratch.file("nope.zip")])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("nope.zip"))
        #expect(try stats(scratch.file("m.store"))["inputs"] as? Int == 1)

        // A truncated copy of a real archive, random bytes named .zip, an empty file, invalid JSON.
        let original = try #require(FileManager.default.contents(atPath: good))
        _ = FileManager.default.createFile(
            atPath: scratch.file("truncated.zip"), contents: original.prefix(original.count / 2))
        _ = FileManager.default.createFile(
            atPath: scratch.file("random.zip"),
            contents: Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }))
        _ = FileManager.default.createFile(atPath: scratch.file("empty.json"), contents: Data())
        _ = FileManager.default.createFile(
            atPath: scratch.file("user_data_tiktok.json"),
            contents: Data("{\"Your Activity\": {\"Watch History\": {\"VideoList\": [}}".utf8))
        let bad = try Whichtok.run([
            "import", "--store", scratch.file("b.store"), good, scratch.file("truncated.zip"),
            scratch.file("random.zip"), scratch.file("empty.json"), scratch.file("user_data_tiktok.json"),
        ])
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("truncated.zip"))
        #expect(bad.stderr.contains("random.zip"))
        #expect(bad.stderr.contains("empty.json"))
        #expect(bad.stderr.contains("user_data_tiktok.json"))
        #expect(bad.stderr.contains("offset"))
        #expect(bad.stdout.split(separator: "\n").filter { $0.hasPrefix("rejected") }.count == 4)
        #expect(try stats(scratch.file("b.store"))["inputs"] as? Int == 1)
    }

    @Test("a damaged store is reported and left untouched")
    func damagedStore() throws {
        let scratch = try TemporaryFolder("cli")
        let data = try synthetic()
        let store = scratch.file("d.store")
        #expect(try Whichtok.run(["import", "--store", store, data.inputs[0]]).status == 0)
        var bytes = [UInt8](try #require(scratch.bytes("d.store")))
        bytes[bytes.count - 3] ^= 0xFF
        _ = FileManager.default.createFile(atPath: store, contents: Data(bytes))
        let result = try Whichtok.run(["import", "--store", store, data.inputs[1]])
        #expect(result.status == 1)
        #expect(result.stderr.contains("corrupt"))
        #expect(scratch.bytes("d.store") == Data(bytes), "the damaged store was overwritten")
        #expect(try Whichtok.run(["stats", "--store", store]).status == 1)
    }

    @Test("WHICHTOK_STORE names the default store")
    func storeFromEnvironment() throws {
        let scratch = try TemporaryFolder("cli")
        let data = try synthetic()
        let store = scratch.file("env.store")
        #expect(try Whichtok.run(["import", data.inputs[0]], environment: ["WHICHTOK_STORE": store]).status == 0)
        #expect(FileManager.default.fileExists(atPath: store))
    }

    @Test("synth is deterministic")
    func synthDeterministic() throws {
        let scratch = try TemporaryFolder("cli")
        for name in ["x", "y"] {
            #expect(
                try Whichtok.run([
                    "synth", "--out", scratch.file(name), "--donors", "6", "--events", "800", "--seed", "11",
                ])
                .status == 0)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: scratch.file("x")).sorted()
        #expect(names == (try FileManager.default.contentsOfDirectory(atPath: scratch.file("y")).sorted()))
        for name in names where !name.hasPrefix("TikTok_Data_") {
            #expect(scratch.bytes("x/" + name) == scratch.bytes("y/" + name), "\(name) differs")
        }
    }
}
