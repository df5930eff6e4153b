import Foundation
import Testing
import WhichtokGraph
import WhichtokStore
import WhichtokTestSupport

@testable import WhichtokExport

/// The schemas and the external tools the validation and round-trip tests need. Tests that need a
/// missing piece are disabled with a comment that says which piece.
enum TestEnvironment {
    /// `Tests/Schemas`, which holds the GEXF schemas (see its SOURCES.md).
    static let schemas: URL? = {
        let url = URL(fileURLWithPath: PackageFolder.schemas)
        let probe = url.appendingPathComponent("gexf-1.3/gexf.rnc").path
        return FileManager.default.fileExists(atPath: probe) ? url : nil
    }()

    /// A folder holding the GraphML schemas (`graphml.xsd` and what it includes), which may not be
    /// redistributed: `WHICHTOK_GRAPHML_SCHEMAS`, else `Tests/Schemas/graphml` when a developer put them there.
    static let graphMLSchemas: URL? = {
        let candidates = [
            ProcessInfo.processInfo.environment["WHICHTOK_GRAPHML_SCHEMAS"], PackageFolder.schemas + "/graphml",
        ]
        return candidates.compactMap { $0 }.map { URL(fileURLWithPath: $0) }.first {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("graphml.xsd").path)
        }
    }()

    static var canValidateGEXF: Bool { schemas != nil && ExternalTool.jing != nil }
    static var canValidateGraphML: Bool { graphMLSchemas != nil && ExternalTool.xmllint != nil }

    /// A Python with networkx ≥ 3.6 and python-igraph.
    static let python = ExternalTool.python(
        passing: """
            import networkx, igraph, sys
            major, minor = (int(x) for x in networkx.__version__.split(".")[:2])
            sys.exit(0 if (major, minor) >= (3, 6) else 1)
            """)
}

/// Small graphs with every awkward kind of label, and a hand-made store.
extension Fixture {
    /// Labels that break naive writers: emoji, quotes, markup characters, control characters,
    /// line breaks and tabs, CSV separators, non-Latin text and non-characters.
    static let awkwardLabels: [String] = [
        "palm 🌴 party 🎉",
        "say \"hi\" & 'bye'",
        "<b>&amp;</b> <&>",
        "bell\u{07}esc\u{1B}nul\u{00}end",
        "line one\nline two\r\nthree\tcolumns",
        "comma, separated; \"quoted\"",
        "über 中文 עברית",
        "non\u{FFFE}character\u{FFFF}",
        "  spaced  out  ",
        "#hashtag",
        "@user name",
        "plain",
    ]

    /// What a reader should see for each label: the label without the characters XML 1.0 forbids.
    static func expectedLabel(_ label: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in label.unicodeScalars {
            let v = scalar.value
            let allowed = v < 0x20 ? (v == 0x09 || v == 0x0A || v == 0x0D) : (v != 0xFFFE && v != 0xFFFF)
            if allowed { scalars.append(scalar) }
        }
        return String(scalars)
    }

    /// Two triangles of awkward labels joined by a bridge, plus a second pair of triangles: 12 nodes.
    static func awkwardGraph(directed: Bool = false) -> Graph {
        let edges: [(UInt32, UInt32, Float)] = [
            (0, 1, 1), (1, 2, 2.5), (2, 0, 0.75), (3, 4, 1), (4, 5, 1.25), (5, 3, 3),
            (2, 3, 0.5), (6, 7, 2), (7, 8, 2), (8, 6, 1), (8, 9, 0.125), (9, 10, 4), (10, 11, 1), (11, 9, 1),
            (5, 6, 0.1),
        ]
        return Graph(
            nodeCount: awkwardLabels.count, sources: edges.map(\.0), targets: edges.map(\.1), weights: edges.map(\.2),
            directed: directed, labels: awkwardLabels)
    }

    static func layoutParameters(iterations: Int = 60) -> ForceAtlas2.Parameters {
        var parameters = ForceAtlas2.Parameters()
        parameters.iterations = iterations
        return parameters
    }

