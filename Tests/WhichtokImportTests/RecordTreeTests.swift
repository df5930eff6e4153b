import Foundation
import Testing
import WhichtokImport
import WhichtokTestSupport

@testable import WhichtokStore

@Suite("Stores built from input records as a tree of partial stores")
struct RecordTreeTests {
    @Test("the sample archives and captures give the same store built at once or three records at a time")
    func treeOfSamples() throws {
        let folder = PackageFolder.sampleArchives + "/archives"
        let paths = try FileManager.default.contentsOfDirectory(atPath: folder).sorted().map { folder + "/" + $0 }
        let run = Importer(parallelism: 2).run(paths: paths)
        try #require(run.batches.count == paths.count)
        let spool = RecordSpool(storePath: NSTemporaryDirectory() + "/tree.store", budget: 1 << 30)
        for batch in run.batches { spool.add(sha256: batch.sha256, record: StoreAssembly.record(of: batch)) }
        let records = try spool.records()
        let direct = Fixture.build(run.batches)
        #expect(try StoreAssembly.build(records, path: "x") == direct)
        for chunk in [2, 3, 5] {
            #expect(try StoreAssembly.build(records, path: "x", chunk: chunk) == direct, "chunk \(chunk)")
        }
    }
}
