import WhichtokExport
import WhichtokGraph
import WhichtokStore

/// How a report was made, for its last section: enough for a reader to make it again.
package struct ReportProvenance: Sendable {
    /// The whichtok version that wrote the report.
    package var version: String
    /// The store's file name (no folder: the path says where the researcher keeps it, not what it is).
    package var storeName: String?
    /// The SHA-256 of the store file, hex.
    package var storeSHA256: String?
    package var storeBytes: Int?
    /// Every option of the command with its value in effect (defaults included), in a fixed order.
    package var options: [(name: String, value: String)]
    /// The command line that makes the same report.
    package var commandLine: String

    package init(
        version: String, storeName: String? = nil, storeSHA256: String? = nil, storeBytes: Int? = nil,
        options: [(name: String, value: String)] = [], commandLine: String = "whichtok report"
    ) {
        self.version = version
        self.storeName = storeName
        self.storeSHA256 = storeSHA256
        self.storeBytes = storeBytes
        self.options = options
        self.commandLine = commandLine
    }
}

/// Everything a report is made from.
package struct ReportInput {
    package var analysis: Analysis
    /// The store the graph was built from (nil for an edge list: no data section, labels from the list).
    package var store: Store?
    /// The donors' exposure over the analysis's niches; the exposure section appears when it has donors.
    package var exposure: Exposure?
    /// The drawing of the map; nil leaves the map out with a note.
    package var map: ReportMap?
    package var provenance: ReportProvenance

    package init(
        analysis: Analysis, store: Store?, exposure: Exposure? = nil, map: ReportMap? = nil,
        provenance: ReportProvenance
    ) {
        self.analysis = analysis
        self.store = store
        self.exposure = exposure
        self.map = map
        self.provenance = provenance
    }
}

/// What every section shares: the input, each niche's label and colour.
struct ReportContext {
    let input: ReportInput
    var analysis: Analysis { input.analysis }
    var store: Store? { input.store }
    var graph: Graph { input.analysis.graph }
    /// Per niche (community id): its label (top hashtags, else authors, else central members).
    let nicheLabels: [String]
    /// Per niche: its colour, as `export` and `plot` colour it.
    let nicheColors: [RGB]
    /// Niches with a colour of their own (the rest share the grey tail): their CSS class is `n<id>`.
    let colouredNiches: Int

    init(_ input: ReportInput) {
        self.input = input
        let analysis = input.analysis
        let count = analysis.leiden.communityCount
        nicheLabels = (0..<count).map { Exposure.label(ofNiche: $0, analysis: analysis, store: input.store) }
        nicheColors = CommunityPalette.assign(analysis.graph, membership: analysis.leiden.membership, count: count)
        var coloured = 0
        while coloured < nicheColors.count && nicheColors[coloured] != CommunityPalette.tail { coloured += 1 }
        colouredNiches = coloured
    }

    /// The CSS class that colours niche `id` (`fill` in SVG, `background` in HTML).
    func nicheClass(_ id: Int) -> String {
        id < colouredNiches ? "n\(id)" : "nt"
    }

    func nicheLabel(_ id: Int) -> String {
        id < nicheLabels.count ? nicheLabels[id] : "niche \(id)"
    }

    /// A niche's colour swatch, number and label, linking to its card. `compact` writes the number
    /// only, with the label as the link's tooltip (for tables with a niche in several columns).
    func writeNiche(_ id: Int, compact: Bool = false, to w: inout HTMLWriter) {
        if compact {
            w.open("a", [("class", "niche"), ("href", "#niche-\(id)"), ("title", nicheLabel(id))])
        } else {
            w.open("a", [("class", "niche"), ("href", "#niche-\(id)")])
        }
        w.raw("<span class=\"sw \(nicheClass(id))\" aria-hidden=\"true\"></span>")
        if compact {
            w.text("niche \(id)")
        } else {
            w.text("\(id) ")
            w.label(nicheLabel(id))
        }
        w.raw("</a>")
    }
}

/// `whichtok report`: one self-contained HTML file about a store's niches.
///
/// The page holds inline CSS and SVG and one small inline script (sorting tables, filtering by a
/// search box, highlighting and zooming the map) that it does not need to be read; it fetches
/// nothing. The same input gives the same bytes: nothing depends on the clock, the locale or
/// dictionary order.
package enum Report {
    /// The report as HTML text.
    package static func render(_ input: ReportInput) -> String {
        let context = ReportContext(input)
        let analysis = input.analysis
        var w = HTMLWriter(capacity: 1 << 20)
        w.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        w.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        w.raw("<meta name=\"generator\" content=\"whichtok ")
        w.text(input.provenance.version)
        w.raw("\">\n<title>")
        w.text("whichtok report: \(Numbers.count(analysis.leiden.communityCount)) niches")
        w.raw("</title>\n<style>\n")
        w.raw(ReportStyle.css)
        w.raw(ReportStyle.nicheColors(context))
        w.raw("</style>\n</head>\n<body>\n")
        w.raw("<a class=\"skip\" href=\"#main\">Skip to the report</a>\n")
        writeHeader(context, to: &w)
        w.raw("<main id=\"main\">\n")
        let hasExposure = input.store != nil && !(input.exposure?.donors.isEmpty ?? true)
        if input.store != nil { DataSection.write(context, to: &w) }
        MapSection.write(context, to: &w)
        NicheSection.write(context, to: &w)
        MixingSection.write(context, to: &w)
        if hasExposure { ExposureSection.write(context, to: &w) }
        CentralSection.write(context, to: &w)
        ProvenanceSection.write(context, to: &w)
        w.raw("</main>\n<script>\n")
        w.raw(ReportStyle.script)
        w.raw("</script>\n</body>\n</html>\n")
        return w.html
    }

    private static func writeHeader(_ context: ReportContext, to w: inout HTMLWriter) {
        let analysis = context.analysis
        let graph = context.graph
        w.raw("<header>\n<h1>Which tok? Niches of ")
        w.text(graph.kind.rawValue)
        w.raw(" graph</h1>\n<p class=\"lead\">")
        w.text(
            "\(Numbers.count(graph.nodeCount)) nodes, \(Numbers.count(graph.edgeCount)) edges, "
                + "\(Numbers.count(analysis.leiden.communityCount)) niches (Leiden, "
                + "\(analysis.leiden.parameters.objective.rawValue)), modularity \(Numbers.fixed(analysis.modularity, 3))."
        )
        w.raw("</p>\n<nav aria-label=\"Sections\"><ul>")
        var sections: [(String, String)] = []
        if context.store != nil { sections.append(("data", "The data")) }
        sections += [("map", "The map"), ("niches", "Niches"), ("mixing", "Mixing")]
        if context.store != nil && !(context.input.exposure?.donors.isEmpty ?? true) {
            sections.append(("exposure", "Donors' feeds"))
        }
        sections += [("central", "Central accounts"), ("made", "How this was made")]
        for (id, title) in sections {
            w.raw("<li><a href=\"#\(id)\">")
            w.text(title)
            w.raw("</a></li>")
        }
        w.raw("</ul></nav>\n")
        w.raw(
            "<p class=\"search\" hidden><label for=\"q\">Find a niche or account</label> <input id=\"q\" type=\"search\" autocomplete=\"off\" placeholder=\"#hashtag or name\"></p>\n"
        )
        w.raw("</header>\n")
    }
}
