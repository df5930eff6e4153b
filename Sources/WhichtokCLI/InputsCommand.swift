import ArgumentParser
import WhichtokStore
import WhichtokSupport

/// `whichtok inputs`: the inputs a store was built from, to choose what to `forget`.
struct InputsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inputs",
        abstract: "List the inputs the store was built from: name, SHA-256, layout, owner, events, when imported.",
        discussion: """
            One line per input, sorted by SHA-256: the first 16 hex digits of its SHA-256 (enough for \
            'forget --sha'), its layout, the donor who owns it (blank for web captures), the events it \
            held, when it was first imported into this store, and its name. --json prints one object \
            per input with the full SHA-256.
            When an input was imported is kept beside the store in STORE.imported, not in it, so that \
            the same inputs always give the same store file: a store copied without that file shows \
            'unknown' (null in JSON).
            Exit status: 0 ok, 1 when the store cannot be read, 66 when there is no store.
            """)

    @OptionGroup var storeOptions: StoreOptions
    @Flag(name: .long, help: "Print one JSON array of objects (the keys are a stable contract).")
    var json = false

    /// One input as listed.
    struct Entry {
        var name: String
        var sha256: String
        var layout: String
        var owner: String?
        var events: UInt64
        var bytes: UInt64
        var imported: Int64?
    }

    func run() throws {
        let path = storeOptions.path
        let store: Store
        let records: InputRecords?
        do {
            store = try Store.load(from: path)
            records = try Store.loadRecords(from: path)
        } catch {
            Console.error("whichtok: error: \(Console.printable(error.description))")
            throw ExitCode(error.code == .notFound ? Exit.noInput : Exit.failure)
        }
        let entries: [Entry]
        do {
            entries = try Self.entries(
                store: store, records: records, times: ImportLog.read(storePath: path), path: path)
        } catch {
            Console.error("whichtok: error: \(Console.printable(error.description))")
            throw ExitCode(Exit.failure)
        }
        Console.out(json ? Self.json(entries) : Self.table(entries))
    }

    static func entries(store: Store, records: InputRecords?, times: [String: Int64], path: String)
        throws(StoreError) -> [Entry]
    {
        var entries: [Entry] = []
        for row in 0..<store.inputs.count {
            let sha = store.inputs.sha256(of: RowID(row))
            let hex = InputRecords.hex(sha)
            var owner: String?
            if let records, let index = records.index(of: sha) {
                let record = try records.decoded(at: index, path: path).accountsStore
                owner = (0..<record.accounts.count).first { record.accounts.flags(RowID($0)).contains(.donor) }
                    .map { record.label(ofAccount: RowID($0)) }
            }
            entries.append(
                Entry(
                    name: store.strings[store.inputs.name[row]] ?? "", sha256: hex,
                    layout: store.strings[store.inputs.layout[row]] ?? "", owner: owner,
                    events: store.inputs.eventCount[row], bytes: store.inputs.byteCount[row], imported: times[hex]))
        }
        return entries
    }

    /// The `inputs --json` contract: an array of objects with exactly these keys.
    static func json(_ entries: [Entry]) -> String {
        var w = JSONWriter(capacity: 256 * max(entries.count, 1), layout: .compact, escaping: [])
        w.beginArray()
        for entry in entries {
            w.beginObject()
            w.field("name", entry.name)
            w.field("sha256", entry.sha256)
            w.field("layout", entry.layout)
            w.key("owner")
            if let owner = entry.owner { w.string(owner) } else { w.null() }
            w.key("events")
            w.uint(entry.events)
            w.key("bytes")
            w.uint(entry.bytes)
            w.key("imported")
            if let imported = entry.imported { w.string(Self.time(imported)) } else { w.null() }
            w.endObject()
        }
        w.endArray()
        return w.text
    }

    static func table(_ entries: [Entry]) -> String {
        var lines = [
            "sha256".padding(toLength: 17) + "layout".padding(toLength: 14) + "owner".padding(toLength: 20)
                + "events".leftPadding(toLength: 10) + "  " + "imported".padding(toLength: 21) + "name"
        ]
        for entry in entries {
            lines.append(
                String(entry.sha256.prefix(16)) + " " + Console.printable(entry.layout).padding(toLength: 13) + " "
                    + Console.printable(entry.owner ?? "").padding(toLength: 19) + " "
                    + grouped(Int(clamping: entry.events)).leftPadding(toLength: 10) + "  "
                    + (entry.imported.map(Self.time) ?? "unknown").padding(toLength: 21)
                    + Console.printable(entry.name))
        }
        return lines.joined(separator: "\n")
    }

    /// `2026-12-04T21:25:25Z`.
    static func time(_ seconds: Int64) -> String { CivilTime(unixTime: seconds).text(.iso8601) }
}
