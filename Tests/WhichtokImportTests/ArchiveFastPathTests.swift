import Testing
import WhichtokStore
import WhichtokSupport

@testable import WhichtokImport

// The archive reader's shortcuts (key roles cached by position, canonical dates and share links,
// usernames from bytes, recent message senders, TXT entries skipping the web capture's checks)
// must give exactly what the general paths give.

private let groupID: UInt64 = 7_012_345_678_901_234_567

@Suite("Archive reader: fast paths")
struct ArchiveFastPathTests {
    /// Records of one list whose keys change order and spelling from one record to the next: the
    /// role of each key is its own, never that of the key at the same position before.
    @Test func keyRolesFollowTheKeysNotTheirPositions() throws {
        let a: UInt64 = 7_100_000_000_000_000_001
        let b: UInt64 = 7_100_000_000_000_000_002
        let c: UInt64 = 7_100_000_000_000_000_003
        let d: UInt64 = 7_100_000_000_000_000_004
        let json = """
            {"Activity": {"Video Browsing History": {"VideoList": [
              {"Date": "2021-03-01 10:00:00", "Link": "\(shareLink(a))"},
              {"Link": "\(shareLink(b))", "Date": "2021-03-01 11:00:00"},
              {"date": "2021-03-01 12:00:00", "link": "\(shareLink(c))"},
              {"VideoLink": "\(shareLink(d))", "Date": "2021-03-01 13:00:00"},
              {"Link": "\(shareLink(a))", "Date": "2021-03-01 14:00:00"}
            ]}}}
            """
        let (batch, recognised) = readArchive([("user_data.json", json)])
        #expect(recognised)
        let watched = batch.events(.watched).map { (batch.videos[Int($0.object)].tiktokID, $0.time) }
        #expect(watched.map(\.0) == [a, b, c, d, a])
        #expect(watched.map(\.1) == [10, 11, 12, 13, 14].map { utc(2021, 3, 1, $0) })
        #expect(batch.warnings.isEmpty)
    }

    @Test func txtKeyRolesFollowTheKeysNotTheirPositions() {
        let a: UInt64 = 7_100_000_000_000_000_001
        let b: UInt64 = 7_100_000_000_000_000_002
        let text = """
            Date: 2020-08-10 19:48:52
            Video Link: \(shareLink(a))

            Video Link: \(shareLink(b))
            Date: 2020-08-11 19:48:52

            Date: 2020-08-12 19:48:52
            Video Link: \(shareLink(b))
            """
        let (batch, _) = readArchive([("Activity/Video Browsing History.txt", text)])
        let watched = batch.events(.watched).map { (batch.videos[Int($0.object)].tiktokID, $0.time) }
        #expect(watched.map(\.0) == [a, b, b])
        #expect(watched.map(\.1) == [10, 11, 12].map { utc(2020, 8, $0, 19, 48, 52) })
    }

    /// `YYYY-MM-DD HH:MM:SS` takes a shortcut; its edge cases give what the general parser gives.
    @Test(arguments: [
        ("1970-01-01 00:00:00", ArchiveDate.Parsed.placeholder),
        ("1969-12-31 23:59:59", .placeholder),
        ("0000-01-01 00:00:00", .placeholder),
        ("1970-01-01 00:00:01", .time(1)),
        ("2024-02-29 23:59:60", .time(utc(2024, 3, 1))),
        ("2023-02-29 00:00:00", .invalid),
        ("2024-00-10 00:00:00", .invalid),
        ("2024-01-00 00:00:00", .invalid),
        ("2024-01-01 24:00:00", .invalid),
        ("2024-01-01 00:60:00", .invalid),
        ("2024-01-01 00:00:61", .invalid),
        ("20a4-01-01 00:00:00", .invalid),
        ("2024-01-01 0-:00:00", .invalid),
        ("2024/01/01 00:00:00", .invalid),
        ("2024-01-01T10:00:00", .time(utc(2024, 1, 1, 10))),
        ("2106-02-07 06:28:15", .time(.max)),
        ("2106-02-07 06:28:16", .invalid),
        ("2024-12-30 19:51:12", .time(utc(2024, 12, 30, 19, 51, 12))),
    ])
    func canonicalDates(_ text: String, _ expected: ArchiveDate.Parsed) {
        #expect(ArchiveDate.parse(text) == expected)
        // With ` UTC` after it: the same result, and the suffix noted whenever the date and time
        // have their shape (the general parser notes it before it checks their ranges).
        let shaped = !["20a4-01-01 00:00:00", "2024-01-01 0-:00:00", "2024/01/01 00:00:00"].contains(text)
        for suffix in [" UTC", " utc", "  UTC", " UTX"] {
            var hadUTC = false
            var copy = text + suffix
            let parsed = copy.withUTF8 { ArchiveDate.parse(UnsafeRawBufferPointer($0), hadUTCSuffix: &hadUTC) }
            let valid = suffix != " UTX"
            #expect(parsed == (valid ? expected : .invalid), "\(text)\(suffix)")
            #expect(hadUTC == (valid && shaped), "\(text)\(suffix)")
        }
    }

