import Foundation
import Testing

/// Runs the built `whichtok` binary, as a user or another tool would.
struct CLI {
    static let binary: String? = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
                "whichtok"
            ).path,
            FileManager.default.currentDirectoryPath + "/.build/debug/whichtok",
        ]
        var search = URL(fileURLWithPath: CommandLine.arguments[0])
        var more: [String] = []
        for _ in 0..<5 {
            search.deleteLastPathComponent()
            more.append(search.appendingPathComponent("whichtok").path)
        }
        return (candidates + more).first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(binary, "the whichtok binary was not built"))
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["WHICHTOK_STORE"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting so a large output cannot block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// A fresh temporary folder per test.
struct Scratch {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("whichtok-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> String { path + "/" + name }
    func bytes(_ name: String) -> Data? { FileManager.default.contents(atPath: file(name)) }
}

@Suite("whichtok command line", .serialized)
struct CLITests {
    /// Synthetic archives of every layout, made once per test run.
    static let synthetic: (dir: String, inputs: [String])? = {
        guard let scratch = try? Scratch(),
            let result = try? CLI.run([
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
        let result = try CLI.run(["stats", "--json", "--store", store])
        #expect(result.status == 0, "stats failed: \(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        return try #require(object as? [String: Any])
    }

    @Test("import of every synthetic layout, then stats --json with exactly the contract's keys")
    func importAndStats() throws {
        let scratch = try Scratch()
        let data = try synthetic()
        let store = scratch.file("a.store")
        let result = try CLI.run(["import", "--store", store, data.dir])
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
        let scratch = try Scratch()
        let data = try synthetic()
        #expect(try CLI.run(["import", "--store", scratch.file("one.store")] + data.inputs).status == 0)
        let first = try #require(scratch.bytes("one.store"))
        #expect(try CLI.run(["import", "--store", scratch.file("one.store")] + data.inputs).status == 0)
        #expect(scratch.bytes("one.store") == first, "a repeated import changed the store")
        #expect(try CLI.run(["import", "--store", scratch.file("two.store")] + data.inputs.reversed()).status == 0)
        #expect(scratch.bytes("two.store") == first, "input order changed the store")
        let half = data.inputs.count / 2
        #expect(
            try CLI.run(["import", "--jobs", "1", "--store", scratch.file("three.store")] + data.inputs[half...]).status
                == 0)
        #expect(try CLI.run(["import", "--store", scratch.file("three.store")] + data.inputs[..<half]).status == 0)
        #expect(scratch.bytes("three.store") == first, "importing in two runs changed the store")
    }

    @Test("a missing path exits 66, a broken input exits 65, and the rest is still imported")
    func exitCodes() throws {
        let scratch = try Scratch()
        let data = try synthetic()
        let good = try #require(data.inputs.first { $0.hasSuffix(".zip") })
        let missing = try CLI.run(["import", "--store", scratch.file("m.store"), good, scratch.file("nope.zip")])
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
        let bad = try CLI.run([
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
        let scratch = try Scratch()
        let data = try synthetic()
        let store = scratch.file("d.store")
        #expect(try CLI.run(["import", "--store", store, data.inputs[0]]).status == 0)
        var bytes = [UInt8](try #require(scratch.bytes("d.store")))
        bytes[bytes.count - 3] ^= 0xFF
        _ = FileManager.default.createFile(atPath: store, contents: Data(bytes))
        let result = try CLI.run(["import", "--store", store, data.inputs[1]])
        #expect(result.status == 1)
        #expect(result.stderr.contains("corrupt"))
        #expect(scratch.bytes("d.store") == Data(bytes), "the damaged store was overwritten")
        #expect(try CLI.run(["stats", "--store", store]).status == 1)
    }

    @Test("WHICHTOK_STORE names the default store")
    func storeFromEnvironment() throws {
        let scratch = try Scratch()
        let data = try synthetic()
        let store = scratch.file("env.store")
        #expect(try CLI.run(["import", data.inputs[0]], environment: ["WHICHTOK_STORE": store]).status == 0)
        #expect(FileManager.default.fileExists(atPath: store))
    }

    @Test("synth is deterministic")
    func synthDeterministic() throws {
        let scratch = try Scratch()
        for name in ["x", "y"] {
            #expect(
                try CLI.run(["synth", "--out", scratch.file(name), "--donors", "6", "--events", "800", "--seed", "11"])
                    .status == 0)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: scratch.file("x")).sorted()
        #expect(names == (try FileManager.default.contentsOfDirectory(atPath: scratch.file("y")).sorted()))
        for name in names where !name.hasPrefix("TikTok_Data_") {
            #expect(scratch.bytes("x/" + name) == scratch.bytes("y/" + name), "\(name) differs")
        }
    }
}
