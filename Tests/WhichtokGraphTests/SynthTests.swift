import Foundation
import Testing
import WhichtokGraph

/// The built `whichtok` binary, found beside the test bundle or in `.build/debug`.
let whichtokBinary: String? = {
    var candidates = [
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("whichtok")
            .path,
        FileManager.default.currentDirectoryPath + "/.build/debug/whichtok",
    ]
    var search = URL(fileURLWithPath: CommandLine.arguments[0])
    for _ in 0..<4 {
        search = search.deletingLastPathComponent()
        candidates.append(search.appendingPathComponent("whichtok").path)
    }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
}()

/// Runs `whichtok` with `arguments`; returns (exit status, stdout).
func runWhichtok(_ arguments: [String]) throws -> (Int32, Data) {
    let (status, output, _) = try runWhichtokCapturing(arguments)
    return (status, output)
}

/// Runs `whichtok` with `arguments`; returns (exit status, stdout, stderr).
func runWhichtokCapturing(_ arguments: [String]) throws -> (Int32, Data, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try #require(whichtokBinary, "the whichtok binary was not built"))
    process.arguments = arguments
    let pipe = Pipe()
    let errors = Pipe()
    process.standardOutput = pipe
    process.standardError = errors
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, data, errorText)
}

@Suite("whichtok analyze exit codes")
struct AnalyzeExitTests {
    @Test("a malformed edge list exits 65 naming file and line; a missing one 66; bad options 64")
    func exitCodes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("whichtok-graph-exit-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let bad = directory.appendingPathComponent("bad.txt").path
        try "# header\n1 2 1\n3 4 heavy\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let (status, _, errors) = try runWhichtokCapturing(["analyze", "--edgelist", bad])
        #expect(status == 65)
        #expect(errors.contains("bad.txt:3:"))
        #expect(try runWhichtok(["analyze", "--edgelist", directory.appendingPathComponent("none.txt").path]).0 == 66)
        #expect(try runWhichtok(["analyze", "--store", directory.appendingPathComponent("none.store").path]).0 == 66)
        #expect(try runWhichtok(["analyze", "--graph", "nonsense"]).0 == 64)
        #expect(try runWhichtok(["analyze", "--edgelist", bad, "--resolution", "-1"]).0 == 64)
        let good = directory.appendingPathComponent("good.txt").path
        try "a b 2\nb c 1\nc a 1\nc d 1\n".write(toFile: good, atomically: true, encoding: .utf8)
        let (ok, output) = try runWhichtok(["analyze", "--edgelist", good, "--json", "--seed", "7"])
        #expect(ok == 0)
        let text = String(decoding: output, as: UTF8.self)
        #expect(text.hasPrefix("{\"graph\":{\"kind\":\"edgelist\""))
        #expect(text.contains("\"seed\":7"))
    }
}

@Suite("Planted communities of whichtok synth", .serialized)
struct SynthTests {
    @Test("the shared-space graph of the default synth recovers its communities (NMI ≥ 0.9)")
    func recovery() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "whichtok-graph-synth-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let archives = directory.appendingPathComponent("archives").path
        let store = directory.appendingPathComponent("synth.store").path
        #expect(try runWhichtok(["synth", "--out", archives]).0 == 0)
        #expect(try runWhichtok(["import", "--quiet", "--store", store, archives]).0 == 0)
        let (status, output) = try runWhichtok(["analyze", "--store", store, "--json"])
        try #require(status == 0)
        // The JSON contract, read the way another tool would.
        let object = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        let graph = try #require(object["graph"] as? [String: Any])
        #expect(graph["kind"] as? String == "shared-space")
        for key in ["nodes", "edges", "total_weight"] { #expect(graph[key] != nil, "graph.\(key)") }
        #expect(object["modularity"] as? Double != nil)
        #expect((object["mixing"] as? [[Double]])?.isEmpty == false)
        let communities = try #require(object["communities"] as? [[String: Any]])
        for key in [
            "id", "size", "internal_weight_share", "conductance", "top_hashtags", "top_sounds", "top_authors",
            "central_members",
        ] {
            #expect(communities.first?[key] != nil, "communities[].\(key)")
        }
        let nodes = try #require(object["nodes"] as? [[String: Any]])
        for key in ["label", "community", "pagerank", "degree", "strength", "participation", "role"] {
            #expect(nodes.first?[key] != nil, "nodes[].\(key)")
        }
        // Ground truth: account \t community \t role.
        let truthText = try String(contentsOfFile: archives + "/ground-truth.tsv", encoding: .utf8)
        var truth: [String: UInt32] = [:]
        for line in truthText.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: "\t")
            if fields.count >= 2, let c = UInt32(fields[1]) { truth[String(fields[0])] = c }
        }
        var found: [UInt32] = []
        var planted: [UInt32] = []
        for node in nodes {
            guard let label = node["label"] as? String, let c = node["community"] as? Int, let t = truth[label] else {
                continue
            }
            found.append(UInt32(c))
            planted.append(t)
        }
        #expect(found.count >= truth.count * 9 / 10, "most planted accounts are in the graph")
        #expect(PartitionComparison.normalizedMutualInformation(found, planted) >= 0.9)
        // Same store and options: same bytes.
        let again = try runWhichtok(["analyze", "--store", store, "--json"])
        #expect(again.1 == output)
    }
}
