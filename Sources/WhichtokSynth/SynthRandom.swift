import WhichtokSupport

/// The generator's own pseudo-random numbers: xoshiro256** seeded through SplitMix64.
///
/// Everything the generator draws goes through this type, never through `SystemRandomNumberGenerator`
/// or the standard library's `random(in:)` helpers (whose algorithms may change between toolchains),
/// so the same seed gives the same bytes on every machine and Swift version.
package struct SynthRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// A generator seeded from one 64-bit value: the state is four outputs of SplitMix64, as the
    /// xoshiro authors recommend.
    package init(seed: UInt64) {
        var mixer = SplitMix64(seed: seed)
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    /// An independent stream for one purpose (`stream`) and one item (`index`) of a seed, so work
    /// can be split over threads without changing what each item draws.
    package init(seed: UInt64, stream: UInt64, index: UInt64 = 0) {
        self.init(seed: Self.mix(seed, stream, index))
    }

    /// Hashes three values into one well-mixed 64-bit value: each step is one SplitMix64 output of
    /// the value so far, combined with the next input times an odd constant.
    package static func mix(_ a: UInt64, _ b: UInt64, _ c: UInt64 = 0) -> UInt64 {
        var value = SplitMix64.output(after: a &+ SplitMix64.increment) ^ (b &* 0xD6E8_FEB8_6659_FD93)
        value = SplitMix64.output(after: value) ^ (c &* 0xA076_1D64_78BD_642F)
        return SplitMix64.output(after: value)
    }

    package mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-shift with rejection). `bound` must be > 0.
    package mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "empty range")
        let limit = UInt64(bound)
        var product = next().multipliedFullWidth(by: limit)
        if product.low < limit {
            let threshold = (0 &- limit) % limit
            while product.low < threshold { product = next().multipliedFullWidth(by: limit) }
        }
        return Int(product.high)
    }

    /// A uniform integer in `lower...upper`.
    package mutating func between(_ lower: Int, _ upper: Int) -> Int {
        upper <= lower ? lower : lower + below(upper - lower + 1)
    }

    /// A uniform 64-bit integer in `lower..<upper`, or `lower` for an empty range.
    package mutating func between(_ lower: Int64, upTo upper: Int64) -> Int64 {
        upper <= lower ? lower : lower + Int64(below(Int(upper - lower)))
    }

    /// A uniform `Double` in `[0, 1)` with 53 random bits.
    package mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// True with probability `p`.
    package mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// One element of a non-empty array.
    package mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// Shuffles in place (Fisher–Yates).
    package mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for index in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(index, below(index + 1))
        }
    }
}
