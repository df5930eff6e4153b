import WhichtokGraph
import WhichtokStore

/// "Donors' feeds": which niches each donor's feed came from, period by period, with the dominant
/// niche and the shifts; and per niche, how much its members' feeds keep them inside (closure).
enum ExposureSection {
    /// Niches drawn in their own colour in a period's bar; the rest of the period is one grey part.
    static let segmentLimit = 5
    /// The widest a donor's bar chart gets, in pixels.
    static let chartWidth = 240.0

    static func write(_ context: ReportContext, to w: inout HTMLWriter) {
        guard let exposure = context.input.exposure, let store = context.store else { return }
        w.raw("<section id=\"exposure\" aria-labelledby=\"exposure-h\">\n<h2 id=\"exposure-h\">Donors' feeds</h2>\n")
        let rules = NicheRule.allCases.map {
            "\(Numbers.count(exposure.assignedByRule[$0.rawValue])) by \($0.name)"
        }
        w.element(
            "p", [],
            "Each donor's \(exposure.kinds.map(\.name).joined(separator: ", ")) events are placed into niches by the video's author, the engagement of the niches' members and the video's hashtags and sound (the donor's own engagement left out). \(Numbers.count(exposure.assigned)) of \(Numbers.count(exposure.events)) events (\(Numbers.percent(exposure.assigned, of: exposure.events))) have a niche: \(rules.joined(separator: ", "))."
        )
        w.newline()
        writeDonors(context, exposure: exposure, store: store, to: &w)
        writeClosure(context, exposure: exposure, to: &w)
        w.raw("</section>\n")
    }

    private static func writeDonors(
        _ context: ReportContext, exposure: Exposure, store: Store, to w: inout HTMLWriter
    ) {
        let period = exposure.options.period
        w.raw("<h3>Per donor</h3>\n")
        w.element(
            "p", [],
            "The bars show, per \(period.rawValue), the shares of the niches in the donor's assigned events (pale bars: periods with fewer than \(exposure.options.minPeriodEvents) assigned events, which do not count for shifts). A shift is a change of the dominant niche that lasts \(exposure.options.shiftPersistence) qualifying periods."
        )
        w.newline()
        w.raw(
            "<div class=\"scroll\"><table class=\"sortable donors\"><caption>Exposure of each donor's feed</caption>\n")
        w.raw(
            "<thead><tr><th scope=\"col\">Donor</th><th scope=\"col\">Own niche</th><th scope=\"col\" class=\"num\">Events</th><th scope=\"col\" class=\"num\">Assigned</th><th scope=\"col\">Dominant niche</th><th scope=\"col\" class=\"num\">Own share</th><th scope=\"col\" class=\"num\">Effective niches</th><th scope=\"col\">Feed over time</th><th scope=\"col\">Shifts</th></tr></thead>\n<tbody>\n"
        )
        for donor in exposure.donors {
            let label = store.label(ofAccount: donor.account)
            w.raw("<tr><th scope=\"row\">")
            w.label(label)
            w.raw("</th><td>")
            if let niche = donor.niche { context.writeNiche(Int(niche), compact: true, to: &w) } else { w.text("–") }
            w.raw("</td><td class=\"num\">")
            w.text(Numbers.count(donor.events))
            w.raw("</td><td class=\"num\">")
            w.text(Numbers.percent(donor.assigned, of: donor.events))
            w.raw("</td><td>")
            if let dominant = donor.dominant {
                context.writeNiche(Int(dominant), compact: true, to: &w)
                w.text(
                    " (\(Numbers.percent(donor.counts.first.map { Double($0.events) / Double(max(1, donor.assigned)) })))"
                )
            } else {
                w.text("–")
            }
            w.raw("</td><td class=\"num\">")
            w.text(Numbers.percent(donor.ownShare))
            w.raw("</td><td class=\"num\">")
            w.text(donor.effectiveNiches.map { Numbers.fixed($0, 2) } ?? "–")
            w.raw("</td><td>")
            writeBars(donor, label: label, context: context, period: period, to: &w)
            w.raw("</td><td>")
            if donor.shifts.isEmpty { w.text("none") }
            for (index, shift) in donor.shifts.enumerated() {
                if index > 0 { w.raw("<br>") }
                w.text(ExposureCalendar.shortName(of: shift.period, period) + ": ")
                context.writeNiche(Int(shift.from), compact: true, to: &w)
                w.text(" → ")
                context.writeNiche(Int(shift.to), compact: true, to: &w)
            }
            w.raw("</td></tr>\n")
        }
        w.raw("</tbody></table></div>\n")
    }

