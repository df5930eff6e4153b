import Foundation
import Testing
import WhichtokGraph
import WhichtokTestSupport

@testable import WhichtokExport

/// What a reader made of an export: nodes and edges in file order with their attributes.
struct ReadBack {
    var directed: Bool
    var nodes: [(id: String, attributes: [String: Any])]
    var edges: [(source: String, target: String, attributes: [String: Any])]
}

/// Reads exports back with networkx, python-igraph and Python's csv module, and compares every value
/// with the document that was written.
@Suite("Round trips through networkx, igraph and csv")
struct RoundTripTests {
    /// Loads a file with one reader and prints it as JSON (NaN as null).
    static let script = #"""
        import json, math, sys

        def clean(value):
            if isinstance(value, float) and math.isnan(value):
                return None
            if isinstance(value, dict):
                return {k: clean(v) for k, v in value.items()}
            return value

        reader, path = sys.argv[1], sys.argv[2]
        out = {}
        if reader in ("networkx-gexf", "networkx-graphml"):
            import networkx as nx
            G = nx.read_gexf(path) if reader == "networkx-gexf" else nx.read_graphml(path)
            out["directed"] = G.is_directed()
            out["nodes"] = [[str(n), clean(dict(d))] for n, d in G.nodes(data=True)]
            out["edges"] = [[str(u), str(v), clean(dict(d))] for u, v, d in G.edges(data=True)]
        elif reader == "igraph-graphml":
            import igraph
            g = igraph.Graph.Read_GraphML(path)
            out["directed"] = g.is_directed()
            names = g.vs.attributes()
            out["nodes"] = [[v["id"], {a: clean(v[a]) for a in names if a != "id"}] for v in g.vs]
            # python-igraph 1.0 fills the edge "id" attribute with vertex ids; edges are in file order.
            enames = [a for a in g.es.attributes() if a != "id"]
            out["edges"] = [[g.vs[e.source]["id"], g.vs[e.target]["id"], {a: clean(e[a]) for a in enames}] for e in g.es]
        elif reader == "csv":
            import csv
            with open(path + "/nodes.csv", newline="", encoding="utf-8") as f:
                nodes = list(csv.DictReader(f))
            with open(path + "/edges.csv", newline="", encoding="utf-8") as f:
                edges = list(csv.DictReader(f))
            out["directed"] = bool(edges) and edges[0]["Type"] == "Directed"
            out["nodes"] = [[row.pop("Id"), row] for row in nodes]
            out["edges"] = [[row.pop("Source"), row.pop("Target"), row] for row in edges]
        json.dump(out, sys.stdout, ensure_ascii=False)
        """#

    func read(_ reader: String, _ path: String, folder: TemporaryFolder) throws -> ReadBack {
        let python = try #require(TestEnvironment.python)
        let scriptPath = folder.file("read.py")
        try RoundTripTests.script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let result = try ChildProcess.run(python, [scriptPath, reader, path])
        try #require(result.status == 0, "\(reader) failed: \(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        let json = try #require(object as? [String: Any])
        let nodes = try #require(json["nodes"] as? [[Any]])
        let edges = try #require(json["edges"] as? [[Any]])
        return ReadBack(
            directed: try #require(json["directed"] as? Bool),
            nodes: try nodes.map { (try #require($0[0] as? String), try #require($0[1] as? [String: Any])) },
            edges: try edges.map {
                (try #require($0[0] as? String), try #require($0[1] as? String), try #require($0[2] as? [String: Any]))
            })
    }

    /// Whether a value read back equals the value written (numbers within float precision, since
    /// weights are single precision and igraph reads every number as a double).
    static func same(_ expected: AttributeValue, _ actual: Any?) -> Bool {
        if let text = actual as? String, !(expected.isString) {
            switch expected {
            case .integer(let value): return Int64(text) == value
            case .double(let value): return Double(text).map { close($0, value) } ?? false
            case .boolean(let value): return text == (value ? "true" : "false")
            case .string: return false
            }
        }
        switch expected {
        case .string(let value): return (actual as? String) == value
        case .boolean(let value): return (actual as? Bool) == value
        case .integer(let value): return (actual as? NSNumber).map { $0.doubleValue == Double(value) } ?? false
        case .double(let value): return (actual as? NSNumber).map { close($0.doubleValue, value) } ?? false
        }
    }

    static func close(_ a: Double, _ b: Double) -> Bool {
        abs(a - b) <= 1e-6 * max(abs(a), abs(b)) + 1e-12
    }

    /// Compares one reader's view with the document: counts, total weight, labels, every attribute.
    func check(_ back: ReadBack, _ document: ExportDocument, reader: String, exportCase: ExportCase) {
        let graph = document.graph
        let context = "\(reader), \(exportCase)"
        #expect(back.directed == graph.isDirected, "\(context)")
        #expect(back.nodes.count == graph.nodeCount, "\(context)")
        #expect(back.edges.count == graph.edgeCount, "\(context)")
        guard back.nodes.count == graph.nodeCount, back.edges.count == graph.edgeCount else { return }
        let labelKey = reader == "csv" ? "Label" : "label"
        for u in 0..<graph.nodeCount {
            let (id, attributes) = back.nodes[u]
            #expect(id == "n\(u)", "\(context)")
            let label = document.labels.value(u)
            #expect(
                label.map { RoundTripTests.same($0, attributes[labelKey]) } == true,
                "\(context): label of n\(u) read as \(String(describing: attributes[labelKey]))")
            for column in document.nodeColumns {
                let expected = column.value(u)
                let actual = attributes[column.name]
                if let expected {
                    #expect(
                        RoundTripTests.same(expected, actual),
                        "\(context): n\(u).\(column.name) = \(expected), read \(String(describing: actual))")
                }
            }
        }
        var total = 0.0
        var index = 0
        document.forEachEdge { k, u, v, e in
            defer { index += 1 }
            let (source, target, attributes) = back.edges[index]
            let ends = graph.isDirected ? [source, target] : [source, target].sorted()
            let expectedEnds = graph.isDirected ? ["n\(u)", "n\(v)"] : ["n\(u)", "n\(v)"].sorted()
            #expect(ends == expectedEnds, "\(context): edge e\(k)")
            if reader.hasPrefix("networkx") { #expect(attributes["id"] as? String == "e\(k)", "\(context)") }
            if reader == "csv" { #expect(attributes["Id"] as? String == "e\(k)", "\(context)") }
            let weight =
                reader == "csv"
                ? (attributes["Weight"] as? String).flatMap(Double.init)
                : (attributes["weight"] as? NSNumber)?.doubleValue
            #expect(
                weight.map { RoundTripTests.close($0, Double(graph.weights[e])) } == true, "\(context): weight of e\(k)"
            )
            total += weight ?? 0
            for column in document.edgeColumns {
                let actual = attributes[column.name]
                if let expected = column.value(e) {
                    #expect(
                        RoundTripTests.same(expected, actual),
                        "\(context): e\(k).\(column.name) = \(expected), read \(String(describing: actual))")
                } else if reader != "igraph-graphml" {
                    // igraph fills a missing string with "" and a missing number with NaN.
                    #expect(
                        actual == nil || actual is NSNull || (actual as? String) == "",
                        "\(context): e\(k).\(column.name)")
                }
            }
        }
        #expect(
            RoundTripTests.close(total, graph.totalWeight), "\(context): total weight \(total) vs \(graph.totalWeight)")
    }

    @Test(
        "networkx read_gexf (1.3 and 1.2draft) gives back every node, edge, weight and attribute",
        .enabled(
            if: TestEnvironment.python != nil, "skipped: needs python3 with networkx ≥ 3.6 and igraph (make test-deps)")
    )
    func networkxGEXF() throws {
        let folder = try TemporaryFolder()
        for exportCase in try Fixture.cases() {
            for version in GEXFVersion.allCases {
                let path = folder.file("case.gexf")
                try Exporter.writeGEXF(
                    exportCase.document, to: path, options: GEXFOptions(version: version, dynamic: exportCase.dynamic))
                let back = try read("networkx-gexf", path, folder: folder)
                check(back, exportCase.document, reader: "networkx-gexf \(version.rawValue)", exportCase: exportCase)
                // viz: colour, size and position survive.
                let document = exportCase.document
                for (u, node) in back.nodes.enumerated() where u < document.graph.nodeCount {
                    let viz = node.attributes["viz"] as? [String: Any]
                    let color = viz?["color"] as? [String: Any]
                    #expect((color?["r"] as? NSNumber)?.intValue == Int(document.colors[u].r))
                    #expect((color?["b"] as? NSNumber)?.intValue == Int(document.colors[u].b))
                    #expect(
                        (viz?["size"] as? NSNumber).map {
                            RoundTripTests.close($0.doubleValue, Double(document.sizes[u]))
                        } == true)
                    if let x = document.positionX {
                        let position = viz?["position"] as? [String: Any]
                        #expect(
                            (position?["x"] as? NSNumber).map { RoundTripTests.close($0.doubleValue, Double(x[u])) }
                                == true)
                    }
                }
            }
        }
    }

    @Test(
        "networkx read_graphml gives back every node, edge, weight and attribute",
        .enabled(
            if: TestEnvironment.python != nil, "skipped: needs python3 with networkx ≥ 3.6 and igraph (make test-deps)")
    )
    func networkxGraphML() throws {
        let folder = try TemporaryFolder()
        for exportCase in try Fixture.cases() {
            let path = folder.file("case.graphml")
            try Exporter.writeGraphML(exportCase.document, to: path)
            check(
                try read("networkx-graphml", path, folder: folder), exportCase.document, reader: "networkx-graphml",
                exportCase: exportCase)
        }
    }

    @Test(
        "python-igraph Graph.Read_GraphML gives back every node, edge, weight and attribute",
        .enabled(
            if: TestEnvironment.python != nil, "skipped: needs python3 with networkx ≥ 3.6 and igraph (make test-deps)")
    )
    func igraphGraphML() throws {
        let folder = try TemporaryFolder()
        for exportCase in try Fixture.cases() {
            let path = folder.file("case.graphml")
            try Exporter.writeGraphML(exportCase.document, to: path)
            check(
                try read("igraph-graphml", path, folder: folder), exportCase.document, reader: "igraph-graphml",
                exportCase: exportCase)
        }
    }

    @Test(
        "Python's csv module reads nodes.csv and edges.csv back (RFC 4180 quoting)",
        .enabled(if: TestEnvironment.python != nil, "skipped: needs python3 (make test-deps)"))
    func csvFiles() throws {
        let folder = try TemporaryFolder()
        for exportCase in try Fixture.cases() {
            let path = folder.file("case-csv")
            try Exporter.writeCSV(exportCase.document, toFolder: path)
            check(try read("csv", path, folder: folder), exportCase.document, reader: "csv", exportCase: exportCase)
        }
    }
}

extension AttributeValue {
    var isString: Bool {
        if case .string = self { return true }
        return false
    }
}
