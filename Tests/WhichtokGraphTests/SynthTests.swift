import Foundation
import Testing
import WhichtokGraph

/// The built `whichtok` binary, found beside the test bundle or in `.build/debug`.
let whichtokBinary: String? = {
    var candidates = [
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("whichtok").path,
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
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try #require(whichtokBinary, "the whichtok binary was not built"))
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, data)
}

@Suite("Planted communities of whichtok synth", .serialized)
struct SynthTests {
    @Test("the shared-space graph of the default synth recovers its communities (NMI ≥ 0.9)")
    func recovery() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("whichtok-graph-synth-\(getpid())")
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
        for key in ["id", "size", "internal_weight_share", "conductance", "top_hashtags", "top_sounds", "top_authors", "central_members"] {
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
        var found: [UInt32] = [], planted: [UInt32] = []
        for node in nodes {
            guard let label = node["label"] as? String, let c = node["community"] as? Int, let t = truth[label] else { continue }
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
