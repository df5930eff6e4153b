/// One calendar period of a donor's exposure.
package struct ExposurePeriodMeasure: Sendable, Equatable {
    /// The period's number (`ExposureCalendar`).
    package var period: Int32
    /// Exposure events in the period (events of unknown time are in no period).
    package var events: Int
    /// Those of them with a niche.
    package var assigned: Int
    /// Assigned events per niche, most first.
    package var counts: [NicheCount]
    /// The niche with the most events (the smallest number among equals); nil when none is assigned.
    package var dominant: UInt32?
    /// Whether the period has enough assigned events to take part in shifts and flows.
    package var qualifies: Bool
    /// Jensen–Shannon divergence from the previous qualifying period (nil for the first, and for
    /// periods that do not qualify).
    package var divergence: Double?
}

/// A lasting change of the dominant niche of a donor's feed.
package struct ExposureShift: Sendable, Equatable {
    /// The period in which the new niche first leads.
    package var period: Int32
    package var from: UInt32
    package var to: UInt32
    /// Jensen–Shannon divergence between the previous qualifying period and this one.
    package var divergence: Double
}

/// Shifts of a donor's feed from one niche to another, with hysteresis.
///
/// Only periods with at least `minimumEvents` assigned events *qualify*; the others are skipped
/// (a month with three views says little about the feed). A niche *leads* a qualifying period when
/// it has strictly more assigned events than any other, and it *holds* from that period when it
/// also leads the pooled assigned events of that period and the next `persistence − 1` qualifying
/// periods. The feed settles in the first niche that holds; after that, a shift to niche `B` is
/// recorded at the first qualifying period where `B` holds and is not the current niche. So the
/// new niche has to stay ahead over the window, not only for a month: a month of something else
/// is a blip, and a month back to the old niche right after a shift does not undo it unless the
/// old niche holds again; and a shift that the old niche undoes at the very next qualifying period
/// (one heavy month of something else) is a blip too: neither is reported. A tie never starts a
/// shift. With `persistence` ≥ 2, a change in the last qualifying period is not reported: it cannot
/// yet be seen to stay.
///
/// The shift is dated to the earliest of the skipped periods just before that qualifying period
/// that `B` leads too (back to the previous qualifying period): the small periods are too thin to
/// decide a shift, but once it is decided they say when it began.
package enum PeriodShifts {
    /// Marks the qualifying periods, fills their divergence from the previous qualifying period, and
    /// returns the shifts. `periods` are in time order.
    package static func detect(
        _ periods: inout [ExposurePeriodMeasure], minimumEvents: Int, persistence: Int
    ) -> [ExposureShift] {
        var qualifying: [Int] = []
        for index in periods.indices {
            periods[index].qualifies = periods[index].assigned >= max(1, minimumEvents)
            periods[index].divergence = nil
            if periods[index].qualifies { qualifying.append(index) }
        }
        for (position, index) in qualifying.enumerated() where position > 0 {
            periods[index].divergence = ExposureMeasures.jensenShannon(
                periods[qualifying[position - 1]].counts, periods[index].counts)
        }
        let leaders = qualifying.map { ExposureMeasures.strictLeader(periods[$0].counts) }
        let span = max(1, persistence)
        /// Whether `niche` leads the pooled events of the window of qualifying periods from `position`.
        func lasts(_ niche: UInt32, from position: Int) -> Bool {
            guard position + span <= leaders.count else { return false }
            if span == 1 { return true }
            var pooled: [UInt32: Int] = [:]
            for index in qualifying[position..<position + span] {
                for count in periods[index].counts { pooled[count.niche, default: 0] += count.events }
            }
            let window = pooled.map { NicheCount(niche: $0.key, events: $0.value) }
            return ExposureMeasures.strictLeader(window) == niche
        }
        var shifts: [ExposureShift] = []
        var positions: [Int] = []
        var current: UInt32?
        for (position, leader) in leaders.enumerated() {
            guard let leader, leader != current, lasts(leader, from: position) else { continue }
            if let from = current {
                var start = qualifying[position]
                let floor = position > 0 ? qualifying[position - 1] : -1
                while start - 1 > floor && ExposureMeasures.strictLeader(periods[start - 1].counts) == leader {
                    start -= 1
                }
                if let last = shifts.last, let at = positions.last, at + 1 == position, last.from == leader {
                    // Undone at once: a blip, not two shifts.
                    shifts.removeLast()
                    positions.removeLast()
                } else {
                    shifts.append(
                        ExposureShift(
                            period: periods[start].period, from: from, to: leader,
                            divergence: periods[qualifying[position]].divergence ?? 0))
                    positions.append(position)
                }
            }
            current = leader
        }
        return shifts
    }
}
