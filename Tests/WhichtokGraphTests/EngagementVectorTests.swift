import Foundation
import Testing
import WhichtokSupport
import WhichtokTestSupport

@testable import WhichtokGraph
@testable import WhichtokStore

/// The co-engagement vectors and the community profiles against values worked out by hand.
@Suite("Engagement vectors and profiles")
struct EngagementVectorTests {
    /// (account, video number, kind, repeats): videos without author, tags or sound, so each
    /// account's items are its videos only. a3 has one item (no vector), the owner none.
    static let engagements: [(String, UInt64, EventKind, Int)] = [
        ("a0", 0, .watched, 70), ("a0", 1, .liked, 1),
        ("a1", 0, .watched, 1), ("a1", 2, .favorited, 1), ("a1", 2, .watched, 2),
        ("a2", 1, .liked, 1), ("a2", 2, .watched, 1), ("a2", 3, .watched, 1),
        ("a3", 3, .watched, 1),
    ]

    static func store() throws -> Store {
        var batch = ImportBatch(inputName: "vectors.json", sha256: Fixture.digest(41))
        var time = Fixture.t0
        for (name, number, kind, repeats) in engagements {
            let actor = try must(batch.account(username: name))
            let video = try must(batch.video(id: 7_600_000_000_000_000_000 + number))
            for _ in 0..<repeats {
                batch.addEvent(actor: actor, kind: kind, objectType: .video, object: video, time: time)
                time += 60
            }
        }
        return Fixture.build([batch])
    }

    @Test(
        "TF-IDF rows: log1p of the raw score times log(N / df), unit length, whole and fractional scores",
        arguments: [1, 0.5, 0.3])
    func tfidf(videoWeight: Float) throws {
        let store = try Self.store()
        var options = CoEngagementOptions()
        options.videoWeight = videoWeight
        let matrix = EngagementMatrix(store, filter: EventFilter(), options: options)
        // Raw scores by hand: kind weight × family weight, summed per (account, video).
        var raw: [String: [UInt64: Float]] = [:]
        for (name, number, kind, repeats) in Self.engagements {
            for _ in 0..<repeats {
                raw[name, default: [:]][number, default: 0] += KindWeights.engagementDefaults[kind] * videoWeight
            }
        }
        let rows = raw.filter { $0.value.count >= options.minItems }
        var df: [UInt64: Int] = [:]
        for (_, scores) in rows { for number in scores.keys { df[number, default: 0] += 1 } }
        let n = Double(rows.count)
        #expect(matrix.rowsWithEntries == rows.count)
        for a in 0..<store.accounts.count {
            let name = store.label(ofAccount: RowID(a))
            var expected: [UInt64: Float] = [:]
            if let scores = rows[name] {
                var x: [UInt64: Double] = [:]
                var norm = 0.0
                for (number, score) in scores.sorted(by: { $0.key < $1.key }) {
                    let value = log1p(Double(score)) * log(n / Double(df[number] ?? 1))
                    x[number] = value
                    norm += value * value
                }
                for (number, value) in x {
                    let unit = Float(Double(Float(value)) * (1 / norm.squareRoot()))
                    if unit > 0 { expected[number] = unit }
                }
            }
            var got: [UInt64: Float] = [:]
            for p in matrix.offsets[a]..<matrix.offsets[a + 1] {
                got[store.videos.tiktokID[Int(matrix.items[p])] - 7_600_000_000_000_000_000] = matrix.values[p]
            }
            #expect(got == expected, "\(name)")
        }
    }

