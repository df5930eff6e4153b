import Foundation
import Testing
import WhichtokTestSupport

@testable import WhichtokStore

@Suite("Batch records: an input's observations as the store keeps them")
struct BatchRecordTests {
    /// A batch with something in every table and every kind of event detail: a renamed owner with
    /// counts, videos with hashtags, mentions, a sound and a duet, counters, comments with a parent
    /// and a reply, an effect, a group conversation, messages, a share with its method, a search.
    func everything(_ seed: UInt8 = 1) throws -> ImportBatch {
        var batch = ImportBatch(inputName: "donor-\(seed).zip", sha256: Fixture.digest(seed))
        batch.layout = "json-g3"
        batch.bytesRead = 12_345
        batch.setOwner(username: "ana")
        let owner = batch.owner
        _ = batch.account(username: "ana_old", numericID: 77, seen: 1_600_000_000)
        let bob = try must(batch.account(username: "bob", numericID: 123, secUID: "MS4wbob", nickname: "Bob ✨"))
        batch.setCounts(of: bob, followers: 1_000, following: 12, observed: 1_700_000_000, exact: true)
        let carol = try must(batch.account(username: "carol"))
        let tag = try must(batch.hashtag(name: "cats", id: 42))
        let other = try must(batch.hashtag(name: "café"))
        let sound = try must(batch.sound(id: 9_000, title: "original sound - bob"))
        let first = try must(batch.video(id: 7_300_000_000_000_000_001))
        batch.describeVideo(
            first, author: bob, caption: "a caption #cats @carol", sound: sound, hashtags: [tag, other],
            mentions: [carol], createTime: 1_690_000_000)
        let duet = try must(batch.video(id: 7_300_000_000_000_000_002))
        batch.describeVideo(duet, author: carol, derivedFrom: first, derivation: .duet)
        var counters = ImportBatch.VideoCounters(video: first, observed: 1_700_000_100)
        counters.plays = 5_000
        counters.likes = 300
        counters.exact = true
        batch.addCounters(counters)
        let comment = batch.comment(
            tiktokID: 555, author: carol, video: first, time: 1_700_000_200, textFingerprint: 99)
        let reply = batch.comment(
            author: owner, video: first, parent: comment, time: 1_700_000_300, textFingerprint: 100)
        _ = batch.comment(
            author: bob, video: first, parent: comment, replyTo: reply, time: 1_700_000_400, textFingerprint: 101)
        let effect = try must(batch.effect(id: 31))
        let group = try must(batch.conversation(groupID: 8_888))
        let time: UInt32 = 1_700_001_000
        batch.addEvent(actor: owner, kind: .watched, objectType: .video, object: first, time: time)
        batch.addEvent(actor: owner, kind: .watched, objectType: .video, object: duet, time: 0)
        batch.addEvent(actor: owner, kind: .liked, objectType: .video, object: first, time: time + 5)
        batch.addEvent(
            actor: owner, kind: .shared, objectType: .video, object: first, time: time + 9, detail: .label("chat"))
        batch.addEvent(actor: owner, kind: .commented, objectType: .comment, object: reply, time: time + 10)
        batch.addEvent(actor: owner, kind: .followed, objectType: .account, object: bob, time: time + 20)
        batch.addEvent(
            actor: bob, kind: .messaged, objectType: .account, object: owner, time: time + 30,
            detail: .messageFingerprint(12_345))
        batch.addEvent(
            actor: owner, kind: .messaged, objectType: .conversation, object: group, time: time + 31,
            detail: .messageVideo(first))
        batch.addEvent(
            actor: carol, kind: .duetted, objectType: .video, object: first, time: time + 40,
            detail: .derivedVideo(duet))
        batch.addEvent(
            actor: owner, kind: .searched, objectType: .searchTerm, object: try must(batch.string("cute cats")),
            time: time + 50)
        batch.addEvent(actor: owner, kind: .posted, objectType: .effect, object: effect, time: time + 60)
        return batch
    }

