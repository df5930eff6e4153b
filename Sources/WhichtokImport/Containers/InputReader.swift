/// Reads the entries of one input (an archive, a plain file, or a group of loose files) with the
/// limits of `ImportLimits` enforced while reading.
public struct InputReader {
    public var limits: ImportLimits
    /// The memory budget shared with other readers; nil: each reading has one of its own, of
    /// `limits.maxMemoryBytes`.
    var memory: MemoryBudget?
    /// Whether a reading may wait for memory that other readers hold (see `MemoryBudget`).
    var waitsForMemory = false
    /// Whether zips held whole in memory are read by `readZip` (false: by libarchive, as
    /// before; for tests that compare the two).
    var readsZipsDirectly = true
    /// Whether a tar in a gzip held whole in memory is inflated whole (`readTarGzipWhole`); false
    /// for tests that compare with libarchive's reading.
    var readsTarGzipsWhole = true

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
    /// thrown by `body` propagate unchanged. A reading that waits for memory that other readers
    /// hold, while they all wait too, gives up with `MemoryShortage.busy` (see `MemoryBudget`).
    public func forEachEntry(
        of source: InputSource,
        _ body: (_ entryPath: String, _ bytes: PaddedBytes) throws -> Void
    ) throws -> InputDigest {
        try forEachEntryLeasing(of: source) { path, bytes, _ in try body(path, bytes) }
    }