    @Test("profiles count each member's video once, and an author's own videos not for the author")
    func profiles() throws {
        var batch = ImportBatch(inputName: "profiles.json", sha256: Fixture.digest(42))
        let m0 = try must(batch.account(username: "m0"))
        let m1 = try must(batch.account(username: "m1"))
        let t = try must(batch.hashtag(name: "t"))
        let u = try must(batch.hashtag(name: "u"))
        let v = try must(batch.video(id: 7_700_000_000_000_000_001))
        let w = try must(batch.video(id: 7_700_000_000_000_000_002))
        batch.describeVideo(v, author: m1, hashtags: [t])
        batch.describeVideo(w, hashtags: [u])
        // m0 watched and liked v (one member-video pair), m1 (its author) watched it, m0 liked w.
        batch.addEvent(actor: m0, kind: .watched, objectType: .video, object: v, time: Fixture.t0)
        batch.addEvent(actor: m0, kind: .liked, objectType: .video, object: v, time: Fixture.t0 + 1)
        batch.addEvent(actor: m1, kind: .watched, objectType: .video, object: v, time: Fixture.t0 + 2)
        batch.addEvent(actor: m0, kind: .liked, objectType: .video, object: w, time: Fixture.t0 + 3)
        let store = Fixture.build([batch])
        let rows = try ["m0", "m1"].map { try #require(store.account(named: $0)) }
        var graph = Graph(nodeCount: 2, edges: [(0, 1, 1)])
        graph.nodeTypes = [.account, .account]
        graph.nodeRows = rows.map { RowID($0) }
        let analysis = Analysis(graph, store: store)
        let profile = analysis.profiles[Int(analysis.leiden.membership[0])]
        #expect(analysis.leiden.membership[0] == analysis.leiden.membership[1])
        #expect(profile.topHashtags.map { $0.label(in: store) } == ["#t", "#u"])
        #expect(profile.topHashtags.map(\.count) == [2, 1])
        #expect(profile.topAuthors.map { $0.label(in: store) } == ["m1"])
        #expect(profile.topAuthors.map(\.count) == [1])
    }
}

/// Builders and profiles do not rely on the store's events being grouped by actor.
@Suite("Events in any order")
struct EventOrderTests {
    @Test("co-engagement vectors and community profiles are the same with the events reversed")
    func reversed() throws {
        // Accounts engaging with tagged videos by a few authors.
        var random = SplitMix64(seed: 21)
        var batch = ImportBatch(inputName: "order.json", sha256: Fixture.digest(43))
        var accounts: [RowID] = []
        for i in 0..<30 { accounts.append(try must(batch.account(username: "o\(i)"))) }
        let tags = try (0..<5).map { try must(batch.hashtag(name: "tag\($0)")) }
        var videos: [RowID] = []
        for v in 0..<20 {
            let video = try must(batch.video(id: 7_800_000_000_000_000_000 + UInt64(v)))
            batch.describeVideo(video, author: accounts[v % 4], hashtags: [tags[v % 5], tags[(v / 5) % 5]])
            videos.append(video)
        }
        let kinds: [EventKind] = [.watched, .liked, .favorited]
        for e in 0..<300 {
            let actor = accounts[Int(random.next() % 30)]
            let video = videos[Int(random.next() % 20)]
            let kind = kinds[Int(random.next() % 3)]
            batch.addEvent(actor: actor, kind: kind, objectType: .video, object: video, time: Fixture.t0 + UInt32(e))
        }
        let store = Fixture.build([batch])
        var reversed = store
        reversed.events.actor.reverse()
        reversed.events.kind.reverse()
        reversed.events.objectType.reverse()
        reversed.events.object.reverse()
        reversed.events.time.reverse()
        reversed.events.source.reverse()
        var options = CoEngagementOptions()
        options.minItems = 1
        let matrix = EngagementMatrix(store, filter: EventFilter(), options: options)
        let other = EngagementMatrix(reversed, filter: EventFilter(), options: options)
        #expect(matrix.offsets == other.offsets && matrix.items == other.items && matrix.values == other.values)
        let graph = GraphBuilder.coEngagement(store, options: options).graph
        #expect(graph.edgeCount > 0)
        let profiles = Analysis(graph, store: store).profiles
        #expect(profiles.contains { !$0.topHashtags.isEmpty && !$0.topAuthors.isEmpty })
        #expect(profiles == Analysis(graph, store: reversed).profiles)
    }
}
