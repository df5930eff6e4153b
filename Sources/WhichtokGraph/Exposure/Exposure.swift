import Dispatch
import WhichtokStore
import WhichtokSupport

/// Settings of an exposure analysis.
package struct ExposureOptions: Sendable, Equatable {
    /// The donor events measured: what the feed showed (views) and what the donor did with it.
    package static let defaultKinds: Set<EventKind> = [.watched, .liked, .favorited, .shared]

    /// The kinds of the donors' events that are measured (`--kinds`).
    package var kinds: Set<EventKind> = ExposureOptions.defaultKinds
    /// Calendar periods for the per-period measures and shifts (`--period`).
    package var period: ExposurePeriod = .month
    /// Assigned events a period needs to take part in shifts and flows (`--min-period-events`).
    package var minPeriodEvents = 10
    /// Qualifying periods a new dominant niche has to lead in a row to count as a shift
    /// (`--shift-persistence`).
    package var shiftPersistence = 2
    /// The weight of each kind in the engagement vote that places videos (the co-engagement weights,
    /// `--engagement-weights`).
    package var voteWeights: KindWeights = .engagementDefaults

    package init() {}
}

/// One donor's exposure: what their feed was made of, niche by niche, overall and per period.
package struct DonorExposure: Sendable, Equatable {
    /// The donor's account row.
    package var account: RowID
    /// The donor's own community in the graph; nil when the donor is not a node.
    package var niche: UInt32?
    /// Exposure events and assigned ones, per kind of `Exposure.kinds` (same order).
    package var eventsByKind: [Int]
    package var assignedByKind: [Int]
    /// Assigned events per niche, most first.
    package var counts: [NicheCount]
    package var periods: [ExposurePeriodMeasure]
    package var shifts: [ExposureShift]

    package var events: Int { eventsByKind.reduce(0, +) }
    package var assigned: Int { assignedByKind.reduce(0, +) }
    /// The niche with the most assigned events; nil when none is assigned.
    package var dominant: UInt32? { ExposureMeasures.dominant(counts) }
    package var entropy: Double? { ExposureMeasures.entropy(counts) }
    package var effectiveNiches: Double? { ExposureMeasures.effectiveNiches(counts) }
    /// The share of the donor's own niche; nil when the donor is not in the graph or has no
    /// assigned event.
    package var ownShare: Double? { niche.flatMap { ExposureMeasures.share(of: $0, in: counts) } }
}

