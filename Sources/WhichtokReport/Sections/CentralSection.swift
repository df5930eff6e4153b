import WhichtokGraph

/// "Central accounts": the nodes with the highest PageRank, with their niche and Guimerà–Amaral role.
enum CentralSection {
    static let limit = 30

    static func write(_ context: ReportContext, to w: inout HTMLWriter) {
        let analysis = context.analysis
        let graph = context.graph
        let rank = analysis.pageRank.rank
        // Accounts when the graph has any (bipartite graphs also hold hashtags or sounds), else every node.
        let accounts = (0..<graph.nodeCount).filter { graph.nodeTypes[$0] == .account }
        let candidates = accounts.isEmpty ? Array(0..<graph.nodeCount) : accounts
        let top = Array(
            candidates.sorted { rank[$0] != rank[$1] ? rank[$0] > rank[$1] : $0 < $1 }.prefix(limit))
        w.raw("<section id=\"central\" aria-labelledby=\"central-h\">\n<h2 id=\"central-h\">Central accounts</h2>\n")
        w.element(
            "p", [],
            "The \(top.count) \(accounts.isEmpty ? "nodes" : "accounts") with the highest PageRank. Roles (Guimerà and Amaral, 2005) come from the participation coefficient P (how evenly a node's ties spread over niches) and the within-niche degree z-score: hubs have z ≥ 2.5; connectors and kinless nodes tie many niches together."
        )
        w.newline()
        let betweenness = analysis.betweenness
        w.raw("<div class=\"scroll\"><table class=\"sortable\" id=\"central-table\"><caption>Most central ")
        w.text(accounts.isEmpty ? "nodes" : "accounts")
        w.raw("</caption>\n<thead><tr>")
        var headers: [(String, Bool)] = [
            ("#", true), ("Account", false), ("Niche", false), ("PageRank", true), ("Degree", true),
            ("Role", false), ("P", true), ("z", true), ("Core", true),
        ]
        if betweenness != nil { headers.append(("Betweenness", true)) }
        for (title, numeric) in headers {
            w.raw(numeric ? "<th scope=\"col\" class=\"num\">" : "<th scope=\"col\">")
            w.text(title)
            w.raw("</th>")
        }
        w.raw("</tr></thead>\n<tbody>\n")
        for (position, u) in top.enumerated() {
            w.raw("<tr><td class=\"num\">\(position + 1)</td><th scope=\"row\">")
            w.label(graph.label(of: u, in: context.store))
            w.raw("</th><td>")
            context.writeNiche(Int(analysis.leiden.membership[u]), to: &w)
            w.raw("</td><td class=\"num\">")
            w.text(Numbers.small(rank[u]))
            w.raw("</td><td class=\"num\">")
            w.text(Numbers.count(analysis.degrees.degree[u]))
            w.raw("</td><td>")
            w.text(analysis.roles.role[u].rawValue)
            w.raw("</td><td class=\"num\">")
            w.text(Numbers.fixed(analysis.roles.participation[u], 2))
            w.raw("</td><td class=\"num\">")
            w.text(Numbers.fixed(analysis.roles.withinModuleZ[u], 2))
            w.raw("</td><td class=\"num\">")
            w.text(Numbers.count(Int(analysis.cores.core[u])))
            if let betweenness {
                w.raw("</td><td class=\"num\">")
                w.text(Numbers.small(betweenness.centrality[u]))
            }
            w.raw("</td></tr>\n")
        }
        w.raw("</tbody></table></div>\n</section>\n")
    }
}
