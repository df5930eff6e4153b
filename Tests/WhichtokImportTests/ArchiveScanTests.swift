import Testing
import WhichtokStore

@testable import WhichtokImport

/// The byte scanners under the archive readers: record keys and TXT lines, fed hostile input.
@Suite("Archive scanners: record keys and TXT lines")
struct ArchiveScanTests {
    private func role(_ keys: RecordKeys, _ key: [UInt8]) -> FieldRole? {
        key.withUnsafeBytes { keys.role(of: $0) }
    }

    private func role(_ keys: RecordKeys, _ key: String) -> FieldRole? {
        role(keys, Array(key.utf8))
    }

    @Test("a record key matches its aliases whatever its case, blanks, '_' and '-'")
    func keyVariants() {
        let keys = RecordKeys.comment
        #expect(role(keys, "Date") == .date)
        #expect(role(keys, "DATE") == .date)
        #expect(role(keys, " d_a-t e\t") == .date)
        #expect(role(keys, "Originele link naar bericht") == .link)
        #expect(role(keys, "originele_LINK-naar_bericht") == .link)
        #expect(role(keys, "original post link") == .link)
        #expect(role(keys, "Comment") == .text)
        #expect(role(keys, "Photo") == .ignored)
        // The first alias that matches wins: "Link" is both a post's link and nothing else.
        #expect(role(RecordKeys.post, "VideoLink") == .legacyLink)
        #expect(role(RecordKeys.post, "Like(s)") == .ignored)
    }

    @Test("unknown, empty, truncated, overlong and binary keys have no role")
    func hostileKeys() {
        let keys = RecordKeys.comment
        #expect(role(keys, "") == nil)
        #expect(role(keys, "   ") == nil)
        #expect(role(keys, "_-_") == nil)
        #expect(role(keys, "Dat") == nil)  // a prefix of an alias
        #expect(role(keys, "Dates") == nil)  // an alias with more after it
        #expect(role(keys, "Commentary") == nil)
        #expect(role(keys, "Originele link naar berichtX") == nil)  // one byte past the longest alias
        #expect(role(keys, String(repeating: "date", count: 10_000)) == nil)
        #expect(role(keys, [0x44, 0x00, 0x61, 0x74, 0x65]) == nil)  // NUL inside "Date"
        #expect(role(keys, [0xC4, 0x61, 0x74, 0x65]) == nil)  // a stray UTF-8 lead byte
        #expect(role(keys, "Dátè") == nil)
        #expect(role(RecordKeys.none, "Date") == nil)
        #expect(role(RecordKeys.none, "") == nil)
    }

    private func lines(_ bytes: [UInt8]) -> [(String, Int)] {
        var out: [(String, Int)] = []
        bytes.withUnsafeBytes { raw in
            ArchiveTXTReader.forEachLine(of: raw) { line, number in
                out.append((String(decoding: line, as: UTF8.self), number))
            }
        }
        return out
    }

    @Test("TXT lines: LF and CRLF ends, a BOM, no final newline, empty lines, lone CRs, NULs")
    func lineSplitting() {
        let text: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a\r\n\nb:c\r\r\n\r\nlast".utf8)
        let found = lines(text)
        #expect(found.map(\.0) == ["a", "", "b:c\r", "", "last"])
        #expect(found.map(\.1) == [1, 2, 3, 4, 5])
        #expect(lines([]).isEmpty)
        #expect(lines([0xEF, 0xBB, 0xBF]).isEmpty)
        #expect(lines([0xEF, 0xBB]).map(\.0) == ["\u{FFFD}"])  // a truncated BOM is text
        #expect(lines(Array("\n".utf8)).map(\.0) == [""])
        #expect(lines(Array("\n\n".utf8)).map(\.0) == ["", ""])
        #expect(lines(Array("x\n".utf8)).map(\.0) == ["x"])
        #expect(lines(Array("\r".utf8)).map(\.0) == [""])
        #expect(lines([0x61, 0x00, 0x62, 0x0A, 0x00]).map(\.0) == ["a\u{0}b", "\u{0}"])
        let long = [UInt8](repeating: 0x61, count: 100_000) + [0x0A, 0x62]
        #expect(lines(long).map(\.0.utf8.count) == [100_000, 1])
    }

    @Test("empty-section sentinels in any case, with a dot or a Unicode blank; other lines are not")
    func sentinels() {
        func sentinel(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBytes { ArchiveTXTReader.isEmptySentinel($0) } }
        func sentinel(_ text: String) -> Bool { sentinel(Array(text.utf8)) }
        #expect(sentinel("You have no data in this section."))
        #expect(sentinel("YOU HAVE NO DATA IN THIS SECTION"))
        #expect(sentinel("Dit gedeelte bevat geen gegevens..."))
        #expect(sentinel("Er staan geen gegevens in dit gedeelte"))
        #expect(sentinel("Je hebt geen informatie over platforms van derden"))
        #expect(sentinel("No hay datos en esta sección"))
        #expect(sentinel("no tienes datos"))
        #expect(sentinel("\u{00A0}You have no data in this section"))  // a no-break space before it
        #expect(sentinel("\u{3000}no hay datos"))
        #expect(sentinel(" \tYou have no data in this section "))  // untrimmed
        #expect(!sentinel("You have no data in this section, really"))
        #expect(!sentinel("came here from the duet"))
        #expect(!sentinel("Xou have no data in this section"))
        #expect(!sentinel("No hay"))
        #expect(!sentinel(""))
        #expect(!sentinel([0xFF, 0x6E, 0x6F]))
        #expect(!sentinel([0x00]))
        #expect(!sentinel("no hay datos" + String(repeating: " x", count: 60)))  // 120 bytes or more
    }

    @Test("TXT records split on blank lines and on a repeated key, in CRLF files without a final newline")
    func txtRecords() {
        let text =
            "Date: 2024-01-02 03:04:05\r\nLink: https://www.tiktokv.com/share/video/7000000000000000001/\r\n"
            + "Date: 2024-01-02 03:04:06\r\nLink: https://www.tiktokv.com/share/video/7000000000000000002/\r\n\r\n\r\n"
            + "Date: 1969-12-31 23:59:59\r\nLink: https://www.tiktokv.com/share/video/7000000000000000003/"
        var batch = ImportBatch(inputName: "t", sha256: [UInt8](repeating: 0, count: 32))
        var hints = ArchiveTXTReader.Hints()
        let section = ArchiveTXTReaderTestsSupport.section(named: "Watch History")
        Array(text.utf8).withUnsafeBytes { raw in
            ArchiveTXTReader.readRecords(
                raw, section: section, entry: "Browsing History.txt", hints: &hints, into: &batch)
        }
        #expect(batch.eventCount == 3)
        #expect(batch.eventTime == [1_704_164_645, 1_704_164_646, 0])
        #expect(
            batch.videos.map(\.tiktokID) == [
                7_000_000_000_000_000_001, 7_000_000_000_000_000_002, 7_000_000_000_000_000_003,
            ])
    }
}

enum ArchiveTXTReaderTestsSupport {
    /// The section table index of the section with `name`.
    static func section(named name: String) -> Int {
        ArchiveSections.sections.firstIndex { $0.name == name } ?? -1
    }
}
