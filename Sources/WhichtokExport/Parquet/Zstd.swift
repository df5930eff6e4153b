internal import CZstd

/// zstd compression of Parquet pages (libzstd from Debian's `libzstd-dev`). One context is reused for
/// every page of a file; the same input and level always give the same bytes with the same library.
final class ZstdCompressor {
    private let context: OpaquePointer?
    let level: Int32

    init(level: Int32 = 3) {
        context = ZSTD_createCCtx()
        self.level = level
    }

    deinit { ZSTD_freeCCtx(context) }

    /// The compressed frame, or nil when zstd fails (out of memory).
    func compress(_ input: [UInt8]) -> [UInt8]? {
        guard let context else { return nil }
        let bound = ZSTD_compressBound(input.count)
        guard ZSTD_isError(bound) == 0 else { return nil }
        var output = [UInt8](repeating: 0, count: bound)
        let written = output.withUnsafeMutableBytes { destination in
            input.withUnsafeBytes { source in
                ZSTD_compressCCtx(
                    context, destination.baseAddress, destination.count, source.baseAddress, source.count, level)
            }
        }
        guard ZSTD_isError(written) == 0 else { return nil }
        output.removeLast(output.count - written)
        return output
    }
}
