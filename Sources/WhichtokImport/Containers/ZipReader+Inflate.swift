internal import CDeflate
import WhichtokSupport

extension InputReader {
    /// Inputs from this size on are hashed on a thread of their own while their entries are read.
    static let backgroundDigestThreshold = 1 << 20

    /// Calls `read` with every byte of `source`: its memory, the whole file read (a small one) or
    /// mapped. Nil when the file can be neither read whole nor mapped (`read` is not called).
    /// A file found shorter than it was is refused with `shrankMessage`.
    func withWholeBytes<T>(
        of source: ByteSource, displayName: String, _ read: (UnsafeRawBufferPointer) throws -> T
    ) throws -> T? {
        var mapping: PaddedBytes?
        var copy: PaddedBytes?
        let whole: UnsafeRawBufferPointer
        if let bytes = source.memoryBytes {
            whole = bytes
        } else if source.size < Self.mapThreshold {
            // A small file is read: cheaper than a mapping.
            guard let read = source.readWhole() else { return nil }
            guard read.count == source.size else {
                throw InputError(kind: .rejected, input: Names.display(displayName), message: Self.shrankMessage)
            }
            copy = read
            // Stays valid while `copy` lives and is not changed.
            whole = read.withUnsafeBytes { $0 }
        } else {
            guard let mapped = source.mapWhole() else { return nil }
            mapping = mapped
            // Stays valid while `mapping` lives: a mapping never moves.
            whole = mapped.withUnsafeBytes { $0 }
        }
        return try withExtendedLifetime((mapping, copy)) {
            try rejectingIfShrunk(
                mapping, as: InputError(kind: .rejected, input: Names.display(displayName), message: Self.shrankMessage)
            ) {
                try read(whole)
            }
        }
    }

    /// Reads `whole`, an input held whole in memory (`withWholeBytes`: a file is read whole under
    /// `InputReader.mapThreshold`, mapped from it on), as a zip, with the entries
    /// inflated by libdeflate straight into the entry buffer, when `ZipDirectory` takes it; nil,
    /// with nothing counted, for libarchive to read it instead (from the copy, when it was read whole).
    ///
    /// Enforces what the libarchive path does, with the same messages: the entry limit, the
    /// compression ratio (counted before an entry is inflated, from its stated size), the memory
    /// budget (the buffer is grown to the stated size before inflating, and never past it: a stream
    /// that inflates to more is refused), the parse work space, archives found inside. Adds what
    /// libarchive only warns about: the inflated size and CRC-32 must be those the central
    /// directory states. A mapped file that another program shortens meanwhile is rejected
    /// (`rejectingIfShrunk`), never left to libarchive.
    func readZip(
        _ whole: UnsafeRawBufferPointer, displayName: String, memory: EntryMemory, expansion: ExpansionTally,
        nested isNested: Bool, _ body: (String, PaddedBytes) throws -> Void
    ) throws -> InputDigest? {
        guard ZipDirectory.looksLikeZip(whole) else { return nil }
        let shownInput = Names.display(displayName)
        let entries: [ZipDirectory.Entry]
        switch ZipDirectory.read(whole) {
        case .unsupported:
            return nil
        case .rejected(let message, let entry, let offset):
            throw InputError(
                kind: .rejected, input: shownInput, entry: entry.map(Names.display), position: "offset \(offset)",
                message: message)
        case .entries(let list):
            entries = list
        }
        let (sha256, read) = try digesting(whole) {
            try inflateEntries(
                entries, of: whole, displayName: displayName, memory: memory, expansion: expansion,
                nested: isNested, body)
        }
        return InputDigest(sha256: sha256, bytesRead: read.delivered, nested: read.nested)
    }

    /// Runs `read` while the SHA-256 of `whole` is computed, on a thread of its own from
    /// `backgroundDigestThreshold` bytes on; returns both.
    func digesting<T>(_ whole: UnsafeRawBufferPointer, _ read: () throws -> T) throws -> (sha256: [UInt8], result: T) {
        let digest =
            whole.count >= Self.backgroundDigestThreshold
            ? SHA256().finishingInBackground(SendableBytes(raw: whole)) : nil
        // The job reads the bytes: wait for it before they can go, even when reading throws.
        let result: T
        do {
            result = try read()
        } catch {
            _ = digest?.join()
            throw error
        }
        if let digest { return (digest.join(), result) }
        var hasher = SHA256()
        hasher.update(whole)
        return (hasher.finalize(), result)
    }

