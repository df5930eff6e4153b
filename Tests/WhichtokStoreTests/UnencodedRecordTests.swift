import Foundation
import Testing
import WhichtokTestSupport

@testable import WhichtokStore

/// An import of a few inputs hands the spool each batch (`RecordSpool.add(sha256:batch:)`); the
/// record is encoded only when it is read, by the save as it writes it, which is then its last
/// reader.
@Suite("Import: records of kept batches encoded when the save writes them")
struct UnencodedRecordTests {
    let inputs = RecordsFirstSaveTests()

    func batches(_ donors: Range<Int>, count: (Int) -> Int = { 50 + 40 * $0 }) throws -> [ImportBatch] {
        try donors.map { try inputs.watcher($0, count: count($0)) }
    }

    /// A spool of `batches`, handed over whole (`asBatches`) or as their records.
    func spool(_ path: String, _ batches: [ImportBatch], asBatches: Bool, budget: Int = 4096) -> RecordSpool {
        let spool = RecordSpool(storePath: path, budget: budget)
        for batch in batches {
            if asBatches {
                spool.add(sha256: batch.sha256, batch: batch)
            } else {
                spool.add(sha256: batch.sha256, record: StoreAssembly.record(of: batch))
            }
        }
        return spool
    }

    func read(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test("a batch's record reads, builds and saves as the record encoded at once; once written it is let go")
    func sameAsRecords() throws {
        let folder = try TemporaryFolder("unencoded")
        let path = folder.file("s.store")
        let batches = try batches(0..<6)
        let reference = spool(path, batches, asBatches: false)
        let held = spool(path, batches, asBatches: true)
        // Nothing encoded, so nothing spilled past the 4 KiB budget; every batch kept.
        #expect(reference.hasSpilled)
        #expect(!held.hasSpilled)
        #expect(held.keptBatchCount == batches.count)
        let keys = try held.sortedKeys()
        #expect(keys == (try reference.sortedKeys()))
        for key in keys { #expect(try held.record(key) == (try reference.record(key))) }
        // Sizes of records not encoded are estimates, never zero.
        #expect(held.sizes(of: keys).allSatisfy { $0 > 0 })

        let store = try StoreAssembly.build(reference, path: path)
        #expect(try StoreAssembly.build(held, path: path) == store)
        _ = try store.save(to: folder.file("reference.store"), spool: reference)
        // The plain save and the records-first save both write the same bytes.
        let plain = spool(path, batches, asBatches: true)
        #expect(try store.save(to: folder.file("plain.store"), spool: plain) == keys)
        #expect(try read(folder.file("plain.store")) == (try read(folder.file("reference.store"))))
        #if os(Linux)
            let save = try #require(Store.RecordsFirstSave(path: folder.file("early.store"), spool: held))
            save.writeRecords()
            #expect(try save.finish(store) == keys)
            #expect(try read(folder.file("early.store")) == (try read(folder.file("reference.store"))))
            #expect(try Store.loadRecords(from: folder.file("early.store")) == (try reference.records()))
        #endif
        // Written, the records are gone from the spool: reading them again is an error, not an
        // empty record, and so is a second record for one of them.
        #expect(throws: StoreError.self) { try plain.record(keys[0]) }
        #expect(throws: StoreError.self) { try plain.records() }
        #expect(try plain.sortedKeys() == keys)
        plain.add(sha256: keys[0], record: StoreAssembly.record(of: batches[0]))
        #expect(throws: StoreError.self) { try plain.sortedKeys() }
    }

    @Test("past 64 records the records not encoded yet are encoded, and none is lost")
    func encodedWhenKeepingStops() throws {
        let folder = try TemporaryFolder("unencoded-many")
        let path = folder.file("s.store")
        let batches = try batches(0..<(RecordSpool.batchesKeptUpTo + 2)) { 3 + $0 % 5 }
        let held = spool(path, Array(batches.prefix(RecordSpool.batchesKeptUpTo)), asBatches: true, budget: 1 << 30)
        #expect(held.keptBatchCount == RecordSpool.batchesKeptUpTo)
        // The 65th comes as a batch too: it is encoded at once, and so are the others now.
        for batch in batches.dropFirst(RecordSpool.batchesKeptUpTo) { held.add(sha256: batch.sha256, batch: batch) }
        #expect(held.keptBatchCount == 0)
        // All of them are records now: their sizes are exact (an estimate for one not encoded).
        let reference = spool(path, batches, asBatches: false, budget: 1 << 30)
        let keys = try reference.sortedKeys()
        #expect(held.sizes(of: keys) == reference.sizes(of: keys))
        #expect(try held.records() == (try reference.records()))
    }

    @Test("a second record for an input handed over as a batch is combined with the batch's record")
    func combined() throws {
        let folder = try TemporaryFolder("unencoded-twice")
        let path = folder.file("s.store")
        let batches = try batches(0..<3)
        var renamed = batches[1]
        renamed.inputName = "again.zip"
        let held = spool(path, batches, asBatches: true)
        held.add(sha256: renamed.sha256, batch: renamed)
        let reference = spool(path, batches, asBatches: false)
        reference.add(sha256: renamed.sha256, record: StoreAssembly.record(of: renamed))
        // Its batch is no longer kept (the combined record is not the batch's).
        #expect(held.keptBatchCount == 2)
        #expect(try held.records() == (try reference.records()))
    }

    @Test("a column reserved and filled after later ones gives the bytes of one written in order")
    func reservedColumn() throws {
        let folder = try TemporaryFolder("reserved-column")
        let first: [UInt32] = [1, 2, 3]
        let second: [UInt64] = (0..<1000).map { $0 * 0x0101_0101 }
        let third: [UInt8] = Array("a column of a length known once written".utf8)
        try Snapshot.write(
            [.init("first", first), .init("second", second), .init("third", third)], to: folder.file("plain"))

        let writer = try Snapshot.Writer(path: folder.file("late"), columnCount: 3, anonymous: false)
        try writer.write(.init("first", first))
        let reserved = try writer.reserve("second", elementSize: 8, count: second.count)
        try writer.write("third", elementSize: 1) { body in
            try third.prefix(10).withUnsafeBytes { try body($0) }
            try third.dropFirst(10).withUnsafeBytes { try body($0) }
        }
        try second.withUnsafeBytes { try writer.fill(reserved, with: $0) }
        try writer.finish(shouldStop: { false })
        #expect(try read(folder.file("late")) == (try read(folder.file("plain"))))

        // Filled with the wrong length, filled twice, or not filled: an error, and no file.
        let wrong = try Snapshot.Writer(path: folder.file("wrong"), columnCount: 2, anonymous: false)
        let column = try wrong.reserve("second", elementSize: 8, count: 2)
        #expect(throws: StoreError.self) { try first.withUnsafeBytes { try wrong.fill(column, with: $0) } }
        try wrong.write(.init("first", first))
        #expect(throws: StoreError.self) { try wrong.finish(shouldStop: { false }) }
        let twice = try Snapshot.Writer(path: folder.file("twice"), columnCount: 1, anonymous: false)
        let once = try twice.reserve("second", elementSize: 8, count: 2)
        try second.prefix(2).withUnsafeBytes { try twice.fill(once, with: $0) }
        #expect(throws: StoreError.self) { try second.prefix(2).withUnsafeBytes { try twice.fill(once, with: $0) } }
        // A column of elements whose bytes do not come to a whole number of them.
        let odd = try Snapshot.Writer(path: folder.file("odd"), columnCount: 1, anonymous: false)
        #expect(throws: StoreError.self) {
            try odd.write("odd", elementSize: 4) { body in try third.prefix(6).withUnsafeBytes { try body($0) } }
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("wrong")))
        #expect(!FileManager.default.fileExists(atPath: folder.file("odd")))
    }
}
