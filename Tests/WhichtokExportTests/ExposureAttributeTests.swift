import Foundation
import Testing
import WhichtokGraph
import WhichtokStore
import WhichtokTestSupport

@testable import WhichtokExport

@Suite("Exposure measures as node attributes")
struct ExposureAttributeTests {
    @Test("donors' nodes carry their exposure; other nodes have no value, in every format")
    func donorAttributes() throws {
        let store = try Fixture.handStore()
        let analysis = Analysis(GraphBuilder.interaction(store), store: store)
        let exposure = Exposure(analysis: analysis, store: store)
        let document = ExportDocument(analysis: analysis, store: store, exposure: exposure)
        let graph = analysis.graph
        let names = document.nodeColumns.map(\.name)
        let measures = [
            "exposure_events", "exposure_assigned", "exposure_dominant", "exposure_own_share", "exposure_entropy",
            "exposure_effective_niches", "exposure_shifts",
        ]
        for name in measures { #expect(names.contains(name), "missing node attribute \(name)") }
        func column(_ name: String) throws -> AttributeColumn {
            try #require(document.nodeColumns.first { $0.name == name })
        }
        // Alice watched bob's video twice and liked it and carol's: four events. Bob's reply places
        // his video in his community; carol's shares its hashtag with bob's video, which places it
        // there too (alice's own likes and views left out).
        let alice = try #require((0..<graph.nodeCount).first { graph.label(of: $0, in: store) == "alice" })
        let bob = try #require((0..<graph.nodeCount).first { graph.label(of: $0, in: store) == "bob" })
        let membership = analysis.leiden.membership
        #expect(try column("exposure_events").value(alice) == .integer(4))
        #expect(try column("exposure_assigned").value(alice) == .integer(4))
        #expect(try column("exposure_shifts").value(alice) == .integer(0))
        #expect(try column("exposure_dominant").value(alice) == .integer(Int64(membership[bob])))
        let own: Double = membership[alice] == membership[bob] ? 1 : 0
        #expect(try column("exposure_own_share").value(alice) == .double(own))
        #expect(try column("exposure_entropy").value(alice) == .double(0))
        for u in 0..<graph.nodeCount where u != alice {
            for name in measures { #expect(try column(name).value(u) == nil, "\(name) of node \(u)") }
        }
        // Without an exposure the columns are absent, as before.
        let plain = ExportDocument(analysis: analysis, store: store)
        #expect(!plain.nodeColumns.contains { $0.name.hasPrefix("exposure_") })
        let folder = try TemporaryFolder()
        try Exporter.writeCSV(document, toFolder: folder.file("csv"))
        let nodes = try String(contentsOfFile: folder.file("csv/nodes.csv"), encoding: .utf8)
        #expect(nodes.contains(",exposure_events,exposure_assigned,"))
        try Exporter.writeGEXF(document, to: folder.file("a.gexf"))
        let gexf = try String(contentsOfFile: folder.file("a.gexf"), encoding: .utf8)
        #expect(gexf.contains("title=\"exposure_own_share\""))
    }

    @Test("the accounts' activity counted beforehand (as export does, beside the analysis) gives the same file")
    func activityBeforehand() throws {
        let store = try Fixture.handStore()
        var filter = EventFilter()
        filter.since = 1
        for graph in [GraphBuilder.interaction(store), GraphBuilder.interaction(store, filter: filter)] {
            let analysis = Analysis(graph, store: store)
            let activity = ExportDocument.accountActivity(graph, store: store)
            let folder = try TemporaryFolder()
            // Dynamic: the spells show the accounts' first and last events too.
            let options = GEXFOptions(dynamic: true)
            try Exporter.writeGEXF(
                ExportDocument(analysis: analysis, store: store), to: folder.file("a.gexf"), options: options)
            try Exporter.writeGEXF(
                ExportDocument(analysis: analysis, store: store, activity: activity), to: folder.file("b.gexf"),
                options: options)
            let inline = try Data(contentsOf: URL(fileURLWithPath: folder.file("a.gexf")))
            let given = try Data(contentsOf: URL(fileURLWithPath: folder.file("b.gexf")))
            #expect(given == inline)
            let text = String(decoding: given, as: UTF8.self)
            #expect(text.contains("events_watched") && text.contains("<spell "))
        }
    }
}
