import Foundation
import Testing
import WhichtokGraph
import WhichtokTestSupport

@testable import WhichtokExport

/// Every export validates against the official schemas with the official validators.
@Suite("Schema validation")
struct ValidationTests {
    func validateGEXF(_ version: GEXFVersion, schema: String) throws {
        let schemas = try #require(TestEnvironment.schemas)
        let jing = try #require(ExternalTool.jing)
        let folder = try TemporaryFolder()
        for exportCase in try Fixture.cases() {
            let path = folder.file("case.gexf")
            try Exporter.writeGEXF(
                exportCase.document, to: path, options: GEXFOptions(version: version, dynamic: exportCase.dynamic))
            let result = try ChildProcess.run(jing, ["-c", schemas.appendingPathComponent(schema).path, path])
            #expect(result.status == 0, "\(exportCase): \(result.stdout)\(result.stderr)")
            #expect(result.stdout.isEmpty, "\(exportCase): \(result.stdout)")
        }
    }

    @Test(
        "GEXF 1.3 validates with jing against gexf-1.3/gexf.rnc",
        .enabled(if: TestEnvironment.canValidateGEXF, "skipped: needs jing on PATH (make test-deps)"))
    func gexf13() throws {
        try validateGEXF(.version13, schema: "gexf-1.3/gexf.rnc")
    }

    @Test(
        "GEXF 1.2draft validates with jing against gexf-1.2draft/gexf.rnc",
        .enabled(if: TestEnvironment.canValidateGEXF, "skipped: needs jing on PATH (make test-deps)"))
    func gexf12() throws {
        try validateGEXF(.version12, schema: "gexf-1.2draft/gexf.rnc")
    }

    @Test(
        "GraphML validates with xmllint against graphml.xsd",
        .enabled(
            if: TestEnvironment.canValidateGraphML,
            "skipped: needs xmllint on PATH and the GraphML schemas (Tests/Schemas/SOURCES.md)"))
    func graphML() throws {
        let schemas = try #require(TestEnvironment.graphMLSchemas)
        let xmllint = try #require(ExternalTool.xmllint)
        let folder = try TemporaryFolder()
        for exportCase in try Fixture.cases() {
            let path = folder.file("case.graphml")
            try Exporter.writeGraphML(exportCase.document, to: path)
            let schema = schemas.appendingPathComponent("graphml.xsd").path
            let result = try ChildProcess.run(xmllint, ["--noout", "--nonet", "--schema", schema, path])
            #expect(result.status == 0, "\(exportCase): \(result.stderr)")
        }
    }
}
