import WhichtokStore
import WhichtokSupport

/// The `whichtok exposure --json` document: one object, keys in a fixed order, numbers in shortest
/// round-trip form (as `AnalysisJSON`), so the same store and options always give the same bytes.
///
/// ```
/// {"parameters": {"graph": {"kind", "directed", "nodes", "edges", "since", "until", "kinds", "min_weight",
///                           "min_degree", "largest_component_only", <settings>},
///                 "algorithm": {"objective", "resolution", "seed", "iterations"},
///                 "kinds", "vote_weights": {kind: weight}, "period", "min_period_events", "shift_persistence"},
///  "period": "month",
///  "niches": [{"id", "label", "size", "donors"}],
///  "coverage": {"events", "assigned", "unassigned", "by_rule": {"author", "engagement", "metadata"}},
///  "donors": [{"label", "niche", "events", "assigned", "kinds": {kind: {"events", "assigned"}}, "dominant",
///              "shares": [{"niche", "share", "events"}], "entropy", "effective_niches", "own_share",
///              "periods": [{"start": "YYYY-MM-DD", "events", "assigned", "dominant", "shares": [...],
///                           "qualifies", "divergence"}],
///              "shifts": [{"start", "from", "to", "divergence"}]}],
///  "closure": [{"niche", "members", "closure"}],
///  "flows": [{"niche", "members", "inflows": [{"niche", "share"}],
///             "periods": [{"start", "members", "inflows": [...]}]}]}
/// ```
/// Niche ids are the community ids of `analyze` with the same graph options. Values that do not
/// exist are `null`: `niche` and `own_share` of a donor outside the graph, `dominant`, `entropy`,
/// `effective_niches` and `own_share` without assigned events, `closure` of a niche without members.
///
/// Streamed through one compact `JSONWriter` with `AnalysisJSON`'s escaping, so that strings and
/// numbers are written exactly as in the `analyze --json` document the niches come from.
package enum ExposureJSON {
    package static func render(_ exposure: Exposure, analysis: Analysis, store: Store) -> String {
        var w = JSONWriter(
            capacity: 1024 + exposure.donors.count * 1200, layout: .compact, escaping: AnalysisJSON.escaping)
        w.beginObject()
        writeParameters(exposure, analysis: analysis, to: &w)
        w.field("period", exposure.options.period.rawValue)
        writeNiches(exposure, analysis: analysis, store: store, to: &w)
        w.key("coverage")
        w.beginObject()
        w.field("events", exposure.events)
        w.field("assigned", exposure.assigned)
        w.field("unassigned", exposure.events - exposure.assigned)
        w.key("by_rule")
        w.beginObject()
        for rule in NicheRule.allCases {
            w.key(rule.name)
            w.int(exposure.assignedByRule[rule.rawValue])
        }
        w.endObject()
        w.endObject()
        w.key("donors")
        w.beginArray()
        for donor in exposure.donors { writeDonor(donor, exposure: exposure, store: store, to: &w) }
        w.endArray()
        w.key("closure")
        w.beginArray()
        for niche in exposure.niches {
            w.beginObject()
            w.field("niche", Int(niche.niche))
            w.field("members", niche.members)
            w.key("closure")
            optional(niche.closure, to: &w)
            w.endObject()
        }
        w.endArray()
        w.key("flows")
        w.beginArray()
        for niche in exposure.niches {
            w.beginObject()
            w.field("niche", Int(niche.niche))
            w.field("members", niche.members)
            inflows(niche.inflows, to: &w)
            w.key("periods")
            w.beginArray()
            for period in niche.periods {
                w.beginObject()
                w.field("start", ExposureCalendar.startDate(of: period.period, exposure.options.period))
                w.field("members", period.members)
                inflows(period.inflows, to: &w)
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.text
    }

    /// `"parameters"`: the graph and Leiden options the niches come from, then exposure's own.
    private static func writeParameters(_ exposure: Exposure, analysis: Analysis, to w: inout JSONWriter) {
        let graph = analysis.graph
        let p = graph.parameters
        let options = exposure.options
        w.key("parameters")
        w.beginObject()
        w.key("graph")
        w.beginObject()
        w.field("kind", graph.kind.rawValue)
        w.field("directed", graph.isDirected)
        w.field("nodes", graph.nodeCount)
        w.field("edges", graph.edgeCount)
        p.writeFields(to: &w)
        w.endObject()
        let l = analysis.leiden.parameters
        w.key("algorithm")
        w.beginObject()
        w.field("objective", l.objective.rawValue)
        w.field("resolution", l.resolution)
        w.key("seed")
        w.uint(l.seed)
        w.field("iterations", l.iterations)
        w.endObject()
        w.key("kinds")
        w.beginArray()
        for kind in exposure.kinds { w.string(kind.name) }
        w.endArray()
        w.key("vote_weights")
        w.beginObject()
        for kind in EventKind.allCases where options.voteWeights[kind] > 0 {
            w.key(kind.name)
            w.double(Double(options.voteWeights[kind]))
        }
        w.endObject()
        w.field("period", options.period.rawValue)
        w.field("min_period_events", options.minPeriodEvents)
        w.field("shift_persistence", options.shiftPersistence)
        w.endObject()
    }

    /// `"niches"`: id, label, graph size and donors of each niche.
    private static func writeNiches(_ exposure: Exposure, analysis: Analysis, store: Store, to w: inout JSONWriter) {
        var donorsPerNiche = [Int](repeating: 0, count: exposure.nicheCount)
        for donor in exposure.donors {
            if let niche = donor.niche, Int(niche) < donorsPerNiche.count { donorsPerNiche[Int(niche)] += 1 }
        }
        w.key("niches")
        w.beginArray()
        for niche in 0..<exposure.nicheCount {
            w.beginObject()
            w.field("id", niche)
            w.field("label", Exposure.label(ofNiche: niche, analysis: analysis, store: store))
            w.field("size", niche < analysis.communities.count ? analysis.communities.size[niche] : 0)
            w.field("donors", donorsPerNiche[niche])
            w.endObject()
        }
        w.endArray()
    }

    private static func writeDonor(
        _ donor: DonorExposure, exposure: Exposure, store: Store, to w: inout JSONWriter
    ) {
        w.beginObject()
        w.field("label", store.label(ofAccount: donor.account))
        w.key("niche")
        optional(donor.niche, to: &w)
        w.field("events", donor.events)
        w.field("assigned", donor.assigned)
        w.key("kinds")
        w.beginObject()
        for (position, kind) in exposure.kinds.enumerated() {
            w.key(kind.name)
            w.beginObject()
            w.field("events", donor.eventsByKind[position])
            w.field("assigned", donor.assignedByKind[position])
            w.endObject()
        }
        w.endObject()
        w.key("dominant")
        optional(donor.dominant, to: &w)
        shares(donor.counts, total: donor.assigned, to: &w)
        w.key("entropy")
        optional(donor.entropy, to: &w)
        w.key("effective_niches")
        optional(donor.effectiveNiches, to: &w)
        w.key("own_share")
        optional(donor.ownShare, to: &w)
        w.key("periods")
        w.beginArray()
        for measure in donor.periods {
            w.beginObject()
            w.field("start", ExposureCalendar.startDate(of: measure.period, exposure.options.period))
            w.field("events", measure.events)
            w.field("assigned", measure.assigned)
            w.key("dominant")
            optional(measure.dominant, to: &w)
            shares(measure.counts, total: measure.assigned, to: &w)
            w.field("qualifies", measure.qualifies)
            w.key("divergence")
            optional(measure.divergence, to: &w)
            w.endObject()
        }
        w.endArray()
        w.key("shifts")
        w.beginArray()
        for shift in donor.shifts {
            w.beginObject()
            w.field("start", ExposureCalendar.startDate(of: shift.period, exposure.options.period))
            w.field("from", Int(shift.from))
            w.field("to", Int(shift.to))
            w.field("divergence", shift.divergence)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    /// `"shares"`: each niche's part of `total` assigned events, with its count.
    private static func shares(_ counts: [NicheCount], total: Int, to w: inout JSONWriter) {
        w.key("shares")
        w.beginArray()
        for count in counts {
            w.beginObject()
            w.field("niche", Int(count.niche))
            w.field("share", Double(count.events) / Double(max(1, total)))
            w.field("events", count.events)
            w.endObject()
        }
        w.endArray()
    }

    private static func inflows(_ list: [NicheShare], to w: inout JSONWriter) {
        w.key("inflows")
        w.beginArray()
        for inflow in list {
            w.beginObject()
            w.field("niche", Int(inflow.niche))
            w.field("share", inflow.share)
            w.endObject()
        }
        w.endArray()
    }

    private static func optional(_ value: Double?, to w: inout JSONWriter) {
        if let value { w.double(value) } else { w.null() }
    }

    private static func optional(_ value: UInt32?, to w: inout JSONWriter) {
        if let value { w.uint(UInt64(value)) } else { w.null() }
    }
}

extension Exposure {
    /// A niche's label: its top three hashtags (`#ramen #streetfood #mealprep`), else its top authors
    /// (`@name`), else its most central members, else `niche N`.
    package static func label(ofNiche niche: Int, analysis: Analysis, store: Store?) -> String {
        guard niche < analysis.profiles.count else { return "niche \(niche)" }
        let profile = analysis.profiles[niche]
        if !profile.topHashtags.isEmpty {
            return profile.topHashtags.prefix(3).map { $0.label(in: store) }.joined(separator: " ")
        }
        if !profile.topAuthors.isEmpty {
            return profile.topAuthors.prefix(3).map { "@" + $0.label(in: store) }.joined(separator: " ")
        }
        if !profile.centralMembers.isEmpty {
            return profile.centralMembers.prefix(3).map { analysis.graph.label(of: $0, in: store) }.joined(
                separator: ", ")
        }
        return "niche \(niche)"
    }
}