    func decoded(_ record: [UInt8]) throws -> ImportBatch {
        guard case .batch(let batch) = try DecodedRecord(record: record[...], path: "x", sha256: []) else {
            throw StoreError(code: .corrupt, path: "x", message: "a batch record decoded to a store")
        }
        return batch
    }

    @Test("a batch's record decodes to a batch with the same record, which builds the same store")
    func roundTrip() throws {
        let batch = try everything()
        let record = StoreAssembly.record(of: batch)
        #expect(record.first == BatchRecordCodec.version)
        let back = try decoded(record)
        #expect(StoreAssembly.record(of: back) == record)
        #expect(back.inputName == batch.inputName && back.sha256 == batch.sha256 && back.layout == batch.layout)
        #expect(back.bytesRead == batch.bytesRead)
        #expect(back.accounts == batch.accounts && back.videos == batch.videos && back.comments == batch.comments)
        #expect(back.videoCounters == batch.videoCounters && back.hashtags == batch.hashtags)
        #expect(back.sounds == batch.sounds && back.effects == batch.effects && back.strings == batch.strings)
        #expect(back.conversations == batch.conversations)
        #expect(back.eventActor == batch.eventActor && back.eventObject == batch.eventObject)
        #expect(back.eventKind == batch.eventKind && back.eventObjectType == batch.eventObjectType)
        #expect(back.eventTime == batch.eventTime && back.eventDetail == batch.eventDetail)
        let store = Fixture.build([batch])
        #expect(Fixture.build([back]) == store)
        #expect(try DecodedRecord(record: record[...], path: "x", sha256: []).store == store)
        // A batch with parts (a capture read in runs) keeps them.
        var split = try everything(2)
        split.parts = [try everything(3), try everything(4)]
        let parts = try decoded(StoreAssembly.record(of: split))
        #expect(parts.parts.count == 2)
        #expect(Fixture.build([parts]) == Fixture.build([split]))
    }

    @Test("records of both encodings side by side build the store of the batches")
    func mixedEncodings() throws {
        let batches = try (1...6).map { try everything(UInt8($0)) }
        var records = InputRecords()
        for (index, batch) in batches.enumerated().sorted(by: { $0.1.sha256.lexicographicallyPrecedes($1.1.sha256) }) {
            // Even inputs as a store made before batch records kept them: their canonical store.
            let record = index % 2 == 0 ? Fixture.build([batch]).encodedRecord() : StoreAssembly.record(of: batch)
            records.append(sha: batch.sha256, record: record)
        }
        let direct = Fixture.build(batches)
        #expect(try StoreAssembly.build(records, path: "x") == direct)
        #expect(try StoreAssembly.build(records, path: "x", chunk: 2) == direct)
    }

