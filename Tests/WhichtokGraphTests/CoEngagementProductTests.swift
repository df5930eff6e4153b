import Testing
import WhichtokStore
import WhichtokSupport
import WhichtokTestSupport

@testable import WhichtokGraph

/// The co-engagement product against a plain reference: every row against every other row, each
/// row's full candidate list sorted (most similar first, ties by row) and cut at k.
@Suite("Co-engagement product")
struct CoEngagementProductTests {
    typealias Triple = (source: RowID, target: RowID, weight: Float)

    /// Accounts engaging with a small pool of videos, so many rows share identical item sets (tied
    /// similarities); some accounts have one item, some none, and one video is watched by most.
    static func crowdStore(accounts: Int, seed: UInt64) throws -> Store {
        var random = SplitMix64(seed: seed)
        var batch = ImportBatch(
            inputName: "crowd-\(seed).json", sha256: Fixture.digest(UInt8(truncatingIfNeeded: seed)))
        var rows: [RowID] = []
        for i in 0..<accounts { rows.append(try must(batch.account(username: "crowd\(i)"))) }
        var videos: [RowID] = []
        for v in 0..<12 { videos.append(try must(batch.video(id: 7_400_000_000_000_000_000 + UInt64(v)))) }
        let kinds: [EventKind] = [.watched, .liked, .favorited]
        for (i, actor) in rows.enumerated() {
            switch i % 7 {
            case 0: continue  // no events: an empty row
            case 1:  // one item only
                batch.addEvent(actor: actor, kind: .liked, objectType: .video, object: videos[0], time: Fixture.t0)
            default:
                if i % 3 != 0 {  // the popular video
                    batch.addEvent(
                        actor: actor, kind: .watched, objectType: .video, object: videos[11], time: Fixture.t0)
                }
                // Two or three videos out of a few, with a few weights: many identical rows.
                let count = 2 + Int(random.next() % 2)
                for _ in 0..<count {
                    let video = videos[Int(random.next() % 6)]
                    let kind = kinds[Int(random.next() % UInt64(kinds.count))]
                    batch.addEvent(actor: actor, kind: kind, objectType: .video, object: video, time: Fixture.t0)
                }
            }
        }
        return Fixture.build([batch])
    }

    /// The reference product on the same matrix.
    static func reference(_ matrix: EngagementMatrix, topK: Int, minSimilarity: Float, cap: Int) -> [Triple] {
        let n = matrix.accountCount
        let df = matrix.documentFrequency
        func eligible(_ item: UInt32) -> Bool { df[Int(item)] >= 2 && Int(df[Int(item)]) <= cap }
        var column: [UInt32: [(Int, Double)]] = [:]
        for a in 0..<n {
            for p in matrix.offsets[a]..<matrix.offsets[a + 1] where eligible(matrix.items[p]) {
                column[matrix.items[p], default: []].append((a, Double(matrix.values[p])))
            }
        }
        var result: [Triple] = []
        for a in 0..<n {
            var accumulator = [Double](repeating: 0, count: n)
            var touched = [Bool](repeating: false, count: n)
            for p in matrix.offsets[a]..<matrix.offsets[a + 1] where eligible(matrix.items[p]) {
                for (b, y) in column[matrix.items[p], default: []] {
                    accumulator[b] += Double(matrix.values[p]) * y
                    touched[b] = true
                }
            }
            var candidates: [(Float, Int)] = []
            for b in 0..<n where touched[b] && b != a {
                let s = Float(accumulator[b])
                if s >= minSimilarity { candidates.append((s, b)) }
            }
            candidates.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
            for (s, b) in candidates.prefix(topK > 0 ? topK : candidates.count) {
                result.append((RowID(a), RowID(b), s))
            }
        }
        return result
    }

    /// Pairs as (smaller row, larger row) → weight, the larger where both sides list the pair.
    static func union(_ triples: [Triple]) -> [UInt64: Float] {
        var pairs: [UInt64: Float] = [:]
        for t in triples {
            let key = UInt64(min(t.source, t.target)) << 32 | UInt64(max(t.source, t.target))
            pairs[key] = max(pairs[key] ?? 0, t.weight)
        }
        return pairs
    }

