import ArgumentParser
import Dispatch
import Synchronization
import WhichtokImport
import WhichtokStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `whichtok import`: read archives, captures and folders into the store.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract:
            "Import TikTok data downloads and web captures (zip, tar, tar.gz, folders, .json/.txt, .har, .ndjson) into the store.",
        discussion: """
            Exit status: 0 when every input was imported; 65 when an input was rejected (the others \
            are still imported and saved); 66 when a path does not exist; 1 when the store cannot be \
            read; 73 when it cannot be written.
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Option(name: .long, help: ArgumentHelp("Reject an input with an entry larger than this.", valueName: "bytes"))
    var maxEntryBytes: Int = 4 << 30

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Threads for reading inputs: inputs read at once, and for one large HAR its bodies (default: number of cores).",
            valueName: "n"))
    var jobs: Int?

    @Flag(name: .long, help: "Print only errors and the totals line.")
    var quiet = false

    @Argument(help: ArgumentHelp("Archives, folders or files to import.", valueName: "input"))
    var inputs: [String]

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("name at least one input") }
        guard maxEntryBytes > 0 else { throw ValidationError("--max-entry-bytes must be positive") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        let path = storeOptions.path
        // Load first: a damaged store is reported before any work, and is never overwritten.
        let existing: Store
        do {
            existing = try Store.loadOrEmpty(from: path)
        } catch {
            Console.error("whichtok: error: \(Console.printable(error.description))")
            Console.error("whichtok: the store file was left as it is; nothing was imported")
            throw ExitCode(Exit.failure)
        }

        let importer = Importer(
            limits: ImportLimits(maxEntryBytes: maxEntryBytes),
            parallelism: jobs ?? Importer.defaultParallelism)
        let progress = Progress(enabled: !quiet && Console.stderrIsTerminal)
        let timing = PhaseTimer()
        let run = importer.run(paths: inputs) { done, total in progress.update(done: done, total: total) }
        progress.finish()
        timing.lap("read inputs")

        for missing in run.missing {
            Console.error("whichtok: error: \(Console.printable(missing.input)): no such file or directory")
        }
        for summary in run.summaries {
            for diagnostic in summary.diagnostics where !quiet || diagnostic.severity == .error {
                Console.error(Console.printable(diagnostic.description))
            }
            if !quiet { Console.out(Self.line(for: summary)) }
        }

        var builder = StoreBuilder(store: existing)
        builder.add(contentsOf: run.batches)
        timing.lap("collect")
        let store = builder.build()
        timing.lap("merge and deduplicate")
        do {
            try store.save(to: path)
        } catch {
            Console.error("whichtok: error: \(Console.printable(error.description))")
            throw ExitCode(Exit.cannotCreate)
        }
        timing.lap("save")

        let read = run.batches.reduce(0) { $0 + $1.totalEventCount }
        let imported = run.summaries.filter { $0.status == .imported }.count
        Console.out(
            "total: \(run.summaries.count + run.missing.count) inputs (\(imported) imported, "
                + "\(run.rejectedCount) rejected, \(run.missing.count) missing), \(grouped(read)) events read, "
                + "\(grouped(store.events.count - existing.events.count)) new; store \(Console.printable(path)): "
                + "\(grouped(store.accounts.count)) accounts, \(grouped(store.videos.count)) videos, "
                + "\(grouped(store.events.count)) events")
        KeptUntilExit.keep([run, builder, store, existing])
        if !run.missing.isEmpty { throw ExitCode(Exit.noInput) }
        if run.rejectedCount > 0 { throw ExitCode(Exit.dataError) }
    }

    /// One line per input: status, name, layout, events by kind, sections read, skipped, not understood.
    static func line(for summary: InputSummary) -> String {
        let name = Console.printable(summary.displayName)
        guard summary.status == .imported else {
            let reason = summary.diagnostics.first { $0.severity == .error }?.message ?? "rejected"
            return "rejected  \(name): \(Console.printable(reason))"
        }
        if summary.layout == "container" { return "opened    \(name): archives inside are listed below" }
        var parts = ["imported  \(name) [\(summary.layout)] \(grouped(summary.events)) events"]
        let kinds = EventKind.allCases.compactMap { kind -> String? in
            guard let n = summary.eventsByKind[kind], n > 0 else { return nil }
            return "\(kind.name) \(grouped(n))"
        }
        if !kinds.isEmpty { parts[0] += " (" + kinds.joined(separator: ", ") + ")" }
        if !summary.sectionCounts.isEmpty || !summary.isWebCapture {
            parts.append("\(summary.sectionCounts.count) sections read")
        }
        if summary.isWebCapture {
            // Web captures: what the entries yielded, and the entries that yielded nothing by reason.
            let read = summary.webEntriesRead.values.reduce(0, +)
            var yielded = "\(grouped(read)) entries read"
            if !summary.webEntriesRead.isEmpty { yielded += " (" + Self.tally(summary.webEntriesRead) + ")" }
            parts.append(yielded)
            parts.append(
                "\(grouped(summary.videos)) videos, \(grouped(summary.accounts)) accounts, \(grouped(summary.comments)) comments"
            )
            if !summary.skippedEntries.isEmpty {
                let skipped = summary.skippedEntries.values.reduce(0, +)
                parts.append("\(grouped(skipped)) yielded nothing (" + Self.tally(summary.skippedEntries) + ")")
            }
        }
        if !summary.skippedSections.isEmpty { parts.append("\(summary.skippedSections.count) skipped") }
        for (kind, count) in summary.recordsSetAside.sorted(by: { $0.key < $1.key }) {
            // "1 share without a video id", "84 shares without a video id".
            var words = Console.printable(kind).split(separator: " ", maxSplits: 1).map(String.init)
            if count != 1, !words.isEmpty { words[0] += "s" }
            parts.append("\(grouped(count)) " + words.joined(separator: " "))
        }
        if let unknown = Self.notUnderstood(summary) { parts.append(unknown) }
        return parts.joined(separator: "; ")
    }

    /// `not understood: a, b and 3 more`: at most `ImportBatch.unknownSectionsKept` names, in the
    /// order found, so that one odd export cannot print a line of megabytes.
    static func notUnderstood(_ summary: InputSummary) -> String? {
        guard !summary.unknownSections.isEmpty else { return nil }
        let names = summary.unknownSections.prefix(ImportBatch.unknownSectionsKept).map(Console.printable)
        let more = summary.unknownSectionsOmitted + max(summary.unknownSections.count - names.count, 0)
        return "not understood: " + names.joined(separator: ", ") + (more > 0 ? " and \(grouped(more)) more" : "")
    }
}

extension ImportCommand {
    /// `a 3, b 1`: largest first, then by name.
    static func tally(_ counts: [String: Int]) -> String {
        counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\(Console.printable($0.key)) \(grouped($0.value))" }
            .joined(separator: ", ")
    }
}

/// A one-line progress display on a terminal's stderr, redrawn at most ten times a second.
final class Progress: @unchecked Sendable {
    private let enabled: Bool
    private var lastDraw: UInt64 = 0
    private let lock = Lock()

    init(enabled: Bool) { self.enabled = enabled }

    func update(done: Int, total: Int) {
        guard enabled else { return }
        lock.withLock {
            let now = DispatchTime.now().uptimeNanoseconds
            guard done == total || now - lastDraw > 100_000_000 else { return }
            lastDraw = now
            let width = 30
            let filled = total > 0 ? width * done / total : 0
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            Console.write(2, "\rimporting [\(bar)] \(done)/\(total) inputs")
        }
    }

    func finish() {
        guard enabled else { return }
        Console.write(2, "\r" + String(repeating: " ", count: 60) + "\r")
    }
}

/// Phase times on stderr when `WHICHTOK_TIMING` is set (for benchmarks and profiling).
final class PhaseTimer {
    private let enabled = getenv("WHICHTOK_TIMING") != nil
    private var last = DispatchTime.now().uptimeNanoseconds

    func lap(_ name: String) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let ms = Double(now - last) / 1e6
        Console.error("timing: \(name): \((ms * 10).rounded() / 10) ms")
        last = now
    }
}

/// What an import built, kept until the process ends. Freeing the batches, the builder's
/// observations and the store one small allocation at a time took 70-130 ms after a 3.3 s import
/// of the archive bench (3M events); at exit the kernel takes all of it back at once. Each call
/// replaces what the last one kept, so a process that imports many times (the tests) holds only
/// the last import.
enum KeptUntilExit {
    private static let values = Mutex<[any Sendable]>([])

    static func keep(_ items: [any Sendable]) {
        let previous = values.withLock { kept in
            let previous = kept
            kept = items
            return previous
        }
        _ = previous  // freed here, outside the lock
    }
}
