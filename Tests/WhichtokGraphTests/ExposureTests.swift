import Testing
import WhichtokStore
import WhichtokSupport
import WhichtokTestSupport

@testable import WhichtokGraph

/// A tiny store whose exposure can be computed by hand.
///
/// Graph (hand-made, two niches): dana, a1, a2, solo and finn are in niche 0, b1 in niche 1; gus, a
/// donor, is not in the graph. solo is linked to finn only.
///
/// | video | engaged by others                    | author |
/// |-------|--------------------------------------|--------|
/// | v1    | a1 watched                           |        |
/// | v2    | a1 watched                           |        |
/// | v3    | b1 watched                           |        |
/// | v4    | a2 liked, b1 watched                 |        |
/// | v5    | (dana only)                          |        |
/// | v6    |                                      | solo   |
/// | v7    | b1 watched (finn watched it 3 times) |        |
enum ExposureStore {
    /// 2024-01-01T00:00:00Z and 2024-02-01T00:00:00Z.
    static let january: UInt32 = 1_704_067_200
    static let february: UInt32 = 1_706_745_600

    static func sha(_ seed: UInt8) -> [UInt8] { (0..<32).map { UInt8(truncatingIfNeeded: Int($0) &* 7 &+ Int(seed)) } }

    static func build() throws -> Store {
        var builder = StoreBuilder()
        func video(_ batch: inout ImportBatch, _ n: UInt64) throws -> RowID {
            try must(batch.video(id: 7_100_000_000_000_000_000 + n))
        }
        // dana's archive: her views and a like; the others' engagement rides along as other actors.
        var dana = ImportBatch(inputName: "dana.zip", sha256: sha(1))
        let owner = dana.owner
        dana.setOwner(username: "dana")
        let a1 = try must(dana.account(username: "a1"))
        let a2 = try must(dana.account(username: "a2"))
        let b1 = try must(dana.account(username: "b1"))
        let solo = try must(dana.account(username: "solo"))
        let v1 = try video(&dana, 1)
        let v2 = try video(&dana, 2)
        let v3 = try video(&dana, 3)
        let v4 = try video(&dana, 4)
        let v5 = try video(&dana, 5)
        let v6 = try video(&dana, 6)
        let v7 = try video(&dana, 7)
        dana.describeVideo(v6, author: solo)
        let day: UInt32 = 86_400
        dana.addEvent(actor: owner, kind: .watched, objectType: .video, object: v1, time: january + 9 * day)
        dana.addEvent(actor: owner, kind: .liked, objectType: .video, object: v1, time: january + 9 * day + 30)
        dana.addEvent(actor: owner, kind: .watched, objectType: .video, object: v2, time: january + 11 * day)
        dana.addEvent(actor: owner, kind: .watched, objectType: .video, object: v3, time: february + 2 * day)
        dana.addEvent(actor: owner, kind: .watched, objectType: .video, object: v4, time: february + 4 * day)
        dana.addEvent(actor: owner, kind: .watched, objectType: .video, object: v5, time: february + 5 * day)
        dana.addEvent(actor: a1, kind: .watched, objectType: .video, object: v1, time: january)
        dana.addEvent(actor: a1, kind: .watched, objectType: .video, object: v2, time: january)
        dana.addEvent(actor: b1, kind: .watched, objectType: .video, object: v3, time: january)
        dana.addEvent(actor: a2, kind: .liked, objectType: .video, object: v4, time: january)
        dana.addEvent(actor: b1, kind: .watched, objectType: .video, object: v4, time: january)
        dana.addEvent(actor: b1, kind: .watched, objectType: .video, object: v7, time: january)
        builder.add(dana)
        // finn's archive: v7 three times (b1 saw it once), v6 by solo (linked to finn alone).
        var finn = ImportBatch(inputName: "finn.zip", sha256: sha(2))
        let finnRow = finn.owner
        finn.setOwner(username: "finn")
        let f6 = try video(&finn, 6)
        let f7 = try video(&finn, 7)
        for hour: UInt32 in [1, 2, 3] {
            finn.addEvent(actor: finnRow, kind: .watched, objectType: .video, object: f7, time: february + hour * 3600)
        }
        finn.addEvent(actor: finnRow, kind: .watched, objectType: .video, object: f6, time: february + 9 * 3600)
        builder.add(finn)
        // gus's archive: v5 (dana's alone) and v6.
        var gus = ImportBatch(inputName: "gus.zip", sha256: sha(3))
        let gusRow = gus.owner
        gus.setOwner(username: "gus")
        let g5 = try video(&gus, 5)
        let g6 = try video(&gus, 6)
        gus.addEvent(actor: gusRow, kind: .watched, objectType: .video, object: g5, time: february)
        gus.addEvent(actor: gusRow, kind: .watched, objectType: .video, object: g6, time: february + 60)
        builder.add(gus)
        return builder.build()
    }