    private func inflateEntries(
        _ entries: [ZipDirectory.Entry], of whole: UnsafeRawBufferPointer, displayName: String, memory: EntryMemory,
        expansion: ExpansionTally, nested isNested: Bool, _ body: (String, PaddedBytes) throws -> Void
    ) throws -> (delivered: Int, nested: [InputSource]) {
        let shownInput = Names.display(displayName)
        func reject(_ message: String, entry: String? = nil, position: String? = nil) -> InputError {
            InputError(
                kind: .rejected, input: shownInput, entry: entry.map(Names.display), position: position,
                message: message)
        }
        guard let inflater = libdeflate_alloc_decompressor() else { throw reject("out of memory") }
        defer { libdeflate_free_decompressor(inflater) }

        let buffer = memory.buffer
        let ratioMessage = expansion.allowance.message(nested: isNested)
        var delivered = 0
        var nested: [InputSource] = []
        for entry in entries {
            let name = entry.name
            let position = "offset \(entry.headerOffset)"
            if entry.isDirectory || Names.isPlatformJunk(name) {
                // As on the libarchive path: what a skipped entry declares counts.
                if !expansion.add(Int64(clamping: entry.uncompressedSize)) {
                    throw reject(ratioMessage, entry: name, position: position)
                }
                continue
            }
            guard entry.uncompressedSize <= UInt64(max(limits.maxEntryBytes, 0)) else {
                throw reject(entryTooLarge, entry: name, position: position)
            }
            let stated = Int(entry.uncompressedSize)
            // The buffer holds the stated size and one byte more, never past that.
            let ceiling = stated == Int.max ? Int.max : stated + 1
            func makeRoom(_ minimum: Int) throws {
                try memory.grow(
                    toHold: minimum, ceiling: ceiling,
                    refused: { reject(tooLargeForMemory, entry: name, position: position) })
            }
            buffer.removeAll()
            // Room first for what the ratio would let the entry grow to (the libarchive path's
            // order: a budget too small for that is the memory's refusal), then the ratio itself.
            try makeRoom(Int(min(Int64(stated), expansion.remaining)) + 1)
            if !expansion.add(Int64(stated)) {
                throw reject(ratioMessage, entry: name, position: position)
            }
            try makeRoom(ceiling)

            let compressed = UnsafeRawBufferPointer(rebasing: whole[entry.dataOffset..<entry.dataEnd])
            var failure: String?
            buffer.appendInPlace(minimum: stated, ceiling: ceiling) { free in
                let out = UnsafeMutableRawBufferPointer(rebasing: free.prefix(stated))
                if entry.method == 0 {
                    guard compressed.count == stated else {
                        failure =
                            "corrupt archive: the stored entry's sizes disagree (\(compressed.count) bytes stored, \(stated) stated)"
                        return 0
                    }
                    if stated > 0 { out.copyMemory(from: compressed) }
                    return stated
                }
                var produced = 0
                let status = libdeflate_deflate_decompress(
                    inflater, compressed.baseAddress, compressed.count, out.baseAddress, stated, &produced)
                switch status {
                case LIBDEFLATE_SUCCESS:
                    if produced != stated {
                        failure =
                            "corrupt archive: entry smaller than its header states (\(produced) bytes, \(stated) stated)"
                        return 0
                    }
                    return produced
                case LIBDEFLATE_INSUFFICIENT_SPACE:
                    failure = "entry larger than its header states (\(stated) bytes): corrupt, or a zip bomb"
                default:
                    failure = "corrupt or truncated archive: the entry's deflate data is damaged"
                }
                return 0
            }
            if let failure { throw reject(failure, entry: name, position: position) }
            let crc = buffer.withUnsafeBytes { UInt32(libdeflate_crc32(0, $0.baseAddress, $0.count)) }
            guard crc == entry.crc32 else {
                throw reject(
                    "corrupt archive: CRC-32 mismatch (the entry's data is damaged)", entry: name, position: position)
            }

            try handOn(
                name, asArchive: Names.isArchive(name), memory: memory, displayName: displayName,
                expansion: expansion, nested: &nested, delivered: &delivered,
                refused: { reject(tooLargeForMemory, entry: name, position: position) }, body)
        }
        return (delivered, nested)
    }
}
