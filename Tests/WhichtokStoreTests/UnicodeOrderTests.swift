import Testing
import WhichtokTestSupport

@testable import WhichtokStore

/// Swift's `String` comparison treats canonically equivalent spellings as equal but is not a strict
/// weak order across them: `"e\u{301}" == "\u{E9}"` and `"\u{E9}" < "\u{E9}z"`, yet
/// `"e\u{301}" < "\u{E9}z"` is false. The store's string table must not depend on it.
@Suite("Strings in decomposed and composed form")
struct UnicodeOrderTests {
    /// Search terms in both forms and their neighbours, one input per term.
    static let terms = [
        "\u{E9}", "e\u{301}", "\u{E9}z", "e\u{301}a", "cafe\u{301}", "caf\u{E9}s", "\u{E9}t\u{E9}", "zebra",
        "a\u{30A}", "\u{E5}b", "o\u{308}l", "\u{F6}", "\u{212A}elvin", "Kelvin", "\u{37E}", ";",
    ]

    static func batch(_ index: Int) throws -> ImportBatch {
        var batch = ImportBatch(inputName: "search-\(index).json", sha256: Fixture.digest(UInt8(100 + index)))
        batch.setOwner(username: "searcher\(index)")
        let term = try must(batch.string(Self.terms[index]))
        batch.addEvent(
            actor: batch.owner, kind: .searched, objectType: .searchTerm, object: term,
            time: 1_700_000_000 + UInt32(index))
        return batch
    }

    @Test("the same inputs in any order give the same store, and the table is in UTF-8 byte order")
    func orderIndependent() throws {
        let batches = try (0..<Self.terms.count).map(Self.batch)
        let first = Fixture.build(batches)
        var random = SplitMix64Shuffle(seed: 5)
        for _ in 0..<20 {
            #expect(Fixture.build(random.shuffled(batches)) == first)
        }
        let strings = first.strings.all
        for i in 1..<strings.count {
            #expect(Array(strings[i - 1].utf8).lexicographicallyPrecedes(Array(strings[i].utf8)))
        }
    }
}

/// A seeded shuffle for the test (Fisher–Yates over a linear congruential generator).
struct SplitMix64Shuffle {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func shuffled<T>(_ values: [T]) -> [T] {
        var result = values
        for i in stride(from: result.count - 1, to: 0, by: -1) {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            result.swapAt(i, Int((state >> 33) % UInt64(i + 1)))
        }
        return result
    }
}