/// Which tok each donor is on: the niches (communities of the graph) their feed came from, how
/// concentrated it is, how much of it is their own niche, and when it moved.
///
/// For every donor (an account flagged as an archive owner) the events of the chosen kinds whose
/// object is a video (or a comment on one) are placed into niches by `NicheEvidence`, with the donor's
/// own engagement left out; shares are of assigned events, and the unassigned ones are counted so
/// that coverage is always known. Per-period counts feed `PeriodShifts`, and the donors' shares feed
/// `NicheClosure`. Events outside the graph's time window (`--since`, `--until`) are left out.
///
/// Cost: O(E + V + n + m) to gather the evidence, then about O(E_d) per donor (a counting sort groups
/// their events by period; a sort, O(E_d log E_d), when the periods span far more than the events):
/// about linear in events. Donors are measured in parallel chunks.
package struct Exposure: Sendable {
    package var options: ExposureOptions
    /// The measured kinds, in kind order (the order of `DonorExposure.eventsByKind`).
    package var kinds: [EventKind]
    /// Niches: the communities of the analysis, same numbers.
    package var nicheCount: Int
    /// Every donor in account order.
    package var donors: [DonorExposure]
    /// Per niche: closure and flows.
    package var niches: [NicheClosure]
    /// Exposure events of all donors, and those assigned, by rule (`NicheRule.rawValue`).
    package var events: Int
    package var assignedByRule: [Int]
    /// Seconds per phase (not part of any deterministic output).
    package var timings: [(String, Double)]

    package var assigned: Int { assignedByRule.reduce(0, +) }

    /// Measures every donor's exposure over the niches of `analysis` (whose graph `store` built).
    package init(analysis: Analysis, store: Store, options: ExposureOptions = ExposureOptions()) {
        self.init(
            graph: analysis.graph, membership: analysis.leiden.membership,
            communityCount: analysis.leiden.communityCount, store: store, options: options)
    }

    /// Measures every donor's exposure over the communities `leiden` found in `graph` (which `store`
    /// built): what `init(analysis:store:options:)` gives, without waiting for the rest of the
    /// analysis (see `Analysis.run(_:store:options:alongside:)`). Without `niches`, `niches` is left
    /// empty (for callers that use the donors only).
    package init(
        graph: Graph, leiden: Leiden, store: Store, options: ExposureOptions = ExposureOptions(), niches: Bool = true
    ) {
        self.init(
            graph: graph, membership: leiden.membership, communityCount: leiden.communityCount, store: store,
            options: options, niches: niches)
    }

    /// Measures every donor's exposure over the communities `membership` (per node of `graph`, each
    /// below `communityCount`). `chunks` overrides the number of donor chunks (tests); the result does
    /// not depend on it.
    init(
        graph: Graph, membership: [UInt32], communityCount: Int, store: Store, options: ExposureOptions,
        chunks: Int? = nil, niches measuringNiches: Bool = true
    ) {
        var clock = PhaseClock()
        self.options = options
        let kinds = options.kinds.sorted()
        self.kinds = kinds
        let nicheCount = communityCount
        self.nicheCount = nicheCount
        let evidence = clock.time("evidence") {
            NicheEvidence(
                graph: graph, membership: membership, communityCount: nicheCount, store: store,
                voteWeights: options.voteWeights)
        }

        // The donors' events, grouped by donor (rows stay in store order).
        let accounts = store.accounts
        var donorRows: [RowID] = []
        var slot = [Int32](repeating: -1, count: accounts.count)
        for row in 0..<accounts.count where accounts.flags(RowID(row)).contains(.donor) {
            slot[row] = Int32(donorRows.count)
            donorRows.append(RowID(row))
        }
        let grouped = clock.time("group") { DonorEvents(store.events, donors: donorRows, slot: slot) }

        var kindPosition = [Int](repeating: -1, count: 256)
        for (position, kind) in kinds.enumerated() { kindPosition[Int(kind.rawValue)] = position }
        // Donors are measured in parallel chunks (each with its own working memory), and the chunks'
        // results joined in donor order.
        let chunkCount = max(
            1, min(chunks ?? (donorRows.count >= 256 ? min(8, 2 * Parallel.width) : 1), donorRows.count))
        var chunkDonors = [[DonorExposure]](repeating: [], count: chunkCount)
        var chunkRules = [[Int]](repeating: [], count: chunkCount)
        clock.time("donors") {
            chunkDonors.withUnsafeMutableBufferPointer { d in
                chunkRules.withUnsafeMutableBufferPointer { r in
                    let donorsOut = SharedBuffer(d)
                    let rulesOut = SharedBuffer(r)
                    Parallel.forEachChunk(count: donorRows.count, chunks: chunkCount, minimumParallelCount: 2) {
                        c, range in
                        var rules = [Int](repeating: 0, count: NicheRule.allCases.count)
                        donorsOut[c] = Self.measure(
                            donors: range, rows: donorRows, events: grouped,
                            evidence: evidence, store: store, kindPosition: kindPosition, kindCount: kinds.count,
                            options: options, nicheCount: nicheCount, assignedByRule: &rules)
                        rulesOut[c] = rules
                    }
                }
            }
        }
        var donors: [DonorExposure] = []
        donors.reserveCapacity(donorRows.count)
        var assignedByRule = [Int](repeating: 0, count: NicheRule.allCases.count)
        for c in 0..<chunkCount {
            donors += chunkDonors[c]
            for (rule, count) in chunkRules[c].enumerated() { assignedByRule[rule] += count }
        }
        let totalEvents = donors.reduce(0) { $0 + $1.events }
        self.donors = donors
        self.events = totalEvents
        self.assignedByRule = assignedByRule
        niches =
            measuringNiches ? clock.time("closure") { NicheClosure.of(donors: donors, nicheCount: nicheCount) } : []
        self.timings = clock.phases
    }

    /// Measures the donors `range` (positions in `rows`, whose events `grouped` lists), adding their
    /// assigned events by rule to `assignedByRule`.
    static func measure(
        donors range: Range<Int>, rows donorRows: [RowID], events grouped: DonorEvents,
        evidence: NicheEvidence, store: Store, kindPosition: [Int], kindCount: Int, options: ExposureOptions,
        nicheCount: Int, assignedByRule: inout [Int]
    ) -> [DonorExposure] {
        let events = store.events
        let period = options.period
        var scratch = NicheEvidence.Scratch(evidence)
        // The donor's answers per video (a donor meets many videos more than once): 0 not yet
        // asked, 1 no evidence, 2 + rule with the niche in `knownNiche`; cleared after each donor.
        var knownRule = [UInt8](repeating: 0, count: evidence.videoVotes.count)
        var knownNiche = [UInt32](repeating: 0, count: evidence.videoVotes.count)
        var askedVideos: [UInt32] = []
        var nicheEvents = [Int](repeating: 0, count: nicheCount)
        var touchedNiches: [UInt32] = []
        var keys: [UInt64] = []
        var counter = PeriodCounter(nicheCount: nicheCount)
        // Period numbers of recent days (direct-mapped by day; the calendar is the slow part).
        var cachedDay = [Int](repeating: -1, count: 1_024)
        var cachedPeriod = [Int32](repeating: 0, count: 1_024)
        var donors: [DonorExposure] = []
        donors.reserveCapacity(range.count)
        for d in range {
            let row = donorRows[d]
            let donorEvents = grouped.range(d)
            evidence.begin(donor: row, store: store, events: grouped, range: donorEvents, scratch: &scratch)
            var eventsByKind = [Int](repeating: 0, count: kindCount)
            var assignedByKind = [Int](repeating: 0, count: kindCount)
            keys.removeAll(keepingCapacity: true)
            // The video questions miss the cache (the videos' leading votes are larger than it): the
            // votes of the video a few events ahead are fetched while this one is answered.
            let ahead = 8
            for position in donorEvents.lowerBound..<min(donorEvents.upperBound, donorEvents.lowerBound + ahead) {
                evidence.prefetch(event: grouped.event(position), store: store)
            }
            for position in donorEvents {
                if position + ahead < donorEvents.upperBound {
                    evidence.prefetch(event: grouped.event(position + ahead), store: store)
                }
                let i = grouped.event(position)
                let kind = kindPosition[Int(events.kind[i])]
                let time = events.time[i]
                guard kind >= 0, evidence.window.accepts(time: time) else { continue }
                let video = NicheEvidence.video(
                    objectType: events.objectType[i], object: events.object[i], commentVideo: evidence.commentVideo)
                guard video != .none else { continue }
                eventsByKind[kind] += 1
                let niche: UInt32
                let rule: NicheRule?
                let v = Int(video)
                if v < knownRule.count && knownRule[v] != 0 {
                    niche = knownNiche[v]
                    rule = knownRule[v] == 1 ? nil : NicheRule(rawValue: Int(knownRule[v]) - 2)
                } else {
                    (niche, rule) = evidence.niche(ofVideo: video, &scratch)
                    if v < knownRule.count {
                        knownRule[v] = rule.map { UInt8($0.rawValue + 2) } ?? 1
                        knownNiche[v] = niche
                        askedVideos.append(video)
                    }
                }
                if let rule, Int(niche) < nicheCount {
                    assignedByKind[kind] += 1
                    assignedByRule[rule.rawValue] += 1
                    if nicheEvents[Int(niche)] == 0 { touchedNiches.append(niche) }
                    nicheEvents[Int(niche)] += 1
                }
                if time != 0 {
                    let day = Int(time / 86_400)
                    let slot = day & 1_023
                    if cachedDay[slot] != day {
                        cachedDay[slot] = day
                        cachedPeriod[slot] = ExposureCalendar.period(of: time, period)
                    }
                    let recorded = rule == nil ? UInt32.max : niche
                    keys.append(UInt64(UInt32(bitPattern: cachedPeriod[slot])) << 32 | UInt64(recorded))
                }
            }
            evidence.end(&scratch)
            for video in askedVideos { knownRule[Int(video)] = 0 }
            askedVideos.removeAll(keepingCapacity: true)
            let counts = ExposureMeasures.ordered(
                touchedNiches.map { NicheCount(niche: $0, events: nicheEvents[Int($0)]) })
            for niche in touchedNiches { nicheEvents[Int(niche)] = 0 }
            touchedNiches.removeAll(keepingCapacity: true)
            var periods = counter.periods(&keys)
            let shifts = PeriodShifts.detect(
                &periods, minimumEvents: options.minPeriodEvents, persistence: options.shiftPersistence)
            donors.append(
                DonorExposure(
                    account: row, niche: evidence.community(ofAccount: row), eventsByKind: eventsByKind,
                    assignedByKind: assignedByKind, counts: counts, periods: periods, shifts: shifts))
        }
        return donors
    }

    /// Periods from `period << 32 | niche` keys (`.max` for an unassigned event), in time order.
    /// Sorts the keys (`PeriodCounter` counts them instead where the periods span little).
    static func periods(_ keys: inout [UInt64]) -> [ExposurePeriodMeasure] {
        keys.sort()
        var periods: [ExposurePeriodMeasure] = []
        var start = 0
        while start < keys.count {
            let period = Int32(bitPattern: UInt32(truncatingIfNeeded: keys[start] >> 32))
            var measure = ExposurePeriodMeasure(
                period: period, events: 0, assigned: 0, counts: [], dominant: nil, qualifies: false, divergence: nil)
            var end = start
            while end < keys.count && keys[end] >> 32 == keys[start] >> 32 {
                let niche = UInt32(truncatingIfNeeded: keys[end])
                var next = end
                while next < keys.count && keys[next] == keys[end] { next += 1 }
                measure.events += next - end
                if niche != .max {
                    measure.assigned += next - end
                    measure.counts.append(NicheCount(niche: niche, events: next - end))
                }
                end = next
            }
            measure.counts = ExposureMeasures.ordered(measure.counts)
            measure.dominant = ExposureMeasures.dominant(measure.counts)
            periods.append(measure)
            start = end
        }
        return periods
    }
}

