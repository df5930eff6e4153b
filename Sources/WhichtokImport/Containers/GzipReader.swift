internal import CDeflate

extension InputReader {
    /// The most a gzip's tar may inflate to for `readTarGzipWhole`: larger ones are read by
    /// libarchive, a piece at a time, rather than held whole.
    static let wholeTarLimit = 256 << 20

    /// Reads `whole` (an input held whole in memory, `withWholeBytes`) as a tar inside a gzip
    /// (`.tar.gz`, a TikTok export's other container) by inflating the
    /// gzip whole with libdeflate into memory of its own, then reading that tar as libarchive
    /// reads a compressed one: the same entries, errors and limits, in about half the time of
    /// zlib's inflation a piece at a time (Benchmarks/RESULTS.md, "make bench-deflate").
    ///
    /// Nil (and nothing read, nothing counted) when the input is not that, or not quite: not a
    /// gzip, a gzip of several members or with bytes after its end, data that inflates to another
    /// size than the gzip states, anything not a POSIX tar, a tar larger than `wholeTarLimit` or
    /// than the input's expansion allowance, or memory the budget cannot spare now. libarchive
    /// then reads it a piece at a time, and says what is wrong with it when something is.
    func readTarGzipWhole(
        _ whole: UnsafeRawBufferPointer, displayName: String, fileName: String, memory: EntryMemory,
        expansion: ExpansionTally, nested isNested: Bool, _ body: (String, PaddedBytes) throws -> Void
    ) throws -> InputDigest? {
        guard let tar = inflateTar(whole, expansion: expansion, lease: memory.lease) else { return nil }
        defer { memory.lease.give(tar.capacity) }
        // The input's digest is of the gzip, computed while its tar is read.
        let (sha256, read) = try digesting(whole) {
            try tar.withUnsafeBytes { bytes in
                try readEntries(
                    ByteSource(memory: bytes, hashing: false), displayName: displayName, fileName: fileName,
                    memory: memory, expansion: expansion, nested: isNested, gunzipped: true, body)
            }
        }
        return InputDigest(sha256: sha256, bytesRead: read.bytesRead, nested: read.nested)
    }

    /// The tar that `gzip` inflates to, in memory taken from `lease`; nil (nothing taken) when it
    /// is not for `readTarGzipWhole`.
    func inflateTar(_ gzip: UnsafeRawBufferPointer, expansion: ExpansionTally, lease: MemoryLease)
        -> PaddedBytes?
    {
        // A gzip member: ID1 ID2, CM 8 (deflate), …, and its trailer's last four bytes, the size
        // it inflates to (modulo 2^32: a larger tar does not inflate to it, and is left alone).
        guard let base = gzip.baseAddress, gzip.count >= 18, gzip[0] == 0x1F, gzip[1] == 0x8B, gzip[2] == 8
        else { return nil }
        let end = gzip.count
        let stated = Int(gzip[end - 4]) | Int(gzip[end - 3]) << 8 | Int(gzip[end - 2]) << 16 | Int(gzip[end - 1]) << 24
        // A tar is at least a header block; the allowance is for the whole input.
        guard stated >= 512, stated <= Self.wholeTarLimit, Int64(stated) <= expansion.remaining,
            lease.takeIfFree(stated)
        else { return nil }
        guard let inflater = libdeflate_alloc_decompressor() else {
            lease.give(stated)
            return nil
        }
        defer { libdeflate_free_decompressor(inflater) }
        let tar = PaddedBytes(capacity: stated)
        var complete = false
        tar.appendInPlace(minimum: stated, ceiling: stated) { free in
            var consumed = 0
            var produced = 0
            let status = libdeflate_gzip_decompress_ex(
                inflater, base, gzip.count, free.baseAddress, stated, &consumed, &produced)
            complete = status == LIBDEFLATE_SUCCESS && consumed == gzip.count && produced == stated
            return complete ? produced : 0
        }
        // A POSIX (or GNU) tar names its format at offset 257 of its first header.
        let isTar = tar.withUnsafeBytes { bytes in
            complete && bytes.count >= 262 && Array(bytes[257..<262]) == Array("ustar".utf8)
        }
        guard isTar else {
            lease.give(stated)
            return nil
        }
        return tar
    }
}
