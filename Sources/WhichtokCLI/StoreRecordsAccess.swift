import ArgumentParser
import WhichtokStore
import WhichtokSupport

/// Reading and writing a store through its input records, for the commands that change a store
/// (`import`, `merge`, `forget`): the store is rebuilt from the records it keeps, so every one of
/// them gathers the records in a `RecordSpool` and ends in `buildAndSave(spool:to:timing:)`.
enum StoreRecordsAccess {
    /// The records of the store at `path` (none for a store not made yet), or exit 1 with a message
    /// when it cannot be read or keeps no records (made before format 3, or saved without them).
    static func load(_ path: String, action: String) throws -> (records: InputRecords, inputs: Int, events: Int) {
        do {
            let store = try Store.loadOrEmpty(from: path)
            guard let records = try Store.loadRecords(from: path) else {
                Console.error(
                    "whichtok: error: \(Console.printable(path)) was made by an older whichtok and keeps no "
                        + "input records, which \(action) needs; import its inputs again into a new store")
                throw ExitCode(Exit.failure)
            }
            guard records.count == store.inputs.count else {
                Console.error(
                    "whichtok: error: \(Console.printable(path)) keeps records of \(records.count) of its "
                        + "\(store.inputs.count) inputs, which \(action) needs; import its inputs again into a new store"
                )
                throw ExitCode(Exit.failure)
            }
            return (records, store.inputs.count, store.events.count)
        } catch let error as StoreError {
            Console.error("whichtok: error: \(Console.printable(error.description))")
            Console.error("whichtok: the store file was left as it is; nothing was changed")
            throw ExitCode(Exit.failure)
        }
    }

    /// Builds the store of the records in `spool` and saves both at `path`, reading the records
    /// from the spool one at a time (from memory or its spill file) both while building and while
    /// saving, so they are never all in memory. Returns the store, the records' SHA-256s
    /// (ascending) and the signal caught after the rename (0 for none).
    ///
    /// The records are the first part of the file: they are written on a thread of their own
    /// while the store is built (`Store.RecordsFirstSave`), where the system allows it.
    static func buildAndSave(spool: RecordSpool, to path: String, timing: PhaseTimer) throws -> (
        Store, [[UInt8]], Int32
    ) {
        let early = Store.RecordsFirstSave(path: path, spool: spool)
        let writing = early.map { early in BackgroundJob { early.writeRecords() } }
        let store: Store
        do {
            store = try StoreAssembly.build(spool, path: path)
        } catch {
            writing?.join()
            Console.error("whichtok: error: \(Console.printable(error.description))")
            throw ExitCode(Exit.failure)
        }
        timing.lap("merge and deduplicate")
        timing.peakMemory()
        var keys: [[UInt8]] = []
        let signal = try save(to: path, timing: timing) { shouldStop in
            if let early, let writing {
                writing.join()
                keys = try early.finish(store, shouldStop: shouldStop)
            } else {
                keys = try store.save(to: path, spool: spool, shouldStop: shouldStop)
            }
        }
        return (store, keys, signal)
    }

    /// Runs `write` (a save at `path`) with SIGINT and SIGTERM caught; returns the signal caught
    /// after the rename (0 for none), or exits as an interrupted or failed save does.
    private static func save(to path: String, timing: PhaseTimer, _ write: (() -> Bool) throws -> Void) throws
        -> Int32
    {
        // The build's freed memory goes back to the system beside the save (see `releaseFreeMemory`).
        let release = BackgroundJob { StoreAssembly.releaseFreeMemory() }
        defer { release.join() }
        do {
            let signal = try SaveInterrupts.catching(write).signal
            timing.lap("save")
            return signal
        } catch {
            Console.error("whichtok: error: \(Console.printable(String(describing: error)))")
            if (error as? StoreError)?.code == .interrupted { throw ExitCode(128 + SaveInterrupts.lastSignal) }
            throw ExitCode(Exit.cannotCreate)
        }
    }
}