    /// The hand-made graph and its two niches.
    static func graph(_ store: Store) throws -> (Graph, [UInt32]) {
        let names = ["dana", "a1", "a2", "b1", "solo", "finn"]
        let rows = try names.map { try #require(store.account(named: $0)) }
        var graph = Graph(nodeCount: names.count, edges: [(0, 1, 1), (1, 2, 1), (2, 0, 1), (5, 4, 1), (5, 1, 1)])
        graph.nodeTypes = [NodeType](repeating: .account, count: names.count)
        graph.nodeRows = rows.map { RowID($0) }
        graph.parameters = GraphParameters(kind: .sharedSpace)
        return (graph, [0, 0, 0, 1, 0, 0])
    }

    static func exposure(_ options: ExposureOptions = ExposureOptions()) throws -> (Exposure, Store) {
        let store = try build()
        let (graph, membership) = try graph(store)
        return (
            Exposure(graph: graph, membership: membership, communityCount: 2, store: store, options: options), store
        )
    }

    static func donor(_ exposure: Exposure, _ store: Store, _ name: String) throws -> DonorExposure {
        try #require(exposure.donors.first { store.label(ofAccount: $0.account) == name })
    }
}

@Suite("Exposure")
struct ExposureTests {
    @Test("hand-computed shares, entropy, effective niches, own share and divergence on a tiny store")
    func handComputed() throws {
        var options = ExposureOptions()
        options.minPeriodEvents = 1
        let (exposure, store) = try ExposureStore.exposure(options)
        #expect(exposure.donors.map { store.label(ofAccount: $0.account) } == ["dana", "finn", "gus"])
        let dana = try ExposureStore.donor(exposure, store, "dana")
        // v1 (viewed and liked), v2, v4 in niche 0, v3 in niche 1, v5 unassigned.
        #expect(dana.niche == 0)
        #expect(dana.events == 6 && dana.assigned == 5)
        #expect(exposure.kinds == [.watched, .liked, .favorited, .shared])
        #expect(dana.eventsByKind == [5, 1, 0, 0] && dana.assignedByKind == [4, 1, 0, 0])
        #expect(dana.counts == [NicheCount(niche: 0, events: 4), NicheCount(niche: 1, events: 1)])
        #expect(dana.dominant == 0)
        // H = −(0.8 ln 0.8 + 0.2 ln 0.2) = 0.500402…, e^H = 1.649385…
        let entropy = try #require(dana.entropy)
        #expect(abs(entropy - 0.5004024235381879) < 1e-12)
        #expect(abs(try #require(dana.effectiveNiches) - 1.6493848884661548) < 1e-12)
        #expect(dana.ownShare == 0.8)
        // January: three events in niche 0; February: one in each niche, plus v5 unassigned.
        try #require(dana.periods.count == 2)
        #expect(ExposureCalendar.startDate(of: dana.periods[0].period, .month) == "2024-01-01")
        #expect(ExposureCalendar.startDate(of: dana.periods[1].period, .month) == "2024-02-01")
        #expect(dana.periods[0].events == 3 && dana.periods[0].assigned == 3)
        #expect(dana.periods[1].events == 3 && dana.periods[1].assigned == 2)
        #expect(dana.periods[1].counts == [NicheCount(niche: 0, events: 1), NicheCount(niche: 1, events: 1)])
        // JS((1, 0), (½, ½)) = ½ log₂(4/3) + ½ (½ log₂(2/3) + ½ log₂ 2) = 0.311278…
        #expect(dana.periods[0].divergence == nil)
        #expect(abs(try #require(dana.periods[1].divergence) - 0.31127812445913283) < 1e-12)
        #expect(
            ExposureMeasures.jensenShannon([NicheCount(niche: 3, events: 5)], [NicheCount(niche: 1, events: 2)]) == 1)
        #expect(ExposureMeasures.jensenShannon(dana.counts, dana.counts) == 0)
        // Four niches alike: entropy ln 4, four effective niches.
        let even = (0..<4).map { NicheCount(niche: UInt32($0), events: 3) }
        #expect(abs(try #require(ExposureMeasures.effectiveNiches(even)) - 4) < 1e-12)
        // Coverage over all donors: dana 5 of 6, finn 3 of 4, gus 2 of 2.
        #expect(exposure.events == 12 && exposure.assigned == 10)
        #expect(exposure.assignedByRule == [1, 9, 0])
    }