    @Test("a damaged batch record is an error naming the store and the input, never a crash")
    func damaged() throws {
        let record = StoreAssembly.record(of: try everything())
        // Every cut: the record ends early.
        for cut in 1..<record.count {
            #expect(throws: StoreError.self) {
                try DecodedRecord(record: record[..<cut], path: "s.store", sha256: [0xab, 0xcd])
            }
        }
        // Every byte changed: refused with an error, or a batch whose rows are all in range, which
        // then builds (a change can land on a time or an id).
        var refused = 0
        for i in 1..<record.count {
            for change: UInt8 in [0x01, 0x80, 0xff] {
                var changed = record
                changed[i] ^= change
                do {
                    let decoded = try DecodedRecord(record: changed[...], path: "s.store", sha256: [0xab, 0xcd])
                    _ = decoded.store
                } catch {
                    #expect(error.description.contains("s.store") && error.description.contains("abcd"))
                    refused += 1
                }
            }
        }
        #expect(refused > record.count, "most changes are refused")
    }

    @Test(
        "a batch of 100,000 equal events (runs cost little) decodes; a forged event count is refused before its columns"
    )
    func eventCounts() throws {
        var batch = ImportBatch(inputName: "x.zip", sha256: Fixture.digest(5))
        batch.setOwner(username: "ana")
        let video = try must(batch.video(id: 7_300_000_000_000_000_001))
        for _ in 0..<100_000 {
            batch.addEvent(actor: batch.owner, kind: .watched, objectType: .video, object: video, time: 1_700_000_000)
        }
        let record = StoreAssembly.record(of: batch)
        #expect(try decoded(record).eventCount == 100_000)
        // Under a cap on values, whatever the record's length: six columns of 100,000 events
        // are more than 500,000 values.
        #expect(600_000 < 64 * record.count + 4096)
        switch BatchRecordCodec.decode(record[...], maxValues: 500_000) {
        case .success: Issue.record("a record past the cap on values decoded")
        case .failure(let error): #expect(error.message.contains("more values than such a record can hold"))
        }
        #expect((try? BatchRecordCodec.decode(record[...], maxValues: 700_000).get())?.eventCount == 100_000)
        // A record of the store of this input (the encoding of stores made before batch records).
        let storeRecord = RecordCodec.encode(Fixture.build([batch]))
        #expect((try? RecordCodec.decode(storeRecord[...]).get())?.events.count == 1)
        switch RecordCodec.decode(storeRecord[...], maxValues: 8) {
        case .success: Issue.record("a store record past the cap on values decoded")
        case .failure(let error): #expect(error.message.contains("more values than such a record can hold"))
        }

        // A record of one empty piece whose event count is half of what the record may decode to:
        // enough for one column, not for six.
        var writer = BatchRecordCodec.Writer()
        writer.byte(BatchRecordCodec.version)
        writer.string("x.zip")
        writer.varint(0)
        writer.string("")
        writer.varint(0)
        writer.varint(1)
        for _ in 0..<9 { writer.varint(0) }  // accounts … strings
        let prefix = writer.bytes
        for width in 1...3 {
            let count = (64 * (prefix.count + width) + 4096) / 2
            var forged = BatchRecordCodec.Writer()
            for byte in prefix { forged.byte(byte) }
            forged.varint(UInt64(count))
            guard forged.bytes.count == prefix.count + width else { continue }
            do {
                _ = try DecodedRecord(record: forged.bytes[...], path: "s.store", sha256: [1])
                Issue.record("a forged event count decoded")
            } catch {
                #expect(error.description.contains("more values than such a record can hold"))
            }
        }
    }

    @Test("a record of a newer encoding is refused as newer, not as damaged")
    func newerEncoding() throws {
        var record = StoreAssembly.record(of: try everything())
        record[0] = BatchRecordCodec.version + 1
        do {
            _ = try DecodedRecord(record: record[...], path: "s.store", sha256: [0xab])
            Issue.record("a record of a newer encoding decoded")
        } catch {
            #expect(error.code == .newerVersion)
            #expect(error.description.contains("use a newer whichtok"))
        }
    }

    @Test("a row out of its table is refused, by what it is")
    func rowOutOfRange() throws {
        var batch = ImportBatch(inputName: "x.zip", sha256: Fixture.digest(9))
        batch.setOwner(username: "ana")
        let video = try must(batch.video(id: 5))
        batch.addEvent(actor: batch.owner, kind: .watched, objectType: .video, object: video, time: 1)
        var forged = batch
        forged.restore(
            accounts: batch.accounts, videos: batch.videos, videoCounters: [], hashtags: [], sounds: [], effects: [],
            comments: [], conversations: [], strings: [],
            events: ([0], [.watched], [.video], [1], [1], [0]))
        do {
            _ = try DecodedRecord(record: StoreAssembly.record(of: forged)[...], path: "s.store", sha256: [1])
            Issue.record("a record whose event names a video it does not have decoded")
        } catch {
            #expect(error.description.contains("event object out of range"))
        }
        forged.restore(
            accounts: batch.accounts, videos: batch.videos, videoCounters: [], hashtags: [], sounds: [], effects: [],
            comments: [], conversations: [], strings: [],
            events: ([0], [.shared], [.video], [0], [1], [3]))
        #expect(throws: StoreError.self) {
            try DecodedRecord(record: StoreAssembly.record(of: forged)[...], path: "s.store", sha256: [1])
        }
    }
}
