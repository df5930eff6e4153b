import Testing
import WhichtokSupport

@Suite("Sorted search")
struct SortedSearchTests {
    @Test("firstIndex(notBelow:) is the first position a linear scan finds, on slices too")
    func againstLinearScan() {
        var random = SplitMix64(seed: 11)
        for size in [0, 1, 2, 3, 7, 64, 1000] {
            let values = (0..<size).map { _ in UInt32(random.next() % 50) }.sorted()
            for target in UInt32(0)...UInt32(51) {
                let expected = values.firstIndex { $0 >= target } ?? values.count
                #expect(values.firstIndex(notBelow: target) == expected, "size \(size), target \(target)")
            }
            if size > 4 {
                let slice = values[2..<(size - 1)]
                for target in UInt32(0)...UInt32(51) {
                    let expected = slice.firstIndex { $0 >= target } ?? slice.endIndex
                    #expect(slice.firstIndex(notBelow: target) == expected, "slice of \(size), target \(target)")
                }
            }
        }
    }
}
