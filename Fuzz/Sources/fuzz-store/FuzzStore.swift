import FuzzSupport
import WhichtokStore

#if canImport(Glibc)
    import Glibc
#endif

// The store loader: the bytes as a store file, loaded with `Store.load(from:)`. A file that starts
// with the magic gets its checksums made right first (file length, every column's XXH64 that is in
// bounds, the section table's and the header's), so the fuzzer gets past them to the section table,
// the columns and the checks between tables instead of failing at the first checksum.

/// XXH64 with seed 0, as the store writes it. Written here again because the store's is internal.
func xxh64(_ bytes: ArraySlice<UInt8>) -> UInt64 {
    let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    let p3: UInt64 = 0x1656_67B1_9E37_79F9
    let p4: UInt64 = 0x85EB_CA77_C2B2_AE63
    let p5: UInt64 = 0x27D4_EB2F_1656_67C5
    func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }
    func round(_ acc: UInt64, _ input: UInt64) -> UInt64 { rotl(acc &+ input &* p2, 31) &* p1 }
    func merge(_ acc: UInt64, _ value: UInt64) -> UInt64 { (acc ^ round(0, value)) &* p1 &+ p4 }
    var i = bytes.startIndex
    func read(_ width: Int) -> UInt64 {
        var value: UInt64 = 0
        for k in 0..<width { value |= UInt64(bytes[i + k]) << (8 * UInt64(k)) }
        i += width
        return value
    }
    var hash: UInt64
    if bytes.count >= 32 {
        var v1 = p1 &+ p2
        var v2 = p2
        var v3: UInt64 = 0
        var v4 = 0 &- p1
        while bytes.endIndex - i >= 32 {
            v1 = round(v1, read(8))
            v2 = round(v2, read(8))
            v3 = round(v3, read(8))
            v4 = round(v4, read(8))
        }
        hash = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
        hash = merge(merge(merge(merge(hash, v1), v2), v3), v4)
    } else {
        hash = p5
    }
    hash &+= UInt64(bytes.count)
    while bytes.endIndex - i >= 8 {
        hash ^= round(0, read(8))
        hash = rotl(hash, 27) &* p1 &+ p4
    }
    if bytes.endIndex - i >= 4 {
        hash ^= read(4) &* p1
        hash = rotl(hash, 23) &* p2 &+ p3
    }
    while i < bytes.endIndex {
        hash ^= read(1) &* p5
        hash = rotl(hash, 11) &* p1
    }
    hash ^= hash >> 33
    hash &*= p2
    hash ^= hash >> 29
    hash &*= p3
    hash ^= hash >> 32
    return hash
}

func get(_ file: [UInt8], _ offset: Int, _ width: Int) -> UInt64 {
    var value: UInt64 = 0
    for k in 0..<width { value |= UInt64(file[offset + k]) << (8 * UInt64(k)) }
    return value
}

func put(_ value: UInt64, _ file: inout [UInt8], _ offset: Int) {
    for k in 0..<8 { file[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(k))) }
}

/// Makes the length and the checksums of a store file agree with its bytes (see the top).
func repairChecksums(_ file: inout [UInt8]) {
    guard file.count >= 64, file[0..<8].elementsEqual("WHICHTOK".utf8) else { return }
    let size = UInt64(file.count)
    put(size, &file, 24)
    let sections = get(file, 12, 4)
    let table = get(file, 16, 8)
    if sections <= 4096, table >= 64, table <= size, sections * 64 <= size - table {
        let start = Int(table)
        for index in 0..<Int(sections) {
            let entry = start + index * 64
            let (length, overflow) = get(file, entry + 32, 4).multipliedReportingOverflow(by: get(file, entry + 40, 8))
            let offset = get(file, entry + 48, 8)
            if !overflow, offset <= size, length <= size - offset {
                put(xxh64(file[Int(offset)..<Int(offset + length)]), &file, entry + 56)
            }
        }
        put(xxh64(file[start..<start + Int(sections) * 64]), &file, 32)
    }
    put(xxh64(file[0..<56]), &file, 56)
}

/// The file each input is written to: in `FUZZ_TMPDIR` (Fuzz/run.sh sets it and empties it after the
/// run), else /tmp. It is removed after each load, so after a crash it holds the crashing store with
/// its checksums made right, which the real loader reads as it is.
let path: String = {
    let directory = getenv("FUZZ_TMPDIR").map { String(cString: $0) } ?? "/tmp"
    return "\(directory)/whichtok-fuzz-\(getpid()).store"
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    var file = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    repairChecksums(&file)
    let fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o600)
    precondition(fd >= 0, "cannot create \(path)")
    var written = 0
    while written < file.count {
        let n = file.withUnsafeBytes { raw in
            raw.baseAddress.map { write(fd, $0 + written, raw.count - written) } ?? -1
        }
        precondition(n > 0, "cannot write \(path)")
        written += n
    }
    close(fd)
    do {
        let store = try Store.load(from: path)
        _ = store.eventCounts()
        for row in 0..<store.accounts.count { _ = store.label(ofAccount: RowID(row)) }
    } catch {
        _ = error.description
    }
    // The input records (format 3), each decoded as import, merge and forget decode them, and
    // built (a batch record that decodes must build without a crash).
    do {
        if let records = try Store.loadRecords(from: path) {
            // Each record's store is also added twice to one builder, as partial stores are to the
            // last level of an import: every account and video it has is then repeated, and found
            // (StoreBuilder+Repeats).
            var builder = StoreBuilder()
            for index in 0..<records.count {
                guard let store = try? records.decoded(at: index, path: path).store else { continue }
                builder.add(store: store)
                builder.add(store: store)
            }
            _ = builder.build()
        }
    } catch {
        _ = error.description
    }
    // The bytes as one record (a batch record when they start with 2, a store's otherwise).
    _ = try? DecodedRecord(
        record: (data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])[...], path: path, sha256: []
    ).store
    unlink(path)
    return 0
}
