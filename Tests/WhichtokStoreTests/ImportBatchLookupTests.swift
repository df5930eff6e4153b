import Testing

@testable import WhichtokStore

// The batch's lookup shortcut (the last string's row) gives the rows the plain lookup gives.

@Suite("ImportBatch: string rows")
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

}

@Suite("ImportBatch: room for events")
struct ImportBatchRoomTests {
    @Test("room for events is made once, at least doubled, and never taken back")
    func reserveEvents() {
        var batch = ImportBatch(inputName: "a.zip", sha256: [])
        batch.reserveEvents(1000)
        let first = batch.eventActor.capacity
        #expect(first >= 1000)
        #expect(batch.eventTime.capacity >= 1000 && batch.eventDetail.capacity >= 1000)
        // A little more: twice the room, not just enough (entry after entry, not copied each time).
        batch.reserveEvents(first + 1)
        #expect(batch.eventActor.capacity >= 2 * first)
        #expect(batch.eventKind.capacity >= 2 * first)
        // Less than there is: nothing changes.
        let second = batch.eventActor.capacity
        batch.reserveEvents(10)
        #expect(batch.eventActor.capacity == second)
        #expect(batch.eventCount == 0)
    }
}
