import Foundation
import Testing
import WhichtokGraph
import WhichtokStore
import WhichtokTestSupport

@testable import WhichtokExport

@Suite("Data dictionary of the CSV exports")
struct DataDictionaryTests {
    @Test("the README's data dictionary is the generated one (WHICHTOK_PRINT_DICTIONARY=1 prints it)")
    func readme() throws {
        let markdown = DataDictionary.csvExport.markdown
        if ProcessInfo.processInfo.environment["WHICHTOK_PRINT_DICTIONARY"] == "1" {
            print("BEGIN-DICTIONARY\n" + markdown + "END-DICTIONARY")
        }
        let readme = try String(contentsOfFile: PackageFolder.path("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "\n## Data dictionary\n"), "no '## Data dictionary' section")
        let rest = readme[section.upperBound...]
        let end = rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex
        #expect(rest[..<end].contains(markdown), "README.md's data dictionary differs from DataDictionary.csvExport")
    }

    @Test("every column a CSV export writes is in the dictionary, and data-dictionary.csv is beside it")
    func columnsOfRealFiles() throws {
        let scratch = try TemporaryFolder("dictionary")
        // A directed interaction graph with edge counters, times and betweenness.
        let graph = Graph(nodeCount: 3, edges: [(0, 1, 2), (1, 2, 1)], directed: true)
        var options = AnalysisOptions()
        options.betweenness = Betweenness.Parameters()
        let analysis = Analysis(graph, options: options)
        let document = ExportDocument(analysis: analysis, layout: nil)
        let result = try Exporter.writeCSV(document, toFolder: scratch.file("csv"))
        #expect(
            result.files.map { $0.split(separator: "/").last.map(String.init) ?? "" }.sorted() == [
                "data-dictionary.csv", "edges.csv", "nodes.csv",
            ])
        let dictionary = DataDictionary.csvExport
        for table in ["nodes.csv", "edges.csv"] {
            let text = try String(contentsOfFile: scratch.file("csv/" + table), encoding: .utf8)
            let header = text.prefix { $0 != "\r\n" && $0 != "\n" }.split(separator: ",").map(String.init)
            #expect(header.count >= 5)
            for name in header { #expect(dictionary.describes(name, in: table), "\(table): \(name)") }
        }
        #expect(
            try scratch.read("csv/data-dictionary.csv") == dictionary.tables(["nodes.csv", "edges.csv"]).csv)
        #expect(
            dictionary.describes("events_liked", in: "nodes.csv") && dictionary.describes("followed", in: "edges.csv"))
        #expect(
            !dictionary.describes("events_nope", in: "nodes.csv") && !dictionary.describes("label", in: "nodes.csv"))
    }
}
