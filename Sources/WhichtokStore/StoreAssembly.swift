internal import CMalloc
import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Builds stores from input records: the one way every command that writes a store makes it.
///
/// `import` adds the records of the inputs it reads to those the store holds, `merge` takes the
/// records of every shard, `forget` drops some; each then calls `build(_:path:)`, which decodes the
/// records one at a time into a `StoreBuilder` and builds. The result depends only on the set of
/// records, so it does not matter how they were gathered.
public enum StoreAssembly {
    /// Asks the allocator (glibc) to keep freed memory for reuse rather than return it to the
    /// system at each free, for a command that reads inputs and builds a store: it frees and
    /// allocates large buffers in turn, and would otherwise fault the same pages in again and again
    /// (see `Benchmarks/RESULTS.md`, "allocator"). The build still hands free pages back between its
    /// steps. Call it once, before the work starts. Settings of glibc's allocator made through
    /// `GLIBC_TUNABLES` (README, "Size and memory") are left as they are.
    public static func keepFreedMemoryForReuse() {
        if let tunables = getenv("GLIBC_TUNABLES"), String(cString: tunables).contains("glibc.malloc.") { return }
        whichtok_keep_freed_memory()
    }

    /// Hands the pages of memory the program has freed back to the system (glibc keeps them in its
    /// arenas; see `keepFreedMemoryForReuse`). A command calls it on a thread of its own while the
    /// store is saved: the save mostly waits for the disk, and each page handed back then is one the
    /// system need not free when the program exits, which it does only after the save.
    public static func releaseFreeMemory() {
        whichtok_release_free_memory()
    }

    /// The record of one batch: its observations, encoded (see `BatchRecordCodec`).
    public static func record(of batch: ImportBatch) -> [UInt8] { BatchRecordCodec.encode(batch) }

    /// Records built together into one partial store by `build(_:path:)` (at least; see `firstRun`).
    public static let chunk = 64

    /// Partial stores the first level aims at: the last level holds every entity once per partial
    /// store that tells it something new about it (a string, an account whose counts differ…), so
    /// fewer and larger partials keep it small (see `firstRun`).
    static let partialsAimedAt = 8

    /// The store whose inputs have these records. `path` names the store file in errors.
    ///
    /// Built in two levels, so that memory follows the size of the store rather than the number of
    /// inputs: each run of `firstRun(count:chunk:)` records (in SHA-256 order) is built into a
    /// partial store, which holds each account, video, … of those inputs once, and the partial
    /// stores into one store (`LastLevel`), however many there are. Building a store from stores
    /// gives the store of all their inputs (what an import into an existing store has always relied
    /// on), and the grouping depends only on the set of records, so the bytes do too. Up to `chunk`
    /// records are one plain build.
    public static func build(_ records: InputRecords, path: String) throws(StoreError) -> Store {
        try build(records, path: path, chunk: chunk)
    }

    static func build(_ records: InputRecords, path: String, chunk: Int) throws(StoreError) -> Store {
        let sizes = (0..<records.count).map { Int(records.offsets[$0 + 1] - records.offsets[$0]) }
        return try build(count: records.count, chunk: chunk, path: path, sizes: sizes) { index throws(StoreError) in
            try records.decoded(at: index, path: path)
        }
    }

    /// The store of the records in `spool`, read from it one at a time (from memory or its spill
    /// file) without taking them out: the same store as `build(spool.records())`, without holding
    /// every record in memory while building.
    ///
    /// A record whose batch the spool kept is not decoded: the build takes the batch (the same
    /// rows, as `BatchRecordCodec` encodes them). When it kept every record's batch, they are
    /// added together (`StoreBuilder.add(contentsOf:)`: their events on all cores).
    ///
    /// Once every record is decoded, those the spool holds in memory go to its spill file (see
    /// `RecordSpool.moveToFile()`): only the save reads them after that, and the rest of the build
    /// (the last level and the largest tables) need not be built beside them.
    public static func build(_ spool: RecordSpool, path: String) throws(StoreError) -> Store {
        let keys = try spool.sortedKeys()
        if !keys.isEmpty, spool.keptBatchCount == keys.count {
            let batches = keys.compactMap { spool.batch($0) }
            if batches.count == keys.count {
                var builder = StoreBuilder()
                builder.add(contentsOf: batches)
                spool.moveToFile()
                return (consume builder).build()
            }
            // Not all of them after all: the records are still there, and are decoded below.
        }
        let sizes = spool.sizes(of: keys)
        return try build(
            count: keys.count, chunk: chunk, path: path, sizes: sizes,
            decode: { index throws(StoreError) in
                if let batch = spool.batch(keys[index]) { return .batch(batch) }
                return try DecodedRecord(record: try spool.record(keys[index])[...], path: path, sha256: keys[index])
            },
            decodedAll: { spool.moveToFile() })
    }

