internal import CFiles

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Snapshot {
    /// A snapshot written one column after another into a temporary file beside the store file,
    /// which `finish` completes (section table, header, `fsync`) and renames over it. Columns are
    /// laid out as they come (header and section table first, each column at the next 8-byte
    /// boundary), so the first ones can be written before the last ones exist. Small pieces are
    /// gathered into writes of `stagingSize` bytes: a write of a few kilobytes costs the kernel
    /// several times a large one's work per byte.
    ///
    /// The temporary file is `TARGET.tmp-PID`; an *anonymous* one (Linux, where the file system
    /// allows it) has no name until `finish` gives it that one, so a process killed before then
    /// leaves nothing behind. Not finished, the file is removed when the writer goes.
    final class Writer: @unchecked Sendable {
        let path: String
        let target: String
        let temporary: String
        /// The file has no name yet (see `finish`).
        let anonymous: Bool
        private var fd: Int32
        private let columnCount: Int
        private var table: [UInt8]
        private var written = 0
        /// Where the next byte goes: the end of the bytes handed to the file or the staging buffer.
        private var position: Int
        private let staging: UnsafeMutableRawPointer
        private var staged = 0
        /// The file has a name (`temporary`) that must go if the save does not end in the rename.
        private var named: Bool
        /// Where the bytes not yet handed to the disk's writeback start (see `write`).
        private var writebackStart = 0
        /// Columns reserved and not filled yet (`reserve`), by their place in the section table:
        /// where their bytes go, and how many.
        private var reserved: [Int: (start: Int, length: Int)] = [:]
        static let stagingSize = 1 << 20
        /// Bytes written between two starts of writeback.
        static let writebackStep = 8 << 20

        /// Opens the temporary file for a snapshot of `columnCount` columns at `path`; `anonymous`:
        /// one without a name until `finish` (fails where the system has none).
        init(path: String, columnCount: Int, anonymous: Bool) throws(StoreError) {
            let target = StoreFile.target(of: path)
            var existing = stat()
            if lstat(target, &existing) == 0, (existing.st_mode & S_IFMT) != S_IFREG {
                throw ioError(path, "\(describeType(existing.st_mode)), not a store file; nothing was written")
            }
            let temporary = StoreFile.temporaryPath(of: target, pid: getpid())
            var fd: Int32
            if anonymous {
                let directory = StoreFile.split(target).directory
                fd = whichtok_open_anonymous(directory.isEmpty ? "." : directory, 0o644)
                guard fd >= 0 else { throw ioError(path, "cannot create an unnamed file beside \(target)") }
            } else {
                // O_EXCL | O_NOFOLLOW: never write through a link or into a file someone else put at
                // this name. A leftover of an earlier process with the same id is removed first.
                fd = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0o644)
                if fd < 0 && errno == EEXIST && unlink(temporary) == 0 {
                    fd = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0o644)
                }
                guard fd >= 0 else { throw ioError(path, "cannot create \(temporary): \(errnoText())") }
            }
            self.path = path
            self.target = target
            self.temporary = temporary
            self.anonymous = anonymous
            self.named = !anonymous
            self.fd = fd
            self.columnCount = columnCount
            table = [UInt8](repeating: 0, count: columnCount * entrySize)
            position = align8(headerSize + table.count)
            staging = UnsafeMutableRawPointer.allocate(byteCount: Self.stagingSize, alignment: 16)
        }

        deinit {
            staging.deallocate()
            abandon()
        }

        /// Closes and removes the temporary file (a save that will not end in the rename).
        private func abandon() {
            if fd >= 0 { close(fd) }
            fd = -1
            if named { unlink(temporary) }
            named = false
        }

        /// Writes the next column, hashing it as it goes.
        func write(_ column: Column) throws(StoreError) {
            try write(column.name, elementSize: column.elementSize, length: column.elementSize * column.count) {
                try column.withBytes($0)
            }
        }

        /// Writes the next column, whose bytes `pieces` gives in order, however many there are (a
        /// whole number of `elementSize`-byte elements).
        func write(
            _ name: String, elementSize: Int, pieces: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void
        ) throws(StoreError) {
            try write(name, elementSize: elementSize, length: nil, pieces)
        }

        /// Writes the next column: `length` bytes (when known beforehand) that `pieces` gives in
        /// order, hashed as they go.
        private func write(
            _ name: String, elementSize: Int, length: Int?,
            _ pieces: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void
        ) throws(StoreError) {
            guard written < columnCount else { throw ioError(path, "more columns than the section table holds") }
            try pad(to: align8(position))
            let start = position
            var hasher = XXH64.Hasher()
            var given = 0
            do {
                try pieces { bytes in
                    given += bytes.count
                    if let length, given > length { return }
                    hasher.update(bytes)
                    try self.put(bytes)
                }
            } catch {
                throw asStoreError(error, path)
            }
            guard given == length ?? given, elementSize > 0, given % elementSize == 0 else {
                throw ioError(path, "the column \(name) changed while it was written; nothing was written")
            }
            entry(name, elementSize: elementSize, count: given / elementSize, start: start, checksum: hasher.finalize())
            // Each `writebackStep` bytes go to the disk while the next ones are written, so that
            // the `fsync` of `finish` waits only for the last ones. The range ends at a MiB
            // boundary: a page under writeback would hold up the write that fills the rest of it.
            let end = position / Self.stagingSize * Self.stagingSize
            if end - writebackStart >= Self.writebackStep {
                try flush()
                whichtok_start_writeback(fd, Int64(writebackStart), Int64(end - writebackStart))
                writebackStart = end
            }
        }

        /// Reserves the next column's place, `count` elements of `elementSize` bytes, for bytes
        /// known only once later columns are written; `fill` writes them. Returns the column's
        /// place in the section table.
        func reserve(_ name: String, elementSize: Int, count: Int) throws(StoreError) -> Int {
            guard written < columnCount else { throw ioError(path, "more columns than the section table holds") }
            let (length, overflow) = elementSize.multipliedReportingOverflow(by: count)
            guard !overflow, elementSize > 0, count >= 0 else { throw ioError(path, "the column \(name) is too large") }
            try pad(to: align8(position))
            // Later bytes go after the gap: none of them may wait in the staging buffer before it.
            try flush()
            let start = position
            position += length
            reserved[written] = (start, length)
            entry(name, elementSize: elementSize, count: count, start: start, checksum: 0)
            return written - 1
        }

        /// Writes the bytes of the column `reserve` made room for (as many as it reserved).
        func fill(_ column: Int, with bytes: UnsafeRawBufferPointer) throws(StoreError) {
            guard let (start, length) = reserved[column], bytes.count == length else {
                throw ioError(path, "a reserved column was filled twice or with the wrong length; nothing was written")
            }
            reserved[column] = nil
            try writeAll(fd, bytes, at: start, path: temporary)
            store(XXH64.hash(bytes), into: &table, at: column * entrySize + 56)
        }

        /// Enters the column written or reserved last in the section table.
        private func entry(_ name: String, elementSize: Int, count: Int, start: Int, checksum: UInt64) {
            let entry = written * entrySize
            let nameBytes = Array(name.utf8.prefix(32))
            for (i, byte) in nameBytes.enumerated() { table[entry + i] = byte }
            store(UInt32(elementSize), into: &table, at: entry + 32)
            store(UInt64(count), into: &table, at: entry + 40)
            store(UInt64(start), into: &table, at: entry + 48)
            store(checksum, into: &table, at: entry + 56)
            written += 1
        }

        /// Asks the system to start writing what was written so far to the disk, so that the
        /// `fsync` of `finish` has less left to wait for (Linux; elsewhere nothing).
        func startWriteback() throws(StoreError) {
            try flush()
            whichtok_start_writeback(fd, Int64(writebackStart), Int64(position - writebackStart))
            writebackStart = position
        }

        /// Completes the file once every column is written (the section table and header),
        /// `fsync`s it, and renames it over the store file; `shouldStop` is asked before the
        /// rename, as in `Snapshot.write`. On any failure the temporary file is removed.
        func finish(version: UInt32 = formatVersion, shouldStop: () -> Bool) throws(StoreError) {
            do {
                try complete(version: version, shouldStop: shouldStop)
            } catch {
                abandon()
                throw error
            }
            syncDirectory(of: target)
        }

        private func complete(version: UInt32, shouldStop: () -> Bool) throws(StoreError) {
            guard written == columnCount, reserved.isEmpty else {
                throw ioError(path, "a column was not written; nothing was written")
            }
            // Pad the end so the file length is what the header says.
            try pad(to: align8(position))
            try flush()
            let fileLength = position
            var header = [UInt8](repeating: 0, count: headerSize)
            for (i, byte) in magic.enumerated() { header[i] = byte }
            store(version, into: &header, at: 8)
            store(UInt32(columnCount), into: &header, at: 12)
            store(UInt64(headerSize), into: &header, at: 16)
            store(UInt64(fileLength), into: &header, at: 24)
            store(table.withUnsafeBytes { XXH64.hash($0) }, into: &header, at: 32)
            store(
                header.withUnsafeBytes { XXH64.hash(UnsafeRawBufferPointer(rebasing: $0[0..<56])) }, into: &header,
                at: 56)
            do {
                try table.withUnsafeBytes { try writeAll(fd, $0, at: headerSize, path: temporary) }
                try header.withUnsafeBytes { try writeAll(fd, $0, at: 0, path: temporary) }
            } catch {
                throw asStoreError(error, path)
            }
            guard fsync(fd) == 0 else { throw ioError(path, "cannot flush \(temporary): \(errnoText())") }
            if anonymous {
                if shouldStop() { throw interrupted(path) }
                // The name it would have had: a leftover of an earlier process with this id goes first.
                var linked = whichtok_link_anonymous(fd, temporary)
                if linked != 0 && errno == EEXIST && unlink(temporary) == 0 {
                    linked = whichtok_link_anonymous(fd, temporary)
                }
                guard linked == 0 else { throw ioError(path, "cannot create \(temporary): \(errnoText())") }
                named = true
            }
            let descriptor = fd
            fd = -1
            guard close(descriptor) == 0 else { throw ioError(path, "cannot close \(temporary): \(errnoText())") }
            if shouldStop() { throw interrupted(path) }
            guard rename(temporary, target) == 0 else {
                throw ioError(path, "cannot rename \(temporary) to \(target): \(errnoText())")
            }
            named = false
        }

        /// Zero bytes up to `offset` (the padding after a column).
        private func pad(to offset: Int) throws(StoreError) {
            let zeros = offset - position
            guard zeros > 0 else { return }
            if staged + zeros > Self.stagingSize { try flush() }
            (staging + staged).initializeMemory(as: UInt8.self, repeating: 0, count: zeros)
            staged += zeros
            position += zeros
        }

        /// Appends `bytes` at `position`: through the staging buffer, or straight to the file when
        /// they fill it.
        private func put(_ bytes: UnsafeRawBufferPointer) throws(StoreError) {
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
            if bytes.count >= Self.stagingSize {
                try flush()
                try writeAll(fd, bytes, at: position, path: temporary)
                position += bytes.count
                return
            }
            var done = 0
            while done < bytes.count {
                let taken = min(Self.stagingSize - staged, bytes.count - done)
                (staging + staged).copyMemory(from: base + done, byteCount: taken)
                staged += taken
                done += taken
                position += taken
                if staged == Self.stagingSize { try flush() }
            }
        }

        /// Writes the staging buffer to the file.
        private func flush() throws(StoreError) {
            guard staged > 0 else { return }
            try writeAll(
                fd, UnsafeRawBufferPointer(start: staging, count: staged), at: position - staged, path: temporary)
            staged = 0
        }
    }
}
