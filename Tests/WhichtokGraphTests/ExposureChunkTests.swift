import Testing
import WhichtokSupport
import WhichtokTestSupport

@testable import WhichtokGraph
@testable import WhichtokStore

/// Exposure's parallel donor chunks and its period cache give what one pass gives.
@Suite("Exposure chunks")
struct ExposureChunkTests {
    /// `donors` archives over a pool of videos in two camps; each donor watches and likes some of
    /// them on days up to three years apart, one donor has no events and one has a single view.
    static func store(donors: Int) throws -> Store {
        var builder = StoreBuilder()
        let day: UInt32 = 86_400
        for d in 0..<donors {
            var batch = ImportBatch(inputName: "donor\(d).zip", sha256: ExposureStore.sha(UInt8(truncatingIfNeeded: d)))
            let owner = batch.owner
            batch.setOwner(username: "donor\(d)")
            if d == 0 {
                builder.add(batch)
                continue
            }
            let count = d == 1 ? 1 : 6 + d % 5
            for e in 0..<count {
                let camp = UInt64((d + (e == 0 ? 1 : 0)) % 2)
                let video = try must(batch.video(id: 7_500_000_000_000_000_000 + camp * 100 + UInt64((d * 7 + e) % 9)))
                // Days 1,024 apart share a cache slot: the cache must tell them apart.
                let time = ExposureStore.january + UInt32((d * 7 + e) % 60 + (e % 2) * 1_024) * day
                batch.addEvent(actor: owner, kind: .watched, objectType: .video, object: video, time: time)
                if e % 3 == 0 {
                    batch.addEvent(actor: owner, kind: .liked, objectType: .video, object: video, time: time + 60)
                }
            }
            builder.add(batch)
        }
        return builder.build()
    }

    /// A graph of every donor, in two communities by parity of the donor number.
    static func graph(_ store: Store, donors: Int) throws -> (Graph, [UInt32]) {
        let rows = try (0..<donors).map { try #require(store.account(named: "donor\($0)")) }
        var edges: [(Int, Int, Float)] = []
        for d in 2..<donors { edges.append((d - 2, d, 1)) }
        var graph = Graph(nodeCount: donors, edges: edges)
        graph.nodeTypes = [NodeType](repeating: .account, count: donors)
        graph.nodeRows = rows.map { RowID($0) }
        graph.parameters = GraphParameters(kind: .sharedSpace)
        return (graph, (0..<donors).map { UInt32($0 % 2) })
    }

    @Test("any number of donor chunks gives the same measures", arguments: [2, 3, 8])
    func chunks(_ chunks: Int) throws {
        let donors = 23
        let store = try Self.store(donors: donors)
        let (graph, membership) = try Self.graph(store, donors: donors)
        let one = Exposure(
            graph: graph, membership: membership, communityCount: 2, store: store, options: ExposureOptions(),
            chunks: 1)
        let many = Exposure(
            graph: graph, membership: membership, communityCount: 2, store: store, options: ExposureOptions(),
            chunks: chunks)
        #expect(one.donors.count == donors)
        #expect(one.assigned > 0)
        #expect(many.donors == one.donors)
        #expect(many.assignedByRule == one.assignedByRule)
        #expect(many.events == one.events)
        #expect(many.niches == one.niches)
    }

    @Test("periods come from the calendar, also for days that share a cache slot")
    func periods() throws {
        let donors = 9
        let store = try Self.store(donors: donors)
        let (graph, membership) = try Self.graph(store, donors: donors)
        for period in ExposurePeriod.allCases {
            var options = ExposureOptions()
            options.period = period
            let exposure = Exposure(
                graph: graph, membership: membership, communityCount: 2, store: store, options: options)
            for donor in exposure.donors {
                // The periods of the donor's measured events, straight from the calendar.
                var expected: [Int32: Int] = [:]
                for i in 0..<store.events.count where store.events.actor[i] == donor.account {
                    expected[ExposureCalendar.period(of: store.events.time[i], period), default: 0] += 1
                }
                #expect(donor.periods.map(\.period) == expected.keys.sorted())
                #expect(donor.periods.map(\.events) == expected.keys.sorted().map { expected[$0] ?? 0 })
            }
        }
    }

    @Test("exposure measured alongside the analysis is the exposure of the finished analysis")
    func alongsideAnalysis() throws {
        let donors = 23
        let store = try Self.store(donors: donors)
        let (graph, _) = try Self.graph(store, donors: donors)
        let plain = Analysis(graph, store: store)
        let (analysis, exposure) = Analysis.run(graph, store: store) { graph, leiden in
            Exposure(graph: graph, leiden: leiden, store: store)
        }
        #expect(analysis.leiden.membership == plain.leiden.membership)
        #expect(analysis.profiles == plain.profiles)
        #expect(AnalysisJSON.render(analysis, store: store) == AnalysisJSON.render(plain, store: store))
        let expected = Exposure(analysis: plain, store: store)
        #expect(!expected.donors.isEmpty && !expected.niches.isEmpty)
        #expect(exposure.donors == expected.donors)
        #expect(exposure.niches == expected.niches)
        #expect(
            ExposureJSON.render(exposure, analysis: analysis, store: store)
                == ExposureJSON.render(expected, analysis: plain, store: store))
        // Without the niches: the same donors.
        let donorsOnly = Exposure(graph: graph, leiden: analysis.leiden, store: store, niches: false)
        #expect(donorsOnly.donors == expected.donors)
        #expect(donorsOnly.niches.isEmpty)
    }

    @Test("counting periods gives what sorting the keys gives, unassigned events, wide spans and empty lists included")
    func countedPeriods() {
        var random = SplitMix64(seed: 5)
        var counter = PeriodCounter(nicheCount: 4)
        for round in 0..<200 {
            let count = round % 17
            let spread = UInt64([1, 3, 40, 5_000][round % 4])
            var keys: [UInt64] = (0..<count).map { _ in
                let period = 600 + random.next() % spread
                let niche = random.next() % 5 == 4 ? UInt64(UInt32.max) : random.next() % 4
                return period << 32 | niche
            }
            var sorted = keys
            #expect(counter.periods(&keys) == Exposure.periods(&sorted), "round \(round)")
        }
    }

    @Test("each donor's events in store order, whether the events are ordered by actor or not")
    func donorEvents() {
        let donors: [RowID] = [1, 3, 4]
        var slot = [Int32](repeating: -1, count: 6)
        for (d, row) in donors.enumerated() { slot[Int(row)] = Int32(d) }
        for actors: [RowID] in [[0, 1, 1, 2, 3, 3, 3, 5], [3, 1, 0, 3, 2, 1, 5, 3], []] {
            var events = EventTable()
            events.actor = actors
            let grouped = DonorEvents(events, donors: donors, slot: slot)
            for (d, row) in donors.enumerated() {
                let expected = actors.indices.filter { actors[$0] == row }
                #expect(grouped.range(d).map { grouped.event($0) } == expected, "donor \(row) of \(actors)")
            }
        }
    }
}
