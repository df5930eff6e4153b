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

    @Test(
        "a tree of partial stores that share events gives the plain build: one event each, earliest time, first input")
    func sharedEventsAcrossPartials() throws {
        // Forty inputs; in each, one of ten stars follows the same hub account (a follow listed in
        // four archives, at different or unknown times) and watches one video at one of two times;
        // the donor watches 1,500 videos of its own (enough events for the parallel sort). Built
        // three records at a time, the duplicates meet only in the upper levels of the tree.
        let donors = 40
        func time(_ d: Int) -> UInt32 { d % 4 == 0 ? 0 : 1_700_000_000 + UInt32((d * 7) % 5) * 100 }
        func batch(_ d: Int) throws -> ImportBatch {
            var batch = ImportBatch(inputName: "donor-\(d).json", sha256: Fixture.digest(UInt8(d + 1)))
            batch.setOwner(username: "donor\(d)")
            let star = try must(batch.account(username: "star\(d % 10)"))
            let hub = try must(batch.account(username: "hub"))
            batch.addEvent(actor: star, kind: .followed, objectType: .account, object: hub, time: time(d))
            let shared = try must(batch.video(id: 7_000_000_000_000_000_000))
            batch.addEvent(
                actor: star, kind: .watched, objectType: .video, object: shared,
                time: 1_700_000_000 + UInt32(d / 10 % 2))
            for j in 0..<1500 {
                let video = try must(batch.video(id: 7_100_000_000_000_000_000 + UInt64(d * 1500 + j) << 20))
                batch.addEvent(
                    actor: batch.owner, kind: .watched, objectType: .video, object: video,
                    time: 1_700_000_000 + UInt32(j))
            }
            return batch
        }
        let batches = try (0..<donors).map(batch)
        let plain = Fixture.build(batches)
        #expect(try StoreAssembly.build(records(batches), path: "x", chunk: 3) == plain)
        #expect(try StoreAssembly.build(records(batches.reversed()), path: "x") == plain)

        // Each star's follow of the hub once: the earliest known time, from the first input that
        // has it (inputs are rows by SHA-256, which here is the order of `d`).
        let hub = try must(plain.account(named: "hub"))
        let follows = plain.events(.followed).filter { plain.events.object[$0] == RowID(hub) }
        #expect(follows.count == 10)
        for k in 0..<10 {
            let star = try must(plain.account(named: "star\(k)"))
            let sightings = stride(from: k, to: donors, by: 10).map { (time: time($0), input: $0) }
            let known = sightings.filter { $0.time != 0 }
            let best = known.min { ($0.time, $0.input) < ($1.time, $1.input) } ?? sightings[0]
            let event = follows.filter { plain.events.actor[$0] == RowID(star) }
            #expect(event.count == 1)
            #expect(event.map { plain.events.time[$0] } == [best.time])
            #expect(event.map { plain.events.source[$0] } == [RowID(best.input)])
        }
        // Watches repeat at different times only: each star watched the shared video at two times.
        #expect(plain.events(.watched).count == donors * 1500 + 10 * 2)
    }

    /// Donor `d` searches for two terms (one shared with other donors), shares a video with a
    /// label, saves it to a collection and watches a few videos: events that name strings.
    func searcher(_ d: Int) throws -> ImportBatch {
        var batch = ImportBatch(inputName: "searcher-\(d).zip", sha256: Fixture.digest(UInt8(d + 10)))
        batch.setOwner(username: "searcher\(d)")
        let owner = batch.owner
        for term in ["term \(d % 4)", "own term \(d)"] {
            batch.addEvent(
                actor: owner, kind: .searched, objectType: .searchTerm, object: try must(batch.string(term)),
                time: 1_700_000_000 + UInt32(d))
        }
        let video = try must(batch.video(id: 7_200_000_000_000_000_000 + UInt64(d % 3) << 20))
        batch.addEvent(
            actor: owner, kind: .shared, objectType: .video, object: video, time: 1_700_000_100,
            detail: .label("via app \(d % 2)"))
        batch.addEvent(
            actor: owner, kind: .favorited, objectType: .collection,
            object: try must(batch.string("list \(d % 5)")), time: 0)
        for j in 0..<20 {
            let watched = try must(batch.video(id: 7_300_000_000_000_000_000 + UInt64(d * 20 + j) << 20))
            batch.addEvent(
                actor: owner, kind: .watched, objectType: .video, object: watched, time: 1_700_000_200 + UInt32(j))
        }
        return batch
    }

    @Test("event observations spilled to a file while the other observations are resolved give the same store")
    func spilledEvents() throws {
        let folder = try TemporaryFolder("spill")
        let batches = try (0..<15).map(searcher)
        let plain = Fixture.build(batches)
        // A builder whose events go to the spill file after each store added.
        let spill = try #require(EventSpill(storePath: folder.file("s.store")))
        var builder = StoreBuilder()
        builder.eventSpill = spill
        for batch in batches {
            builder.add(store: Fixture.build([batch]))
            builder.spillEvents()
            #expect(builder.events.isEmpty)
        }
        #expect(spill.count == plain.events.count)
        let built = builder.build()
        #expect(built == plain)
        #expect(spill.failure == nil)
        // The tree build's last level spills (three runs of five records, at most five per level),
        // and the spill file is gone from the folder as soon as it is opened.
        #expect(try StoreAssembly.build(records(batches), path: folder.file("s.store"), chunk: 5) == plain)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test("events added after the last spill are kept: the build spills them before reading the file back")
    func eventsAfterTheLastSpill() throws {
        let folder = try TemporaryFolder("spill-tail")
        let batches = try (0..<6).map(searcher)
        let plain = Fixture.build(batches)
        let spill = try #require(EventSpill(storePath: folder.file("s.store")))
        var builder = StoreBuilder()
        builder.eventSpill = spill
        for (index, batch) in batches.enumerated() {
            builder.add(store: Fixture.build([batch]))
            // Only the first half goes to the file before the build; the rest is still in memory.
            if index < 3 { builder.spillEvents() }
        }
        #expect(!builder.events.isEmpty)
        #expect(builder.build() == plain)
        #expect(spill.failure == nil)
    }

    /// Donor `d` watches 3,000 videos (some twice at the same time), searches and shares; account
    /// "star" posts some of them in every donor's archive, so its events are in every input.
    func watcher(_ d: Int) throws -> ImportBatch {
        var batch = ImportBatch(inputName: "watcher-\(d).zip", sha256: Fixture.digest(UInt8(d + 40)))
        batch.setOwner(username: "watcher\(d)")
        let owner = batch.owner
        let star = try must(batch.account(username: "star", numericID: 99))
        for j in 0..<3_000 {
            let video = try must(batch.video(id: 7_400_000_000_000_000_000 + UInt64((d * 7 + j) % 4_000) << 20))
            let time = 1_700_000_000 + UInt32(j % 1_000)
            batch.addEvent(actor: owner, kind: .watched, objectType: .video, object: video, time: time)
            if j % 10 == 0 {
                batch.addEvent(actor: owner, kind: .watched, objectType: .video, object: video, time: time)
            }
            if j % 100 == 0 { batch.addEvent(actor: star, kind: .posted, objectType: .video, object: video, time: 0) }
            if j % 500 == 0 {
                batch.addEvent(
                    actor: owner, kind: .searched, objectType: .searchTerm,
                    object: try must(batch.string("term \((d + j) % 7)")), time: time)
                batch.addEvent(
                    actor: owner, kind: .shared, objectType: .video, object: video, time: time,
                    detail: .label("via \(j % 3)"))
            }
        }
        return batch
    }

    @Test("many events are grouped by actor on two cores, in memory and from the spill, as on one")
    func groupedOnTwoCores() throws {
        let folder = try TemporaryFolder("grouping")
        let batches = try (0..<20).map(watcher)
        let stores = batches.map { Fixture.build([$0]) }
        func built(spilled: Bool, parts: Int?) throws -> Store {
            var builder = StoreBuilder()
            if spilled {
                let spill = try #require(EventSpill(storePath: folder.file("s.store")))
                builder.eventSpill = spill
            }
            for store in stores {
                builder.add(store: store)
                if spilled { builder.spillEvents() }
            }
            if !spilled { #expect(builder.observedEvents > StoreBuilder.groupInParallel) }
            return builder.build(groupingParts: parts)
        }
        let one = try built(spilled: false, parts: 1)
        #expect(one.events.count > StoreBuilder.groupInParallel)
        #expect(try built(spilled: false, parts: nil) == one)
        #expect(try built(spilled: true, parts: nil) == one)
        #expect(try built(spilled: true, parts: 1) == one)
        #expect(Fixture.build(batches) == one)
    }

    @Test(
        "one run of records decoded on one core while added on the other: the plain build, the first failure in order")
    func decodedAhead() throws {
        let batches = try (0..<12).map(searcher)
        let stores = batches.map { Fixture.build([$0]) }
        let plain = Fixture.build(batches)
        // Some records take longer to decode than others, so that either worker may wait.
        let built = try StoreAssembly.build(count: stores.count, chunk: 64, path: "x") { index throws(StoreError) in
            if index % 3 == 1 { usleep(2_000) }
            return .store(stores[index])
        }
        #expect(built == plain)
        // Records 3 and 4 fail, 4 first (record 3 waits until 4 has failed, or a second if no
        // other worker takes record 4 meanwhile): the error is record 3's, as when they were
        // decoded in turn.
        let failing = Set([3, 4])
        let fourFailed = DispatchSemaphore(value: 0)
        #expect {
            _ = try StoreAssembly.build(count: stores.count, chunk: 64, path: "x") { index throws(StoreError) in
                if index == 3 { _ = fourFailed.wait(timeout: .now() + 1) }
                if index == 4 { fourFailed.signal() }
                guard !failing.contains(index) else {
                    throw StoreError(code: .corrupt, path: "x", message: "record \(index)")
                }
                return .store(stores[index])
            }
        } throws: { error in
            (error as? StoreError)?.message == "record 3"
        }
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