    @Test("top-k lists equal the reference's, with ties, whatever the chunks", arguments: [1, 2, 3, 10])
    func topKLists(topK: Int) throws {
        let store = try Self.crowdStore(accounts: 90, seed: 11)
        var options = CoEngagementOptions()
        options.minItems = 1
        let matrix = EngagementMatrix(store, filter: EventFilter(), options: options)
        #expect(matrix.rowsWithEntries > 50)
        for cap in [1_000, 40] {
            for minSimilarity: Float in [0, 0.01, 0.5] {
                let expected = Self.reference(matrix, topK: topK, minSimilarity: minSimilarity, cap: cap)
                #expect(!expected.isEmpty)
                // Ties matter: some row's list is cut between equal similarities.
                for chunks in [1, 2, 3, 7] {
                    // The columns built by one thread or by two (each over half of the rows).
                    let parts = chunks % 2 + 1
                    let got = matrix.similarities(
                        topK: topK, minSimilarity: minSimilarity, cap: cap, chunks: chunks, transposeParts: parts)
                    #expect(
                        got.sources == expected.map(\.source),
                        "k \(topK) cap \(cap) min \(minSimilarity) chunks \(chunks) parts \(parts)")
                    #expect(
                        got.targets == expected.map(\.target),
                        "k \(topK) cap \(cap) min \(minSimilarity) chunks \(chunks) parts \(parts)")
                    #expect(
                        got.weights == expected.map(\.weight),
                        "k \(topK) cap \(cap) min \(minSimilarity) chunks \(chunks) parts \(parts)")
                }
            }
        }
    }

    @Test("k = 0 keeps every pair once, as the reference's union")
    func allPairs() throws {
        let store = try Self.crowdStore(accounts: 60, seed: 12)
        var options = CoEngagementOptions()
        options.minItems = 1
        let matrix = EngagementMatrix(store, filter: EventFilter(), options: options)
        let expected = Self.union(Self.reference(matrix, topK: 0, minSimilarity: 0.01, cap: 1_000))
        for chunks in [1, 3] {
            let got = matrix.similarities(
                topK: 0, minSimilarity: 0.01, cap: 1_000, chunks: chunks, transposeParts: chunks == 1 ? 2 : 1)
            let triples = (0..<got.sources.count).map { (got.sources[$0], got.targets[$0], got.weights[$0]) }
            #expect(Self.union(triples) == expected)
            #expect(triples.count == expected.count)  // each pair once
        }
    }

    @Test("the matrix is the same whatever the number of row chunks that weigh it", arguments: [2, 3, 7, 40])
    func matrixChunks(chunks: Int) throws {
        let store = try Self.crowdStore(accounts: 90, seed: 14)
        for minItems in [1, 2] {
            var options = CoEngagementOptions()
            options.minItems = minItems
            let one = EngagementMatrix(store, filter: EventFilter(), options: options, chunks: 1)
            let many = EngagementMatrix(store, filter: EventFilter(), options: options, chunks: chunks)
            #expect(one.rowsWithEntries > 30)
            #expect(many.offsets == one.offsets, "min items \(minItems)")
            #expect(many.items == one.items, "min items \(minItems)")
            #expect(many.values == one.values, "min items \(minItems)")
            #expect(many.documentFrequency == one.documentFrequency, "min items \(minItems)")
            #expect(many.rowsWithEntries == one.rowsWithEntries && many.distinctItems == one.distinctItems)
        }
    }

    @Test("a row's own similarity is never listed and the counters add up")
    func counters() throws {
        let store = try Self.crowdStore(accounts: 40, seed: 13)
        var options = CoEngagementOptions()
        options.minItems = 1
        let matrix = EngagementMatrix(store, filter: EventFilter(), options: options)
        let got = matrix.similarities(topK: 0, minSimilarity: 0, cap: 1_000)
        #expect(zip(got.sources, got.targets).allSatisfy { $0 != $1 })
        var expected = 0
        for d in matrix.documentFrequency where d >= 2 { expected += Int(d) * Int(d - 1) }
        #expect(got.accumulations == expected)
        // An empty matrix: no pairs.
        let empty = EngagementMatrix(Store(), filter: EventFilter(), options: options)
        #expect(empty.similarities(topK: 10, minSimilarity: 0, cap: 1_000).sources.isEmpty)
    }
}
