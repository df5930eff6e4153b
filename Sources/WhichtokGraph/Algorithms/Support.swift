import Dispatch

/// Parallel loops over fixed chunks. Chunk boundaries depend only on the input size, never on the
/// number of threads, so reductions done per chunk and combined in chunk order give the same bits on
/// every run.
enum Parallel {
    /// Worker threads to use: the machine's active processors, at most 8.
    static let width: Int = {
        #if canImport(Glibc)
            return max(1, min(8, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
        #else
            return 2
        #endif
    }()

    /// Splits `0 ..< count` into `chunks` contiguous ranges and runs `body(chunk, range)` for each,
    /// concurrently when `count` is large enough to pay for the threads.
    static func forEachChunk(
        count: Int, chunks: Int, minimumParallelCount: Int = 20_000, _ body: (Int, Range<Int>) -> Void
    ) {
        guard count > 0 else { return }
        let chunkCount = max(1, min(chunks, count))
        if count < minimumParallelCount || width == 1 || chunkCount == 1 {
            for c in 0..<chunkCount { body(c, (count * c / chunkCount)..<(count * (c + 1) / chunkCount)) }
            return
        }
        // The body writes disjoint indices only (the callers' contract), so sharing it is safe.
        withoutActuallyEscaping(body) { escapable in
            let shared = UncheckedSendable(escapable)
            DispatchQueue.concurrentPerform(iterations: chunkCount) { c in
                shared.value(c, (count * c / chunkCount)..<(count * (c + 1) / chunkCount))
            }
        }
    }

    /// `forEachChunk`, keeping what `body` returns for each chunk, in chunk order: one result per
    /// chunk (`min(chunks, count)` of them, at least one; none when `count` is 0).
    static func mapChunks<T>(
        count: Int, chunks: Int, minimumParallelCount: Int = 20_000, _ body: (Int, Range<Int>) -> T
    ) -> [T] {
        guard count > 0 else { return [] }
        var results = [T?](repeating: nil, count: max(1, min(chunks, count)))
        results.withUnsafeMutableBufferPointer { buffer in
            let out = SharedBuffer(buffer)
            forEachChunk(count: count, chunks: chunks, minimumParallelCount: minimumParallelCount) { c, range in
                out[c] = body(c, range)
            }
        }
        // forEachChunk runs every chunk, so every slot is set.
        return results.compactMap { $0 }
    }

    /// Ranges over `0 ..< nodeCount` holding about equal numbers of CSR entries, for `chunks` chunks.
    static func balancedRanges(offsets: [Int], chunks: Int) -> [Range<Int>] {
        let n = offsets.count - 1
        guard n > 0 else { return [] }
        let total = offsets[n] + n
        var ranges: [Range<Int>] = []
        var start = 0
        for c in 1...chunks {
            let goal = total * c / chunks
            var low = start
            var high = n
            while low < high {  // first node u with offsets[u] + u >= goal
                let mid = (low + high) / 2
                if offsets[mid] + mid < goal { low = mid + 1 } else { high = mid }
            }
            let end = c == chunks ? n : max(start, low)
            if end > start { ranges.append(start..<end) }
            start = end
        }
        return ranges
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A value handed to worker threads by a caller that guarantees they use it without races.
package struct UncheckedSendable<Value>: @unchecked Sendable {
    package let value: Value
    package init(_ value: Value) { self.value = value }
}

/// A buffer that several threads write at disjoint indices (inside `Parallel.forEachChunk`).
struct SharedBuffer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>?
    init(_ pointer: UnsafeMutableBufferPointer<Element>) { base = pointer.baseAddress }
    /// Only valid indices of a non-empty buffer may be used.
    @inline(__always) subscript(i: Int) -> Element {
        get { base.unsafelyUnwrapped[i] }
        nonmutating set { base.unsafelyUnwrapped[i] = newValue }
    }
}

/// Wall-clock time of named phases, in the order they ran (for `--timings` outputs).
package struct PhaseClock {
    /// Each phase's name and its duration in seconds.
    package private(set) var phases: [(String, Double)] = []

    package init() {}

    /// Runs `body` as the phase `name` and records how long it took.
    package mutating func time<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try body()
        phases.append((name, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
        return result
    }
}
