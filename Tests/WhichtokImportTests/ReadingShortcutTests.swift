import Testing
import WhichtokStore
import WhichtokSupport

@testable import WhichtokImport

// The reading shortcuts of the readcpu3 round (dates through the day of the date before, entry
// names on their bytes, share links before trimming) give exactly what the general rules give.

@Suite("Archive reader: day cache, names on bytes")
struct ReadingShortcutTests {
    /// Dates read one after another through one `DayCache`, as a list's records are, parse as
    /// each would alone: the same day with other times, days that share their first eight bytes,
    /// a day made invalid by its last digit, and dates that are not canonical in between.
    @Test func datesThroughTheDayCacheParseAsAlone() {
        var texts = [
            "2024-01-31 10:00:00", "2024-01-31 23:59:60", "2024-01-30 10:00:00", "2024-01-3a 10:00:00",
            "2024-01-32 10:00:00", "2024-01-31 24:00:00", "2024-01-31 10:00:00 UTC", "2024-02-29 00:00:01",
            "2023-02-29 00:00:01", "2024-02-29 00:00:01", "1970-01-01 00:00:00", "1970-01-01 00:00:01",
            "1969-12-31 23:59:59", "2106-02-07 06:28:15", "2106-02-07 06:28:16", "2106-02-07 06:28:15",
            "N/A", "2024-01-31T10:00:00", "2024-01-31 10:00:00", "2024-01-31 10:0a:00",
        ]
        var generator = SplitMix64(seed: 3)
        for _ in 0..<3_000 {
            let year = 1968 + Int(generator.next() % 140)
            let month = Int(generator.next() % 14)
            let day = Int(generator.next() % 33)
            let hour = Int(generator.next() % 25)
            let minute = Int(generator.next() % 61)
            let second = Int(generator.next() % 62)
            func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
            let date = "\(year)-\(two(month))-\(two(day))"
            let text = "\(date) \(two(hour)):\(two(minute)):\(two(second))"
            // Runs of the same day, as in an export.
            for _ in 0..<Int(generator.next() % 3 + 1) { texts.append(text) }
            texts.append("\(date) \(two(Int(generator.next() % 24))):00:00" + (generator.next() % 4 == 0 ? " UTC" : ""))
        }
        var days = ArchiveDate.DayCache()
        for text in texts {
            var copy = text
            var hadUTC = false
            var hadUTCAlone = false
            let cached = copy.withUTF8 {
                ArchiveDate.parse(UnsafeRawBufferPointer($0), hadUTCSuffix: &hadUTC, days: &days)
            }
            let alone = copy.withUTF8 { ArchiveDate.parse(UnsafeRawBufferPointer($0), hadUTCSuffix: &hadUTCAlone) }
            #expect(cached == alone, "\(text)")
            #expect(hadUTC == hadUTCAlone, "\(text)")
        }
    }

    /// A list whose dates change day within their first eight bytes' run (`2024-01-31`,
    /// `2024-01-30`): each record keeps its own day.
    @Test func listRecordsKeepTheirOwnDay() {
        let ids: [UInt64] = (1...4).map { 7_100_000_000_000_000_000 + $0 }
        let dates = ["2024-01-31 10:00:00", "2024-01-30 10:00:00", "2024-01-30 11:00:00", "2024-11-30 11:00:00"]
        let records = zip(ids, dates).map { #"{"Date": "\#($1)", "Link": "\#(shareLink($0))"}"# }
        let json = #"{"Activity": {"Video Browsing History": {"VideoList": [\#(records.joined(separator: ","))]}}}"#
        let (batch, _) = readArchive([("user_data.json", json)])
        #expect(
            batch.events(.watched).map(\.time)
                == [utc(2024, 1, 31, 10), utc(2024, 1, 30, 10), utc(2024, 1, 30, 11), utc(2024, 11, 30, 11)])
    }