    /// One stacked bar per period of the donor's exposure, each niche in its colour: in units of one
    /// period wide and 100 high, one path per niche and kind of period (qualifying or thin), so that
    /// two thousand donors' charts stay a few megabytes.
    private static func writeBars(
        _ donor: DonorExposure, label: String, context: ReportContext, period: ExposurePeriod,
        to w: inout HTMLWriter
    ) {
        let periods = donor.periods.filter { $0.assigned > 0 }
        guard let first = periods.first, let last = periods.last else {
            w.text("–")
            return
        }
        let barWidth = min(8.0, chartWidth / Double(periods.count))
        let width = barWidth * Double(periods.count)
        let qualifying = periods.filter(\.qualifies)
        var leads: [UInt32: Int] = [:]
        for measure in qualifying { if let dominant = measure.dominant { leads[dominant, default: 0] += 1 } }
        let top = leads.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }
        w.raw(
            "<svg class=\"feed\" width=\"\(Numbers.coordinate(width))\" height=\"24\" viewBox=\"0 0 \(periods.count) 100\" preserveAspectRatio=\"none\" role=\"img\"><title>"
        )
        var summary =
            "Feed of \(label) per \(period.rawValue), \(ExposureCalendar.shortName(of: first.period, period)) to \(ExposureCalendar.shortName(of: last.period, period))"
        if let top {
            summary +=
                ": niche \(top.key) (\(context.nicheLabel(Int(top.key)))) leads \(top.value) of \(qualifying.count) qualifying periods"
        }
        w.text(summary + ".")
        w.raw("</title>")
        // Segments gathered per (thin, colour class), in first-seen order.
        var paths: [(thin: Bool, css: String, d: String)] = []
        var slot: [String: Int] = [:]
        func add(_ thin: Bool, _ css: String, x: Int, y: Int, h: Int) {
            guard h > 0 else { return }
            let key = (thin ? "t" : "q") + css
            let index: Int
            if let known = slot[key] {
                index = known
            } else {
                index = paths.count
                slot[key] = index
                paths.append((thin, css, ""))
            }
            paths[index].d += "M\(x) \(y)h.85v\(h)h-.85z"
        }
        for (index, measure) in periods.enumerated() {
            var y = 0
            var drawn = 0
            for count in measure.counts.prefix(segmentLimit) {
                drawn += count.events
                let bottom = Int((Double(drawn) / Double(measure.assigned) * 100).rounded())
                add(!measure.qualifies, context.nicheClass(Int(count.niche)), x: index, y: y, h: bottom - y)
                y = bottom
            }
            add(!measure.qualifies, "nt", x: index, y: y, h: 100 - y)
        }
        for path in paths {
            w.raw("<path class=\"\(path.css)\(path.thin ? " thin" : "")\" d=\"\(path.d)\"/>")
        }
        w.raw("</svg>")
    }

    private static func writeClosure(_ context: ReportContext, exposure: Exposure, to w: inout HTMLWriter) {
        let niches = exposure.niches.filter { $0.closure != nil }
        w.raw("<h3>Closure of the niches</h3>\n")
        guard !niches.isEmpty else {
            w.element("p", [], "No niche has a donor with assigned events.")
            w.newline()
            return
        }
        w.element(
            "p", [],
            "Closure is the mean share of a niche's own content in the feeds of its donors: 100 % means their feeds show nothing else."
        )
        w.newline()
        w.raw("<table class=\"sortable\"><caption>Closure per niche, from its donors' feeds</caption>\n")
        w.raw(
            "<thead><tr><th scope=\"col\">Niche</th><th scope=\"col\" class=\"num\">Donors</th><th scope=\"col\" class=\"num\">Closure</th><th scope=\"col\">Most of the rest from</th></tr></thead>\n<tbody>\n"
        )
        for niche in niches {
            w.raw("<tr><td>")
            context.writeNiche(Int(niche.niche), to: &w)
            w.raw("</td><td class=\"num\">")
            w.text(Numbers.count(niche.members))
            w.raw("</td><td class=\"num\">")
            w.text(Numbers.percent(niche.closure))
            w.raw("</td><td>")
            if let inflow = niche.inflows.first(where: { $0.niche != niche.niche }) {
                context.writeNiche(Int(inflow.niche), to: &w)
                w.text(" (\(Numbers.percent(inflow.share)))")
            } else {
                w.text("–")
            }
            w.raw("</td></tr>\n")
        }
        w.raw("</tbody></table>\n")
    }
}
