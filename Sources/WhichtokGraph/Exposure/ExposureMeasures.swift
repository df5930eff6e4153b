/// Events in one niche.
package struct NicheCount: Sendable, Equatable {
    package var niche: UInt32
    package var events: Int

    package init(niche: UInt32, events: Int) {
        self.niche = niche
        self.events = events
    }
}

/// A niche's share of something (a donor's feed, a niche's members' feeds).
package struct NicheShare: Sendable, Equatable {
    package var niche: UInt32
    package var share: Double

    package init(niche: UInt32, share: Double) {
        self.niche = niche
        self.share = share
    }
}

/// The measures of one distribution of assigned events over niches: shares, the dominant niche,
/// Shannon entropy, the effective number of niches and the Jensen–Shannon divergence between two
/// distributions.
///
/// - share of niche `c`: `p_c = n_c / N` for `n_c` assigned events in `c` out of `N` assigned;
/// - entropy (natural logarithm, nats): `H = −Σ_c p_c ln p_c`, 0 for a feed in one niche;
/// - effective number of niches: `e^H` (Hill number of order 1): `k` for a feed spread evenly over
///   `k` niches, whatever their number;
/// - Jensen–Shannon divergence (base-2 logarithm, so it lies in [0, 1]):
///   `JS(P, Q) = ½ Σ_c p_c log₂(p_c / m_c) + ½ Σ_c q_c log₂(q_c / m_c)` with `m = (P + Q) / 2`:
///   0 for the same mix, 1 for feeds with no niche in common.
package enum ExposureMeasures {
    /// Counts ordered by events (most first), then niche number.
    package static func ordered(_ counts: [NicheCount]) -> [NicheCount] {
        counts.sorted { $0.events != $1.events ? $0.events > $1.events : $0.niche < $1.niche }
    }

    /// The niche with the most events (the smallest number among equals); nil for no events.
    package static func dominant(_ counts: [NicheCount]) -> UInt32? {
        var best: NicheCount?
        for count in counts where count.events > 0 {
            if let current = best,
                current.events > count.events || (current.events == count.events && current.niche < count.niche)
            {
                continue
            }
            best = count
        }
        return best?.niche
    }

    /// The niche with strictly more events than any other; nil for none or a tie.
    package static func strictLeader(_ counts: [NicheCount]) -> UInt32? {
        var best: NicheCount?
        var tied = false
        for count in counts where count.events > 0 {
            if let current = best {
                if count.events > current.events {
                    best = count
                    tied = false
                } else if count.events == current.events {
                    tied = true
                }
            } else {
                best = count
            }
        }
        return tied ? nil : best?.niche
    }

    /// `H = −Σ p ln p` (nats); nil when there are no events.
    package static func entropy(_ counts: [NicheCount]) -> Double? {
        let total = counts.reduce(0) { $0 + $1.events }
        guard total > 0 else { return nil }
        var h = 0.0
        for count in counts where count.events > 0 {
            let p = Double(count.events) / Double(total)
            h -= p * log(p)
        }
        return max(0, h)
    }

    /// `e^H`; nil when there are no events.
    package static func effectiveNiches(_ counts: [NicheCount]) -> Double? {
        entropy(counts).map { exp($0) }
    }

    /// The share of `niche` among the events; nil when there are none.
    package static func share(of niche: UInt32, in counts: [NicheCount]) -> Double? {
        let total = counts.reduce(0) { $0 + $1.events }
        guard total > 0 else { return nil }
        let inside = counts.first { $0.niche == niche }?.events ?? 0
        return Double(inside) / Double(total)
    }

    /// The Jensen–Shannon divergence of two distributions (base 2, in [0, 1]); nil when either has
    /// no events.
    package static func jensenShannon(_ a: [NicheCount], _ b: [NicheCount]) -> Double? {
        let totalA = a.reduce(0) { $0 + $1.events }
        let totalB = b.reduce(0) { $0 + $1.events }
        guard totalA > 0, totalB > 0 else { return nil }
        let left = a.filter { $0.events > 0 }.sorted { $0.niche < $1.niche }
        let right = b.filter { $0.events > 0 }.sorted { $0.niche < $1.niche }
        var i = 0
        var j = 0
        var sum = 0.0
        func term(_ p: Double, _ m: Double) -> Double { p > 0 ? p * log2(p / m) : 0 }
        while i < left.count || j < right.count {
            var p = 0.0
            var q = 0.0
            if j >= right.count || (i < left.count && left[i].niche < right[j].niche) {
                p = Double(left[i].events) / Double(totalA)
                i += 1
            } else if i >= left.count || right[j].niche < left[i].niche {
                q = Double(right[j].events) / Double(totalB)
                j += 1
            } else {
                p = Double(left[i].events) / Double(totalA)
                q = Double(right[j].events) / Double(totalB)
                i += 1
                j += 1
            }
            let m = (p + q) / 2
            sum += 0.5 * term(p, m) + 0.5 * term(q, m)
        }
        return min(1, max(0, sum))
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
