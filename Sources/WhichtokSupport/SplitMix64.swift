/// SplitMix64 (Steele, Lea and Flood, 2014): a small seeded generator whose sequence depends only
/// on the seed, on every platform and Swift version.
///
/// The standard library's generators and `random(in:)` helpers may change their algorithms between
/// toolchains; the project's outputs are compared byte for byte, so everything that must be
/// reproducible draws from this type: Leiden, sampled betweenness and the layout directly, the
/// synthetic-data generator through the xoshiro256** state it seeds (`SynthRandom`).
package struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The golden-ratio increment added to the state before every output.
    package static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    @usableFromInline var state: UInt64

    @inlinable
    package init(seed: UInt64) { state = seed }

    /// The next value: the state advanced by `increment`, then mixed (Stafford's variant 13).
    @inlinable
    package mutating func next() -> UInt64 {
        state &+= Self.increment
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The first output of a generator seeded with `state`: a well-mixed hash of one value.
    @inlinable
    package static func output(after state: UInt64) -> UInt64 {
        var generator = SplitMix64(seed: state)
        return generator.next()
    }

    /// A value in `0 ..< bound` (`bound` > 0): the high 64 bits of the next value times `bound`
    /// (multiply-shift, no rejection: the bias is below bound / 2⁶⁴, and one draw per value keeps
    /// sequences short and fixed).
    @inlinable
    package mutating func below(_ bound: Int) -> Int {
        Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A uniform double in [0, 1) with 53 random bits.
    @inlinable
    package mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Fisher–Yates shuffle in place.
    package mutating func shuffle(_ values: inout [UInt32]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            let j = below(i + 1)
            values.swapAt(i, j)
        }
    }
}
