import Synchronization
import WhichtokStore

/// Reads the entries of one TikTok "Download your data" export — JSON of every generation (G1–G4,
/// partial/category exports) and TXT of every era, English and Dutch — into an `ImportBatch`.
///
/// Use one reader per input: `wants` picks the entries, `read` takes them in any order, `finish`
/// completes the batch (direct-message TXT files are read there, once the profile is known).
/// Problems become diagnostics in the batch; nothing here throws or traps.
///
/// ```swift
/// var reader = TikTokArchiveReader(parser: parser)
/// for entry in entries where TikTokArchiveReader.wants(entryPath: entry.path) {
///     reader.read(entryPath: entry.path, bytes: entry.bytes, into: &batch)
/// }
/// if reader.finish(into: &batch) { … }
/// ```
///
/// Where sections live is in `ArchiveSections` (one table); the value parsers in `ArchiveValues`.
public struct TikTokArchiveReader {
    private let parser: JSONParser

    /// Layouts of the JSON documents read (`json-g3`, …).
    private var jsonLayouts: [String] = []
    /// TXT files recognised, and what they said about the era and language.
    private var txtFiles = 0
    private var txtEra: Int?
    private var txtDutch = false
    private var txtHints = ArchiveTXTReader.Hints()
    /// DM TXT files, read in `finish` once the profile (any entry) has named the owner.
    private var deferredChats: [(entry: String, bytes: [UInt8], section: Int)] = []
    /// The owner's name guessed from 1:1 chats when no profile names the owner.
    private var ownerNameGuess: String?
    /// Entries named like the export's JSON (`user_data.json`, `user_data_tiktok.json`).
    private var exportFileNames = 0

    /// Whether an entry read so far belongs to a TikTok export: a JSON document or TXT file was
    /// recognised, or a file is named like the export's JSON (even one that cannot be parsed, so
    /// that its error rejects that export and no other).
    public var hasExport: Bool { !jsonLayouts.isEmpty || txtFiles > 0 || exportFileNames > 0 }

    public init(parser: JSONParser) {
        self.parser = parser
    }

    // MARK: Choosing entries

    /// Whether this reader wants an entry (path inside the input, `/`-separated, any wrapper
    /// folders): `user_data.json` / `user_data_tiktok.json` and any other `.json` (whether its root
    /// is a TikTok export is decided in `read`), and `.txt` files with a known English or Dutch
    /// name — or any `.txt` in a TikTok export folder, so unknown files get named in the summary.
    public static func wants(entryPath: String) -> Bool {
        EntryName(entryPath).wanted
    }

    /// What the reader makes of an entry's path, worked out once per entry (an input of small TXT
    /// files spent a visible share of its reading on splitting and lowercasing the same path
    /// several times).
    struct EntryName {
        let path: String
        /// The path's folders and file name (`/` or `\\` separated).
        let components: [Substring]
        /// A macOS resource fork or metadata folder.
        let isJunk: Bool
        /// The file name, lowercased.
        let lowered: String
        /// A `.txt` file's section, when its name is known.
        let txt: ArchiveSectionIndex.TXTEntry?
        /// Whether `wants(entryPath:)`.
        let wanted: Bool

        init(_ path: String) {
            self.path = path
            components = TikTokArchiveReader.pathComponents(path)
            isJunk = TikTokArchiveReader.isJunk(components)
            guard let base = components.last, !isJunk else {
                lowered = ""
                txt = nil
                wanted = false
                return
            }
            lowered = base.lowercased()
            if lowered.hasSuffix(".json") {
                txt = nil
                wanted = true
                return
            }
            guard lowered.hasSuffix(".txt") else {
                txt = nil
                wanted = false
                return
            }
            txt = TikTokArchiveReader.txtEntry(forBaseName: base)
            if txt != nil {
                wanted = true
            } else if components.count >= 2 {
                let folder = ArchiveSectionIndex.txtKey(String(components[components.count - 2]))
                wanted = ArchiveSectionIndex.shared.txtFolders.contains(folder)
            } else {
                wanted = false
            }
        }

        /// `exportRoot(of:)` of the path.
        var exportRoot: String { TikTokArchiveReader.exportRoot(folders: components.dropLast()) }
    }

    // MARK: Reading

    /// Reads one entry into the batch. Problems are recorded in `batch` (warnings and errors with
    /// the entry path and a position), never thrown. Invalid JSON in an export file is an error
    /// diagnostic with the parser's byte offset.
    public mutating func read(entryPath: String, bytes: PaddedBytes, into batch: inout ImportBatch) {
        read(EntryName(entryPath), bytes: bytes, into: &batch)
    }

