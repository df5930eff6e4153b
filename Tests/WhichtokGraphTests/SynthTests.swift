import Foundation
import Testing
import WhichtokGraph
import WhichtokTestSupport

@Suite("whichtok analyze exit codes")
struct AnalyzeExitTests {
    @Test("a malformed edge list exits 65 naming file and line; a missing one 66; bad options 64")
    func exitCodes() throws {
        let folder = try TemporaryFolder("graph-exit")
        let bad = folder.file("bad.txt")
        try "# header\n1 2 1\n3 4 heavy\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let malformed = try Whichtok.run(["analyze", "--edgelist", bad])
        #expect(malformed.status == 65)
        #expect(malformed.stderr.contains("bad.txt:3:"))
        #expect(try Whichtok.run(["analyze", "--edgelist", folder.file("none.txt")]).status == 66)
        #expect(try Whichtok.run(["analyze", "--store", folder.file("none.store")]).status == 66)
        #expect(try Whichtok.run(["analyze", "--graph", "nonsense"]).status == 64)
        #expect(try Whichtok.run(["analyze", "--edgelist", bad, "--resolution", "-1"]).status == 64)
        let good = folder.file("good.txt")
        try "a b 2\nb c 1\nc a 1\nc d 1\n".write(toFile: good, atomically: true, encoding: .utf8)
        let ok = try Whichtok.run(["analyze", "--edgelist", good, "--json", "--seed", "7"])
        #expect(ok.status == 0)
        let text = ok.stdout
        #expect(text.hasPrefix("{\"graph\":{\"kind\":\"edgelist\""))
        #expect(text.contains("\"seed\":7"))
    }
}

@Suite("Planted communities of whichtok synth", .serialized)
struct SynthTests {
    @Test("the shared-space graph of the default synth recovers its communities (NMI ≥ 0.9)")
    func recovery() throws {
        let folder = try TemporaryFolder("graph-synth")
        let archives = folder.file("archives")
        let store = folder.file("synth.store")
        #expect(try Whichtok.run(["synth", "--out", archives]).status == 0)
        #expect(try Whichtok.run(["import", "--quiet", "--store", store, archives]).status == 0)
        let analysis = try Whichtok.run(["analyze", "--store", store, "--json"])
        try #require(analysis.status == 0)
        let output = analysis.stdoutData
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
        let again = try Whichtok.run(["analyze", "--store", store, "--json"])
        #expect(again.stdoutData == output)
    }
}