    /// Share links take a shortcut that reads the id eight digits at a time: every length of id
    /// gives what a link the general parser reads gives.
    @Test func shareLinkIDsOfEveryLength() {
        var digits = ""
        for length in 1...20 {
            digits += String((length * 7) % 10)
            for id in [digits, String(repeating: "9", count: length), String(repeating: "0", count: length - 1) + "1"] {
                let expected = UInt64(id) ?? 0
                let share = ArchiveLink.parse("https://www.tiktokv.com/share/video/\(id)/")
                let general = ArchiveLink.parse("https://www.tiktok.com/@someone/video/\(id)")
                #expect(share.videoID == expected, "\(id)")
                #expect(general.videoID == expected, "\(id)")
                #expect(ArchiveLink.parse("https://www.tiktokv.com/share/video/\(id)").videoID == expected, "\(id)")
            }
        }
        #expect(ArchiveLink.parse("https://www.tiktokv.com/share/video/0000000000000000000/").videoID == 0)
        #expect(ArchiveLink.parse("https://www.tiktokv.com/share/video/12345678a/").videoID == 0)
    }

    /// A username normalised from its bytes is the one normalised from its `String`.
    @Test func usernamesFromBytes() {
        var names = [
            "alice", "Alice", " @Alice ", "@bob", "@@bob", "@ bob", "@ none", "@None", "N/A", "n.v.t.", "NULL ", "nil",
            "-", "@-", "@", "", "   ", "\t@Carol\n", "a b", "a\u{0}b", "Ünïcödé", "@ÉMILE", " ÅSA\u{00A0}",
            "\u{00A0}bob",
            "none1", "nonE", "x\r\n", "@\r\nx", "null\u{0B}", "abcdefg", "ABCDEF",
        ]
        var generator = SplitMix64(seed: 16)
        let alphabet = Array(" @\t\nAaBbNn/.-0ulNLeo".utf8)
        for _ in 0..<2_000 {
            let length = Int(generator.next() % 9)
            names.append(
                String(
                    decoding: (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] },
                    as: UTF8.self))
        }
        for name in names {
            var copy = name
            let fromBytes = copy.withUTF8 { ImportBatch.normalisedUsername(bytes: UnsafeRawBufferPointer($0)) }
            #expect(fromBytes == ImportBatch.normalisedUsername(name), "\(Array(name.utf8))")
        }
        let invalid: [UInt8] = [0x40, 0x41, 0xFF, 0x62]
        let fromBytes = invalid.withUnsafeBytes { ImportBatch.normalisedUsername(bytes: $0) }
        #expect(fromBytes == ImportBatch.normalisedUsername(String(decoding: invalid, as: UTF8.self)))
    }

    /// Messages of more senders than the sink remembers, names spelled several ways, the owner
    /// among them: every message is the sender's, as if each name were resolved anew.
    @Test func messageSendersResolveByName() throws {
        let senders = (0..<11).map { "member\($0)" }
        var messages: [String] = []
        var expected: [String] = []
        var second = 0
        for round in 0..<3 {
            for (index, name) in senders.enumerated() {
                let spelled = [name, name.uppercased(), " @\(name) "][(round + index) % 3]
                messages.append(
                    #"{"Date": "2024-12-04 10:00:\#(String(format2: second))", "From": "\#(spelled)", "Content": "m"}"#)
                expected.append(name)
                second += 1
                if index % 4 == 0 {
                    messages.append(
                        #"{"Date": "2024-12-04 10:01:\#(String(format2: index))", "From": "Alice", "Content": "me"}"#)
                    expected.append("alice")
                }
            }
        }
        let json = """
            {"Profile": {"Profile Information": {"ProfileMap": {"userName": "alice"}}},
             "Direct Messages": {"Chat History": {"ChatHistory": {
               "Chat History with Group_Chat_\(groupID):": [\(messages.joined(separator: ",\n"))]
             }}}}
            """
        let (batch, recognised) = readArchive([("user_data.json", json)])
        #expect(recognised)
        let owner = try #require(batch.ownerRow)
        let actors = batch.events(.messaged).map { $0.actor }
        #expect(actors.count == expected.count)
        for (actor, name) in zip(actors, expected) {
            #expect(actor == (name == "alice" ? owner : batch.accountRow(name)), "\(name)")
        }
        #expect(Set(actors).count == senders.count + 1)
    }

    @Test func txtSuffix() {
        for path in ["a.txt", "A/B.TXT", "x/Like List.TxT", ".txt"] {
            #expect(ExportRoots.hasTXTSuffix(path), "\(path)")
        }
        // 0x0E and 0x2E ('.') differ only in the bit that folds letters' case.
        for path in ["a.tx", "txt", "a.json", "a.txt.json", "a\u{0E}txt", "a_txt", "a.t\u{18}t", ""] {
            #expect(!ExportRoots.hasTXTSuffix(path), "\(path)")
        }
    }
}

extension String {
    /// Two decimal digits.
    fileprivate init(format2 value: Int) {
        self = value < 10 ? "0\(value)" : "\(value % 100)"
    }
}
