import WhichtokGraph
import WhichtokStore

/// "Niches": a card per large niche (what it engages with, who is central, how closed it is) and a
/// table of the others, so every niche's label is on the page.
enum NicheSection {
    /// Niches that get a card (the largest); the next ones are rows of a table.
    static let cardLimit = 40
    /// Rows of the table of smaller niches; the rest are only counted.
    static let rowLimit = 1000

    static func write(_ context: ReportContext, to w: inout HTMLWriter) {
        let analysis = context.analysis
        let stats = analysis.communities
        let count = stats.count
        let nodes = max(1, context.graph.nodeCount)
        w.raw("<section id=\"niches\" aria-labelledby=\"niches-h\">\n<h2 id=\"niches-h\">Niches</h2>\n")
        w.element(
            "p", [],
            "Leiden found \(Numbers.count(count)) niches; they are numbered by size, 0 the largest. A niche is named by the hashtags its members engage with most (else the authors they watch, else its most central members). Isolation: the internal share is the part of the members' tie weight that stays inside the niche, conductance the part that leaves it (relative to the smaller side), and E-I runs from −1 (all ties inside) to +1 (all outside)."
        )
        w.newline()
        let closures = context.input.exposure?.niches
        w.raw("<div class=\"cards\">\n")
        for id in 0..<min(count, cardLimit) {
            writeCard(
                id, context: context, nodes: nodes, closure: closures.flatMap { id < $0.count ? $0[id] : nil }, to: &w)
        }
        w.raw("</div>\n")
        if count > cardLimit {
            w.raw("<h3>Smaller niches</h3>\n<div class=\"scroll\"><table class=\"sortable\" id=\"small-niches\">")
            w.raw("<caption>Niches without a card, largest first</caption>\n")
            w.raw(
                "<thead><tr><th scope=\"col\" class=\"num\">Niche</th><th scope=\"col\">Label</th><th scope=\"col\" class=\"num\">Members</th><th scope=\"col\" class=\"num\">Internal share</th><th scope=\"col\" class=\"num\">Conductance</th></tr></thead>\n<tbody>\n"
            )
            for id in cardLimit..<min(count, cardLimit + rowLimit) {
                w.raw("<tr id=\"niche-\(id)\"><td class=\"num\">\(id)</td><td>")
                w.raw("<span class=\"sw \(context.nicheClass(id))\" aria-hidden=\"true\"></span>")
                w.label(context.nicheLabel(id))
                w.raw("</td><td class=\"num\">")
                w.text(Numbers.count(stats.size[id]))
                w.raw("</td><td class=\"num\">")
                w.text(Numbers.fixed(stats.internalWeightShare[id], 3))
                w.raw("</td><td class=\"num\">")
                w.text(Numbers.fixed(stats.conductance[id], 3))
                w.raw("</td></tr>\n")
            }
            w.raw("</tbody></table></div>\n")
            if count > cardLimit + rowLimit {
                let rest = (cardLimit + rowLimit..<count).reduce(0) { $0 + stats.size[$1] }
                w.element(
                    "p", [("class", "note")],
                    "… and \(Numbers.count(count - cardLimit - rowLimit)) more niches with \(Numbers.count(rest)) members in all."
                )
                w.newline()
            }
        }
        w.raw("</section>\n")
    }

    private static func writeCard(
        _ id: Int, context: ReportContext, nodes: Int, closure: NicheClosure?, to w: inout HTMLWriter
    ) {
        let analysis = context.analysis
        let stats = analysis.communities
        let store = context.store
        let profile: CommunityProfile? = id < analysis.profiles.count ? analysis.profiles[id] : nil
        w.raw("<article class=\"card\" id=\"niche-\(id)\" aria-labelledby=\"niche-\(id)-h\">\n")
        w.raw("<h3 id=\"niche-\(id)-h\"><span class=\"sw \(context.nicheClass(id))\" aria-hidden=\"true\"></span>")
        w.text("Niche \(id): ")
        w.label(context.nicheLabel(id))
        w.raw("</h3>\n<p class=\"meta\">")
        w.text(
            "\(Numbers.count(stats.size[id])) members (\(Numbers.percent(stats.size[id], of: nodes)) of the nodes), "
                + "\(Numbers.count(stats.internalEdges[id])) internal edges, density \(Numbers.fixed(stats.density[id], 3))."
        )
        w.raw("</p>\n<dl class=\"measures\">")
        var measures: [(String, String)] = [
            ("Internal share", Numbers.fixed(stats.internalWeightShare[id], 3)),
            ("Conductance", Numbers.fixed(stats.conductance[id], 3)),
            ("E-I", Numbers.fixed(stats.eiIndex[id], 3)),
        ]
        if let closure, let value = closure.closure {
            measures.append(("Closure", "\(Numbers.percent(value)) (\(Numbers.count(closure.members)) donors)"))
        }
        for (name, value) in measures {
            w.raw("<div><dt>")
            w.text(name)
            w.raw("</dt><dd>")
            w.text(value)
            w.raw("</dd></div>")
        }
        w.raw("</dl>\n")
        list("Top hashtags", (profile?.topHashtags ?? []).map { ($0.label(in: store), $0.count) }, to: &w)
        list("Top sounds", (profile?.topSounds ?? []).map { ($0.label(in: store), $0.count) }, to: &w)
        list("Top authors", (profile?.topAuthors ?? []).map { ("@" + $0.label(in: store), $0.count) }, to: &w)
        let members = (profile?.centralMembers ?? []).map { member in
            (context.graph.label(of: member, in: store), analysis.pageRank.rank[member])
        }
        if !members.isEmpty {
            w.raw("<h4>Central members</h4>\n<ol class=\"items\">")
            for (label, rank) in members {
                w.raw("<li>")
                w.label(label)
                w.raw(" <span class=\"count\">PageRank ")
                w.text(Numbers.small(rank))
                w.raw("</span></li>")
            }
            w.raw("</ol>\n")
        }
        if let closure, closure.closure != nil {
            let others = closure.inflows.filter { Int($0.niche) != id }.prefix(3)
            if !others.isEmpty {
                w.raw("<p class=\"inflow\">")
                w.text("Its donors' feeds also come from ")
                for (index, inflow) in others.enumerated() {
                    if index > 0 { w.text(index == others.count - 1 ? " and " : ", ") }
                    context.writeNiche(Int(inflow.niche), to: &w)
                    w.text(" (\(Numbers.percent(inflow.share)))")
                }
                w.text(".")
                w.raw("</p>\n")
            }
        }
        w.raw("</article>\n")
    }

    private static func list(_ title: String, _ items: [(String, Double)], to w: inout HTMLWriter) {
        guard !items.isEmpty else { return }
        w.raw("<h4>")
        w.text(title)
        w.raw("</h4>\n<ol class=\"items\">")
        for (label, count) in items {
            w.raw("<li>")
            w.label(label)
            w.raw(" <span class=\"count\">")
            w.text(count == count.rounded() && count < 1e15 ? Numbers.count(Int(count)) : Numbers.fixed(count, 2))
            w.raw("</span></li>")
        }
        w.raw("</ol>\n")
    }
}
