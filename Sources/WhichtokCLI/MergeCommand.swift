import ArgumentParser
import WhichtokImport
import WhichtokStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `whichtok merge`: one store from several, exactly the store of all their inputs.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge stores into one: exactly the store that importing all their inputs would give.",
        discussion: """
            Each store keeps a record of every input it was built from; the output is built from the \
            records of all of them, an input in several stores counted once (by SHA-256). Shards \
            imported on several machines, in any grouping and order, merge to the same bytes as one \
            import of every input. The output is locked while it is written (as for import) and \
            replaced if it exists; it may not be one of the stores being merged. When each input was \
            first imported (OUT.imported) is the earliest time any of the stores has for it.
            Exit status: 0 ok; 1 when a store cannot be read or keeps no input records (made by an \
            older whichtok: import again); 64 when the output is one of the stores; 66 when a store \
            does not exist; 73 when the output cannot be written; 75 when it is locked and --no-wait \
            was given.
            """)

    @Option(name: .shortAndLong, help: ArgumentHelp("The store to write.", valueName: "out.store"))
    var output: String

    @OptionGroup var lockOptions: LockOptions

    @Argument(help: ArgumentHelp("The stores to merge.", valueName: "store"))
    var stores: [String]

    func validate() throws {
        guard !stores.isEmpty else { throw ValidationError("name at least one store to merge") }
    }

    func run() throws {
        try StoreAccess.refuseOverwriting(
            outputs: [("-o", output)], protected: stores.map { ("a store being merged", $0) })
        for store in stores where access(store, F_OK) != 0 {
            Console.error("whichtok: error: \(Console.printable(store)): no store file here")
            throw ExitCode(Exit.noInput)
        }
        let lock = try StoreAccess.lock(output, noWait: lockOptions.noWait)
        StoreFile.removeStaleTemporaries(of: output)
        let timing = PhaseTimer()
        var times: [String: Int64] = [:]
        let spool = RecordSpool(storePath: output, budget: RecordSpool.defaultBudget)
        for store in stores {
            spool.add(try StoreRecordsAccess.load(store, action: "merge").records)
            for (key, time) in ImportLog.read(storePath: store) { times[key] = min(times[key] ?? time, time) }
        }
        let (store, keys, interruption) = try StoreRecordsAccess.buildAndSave(spool: spool, to: output, timing: timing)
        var kept: [String: Int64] = [:]
        for sha256 in keys {
            let key = InputRecords.hex(sha256)
            if let time = times[key] { kept[key] = time }
        }
        ImportLog.write(kept, storePath: output)
        lock.unlock()
        timing.peakMemory()
        Console.out(
            "merged \(stores.count) store\(stores.count == 1 ? "" : "s") into \(Console.printable(output)): "
                + "\(grouped(store.inputs.count)) inputs, \(grouped(store.accounts.count)) accounts, "
                + "\(grouped(store.videos.count)) videos, \(grouped(store.events.count)) events")
        KeptUntilExit.keep([store])
        if interruption != 0 {
            Console.error("whichtok: interrupted after the store was saved")
            throw ExitCode(128 + interruption)
        }
    }
}
