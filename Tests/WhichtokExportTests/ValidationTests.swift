import Foundation
import Testing
import WhichtokGraph

@testable import WhichtokExport

/// Every export validates against the official schemas with the official validators.
@Suite("Schema validation")
struct ValidationTests {
    func validateGEXF(_ version: GEXFVersion, schema: String) throws {
        let schemas = try #require(TestEnvironment.schemas)
        let jing = try #require(TestEnvironment.jing)
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        for exportCase in try Fixtures.cases() {
            let path = folder.path("case.gexf")
            try Exporter.writeGEXF(
                exportCase.document, to: path, options: GEXFOptions(version: version, dynamic: exportCase.dynamic))
            let result = try run(jing, ["-c", schemas.appendingPathComponent(schema).path, path])
            #expect(result.status == 0, "\(exportCase): \(result.output)\(result.error)")
            #expect(result.output.isEmpty, "\(exportCase): \(result.output)")
        }
    }

    @Test(
        "GEXF 1.3 validates with jing against gexf-1.3/gexf.rnc",
        .enabled(if: TestEnvironment.canValidateGEXF, "skipped: needs ../shared/schemas and jing on PATH"))
    func gexf13() throws {
        try validateGEXF(.version13, schema: "gexf-1.3/gexf.rnc")
    }

    @Test(
        "GEXF 1.2draft validates with jing against gexf-1.2draft/gexf.rnc",
        .enabled(if: TestEnvironment.canValidateGEXF, "skipped: needs ../shared/schemas and jing on PATH"))
    func gexf12() throws {
        try validateGEXF(.version12, schema: "gexf-1.2draft/gexf.rnc")
    }

    @Test(
        "GraphML validates with xmllint against graphml/graphml.xsd",
        .enabled(if: TestEnvironment.canValidateGraphML, "skipped: needs ../shared/schemas and xmllint on PATH"))
    func graphML() throws {
        let schemas = try #require(TestEnvironment.schemas)
        let xmllint = try #require(TestEnvironment.xmllint)
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        for exportCase in try Fixtures.cases() {
            let path = folder.path("case.graphml")
            try Exporter.writeGraphML(exportCase.document, to: path)
            let schema = schemas.appendingPathComponent("graphml/graphml.xsd").path
            let result = try run(xmllint, ["--noout", "--nonet", "--schema", schema, path])
            #expect(result.status == 0, "\(exportCase): \(result.error)")
        }
    }
}
