import Dispatch
import Synchronization
import WhichtokStore

/// What happened to one input.
public struct InputSummary: Sendable {
    public enum Status: String, Sendable { case imported, rejected }
    public var displayName: String
    public var status: Status
    public var layout: String
    public var events: Int
    public var eventsByKind: [EventKind: Int]
    public var bytesRead: Int
    public var sectionCounts: [String: Int]
    public var skippedSections: [String: Int]
    /// The first names not understood (`ImportBatch.unknownSectionsKept`), in the order found.
    public var unknownSections: [String]
    /// Further names not understood, only counted.
    public var unknownSectionsOmitted = 0
    /// Records normal in real exports that yield no event, by what they are (`ImportBatch.recordsSetAside`).
    public var recordsSetAside: [String: Int] = [:]
    /// Web captures: entries (HAR entries, NDJSON lines, pages) that yielded records, by kind, and
    /// those that yielded nothing, by reason.
    public var webEntriesRead: [String: Int] = [:]
    public var skippedEntries: [String: Int] = [:]
    /// Rows the input described (before merging with other inputs).
    public var videos = 0
    public var accounts = 0
    public var comments = 0
    public var diagnostics: [ImportDiagnostic]

    /// Whether the input held web captures (its layout names a HAR, Zeeschuimer export, page, page
    /// state or Research API data).
    public var isWebCapture: Bool {
        layout.split(separator: "+").contains {
            $0.hasPrefix("har") || $0 == "zeeschuimer" || $0 == "html" || $0 == "page-state" || $0.hasPrefix("research")
        }
    }
}

/// The outcome of reading a set of command-line paths.
public struct ImportRun: Sendable {
    /// One per input, in a fixed order (the order of the paths, then the order found inside them).
    public var summaries: [InputSummary] = []
    /// Batches of the inputs that were imported, in the same order (empty when `run` was given a
    /// `consume` function: each batch went to it instead).
    public var batches: [ImportBatch] = []
    /// Paths that do not exist.
    public var missing: [InputError] = []

    public var rejectedCount: Int { summaries.filter { $0.status == .rejected }.count }
}

/// Reads inputs (archives, directories, plain files) into batches, several at a time.
public struct Importer: Sendable {
    public var limits: ImportLimits
    /// Threads for reading: inputs read at once, and the cores they leave free go to a large HAR's
    /// bodies. Defaults to the number of cores.
    public var parallelism: Int

    public init(limits: ImportLimits = ImportLimits(), parallelism: Int = Importer.defaultParallelism) {
        self.limits = limits
        self.parallelism = max(1, parallelism)
    }

    /// How many archives deep the importer looks inside archives.
    public static let maxNesting = 3

    public static var defaultParallelism: Int {
        #if canImport(Glibc)
            return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
            return 2
        #endif
    }

    /// Reads every input the paths expand to. `progress` is called (from any thread, serially) after
    /// each input with the number done and the number known so far.
    ///
    /// - Parameter consume: when given, each imported batch is handed to it on the thread that read
    ///   it, as soon as it is read, and not kept: memory then holds the batches being read, not
    ///   every batch of the run (`import` reduces each to its input record here).
    public func run(
        paths: [String], progress: @Sendable (Int, Int) -> Void = { _, _ in },
        consume: (@Sendable (ImportBatch) -> Void)? = nil
    ) -> ImportRun {
        var result = ImportRun()
        var pending: [InputSource] = []
        for path in paths {
            do {
                pending.append(contentsOf: try discoverInputs([path]))
            } catch {
                if error.kind == .notFound {
                    result.missing.append(error)
                } else {
                    result.summaries.append(Self.rejectedSummary(name: error.input, error: error))
                }
            }
        }
        var done = 0
        // One budget for every input of the run: what they may hold at once, whatever `parallelism`.
        let memory = MemoryBudget(limit: limits.maxMemoryBytes)
        // Nested archives found inside inputs are read in a following round, after their parents.
        while !pending.isEmpty {
            // Moved, not copied: an input's bytes (a nested archive's copy) go as soon as it is read.
            var round: [InputSource] = []
            swap(&round, &pending)
            let before = done
            let count = round.count
            let outcomes = readAll(&round, memory: memory, consume: consume) { finished in
                progress(before + finished, before + count)
            }
            done += count
            for outcome in outcomes {
                result.summaries.append(outcome.summary)
                if let batch = outcome.batch { result.batches.append(batch) }
                for nested in outcome.nested {
                    // Archives inside archives inside archives: no real export nests that deep.
                    if nested.displayName.filter({ $0 == "!" }).count > Self.maxNesting {
                        let error = InputError(
                            kind: .rejected, input: nested.displayName, entry: nil, position: nil,
                            message: "archives nested more than \(Self.maxNesting) deep")
                        result.summaries.append(Self.rejectedSummary(name: nested.displayName, error: error))
                    } else {
                        pending.append(nested)
                    }
                }
            }
        }
        return result
    }

    struct Outcome: Sendable {
        var summary: InputSummary
        var batch: ImportBatch?
        var nested: [InputSource]
        /// The reading gave up waiting for memory (`MemoryShortage.busy`): read the input again.
        var retry = false
    }

