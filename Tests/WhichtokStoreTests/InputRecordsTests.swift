import Foundation
import Testing
import WhichtokTestSupport

@testable import WhichtokStore

@Suite("Input records: the store rebuilt from what it keeps of each input")
struct InputRecordsTests {
    /// Dave follows bob, whom his archive knows by username and numeric id: the only link between them.
    func dave() throws -> ImportBatch {
        var batch = ImportBatch(inputName: "dave.zip", sha256: Fixture.digest(1))
        batch.setOwner(username: "dave")
        let bob = try must(batch.account(username: "bob", numericID: 123))
        batch.addEvent(actor: batch.owner, kind: .followed, objectType: .account, object: bob, time: 1_700_000_000)
        return batch
    }

    /// Erin's capture sees account 123 (no username) post video 7.
    func erin() throws -> ImportBatch {
        var batch = ImportBatch(inputName: "erin.har", sha256: Fixture.digest(2))
        let author = try must(batch.account(numericID: 123))
        let video = try must(batch.video(id: 7 << 32 | 5))
        batch.describeVideo(video, author: author, caption: "a caption")
        batch.addEvent(actor: author, kind: .posted, objectType: .video, object: video, time: 7)
        return batch
    }

    /// Fay follows bob by username only.
    func fay() throws -> ImportBatch {
        var batch = ImportBatch(inputName: "fay.zip", sha256: Fixture.digest(3))
        batch.setOwner(username: "fay")
        let bob = try must(batch.account(username: "bob"))
        batch.addEvent(actor: batch.owner, kind: .followed, objectType: .account, object: bob, time: 1_700_000_500)
        batch.addEvent(
            actor: batch.owner, kind: .searched, objectType: .searchTerm, object: try must(batch.string("cats")),
            time: 9)
        return batch
    }

    func records(_ batches: [ImportBatch], budget: Int = 1 << 30) throws -> InputRecords {
        let spool = RecordSpool(storePath: NSTemporaryDirectory() + "/records-test.store", budget: budget)
        for batch in batches { spool.add(sha256: batch.sha256, record: StoreAssembly.record(of: batch)) }
        return try spool.records()
    }

    func saved(_ store: Store, _ records: InputRecords, in folder: TemporaryFolder, _ name: String) throws -> [UInt8] {
        try store.save(to: folder.file(name), records: records)
        return try folder.read(name)
    }

    @Test("a record decodes to the store it encodes, and is much smaller than the store's columns")
    func roundTrip() throws {
        let store = Fixture.build([try dave(), try erin(), try fay()])
        let decoded = try Store(record: store.encodedRecord()[...], path: "x", sha256: [])
        #expect(decoded == store)
        #expect(store.encodedRecord().count < store.columnBytes)
    }

    @Test("rebuilding from records gives the store of the batches, in any order and however they are gathered")
    func sameAsBatches() throws {
        let batches = [try dave(), try erin(), try fay()]
        let direct = Fixture.build(batches)
        #expect(try StoreAssembly.build(records(batches), path: "x") == direct)
        #expect(try StoreAssembly.build(records(batches.reversed()), path: "x") == direct)
        // Built as a tree of partial stores (two records at a time), the same store.
        #expect(try StoreAssembly.build(records(batches), path: "x", chunk: 2) == direct)
        // Spilled records are the same records.
        #expect(try records(batches, budget: 0) == records(batches))
    }

    @Test("forgetting the donor whose follow was the only link between an id and a username splits them")
    func forgetLink() throws {
        let folder = try TemporaryFolder("records")
        let all = try records([try dave(), try erin(), try fay()])
        let joined = try StoreAssembly.build(all, path: "x")
        let bob = try #require(joined.account(named: "bob"))
        #expect(joined.accounts.numericID[bob] == 123, "dave's follow joins bob and 123")

        let index = try #require(all.index(of: Fixture.digest(1)))
        let left = all.removing([index])
        let forgotten = try StoreAssembly.build(left, path: "x")
        let never = try records([try erin(), try fay()])
        #expect(left == never)
        #expect(
            try saved(forgotten, left, in: folder, "forgotten.store")
                == saved(StoreAssembly.build(never, path: "x"), never, in: folder, "never.store"))
        let named = try #require(forgotten.account(named: "bob"))
        #expect(forgotten.accounts.numericID[named] == 0, "bob keeps the id only dave's archive linked")
        let numbered = try #require(forgotten.account(id: 123))
        #expect(forgotten.username(numbered) == nil)
        #expect(forgotten.account(named: "dave") == nil)
        // The saved store's records load back as they were saved.
        #expect(try Store.loadRecords(from: folder.file("forgotten.store")) == left)
    }

    @Test("one input under two names has one record, the build of both sightings")
    func sameInputTwice() throws {
        var renamed = try dave()
        renamed.inputName = "copy-of-dave.zip"
        let twice = try records([try dave(), renamed, try fay()])
        #expect(twice.count == 2)
        var builder = StoreBuilder()
        for batch in [try dave(), renamed, try fay()] { builder.add(batch) }
        #expect(try StoreAssembly.build(twice, path: "x") == builder.build())
    }

    @Test("a damaged record is an error naming the store and the input, never a crash")
    func damaged() throws {
        let record = Fixture.build([try dave()]).encodedRecord()
        for cut in [1, record.count / 2, record.count - 1] {
            #expect(throws: StoreError.self) { try Store(record: record[..<cut], path: "s.store", sha256: [1, 2]) }
        }
        var flipped = record
        for i in stride(from: 1, to: flipped.count, by: 3) { flipped[i] ^= 0x5a }
        do {
            _ = try Store(record: flipped[...], path: "s.store", sha256: [0xab, 0xcd])
            Issue.record("a damaged record decoded")
        } catch {
            #expect(error.description.contains("s.store"))
            #expect(error.description.contains("abcd"))
        }
    }
}
