import Dispatch
import Testing

@testable import WhichtokImport

#if canImport(Glibc)
    import Glibc
#endif

/// Hashing throughput on a 256 MiB buffer, printed (no assertion on time). Runs only with
/// `WHICHTOK_SHA_BENCH=1`: `WHICHTOK_SHA_BENCH=1 swift test --skip-build --filter SHA256Throughput`.
@Suite struct SHA256Throughput {
    @Test(.enabled(if: Environment.shaBench)) func throughput() {
        let buffer = [UInt8](repeating: 0x5a, count: 256 << 20)
        var best = Double.infinity
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            var hasher = SHA256()
            buffer.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let end = min(offset + (1 << 20), raw.count)
                    hasher.update(UnsafeRawBufferPointer(rebasing: raw[offset..<end]))
                    offset = end
                }
            }
            _ = hasher.finalize()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        print("SHA256 throughput: \(Int(256 / best)) MiB/s (best of 3, 256 MiB in 1 MiB updates)")
    }
}

enum Environment {
    static var shaBench: Bool { getenv("WHICHTOK_SHA_BENCH").map { String(cString: $0) == "1" } ?? false }
}
