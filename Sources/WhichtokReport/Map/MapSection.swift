import WhichtokExport
import WhichtokGraph
import WhichtokSupport

/// "The map": the drawing of `ReportMap` as inline SVG, every node a disc with a tooltip (label,
/// niche, PageRank, role), and the legend as an HTML list beside it.
enum MapSection {
    static func write(_ context: ReportContext, to w: inout HTMLWriter) {
        w.raw("<section id=\"map\" aria-labelledby=\"map-h\">\n<h2 id=\"map-h\">The map</h2>\n")
        guard let map = context.input.map else {
            w.element("p", [("class", "note")], "The map was not drawn for this report.")
            w.raw("\n</section>\n")
            return
        }
        w.element(
            "p", [],
            "Nodes are placed by ForceAtlas2, coloured by niche and sized by PageRank; hover over a node for its label, niche, PageRank and role, scroll to zoom and drag to move (double-click resets)."
        )
        w.newline()
        w.raw("<figure class=\"mapfig\"><div class=\"mapbox\">")
        writeSVG(map, context: context, to: &w)
        w.raw("</div>\n<figcaption>")
        w.text(map.caption)
        w.raw("</figcaption>\n")
        if !map.legend.isEmpty {
            w.raw("<ul class=\"legend\" aria-label=\"Legend\">")
            for entry in map.legend {
                w.raw("<li><span class=\"sw\" style=\"background:\(entry.color)\" aria-hidden=\"true\"></span>")
                if let niche = entry.niche {
                    w.raw("<a href=\"#niche-\(niche)\">")
                    w.label(entry.text)
                    w.raw("</a>")
                } else {
                    w.label(entry.text)
                }
                w.raw("</li>")
            }
            w.raw("</ul>\n")
        }
        w.raw("</figure>\n</section>\n")
    }

    static func writeSVG(_ map: ReportMap, context: ReportContext, to w: inout HTMLWriter) {
        let analysis = context.analysis
        let graph = context.graph
        let c = Numbers.coordinate
        let width = c(map.width)
        let height = c(map.height)
        w.raw(
            "<svg id=\"mapsvg\" class=\"map\" viewBox=\"0 0 \(width) \(height)\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-labelledby=\"map-t map-d\">"
        )
        w.raw("<title id=\"map-t\">")
        w.text(
            "Map of the niches: \(Numbers.count(graph.nodeCount)) nodes in \(Numbers.count(analysis.leiden.communityCount)) niches"
        )
        w.raw("</title><desc id=\"map-d\">")
        w.text(map.caption)
        w.raw("</desc>\n")
        w.raw("<g id=\"mapview\"><rect width=\"\(width)\" height=\"\(height)\" fill=\"\(map.background)\"/>\n")
        if let raster = map.edgeRaster {
            let frame = map.rasterFrame ?? (0, 0, map.width, map.height)
            w.raw(
                "<image x=\"\(c(frame.x))\" y=\"\(c(frame.y))\" width=\"\(c(frame.width))\" height=\"\(c(frame.height))\" href=\"data:image/png;base64,"
            )
            w.raw(String(decoding: Base64.encode(raster), as: UTF8.self))
            w.raw("\"/>\n")
        }
        if !map.edges.isEmpty {
            w.raw("<g class=\"edges\" stroke-linecap=\"round\">")
            for edge in map.edges {
                w.raw(
                    "<line x1=\"\(c(edge.x1))\" y1=\"\(c(edge.y1))\" x2=\"\(c(edge.x2))\" y2=\"\(c(edge.y2))\" stroke=\"\(edge.color)\" stroke-opacity=\"\(Numbers.fixed(edge.opacity, 2))\" stroke-width=\"\(Numbers.fixed(edge.width, 2))\"/>"
                )
            }
            w.raw("</g>\n")
        }
        w.raw("<g class=\"nodes\">")
        let membership = analysis.leiden.membership
        for node in map.nodes where node.node >= 0 && node.node < graph.nodeCount {
            let u = node.node
            let niche = Int(membership[u])
            w.raw(
                "<circle cx=\"\(c(node.x))\" cy=\"\(c(node.y))\" r=\"\(c(max(0.5, node.radius)))\" fill=\"\(node.color)\" data-c=\"\(niche)\"><title>"
            )
            w.text(
                "\(graph.label(of: u, in: context.store))\nniche \(niche): \(context.nicheLabel(niche))\nPageRank \(Numbers.small(analysis.pageRank.rank[u]))\nrole \(analysis.roles.role[u].rawValue)"
            )
            w.raw("</title></circle>")
        }
        w.raw("</g>\n<g class=\"labels\">")
        for label in map.labels {
            w.raw("<text x=\"\(c(label.x))\" y=\"\(c(label.y))\" font-size=\"\(c(label.size))\">")
            w.text(label.text)
            w.raw("</text>")
        }
        w.raw("</g></g></svg>")
    }
}