    /// Reads `sources` (emptied: each input is dropped once read) on `parallelism` threads that
    /// share `memory`; inputs that gave up waiting for memory are read again afterwards, one at a
    /// time, with nothing else being read.
    private func readAll(
        _ sources: inout [InputSource], memory: MemoryBudget, consume: (@Sendable (ImportBatch) -> Void)?,
        finished: @Sendable (Int) -> Void
    ) -> [Outcome] {
        let queue = SourceQueue(&sources)
        let slots = OutcomeSlots(count: queue.count)
        let completed = Counter()
        let workers = min(parallelism, queue.count)
        // The cores left over when there are fewer inputs than cores go to reading a large
        // HAR's bodies (one input: all of them; as many inputs as cores: none).
        let bodyThreads = max(1, parallelism / max(1, workers))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            // Two parsers: a HAR's document stays parsed while its bodies are parsed.
            let parser = JSONParser()
            let bodyParser = JSONParser()
            while let (index, source) = queue.next() {
                // Even a single worker may wait: memory held by archives found inside inputs of
                // this round is given back once they are read, so a shortage is retried later.
                let outcomes = read(
                    source, parser: parser, bodyParser: bodyParser, bodyThreads: bodyThreads, memory: memory,
                    waitsForMemory: true)
                if outcomes.contains(where: \.retry) {
                    queue.retryLater(index, source)
                    continue
                }
                if queue.isDrained {
                    // Nothing left for this worker to parse: the parsers' buffers (sized for the
                    // largest document it met) go before the batch is handed over, as `consume`
                    // builds the input's record beside them.
                    parser.releaseMemory()
                    bodyParser.releaseMemory()
                }
                slots.set(index, Self.handOver(outcomes, to: consume))
                finished(completed.increment())
            }
        }
        let parser = JSONParser()
        let bodyParser = JSONParser()
        while let (index, source) = queue.nextRetry() {
            // Alone now: a shortage is final.
            let outcomes = read(
                source, parser: parser, bodyParser: bodyParser, bodyThreads: parallelism, memory: memory,
                waitsForMemory: false)
            slots.set(index, Self.handOver(outcomes, to: consume))
            finished(completed.increment())
        }
        return slots.values
    }

    /// `outcomes` with their batches given to `consume` (when there is one) and dropped.
    private static func handOver(_ outcomes: [Outcome], to consume: (@Sendable (ImportBatch) -> Void)?) -> [Outcome] {
        guard let consume else { return outcomes }
        var kept = outcomes
        for index in kept.indices {
            guard let batch = kept[index].batch else { continue }
            kept[index].batch = nil
            consume(batch)
        }
        return kept
    }

    /// Reads one input into batches, one per export root inside it (see `ExportRoots`). Never
    /// throws: problems are in the summaries.
    ///
    /// Entries go to the web capture reader (HAR, NDJSON, HTML pages; `.json` that starts like a
    /// HAR or is shaped like a page state or Research API data; Research API CSV) or to the archive
    /// reader of their export root; an input may mix them. `bodyThreads`
    /// threads read a large HAR's bodies. What the input decompresses is held in `memory` (a
    /// budget of its own when nil); `waitsForMemory` lets the reading wait for memory other readers
    /// hold, or give up (one outcome with `retry` set) when they all wait.
    func read(
        _ source: InputSource, parser: JSONParser, bodyParser: JSONParser, bodyThreads: Int = 1,
        memory: MemoryBudget? = nil, waitsForMemory: Bool = false
    ) -> [Outcome] {
        var roots = ExportRoots(
            inputName: source.displayName, parser: parser, bodyParser: bodyParser, bodyThreads: bodyThreads)
        let digest: InputDigest
        var inputReader = InputReader(limits: limits)
        inputReader.memory = memory
        inputReader.waitsForMemory = waitsForMemory
        do {
            digest = try inputReader.forEachEntryLeasing(of: source) { path, bytes, lease in
                try roots.read(entryPath: path, bytes: bytes, memory: lease)
            }
        } catch let error as InputError {
            return [
                Outcome(summary: Self.rejectedSummary(name: source.displayName, error: error), batch: nil, nested: [])
            ]
        } catch MemoryShortage.busy {
            return [
                Outcome(
                    summary: InputSummary(
                        displayName: source.displayName, status: .rejected, layout: "", events: 0,
                        eventsByKind: [:], bytesRead: 0, sectionCounts: [:], skippedSections: [:],
                        unknownSections: [], diagnostics: []),
                    batch: nil, nested: [], retry: true)
            ]
        } catch {
            let wrapped = InputError(
                kind: .rejected, input: source.displayName, entry: nil, position: nil, message: "\(error)")
            return [
                Outcome(summary: Self.rejectedSummary(name: source.displayName, error: wrapped), batch: nil, nested: [])
            ]
        }
        return roots.finish(source: source, digest: digest)
    }

    static func looksLikeData(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".json") || lower.hasSuffix(".txt")
    }

    static func summary(of batch: ImportBatch, status: InputSummary.Status, containerOnly: Bool) -> InputSummary {
        // Counted by raw value, not in a dictionary: an archive has millions of events.
        var counts = [Int](repeating: 0, count: 256)
        for piece in [batch] + batch.parts {
            for kind in piece.eventKind { counts[Int(kind.rawValue)] += 1 }
        }
        var byKind: [EventKind: Int] = [:]
        for kind in EventKind.allCases where counts[Int(kind.rawValue)] > 0 {
            byKind[kind] = counts[Int(kind.rawValue)]
        }
        // A batch's own rows are already one per id; only parts can repeat a row.
        let rows =
            batch.parts.isEmpty
            ? (videos: batch.videos.count, accounts: batch.accounts.count, comments: batch.comments.count)
            : distinctRows(batch)
        return InputSummary(
            displayName: batch.inputName, status: status,
            layout: containerOnly ? "container" : batch.layout,
            events: batch.totalEventCount, eventsByKind: byKind, bytesRead: batch.bytesRead,
            sectionCounts: batch.sectionCounts, skippedSections: batch.skippedSections,
            unknownSections: batch.unknownSections, unknownSectionsOmitted: batch.unknownSectionsOmitted,
            recordsSetAside: batch.recordsSetAside, webEntriesRead: batch.webEntriesRead,
            skippedEntries: batch.skippedEntries,
            videos: rows.videos, accounts: rows.accounts, comments: rows.comments,
            diagnostics: containerOnly ? [] : batch.diagnostics)
    }

    /// Rows described by a batch and its parts, a row seen in two parts counted once (by TikTok
    /// id; by secUID or username for accounts without one).
    static func distinctRows(_ batch: ImportBatch) -> (videos: Int, accounts: Int, comments: Int) {
        var videos = Set<UInt64>()
        var anonymousVideos = 0
        var accounts = Set<String>()
        var comments = Set<UInt64>()
        var anonymousComments = 0
        for piece in [batch] + batch.parts {
            for video in piece.videos {
                if video.tiktokID != 0 { videos.insert(video.tiktokID) } else { anonymousVideos += 1 }
            }
            for account in piece.accounts {
                let key =
                    account.numericID.map { "#\($0)" } ?? account.secUID.map { "s" + $0 }
                    ?? account.username.map { "@" + $0 } ?? account.donorKey.map { "d" + $0 } ?? "?"
                accounts.insert(key)
            }
            for comment in piece.comments {
                if let id = comment.tiktokID { comments.insert(id) } else { anonymousComments += 1 }
            }
        }
        return (videos.count + anonymousVideos, accounts.count, comments.count + anonymousComments)
    }

    static func rejectedSummary(name: String, error: InputError) -> InputSummary {
        InputSummary(
            displayName: name, status: .rejected, layout: "", events: 0, eventsByKind: [:], bytesRead: 0,
            sectionCounts: [:], skippedSections: [:], unknownSections: [],
            diagnostics: [
                ImportDiagnostic(
                    severity: .error, input: error.input, entry: error.entry, position: error.position,
                    message: error.message)
            ])
    }
}

