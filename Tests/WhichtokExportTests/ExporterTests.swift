import Foundation
import Testing
import WhichtokGraph
import WhichtokStore
import WhichtokTestSupport

@testable import WhichtokExport

@Suite("Exporter: structure, determinism, atomic files")
struct ExporterTests {
    @Test("two exports of the same analysis are byte-identical (GEXF 1.3, 1.2, GraphML, CSV)")
    func determinism() throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.handStore()
        // Two independent runs: graph, analysis, layout and document are all rebuilt.
        for run in 0..<2 {
            let document = Fixture.document(GraphBuilder.sharedSpace(store), store: store)
            try Exporter.writeGEXF(document, to: folder.file("\(run).gexf"), options: GEXFOptions(dynamic: true))
            try Exporter.writeGEXF(
                document, to: folder.file("\(run).12.gexf"), options: GEXFOptions(version: .version12))
            try Exporter.writeGraphML(document, to: folder.file("\(run).graphml"))
            try Exporter.writeCSV(document, toFolder: folder.file("\(run)-csv"))
            let awkward = Fixture.document(Fixture.awkwardGraph(directed: true))
            try Exporter.writeGEXF(awkward, to: folder.file("\(run).awkward.gexf"))
        }
        for name in ["gexf", "12.gexf", "graphml", "csv/nodes.csv", "csv/edges.csv", "awkward.gexf"] {
            let first = name.hasPrefix("csv/") ? "0-" + name : "0." + name
            let second = name.hasPrefix("csv/") ? "1-" + name : "1." + name
            let a = try Data(contentsOf: URL(fileURLWithPath: folder.file(first)))
            let b = try Data(contentsOf: URL(fileURLWithPath: folder.file(second)))
            #expect(!a.isEmpty)
            #expect(a == b, "\(name) differs between runs")
        }
    }

    @Test("GEXF structure: namespaces, no mutual edges, no schemaLocation, rgb colours, attributes declared once")
    func gexfStructure() throws {
        let folder = try TemporaryFolder()
        let document = Fixture.document(Fixture.awkwardGraph())
        try Exporter.writeGEXF(document, to: folder.file("a.gexf"))
        try Exporter.writeGEXF(document, to: folder.file("b.gexf"), options: GEXFOptions(version: .version12))
        let v13 = try String(contentsOfFile: folder.file("a.gexf"), encoding: .utf8)
        let v12 = try String(contentsOfFile: folder.file("b.gexf"), encoding: .utf8)
        #expect(
            v13.contains("<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" version=\"1.3\">"))
        #expect(
            v12.contains(
                "<gexf xmlns=\"http://www.gexf.net/1.2draft\" xmlns:viz=\"http://www.gexf.net/1.2draft/viz\" version=\"1.2\">"
            ))
        for text in [v13, v12] {
            #expect(!text.contains("mutual"))
            #expect(!text.contains("schemaLocation"))
            #expect(!text.contains("hex="))
            #expect(text.contains("defaultedgetype=\"undirected\""))
            #expect(text.components(separatedBy: "<attribute id=\"pagerank\"").count == 2)
            #expect(text.components(separatedBy: "<edge id=").count == document.graph.edgeCount + 1)
            #expect(
                text.range(of: "<nodes")?.lowerBound ?? text.endIndex < text.range(of: "<edges")?.lowerBound
                    ?? text.startIndex)
        }
    }

    @Test("GraphML structure: keys before the graph, unique attr.name per domain, standard types, edgedefault")
    func graphMLStructure() throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.handStore()
        let document = Fixture.document(GraphBuilder.interaction(store), store: store)
        try Exporter.writeGraphML(document, to: folder.file("g.graphml"))
        let text = try String(contentsOfFile: folder.file("g.graphml"), encoding: .utf8)
        #expect(text.contains("<graph id=\"G\" edgedefault=\"directed\">"))
        let lines = text.split(separator: "\n")
        let keys = lines.filter { $0.contains("<key ") }
        let lastKey = try #require(lines.lastIndex { $0.contains("<key ") })
        let graphLine = try #require(lines.firstIndex { $0.contains("<graph ") })
        #expect(lastKey < graphLine)
        var names = Set<String>()
        for key in keys {
            let domain = try #require(key.firstMatch(of: /for="([a-z]+)"/)).1
            let name = try #require(key.firstMatch(of: /attr\.name="([A-Za-z_][A-Za-z0-9_.-]*)"/)).1
            let type = try #require(key.firstMatch(of: /attr\.type="([a-z]+)"/)).1
            #expect(["boolean", "int", "long", "float", "double", "string"].contains(String(type)))
            #expect(["graph", "node", "edge"].contains(String(domain)))
            #expect(names.insert("\(domain)/\(name)").inserted, "duplicate attr.name \(name)")
        }
        let firstEdge = try #require(lines.firstIndex { $0.contains("<edge ") })
        let lastNode = try #require(lines.lastIndex { $0.contains("<node ") })
        #expect(lastNode < firstEdge)
    }

    @Test("the document carries the analysis and the store's facts")
    func documentContents() throws {
        let store = try Fixture.handStore()
        let graph = GraphBuilder.interaction(store)
        let document = Fixture.document(graph, store: store)
        let names = document.nodeColumns.map(\.name)
        for name in [
            "node_type", "community", "pagerank", "degree", "in_degree", "out_degree", "strength", "participation",
            "role", "donor", "events_liked",
        ] {
            #expect(names.contains(name), "missing node attribute \(name)")
        }
        let edgeNames = document.edgeColumns.map(\.name)
        for name in ["followed", "commented", "liked", "interaction_weight", "first_interaction", "last_interaction"] {
            #expect(edgeNames.contains(name), "missing edge attribute \(name)")
        }
        let alice = try #require((0..<graph.nodeCount).first { graph.label(of: $0, in: store) == "alice" })
        let donor = try #require(document.nodeColumns.first { $0.name == "donor" })
        #expect(donor.value(alice) == .boolean(true))
        let liked = try #require(document.nodeColumns.first { $0.name == "events_liked" })
        #expect(liked.value(alice) == .integer(2))
        #expect(document.hasTimes)
    }

    @Test("an export to a path that cannot be written fails with cannotCreate and leaves nothing behind")
    func unwritable() throws {
        let folder = try TemporaryFolder()
        let document = Fixture.document(Fixture.awkwardGraph(), layout: false)
        #expect(throws: ExportError.self) { try Exporter.writeGEXF(document, to: folder.file("missing/dir/x.gexf")) }
        do {
            try Exporter.writeGraphML(document, to: folder.path)
            Issue.record("writing over a folder should fail")
        } catch {
            #expect(error.code == .cannotCreate)
        }
        let file = folder.file("file")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        do {
            try Exporter.writeCSV(document, toFolder: file)
            Issue.record("CSV into a plain file should fail")
        } catch {
            #expect(error.code == .cannotCreate)
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(left == ["file"])
    }

    @Test(
        "a full disk makes the XML and CSV writers report failure",
        .enabled(if: FileManager.default.isWritableFile(atPath: "/dev/full"), "skipped: no /dev/full"))
    func diskFull() throws {
        let document = Fixture.document(Fixture.awkwardGraph(), layout: false)
        // /dev/full accepts the open and fails every write with ENOSPC.
        let descriptor = open("/dev/full", O_WRONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        let xml = try #require(XMLTextWriter(fileDescriptor: descriptor), "no writer")
        var buffer = ValueBuffer()
        GEXFWriter.write(document, options: GEXFOptions(), to: xml, buffer: &buffer)
        #expect(xml.failed)
        var sink = ByteSink(descriptor: descriptor)
        CSVWriter.writeNodes(document, to: &sink, buffer: &buffer)
        sink.flush()
        let failed = sink.failed
        #expect(failed)
    }

    @Test("replacing an existing export is atomic: the new content appears whole, no temporary files remain")
    func replace() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("graph.gexf")
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        try Exporter.writeGEXF(Fixture.document(Fixture.awkwardGraph(), layout: false), to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("</gexf>\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["graph.gexf"])
    }
}

@Suite("Pre-formatted markup")
struct RawMarkupTests {
    @Test("the fast path writes exactly the bytes libxml2 writes element by element")
    func sameBytes() throws {
        let folder = try TemporaryFolder()
        for exportCase in try Fixture.cases() {
            for version in GEXFVersion.allCases {
                let options = GEXFOptions(version: version, dynamic: exportCase.dynamic)
                try Exporter.writeGEXF(exportCase.document, to: folder.file("fast.gexf"), options: options, fast: true)
                try Exporter.writeGEXF(exportCase.document, to: folder.file("slow.gexf"), options: options, fast: false)
                let fast = try Data(contentsOf: URL(fileURLWithPath: folder.file("fast.gexf")))
                let slow = try Data(contentsOf: URL(fileURLWithPath: folder.file("slow.gexf")))
                #expect(fast == slow, "GEXF \(version.rawValue), \(exportCase)")
            }
            try Exporter.writeGraphML(exportCase.document, to: folder.file("fast.graphml"), fast: true)
            try Exporter.writeGraphML(exportCase.document, to: folder.file("slow.graphml"), fast: false)
            let fast = try Data(contentsOf: URL(fileURLWithPath: folder.file("fast.graphml")))
            let slow = try Data(contentsOf: URL(fileURLWithPath: folder.file("slow.graphml")))
            #expect(fast == slow, "GraphML, \(exportCase)")
        }
    }

    @Test("elements holding text that needs escaping fall back to libxml2 with the same bytes")
    func fallback() throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.handStore()
        var document = Fixture.document(GraphBuilder.interaction(store), store: store)
        // Every other node and edge gets a value with markup in it.
        document.nodeColumns.append(AttributeColumn("note", .string, .text { $0 % 2 == 0 ? "a <b> & \"c\"" : "plain" }))
        document.edgeColumns.append(AttributeColumn("note", .string, .text { $0 % 2 == 1 ? "x\ny & z" : "plain" }))
        for fast in [true, false] {
            try Exporter.writeGEXF(
                document, to: folder.file("\(fast).gexf"), options: GEXFOptions(dynamic: true), fast: fast)
            try Exporter.writeGraphML(document, to: folder.file("\(fast).graphml"), fast: fast)
        }
        for name in ["gexf", "graphml"] {
            let fast = try Data(contentsOf: URL(fileURLWithPath: folder.file("true.\(name)")))
            let slow = try Data(contentsOf: URL(fileURLWithPath: folder.file("false.\(name)")))
            #expect(fast == slow, "\(name)")
            #expect(String(decoding: fast, as: UTF8.self).contains("a &lt;b&gt; &amp; &quot;c&quot;"))
        }
    }

    @Test("values XML would escape are refused, so such elements go through libxml2")
    func refusesMarkup() {
        var raw = RawMarkup()
        raw.begin(depth: 1, parentStartTagOpen: false)
        var value = ValueBuffer()
        value.append(integer: 42)
        raw.startElement("a")
        raw.attribute("x", &value)
        raw.endElement()
        let refused = raw.needsEscaping
        let text = String(decoding: raw.buffer.bytes, as: UTF8.self)
        #expect(!refused)
        #expect(text == "  <a x=\"42\"/>\n")
        for text in ["a<b", "a&b", "say \"x\"", "tab\t", "line\n", "cr\r"] {
            var markup = RawMarkup()
            markup.begin(depth: 0, parentStartTagOpen: false)
            var bad = ValueBuffer()
            bad.append(text: text)
            markup.startElement("a")
            markup.attribute("x", &bad)
            let refused = markup.needsEscaping
            #expect(refused, "\(text)")
        }
    }
}
