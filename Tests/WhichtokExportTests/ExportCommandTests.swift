import Foundation
import Testing
import WhichtokTestSupport

/// The `whichtok export` command, run as a user would (the debug binary built with the tests).
@Suite("whichtok export", .serialized)
struct ExportCommandTests {
    /// An edge list whose names are emoji, quotes and markup (whitespace separates fields).
    static let edgeList = """
        # two triangles and a bridge
        🌴palm "quoted" 1.5
        "quoted" <b>&amp; 2
        <b>&amp; 🌴palm 1
        a&b c<d 1
        c<d e>f 2
        e>f a&b 0.5
        🌴palm a&b 0.25
        """

    @Test(
        "writes whichtok.gexf, whichtok.graphml and whichtok-csv/ by default; valid, and identical on a rerun",
        .enabled(if: Whichtok.binary != nil, "skipped: the whichtok binary was not built"))
    func defaults() throws {
        let folder = try TemporaryFolder()
        try ExportCommandTests.edgeList.write(toFile: folder.file("g.txt"), atomically: true, encoding: .utf8)
        for format in ["--gexf", "--graphml", "--csv"] {
            let result = try Whichtok.run(["export", "--edgelist", "g.txt", format], in: folder.path)
            #expect(result.status == 0, "\(format): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        let gexf = try Data(contentsOf: URL(fileURLWithPath: folder.file("whichtok.gexf")))
        #expect(FileManager.default.fileExists(atPath: folder.file("whichtok.graphml")))
        #expect(FileManager.default.fileExists(atPath: folder.file("whichtok-csv/nodes.csv")))
        #expect(FileManager.default.fileExists(atPath: folder.file("whichtok-csv/edges.csv")))
        let text = String(decoding: gexf, as: UTF8.self)
        #expect(text.contains("label=\"🌴palm\""))
        #expect(text.contains("label=\"&lt;b&gt;&amp;amp;\""))
        #expect(text.contains("<viz:position"))
        // Same input and options: the same bytes.
        let again = try Whichtok.run(["export", "--edgelist", "g.txt", "--gexf", "-o", "again.gexf"], in: folder.path)
        #expect(again.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.file("again.gexf"))) == gexf)
        // `-o -` writes the same document to standard output.
        let stdout = try Whichtok.run(["export", "--edgelist", "g.txt", "--gexf", "-o", "-"], in: folder.path)
        #expect(stdout.status == 0)
        #expect(Data(stdout.stdout.utf8) == gexf)
        if let jing = ExternalTool.jing, let schemas = TestEnvironment.schemas {
            let valid = try ChildProcess.run(
                jing, ["-c", schemas.appendingPathComponent("gexf-1.3/gexf.rnc").path, folder.file("whichtok.gexf")])
            #expect(valid.status == 0, "\(valid.stdout)")
        }
    }

    @Test(
        "--no-layout, --gexf-version 1.2 and layout options change what they should",
        .enabled(if: Whichtok.binary != nil, "skipped: the whichtok binary was not built"))
    func options() throws {
        let folder = try TemporaryFolder()
        try ExportCommandTests.edgeList.write(toFile: folder.file("g.txt"), atomically: true, encoding: .utf8)
        let plain = try Whichtok.run(
            ["export", "--edgelist", "g.txt", "--gexf", "--no-layout", "--gexf-version", "1.2", "-o", "a.gexf"],
            in: folder.path)
        #expect(plain.status == 0)
        let text = try String(contentsOfFile: folder.file("a.gexf"), encoding: .utf8)
        #expect(text.contains("xmlns=\"http://www.gexf.net/1.2draft\""))
        #expect(!text.contains("viz:position"))
        #expect(text.contains("viz:color"))
        let linlog = try Whichtok.run(
            ["export", "--edgelist", "g.txt", "--gexf", "--linlog", "--layout-iterations", "30", "-o", "b.gexf"],
            in: folder.path)
        #expect(linlog.status == 0)
        let other = try Whichtok.run(
            ["export", "--edgelist", "g.txt", "--gexf", "--layout-iterations", "30", "-o", "c.gexf"], in: folder.path)
        #expect(other.status == 0)
        let b = try Data(contentsOf: URL(fileURLWithPath: folder.file("b.gexf")))
        let c = try Data(contentsOf: URL(fileURLWithPath: folder.file("c.gexf")))
        #expect(b != c)
    }

    @Test(
        "exit codes: 64 usage, 65 malformed edge list, 66 missing store or file, 73 unwritable output",
        .enabled(if: Whichtok.binary != nil, "skipped: the whichtok binary was not built"))
    func exitCodes() throws {
        let folder = try TemporaryFolder()
        try ExportCommandTests.edgeList.write(toFile: folder.file("g.txt"), atomically: true, encoding: .utf8)
        try "a b c d\n".write(toFile: folder.file("bad.txt"), atomically: true, encoding: .utf8)
        let cases: [([String], Int32)] = [
            (["export", "--edgelist", "g.txt"], 64),
            (["export", "--edgelist", "g.txt", "--gexf", "--graphml"], 64),
            (["export", "--edgelist", "g.txt", "--csv", "-o", "-"], 64),
            (["export", "--edgelist", "g.txt", "--gexf", "--gexf-version", "2.0"], 64),
            (["export", "--edgelist", "g.txt", "--graphml", "--dynamic"], 64),
            (["export", "--edgelist", "bad.txt", "--gexf"], 65),
            (["export", "--edgelist", "missing.txt", "--gexf"], 66),
            (["export", "--store", "missing.store", "--gexf"], 66),
            (["export", "--edgelist", "g.txt", "--gexf", "-o", "no/such/folder/x.gexf"], 73),
            (["export", "--edgelist", "g.txt", "--graphml", "-o", "."], 73),
        ]
        for (arguments, expected) in cases {
            let result = try Whichtok.run(arguments, in: folder.path)
            #expect(result.status == expected, "\(arguments.joined(separator: " ")): \(result.stderr)")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(left == ["bad.txt", "g.txt"])
    }

    @Test(
        "exports a store: the sample archives as a dynamic interaction GEXF and a shared-space GraphML",
        .enabled(if: Whichtok.binary != nil, "skipped: the whichtok binary was not built"))
    func store() throws {
        let folder = try TemporaryFolder()
        let samples = PackageFolder.sampleArchives
        let imported = try Whichtok.run(["import", "--store", "s.store", samples], in: folder.path)
        try #require(imported.status == 0, "\(imported.stderr)")
        let gexf = try Whichtok.run(
            ["export", "--store", "s.store", "--graph", "interaction", "--gexf", "--dynamic", "-o", "i.gexf"],
            in: folder.path)
        #expect(gexf.status == 0, "\(gexf.stderr)")
        let text = try String(contentsOfFile: folder.file("i.gexf"), encoding: .utf8)
        #expect(text.contains("mode=\"dynamic\""))
        #expect(text.contains("<spell start="))
        #expect(text.contains("<attribute id=\"donor\" title=\"donor\" type=\"boolean\"/>"))
        #expect(text.contains("title=\"first_interaction\""))
        let graphml = try Whichtok.run(
            ["export", "--store", "s.store", "--graphml", "-o", "s.graphml"], in: folder.path)
        #expect(graphml.status == 0, "\(graphml.stderr)")
        if let jing = ExternalTool.jing, let schemas = TestEnvironment.schemas {
            let valid = try ChildProcess.run(
                jing, ["-c", schemas.appendingPathComponent("gexf-1.3/gexf.rnc").path, folder.file("i.gexf")])
            #expect(valid.status == 0, "\(valid.stdout)")
        }
        if let xmllint = ExternalTool.xmllint, let schemas = TestEnvironment.graphMLSchemas {
            let valid = try ChildProcess.run(
                xmllint,
                [
                    "--noout", "--nonet", "--schema", schemas.appendingPathComponent("graphml.xsd").path,
                    folder.file("s.graphml"),
                ])
            #expect(valid.status == 0, "\(valid.stderr)")
        }
    }
}
