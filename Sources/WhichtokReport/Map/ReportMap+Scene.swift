import WhichtokExport
import WhichtokGraph
import WhichtokPlot
import WhichtokStore

extension ReportMap {
    /// Above these sizes the edges (and the nodes beyond `svgNodeLimit`) are a PNG under the SVG.
    package static let rasterNodeLimit = 5_000
    package static let rasterEdgeLimit = 20_000
    /// Nodes kept as SVG discs (with tooltips) over the raster: the largest (highest PageRank).
    package static let svgNodeLimit = 5_000

    /// The report's map from `plot`'s scene: the same positions, discs, colours, edges and labels,
    /// cropped to the scene's plot area (the report writes the legend, title and caption as HTML).
    ///
    /// A graph with more than `rasterNodeLimit` nodes or `rasterEdgeLimit` drawn edges gets its
    /// edges and its smaller nodes painted by `PlotRenderer` into a PNG (`edgeRaster`), and only the
    /// `svgNodeLimit` largest nodes as SVG, so the page stays responsive at 100k nodes.
    ///
    /// - Parameters:
    ///   - scene: the scene of the analysis the report shows.
    ///   - text: the Pango text the scene measured its labels with (for the raster).
    ///   - parameters: how the layout and the scene were made, for "How this was made".
    package init(scene: MapScene, text: PangoText, parameters: [(String, String)]) throws(PlotError) {
        let area = scene.plotArea
        let large = scene.nodes.count > Self.rasterNodeLimit || scene.edges.count > Self.rasterEdgeLimit
        var svgNodes = scene.nodes
        var raster: [UInt8]?
        var edges: [Edge] = []
        if large {
            // Nodes are in drawing order, smallest first: the last ones are the largest.
            let split = max(0, scene.nodes.count - Self.svgNodeLimit)
            svgNodes = Array(scene.nodes[split...])
            var background = scene
            background.nodes = Array(scene.nodes[..<split])
            background.labels = []
            background.legend = []
            background.title = ""
            background.caption = ""
            raster = try PlotRenderer.render(background, format: .png, text: text).bytes
        } else {
            edges = scene.edges.map {
                Edge(
                    x1: $0.x1 - area.x, y1: $0.y1 - area.y, x2: $0.x2 - area.x, y2: $0.y2 - area.y, color: $0.color,
                    opacity: $0.opacity, width: $0.width)
            }
        }
        self.init(
            width: area.width, height: area.height, edges: edges,
            nodes: svgNodes.map {
                Node(node: $0.id, x: $0.x - area.x, y: $0.y - area.y, radius: $0.radius, color: $0.color)
            },
            labels: scene.labels.map {
                // The box's top left, to a baseline: the ascent is about 0.8 of the line height.
                Label(
                    text: $0.text, x: $0.box.x - area.x, y: $0.box.y - area.y + 0.8 * $0.box.height, size: $0.fontSize)
            },
            legend: scene.legend.map { LegendEntry(niche: $0.community, color: $0.color, text: $0.text) },
            caption: scene.caption, edgeRaster: raster,
            parameters: parameters + [
                (
                    "Map",
                    "\(Int(scene.width)) × \(Int(scene.height)) px scene, \(scene.edgeSelection.drawn) of \(scene.edgeSelection.total) edges drawn"
                        + (scene.edgeSelection.backbone ? " (per-node backbone)" : "")
                        + (large
                            ? "; edges and the smaller nodes as a PNG under the \(svgNodes.count) largest nodes" : "")
                        + ", \(scene.labels.count) labels"
                )
            ])
        if raster != nil { rasterFrame = (-area.x, -area.y, scene.width, scene.height) }
    }
}