    /// `forEachEntry(of:_:)`, handing `body` the reading's share of the memory budget too, for a
    /// reader whose parse takes more as it goes (a HAR's walk and bodies). A `MemoryShortage` that
    /// `body` throws is handled as one of the reading's own: `.never` rejects the input with
    /// `tooLargeForMemory` naming the entry, `.busy` gives the reading up to be done again.
    func forEachEntryLeasing(
        of source: InputSource,
        _ leasingBody: (_ entryPath: String, _ bytes: PaddedBytes, _ lease: MemoryLease) throws -> Void
    ) throws -> InputDigest {
        let lease = MemoryLease(
            budget: memory ?? MemoryBudget(limit: limits.maxMemoryBytes), mayWait: waitsForMemory)
        defer { lease.end() }
        func body(_ path: String, _ bytes: PaddedBytes) throws { try leasingBody(path, bytes, lease) }
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
            let expansion = ExpansionAllowance(
                diskBytes: bytes.size, ratio: limits.maxCompressionRatio, diskName: Names.display(source.displayName))
            return try readContainer(
                bytes, displayName: source.displayName, fileName: Names.baseName(path),
                memory: EntryMemory(buffer: buffer, lease: lease), expansion: ExpansionTally(expansion),
                nested: false, body)

        case .memory(let data):
            return try data.withUnsafeBytes { raw in
                // The source points into `data`, which outlives it: it is local to this closure.
                let bytes = ByteSource(memory: raw)
                // "outer.zip!dir/inner.json.gz" → "inner.json.gz".
                let innermost = source.displayName.split(separator: "!", omittingEmptySubsequences: false).last
                let fileName = Names.baseName(innermost.map(String.init) ?? source.displayName)
                // An archive found inside another counts against the file on disk it came from.
                let expansion =
                    source.origin?.expansion
                    ?? ExpansionAllowance(
                        diskBytes: bytes.size, ratio: limits.maxCompressionRatio,
                        diskName: Names.display(source.displayName))
                return try readContainer(
                    bytes, displayName: source.displayName, fileName: fileName,
                    memory: EntryMemory(buffer: buffer, lease: lease), expansion: ExpansionTally(expansion),
                    nested: source.origin != nil, body)
            }

        case .files(let root, let paths):
            return try readLooseFiles(
                root: root, paths: paths, displayName: source.displayName,
                memory: EntryMemory(buffer: buffer, lease: lease), body)
        }
    }

    // MARK: Archives and single files

    private func readContainer(
        _ source: ByteSource, displayName: String, fileName: String, memory: EntryMemory,
        expansion: ExpansionTally, nested isNested: Bool, _ body: (String, PaddedBytes) throws -> Void
    ) throws -> InputDigest {
        do {
            return try readEntries(
                source, displayName: displayName, fileName: fileName, memory: memory, expansion: expansion,
                nested: isNested, body)
        } catch MemoryShortage.busy {
            // The input is read again later: what this reading counted must not count twice.
            expansion.takeBack()
            throw MemoryShortage.busy
        }
    }

    /// `gunzipped`: `source` is the tar of a gzip this reading inflated whole
    /// (`readTarGzipWhole`), to be read as libarchive reads a compressed tar.
    func readEntries(
        _ source: ByteSource, displayName: String, fileName: String, memory: EntryMemory,
        expansion: ExpansionTally, nested isNested: Bool, gunzipped: Bool = false,
        _ body: (String, PaddedBytes) throws -> Void
    ) throws -> InputDigest {
        let buffer = memory.buffer
        let shownInput = Names.display(displayName)
        func reject(_ message: String, entry: String? = nil, position: String? = nil) -> InputError {
            InputError(
                kind: .rejected, input: shownInput, entry: entry.map(Names.display), position: position,
                message: message)
        }

        guard source.size > 0 else { throw reject("empty input") }

        // The input held whole in memory (read whole or mapped, once): a zip is read from its central
        // directory and inflated by libdeflate (ZipReader.swift), a tar in a gzip inflated whole by
        // libdeflate and read as a plain tar (GzipReader.swift); what those readers leave alone, and
        // every other format, by libarchive.
        if readsZipsDirectly || readsTarGzipsWhole, !gunzipped,
            let digest = try withWholeBytes(
                of: source, displayName: displayName,
                { whole -> InputDigest? in
                    if readsZipsDirectly,
                        let digest = try readZip(
                            whole, displayName: displayName, memory: memory, expansion: expansion, nested: isNested,
                            body)
                    {
                        return digest
                    }
                    guard readsTarGzipsWhole else { return nil }
                    return try readTarGzipWhole(
                        whole, displayName: displayName, fileName: fileName, memory: memory, expansion: expansion,
                        nested: isNested, body)
                }) ?? nil
        {
            return digest
        }

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
                return try deliverMapped(
                    mapped, from: source, fileName: fileName, lease: memory.lease, reject: reject, body)
            }
        }

        let ratioMessage = expansion.allowance.message(nested: isNested)
        var delivered = 0
        var nested: [InputSource] = []
        var index = 0

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
                if !isPlain && !archive.isCompressed && !gunzipped && index > 0 {
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
                if !expansion.add(max(header.size ?? 0, 0)) {
                    throw reject(ratioMessage, entry: name, position: position)
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

            // The raw format of a plain file states no size; every archive format does.
            let stated = isPlain ? nil : header.size.map { max($0, 0) }
            // The entry may grow up to its stated size and the limit, never past them: the buffer
            // holds one byte more than that, so that crossing is seen.
            let cap = min(Int64(limits.maxEntryBytes), stated ?? Int64.max)
            let ceiling = Int(cap).addingReportingOverflow(1).overflow ? Int.max : Int(cap) + 1
            func makeRoom(_ minimum: Int) throws {
                try memory.grow(
                    toHold: minimum, ceiling: ceiling,
                    refused: { reject(tooLargeForMemory, entry: name, position: position) })
            }

            buffer.removeAll()
            if let stated, stated > 0 {
                // Trust the stated size only as far as the ratio would let the entry grow.
                try makeRoom(Int(min(stated, cap, expansion.remaining)) + 1)
            } else if isPlain, !archive.isCompressed {
                // An uncompressed plain file (a large HAR) is as long as the input: one allocation
                // instead of doubling (and copying) its way up.
                try makeRoom(Int(min(source.size, cap)) + 1)
            }
            while true {
                let want = Int(max(min(cap - Int64(buffer.count), expansion.remaining, Int64(Int.max - 1)), 0) + 1)
                let chunk = min(want, 256 << 10)
                try makeRoom(buffer.count + chunk)
                var got = 0
                buffer.appendInPlace(minimum: chunk, ceiling: ceiling) { free in
                    got = archive.readData(into: UnsafeMutableRawBufferPointer(rebasing: free.prefix(want)))
                    return max(got, 0)
                }
                if got < 0 {
                    throw reject(
                        "corrupt or truncated archive: " + archive.errorMessage, entry: name, position: position)
                }
                if got == 0 { break }
                let withinRatio = expansion.add(Int64(got))
                if let stated, Int64(buffer.count) > stated {
                    throw reject(
                        "entry larger than its header states (\(stated) bytes): corrupt, or a zip bomb", entry: name,
                        position: position)
                }
                if buffer.count > limits.maxEntryBytes {
                    throw reject(entryTooLarge, entry: name, position: position)
                }
                if !withinRatio {
                    throw reject(ratioMessage, entry: name, position: position)
                }
            }

            try handOn(
                name, asArchive: !isPlain && Names.isArchive(name), memory: memory, displayName: displayName,
                expansion: expansion, nested: &nested, delivered: &delivered,
                refused: { reject(tooLargeForMemory, entry: name, position: position) }, body)
        }
    }

    /// Uncompressed plain files (a large HAR) and zips from this size on are mapped instead of read;
    /// smaller ones are read whole, which costs less than setting up and tearing down a mapping.
    static let mapThreshold: Int64 = 1 << 20

    /// An uncompressed plain file, mapped: its one entry is the mapping itself, parsed while
    /// another thread hashes it.
    private func deliverMapped(
        _ mapped: PaddedBytes, from source: ByteSource, fileName: String, lease: MemoryLease,
        reject: (String, String?, String?) -> InputError,
        _ body: (String, PaddedBytes) throws -> Void
    ) throws -> InputDigest {
        let name = Names.plainEntryName(fileName: fileName, compressed: false)
        guard mapped.count <= limits.maxEntryBytes else { throw reject(entryTooLarge, name, nil) }
        return try rejectingIfShrunk(mapped, as: reject(Self.shrankMessage, nil, nil)) {
            let digest = source.digestInBackground(mapped)
            // The job reads the mapping: wait for it before `mapped` can go, even when `body` throws.
            let sha256: [UInt8]
            do {
                try deliver(name, mapped, lease: lease, refused: { reject(tooLargeForMemory, name, nil) }, body)
                sha256 = digest.join()
            } catch {
                _ = digest.join()
                throw error
            }
            return InputDigest(sha256: sha256, bytesRead: mapped.count, nested: [])
        }
    }

    /// Why an input is rejected when its file shrank while it was read.
    static let shrankMessage = "the file became shorter while it was read (changed by another program): import it again"

    /// `read()`, unless the file behind `mapping` shrank while it ran (another program truncated
    /// or rewrote it): then what was read is not the file, whatever `read` made of it, and `error`
    /// (which says so, with `shrankMessage`) is thrown instead.
    func rejectingIfShrunk<T>(
        _ mapping: PaddedBytes?, as error: @autoclosure () -> InputError, _ read: () throws -> T
    ) throws -> T {
        let result: T
        do {
            result = try read()
        } catch let thrown {
            if mapping?.fileShrank == true { throw error() }
            throw thrown
        }
        if mapping?.fileShrank == true { throw error() }
        return result
    }

    /// Hands on the entry just read into `memory`'s buffer: an archive found inside (`asArchive`)
    /// becomes an input of its own in `nested`, read in its turn; anything else goes to `body`
    /// (through `deliver`) and counts in `delivered`. The libarchive and zip paths both end here.
    func handOn(
        _ name: String, asArchive: Bool, memory: EntryMemory, displayName: String, expansion: ExpansionTally,
        nested: inout [InputSource], delivered: inout Int, refused: () -> InputError,
        _ body: (String, PaddedBytes) throws -> Void
    ) throws {
        if asArchive {
            nested.append(
                try memory.nestedSource(named: name, in: displayName, expansion: expansion, refused: refused))
        } else {
            delivered += memory.buffer.count
            try deliver(name, memory.buffer, lease: memory.lease, refused: refused, body)
        }
    }

    /// Calls `body` with entry `name` once the budget has given the work space its parse may take
    /// beside its bytes (`parseWorkspace`), and gives that back after: `refused()` when the budget
    /// could never give it, `MemoryShortage.busy` as for the entry's own bytes.
    func deliver(
        _ name: String, _ bytes: PaddedBytes, lease: MemoryLease, refused: () -> InputError,
        _ body: (String, PaddedBytes) throws -> Void
    ) throws {
        let workspace = Self.parseWorkspace(entryName: name, bytes: bytes)
        do {
            try lease.take(workspace)
        } catch .never {
            throw refused()
        } catch .busy {
            throw MemoryShortage.busy
        }
        defer { lease.give(workspace) }
        do {
            try body(name, bytes)
        } catch MemoryShortage.never {
            // A HAR's walk or bodies (`WebCaptureReader`) could never have what they asked for.
            throw refused()
        }
    }

    /// The memory that parsing entry `entryName` may take beside its `bytes`: as
    /// `parseWorkspace(entryName:count:)`, but 0 for a HAR saved as `.json`, whose walk takes what
    /// it needs as it goes.
    static func parseWorkspace(entryName: String, bytes: PaddedBytes) -> Int {
        let workspace = parseWorkspace(entryName: entryName, count: bytes.count)
        guard workspace > 0, !bytes.withUnsafeBytes({ WebCaptureReader.looksLikeHAR($0) }) else { return 0 }
        return workspace
    }

    /// The memory that parsing an entry named `entryName` of `count` bytes may take beside the
    /// bytes: for a `.json` document, simdjson's DOM (`documentWorkspace`); 0 for other entries,
    /// whose readers work within the bytes.
    static func parseWorkspace(entryName: String, count: Int) -> Int {
        guard entryName.lowercased().hasSuffix(".json") else { return 0 }
        return documentWorkspace(count: count)
    }

    /// The work space of a DOM parse of a JSON document of `count` bytes:
    /// `JSONParser.workspaceBytesPerByte` per byte (Int.max when that overflows). Also what a HAR's
    /// response body is counted at (`WebCaptureReader`).
    static func documentWorkspace(count: Int) -> Int {
        let (bytes, overflow) = max(count, 0).multipliedReportingOverflow(by: JSONParser.workspaceBytesPerByte)
        return overflow ? Int.max : bytes
    }

    var entryTooLarge: String {
        "entry larger than --max-entry-bytes (\(limits.maxEntryBytes) bytes)"
    }

    var tooLargeForMemory: String {
        let limit = memory?.limit ?? limits.maxMemoryBytes
        return "entry needs more memory than --max-memory allows (\(limit) bytes)"
    }

    // MARK: Loose files

    private func readLooseFiles(
        root: String, paths: [String], displayName: String, memory: EntryMemory,
        _ body: (String, PaddedBytes) throws -> Void
    ) throws -> InputDigest {
        let buffer = memory.buffer
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
            let ceiling = min(limits.maxEntryBytes, Int.max - 1) + 1
            while true {
                let want = max(min(limits.maxEntryBytes, Int.max - 1) - buffer.count, 0) + 1
                let chunk = min(want, 256 << 10)
                try memory.grow(
                    toHold: buffer.count + chunk, ceiling: ceiling,
                    refused: {
                        InputError(kind: .rejected, input: shownInput, entry: shownEntry, message: tooLargeForMemory)
                    })
                var got = 0
                var readError: SourceOpenError?
                buffer.appendInPlace(minimum: chunk, ceiling: ceiling) { free in
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
            try deliver(
                relative, buffer, lease: memory.lease,
                refused: {
                    InputError(kind: .rejected, input: shownInput, entry: shownEntry, message: tooLargeForMemory)
                },
                body)
        }
        return InputDigest(sha256: hasher.finalize(), bytesRead: delivered, nested: [])
    }
}