    @Test("leave-one-out: a donor's own engagement never places the videos measured for that donor")
    func leaveOneOut() throws {
        let (exposure, store) = try ExposureStore.exposure()
        // Nobody but dana saw v5: unassigned for her, although her own view votes for her niche.
        let dana = try ExposureStore.donor(exposure, store, "dana")
        #expect(dana.periods.last?.events == 3 && dana.periods.last?.assigned == 2)
        // v3: b1 (niche 1) and dana (niche 0) saw it; for dana it is niche 1, not a tie.
        #expect(dana.counts.contains(NicheCount(niche: 1, events: 1)))
        // finn saw v7 three times and b1 once: niche 1 for finn, whose own votes would have made it 0.
        // solo, v6's author, is linked to finn alone: no evidence for finn.
        let finn = try ExposureStore.donor(exposure, store, "finn")
        #expect(finn.niche == 0)
        #expect(finn.events == 4 && finn.assigned == 3)
        #expect(finn.counts == [NicheCount(niche: 1, events: 3)])
        #expect(finn.ownShare == 0)
        // For gus (not in the graph) the same evidence counts: v5 by dana's vote, v6 by its author.
        let gus = try ExposureStore.donor(exposure, store, "gus")
        #expect(gus.niche == nil && gus.ownShare == nil)
        #expect(gus.counts == [NicheCount(niche: 0, events: 2)])
    }

