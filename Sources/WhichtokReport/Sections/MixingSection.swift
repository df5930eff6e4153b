import WhichtokGraph

/// "Mixing": the weight between niches as a heat map (each row as shares of that niche's tie weight)
/// and the pairs of niches that exchange the most.
enum MixingSection {
    /// Niches drawn in the heat map (the largest).
    static let heatLimit = 24
    /// Pairs listed.
    static let pairLimit = 12

    static func write(_ context: ReportContext, to w: inout HTMLWriter) {
        let mixing = context.analysis.communities.mixing
        w.raw("<section id=\"mixing\" aria-labelledby=\"mixing-h\">\n<h2 id=\"mixing-h\">How the niches mix</h2>\n")
        let k = min(mixing.count, heatLimit)
        guard k >= 2 else {
            w.element("p", [], "There are fewer than two niches: nothing mixes.")
            w.raw("\n</section>\n")
            return
        }
        let directed = context.graph.isDirected
        w.element(
            "p", [],
            "Each row shows where a niche's tie weight goes: the darker a cell, the larger the share of the row niche's weight that reaches the column niche"
                + (directed ? " (edges from the row niche to the column niche)." : ".")
                + " The diagonal is the weight kept inside."
                + (mixing.count > k
                    ? " The \(k) largest of \(Numbers.count(context.analysis.communities.count)) niches are shown."
                    : "")
        )
        w.newline()
        // Cells shrink with more niches so the map stays about 480 pixels wide.
        let cell = max(18, min(56, (480 / Double(k)).rounded(.down)))
        let margin = 34.0
        let size = margin + Double(k) * cell + 4
        var rowSums = [Double](repeating: 0, count: k)
        for a in 0..<k { rowSums[a] = mixing[a].prefix(k).reduce(0, +) }
        w.raw(
            "<figure><svg class=\"heat\" viewBox=\"0 0 \(Numbers.coordinate(size)) \(Numbers.coordinate(size))\" width=\"\(Numbers.coordinate(min(size, 560)))\" role=\"img\" aria-labelledby=\"mix-t\"><title id=\"mix-t\">"
        )
        w.text("Heat map of the tie weight between the \(k) largest niches, as shares of each row niche's weight")
        w.raw("</title>\n")
        for a in 0..<k {
            let y = margin + Double(a) * cell
            w.raw(
                "<rect class=\"\(context.nicheClass(a))\" x=\"\(Numbers.coordinate(margin - 10))\" y=\"\(Numbers.coordinate(y + 2))\" width=\"8\" height=\"\(Numbers.coordinate(cell - 4))\"/>"
            )
            w.raw(
                "<text class=\"tick\" x=\"\(Numbers.coordinate(margin - 12))\" y=\"\(Numbers.coordinate(y + cell * 0.7))\" text-anchor=\"end\">\(a)</text>"
            )
            w.raw(
                "<rect class=\"\(context.nicheClass(a))\" x=\"\(Numbers.coordinate(margin + Double(a) * cell + 2))\" y=\"\(Numbers.coordinate(margin - 10))\" width=\"\(Numbers.coordinate(cell - 4))\" height=\"8\"/>"
            )
            w.raw(
                "<text class=\"tick\" x=\"\(Numbers.coordinate(margin + (Double(a) + 0.5) * cell))\" y=\"\(Numbers.coordinate(margin - 14))\" text-anchor=\"middle\">\(a)</text>\n"
            )
            for b in 0..<k {
                let share = rowSums[a] > 0 ? mixing[a][b] / rowSums[a] : 0
                // Square root: small shares stay visible beside a heavy diagonal.
                let level = share.squareRoot()
                w.raw(
                    "<rect class=\"cell\" x=\"\(Numbers.coordinate(margin + Double(b) * cell))\" y=\"\(Numbers.coordinate(y))\" width=\"\(Numbers.coordinate(cell - 1))\" height=\"\(Numbers.coordinate(cell - 1))\" fill-opacity=\"\(Numbers.fixed(0.04 + 0.96 * level, 3))\"><title>"
                )
                w.text("\(a) → \(b): \(Numbers.percent(share)) of niche \(a)'s tie weight")
                w.raw("</title></rect>")
            }
            w.newline()
        }
        w.raw("</svg><figcaption>")
        w.text("Rows and columns are niche numbers; the cards above name them.")
        w.raw("</figcaption></figure>\n")
        writePairs(context, to: &w)
        w.raw("</section>\n")
    }

    /// The pairs of niches with the most weight between them (both directions), with that weight's
    /// share of all the weight between niches.
    private static func writePairs(_ context: ReportContext, to w: inout HTMLWriter) {
        let mixing = context.analysis.communities.mixing
        let n = mixing.count
        var pairs: [(a: Int, b: Int, weight: Double)] = []
        var between = 0.0
        for a in 0..<n {
            for b in (a + 1)..<max(a + 1, n) {
                let weight = mixing[a][b] + mixing[b][a]
                guard weight > 0 else { continue }
                between += weight
                pairs.append((a, b, weight))
            }
        }
        pairs.sort { $0.weight != $1.weight ? $0.weight > $1.weight : ($0.a, $0.b) < ($1.a, $1.b) }
        w.raw("<h3>Which niches interact</h3>\n")
        guard !pairs.isEmpty else {
            w.element("p", [], "No weight runs between the niches.")
            w.newline()
            return
        }
        w.raw("<table class=\"sortable\"><caption>Pairs of niches with the most tie weight between them")
        if n < context.analysis.communities.count { w.text(" (among the \(n) largest niches)") }
        w.raw("</caption>\n")
        w.raw(
            "<thead><tr><th scope=\"col\">Niche</th><th scope=\"col\">Niche</th><th scope=\"col\" class=\"num\">Weight</th><th scope=\"col\" class=\"num\">Share of weight between niches</th></tr></thead>\n<tbody>\n"
        )
        for pair in pairs.prefix(pairLimit) {
            w.raw("<tr><td>")
            context.writeNiche(pair.a, to: &w)
            w.raw("</td><td>")
            context.writeNiche(pair.b, to: &w)
            w.raw("</td><td class=\"num\">")
            w.text(Numbers.fixed(pair.weight, 2))
            w.raw("</td><td class=\"num\">")
            w.text(Numbers.percent(pair.weight / between))
            w.raw("</td></tr>\n")
        }
        w.raw("</tbody></table>\n")
    }
}