/// The buffer entries are read into, and the share of the memory budget it is held in.
struct EntryMemory {
    let buffer: PaddedBytes
    let lease: MemoryLease

    /// Grows the buffer to hold at least `minimum` bytes, never past `ceiling`, after taking the
    /// bytes from the budget: the new block in full (the old one is held too while the content is
    /// copied), giving the old one back once it is freed.
    func grow(toHold minimum: Int, ceiling: Int) throws(MemoryShortage) {
        let old = buffer.capacity
        guard minimum > old else { return }
        var target = buffer.grownCapacity(toHold: minimum, ceiling: ceiling)
        // Doubling may ask for more than the budget could ever give; grow only as far as it could.
        let most = lease.mostItCouldHold - lease.held
        if target > most { target = max(most, minimum) }
        try lease.take(target)
        buffer.reserve(target, ceiling: target)
        lease.give(old)
    }

    /// Takes `count` more bytes for a copy of the buffer's content and hands them to a pin that
    /// goes with the copy.
    func pin(_ count: Int) throws(MemoryShortage) -> MemoryPin {
        try lease.take(count)
        return lease.pin(count)
    }

    /// `grow(toHold:ceiling:)` for a reader: a size the budget can never give is `refused()`, a
    /// wait that would never end is `MemoryShortage.busy` (the input is read again later).
    func grow(toHold minimum: Int, ceiling: Int, refused: () -> InputError) throws {
        do {
            try grow(toHold: minimum, ceiling: ceiling)
        } catch .never {
            throw refused()
        } catch .busy {
            throw MemoryShortage.busy
        }
    }

