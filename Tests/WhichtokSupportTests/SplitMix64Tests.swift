import Testing
import WhichtokSupport

@Suite("SplitMix64")
struct SplitMix64Tests {
    @Test("the reference sequence (Vigna's splitmix64.c) for seeds 0 and 42")
    func referenceSequence() {
        var zero = SplitMix64(seed: 0)
        #expect(
            [zero.next(), zero.next(), zero.next()] == [
                0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F,
            ])
        var fortyTwo = SplitMix64(seed: 42)
        #expect(
            [fortyTwo.next(), fortyTwo.next(), fortyTwo.next()] == [
                0xBDD7_3226_2FEB_6E95, 0x28EF_E333_B266_F103, 0x4752_6757_130F_9F52,
            ])
        #expect(SplitMix64.output(after: 0) == 0xE220_A839_7B1D_CDAF)
    }

    @Test("bounded values, unit doubles and shuffles depend only on the seed")
    func derivedValues() {
        var first = SplitMix64(seed: 7)
        var second = SplitMix64(seed: 7)
        for bound in [1, 2, 3, 10, 1000, 1 << 31] {
            let value = first.below(bound)
            #expect((0..<bound).contains(value))
            #expect(value == second.below(bound))
        }
        let unit = first.unit()
        #expect(unit >= 0 && unit < 1 && unit == second.unit())
        var a = Array(UInt32(0)..<50)
        var b = a
        first.shuffle(&a)
        second.shuffle(&b)
        #expect(a == b && a != Array(0..<50) && a.sorted() == Array(0..<50))
        // The high 64 bits of the value times the bound: the first value of seed 0 below 1000.
        var zero = SplitMix64(seed: 0)
        #expect(zero.below(1000) == Int((0xE220_A839_7B1D_CDAF as UInt64).multipliedFullWidth(by: 1000).high))
    }

    @Test("bounded values cover their whole range, evenly (not the first value only)")
    func boundedSpread() {
        var random = SplitMix64(seed: 11)
        for bound in [2, 3, 10, 97] {
            var seen = Set<Int>()
            for _ in 0..<2000 { seen.insert(random.below(bound)) }
            #expect(seen == Set(0..<bound), "bound \(bound)")
        }
        for bound in [2, 10, 1 << 40] {
            var low = 0
            for _ in 0..<2000 where random.below(bound) < bound / 2 { low += 1 }
            #expect((850...1150).contains(low), "bound \(bound): \(low) of 2000 in the lower half")
        }
    }
}