/// Each donor's events, in store order: where the store's events are already ordered by actor (as
/// a store's are), the donor's rows themselves (a binary search per donor); otherwise a counting
/// sort of the donors' rows.
struct DonorEvents: Sendable {
    /// Per donor: where its events start and end (positions for `event(_:)`).
    private var starts: [Int]
    private var ends: [Int]
    /// The event row at each position; empty when positions are event rows.
    private var rows: [UInt32]

    /// `donors` (account rows); `slot[row]` is a row's place in `donors`, or -1.
    init(_ events: EventTable, donors: [RowID], slot: [Int32]) {
        let actors = events.actor
        var ordered = true
        actors.withUnsafeBufferPointer { actors in
            for i in actors.indices.dropFirst() where actors[i] < actors[i - 1] {
                ordered = false
                break
            }
        }
        if ordered {
            starts = donors.map { actors.firstIndex(notBelow: $0) }
            ends = donors.map { $0 == .max ? actors.count : actors.firstIndex(notBelow: $0 + 1) }
            rows = []
            return
        }
        var offsets = [Int](repeating: 0, count: donors.count + 1)
        offsets.withUnsafeMutableBufferPointer { offsets in
            for actor in actors where Int(actor) < slot.count && slot[Int(actor)] >= 0 {
                offsets[Int(slot[Int(actor)]) + 1] += 1
            }
            for d in 0..<donors.count { offsets[d + 1] += offsets[d] }
        }
        var cursor = offsets
        var rows = [UInt32](repeating: 0, count: offsets[donors.count])
        rows.withUnsafeMutableBufferPointer { rows in
            cursor.withUnsafeMutableBufferPointer { cursor in
                for i in 0..<actors.count {
                    let actor = Int(actors[i])
                    guard actor < slot.count, slot[actor] >= 0 else { continue }
                    let d = Int(slot[actor])
                    rows[cursor[d]] = UInt32(i)
                    cursor[d] += 1
                }
            }
        }
        starts = Array(offsets.dropLast())
        ends = Array(offsets.dropFirst())
        self.rows = rows
    }