    /// The two-level build of `build(_:path:)` over `count` records, decoded by `decode`. The
    /// first level's runs are built two at a time (each run's build is small and mostly on one
    /// core). Each partial store goes into the last level's builder as soon as it and those before
    /// it are built, so the partial stores are never all held at once beside the observations they
    /// become; its event observations wait in a file beside the store at `path` (see `EventSpill`),
    /// and a sighting a partial store repeats is not observed again (`StoreBuilder+Repeats`), so
    /// the last level takes any number of partial stores. `sizes`: the records' encoded sizes,
    /// when known, by which a build of one run sizes its tables. `decodedAll` is called once every
    /// record has been decoded.
    static func build(
        count: Int, chunk: Int, path: String, sizes: [Int]? = nil,
        decode: @Sendable (Int) throws(StoreError) -> DecodedRecord, decodedAll: () -> Void = {}
    ) throws(StoreError) -> Store {
        let chunk = max(chunk, 2)
        let run = firstRun(count: count, chunk: chunk)
        let runs = (count + run - 1) / run
        // What reading the inputs freed goes back before a build of many records (with one run,
        // a few large inputs, the reading was the peak, and the pages would only be faulted in again).
        if runs > 1 { whichtok_release_free_memory() }
        guard runs > 0 else { return StoreBuilder().build() }
        // One run (a few inputs, often large ones): its records are decoded on one core while
        // those before them are added on the other.
        if runs == 1 { return try DecodeAhead(count: count, sizes: sizes).build(decode, decodedAll) }
        let lastLevel = LastLevel(runs: runs, spill: EventSpill(storePath: path))
        let sizesBefore = sums(of: sizes, count: count)
        let claimed = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: min(runs, 2)) { _ in
            while true {
                let claim = claimed.add(1, ordering: .relaxed).oldValue
                guard claim < runs else { break }
                let result = Result { () throws(StoreError) -> Store in
                    var builder = StoreBuilder()
                    let records = claim * run..<min(claim * run + run, count)
                    for index in records {
                        let record = try decode(index)
                        guard let sizesBefore else {
                            builder.add(record)
                            continue
                        }
                        // Sized for the run's records, by their sizes.
                        let start = sizesBefore[records.lowerBound]
                        add(
                            record, to: &builder, bytesSoFar: sizesBefore[index + 1] - start,
                            of: sizesBefore[records.upperBound] - start)
                    }
                    return (consume builder).build()
                }
                lastLevel.put(result, at: claim)
            }
        }
        decodedAll()
        return try lastLevel.build()
    }

    /// The last level of the two-level build, filled while the first level is still building: the
    /// partial stores are added in their order, each as soon as those before it are in, by
    /// whichever worker finds it next; the other worker goes on building.
    final class LastLevel: Sendable {
        private struct Queue {
            var ready: [Int: Result<Store, StoreError>] = [:]
            var next = 0
            var adding = false
            var failure: StoreError?

            /// The next partial store to add, taking the turn to add it; nil when it is not built
            /// yet, another worker is adding, or a partial store before it failed.
            mutating func take() -> Store? {
                guard !adding, failure == nil, let result = ready.removeValue(forKey: next) else { return nil }
                switch result {
                case .success(let store):
                    next += 1
                    adding = true
                    return store
                case .failure(let error):
                    failure = error
                    return nil
                }
            }
        }

        private let queue = Mutex(Queue())
        private let builder: Mutex<StoreBuilder>
        private let runs: Int
        private let spill: EventSpill?

        /// - Parameters:
        ///   - runs: how many partial stores there are.
        ///   - spill: where the builder's event observations wait until its other observations are
        ///     resolved (in memory when nil).
        init(runs: Int, spill: EventSpill?) {
            self.runs = runs
            self.spill = spill
            var builder = StoreBuilder()
            builder.eventSpill = spill
            self.builder = Mutex(builder)
        }

        /// Hands over partial store `index` (or its failure) and adds what is ready to add.
        func put(_ result: Result<Store, StoreError>, at index: Int) {
            var partial = queue.withLock { queue in
                queue.ready[index] = result
                return queue.take()
            }
            while partial != nil {
                add(&partial, number: queue.withLock { $0.next })
                partial = queue.withLock { queue in
                    queue.adding = false
                    return queue.take()
                }
            }
        }

        /// Adds the `number`th partial store (counting from 1) to the builder, taking it out of
        /// `partial`: it is freed on return.
        private func add(_ partial: inout Store?, number: Int) {
            guard let store = partial.take() else { return }
            let runs = runs
            builder.withLock { builder in
                // Partial stores are alike in size (runs of records in SHA-256 order): a table too
                // small for this one gets room for the rest like those so far, so that it is not
                // grown by doubling (which holds both copies, and leaves up to half unused). The
                // videos and accounts get more room than they use, as their repeated sightings are
                // not added; the pages of it that are never written take no memory.
                builder.reserve(
                    forStores: CollectionOfOne(store),
                    projecting: { rows in
                        rows / number * runs + rows / 16
                    })
                builder.add(store: store)
                builder.spillEvents()
            }
        }

        /// The store of every partial store; throws the first failure in their order.
        func build() throws(StoreError) -> Store {
            if let failure = queue.withLock({ $0.failure }) { throw failure }
            let taken = builder.withLock { builder in
                let taken = builder
                builder = StoreBuilder()
                return taken
            }
            // What the first level freed goes back before the build grows its tables and orders.
            whichtok_release_free_memory()
            let store = (consume taken).build()
            if let failure = spill?.failure { throw failure }
            return store
        }
    }

    /// A plain build of `count` records by two workers: each adds the next record when it is
    /// decoded and no one else is adding, else decodes the next one, up to `ahead` records past
    /// the next to add (so that decoded stores do not pile up while a large one is added); past
    /// that, it waits for the other to finish what it is doing. Records are added in their order,
    /// so the store is the one of adding them one by one, and the first failure in that order is
    /// the one thrown. A worker never waits unless the other is busy, so one worker alone (if
    /// the system runs them one after the other) does it all.
    final class DecodeAhead: Sendable {
        private struct State {
            var claimed = 0
            var nextToAdd = 0
            var adding = false
            var waiting = false
            var ready: [Int: Result<DecodedRecord, StoreError>] = [:]
            var failure: StoreError?
        }

        private enum Step {
            case add(Result<DecodedRecord, StoreError>, index: Int)
            case decode(Int)
            case wait
            case stop
        }

        private let state = Mutex(State())
        private let wake = DispatchSemaphore(value: 0)
        private let builder = Mutex(StoreBuilder())
        private let count: Int
        /// Bytes of the records before each (`count + 1` sums), when their sizes are known.
        private let sizesBefore: [Int]?
        static let ahead = 2

        init(count: Int, sizes: [Int]? = nil) {
            self.count = count
            sizesBefore = StoreAssembly.sums(of: sizes, count: count)
        }

        /// Adds record `index`, its tables sized by the records' sizes when known.
        private func add(_ record: DecodedRecord, index: Int, to builder: inout StoreBuilder) {
            guard let sizesBefore, let total = sizesBefore.last else { return builder.add(record) }
            StoreAssembly.add(record, to: &builder, bytesSoFar: sizesBefore[index + 1], of: total)
        }

        /// The store of the records `decode` gives; `decodedAll` is called once they are all
        /// decoded, before the build.
        func build(
            _ decode: @Sendable (Int) throws(StoreError) -> DecodedRecord, _ decodedAll: () -> Void = {}
        ) throws(StoreError) -> Store {
            DispatchQueue.concurrentPerform(iterations: 2) { _ in
                while true {
                    let step = state.withLock { state -> Step in
                        guard state.failure == nil else { return .stop }
                        if !state.adding, let result = state.ready.removeValue(forKey: state.nextToAdd) {
                            state.adding = true
                            state.nextToAdd += 1
                            return .add(result, index: state.nextToAdd - 1)
                        }
                        guard state.claimed < count else { return .stop }
                        guard state.claimed - state.nextToAdd < Self.ahead else {
                            // The other worker is adding, or decoding the next to add.
                            state.waiting = true
                            return .wait
                        }
                        state.claimed += 1
                        return .decode(state.claimed - 1)
                    }
                    switch step {
                    case .add(let result, let index):
                        if case .success(let record) = result {
                            builder.withLock { add(record, index: index, to: &$0) }
                        }
                        done { state in
                            if case .failure(let error) = result { state.failure = error }
                            state.adding = false
                        }
                    case .decode(let index):
                        let result = Result { () throws(StoreError) -> DecodedRecord in try decode(index) }
                        done { $0.ready[index] = result }
                    case .wait:
                        wake.wait()
                    case .stop:
                        return
                    }
                }
            }
            if let failure = state.withLock({ $0.failure }) { throw failure }
            decodedAll()
            let taken = builder.withLock { builder in
                let taken = builder
                builder = StoreBuilder()
                return taken
            }
            return (consume taken).build()
        }

        /// Records what a step did, and wakes the other worker if it waits for it.
        private func done(_ change: (inout State) -> Void) {
            let wakes = state.withLock { state in
                change(&state)
                defer { state.waiting = false }
                return state.waiting
            }
            if wakes { wake.signal() }
        }
    }

    /// `[0, s0, s0 + s1, …]` of `sizes`, when there is one per record.
    static func sums(of sizes: [Int]?, count: Int) -> [Int]? {
        guard let sizes, sizes.count == count else { return nil }
        var sums = [0]
        sums.reserveCapacity(count + 1)
        for size in sizes { sums.append(sums[sums.count - 1] + max(size, 0)) }
        return sums
    }

    /// Adds `store` to `builder`, where the records added so far (this one's included) are
    /// `bytesSoFar` of the `totalBytes` the builder will get. A table too small for it gets room
    /// for all of them, projected from the rows so far by the records' sizes (the events of a
    /// record are most of its bytes), so that the tables are not grown by doubling: each doubling
    /// copied the columns and faulted in new pages, twice the memory of the columns in all.
    static func add(_ record: DecodedRecord, to builder: inout StoreBuilder, bytesSoFar: Int, of totalBytes: Int) {
        if bytesSoFar > 0, totalBytes >= bytesSoFar {
            let share = Double(totalBytes) / Double(bytesSoFar)
            let projecting = { (rows: Int) in Int(min(Double(rows) * share, Double(Int.max / 2))) + rows / 16 }
            switch record {
            case .batch(let batch): builder.reserve(StoreBuilder.counts(of: batch), projecting: projecting)
            case .store(let store): builder.reserve(forStores: CollectionOfOne(store), projecting: projecting)
            }
        }
        builder.add(record)
    }

    /// Records per partial store of the first level: `chunk`, or more, up to twice as many, so
    /// that there are about `partialsAimedAt` partial stores. The last level holds each entity (an
    /// account, a video, …) once per partial store that has it, and entities are most of its memory
    /// while its events wait in the spill file; but two first-level builds run beside it, each
    /// holding every entity once per record, so their size is capped: past `partialsAimedAt`
    /// times twice `chunk` records, more records make more partial stores, not larger builds.
    /// Depends only on the number of records, so the grouping, and the store's bytes, do not change.
    static func firstRun(count: Int, chunk: Int) -> Int {
        max(chunk, min((count + partialsAimedAt - 1) / partialsAimedAt, 2 * chunk))
    }

    /// One record for an input seen under several names (or in several shards): the record of
    /// all those sightings. Equal records are one.
    static func combine(_ a: [UInt8], _ b: [UInt8], sha256: [UInt8], path: String) throws(StoreError) -> [UInt8] {
        if a == b { return a }
        var builder = StoreBuilder()
        builder.add(try DecodedRecord(record: a[...], path: path, sha256: sha256))
        builder.add(try DecodedRecord(record: b[...], path: path, sha256: sha256))
        return (consume builder).build().encodedRecord()
    }
}
