import ArgumentParser
import Synchronization
import WhichtokImport
import WhichtokStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `whichtok forget`: remove inputs from a store, leaving exactly the store of the other inputs.
struct ForgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Remove inputs from the store: what is left is exactly the store of the other inputs.",
        discussion: """
            Name the inputs by path (the file is read as 'import' reads it, and the inputs it holds \
            are identified by their SHA-256), by --sha PREFIX (a prefix of the SHA-256 that \
            'whichtok inputs' lists; a prefix that fits several inputs is refused and they are \
            listed), or by --donor USERNAME (every input whose owner goes or went by that name). \
            The store is rebuilt from the records of the inputs that remain, so every event, account, \
            video, alias and identity link that only the forgotten inputs supported is gone, and the \
            file is byte for byte the one importing the other inputs would give. This is how a \
            participant's withdrawal is honoured; exports made before are not touched.
            The store is locked while it is rebuilt (as for import).
            Exit status: 0 ok; 1 when the store cannot be read or keeps no input records (made by an \
            older whichtok: import again); 64 usage (nothing named, an ambiguous --sha); 65 when \
            something named is not an input of the store (nothing is changed); 66 when a path or the \
            store does not exist; 73 when the store cannot be written; 75 when it is locked and \
            --no-wait was given.
            """)

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var lockOptions: LockOptions

    @Option(name: .long, help: ArgumentHelp("An input by a prefix of its SHA-256 (hex).", valueName: "prefix"))
    var sha: [String] = []

    @Option(name: .long, help: ArgumentHelp("Every input owned by this donor.", valueName: "username"))
    var donor: [String] = []

    @Argument(help: ArgumentHelp("Files whose inputs to forget.", valueName: "input"))
    var inputs: [String] = []

    func validate() throws {
        guard !inputs.isEmpty || !sha.isEmpty || !donor.isEmpty else {
            throw ValidationError("name inputs to forget: paths, --sha or --donor")
        }
        for prefix in sha where prefix.isEmpty || prefix.count > 64 || !prefix.allSatisfy(\.isHexDigit) {
            throw ValidationError("--sha takes 1 to 64 hex digits, not '\(Console.printable(prefix))'")
        }
    }

    func run() throws {
        let path = storeOptions.path
        var exists = stat()
        guard stat(path, &exists) == 0 else {
            Console.error("whichtok: error: \(Console.printable(path)): no store file here")
            throw ExitCode(Exit.noInput)
        }
        let lock = try StoreAccess.lock(path, noWait: lockOptions.noWait)
        StoreFile.removeStaleTemporaries(of: path)
        let timing = PhaseTimer()
        var existing = try StoreRecordsAccess.load(path, action: "forget")
        var chosen = Set<Int>()
        do {
            let records = existing.records
            for index in try recordsOf(paths: inputs, in: records) { chosen.insert(index) }
            for prefix in sha { chosen.insert(try Self.record(prefix: prefix, in: records, path: path)) }
            for name in donor { chosen.formUnion(try Self.records(donor: name, in: records, path: path)) }
        }
        timing.lap("choose inputs")

        let forgotten = chosen.sorted().map { InputRecords.hex(existing.records.sha256(at: $0)) }
        // The records kept wait in a spool (past its budget in a spill file beside the store), as
        // an import's do: the old records are not held while the store is built, and the kept ones
        // are written while it is built.
        let spool = RecordSpool(storePath: path, budget: RecordSpool.defaultBudget)
        for index in 0..<existing.records.count where !chosen.contains(index) {
            spool.add(sha256: existing.records.sha256(at: index), record: Array(existing.records.record(at: index)))
        }
        existing.records = InputRecords()
        let (store, _, interruption) = try StoreRecordsAccess.buildAndSave(spool: spool, to: path, timing: timing)
        var times = ImportLog.read(storePath: path)
        for hex in forgotten { times[hex] = nil }
        ImportLog.write(times, storePath: path)
        lock.unlock()
        timing.peakMemory()
        Console.out(
            "forgot \(forgotten.count) input\(forgotten.count == 1 ? "" : "s"): "
                + forgotten.map { String($0.prefix(16)) }.joined(separator: ", ")
                + "; store \(Console.printable(path)): \(grouped(store.inputs.count)) inputs, "
                + "\(grouped(store.accounts.count)) accounts, \(grouped(store.videos.count)) videos, "
                + "\(grouped(store.events.count)) events (\(grouped(existing.events - store.events.count)) removed)")
        KeptUntilExit.keep([store])
        if interruption != 0 {
            Console.error("whichtok: interrupted after the store was saved")
            throw ExitCode(128 + interruption)
        }
    }

    /// The records of the inputs the paths hold, read as `import` reads them.
    func recordsOf(paths: [String], in records: InputRecords) throws -> [Int] {
        guard !paths.isEmpty else { return [] }
        let found = Mutex<[[UInt8]]>([])
        let run = Importer().run(paths: paths, consume: { batch in found.withLock { $0.append(batch.sha256) } })
        for missing in run.missing {
            Console.error("whichtok: error: \(Console.printable(missing.input)): no such file or directory")
        }
        if !run.missing.isEmpty {
            Console.error("whichtok: nothing was forgotten")
            throw ExitCode(Exit.noInput)
        }
        var indices: [Int] = []
        var absent: [String] = []
        for sha in found.withLock({ $0 }) {
            if let index = records.index(of: sha) {
                indices.append(index)
            } else {
                absent.append(InputRecords.hex(sha))
            }
        }
        guard indices.count > 0, absent.isEmpty else {
            let list = paths.map(Console.printable).joined(separator: ", ")
            Console.error(
                indices.isEmpty && absent.isEmpty
                    ? "whichtok: error: \(list) holds no input that can be imported"
                    : "whichtok: error: \(list) holds inputs the store does not have (SHA-256 "
                        + absent.map { String($0.prefix(16)) }.joined(separator: ", ") + ")")
            Console.error("whichtok: nothing was forgotten")
            throw ExitCode(Exit.dataError)
        }
        return indices
    }

    /// The record whose SHA-256 starts with `prefix`: exactly one, else exit 65 (none) or 64 (several).
    static func record(prefix: String, in records: InputRecords, path: String) throws -> Int {
        let lower = prefix.lowercased()
        let matches = (0..<records.count).filter { InputRecords.hex(records.sha256(at: $0)).hasPrefix(lower) }
        if matches.count == 1 { return matches[0] }
        if matches.isEmpty {
            Console.error(
                "whichtok: error: no input of \(Console.printable(path)) has a SHA-256 starting with \(lower)")
            Console.error("whichtok: nothing was forgotten")
            throw ExitCode(Exit.dataError)
        }
        Console.error("whichtok: error: --sha \(lower) fits \(matches.count) inputs; give more digits:")
        for index in matches {
            Console.error("  " + InputRecords.hex(records.sha256(at: index)))
        }
        Console.error("whichtok: nothing was forgotten")
        throw ExitCode(Exit.usage)
    }

    /// The records whose owner goes or went by `name` (`@` and case ignored; `donor-<hex>` for an
    /// anonymous donor); at least one, else exit 65.
    static func records(donor name: String, in records: InputRecords, path: String) throws -> [Int] {
        var wanted = Substring(name.lowercased())
        while wanted.first == "@" { wanted = wanted.dropFirst() }
        var matches: [Int] = []
        for index in 0..<records.count {
            let record: Store
            do {
                record = try records.decoded(at: index, path: path).accountsStore
            } catch {
                Console.error("whichtok: error: \(Console.printable(error.description))")
                throw ExitCode(Exit.failure)
            }
            if record.donorNames.contains(where: { $0.lowercased() == wanted }) { matches.append(index) }
        }
        guard !matches.isEmpty else {
            Console.error(
                "whichtok: error: no input of \(Console.printable(path)) is owned by \(Console.printable(name))")
            Console.error("whichtok: nothing was forgotten")
            throw ExitCode(Exit.dataError)
        }
        return matches
    }
}