    /// Entry names are checked on their bytes when they are ASCII: the answers are those of the
    /// `String` rules, for names made of the patterns' pieces, CR LF, and non-ASCII letters.
    @Test func entryNamesOnBytesAsByCharacters() {
        let pieces = [
            "__MACOSX", "/", "._", ".", "a", "Z", "\r\n", "\r", "\n", ".zip", ".ZIP", ".tar", ".gz", ".Tar.Gz", ".txt",
            "\\", "é", "e\u{301}", "/\u{301}", ".7z", "x", "__macosx", " ",
        ]
        var names = ["", "/", "__MACOSX", "__MACOSX/", "a/__MACOSX/b", "a/__MACOSX", "._a", "a/._b/", "a//", "x.ZIP"]
        var generator = SplitMix64(seed: 11)
        for _ in 0..<4_000 {
            let count = Int(generator.next() % 6)
            names.append((0..<count).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined())
        }
        let containers = [
            ".zip", ".tar", ".tgz", ".taz", ".tbz", ".tbz2", ".txz", ".tzst", ".7z",
            ".tar.gz", ".tar.bz2", ".tar.xz", ".tar.zst", ".tar.lz4",
        ]
        let compressions = [".gz", ".bz2", ".xz", ".zst", ".lz4"]
        for name in names {
            let junk =
                name.hasPrefix("__MACOSX/") || name.contains("/__MACOSX/") || name == "__MACOSX"
                || Names.baseName(name).hasPrefix("._")
            #expect(Names.isPlatformJunk(name) == junk, "\(Array(name.utf8))")
            let lower = name.lowercased()
            #expect(Names.claimsContainer(name) == containers.contains { lower.hasSuffix($0) }, "\(Array(name.utf8))")
            #expect(Names.compressionSuffix(name) == compressions.first { lower.hasSuffix($0) }, "\(Array(name.utf8))")
            #expect(Names.contains(lower, "/__macosx/") == lower.contains("/__macosx/"), "\(Array(name.utf8))")
            let components = name.split(whereSeparator: { $0 == "/" || $0 == "\\" })
            #expect(TikTokArchiveReader.EntryName(name).components == components, "\(Array(name.utf8))")
        }
    }

    /// The end of a run of digits found eight bytes at a time is the one found byte by byte: runs
    /// of every length, ending in every byte value (beyond ASCII too), from every start.
    @Test func digitRunsEightAtATime() {
        var generator = SplitMix64(seed: 19)
        for ending in 0...255 {
            for length in 0..<26 {
                var bytes = (0..<length).map { _ in UInt8(0x30 + generator.next() % 10) }
                bytes.append(UInt8(ending))
                bytes += (0..<Int(generator.next() % 9)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                bytes.withUnsafeBytes { raw in
                    for start in 0...min(3, raw.count) {
                        var expected = start
                        while expected < raw.count, ArchiveBytes.isDigit(raw[expected]) { expected += 1 }
                        #expect(ArchiveBytes.digitRunEnd(raw, from: start) == expected, "\(bytes) from \(start)")
                    }
                }
            }
        }
    }

    /// TXT base names, asked for again (the shared cache) and in other spellings, find the
    /// sections they found the first time, as an export reads them.
    @Test func txtNamesFindTheirSectionsAgain() {
        let names = [
            "Like List.txt", "like list.TXT", "Following_2.txt", "Following (3).txt", "Favoriete video\u{2019}s.txt",
            "Favoriete video's.txt", "Unknown Thing.txt", "Like List", "Likelijst.txt", "Video Browsing History.txt",
        ]
        func describe(_ entry: ArchiveSectionIndex.TXTEntry?) -> String {
            entry.map { "\($0.section) \($0.era.map(String.init) ?? "-") \($0.dutch)" } ?? "none"
        }
        let first = names.map { describe(TikTokArchiveReader.txtEntry(forBaseName: Substring($0))) }
        #expect(first[0] != "none" && first[0] == first[1] && first[2] == first[3] && first[4] == first[5])
        #expect(first[6] == "none")
        for _ in 0..<3 {
            #expect(names.map { describe(TikTokArchiveReader.txtEntry(forBaseName: Substring($0))) } == first)
        }
    }

    /// A text of no bytes, with or without an address, is empty.
    @Test func emptyTexts() {
        let none = ArchiveText(UnsafeRawBufferPointer(start: nil, count: 0))
        #expect(none.bytes.isEmpty && none.string.isEmpty)
        let bytes: [UInt8] = [0x61, 0x62]
        bytes.withUnsafeBytes { raw in
            #expect(ArchiveText(UnsafeRawBufferPointer(rebasing: raw[1..<1])).bytes.isEmpty)
            #expect(ArchiveText(raw).string == "ab")
        }
    }

    /// A share link with blanks around it, or cut short, reads as the general parser reads it.
    @Test func shareLinksBeforeTrimming() {
        let id: UInt64 = 7_123_456_789_012_345_678
        for text in [" \(shareLink(id))", "\(shareLink(id)) ", "\t\(shareLink(id))\n", shareLink(id)] {
            let link = ArchiveLink.parse(text)
            #expect(link.videoID == id && link.isBareURL && link.isTikTokHost, "\(text)")
        }
        #expect(ArchiveLink.parse("https://www.tiktokv.com/share/video/").videoID == 0)
        // Not the shortcut's spelling, but the general parser's (segment names in any case).
        #expect(ArchiveLink.parse("https://www.tiktokv.com/share/videO/\(id)/").videoID == id)
        #expect(ArchiveLink.parse("https://www.tiktokv.com/share/video/\(id)//").videoID == id)
        #expect(ArchiveLink.parse("https://www.tiktokv.com/share/video/\(id)/ x").isBareURL == false)
    }
}
