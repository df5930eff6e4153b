/// Reads the entries of one input (an archive, a plain file, or a group of loose files) with the
/// limits of `ImportLimits` enforced while reading.
public struct InputReader {
    public var limits: ImportLimits

    public init(limits: ImportLimits = ImportLimits()) {
        self.limits = limits
    }

    /// Calls `body` for each regular-file entry in archive order, with its path inside the input
    /// (for a plain or .gz file: its base name without `.gz`; for `.files`: the path relative to the
    /// root) and its complete bytes in a reused buffer that is valid only during the call. Directory
    /// entries, symlinks, hard links, `__MACOSX/` and `._*` AppleDouble entries are skipped; archives
    /// inside the input are returned in `InputDigest.nested` instead of being passed to `body`.
    ///
    /// Throws `InputError` (`.rejected`, or `.notFound` for a missing file) for bad input; errors
    /// thrown by `body` propagate unchanged.
    public func forEachEntry(
        of source: InputSource,
        _ body: (_ entryPath: String, _ bytes: PaddedBytes) throws -> Void
    ) throws -> InputDigest {
        let buffer = PaddedBytes()
        switch source.location {
        case .file(let path):
            let bytes: ByteSource
            do {
                bytes = try ByteSource(path: path)
            } catch {
                throw InputError(
                    kind: error.isNotFound ? .notFound : .rejected,
                    input: Names.display(source.displayName), message: "cannot open: " + error.message)
            }
            return try readContainer(
                bytes, displayName: source.displayName, fileName: Names.baseName(path), buffer: buffer, body)

        case .memory(let data):
            return try data.withUnsafeBytes { raw in
                // The source points into `data`, which outlives it: it is local to this closure.
                let bytes = ByteSource(memory: raw)
                // "outer.zip!dir/inner.json.gz" → "inner.json.gz".
                let innermost = source.displayName.split(separator: "!", omittingEmptySubsequences: false).last
                let fileName = Names.baseName(innermost.map(String.init) ?? source.displayName)
                return try readContainer(
                    bytes, displayName: source.displayName, fileName: fileName, buffer: buffer, body)
            }

        case .files(let root, let paths):
            return try readLooseFiles(root: root, paths: paths, displayName: source.displayName, buffer: buffer, body)
        }
    }

    // MARK: Archives and single files

