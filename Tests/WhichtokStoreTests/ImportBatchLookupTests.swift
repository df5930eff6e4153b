import Testing

@testable import WhichtokStore

// The batch's lookup shortcuts (the last string's row, room made ahead in the id map) give the
// rows the plain lookups give.

@Suite("ImportBatch: string rows, reserved room")
struct ImportBatchLookupTests {
    /// Strings asked for again and again, in turns, with placeholders and canonically equal
    /// spellings between them: each gets the row its first spelling got.
    @Test func stringRowsAsTheIndexGivesThem() {
        var batch = ImportBatch(inputName: "a.zip", sha256: [])
        let asked = [
            "copy", "copy", "sms", "copy", "link", "N/A", "link", "copy", "caf\u{E9}", "cafe\u{301}", "sms", "", "sms",
            "Copy",
        ]
        let rows = asked.map { batch.string($0) }
        #expect(rows == [0, 0, 1, 0, 2, nil, 2, 0, 3, 3, 1, nil, 1, 4])
        #expect(batch.strings == ["copy", "sms", "link", "caf\u{E9}", "Copy"])
        // Labels of events go through the same rows (stored plus one).
        let owner = batch.owner
        let video = batch.video(id: 7)!
        for label in ["sms", "sms", "copy", "whatsapp", "sms", "link"] {
            batch.addEvent(
                actor: owner, kind: .shared, objectType: .video, object: video, time: 1, detail: .label(label))
        }
        #expect(batch.eventDetail == [2, 2, 1, 6, 2, 3])
    }

    /// Room reserved before, between and after inserts keeps every key, and later inserts find
    /// the values stored before.
    @Test func idMapReserveKeepsKeys() {
        var map = IDMap()
        var reference: [UInt64: UInt32] = [:]
        var state: UInt64 = 5
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 20
        }
        for round in 0..<6 {
            map.reserve([0, 10, 3, 5_000, 100, 70_000][round])
            for i in 0..<3_000 {
                let key = i % 5 == 0 ? UInt64(i % 700) : next()
                let value = UInt32(round * 3_000 + i)
                let expected = reference[key]
                if expected == nil { reference[key] = value }
                #expect(map.insertIfAbsent(key, value) == expected)
            }
        }
        #expect(map.count == reference.count)
        for (key, value) in reference { #expect(map[key] == value) }
        var batch = ImportBatch(inputName: "b.zip", sha256: [])
        let first = batch.video(id: 42)
        batch.reserveVideos(10_000)
        #expect(batch.video(id: 42) == first)
        #expect(batch.video(id: 43) == 1)
        #expect(batch.videos.count == 2)
    }
}