    /// The positions of donor `d`'s events.
    func range(_ d: Int) -> Range<Int> { starts[d]..<ends[d] }

    /// The event row at `position`.
    @inline(__always)
    func event(_ position: Int) -> Int { rows.isEmpty ? position : Int(rows[position]) }
}

/// Periods from `period << 32 | niche` keys without sorting them when they span few periods: a
/// counting sort by period, then each period's niches counted; what `Exposure.periods` gives.
/// Reuses its working memory from donor to donor.
struct PeriodCounter {
    var nicheEvents: [Int]
    var touched: [UInt32] = []
    var bucketStart: [Int] = []
    var niches: [UInt32] = []

    init(nicheCount: Int) { nicheEvents = [Int](repeating: 0, count: nicheCount) }

    mutating func periods(_ keys: inout [UInt64]) -> [ExposurePeriodMeasure] {
        // Periods in the keys' order (as unsigned numbers, like the sort).
        guard var low = keys.first.map({ UInt32(truncatingIfNeeded: $0 >> 32) }) else { return [] }
        var high = low
        var nichesInRange = true
        for key in keys {
            let period = UInt32(truncatingIfNeeded: key >> 32)
            low = min(low, period)
            high = max(high, period)
            let niche = UInt32(truncatingIfNeeded: key)
            if niche != .max && Int(niche) >= nicheEvents.count { nichesInRange = false }
        }
        let span = Int(high) - Int(low) + 1
        guard span <= 4 * keys.count + 64, nichesInRange else { return Exposure.periods(&keys) }
        bucketStart.removeAll(keepingCapacity: true)
        bucketStart.append(contentsOf: repeatElement(0, count: span + 1))
        for key in keys { bucketStart[Int(UInt32(truncatingIfNeeded: key >> 32) - low) + 1] += 1 }
        for b in 0..<span { bucketStart[b + 1] += bucketStart[b] }
        niches.removeAll(keepingCapacity: true)
        niches.append(contentsOf: repeatElement(0, count: keys.count))
        for key in keys {
            let b = Int(UInt32(truncatingIfNeeded: key >> 32) - low)
            niches[bucketStart[b]] = UInt32(truncatingIfNeeded: key)
            bucketStart[b] += 1
        }
        // bucketStart[b] is now the end of bucket b, and the start of bucket b + 1.
        var periods: [ExposurePeriodMeasure] = []
        var start = 0
        for b in 0..<span where bucketStart[b] > start {
            let end = bucketStart[b]
            var measure = ExposurePeriodMeasure(
                period: Int32(bitPattern: low + UInt32(b)), events: end - start, assigned: 0, counts: [], dominant: nil,
                qualifies: false, divergence: nil)
            for position in start..<end {
                let niche = niches[position]
                guard niche != .max else { continue }
                if nicheEvents[Int(niche)] == 0 { touched.append(niche) }
                nicheEvents[Int(niche)] += 1
                measure.assigned += 1
            }
            measure.counts = ExposureMeasures.ordered(
                touched.map { NicheCount(niche: $0, events: nicheEvents[Int($0)]) })
            for niche in touched { nicheEvents[Int(niche)] = 0 }
            touched.removeAll(keepingCapacity: true)
            measure.dominant = ExposureMeasures.dominant(measure.counts)
            periods.append(measure)
            start = end
        }
        return periods
    }
}