    private func readContainer(
        _ source: ByteSource, displayName: String, fileName: String, buffer: PaddedBytes,
        _ body: (String, PaddedBytes) throws -> Void
    ) throws -> InputDigest {
        let shownInput = Names.display(displayName)
        func reject(_ message: String, entry: String? = nil, position: String? = nil) -> InputError {
            InputError(
                kind: .rejected, input: shownInput, entry: entry.map(Names.display), position: position,
                message: message)
        }

        guard source.size > 0 else { throw reject("empty input") }

        // The whole input as one (possibly compressed) plain file.
        func openPlain() throws(InputError) -> ArchiveReadHandle {
            source.rewind()
            guard let plain = ArchiveReadHandle(source: source, mode: .plain) else { throw reject("out of memory") }
            switch plain.open() {
            case .opened: break
            case .failed(let message): throw reject("cannot read: " + message)
            case .unrecognized: throw reject("cannot read: " + plain.errorMessage)
            }
            if !plain.isCompressed, let suffix = Names.compressionSuffix(fileName) {
                throw reject(
                    "not \(suffix.dropFirst()) data: the content is not compressed (corrupt, or not what its name says)"
                )
            }
            return plain
        }

        // First as a real archive; only when no archive format matches, as one plain file.
        guard let detecting = ArchiveReadHandle(source: source, mode: .archive) else { throw reject("out of memory") }
        var archive = detecting
        var isPlain = false
        switch detecting.open() {
        case .opened:
            break
        case .failed(let message):
            throw reject("cannot read: " + message)
        case .unrecognized:
            if Names.claimsContainer(fileName) {
                throw reject(
                    "not a readable archive: the content matches no supported archive format (corrupt, or not what its name says)"
                )
            }
            archive = try openPlain()
            isPlain = true
            if !archive.isCompressed, source.size >= Self.mapThreshold, let mapped = source.mapWhole() {
                return try deliverMapped(mapped, from: source, fileName: fileName, reject: reject, body)
            }
        }

        let budget = RatioBudget(inputBytes: source.size, ratio: limits.maxCompressionRatio)
        var delivered = 0
        var nested: [InputSource] = []
        var index = 0
        var budgetUsed: Int64 = 0

        while true {
            let header: EntryHeader
            switch archive.nextHeader() {
            case .end:
                if index == 0 && !isPlain && !Names.claimsContainer(fileName) {
                    // An "archive" without a single header is what tar makes of text or data that
                    // starts with a zero block: unless the name promised an archive, read it as
                    // the plain file it more likely is.
                    archive = try openPlain()
                    isPlain = true
                    continue
                }
                // libarchive ends quietly when an archive stops right between two entries.
                if !isPlain && !archive.isCompressed && index > 0 {
                    switch archive.formatFamily {
                    case .zip where !source.endsWithZipDirectory():
                        throw reject(
                            "corrupt or truncated archive: the zip's central directory is missing or cut short")
                    case .tar where !source.endsWithZeros(1024):
                        throw reject("corrupt or truncated archive: the tar's end-of-archive marker is missing")
                    default:
                        break
                    }
                }
                guard let digest = source.finishDigest() else {
                    throw reject(archive.errorMessage)
                }
                return InputDigest(sha256: digest, bytesRead: delivered, nested: nested)
            case .failed(let message):
                throw reject(
                    "corrupt or truncated archive: " + message,
                    position: archive.headerPosition >= 0
                        ? "entry \(index + 1), offset \(archive.headerPosition)" : "entry \(index + 1)")
            case .entry(let h):
                header = h
            }
            index += 1
            let name =
                isPlain
                ? Names.plainEntryName(fileName: fileName, compressed: archive.isCompressed)
                : (header.path ?? "entry-\(index - 1)")
            let position = archive.headerPosition >= 0 ? "offset \(archive.headerPosition)" : nil

            if header.kind != .regular || header.isHardlink || Names.isPlatformJunk(name) {
                // Skipping may still decompress the entry (tar.gz): count what it declares.
                budgetUsed += max(header.size ?? 0, 0)
                if budgetUsed > budget.limit {
                    throw reject(budget.message, entry: name, position: position)
                }
                continue
            }
            if header.isEncrypted {
                throw reject(
                    "entry is encrypted (password-protected archives are not supported)", entry: name,
                    position: position)
            }
            if let declared = header.size, declared > Int64(limits.maxEntryBytes) {
                throw reject(entryTooLarge, entry: name, position: position)
            }

            buffer.removeAll()
            if let declared = header.size, declared > 0 {
                // Trust the declared size only as far as the limits would let the entry grow.
                let room = min(declared, Int64(limits.maxEntryBytes), max(budget.limit - budgetUsed, 0))
                buffer.reserve(Int(min(room, 1 << 30)))
            } else if isPlain, !archive.isCompressed {
                // An uncompressed plain file (a large HAR) is as long as the input: one allocation
                // instead of doubling (and copying) its way up.
                buffer.reserve(Int(min(source.size, Int64(limits.maxEntryBytes)) + 1))
            }
            while true {
                let entryRoom = Int64(limits.maxEntryBytes) - Int64(buffer.count)
                let budgetRoom = budget.limit - budgetUsed
                // One byte more than allowed, so that crossing a limit is seen.
                let want = Int(max(min(entryRoom, budgetRoom), 0) + 1)
                var got = 0
                buffer.appendInPlace(minimum: Int(min(Int64(want), 256 << 10))) { free in
                    got = archive.readData(into: UnsafeMutableRawBufferPointer(rebasing: free.prefix(want)))
                    return max(got, 0)
                }
                if got < 0 {
                    throw reject(
                        "corrupt or truncated archive: " + archive.errorMessage, entry: name, position: position)
                }
                if got == 0 { break }
                budgetUsed += Int64(got)
                if buffer.count > limits.maxEntryBytes {
                    throw reject(entryTooLarge, entry: name, position: position)
                }
                if budgetUsed > budget.limit {
                    throw reject(budget.message, entry: name, position: position)
                }
            }

            if !isPlain && Names.isArchive(name) {
                nested.append(InputSource(displayName: displayName + "!" + name, location: .memory(buffer.array)))
            } else {
                delivered += buffer.count
                try body(name, buffer)
            }
        }
    }