    /// Analysis, layout and document of a graph.
    static func document(_ graph: Graph, store: Store? = nil, layout: Bool = true) -> ExportDocument {
        let analysis = Analysis(graph, store: store)
        let positions =
            layout
            ? ForceAtlas2(analysis.graph, parameters: layoutParameters(), communities: analysis.leiden.membership) : nil
        return ExportDocument(analysis: analysis, store: store, layout: positions)
    }

    static let t0: UInt32 = 1_700_000_000

    /// Alice's archive: she follows, comments, likes and messages; Bob replies; Carol is mentioned.
    static func handStore() throws -> Store {
        var batch = ImportBatch(inputName: "alice.zip", sha256: (0..<32).map { UInt8($0) })
        let alice = batch.owner
        batch.setOwner(username: "alice")
        let bob = try must(batch.account(username: "bob"))
        let carol = try must(batch.account(username: "carol"))
        let dave = try must(batch.account(username: "dave"))
        let video = try must(batch.video(id: 7_000_000_000_000_000_001))
        let tag = try must(batch.hashtag(name: "cottagecore"))
        batch.describeVideo(video, author: bob, hashtags: [tag])
        let own = try must(batch.video(id: 7_000_000_000_000_000_002))
        batch.describeVideo(own, author: alice, mentions: [carol])
        let carolVideo = try must(batch.video(id: 7_000_000_000_000_000_003))
        batch.describeVideo(carolVideo, author: carol, hashtags: [tag])
        batch.addEvent(actor: alice, kind: .followed, objectType: .account, object: bob, time: t0)
        batch.addEvent(actor: alice, kind: .watched, objectType: .video, object: video, time: t0 + 10)
        batch.addEvent(actor: alice, kind: .watched, objectType: .video, object: video, time: t0 + 86_400 * 3)
        batch.addEvent(actor: alice, kind: .liked, objectType: .video, object: video, time: t0 + 30)
        batch.addEvent(actor: alice, kind: .liked, objectType: .video, object: carolVideo, time: t0 + 86_400 * 9)
        let comment = batch.comment(author: alice, video: video, time: t0 + 40, textFingerprint: 1)
        batch.addEvent(actor: alice, kind: .commented, objectType: .comment, object: comment, time: t0 + 40)
        let reply = batch.comment(author: bob, video: video, parent: comment, time: t0 + 86_400, textFingerprint: 2)
        batch.addEvent(actor: bob, kind: .commented, objectType: .comment, object: reply, time: t0 + 86_400)
        batch.addEvent(actor: alice, kind: .posted, objectType: .video, object: own, time: t0 + 60)
        let group = try must(batch.conversation(groupID: 99))
        batch.addEvent(
            actor: dave, kind: .messaged, objectType: .conversation, object: group, time: t0 + 70,
            detail: .messageFingerprint(1))
        batch.addEvent(
            actor: alice, kind: .messaged, objectType: .conversation, object: group, time: t0 + 86_400 * 20,
            detail: .messageFingerprint(3))
        return build([batch])
    }
}

/// One export case: a document and how to write it.
struct ExportCase: CustomStringConvertible {
    var name: String
    var document: ExportDocument
    var dynamic = false
    var description: String { name }
}

extension Fixture {
    /// Every shape the writers must handle: awkward labels (undirected, directed, without layout) and
    /// store graphs with edge counters, times and donors (interaction, shared-space, bipartite).
    static func cases() throws -> [ExportCase] {
        let store = try handStore()
        var shared = SharedSpaceOptions()
        shared.coEngagement.popularityCap = 10
        return [
            ExportCase(name: "awkward labels, undirected", document: document(awkwardGraph())),
            ExportCase(name: "awkward labels, directed", document: document(awkwardGraph(directed: true))),
            ExportCase(name: "awkward labels, no layout", document: document(awkwardGraph(), layout: false)),
            ExportCase(
                name: "interaction, dynamic", document: document(GraphBuilder.interaction(store), store: store),
                dynamic: true),
            ExportCase(name: "interaction, static", document: document(GraphBuilder.interaction(store), store: store)),
            ExportCase(
                name: "shared-space",
                document: document(GraphBuilder.sharedSpace(store, options: shared), store: store),
                dynamic: true),
            ExportCase(
                name: "account-hashtag", document: document(GraphBuilder.accountHashtag(store), store: store),
                dynamic: true),
        ]
    }
}