    @Test("metadata: a video only the donor saw is placed by its hashtag, without the donor's own votes")
    func metadata() throws {
        var batch = ImportBatch(inputName: "hana.zip", sha256: ExposureStore.sha(9))
        let hana = batch.owner
        batch.setOwner(username: "hana")
        let a1 = try must(batch.account(username: "a1"))
        let b1 = try must(batch.account(username: "b1"))
        let t = try must(batch.hashtag(name: "t"))
        let u = try must(batch.hashtag(name: "u"))
        var videos: [RowID] = []
        for n: UInt64 in 1...4 {
            let video = try must(batch.video(id: 7_200_000_000_000_000_000 + n))
            batch.describeVideo(video, hashtags: [n <= 2 ? t : u])
            videos.append(video)
        }
        let time = ExposureStore.january
        // #t: b1 (niche 1) saw w1, hana alone w2. #u: a1 (niche 0) saw w3, hana alone w4.
        batch.addEvent(actor: b1, kind: .watched, objectType: .video, object: videos[0], time: time)
        batch.addEvent(actor: hana, kind: .watched, objectType: .video, object: videos[1], time: time + 1)
        batch.addEvent(actor: a1, kind: .watched, objectType: .video, object: videos[2], time: time)
        batch.addEvent(actor: hana, kind: .watched, objectType: .video, object: videos[3], time: time + 2)
        var builder = StoreBuilder()
        builder.add(batch)
        let store = builder.build()
        let rows = try ["hana", "a1", "b1"].map { try #require(store.account(named: $0)) }
        var graph = Graph(nodeCount: 3, edges: [(0, 1, 1)])
        graph.nodeTypes = [.account, .account, .account]
        graph.nodeRows = rows.map { RowID($0) }
        let exposure = Exposure(
            graph: graph, membership: [0, 0, 1], communityCount: 2, store: store, options: ExposureOptions())
        let donor = try ExposureStore.donor(exposure, store, "hana")
        // Without leaving hana out, #t would be a tie (her view of w2 against b1's of w1).
        #expect(donor.counts == [NicheCount(niche: 0, events: 1), NicheCount(niche: 1, events: 1)])
        #expect(exposure.assignedByRule == [0, 0, 2])
    }

    @Test("leading votes: the leader without one account's votes, ties are no evidence")
    func leadingVotes() {
        var votes = LeadingVotes(count: 1)
        var weight = [Int64](repeating: 0, count: 4)
        weight[0] = 5
        weight[1] = 3
        weight[2] = 3
        votes.record(0, touched: [2, 0, 1], weight: weight)
        #expect(votes.leads[0].first == 0 && votes.leads[0].second == 1 && votes.leads[0].thirdWeight == 3)
        #expect(votes.leader(0, without: 0, of: .max) == 0)
        #expect(votes.leader(0, without: 1, of: 0) == 0)
        // 5 − 2 = 3 ties with niches 1 and 2; 5 − 5 leaves 1 and 2 tied.
        #expect(votes.leader(0, without: 2, of: 0) == .max)
        #expect(votes.leader(0, without: 5, of: 0) == .max)
        #expect(votes.leader(0, without: 3, of: 1) == 0)
        var values: [UInt32] = [2, 1, 2]
        #expect(NicheEvidence.plurality(&values) == 2)
        values = [1, 2]
        #expect(NicheEvidence.plurality(&values) == .max)
    }

    @Test("leading votes from a key × community table are those of the sorted votes, ties and empty keys included")
    func leadingVotesFromTable() {
        var random = SplitMix64(seed: 16)
        let keyCount = 60
        let communityCount = 7
        var keys: [UInt32] = []
        var communities: [UInt32] = []
        var amounts: [Int64] = []
        var table = [Int64](repeating: 0, count: keyCount * communityCount)
        // Every third key gets no vote; small amounts make ties between communities common.
        for _ in 0..<2_000 {
            let key = random.below(keyCount)
            guard key % 3 != 0 else { continue }
            let community = random.below(communityCount)
            let amount = Int64(1 + random.below(3)) * 500
            keys.append(UInt32(key))
            communities.append(UInt32(community))
            amounts.append(amount)
            table[community * keyCount + key] += amount
        }
        func distributions(_ tally: ((Int, [UInt32], [Int64]) -> Void) -> LeadingVotes) -> (
            LeadingVotes, [[UInt32: Int64]]
        ) {
            var seen = [[UInt32: Int64]](repeating: [:], count: keyCount)
            let votes = tally { key, touched, weight in
                for c in touched { seen[key][c] = weight[Int(c)] }
            }
            return (votes, seen)
        }
        let (sorted, sortedSeen) = distributions {
            LeadingVotes.tally(
                keyCount: keyCount, communityCount: communityCount, keys: keys, communities: communities,
                weights: amounts, visit: $0)
        }
        let (summed, summedSeen) = distributions {
            LeadingVotes.tally(keyCount: keyCount, communityCount: communityCount, table: table, visit: $0)
        }
        #expect(summed.leads == sorted.leads)
        #expect(summedSeen == sortedSeen)
        #expect(sorted.leads.contains { $0.first == .max } && sorted.leads.contains { $0.thirdWeight > 0 })
    }

    @Test("shifts need a lasting lead; a blip or a tie is none; the first niche settles; thin periods date a shift")
    func shifts() {
        func period(_ index: Int32, _ counts: [(UInt32, Int)]) -> ExposurePeriodMeasure {
            let list = counts.map { NicheCount(niche: $0.0, events: $0.1) }
            let total = list.reduce(0) { $0 + $1.events }
            return ExposurePeriodMeasure(
                period: index, events: total, assigned: total, counts: ExposureMeasures.ordered(list),
                dominant: ExposureMeasures.dominant(list), qualifies: false, divergence: nil)
        }
        // A A B(blip) A A [few B] B B B: one shift to the lasting B, dated back to the thin period
        // before it that B leads too.
        var periods = [
            period(1, [(0, 20)]), period(2, [(0, 18), (1, 2)]), period(3, [(1, 15), (0, 5)]), period(4, [(0, 30)]),
            period(5, [(0, 25)]), period(6, [(1, 3)]), period(7, [(1, 12), (0, 10)]), period(8, [(1, 30), (0, 1)]),
            period(9, [(1, 20)]),
        ]
        let found = PeriodShifts.detect(&periods, minimumEvents: 10, persistence: 2)
        #expect(found.count == 1)
        #expect(found.first?.period == 6 && found.first?.from == 0 && found.first?.to == 1)
        #expect(!periods[5].qualifies && periods[5].divergence == nil)
        #expect(periods[0].divergence == nil && periods[1].divergence != nil)
        // Right after a shift, one month back (5 vs 4) does not undo it when the pooled window stays.
        var after = [
            period(1, [(0, 20)]), period(2, [(0, 20)]), period(3, [(1, 29), (0, 3)]), period(4, [(0, 5), (1, 4)]),
            period(5, [(1, 30)]),
        ]
        let kept = PeriodShifts.detect(&after, minimumEvents: 1, persistence: 2)
        #expect(kept.map(\.period) == [3])
        // One heavy month of B, undone by A at once: a blip, neither shift is reported.
        var binge = [
            period(1, [(0, 20)]), period(2, [(0, 20)]), period(3, [(1, 60), (0, 2)]), period(4, [(0, 12), (1, 2)]),
            period(5, [(0, 20)]),
        ]
        #expect(PeriodShifts.detect(&binge, minimumEvents: 1, persistence: 2).isEmpty)
        // A tie never starts a shift; a change in the last period cannot be confirmed.
        var tied = [period(1, [(0, 10)]), period(2, [(0, 10)]), period(3, [(0, 10), (1, 10)]), period(4, [(1, 10)])]
        #expect(PeriodShifts.detect(&tied, minimumEvents: 1, persistence: 2).isEmpty)
    }

    @Test("UTC calendar periods: Monday weeks, months, quarters, leap days")
    func calendar() {
        // 2024-02-29T12:00:00Z is a Thursday.
        let leapDay: UInt32 = 1_709_208_000
        #expect(ExposureCalendar.startDate(of: ExposureCalendar.period(of: leapDay, .week), .week) == "2024-02-26")
        #expect(ExposureCalendar.startDate(of: ExposureCalendar.period(of: leapDay, .month), .month) == "2024-02-01")
        #expect(
            ExposureCalendar.startDate(of: ExposureCalendar.period(of: leapDay, .quarter), .quarter) == "2024-01-01")
        #expect(ExposureCalendar.shortName(of: ExposureCalendar.period(of: leapDay, .quarter), .quarter) == "2024-Q1")
        #expect(ExposureCalendar.shortName(of: ExposureCalendar.period(of: leapDay, .month), .month) == "2024-02")
        // The last second of a month is in it; the next is in the next month.
        #expect(
            ExposureCalendar.period(of: ExposureStore.february - 1, .month) + 1
                == ExposureCalendar.period(of: ExposureStore.february, .month))
        // 1970-01-01 (a Thursday) is in the week of Monday 1969-12-29; 2024-01-01 is a Monday.
        #expect(ExposureCalendar.startDate(of: ExposureCalendar.period(of: 1, .week), .week) == "1969-12-29")
        #expect(
            ExposureCalendar.startDate(of: ExposureCalendar.period(of: ExposureStore.january, .week), .week)
                == "2024-01-01")
        #expect(
            ExposureCalendar.startDate(of: ExposureCalendar.period(of: 4_294_967_295, .quarter), .quarter)
                == "2106-01-01")
    }
}
