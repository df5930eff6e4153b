import ArgumentParser
import WhichtokGraph
import WhichtokStore
import WhichtokSupport

/// `whichtok stats`: what the store holds.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Print what the store holds.")

    @OptionGroup var storeOptions: StoreOptions
    @Flag(name: .long, help: "Print one JSON object (the keys are a stable contract).")
    var json = false

    func run() throws {
        let store: Store
        do {
            store = try Store.load(from: storeOptions.path)
        } catch {
            Console.error("whichtok: error: \(Console.printable(error.description))")
            throw ExitCode(error.code == .notFound ? Exit.noInput : Exit.failure)
        }
        Console.out(json ? Self.json(store) : Self.table(store))
    }

    /// The `stats --json` contract: exactly these keys, every event kind present. Compact, with the
    /// escaping of `analyze --json`.
    static func json(_ store: Store) -> String {
        let counts = store.eventCounts()
        var w = JSONWriter(capacity: 512, layout: .compact, escaping: [])
        w.beginObject()
        w.field("accounts", store.accounts.count)
        w.field("videos", store.videos.count)
        w.field("hashtags", store.hashtags.count)
        w.field("sounds", store.sounds.count)
        w.field("comments", store.comments.count)
        w.field("inputs", store.inputs.count)
        w.key("events")
        w.beginObject()
        for kind in EventKind.allCases {
            w.key(kind.name)
            w.int(counts[kind] ?? 0)
        }
        w.endObject()
        w.endObject()
        return w.text
    }

    static func table(_ store: Store) -> String {
        var lines: [String] = []
        func row(_ name: String, _ value: Int) {
            lines.append(name.padding(toLength: 12) + grouped(value).leftPadding(toLength: 12))
        }
        row("inputs", store.inputs.count)
        row("accounts", store.accounts.count)
        row("videos", store.videos.count)
        row("hashtags", store.hashtags.count)
        row("sounds", store.sounds.count)
        row("comments", store.comments.count)
        row("events", store.events.count)
        let counts = store.eventCounts()
        for kind in EventKind.allCases { row("  " + kind.name, counts[kind] ?? 0) }
        let perEvent = store.events.count > 0 ? Double(store.columnBytes) / Double(store.events.count) : 0
        lines.append(
            "memory      " + grouped(store.columnBytes).leftPadding(toLength: 12)
                + " bytes in columns (\(Int(perEvent.rounded())) per event)")
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// Padded with spaces to `length` terminal columns (wide characters take two).
    func padding(toLength length: Int) -> String {
        let width = TerminalText.columns(self)
        return width >= length ? self : self + String(repeating: " ", count: length - width)
    }
    func leftPadding(toLength length: Int) -> String {
        let width = TerminalText.columns(self)
        return width >= length ? self : String(repeating: " ", count: length - width) + self
    }
}
