import Testing
import WhichtokTestSupport

@testable import WhichtokStore

/// `ImportBatch.comment` without a TikTok id: one row per author, time and text fingerprint.
@Suite("Batch comments without an id")
struct ImportBatchCommentTests {
    @Test("the same author, time and text is one row; a change in any one of them is another")
    func identity() {
        var batch = ImportBatch(inputName: "c", sha256: Fixture.digest(1))
        let a = batch.comment(author: 1, time: 100, textFingerprint: 0xABC)
        #expect(batch.comment(author: 1, time: 100, textFingerprint: 0xABC) == a)
        let rows = [
            batch.comment(author: 2, time: 100, textFingerprint: 0xABC),
            batch.comment(author: 1, time: 101, textFingerprint: 0xABC),
            batch.comment(author: 1, time: 100, textFingerprint: 0xABD),
            // Author and time swapped, and the extremes of every field.
            batch.comment(author: 100, time: 1, textFingerprint: 0xABC),
            batch.comment(author: 0, time: 0, textFingerprint: 0),
            batch.comment(author: .none, time: .max, textFingerprint: .max),
        ]
        #expect(Set(rows + [a]).count == 7)
        #expect(batch.comments.count == 7)
        #expect(batch.comment(author: 0, time: 0, textFingerprint: 0) == rows[4])
        #expect(batch.comment(author: .none, time: .max, textFingerprint: .max) == rows[5])
    }

    @Test("rows are numbered in first-seen order through many growths, and found again afterwards")
    func manyComments() {
        var batch = ImportBatch(inputName: "c", sha256: Fixture.digest(2))
        let count: UInt32 = 50_000
        // Keys that differ only in one field at a time, and fingerprints sharing their low bits.
        var misnumbered = 0
        for i in 0..<count where batch.comment(author: i % 7, time: i / 7, textFingerprint: UInt64(i % 3) << 40) != i {
            misnumbered += 1
        }
        #expect(misnumbered == 0)
        for i in stride(from: count, to: 0, by: -1) {
            let j = i - 1
            let row = batch.comment(author: j % 7, time: j / 7, textFingerprint: UInt64(j % 3) << 40)
            if row != j {
                Issue.record("comment \(j) found as row \(row)")
                break
            }
        }
        #expect(batch.comments.count == Int(count))
        // A comment with an id is not found by its content, and the other way round.
        let withID = batch.comment(tiktokID: 9, author: 0, time: 0, textFingerprint: 0)
        #expect(withID == count)
        #expect(batch.comment(author: 0, time: 0, textFingerprint: 0) == 0)
    }
}
