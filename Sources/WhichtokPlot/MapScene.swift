import WhichtokExport
import WhichtokGraph
import WhichtokStore
import WhichtokSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The size of a piece of text as the renderer will draw it, in canvas pixels.
package struct TextExtent: Sendable, Equatable {
    package var width: Double
    package var height: Double

    package init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }
}

/// An axis-aligned rectangle in canvas pixels (origin top left, y down).
package struct SceneRect: Sendable, Equatable {
    package var x: Double
    package var y: Double
    package var width: Double
    package var height: Double

    package init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    package var maxX: Double { x + width }
    package var maxY: Double { y + height }

    /// Whether the two rectangles share interior points (touching edges do not count).
    package func overlaps(_ other: SceneRect) -> Bool {
        x < other.maxX && other.x < maxX && y < other.maxY && other.y < maxY
    }

    /// Whether `other` lies wholly inside this rectangle.
    package func contains(_ other: SceneRect) -> Bool {
        other.x >= x && other.y >= y && other.maxX <= maxX && other.maxY <= maxY
    }
}

/// Everything a drawing of the niches shows, in canvas pixels, with no drawing library in it: the
/// renderer (cairo for PNG, SVG and PDF; the report's own SVG) only paints what is here, in order.
///
/// Built from an `Analysis` and a `ForceAtlas2` layout of the same graph:
/// - **nodes**: the layout fitted into the plot area (uniform scale, centred, y pointing up as in
///   Gephi), a disc per node with radius `r = s·(2 + 18·√((p − p_min)/(p_max − p_min)))` for PageRank
///   `p` (`s` = min(width, height)/1800; 5·s when all are equal), all shrunk by one factor when
///   together they would cover more than a fifth of the plot area (large graphs), coloured by niche with
///   `CommunityPalette` (the colours `export` writes); drawn smallest first, so hubs stay on top.
/// - **edges**: lines below the nodes, coloured as the mean of their ends' colours, opacity
///   `0.1 + 0.5·t` and width `s·(0.4 + 1.6·t)` with `t = log(1 + w)/log(1 + w_max)`, drawn lightest
///   first and heaviest last. A graph with more edges than `Options.edgeLimit` (default 100,000) is
///   thinned to its per-node backbone: every edge gets the rank it has among the heaviest edges of
///   either end (0 for a node's heaviest edge), and the edges are kept in order of that rank (then
///   weight, heaviest first, then node ids) up to the limit, so each node keeps its strongest ties
///   first and no node loses all of its edges while another keeps its tenth.
/// - **labels**: the `Options.labels` nodes with the highest PageRank (ties by node id), each tried
///   right, left, above and below its disc and placed at the first spot that stays inside the plot
///   area and overlaps no label placed before it (greedy, best ranked first, so deterministic),
///   preferring spots that cover no other labelled node's disc; a label that fits nowhere is left out.
///   Text comes from `Graph.label(of:in:)`, with control and bidirectional-override characters
///   removed and long names shortened to 32 characters.
/// - **legend**: each niche with its own colour, largest first (at most `Options.legendLimit`), named
///   by its top hashtags (or its central members when it has none), with its size.
/// - **title** and **caption**: the graph kind, node and edge counts, niches, modularity and the
///   parameters of the partition and the layout.
///
/// Text sizes come from the `measure` closure the renderer passes in (Pango for cairo), so placement
/// matches what is drawn. The same analysis, layout, options and measure give the same scene.
package struct MapScene: Sendable {
    /// What to draw and how large.
    package struct Options: Sendable, Equatable {
        /// Canvas size in pixels (points for SVG and PDF).
        package var width = 2400.0
        package var height = 1800.0
        /// Accounts labelled (the highest PageRank first).
        package var labels = 30
        /// Title; nil gives "Niches of the <kind> graph".
        package var title: String?
        /// The most edges drawn; above it the per-node backbone is kept (see `MapScene`).
        package var edgeLimit = 100_000
        /// The most niches in the legend.
        package var legendLimit = 12
        /// Hashtags naming a niche in the legend.
        package var legendHashtags = 3
        package init() {}
    }

    /// A node's disc.
    package struct Node: Sendable, Equatable {
        /// The graph node.
        package var id: Int
        package var x: Double
        package var y: Double
        package var radius: Double
        package var color: RGB
        /// Its niche (Leiden community, 0 = largest).
        package var community: Int
    }

    /// A line between two nodes.
    package struct Edge: Sendable, Equatable {
        /// Graph nodes at the ends (source first for directed graphs).
        package var source: Int
        package var target: Int
        package var x1: Double
        package var y1: Double
        package var x2: Double
        package var y2: Double
        package var weight: Float
        package var width: Double
        /// 0–1.
        package var opacity: Double
        package var color: RGB
    }

    /// A node's name, drawn with its top-left corner at (`box.x`, `box.y`).
    package struct Label: Sendable, Equatable {
        package var node: Int
        package var text: String
        package var fontSize: Double
        /// Where the text goes, as measured.
        package var box: SceneRect
    }

    /// One niche in the legend.
    package struct LegendEntry: Sendable, Equatable {
        package var community: Int
        package var color: RGB
        /// Members (nodes) in the niche.
        package var size: Int
        /// Its top hashtags, "#a #b #c" (or central members' names when it has no hashtags).
        package var name: String
        /// The line drawn: "<size> · <name>".
        package var text: String
    }

    /// How the drawn edges were chosen.
    package struct EdgeSelection: Sendable, Equatable {
        /// Edges of the graph (undirected edges counted once).
        package var total: Int
        /// Edges drawn.
        package var drawn: Int
        /// Whether the per-node backbone was taken (`total` above the limit).
        package var backbone: Bool
    }

    package var width: Double
    package var height: Double
    /// Where nodes are placed (labels stay inside it too).
    package var plotArea: SceneRect
    /// Where the legend goes (to the right of the plot area).
    package var legendArea: SceneRect
    /// The scale of every size: min(width, height)/1800.
    package var scale: Double
    package var title: String
    package var titleFontSize: Double
    package var caption: String
    package var captionFontSize: Double
    package var legendFontSize: Double
    /// Drawing order: smallest first.
    package var nodes: [Node]
    /// Drawing order: lightest first, heaviest last.
    package var edges: [Edge]
    /// Best ranked first; boxes never overlap.
    package var labels: [Label]
    package var legend: [LegendEntry]
    package var edgeSelection: EdgeSelection
    package var options: Options

    /// Builds the scene.
    ///
    /// - Parameters:
    ///   - analysis: the analysed graph.
    ///   - store: where account names, hashtags and sounds come from (nil for an edge list).
    ///   - layout: a ForceAtlas2 layout of `analysis.graph` (a missing or mismatched one places every
    ///     node at the centre).
    ///   - options: canvas size, labels, title, limits.
    ///   - measure: the size of `text` drawn at `fontSize` pixels.
    package init(
        analysis: Analysis, store: Store?, layout: ForceAtlas2?, options: Options = Options(),
        measure: (_ text: String, _ fontSize: Double) -> TextExtent
    ) {
        let graph = analysis.graph
        let n = graph.nodeCount
        self.options = options
        let width = max(options.width, 64)
        let height = max(options.height, 64)
        self.width = width
        self.height = height
        let s = min(width, height) / 1800
        scale = s

        // Frame: title on top, caption at the bottom, legend on the right.
        let margin = 40 * s
        titleFontSize = 40 * s
        captionFontSize = 20 * s
        legendFontSize = 24 * s
        let titleHeight = 2 * titleFontSize
        let captionHeight = 2.5 * captionFontSize
        let legendWidth = width * 0.24
        plotArea = SceneRect(
            x: margin, y: margin + titleHeight, width: max(1, width - legendWidth - 2 * margin),
            height: max(1, height - titleHeight - captionHeight - 2 * margin))
        legendArea = SceneRect(
            x: width - legendWidth, y: margin + titleHeight, width: legendWidth - margin,
            height: max(1, height - titleHeight - captionHeight - 2 * margin))

        // Colours and radii.
        let membership = analysis.leiden.membership
        let palette = CommunityPalette.assign(graph, membership: membership, count: analysis.leiden.communityCount)
        let colors = membership.map { Int($0) < palette.count ? palette[Int($0)] : CommunityPalette.tail }
        let rank = analysis.pageRank.rank
        let low = rank.min() ?? 0
        let high = rank.max() ?? 0
        var radius: [Double] = rank.map { p in
            guard high > low else { return 5 * s }
            return s * (2 + 18 * ((p - low) / (high - low)).squareRoot())
        }
        // On large graphs the discs would cover the map: shrink them all by one factor so that
        // together they cover at most `discShare` of the plot area (never below 0.5·s).
        var discArea = 0.0
        for r in radius { discArea += Double.pi * r * r }
        let room = MapScene.discShare * plotArea.width * plotArea.height
        if discArea > room {
            let shrink = (room / discArea).squareRoot()
            radius = radius.map { max(0.5 * s, $0 * shrink) }
        }

        // Positions fitted into the plot area (y up, as Gephi shows it).
        var px = [Double](repeating: plotArea.x + plotArea.width / 2, count: n)
        var py = [Double](repeating: plotArea.y + plotArea.height / 2, count: n)
        if let layout, layout.x.count == n, layout.y.count == n, n > 0 {
            var minX = Double.infinity
            var maxX = -Double.infinity
            var minY = Double.infinity
            var maxY = -Double.infinity
            for u in 0..<n where layout.x[u].isFinite && layout.y[u].isFinite {
                minX = min(minX, Double(layout.x[u]))
                maxX = max(maxX, Double(layout.x[u]))
                minY = min(minY, Double(layout.y[u]))
                maxY = max(maxY, Double(layout.y[u]))
            }
            let largest = radius.max() ?? 0
            let inner = SceneRect(
                x: plotArea.x + largest, y: plotArea.y + largest, width: max(1, plotArea.width - 2 * largest),
                height: max(1, plotArea.height - 2 * largest))
            if minX <= maxX {
                let spanX = max(maxX - minX, 1e-9)
                let spanY = max(maxY - minY, 1e-9)
                let k = min(inner.width / spanX, inner.height / spanY)
                let offsetX = inner.x + (inner.width - k * spanX) / 2
                let offsetY = inner.y + (inner.height - k * spanY) / 2
                for u in 0..<n where layout.x[u].isFinite && layout.y[u].isFinite {
                    px[u] = offsetX + k * (Double(layout.x[u]) - minX)
                    py[u] = offsetY + k * (maxY - Double(layout.y[u]))
                }
            }
        }
        let nodeOrder = (0..<n).sorted { radius[$0] != radius[$1] ? radius[$0] < radius[$1] : $0 < $1 }
        nodes = nodeOrder.map {
            Node(id: $0, x: px[$0], y: py[$0], radius: radius[$0], color: colors[$0], community: Int(membership[$0]))
        }

        // Edges.
        let selected = MapScene.selectEdges(graph, limit: options.edgeLimit)
        edgeSelection = selected.selection
        var maxWeight: Float = 0
        for e in selected.entries { maxWeight = max(maxWeight, graph.weights[e.entry]) }
        let logMax = log1p(Double(maxWeight))
        edges = selected.entries.map { item in
            let w = graph.weights[item.entry]
            let t = logMax > 0 ? min(1, log1p(Double(max(0, w))) / logMax) : 1
            let a = colors[item.source]
            let b = colors[item.target]
            let mixed = RGB(
                r: UInt8((Int(a.r) + Int(b.r)) / 2), g: UInt8((Int(a.g) + Int(b.g)) / 2),
                b: UInt8((Int(a.b) + Int(b.b)) / 2))
            return Edge(
                source: item.source, target: item.target, x1: px[item.source], y1: py[item.source],
                x2: px[item.target], y2: py[item.target], weight: w, width: s * (0.4 + 1.6 * t),
                opacity: 0.1 + 0.5 * t, color: mixed)
        }

        // Labels: best ranked first, greedy placement without overlap.
        let byRank = (0..<n).sorted { rank[$0] != rank[$1] ? rank[$0] > rank[$1] : $0 < $1 }
        var placed: [Label] = []
        let labelCount = min(max(0, options.labels), n)
        // The discs of the labelled nodes, which a label avoids covering when it can.
        let discs = byRank.prefix(labelCount).map { u in
            (
                node: u,
                box: SceneRect(x: px[u] - radius[u], y: py[u] - radius[u], width: 2 * radius[u], height: 2 * radius[u])
            )
        }
        for (position, u) in byRank.prefix(labelCount).enumerated() {
            let text = MapScene.displayText(graph.label(of: u, in: store), limit: 32)
            guard !text.isEmpty else { continue }
            let fontSize = s * (labelCount > 1 ? 30 - 12 * Double(position) / Double(labelCount - 1) : 30)
            let extent = measure(text, fontSize)
            let gap = 4 * s
            let r = radius[u]
            let candidates = [
                SceneRect(
                    x: px[u] + r + gap, y: py[u] - extent.height / 2, width: extent.width, height: extent.height),
                SceneRect(
                    x: px[u] - r - gap - extent.width, y: py[u] - extent.height / 2, width: extent.width,
                    height: extent.height),
                SceneRect(
                    x: px[u] - extent.width / 2, y: py[u] - r - gap - extent.height, width: extent.width,
                    height: extent.height),
                SceneRect(x: px[u] - extent.width / 2, y: py[u] + r + gap, width: extent.width, height: extent.height),
            ]
            let area = plotArea
            func fits(_ box: SceneRect) -> Bool { area.contains(box) && !placed.contains { $0.box.overlaps(box) } }
            func clearOfDiscs(_ box: SceneRect) -> Bool {
                !discs.contains { $0.node != u && $0.box.overlaps(box) }
            }
            if let box = candidates.first(where: { fits($0) && clearOfDiscs($0) }) ?? candidates.first(where: fits) {
                placed.append(Label(node: u, text: text, fontSize: fontSize, box: box))
            }
        }
        labels = placed

        // Legend: the niches with a colour of their own, largest first.
        var entries: [LegendEntry] = []
        let sizes = analysis.communities.size
        for c in 0..<min(palette.count, sizes.count) where entries.count < max(0, options.legendLimit) {
            guard palette[c] != CommunityPalette.tail, sizes[c] >= 2 else { continue }
            var names: [String] = []
            if c < analysis.profiles.count {
                // Distinct names: in a bipartite graph a hashtag can be listed both as a member and for
                // the members' engagement.
                for item in analysis.profiles[c].topHashtags where names.count < options.legendHashtags {
                    let name = MapScene.displayText(item.label(in: store), limit: 24)
                    if !names.contains(name) { names.append(name) }
                }
                if names.isEmpty {
                    names = analysis.profiles[c].centralMembers.prefix(options.legendHashtags).map {
                        MapScene.displayText(graph.label(of: $0, in: store), limit: 24)
                    }
                }
            }
            var name = names.joined(separator: " ")
            var text = "\(sizes[c]) · " + (name.isEmpty ? "niche \(c)" : name)
            // Drop trailing names until the line fits beside its swatch.
            let room = legendArea.width - 2 * legendFontSize
            while names.count > 1 && measure(text, legendFontSize).width > room {
                names.removeLast()
                name = names.joined(separator: " ")
                text = "\(sizes[c]) · " + name
            }
            entries.append(LegendEntry(community: c, color: palette[c], size: sizes[c], name: name, text: text))
        }
        legend = entries

        // Title and caption.
        let kind = graph.kind.rawValue
        title = options.title ?? "Niches of the \(kind) graph"
        let leiden = analysis.leiden.parameters
        var parts = [
            "\(kind) graph, \(graph.isDirected ? "directed" : "undirected")",
            "\(n) nodes",
            "\(edgeSelection.total) edges"
                + (edgeSelection.backbone ? " (\(edgeSelection.drawn) drawn: per-node backbone)" : ""),
            "\(analysis.leiden.communityCount) niches",
            "modularity \(MapScene.fixed(analysis.modularity, 3))",
            "Leiden \(leiden.objective.rawValue) γ=\(leiden.resolution) seed \(leiden.seed)",
        ]
        if let layout, layout.x.count == n {
            parts.append("ForceAtlas2 \(layout.iterationsDone) iterations seed \(layout.parameters.seed)")
        }
        parts.append("size: PageRank")
        caption = parts.joined(separator: " · ")
    }

    /// The most of the plot area the discs cover together (before overlaps) on a large graph.
    package static let discShare = 0.2

    /// An edge chosen for drawing: its CSR entry and its ends.
    struct SelectedEdge {
        var entry: Int
        var source: Int
        var target: Int
    }

    /// The edges to draw, lightest first, and how they were chosen (see `MapScene`). O(m log m).
    static func selectEdges(_ graph: Graph, limit: Int) -> (entries: [SelectedEdge], selection: EdgeSelection) {
        let n = graph.nodeCount
        let directed = graph.isDirected
        var all: [SelectedEdge] = []
        all.reserveCapacity(graph.edgeCount)
        for u in 0..<n {
            for e in graph.neighbours(of: u) {
                let v = Int(graph.targets[e])
                if directed || u < v { all.append(SelectedEdge(entry: e, source: u, target: v)) }
            }
        }
        let total = all.count
        let weights = graph.weights
        var chosen = all
        let bounded = max(0, limit)
        let backbone = total > bounded
        if backbone {
            // Rank of each CSR entry among its node's edges, heaviest first (ties by neighbour id, as
            // rows are sorted by id and the sort is stable).
            var entryRank = [UInt32](repeating: .max, count: graph.entryCount)
            var row: [Int] = []
            func rankRow(_ range: Range<Int>, weight: (Int) -> Float, entry: (Int) -> Int) {
                row.removeAll(keepingCapacity: true)
                row.append(contentsOf: range)
                row.sort { weight($0) != weight($1) ? weight($0) > weight($1) : $0 < $1 }
                for (r, i) in row.enumerated() {
                    let e = entry(i)
                    guard e >= 0 else { continue }
                    entryRank[e] = min(entryRank[e], UInt32(clamping: r))
                }
            }
            for u in 0..<n {
                rankRow(graph.neighbours(of: u), weight: { weights[$0] }, entry: { $0 })
            }
            if directed {
                // An edge's rank among its target's in-edges counts as well.
                let inSources = graph.inSources
                let inWeights = graph.inWeights
                for v in 0..<n where v + 1 < graph.inOffsets.count {
                    rankRow(
                        graph.inOffsets[v]..<graph.inOffsets[v + 1], weight: { inWeights[$0] },
                        entry: { graph.edgeIndex(from: Int(inSources[$0]), to: v) ?? -1 })
                }
            }
            var edgeRank = [UInt32](repeating: .max, count: total)
            for (k, item) in all.enumerated() {
                var r = entryRank[item.entry]
                if !directed, let back = graph.edgeIndex(from: item.target, to: item.source) {
                    r = min(r, entryRank[back])
                }
                edgeRank[k] = r
            }
            let order = (0..<total).sorted { a, b in
                if edgeRank[a] != edgeRank[b] { return edgeRank[a] < edgeRank[b] }
                let wa = weights[all[a].entry]
                let wb = weights[all[b].entry]
                if wa != wb { return wa > wb }
                return a < b
            }
            chosen = order.prefix(bounded).map { all[$0] }
        }
        chosen.sort { a, b in
            let wa = weights[a.entry]
            let wb = weights[b.entry]
            if wa != wb { return wa < wb }
            return a.entry < b.entry
        }
        return (chosen, EdgeSelection(total: total, drawn: chosen.count, backbone: backbone))
    }

    /// `text` for a figure: control, line-break and bidirectional-control characters removed, spaces
    /// collapsed, at most `limit` characters (then "…").
    package static func displayText(_ text: String, limit: Int) -> String {
        var out = ""
        var count = 0
        var lastWasSpace = true
        for character in text {
            if count == limit {
                out += "…"
                break
            }
            if !character.isWhitespace && character.unicodeScalars.allSatisfy(TerminalText.isUnsafe) { continue }
            if character.isWhitespace {
                if lastWasSpace { continue }
                lastWasSpace = true
                out.append(" ")
            } else {
                lastWasSpace = false
                var clean = String.UnicodeScalarView()
                for scalar in character.unicodeScalars where !TerminalText.isUnsafe(scalar) { clean.append(scalar) }
                out.unicodeScalars.append(contentsOf: clean)
            }
            count += 1
        }
        while out.last == " " { out.removeLast() }
        return out
    }

    /// `value` with `digits` decimals ("0.612"), the same on every platform.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "–" }
        var factor = 1.0
        for _ in 0..<digits { factor *= 10 }
        let scaled = (abs(value) * factor).rounded()
        let whole = Int(scaled / factor)
        var fraction = String(Int(scaled) - whole * Int(factor))
        while fraction.count < digits { fraction = "0" + fraction }
        return (value < 0 && scaled > 0 ? "-" : "") + "\(whole)" + (digits > 0 ? "." + fraction : "")
    }
}
