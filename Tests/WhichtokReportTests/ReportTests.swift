import Foundation
import Testing
import WhichtokGraph
import WhichtokPlot
import WhichtokStore
import WhichtokTestSupport

@testable import WhichtokReport

/// Usernames that break a naive page: markup, an attribute breaking out of its quotes, control
/// characters, right-to-left and CJK text, emoji.
let hostileNames = [
    "<script>alert(1)</script>",
    "x\"><img src=x onerror=alert(2)>",
    "bell\u{07}nul\u{00}c1\u{85}del\u{7F}end",
    "amp&lt;not-an-entity",
    "über中文עברית🌴",
    "bob",
]

extension Fixture {
    /// A donor who follows, likes and comments among the hostile names: two groups of three that
    /// engage with videos of their own hashtag, joined by one follow.
    static func hostileStore() throws -> Store {
        let t0: UInt32 = 1_700_000_000
        var batch = ImportBatch(inputName: "<b>donor</b>.zip", sha256: digest(3))
        batch.setOwner(username: "alice")
        let alice = batch.owner
        var rows: [RowID] = [alice]
        for name in hostileNames { rows.append(try must(batch.account(username: name))) }
        let tags = [try must(batch.hashtag(name: "<i>cats</i>")), try must(batch.hashtag(name: "dogs&co"))]
        var videos: [RowID] = []
        for i in 0..<6 {
            let video = try must(batch.video(id: 7_100_000_000_000_000_000 + UInt64(i)))
            batch.describeVideo(video, author: rows[1 + i], hashtags: [tags[i / 3]])
            videos.append(video)
        }
        let groups = [[0, 1, 2, 3], [4, 5, 6]]
        var time = t0
        for group in groups {
            for a in group {
                for b in group where a != b {
                    batch.addEvent(actor: rows[a], kind: .followed, objectType: .account, object: rows[b], time: time)
                    time += 3_600
                }
            }
        }
        batch.addEvent(actor: rows[3], kind: .followed, objectType: .account, object: rows[4], time: time)
        // Alice's feed: months of the first group's videos, then of the second's.
        for day in 0..<120 {
            let video = videos[day < 60 ? day % 3 : 3 + day % 3]
            batch.addEvent(
                actor: alice, kind: .watched, objectType: .video, object: video, time: t0 + UInt32(day) * 86_400)
        }
        return build([batch])
    }

    /// The report of a store's interaction graph, with exposure.
    static func report(_ store: Store) -> String {
        let graph = GraphFilter().apply(to: GraphBuilder.interaction(store))
        let analysis = Analysis(graph, store: store)
        let exposure = Exposure(analysis: analysis, store: store)
        let provenance = ReportProvenance(
            version: "test", storeName: "s.store", storeSHA256: String(repeating: "ab", count: 32), storeBytes: 1234,
            options: [("--graph", "interaction")], commandLine: "whichtok report --store s.store --graph interaction")
        return Report.render(ReportInput(analysis: analysis, store: store, exposure: exposure, provenance: provenance))
    }
}

/// What in an HTML text a browser would fetch from the network: `src=`, `href=` and `url(` values
/// that are network addresses, `<link>` elements, `@import`.
func networkReferences(_ html: String) -> [String] {
    var found: [String] = []
    let lower = html.lowercased()
    for marker in ["src=", "href=", "url(", "srcset=", "action=", "poster=", "data="] {
        var search = lower.startIndex
        while let range = lower.range(of: marker, range: search..<lower.endIndex) {
            var value = lower[range.upperBound...].prefix(12)
            value = value.drop { $0 == "\"" || $0 == "'" || $0 == " " }
            if value.hasPrefix("http:") || value.hasPrefix("https:") || value.hasPrefix("//") || value.hasPrefix("ftp:")
                || value.hasPrefix("ws")
            {
                found.append(marker + value)
            }
            search = range.upperBound
        }
    }
    if lower.contains("<link") { found.append("<link") }
    if lower.contains("@import") { found.append("@import") }
    if lower.contains("<iframe") || lower.contains("<object") || lower.contains("<embed") { found.append("embedded") }
    return found
}

@Suite("Report HTML")
struct ReportTests {
    @Test("text from input is escaped, and characters HTML cannot hold are removed")
    func escaping() {
        #expect(HTMLText.escaped("<a href=\"x\">&'</a>") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;")
        #expect(HTMLText.escaped("a\u{0}b\u{7}c\u{1B}d\u{7F}e\u{85}f\u{FFFE}g") == "abcdefg")
        // U+FDD0, a noncharacter a Swift literal may not hold.
        #expect(HTMLText.escaped("g" + String(decoding: [0xEF, 0xB7, 0x90], as: UTF8.self) + "h") == "gh")
        #expect(HTMLText.escaped("tab\tline\nok") == "tab\tline\nok")
        #expect(HTMLText.escaped("über 中文 עברית 🌴") == "über 中文 עברית 🌴")
    }

