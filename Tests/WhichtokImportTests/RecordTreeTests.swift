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

    @Test(
        "each sample input's accounts, built from its accounts alone (for inputs and forget --donor), are its store's")
    func accountsWithoutEvents() throws {
        let folder = PackageFolder.sampleArchives + "/archives"
        let paths = try FileManager.default.contentsOfDirectory(atPath: folder).sorted().map { folder + "/" + $0 }
        let run = Importer(parallelism: 2).run(paths: paths)
        try #require(run.batches.count == paths.count)
        func accounts(_ store: Store) -> [String] {
            (0..<store.accounts.count).map { row in
                let id = RowID(row)
                return "\(store.label(ofAccount: id)) \(store.accounts.numericID[row]) "
                    + "\(store.accounts.flags(id).rawValue) \(store.accounts.usernameHistory(of: id).count)"
            }
        }
        var owners = 0
        for batch in run.batches {
            let record = try DecodedRecord(
                record: StoreAssembly.record(of: batch)[...], path: "x", sha256: batch.sha256)
            let full = record.store
            let alone = record.accountsStore
            #expect(alone.events.count == 0 && alone.videos.count == 0 && full.videos.count > 0, "\(batch.inputName)")
            #expect(accounts(alone) == accounts(full), "\(batch.inputName)")
            #expect(alone.donorNames == full.donorNames, "\(batch.inputName)")
            if !full.donorNames.isEmpty { owners += 1 }
        }
        #expect(owners == run.batches.count - 2, "every archive has an owner; the two captures have none")
    }
}
