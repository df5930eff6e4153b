import Testing
import WhichtokTestSupport

@testable import WhichtokStore

/// An import of a few inputs keeps each input's batch in place of its record, and the build takes
/// the batch instead of decoding a record (`RecordSpool.add(sha256:batch:)`).
@Suite("Import: batches kept in place of their records for the build")
struct KeptBatchTests {
    let inputs = RecordsFirstSaveTests()

    /// A spool of the records of donors `donors` (`RecordsFirstSaveTests.watcher`), with their
    /// batches when `keeping`.
    func spool(_ path: String, donors: Range<Int>, keeping: Bool, batchBudget: Int = RecordSpool.defaultBatchBudget)
        throws -> RecordSpool
    {
        let spool = RecordSpool(storePath: path, budget: 4096, batchBudget: batchBudget)
        for d in donors {
            let batch = try inputs.watcher(d, count: 50 + 40 * d)
            if keeping {
                spool.add(sha256: batch.sha256, batch: batch)
            } else {
                spool.add(sha256: batch.sha256, record: StoreAssembly.record(of: batch))
            }
        }
        return spool
    }

    @Test("the build takes every kept batch and gives the store of the records alone")
    func sameStore() throws {
        let folder = try TemporaryFolder("kept-batches")
        let path = folder.file("s.store")
        let kept = try spool(path, donors: 0..<6, keeping: true)
        #expect(kept.keptBatchCount == 6)
        let store = try StoreAssembly.build(kept, path: path)
        #expect(kept.keptBatchCount == 0)
        #expect(store.events.count > 0)
        #expect(store == (try StoreAssembly.build(try spool(path, donors: 0..<6, keeping: false), path: path)))
        // The records themselves are all still there, for the save.
        #expect(try kept.records().count == 6)
    }

    @Test("beside records (a store's, when importing into it) the build takes the batches kept and decodes the rest")
    func mixed() throws {
        let folder = try TemporaryFolder("kept-batches")
        let path = folder.file("s.store")
        let spool = RecordSpool(storePath: path, budget: 4096)
        let records = RecordSpool(storePath: path, budget: 4096)
        for d in 0..<5 {
            let batch = try inputs.watcher(d, count: 20 + d)
            records.add(sha256: batch.sha256, record: StoreAssembly.record(of: batch))
            if d % 2 == 0 {
                spool.add(sha256: batch.sha256, record: StoreAssembly.record(of: batch))
            } else {
                spool.add(sha256: batch.sha256, batch: batch)
            }
        }
        #expect(spool.keptBatchCount == 2)
        let store = try StoreAssembly.build(spool, path: path)
        #expect(spool.keptBatchCount == 0)
        #expect(store.inputs.count == 5)
        #expect(store == (try StoreAssembly.build(records, path: path)))
        #expect(try spool.records() == (try records.records()))
    }

    @Test("none is kept for a SHA-256 with a second record, past 64 records, or past the budget")
    func notKept() throws {
        let folder = try TemporaryFolder("kept-batches")
        let path = folder.file("s.store")
        // A second record for an input: the combined record is not the batch.
        let twice = try spool(path, donors: 0..<3, keeping: true)
        var renamed = try inputs.watcher(1, count: 90)
        renamed.inputName = "again.zip"
        renamed.addEvent(actor: renamed.owner, kind: .liked, objectType: .video, object: 0, time: 1_700_000_100)
        twice.add(sha256: renamed.sha256, batch: renamed)
        #expect(twice.keptBatchCount == 2)
        #expect(twice.batch(renamed.sha256) == nil)
        let combined = try StoreAssembly.build(twice, path: path)
        let plain = try spool(path, donors: 0..<3, keeping: false)
        plain.add(sha256: renamed.sha256, record: StoreAssembly.record(of: renamed))
        #expect(combined == (try StoreAssembly.build(plain, path: path)))

        // More records than one run of the build: those kept go too.
        let many = try spool(path, donors: 0..<RecordSpool.batchesKeptUpTo, keeping: true)
        #expect(many.keptBatchCount == RecordSpool.batchesKeptUpTo)
        let last = try inputs.watcher(RecordSpool.batchesKeptUpTo, count: 3)
        many.add(sha256: last.sha256, batch: last)
        #expect(many.keptBatchCount == 0)

        // A budget for the first batch alone. A copy's capacities may differ from the kept batch's
        // by the allocator's rounding (Swift arrays take the usable size malloc gives), so the
        // budget has a quarter of slack, still short of the first two batches together.
        let first = RecordSpool.heldBytes(of: try inputs.watcher(0, count: 50).withoutLookups())
        let second = RecordSpool.heldBytes(of: try inputs.watcher(1, count: 90).withoutLookups())
        let room = first + first / 4
        #expect(room < first + second)
        let budget = try spool(path, donors: 0..<3, keeping: true, batchBudget: room)
        #expect(budget.keptBatchCount == 1)
        #expect(budget.batch(try inputs.watcher(0, count: 50).sha256) != nil)
    }
}