    @Test("a hostile username is shown as text: no markup of it survives, no control character either")
    func hostileUsername() throws {
        let html = Fixture.report(try Fixture.hostileStore())
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("x&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"))
        #expect(html.contains("bellnulc1delend"))
        #expect(html.contains("amp&amp;lt;not-an-entity"))
        #expect(html.contains("über中文עברית🌴"))
        #expect(html.contains("#&lt;i&gt;cats&lt;/i&gt;"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<i>"))
        #expect(!html.contains("<b>donor"))
        #expect(html.components(separatedBy: "<script").count == 2, "only the page's own script")
        #expect(!html.contains("alert(1)</script>"))
        let controls = html.unicodeScalars.filter {
            ($0.value < 0x20 && $0.value != 0x0a && $0.value != 0x09) || (0x7f...0x9f).contains($0.value)
        }
        #expect(controls.isEmpty, "\(controls.map(\.value))")
    }

    @Test("every section is there, with the niches, the donor's feed and the provenance")
    func sections() throws {
        let store = try Fixture.hostileStore()
        let html = Fixture.report(store)
        for id in ["data", "map", "niches", "mixing", "exposure", "central", "made"] {
            #expect(html.contains("<section id=\"\(id)\""), "\(id)")
        }
        #expect(html.contains("id=\"niche-0\"") && html.contains("id=\"niche-1\""))
        #expect(html.contains("Feed of alice per month"))
        #expect(html.contains(String(repeating: "ab", count: 32)))
        #expect(html.contains("whichtok report --store s.store --graph interaction"))
        #expect(html.contains("<th scope=\"col\""))
        #expect(html.contains("@media print"))
        #expect(html.contains("role=\"img\""))
        #expect(networkReferences(html).isEmpty, "\(networkReferences(html))")
    }

    @Test("the same input gives the same bytes")
    func deterministic() throws {
        let first = Fixture.report(try Fixture.hostileStore())
        let second = Fixture.report(try Fixture.hostileStore())
        #expect(first == second)
    }

    @Test("the network check finds what a browser would fetch")
    func networkCheck() {
        #expect(networkReferences("<img src=\"https://x/y.png\">").count == 1)
        #expect(networkReferences("<a href='//cdn.example/x'>").count == 1)
        #expect(networkReferences("a{background:url(http://x/a.png)}").count == 1)
        #expect(networkReferences("<link rel=stylesheet href=a.css>").count == 1)
        #expect(networkReferences("<image href=\"data:image/png;base64,AAAA\"/><a href=\"#niche-1\">").isEmpty)
    }
}

/// The map drawn from `plot`'s scene.
@Suite("Report map")
struct ReportMapTests {
    static func map(_ analysis: Analysis, store: Store?, iterations: Int = 50) throws -> ReportMap {
        var parameters = ForceAtlas2.Parameters()
        parameters.iterations = iterations
        let layout = ForceAtlas2(analysis.graph, parameters: parameters, communities: analysis.leiden.membership)
        let text = PangoText()
        let scene = MapScene(analysis: analysis, store: store, layout: layout) { text.measure($0, fontSize: $1) }
        return try ReportMap(scene: scene, text: text, parameters: [("Layout", "test")])
    }

    @Test("every node is a disc with a tooltip naming it, its niche, PageRank and role; labels are escaped")
    func tooltips() throws {
        let store = try Fixture.hostileStore()
        let graph = GraphFilter().apply(to: GraphBuilder.interaction(store))
        let analysis = Analysis(graph, store: store)
        let map = try Self.map(analysis, store: store)
        #expect(map.edgeRaster == nil)
        let html = Report.render(
            ReportInput(analysis: analysis, store: store, map: map, provenance: ReportProvenance(version: "test")))
        let svg = try #require(
            html.components(separatedBy: "<svg id=\"mapsvg\"").last?.components(separatedBy: "</svg>").first)
        #expect(svg.components(separatedBy: "<circle ").count - 1 == graph.nodeCount)
        #expect(svg.components(separatedBy: "<line ").count - 1 == graph.edgeCount)
        #expect(svg.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt;\nniche "))
        for u in 0..<graph.nodeCount {
            let niche = analysis.leiden.membership[u]
            #expect(svg.contains("\nniche \(niche): "))
        }
        #expect(svg.contains("\nPageRank 0.") && svg.contains("\nrole "))
        #expect(!svg.contains("<script"))
        #expect(networkReferences(html).isEmpty)
    }

    @Test("a large graph's edges are a PNG under the largest nodes, which keep their tooltips")
    func raster() throws {
        // 6,000 nodes in rings of 50 joined in a chain: above the SVG node limit.
        var edges: [(Int, Int, Float)] = []
        for ring in 0..<120 {
            for i in 0..<50 { edges.append((ring * 50 + i, ring * 50 + (i + 1) % 50, 1)) }
            if ring > 0 { edges.append((ring * 50 - 1, ring * 50, 0.5)) }
        }
        let graph = Graph(nodeCount: 6_000, edges: edges)
        let analysis = Analysis(graph)
        let map = try Self.map(analysis, store: nil, iterations: 2)
        let png = try #require(map.edgeRaster)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(map.nodes.count == ReportMap.svgNodeLimit)
        #expect(map.edges.isEmpty)
        let html = Report.render(
            ReportInput(analysis: analysis, store: nil, map: map, provenance: ReportProvenance(version: "t")))
        #expect(html.contains("href=\"data:image/png;base64,iVBORw0KGgo"))
        #expect(html.components(separatedBy: "<circle ").count - 1 == ReportMap.svgNodeLimit)
        #expect(networkReferences(html).isEmpty)
    }
}