    /// The buffer's content, an archive found inside `displayName` as entry `name`, as an input of
    /// its own: its copy is kept until it is read in its turn, and holds memory until then.
    func nestedSource(
        named name: String, in displayName: String, expansion: ExpansionTally, refused: () -> InputError
    ) throws -> InputSource {
        let pin: MemoryPin
        do {
            pin = try self.pin(buffer.count)
        } catch .never {
            throw refused()
        } catch .busy {
            throw MemoryShortage.busy
        }
        var inner = InputSource(displayName: displayName + "!" + name, location: .memory(buffer.array))
        inner.origin = NestedOrigin(expansion: expansion.allowance, pin: pin)
        return inner
    }
}

/// What one reading of an input counted against an `ExpansionAllowance`, so that a reading given
/// up can take it back.
final class ExpansionTally {
    let allowance: ExpansionAllowance
    private var counted: Int64 = 0

    init(_ allowance: ExpansionAllowance) { self.allowance = allowance }

    var remaining: Int64 { allowance.remaining }

    /// Counts `count` decompressed bytes; false once the allowance is exceeded.
    func add(_ count: Int64) -> Bool {
        counted += count
        return allowance.add(count)
    }

    func takeBack() {
        _ = allowance.add(-counted)
        counted = 0
    }
}
