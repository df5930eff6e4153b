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
            "Import TikTok data downloads, web captures and Research API data (zip, tar, tar.gz, folders, .json/.txt, .har, .ndjson, .csv) into the store.",
        discussion: """
            The store is locked while it is read, merged and saved (flock on STORE.lock beside it): a \
            second import into the same store waits for the first, or with --no-wait exits 75.
            Exit status: 0 when every input was imported; 65 when an input was rejected (the others \
            are still imported and saved); 66 when a path does not exist; 1 when the store cannot be \
            read; 64 when an input is the store itself; 73 when it cannot be written; 75 when it is \
            locked and --no-wait was given; 130 or 143 when interrupted by SIGINT or SIGTERM.

            Limits against zip bombs: an input is rejected when it decompresses to more than 1000 \
            times the size of the file on disk (plus 1 MiB), counting archives inside archives at \
            every depth; when an entry grows past the size its archive states for it or past \
            --max-entry-bytes; or when an entry needs more memory than --max-memory, which all \
            inputs read at once share (an input that would fit once others are done waits for them).

            Sizes take a suffix: K, M, G or T (powers of 1024), e.g. 512M or 2G.
            """)

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var lockOptions: LockOptions

    @Option(
        name: .long,
        help: ArgumentHelp("Reject an input with an entry larger than this.", valueName: "size"))
    var maxEntryBytes: ByteCount = ByteCount(4 << 30)

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Memory all inputs read at once may hold for what they decompress and for parsing it; an input that needs more is rejected (default: a quarter of the memory, at most 4G; at least 16M).",
            valueName: "size"))
    var maxMemory: ByteCount?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Threads for reading inputs: inputs read at once, and for one large HAR its bodies (default: number of cores).",
            valueName: "n"))
    var jobs: Int?

    @Flag(name: .long, help: "Print only errors and the totals line.")
    var quiet = false

    /// Bytes of input records held in memory before they wait in a spill file beside the store
    /// (default `RecordSpool.defaultBudget`). Hidden: for the tests that force spilling.
    @Option(name: .long, help: .hidden)
    var spillBudget: ByteCount?

    /// Bytes of batches kept for the build in place of their records (default
    /// `RecordSpool.defaultBatchBudget`). Hidden: 0 makes every record encoded as it is read, for
    /// the tests that force spilling.
    @Option(name: .long, help: .hidden)
    var batchBudget: ByteCount?

    @Argument(help: ArgumentHelp("Archives, folders or files to import.", valueName: "input"))
    var inputs: [String]

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("name at least one input") }
        guard maxEntryBytes.bytes > 0 else { throw ValidationError("--max-entry-bytes must be positive") }
        if let maxMemory, maxMemory.bytes < ImportLimits.minimumMemoryBytes {
            throw ValidationError("--max-memory must be at least 16M (\(ImportLimits.minimumMemoryBytes) bytes)")
        }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        StoreAssembly.keepFreedMemoryForReuse()
        let path = storeOptions.path
        try StoreAccess.refuseOverwriting(
            outputs: [("--store", path)], protected: inputs.map { ("the input", $0) })
        // Locked before the old store is read and until the new one is renamed into place, so a
        // concurrent import cannot save a store that lacks this one's inputs (or this one theirs).
        let lock = try StoreAccess.lock(path, noWait: lockOptions.noWait)
        for removed in StoreFile.removeStaleTemporaries(of: path) where !quiet {
            Console.error(
                "whichtok: removed \(Console.printable(removed)), left by an earlier save that was killed")
        }
        // Load first: a damaged store is reported before any work, and is never overwritten. Only
        // its input records are kept: the new store is built from them and the new inputs' records.
        var existing = try StoreRecordsAccess.load(path, action: "import")
        let existingEvents = existing.events

        let limits = ImportLimits(
            maxEntryBytes: maxEntryBytes.bytes, maxMemoryBytes: maxMemory?.bytes ?? ImportLimits.defaultMaxMemoryBytes)
        let importer = Importer(limits: limits, parallelism: jobs ?? Importer.defaultParallelism)
        // Each input's batch is encoded as its record on the thread that read it; records past
        // the budget wait in a spill file beside the store. The batches of a few inputs are kept
        // for the build instead, and their records encoded only as the save writes them (see
        // `RecordSpool`).
        let spool = RecordSpool(
            storePath: path, budget: spillBudget?.bytes ?? RecordSpool.defaultBudget,
            batchBudget: batchBudget?.bytes ?? RecordSpool.defaultBatchBudget)
        spool.add(existing.records)
        existing.records = InputRecords()  // the spool holds them now
        let progress = Progress(enabled: !quiet && Console.stderrIsTerminal)
        let timing = PhaseTimer()
        var run = importer.run(
            paths: inputs, progress: { done, total in progress.update(done: done, total: total) },
            consume: { batch in
                spool.add(sha256: batch.sha256, batch: batch)
            })
        progress.finish()
        timing.lap("read inputs")
        timing.peakMemory()

        for missing in run.missing {
            Console.error("whichtok: error: \(Console.printable(missing.input)): no such file or directory")
        }
        for summary in run.summaries {
            for diagnostic in summary.diagnostics where !quiet || diagnostic.severity == .error {
                Console.error(Console.printable(diagnostic.description))
            }
            if !quiet { Console.out(Self.line(for: summary)) }
        }
        // The totals line is all that is left to say about the inputs: their summaries (a few
        // kilobytes each, thousands of them) go before the build.
        let read = run.summaries.reduce(0) { total, summary in
            summary.status == .imported && summary.layout != "container" ? total + summary.events : total
        }
        let imported = run.summaries.filter { $0.status == .imported }.count
        let inputCount = run.summaries.count + run.missing.count
        let rejected = run.rejectedCount
        run.summaries = []

        let (store, keys, interruption) = try StoreRecordsAccess.buildAndSave(spool: spool, to: path, timing: timing)
        Self.noteImportTimes(keys, storePath: path)
        lock.unlock()
        timing.peakMemory()

        Console.out(
            "total: \(inputCount) inputs (\(imported) imported, "
                + "\(rejected) rejected, \(run.missing.count) missing), \(grouped(read)) events read, "
                + "\(grouped(store.events.count - existingEvents)) new; store \(Console.printable(path)): "
                + "\(grouped(store.accounts.count)) accounts, \(grouped(store.videos.count)) videos, "
                + "\(grouped(store.events.count)) events")
        KeptUntilExit.keep([run, store])
        if interruption != 0 {
            Console.error("whichtok: interrupted after the store was saved")
            throw ExitCode(128 + interruption)
        }
        if !run.missing.isEmpty { throw ExitCode(Exit.noInput) }
        if rejected > 0 { throw ExitCode(Exit.dataError) }
    }

    /// Notes now as the import time of the inputs (SHA-256s of their records) that `STORE.imported`
    /// does not know yet, and drops the lines of inputs the store no longer has (see `ImportLog`).
    static func noteImportTimes(_ inputs: [[UInt8]], storePath: String) {
        let known = ImportLog.read(storePath: storePath)
        let now = ImportLog.now()
        var times: [String: Int64] = [:]
        for sha256 in inputs {
            let key = InputRecords.hex(sha256)
            times[key] = known[key] ?? now
        }
        if times != known { ImportLog.write(times, storePath: storePath) }
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

/// A size in bytes on the command line: a number, optionally followed by K, M, G or T (powers of
/// 1024; `KiB`, `MB`... are read the same way, case does not matter).
struct ByteCount: ExpressibleByArgument, Sendable {
    var bytes: Int

    init(_ bytes: Int) { self.bytes = bytes }

    init?(argument: String) {
        var text = Substring(argument.lowercased())
        for unit in ["ib", "b"] where text.hasSuffix(unit) && text.count > unit.count {
            text = text.dropLast(unit.count)
            break
        }
        var shift = 0
        if let last = text.last, let index = ["k", "m", "g", "t"].firstIndex(of: String(last)) {
            shift = 10 * (index + 1)
            text = text.dropLast()
        }
        guard !text.isEmpty, text.allSatisfy(\.isASCII), let number = Int(text), number >= 0 else { return nil }
        let (value, overflow) = number.multipliedReportingOverflow(by: 1 << shift)
        guard !overflow else { return nil }
        bytes = value
    }

    /// "4G" rather than "4294967296".
    var defaultValueDescription: String {
        for (shift, unit) in [(40, "T"), (30, "G"), (20, "M"), (10, "K")] where bytes > 0 && bytes % (1 << shift) == 0 {
            return "\(bytes >> shift)\(unit)"
        }
        return "\(bytes)"
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
final class Progress: Sendable {
    private let enabled: Bool
    /// What is being done ("importing") and what is counted ("inputs").
    private let label: String
    private let unit: String
    /// When the bar was last drawn (uptime nanoseconds).
    private let lastDraw = Mutex<UInt64>(0)

    init(enabled: Bool, label: String = "importing", unit: String = "inputs") {
        self.enabled = enabled
        self.label = label
        self.unit = unit
    }

    func update(done: Int, total: Int) {
        guard enabled else { return }
        lastDraw.withLock { lastDraw in
            let now = DispatchTime.now().uptimeNanoseconds
            guard done == total || now - lastDraw > 100_000_000 else { return }
            lastDraw = now
            let width = 30
            let filled = total > 0 ? width * done / total : 0
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            Console.write(2, "\r\(label) [\(bar)] \(done)/\(total) \(unit)")
        }
    }

    func finish() {
        guard enabled else { return }
        Console.write(2, "\r" + String(repeating: " ", count: 60) + "\r")
    }
}

/// Phase times and the peak resident memory on stderr when `WHICHTOK_TIMING` is set (for
/// benchmarks, profiling and the memory tests).
final class PhaseTimer {
    private let enabled = getenv("WHICHTOK_TIMING") != nil
    private var last = DispatchTime.now().uptimeNanoseconds
    private var lastCPU = PhaseTimer.cpuNanoseconds()

    /// "timing: NAME: W ms (CPU C ms)": the wall time since the last lap, and the CPU time of all
    /// of the process's threads over it (C / W is how many cores the phase kept busy).
    func lap(_ name: String) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let cpu = Self.cpuNanoseconds()
        let ms = Double(now - last) / 1e6
        let cpuMs = Double(cpu &- lastCPU) / 1e6
        Console.error("timing: \(name): \((ms * 10).rounded() / 10) ms (CPU \((cpuMs * 10).rounded() / 10) ms)")
        last = now
        lastCPU = cpu
    }

    /// User and system time of the whole process so far.
    private static func cpuNanoseconds() -> UInt64 {
        var spec = timespec()
        guard clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec) == 0 else { return 0 }
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }

    /// "timing: peak resident memory: N KiB", from the process's own high-water mark.
    func peakMemory() {
        guard enabled, let kib = Self.peakResidentKiB() else { return }
        Console.error("timing: peak resident memory: \(kib) KiB")
    }

    /// Linux: `VmHWM` of /proc/self/status, the high-water mark of this program's own memory. Not
    /// `getrusage`: there `ru_maxrss` also keeps the resident size of the process that started
    /// this one, from before `exec` (a test runner's, say). Elsewhere, `getrusage`.
    private static func peakResidentKiB() -> Int? {
        #if os(Linux)
            guard let file = fopen("/proc/self/status", "r") else { return nil }
            defer { fclose(file) }
            var line = [CChar](repeating: 0, count: 256)
            while fgets(&line, Int32(line.count), file) != nil {
                let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                guard text.hasPrefix("VmHWM:") else { continue }
                return Int(text.dropFirst(6).filter(\.isNumber))
            }
            return nil
        #else
            var usage = rusage()
            guard getrusage(RUSAGE_SELF, &usage) == 0 else { return nil }
            return Int(usage.ru_maxrss) / 1024
        #endif
    }
}

/// What a command built, kept until the process ends. Freeing the batches, the builder's
/// observations and the store (or a graph, its analysis and the document written from them) one
/// allocation at a time is a noticeable part of a large command's wall time (Benchmarks/RESULTS.md,
/// `make bench`), while at exit the kernel takes all of it back at once. Each call replaces what the
/// last one kept, so a process that runs many commands (the tests) holds only the last one's.
enum KeptUntilExit {
    /// Never read again, only released: holding values that are not `Sendable` is safe.
    private final class Held: @unchecked Sendable {
        let items: [Any]
        init(_ items: [Any]) { self.items = items }
    }

    private static let values = Mutex<Held?>(nil)

    static func keep(_ items: [Any]) {
        let previous = values.withLock { kept in
            let previous = kept
            kept = Held(items)
            return previous
        }
        _ = previous  // freed here, outside the lock
    }
}
