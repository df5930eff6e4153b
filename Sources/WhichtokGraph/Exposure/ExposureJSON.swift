import WhichtokStore

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
package enum ExposureJSON {
    package static func render(_ exposure: Exposure, analysis: Analysis, store: Store) -> String {
        let number = AnalysisJSON.number
        let string = AnalysisJSON.string
        let period = exposure.options.period
        func optional(_ value: Double?) -> String { value.map(number) ?? "null" }
        func optional(_ value: UInt32?) -> String { value.map { String($0) } ?? "null" }
        func start(_ index: Int32) -> String { string(ExposureCalendar.startDate(of: index, period)) }
        func shares(_ counts: [NicheCount], total: Int) -> String {
            "["
                + counts.map {
                    "{\"niche\":\($0.niche),\"share\":\(number(Double($0.events) / Double(max(1, total)))),\"events\":\($0.events)}"
                }.joined(separator: ",") + "]"
        }
        func inflows(_ list: [NicheShare]) -> String {
            "[" + list.map { "{\"niche\":\($0.niche),\"share\":\(number($0.share))}" }.joined(separator: ",") + "]"
        }

        let graph = analysis.graph
        var out = ""
        out.reserveCapacity(1024 + exposure.donors.count * 1200)
        let p = graph.parameters
        out += "{\"parameters\":{\"graph\":{\"kind\":\(string(graph.kind.rawValue)),\"directed\":\(graph.isDirected)"
        out += ",\"nodes\":\(graph.nodeCount),\"edges\":\(graph.edgeCount)"
        out += ",\"since\":\(p.since.map { String($0) } ?? "null"),\"until\":\(p.until.map { String($0) } ?? "null")"
        out += ",\"kinds\":" + (p.kinds.map { "[" + $0.map { string($0.name) }.joined(separator: ",") + "]" } ?? "null")
        out += ",\"min_weight\":\(number(Double(p.minWeight))),\"min_degree\":\(p.minDegree)"
        out += ",\"largest_component_only\":\(p.largestComponentOnly)"
        for (name, value) in p.settings { out += ",\(string(name)):\(string(value))" }
        let l = analysis.leiden.parameters
        out += "},\"algorithm\":{\"objective\":\(string(l.objective.rawValue)),\"resolution\":\(number(l.resolution))"
        out += ",\"seed\":\(l.seed),\"iterations\":\(l.iterations)}"
        out += ",\"kinds\":[" + exposure.kinds.map { string($0.name) }.joined(separator: ",") + "]"
        out +=
            ",\"vote_weights\":{"
            + EventKind.allCases.filter { exposure.options.voteWeights[$0] > 0 }.map {
                "\(string($0.name)):\(number(Double(exposure.options.voteWeights[$0])))"
            }.joined(separator: ",") + "}"
        out += ",\"period\":\(string(period.rawValue)),\"min_period_events\":\(exposure.options.minPeriodEvents)"
        out += ",\"shift_persistence\":\(exposure.options.shiftPersistence)}"
        out += ",\"period\":\(string(period.rawValue))"

        var donorsPerNiche = [Int](repeating: 0, count: exposure.nicheCount)
        for donor in exposure.donors {
            if let niche = donor.niche, Int(niche) < donorsPerNiche.count { donorsPerNiche[Int(niche)] += 1 }
        }
        out += ",\"niches\":["
        for niche in 0..<exposure.nicheCount {
            if niche > 0 { out += "," }
            let size = niche < analysis.communities.count ? analysis.communities.size[niche] : 0
            out +=
                "{\"id\":\(niche),\"label\":\(string(Exposure.label(ofNiche: niche, analysis: analysis, store: store)))"
            out += ",\"size\":\(size),\"donors\":\(donorsPerNiche[niche])}"
        }
        out += "],\"coverage\":{\"events\":\(exposure.events),\"assigned\":\(exposure.assigned)"
        out += ",\"unassigned\":\(exposure.events - exposure.assigned),\"by_rule\":{"
        out +=
            NicheRule.allCases.map { "\(string($0.name)):\(exposure.assignedByRule[$0.rawValue])" }.joined(
                separator: ",") + "}}"

        out += ",\"donors\":["
        for (index, donor) in exposure.donors.enumerated() {
            if index > 0 { out += "," }
            out += "{\"label\":\(string(store.label(ofAccount: donor.account))),\"niche\":\(optional(donor.niche))"
            out += ",\"events\":\(donor.events),\"assigned\":\(donor.assigned),\"kinds\":{"
            out +=
                exposure.kinds.enumerated().map { position, kind in
                    "\(string(kind.name)):{\"events\":\(donor.eventsByKind[position]),\"assigned\":\(donor.assignedByKind[position])}"
                }.joined(separator: ",") + "}"
            out += ",\"dominant\":\(optional(donor.dominant)),\"shares\":" + shares(donor.counts, total: donor.assigned)
            out += ",\"entropy\":\(optional(donor.entropy)),\"effective_niches\":\(optional(donor.effectiveNiches))"
            out += ",\"own_share\":\(optional(donor.ownShare)),\"periods\":["
            for (position, measure) in donor.periods.enumerated() {
                if position > 0 { out += "," }
                out +=
                    "{\"start\":\(start(measure.period)),\"events\":\(measure.events),\"assigned\":\(measure.assigned)"
                out += ",\"dominant\":\(optional(measure.dominant)),\"shares\":"
                out += shares(measure.counts, total: measure.assigned)
                out += ",\"qualifies\":\(measure.qualifies),\"divergence\":\(optional(measure.divergence))}"
            }
            out += "],\"shifts\":["
            out += donor.shifts.map {
                "{\"start\":\(start($0.period)),\"from\":\($0.from),\"to\":\($0.to),\"divergence\":\(number($0.divergence))}"
            }.joined(separator: ",")
            out += "]}"
        }
        out += "],\"closure\":["
        out += exposure.niches.map {
            "{\"niche\":\($0.niche),\"members\":\($0.members),\"closure\":\(optional($0.closure))}"
        }.joined(separator: ",")
        out += "],\"flows\":["
        out += exposure.niches.map { niche in
            "{\"niche\":\(niche.niche),\"members\":\(niche.members),\"inflows\":" + inflows(niche.inflows)
                + ",\"periods\":["
                + niche.periods.map {
                    "{\"start\":\(start($0.period)),\"members\":\($0.members),\"inflows\":" + inflows($0.inflows) + "}"
                }.joined(separator: ",") + "]}"
        }.joined(separator: ",")
        out += "]}"
        return out
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
