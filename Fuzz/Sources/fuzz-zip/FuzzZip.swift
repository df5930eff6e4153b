import FuzzSupport
import WhichtokImport
import WhichtokStore

// The zip reader: the bytes as an archive held in memory, through `InputReader.forEachEntry`. A zip
// that `ZipDirectory` takes (its central directory, local headers, data descriptors, Zip64 records)
// has its entries inflated by libdeflate and checked against their stated size and CRC-32; anything
// else goes to libarchive, as an import does. Small limits keep each run fast: the entry size, the
// memory budget and the compression ratio are enforced on the way, and each entry's bytes are
// touched so that a buffer handed over too short is read past its end.

let limits = ImportLimits(maxEntryBytes: 4 << 20, maxCompressionRatio: 1000, maxMemoryBytes: 32 << 20)

/// Where the bytes read go, so that reading them is not optimised out.
nonisolated(unsafe) var sink = 0

/// Reads every entry of `source`, then each archive found inside it (as an import does, one level
/// at a time, each counted against the bytes of the outer input).
func readAll(_ source: InputSource, depth: Int) {
    do {
        let digest = try InputReader(limits: limits).forEachEntry(of: source) { path, entry in
            sink &+= path.utf8.count
            entry.withUnsafeBytes { raw in
                for byte in raw { sink &+= Int(byte) }
            }
        }
        sink &+= digest.sha256.count
        if depth < 3 {
            for nested in digest.nested { readAll(nested, depth: depth + 1) }
        }
    } catch {
        sink &+= String(describing: error).utf8.count
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { [UInt8](UnsafeBufferPointer(start: $0, count: size)) } ?? []
    readAll(InputSource(displayName: "fuzz.zip", location: .memory(bytes)), depth: 0)
    return 0
}
