/// How much a niche's feeds keep its members inside, and where the rest of their feeds comes from.
package struct NicheClosure: Sendable, Equatable {
    package var niche: UInt32
    /// Donors of this niche with at least one assigned event.
    package var members: Int
    /// Mean `own_share` of the members; nil without members.
    package var closure: Double?
    /// Mean share of each niche in the members' feeds (the niche itself included: its share is the
    /// closure), most first.
    package var inflows: [NicheShare]
    /// The same per period, over the members whose period qualifies (see `PeriodShifts`).
    package var periods: [NicheFlowPeriod]
}

/// The feeds of one niche's members in one period.
package struct NicheFlowPeriod: Sendable, Equatable {
    package var period: Int32
    package var members: Int
    package var inflows: [NicheShare]
}

extension NicheClosure {
    /// Closure and flows of every niche from the donors' exposure.
    ///
    /// `closure(A) = (1/|M_A|) Σ_{d ∈ M_A} own_share(d)` over the donors `M_A` of niche `A` with
    /// assigned events, and the flow from `B` into `A` is `(1/|M_A|) Σ_{d ∈ M_A} share_d(B)`: a mean
    /// of the members' shares, so every member counts once however much they watch, and the flow of
    /// `A` into itself is its closure. Per period the mean runs over the members whose period
    /// qualifies. O(Σ niches per donor period + sort of the results).
    static func of(donors: [DonorExposure], nicheCount: Int) -> [NicheClosure] {
        var members = [Int](repeating: 0, count: nicheCount)
        var sums = [[Double]](repeating: [], count: nicheCount)
        // (niche, period) → members and share sums, gathered then grouped by sorting.
        var periodRows: [(niche: UInt32, period: Int32, donor: Int, position: Int)] = []
        for (index, donor) in donors.enumerated() {
            guard let niche = donor.niche, Int(niche) < nicheCount, donor.assigned > 0 else { continue }
            members[Int(niche)] += 1
            if sums[Int(niche)].isEmpty { sums[Int(niche)] = [Double](repeating: 0, count: nicheCount) }
            for count in donor.counts where Int(count.niche) < nicheCount {
                sums[Int(niche)][Int(count.niche)] += Double(count.events) / Double(donor.assigned)
            }
            for (position, period) in donor.periods.enumerated() where period.qualifies {
                periodRows.append((niche, period.period, index, position))
            }
        }
        periodRows.sort {
            $0.niche != $1.niche
                ? $0.niche < $1.niche : $0.period != $1.period ? $0.period < $1.period : $0.donor < $1.donor
        }

        func ranked(_ totals: [Double], over count: Int, touched: [Int]) -> [NicheShare] {
            touched.filter { totals[$0] > 0 }.map { NicheShare(niche: UInt32($0), share: totals[$0] / Double(count)) }
                .sorted { $0.share != $1.share ? $0.share > $1.share : $0.niche < $1.niche }
        }

        var result: [NicheClosure] = []
        result.reserveCapacity(nicheCount)
        for niche in 0..<nicheCount {
            let count = members[niche]
            let totals = sums[niche]
            let inflows = count > 0 ? ranked(totals, over: count, touched: Array(0..<nicheCount)) : []
            let closure = count > 0 ? totals[niche] / Double(count) : nil
            result.append(
                NicheClosure(niche: UInt32(niche), members: count, closure: closure, inflows: inflows, periods: []))
        }
        var scratch = [Double](repeating: 0, count: nicheCount)
        var touched: [Int] = []
        var start = 0
        while start < periodRows.count {
            let niche = periodRows[start].niche
            let period = periodRows[start].period
            var end = start
            while end < periodRows.count && periodRows[end].niche == niche && periodRows[end].period == period {
                let measure = donors[periodRows[end].donor].periods[periodRows[end].position]
                for count in measure.counts where Int(count.niche) < nicheCount && count.events > 0 {
                    if scratch[Int(count.niche)] == 0 { touched.append(Int(count.niche)) }
                    scratch[Int(count.niche)] += Double(count.events) / Double(measure.assigned)
                }
                end += 1
            }
            touched.sort()
            let flow = NicheFlowPeriod(
                period: period, members: end - start, inflows: ranked(scratch, over: end - start, touched: touched))
            result[Int(niche)].periods.append(flow)
            for c in touched { scratch[c] = 0 }
            touched.removeAll(keepingCapacity: true)
            start = end
        }
        return result
    }
}
