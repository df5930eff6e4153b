import Foundation
import Testing
import WhichtokGraph
import WhichtokStore

@testable import WhichtokExport

/// Where the package, the shared schemas and the external tools are. Tests that need a missing piece
/// are disabled with a comment that says which piece (a user's own clone has no `../shared`).
enum TestEnvironment {
    /// The package root: `Tests/WhichtokExportTests/Support.swift` → up three levels.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/schemas` beside the package, when present.
    static let schemas: URL? = {
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/schemas")
        let probe = url.appendingPathComponent("gexf-1.3/gexf.rnc").path
        return FileManager.default.fileExists(atPath: probe) ? url : nil
    }()

    /// An executable on `PATH`.
    static func tool(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static let jing = tool("jing")
    static let xmllint = tool("xmllint")
    static var canValidateGEXF: Bool { schemas != nil && jing != nil }
    static var canValidateGraphML: Bool { schemas != nil && xmllint != nil }

    /// A Python with networkx ≥ 3.6 and python-igraph: `.venv-test` (made by `make test-deps`), else
    /// `python3` on `PATH`.
    static let python: String? = {
        var candidates: [String] = []
        let venv = packageRoot.appendingPathComponent(".venv-test/bin/python").path
        if FileManager.default.isExecutableFile(atPath: venv) { candidates.append(venv) }
        if let system = tool("python3") { candidates.append(system) }
        let probe = """
            import networkx, igraph, sys
            major, minor = (int(x) for x in networkx.__version__.split(".")[:2])
            sys.exit(0 if (major, minor) >= (3, 6) else 1)
            """
        for candidate in candidates {
            if let result = try? run(candidate, ["-c", probe]), result.status == 0 { return candidate }
        }
        return nil
    }()
}

/// Unwraps a value produced by a mutating call (which `#require` cannot wrap).
func must<T>(_ value: T?, sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
    try #require(value, sourceLocation: sourceLocation)
}

/// Output of a finished process.
struct ProcessResult {
    var status: Int32
    var output: String
    var error: String
}

/// Runs an executable to completion, capturing stdout and stderr.
func run(_ executable: String, _ arguments: [String]) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Drain stderr on another thread so a chatty child cannot block on a full pipe.
    let errorBox = DataBox()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        errorBox.data = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let outputData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return ProcessResult(
        status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
        error: String(decoding: errorBox.data, as: UTF8.self))
}

private final class DataBox: @unchecked Sendable {
    var data = Data()
}

/// A fresh temporary folder, removed by `cleanUp()`.
struct TemporaryFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("whichtok-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func cleanUp() { try? FileManager.default.removeItem(at: url) }
}

/// Small graphs with every awkward kind of label, and a hand-made store.
enum Fixtures {
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
        var builder = StoreBuilder()
        builder.add(batch)
        return builder.build()
    }
}

/// One export case: a document and how to write it.
struct ExportCase: CustomStringConvertible {
    var name: String
    var document: ExportDocument
    var dynamic = false
    var description: String { name }
}

extension Fixtures {
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