    /// Uncompressed plain files from this size on are mapped instead of read (a large HAR).
    static let mapThreshold: Int64 = 1 << 20

    /// An uncompressed plain file, mapped: its one entry is the mapping itself, parsed while
    /// another thread hashes it.
    private func deliverMapped(
        _ mapped: PaddedBytes, from source: ByteSource, fileName: String,
        reject: (String, String?, String?) -> InputError,
        _ body: (String, PaddedBytes) throws -> Void
    ) throws -> InputDigest {
        let name = Names.plainEntryName(fileName: fileName, compressed: false)
        guard mapped.count <= limits.maxEntryBytes else { throw reject(entryTooLarge, name, nil) }
        let digest = source.digestInBackground(mapped)
        // The job reads the mapping: wait for it before `mapped` can go, even when `body` throws.
        let sha256: [UInt8]
        do {
            try body(name, mapped)
            sha256 = digest.join()
        } catch {
            _ = digest.join()
            throw error
        }
        return InputDigest(sha256: sha256, bytesRead: mapped.count, nested: [])
    }

    private var entryTooLarge: String {
        "entry larger than --max-entry-bytes (\(limits.maxEntryBytes) bytes)"
    }

    /// Decompressed output allowed for one input: ratio × input size + 1 MiB.
    private struct RatioBudget {
        let limit: Int64
        let message: String

        init(inputBytes: Int64, ratio: Int) {
            let (product, overflow) = inputBytes.multipliedReportingOverflow(by: Int64(max(ratio, 1)))
            let (sum, overflow2) = product.addingReportingOverflow(1 << 20)
            limit = overflow || overflow2 ? Int64.max - 1 : sum
            message = "compression ratio beyond \(ratio):1: not a real export (zip bomb?)"
        }
    }

    // MARK: Loose files

    private func readLooseFiles(
        root: String, paths: [String], displayName: String, buffer: PaddedBytes,
        _ body: (String, PaddedBytes) throws -> Void
    ) throws -> InputDigest {
        let shownInput = Names.display(displayName)
        guard !paths.isEmpty else {
            throw InputError(kind: .rejected, input: shownInput, message: "empty input")
        }
        var hasher = SHA256()
        var delivered = 0
        let base = root.hasSuffix("/") ? root : root + "/"
        for relative in paths.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let shownEntry = Names.display(relative)
            func failure(_ error: SourceOpenError, prefix: String) -> InputError {
                InputError(
                    kind: error.isNotFound ? .notFound : .rejected,
                    input: shownInput, entry: shownEntry, message: prefix + error.message)
            }
            let file: PlainFileHandle
            do {
                file = try PlainFileHandle(path: base + relative)
            } catch {
                throw failure(error, prefix: "cannot open: ")
            }
            buffer.removeAll()
            while true {
                let entryRoom = limits.maxEntryBytes - buffer.count
                let want = max(entryRoom, 0) + 1
                var got = 0
                var readError: SourceOpenError?
                buffer.appendInPlace(minimum: min(want, 256 << 10)) { free in
                    do throws(SourceOpenError) {
                        got = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: free.prefix(want)))
                    } catch {
                        readError = error
                    }
                    return got
                }
                if let readError { throw failure(readError, prefix: "") }
                if got == 0 { break }
                if buffer.count > limits.maxEntryBytes {
                    throw InputError(kind: .rejected, input: shownInput, entry: shownEntry, message: entryTooLarge)
                }
            }
            hasher.update(relative.utf8)
            hasher.update([0])
            let length = UInt64(buffer.count)
            hasher.update((0..<8).map { UInt8(truncatingIfNeeded: length >> (56 - 8 * UInt64($0))) })
            buffer.withUnsafeBytes { hasher.update($0) }
            delivered += buffer.count
            try body(relative, buffer)
        }
        return InputDigest(sha256: hasher.finalize(), bytesRead: delivered, nested: [])
    }
}
