import Foundation
import Testing
import WhichtokTestSupport

@testable import WhichtokStore

@Suite("Saving: records written while the store is built, columns gathered into large writes")
struct RecordsFirstSaveTests {
    /// Donor `d` watches `count` videos of its own and one every donor watches.
    func watcher(_ d: Int, count: Int) throws -> ImportBatch {
        var batch = ImportBatch(inputName: "watcher-\(d).zip", sha256: Fixture.digest(UInt8(d + 1)))
        batch.setOwner(username: "watcher\(d)")
        let shared = try must(batch.video(id: 7_000_000_000_000_000_000))
        batch.addEvent(actor: batch.owner, kind: .watched, objectType: .video, object: shared, time: 1_700_000_000)
        for j in 0..<count {
            let video = try must(batch.video(id: 7_100_000_000_000_000_000 + UInt64(d * count + j) << 20))
            batch.addEvent(
                actor: batch.owner, kind: .watched, objectType: .video, object: video,
                time: 1_700_000_000 + UInt32(j))
        }
        return batch
    }

    /// A spool of `inputs` records, most of them spilled to its file.
    func spool(at path: String, inputs: Int) throws -> RecordSpool {
        let spool = RecordSpool(storePath: path, budget: 4096)
        for d in 0..<inputs {
            let batch = try watcher(d, count: 50 + 40 * d)
            spool.add(sha256: batch.sha256, record: StoreAssembly.record(of: batch))
        }
        return spool
    }

    func names(in folder: TemporaryFolder) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    @Test("records written before the tables (the file unnamed until renamed) give the bytes of the plain save")
    func sameBytes() throws {
        #if os(Linux)
            let folder = try TemporaryFolder("records-first")
            let spool = try spool(at: folder.file("early.store"), inputs: 30)
            #expect(spool.hasSpilled)
            let store = try StoreAssembly.build(spool, path: folder.file("early.store"))
            let plainKeys = try store.save(to: folder.file("plain.store"), spool: spool)
            // An old store at the path is replaced.
            try Store().save(to: folder.file("early.store"))
            let before = try names(in: folder)

            let save = try #require(Store.RecordsFirstSave(path: folder.file("early.store"), spool: spool))
            save.writeRecords()
            // Written, but nowhere to be seen: a process killed now leaves nothing behind.
            #expect(try names(in: folder) == before)
            let keys = try save.finish(store)
            #expect(keys == plainKeys)
            #expect(try folder.read("early.store") == folder.read("plain.store"))
            #expect(try names(in: folder) == before)
            #expect(try Store.load(from: folder.file("early.store")) == store)
            // And the same as a save of the records taken out of the spool.
            try store.save(to: folder.file("records.store"), records: try spool.records())
            #expect(try folder.read("early.store") == folder.read("records.store"))
        #endif
    }