/// The inputs of one round, handed out once each and forgotten when handed out, so that an
/// input's bytes are freed as soon as its reader is done with them; and those to read again.
final class SourceQueue: Sendable {
    private struct State {
        var sources: [InputSource?]
        var nextIndex = 0
        var retries: [(Int, InputSource)] = []
    }

    private let state: Mutex<State>
    let count: Int

    /// Takes the inputs out of `sources`, leaving it empty.
    init(_ sources: inout [InputSource]) {
        let taken = sources.map { Optional($0) }
        sources.removeAll()
        count = taken.count
        state = Mutex(State(sources: taken))
    }

    /// Whether every input has been handed out (retries aside).
    var isDrained: Bool { state.withLock { $0.nextIndex >= $0.sources.count } }

    func next() -> (Int, InputSource)? {
        state.withLock { state in
            guard state.nextIndex < state.sources.count, let source = state.sources[state.nextIndex] else { return nil }
            state.sources[state.nextIndex] = nil
            state.nextIndex += 1
            return (state.nextIndex - 1, source)
        }
    }

    func retryLater(_ index: Int, _ source: InputSource) {
        state.withLock { $0.retries.append((index, source)) }
    }

    /// The inputs to read again, in their order.
    func nextRetry() -> (Int, InputSource)? {
        state.withLock { state in
            guard let first = state.retries.indices.min(by: { state.retries[$0].0 < state.retries[$1].0 }) else {
                return nil
            }
            return state.retries.remove(at: first)
        }
    }
}

/// Results written by worker threads into their own slots.
final class OutcomeSlots: Sendable {
    private let slots: Mutex<[[Importer.Outcome]?]>
    init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }
    func set(_ index: Int, _ outcomes: [Importer.Outcome]) { slots.withLock { $0[index] = outcomes } }
    var values: [Importer.Outcome] { slots.withLock { $0.flatMap { $0 ?? [] } } }
}

final class Counter: Sendable {
    private let value = Mutex(0)
    func increment() -> Int {
        value.withLock { value in
            value += 1
            return value
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
