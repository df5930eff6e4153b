import Testing
import WhichtokStore

@testable import WhichtokImport

/// Runs the archive reader over in-memory entries, as the importer would.
func readArchive(
    _ entries: [(path: String, text: String)], name: String = "test.zip"
) -> (batch: ImportBatch, recognised: Bool) {
    var batch = ImportBatch(inputName: name, sha256: Array(repeating: 0xAB, count: 32))
    var reader = TikTokArchiveReader(parser: JSONParser())
    for entry in entries where TikTokArchiveReader.wants(entryPath: entry.path) {
        reader.read(entryPath: entry.path, bytes: PaddedBytes(entry.text), into: &batch)
    }
    let recognised = reader.finish(into: &batch)
    return (batch, recognised)
}

/// One event of a batch, for assertions.
struct BatchEvent: Equatable {
    var actor: RowID
    var kind: EventKind
    var objectType: ObjectType
    var object: RowID
    var time: UInt32
    var detail: UInt32
}

extension ImportBatch {
    var allEvents: [BatchEvent] {
        (0..<eventCount).map {
            BatchEvent(
                actor: eventActor[$0], kind: eventKind[$0], objectType: eventObjectType[$0], object: eventObject[$0],
                time: eventTime[$0], detail: eventDetail[$0])
        }
    }

    func events(_ kind: EventKind) -> [BatchEvent] { allEvents.filter { $0.kind == kind } }

    func count(_ kind: EventKind) -> Int { eventKind.filter { $0 == kind }.count }

    /// Counts per kind name, e.g. `["watched": 2]`.
    var kindCounts: [String: Int] {
        var counts: [String: Int] = [:]
        for kind in eventKind { counts[kind.name, default: 0] += 1 }
        return counts
    }

    /// The row of the account with this (lowercased) username.
    func accountRow(_ username: String) -> RowID? {
        accounts.firstIndex { $0.username == username }.map { RowID($0) }
    }

    func videoRow(id: UInt64) -> RowID? {
        videos.firstIndex { $0.tiktokID == id }.map { RowID($0) }
    }

    var ownerRow: RowID? {
        accounts.firstIndex { $0.flags.contains(.donor) }.map { RowID($0) }
    }

    var ownerName: String? { ownerRow.flatMap { accounts[Int($0)].username } }

    var warnings: [ImportDiagnostic] { diagnostics.filter { $0.severity == .warning } }
    var errors: [ImportDiagnostic] { diagnostics.filter { $0.severity == .error } }

    /// Whether any stored text (strings, usernames, captions, sound titles, hashtags, nicknames,
    /// diagnostics) contains `text`.
    func storesText(_ text: String) -> Bool {
        let texts =
            strings + accounts.compactMap(\.username) + accounts.compactMap(\.nickname)
            + videos.compactMap(\.caption) + sounds.compactMap(\.title) + hashtags.compactMap(\.name)
            + diagnostics.map(\.description) + unknownSections
        return texts.contains { $0.contains(text) }
    }
}

/// Seconds for `YYYY-MM-DD HH:MM:SS` UTC, computed independently of the reader's parser.
func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0) -> UInt32 {
    var days = 0
    for y in 1970..<year { days += (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 366 : 365 }
    let monthDays = [
        31, (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
    ]
    for m in 0..<(month - 1) { days += monthDays[m] }
    days += day - 1
    return UInt32(days * 86_400 + hour * 3_600 + minute * 60 + second)
}

func shareLink(_ id: UInt64) -> String { "https://www.tiktokv.com/share/video/\(id)/" }