    @Test("a records-first save told to stop leaves the old store as it was and no file behind")
    func interrupted() throws {
        #if os(Linux)
            let folder = try TemporaryFolder("records-first-stop")
            let path = folder.file("s.store")
            let spool = try spool(at: path, inputs: 5)
            let store = try StoreAssembly.build(spool, path: path)
            try Store().save(to: path)
            let old = try folder.read("s.store")
            let before = try names(in: folder)
            // How often the save asks: once per table column and twice at the end.
            var asks = 0
            let counting = try #require(Store.RecordsFirstSave(path: folder.file("count.store"), spool: spool))
            counting.writeRecords()
            _ = try counting.finish(store) {
                asks += 1
                return false
            }
            try FileManager.default.removeItem(atPath: folder.file("count.store"))
            #expect(asks > 2)
            for stopAt in [1, asks - 1, asks] {
                var asked = 0
                let save = try #require(Store.RecordsFirstSave(path: path, spool: spool))
                save.writeRecords()
                #expect {
                    _ = try save.finish(store) {
                        asked += 1
                        return asked >= stopAt
                    }
                } throws: { error in
                    (error as? StoreError)?.code == .interrupted
                }
                #expect(try folder.read("s.store") == old)
                #expect(try names(in: folder) == before)
            }
        #endif
    }

    @Test("one run of records whose tables are sized by the records' sizes (however wrong) gives the plain build")
    func sizedRun() throws {
        let batches = try (0..<12).map { try watcher($0, count: 30 * ($0 % 4)) }
        let stores = batches.map { Fixture.build([$0]) }
        let plain = Fixture.build(batches)
        let guesses = [
            stores.map { $0.encodedRecord().count }, [Int](repeating: 0, count: 12),
            (0..<12).map { $0 == 0 ? 1 : 1_000_000 },
        ]
        for sizes in guesses {
            let built = try StoreAssembly.build(count: stores.count, chunk: 64, path: "x", sizes: sizes) {
                index throws(StoreError) in .store(stores[index])
            }
            #expect(built == plain)
            // Batch records (what an import keeps) are sized by their observations.
            let fromBatches = try StoreAssembly.build(count: batches.count, chunk: 64, path: "x", sizes: sizes) {
                index throws(StoreError) in .batch(batches[index])
            }
            #expect(fromBatches == plain)
        }
    }

    @Test("columns in pieces of every size, small and past the staging buffer, give the bytes of whole columns")
    func pieces() throws {
        let folder = try TemporaryFolder("snapshot-pieces")
        let small: [UInt8] = (0..<1001).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let large: [UInt32] = (0..<(Snapshot.Writer.stagingSize + 3)).map { UInt32($0) &* 2_654_435_761 }
        let odd: [UInt8] = [1, 2, 3]
        let whole: [Snapshot.Column] = [.init("a", small), .init("b", large), .init("c", odd), .init("d", small)]
        try Snapshot.write(whole, to: folder.file("whole.store"))
        // The same bytes given a byte at a time, in uneven pieces, and in one piece past the buffer.
        func piecewise(_ bytes: [UInt8], _ name: String, cut: Int) -> Snapshot.Column {
            .init(name, elementSize: 1, count: bytes.count) { body in
                var start = 0
                var step = 1
                while start < bytes.count {
                    let end = min(bytes.count, start + step)
                    try bytes[start..<end].withUnsafeBytes { try body($0) }
                    start = end
                    step = step * 3 % cut + 1
                }
            }
        }
        let largeBytes = large.withUnsafeBytes { Array($0) }
        let pieces: [Snapshot.Column] = [
            piecewise(small, "a", cut: 17),
            .init("b", elementSize: 4, count: large.count) { body in
                // A few bytes, pieces that fill the staging buffer, then the rest at once.
                try largeBytes[0..<5].withUnsafeBytes { try body($0) }
                var start = 5
                while start < largeBytes.count / 2 {
                    try largeBytes[start..<start + 100_003].withUnsafeBytes { try body($0) }
                    start += 100_003
                }
                try largeBytes[start...].withUnsafeBytes { try body($0) }
            },
            piecewise(odd, "c", cut: 2), piecewise(small, "d", cut: 1000),
        ]
        try Snapshot.write(pieces, to: folder.file("pieces.store"))
        #expect(try folder.read("pieces.store") == folder.read("whole.store"))
        let reader = try Snapshot.Reader(path: folder.file("pieces.store"))
        #expect(try reader.column("b") == large)
        #expect(try reader.column("d") == small)
    }

    @Test(
        "records held in memory go to the spool's file once the build has decoded them, and read back the same",
        arguments: [5, 70])
    func heldRecordsMoveToFile(inputs: Int) throws {
        // 5 records are one run (decoded ahead of one builder), 70 a tree of two runs.
        let folder = try TemporaryFolder("records-moved")
        let path = folder.file("s.store")
        func spool() throws -> RecordSpool {
            let spool = RecordSpool(storePath: path, budget: 1 << 30)
            for d in 0..<inputs {
                let batch = try watcher(d, count: 10 + d)
                spool.add(sha256: batch.sha256, record: StoreAssembly.record(of: batch))
            }
            return spool
        }
        let built = try spool()
        #expect(!built.hasSpilled)
        let store = try StoreAssembly.build(built, path: path)
        #expect(built.hasSpilled)
        let reference = try spool().records()
        #expect(store == (try StoreAssembly.build(reference, path: path)))
        let keys = try built.sortedKeys()
        #expect(keys.count == inputs)
        #expect(try keys.map { try built.record($0) } == (0..<reference.count).map { Array(reference.record(at: $0)) })
        #expect(try built.records() == reference)

        // Where no spill file can be made, they stay in memory, and nothing fails.
        let nowhere = folder.file("missing/s.store")
        let kept = RecordSpool(storePath: nowhere, budget: 1 << 30)
        for index in 0..<reference.count {
            kept.add(sha256: reference.sha256(at: index), record: Array(reference.record(at: index)))
        }
        #expect(try StoreAssembly.build(kept, path: nowhere) == store)
        #expect(!kept.hasSpilled)
        #expect(try kept.records() == reference)
    }
}