    /// `read(entryPath:bytes:into:)` of an entry whose path is already worked out.
    mutating func read(_ name: EntryName, bytes: PaddedBytes, into batch: inout ImportBatch) {
        guard !name.components.isEmpty, !name.isJunk else { return }
        let lowered = name.lowered
        guard lowered.hasSuffix(".json") || lowered.hasSuffix(".txt") else { return }
        // About one event per `bytesPerEvent` bytes of an export file (fewer in its profile and
        // messages): room for them before they are appended.
        batch.reserveEvents(batch.eventCount + bytes.count / Self.bytesPerEvent)
        if lowered.hasSuffix(".json") {
            if Self.isExportFileName(lowered) { exportFileNames += 1 }
            readJSON(entryPath: name.path, byName: Self.isExportFileName(lowered), bytes: bytes, into: &batch)
        } else if lowered.hasSuffix(".txt") {
            readTXT(entryPath: name.path, found: name.txt, bytes: bytes, into: &batch)
        }
    }

    /// Bytes of an export file per event, about: the sections' records take 100 to 200 bytes each
    /// in JSON, somewhat fewer in TXT.
    static let bytesPerEvent = 128

    private mutating func readJSON(entryPath: String, byName: Bool, bytes: PaddedBytes, into batch: inout ImportBatch) {
        var document = ArchiveJSONReader(entry: entryPath, byName: byName, ownerNameGuess: ownerNameGuess)
        do {
            try parser.parse(bytes) { root in
                document.read(root, into: &batch)
            }
        } catch let error as JSONError {
            if byName {
                batch.error(entry: entryPath, position: "offset \(error.offset)", error.message)
            } else {
                batch.warn(
                    entry: entryPath, position: "offset \(error.offset)",
                    "not valid JSON (\(error.message)); not read as a TikTok export")
            }
            return
        } catch {
            batch.error(entry: entryPath, position: nil, "could not read JSON: \(error)")
            return
        }
        ownerNameGuess = document.ownerNameGuess
        if document.recognised { jsonLayouts.append(document.layout) }
    }

    private mutating func readTXT(
        entryPath: String, found: ArchiveSectionIndex.TXTEntry?, bytes: PaddedBytes, into batch: inout ImportBatch
    ) {
        guard let found else {
            batch.addUnknownSection(entryPath)
            return
        }
        txtFiles += 1
        bytes.withUnsafeBytes { ArchiveTXTReader.checkUTF8($0, entry: entryPath, into: &batch) }
        if found.dutch { txtDutch = true }
        if let era = found.era { txtEra = max(txtEra ?? era, era) }
        switch ArchiveSections.sections[found.section].handler {
        case .directMessages, .groupChats:
            deferredChats.append((entryPath, bytes.array, found.section))
        default:
            var hints = txtHints
            bytes.withUnsafeBytes { raw in
                ArchiveTXTReader.readRecords(raw, section: found.section, entry: entryPath, hints: &hints, into: &batch)
            }
            txtHints = hints
        }
    }

    // MARK: Finishing

    /// After the last entry: reads deferred direct messages, sets `batch.layout`, adds the warning
    /// "the export yielded no events" for a recognised export without events, and the error
    /// "not a TikTok data export" when nothing read was recognisable. Returns whether anything was
    /// recognised. The reader is empty again afterwards.
    public mutating func finish(into batch: inout ImportBatch) -> Bool {
        defer { self = TikTokArchiveReader(parser: parser) }
        readDeferredChats(into: &batch)
        guard !jsonLayouts.isEmpty || txtFiles > 0 else {
            batch.error(entry: nil, position: nil, "not a TikTok data export")
            return false
        }
        batch.layout = layout()
        if batch.eventCount == 0 {
            batch.warn(entry: nil, position: nil, "the export yielded no events")
        }
        return true
    }

    private mutating func readDeferredChats(into batch: inout ImportBatch) {
        guard !deferredChats.isEmpty else { return }
        var ownerName = batch.hasOwner ? batch.accounts[Int(batch.owner)].username : nil
        if ownerName == nil {
            if ownerNameGuess == nil {
                var tally = OwnerNameTally()
                for file in deferredChats {
                    let inGroupFile = ArchiveSections.sections[file.section].handler == .groupChats
                    file.bytes.withUnsafeBytes {
                        ArchiveTXTReader.tallyChats($0, inGroupFile: inGroupFile, into: &tally)
                    }
                }
                ownerNameGuess = tally.best()
            }
            ownerName = ownerNameGuess
        }
        let sink = MessageSink(ownerName: ownerName)
        let ordered =
            deferredChats.filter { ArchiveSections.sections[$0.section].handler == .directMessages }
            + deferredChats.filter { ArchiveSections.sections[$0.section].handler == .groupChats }
        for file in ordered {
            file.bytes.withUnsafeBytes {
                ArchiveTXTReader.readChats($0, section: file.section, entry: file.entry, sink: sink, into: &batch)
            }
        }
        deferredChats.removeAll()
    }

