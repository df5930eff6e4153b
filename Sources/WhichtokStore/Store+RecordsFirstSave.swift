extension Store {
    /// A save of a store with the records in a spool that starts before the store is built: the
    /// records are the first columns of the file, so `writeRecords()` can write them (on a thread
    /// of its own) while the store is being built, and `finish` then writes only the tables. The
    /// same file as `save(to:spool:)`. Until `finish` renames it, the file has no name (see
    /// `Snapshot.Writer`): a process killed while it builds leaves nothing behind.
    public final class RecordsFirstSave: @unchecked Sendable {
        private let writer: Snapshot.Writer
        private let spool: RecordSpool
        private var keys: [[UInt8]] = []
        private var failure: StoreError?

        /// Nil where the system cannot make an unnamed file, or when the file cannot be made at
        /// all (`save(to:spool:)` after the build then saves, or says why it cannot).
        public init?(path: String, spool: RecordSpool) {
            let columns = InputRecords.columnNames.count + Store().snapshotColumns.count
            guard let writer = try? Snapshot.Writer(path: path, columnCount: columns, anonymous: true) else {
                return nil
            }
            self.writer = writer
            self.spool = spool
        }

        /// Writes the records (the spool must not change from here on), encoding those not encoded
        /// yet, and asks the system to start writing them to the disk. A failure is thrown by
        /// `finish`.
        public func writeRecords() {
            do throws(StoreError) {
                keys = try spool.write(to: writer)
                try writer.startWriteback()
            } catch {
                failure = error
            }
        }

        /// Writes the tables of `store` after the records, and renames the file over the store
        /// file, as `save(to:spool:shouldStop:)` does. Returns the records' SHA-256s, ascending.
        /// Call once `writeRecords()` has returned.
        public func finish(_ store: Store, shouldStop: () -> Bool = { false }) throws(StoreError) -> [[UInt8]] {
            if let failure { throw failure }
            for column in store.snapshotColumns {
                if shouldStop() { throw Snapshot.interrupted(writer.path) }
                try writer.write(column)
            }
            try writer.finish(shouldStop: shouldStop)
            return keys
        }
    }
}