    /// `json-g1`…`json-g4`, `json-partial`, `txt-2020`…`txt-2026` (+`+nl`), or `mixed`.
    private func layout() -> String {
        var layouts = Set(jsonLayouts)
        if txtFiles > 0 {
            var era = txtEra ?? 2020
            if txtHints.sawLegacyLabel { era = max(era, 2020) }
            if txtHints.sawModernVideoLink || txtHints.sawUTCDates { era = max(era, 2024) }
            layouts.insert("txt-\(era)" + (txtDutch ? "+nl" : ""))
        }
        if layouts.count == 1, let only = layouts.first { return only }
        return "mixed"
    }

    // MARK: Names

    /// The export an entry belongs to, as the folder path of its export root inside the input
    /// (`""` for the top): the innermost `TikTok_Data_*` folder on its path if there is one, else
    /// its folder without the section folders of TXT exports (`Activity`, `Tiktok`, …) at the end.
    ///
    /// So `alice/user_data_tiktok.json` and `bob/Tiktok/Activity/Like List.txt` are two exports,
    /// `alice` and `bob`, while every file of one export, JSON or TXT, wrapped or not, shares one
    /// root. It depends on the path alone, so entries can be routed as they are read.
    static func exportRoot(of entryPath: String) -> String {
        exportRoot(folders: pathComponents(entryPath).dropLast())
    }

    private static func exportRoot(folders: ArraySlice<Substring>) -> String {
        if let wrapper = folders.lastIndex(where: { $0.lowercased().hasPrefix("tiktok_data_") }) {
            return folders[...wrapper].joined(separator: "/")
        }
        let sectionFolders = ArchiveSectionIndex.shared.txtFolders
        var end = folders.endIndex
        while end > folders.startIndex,
            sectionFolders.contains(ArchiveSectionIndex.txtKey(String(folders[folders.index(before: end)])))
        {
            end = folders.index(before: end)
        }
        return folders[..<end].joined(separator: "/")
    }

    fileprivate static func pathComponents(_ path: String) -> [Substring] {
        // An ASCII path splits the same on its bytes (no `Character` of two ASCII bytes, which only
        // CR LF is, holds a separator), without breaking it into `Character`s first.
        if path.utf8.allSatisfy({ $0 < 0x80 }) {
            return path.utf8.split(whereSeparator: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") })
                .map { Substring($0) }
        }
        return path.split(whereSeparator: { $0 == "/" || $0 == "\\" })
    }

    /// macOS resource forks and metadata folders.
    fileprivate static func isJunk(_ components: [Substring]) -> Bool {
        guard let base = components.last else { return true }
        return base.hasPrefix("._") || components.contains { $0 == "__MACOSX" }
    }

    private static func isExportFileName(_ lowered: String) -> Bool {
        lowered == "user_data.json" || lowered == "user_data_tiktok.json"
    }

    /// The section of a TXT file by its base name: `.txt` and a split suffix (`_2`, ` (2)`) dropped,
    /// case, blanks and typographic apostrophes ignored.
    static func txtEntry(forBaseName base: Substring) -> ArchiveSectionIndex.TXTEntry? {
        // ASCII names only, whose `String`s are equal exactly when their bytes are.
        guard base.utf8.allSatisfy({ $0 < 0x80 }) else { return findTXTEntry(forBaseName: base) }
        let key = String(base)
        if let known = txtEntries.withLock({ $0[key] }) { return known }
        let found = findTXTEntry(forBaseName: base)
        txtEntries.withLock { known in
            if known.count < txtEntriesKept { known[key] = .some(found) }
        }
        return found
    }

    /// `txtEntry(forBaseName:)` of the ASCII base names met so far, shared by the reading
    /// threads: every TXT export has the same few dozen, whose section took a visible share of
    /// reading a small export to work out. At most `txtEntriesKept` of them.
    private static let txtEntries = Mutex<[String: ArchiveSectionIndex.TXTEntry?]>([:])
    private static let txtEntriesKept = 4_096

    private static func findTXTEntry(forBaseName base: Substring) -> ArchiveSectionIndex.TXTEntry? {
        var name = base
        if name.lowercased().hasSuffix(".txt") { name = name.dropLast(4) }
        let index = ArchiveSectionIndex.shared
        if let found = index.txtNames[ArchiveSectionIndex.txtKey(String(name))] { return found }
        // Split files: `Following_1`, `Following (2)`.
        var trimmed = name
        if trimmed.last == ")", let open = trimmed.lastIndex(of: "(") {
            let inside = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
            if !inside.isEmpty, inside.allSatisfy(\.isASCIIDigit) { trimmed = trimmed[..<open] }
        } else {
            let digits = trimmed.reversed().prefix(while: \.isASCIIDigit).count
            if digits > 0, digits < trimmed.count {
                let beforeDigits = trimmed.dropLast(digits)
                if beforeDigits.last == "_" || beforeDigits.last == "-" || beforeDigits.last == " " {
                    trimmed = beforeDigits.dropLast()
                }
            }
        }
        guard trimmed.count != name.count else { return nil }
        return index.txtNames[ArchiveSectionIndex.txtKey(String(trimmed))]
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
