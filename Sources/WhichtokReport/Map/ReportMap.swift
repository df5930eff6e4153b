import WhichtokExport

/// The map as the report draws it: canvas coordinates for every shape, already laid out, coloured
/// and with labels placed (by `WhichtokPlot`'s scene; the report only writes SVG from it).
///
/// For a large graph `edgeRaster` holds the edges (and the nodes not in `nodes`) drawn as a PNG of
/// the whole canvas; the SVG then has the image under the top nodes, each with a tooltip, so the
/// page stays responsive.
package struct ReportMap: Sendable {
    /// A disc: one graph node.
    package struct Node: Sendable {
        /// The graph node (for its label, niche, PageRank and role).
        package var node: Int
        package var x: Double
        package var y: Double
        package var radius: Double
        package var color: RGB

        package init(node: Int, x: Double, y: Double, radius: Double, color: RGB) {
            self.node = node
            self.x = x
            self.y = y
            self.radius = radius
            self.color = color
        }
    }

    /// A line between two nodes.
    package struct Edge: Sendable {
        package var x1: Double
        package var y1: Double
        package var x2: Double
        package var y2: Double
        package var color: RGB
        package var opacity: Double
        package var width: Double

        package init(x1: Double, y1: Double, x2: Double, y2: Double, color: RGB, opacity: Double, width: Double) {
            self.x1 = x1
            self.y1 = y1
            self.x2 = x2
            self.y2 = y2
            self.color = color
            self.opacity = opacity
            self.width = width
        }
    }

    /// A placed label: `x`, `y` is the start of its baseline.
    package struct Label: Sendable {
        package var text: String
        package var x: Double
        package var y: Double
        package var size: Double

        package init(text: String, x: Double, y: Double, size: Double) {
            self.text = text
            self.x = x
            self.y = y
            self.size = size
        }
    }

    /// A legend line: a niche's colour and name.
    package struct LegendEntry: Sendable {
        package var niche: Int?
        package var color: RGB
        package var text: String

        package init(niche: Int?, color: RGB, text: String) {
            self.niche = niche
            self.color = color
            self.text = text
        }
    }

    package var width: Double
    package var height: Double
    package var background: RGB
    /// Edges in drawing order (lightest first); empty when `edgeRaster` draws them.
    package var edges: [Edge]
    /// Nodes in drawing order (smallest first).
    package var nodes: [Node]
    package var labels: [Label]
    package var legend: [LegendEntry]
    /// One line: graph kind, counts, modularity, parameters.
    package var caption: String
    /// A PNG of the canvas with what is not drawn as SVG (edges, small nodes), or nil.
    package var edgeRaster: [UInt8]?
    /// Where the raster goes in the map's coordinates (it may reach beyond the map: it is clipped).
    package var rasterFrame: (x: Double, y: Double, width: Double, height: Double)?
    /// How the map was made (layout and drawing settings), for "How this was made".
    package var parameters: [(String, String)]

    package init(
        width: Double, height: Double, background: RGB = RGB(r: 255, g: 255, b: 255), edges: [Edge], nodes: [Node],
        labels: [Label], legend: [LegendEntry], caption: String, edgeRaster: [UInt8]? = nil,
        parameters: [(String, String)] = []
    ) {
        self.width = width
        self.height = height
        self.background = background
        self.edges = edges
        self.nodes = nodes
        self.labels = labels
        self.legend = legend
        self.caption = caption
        self.edgeRaster = edgeRaster
        self.parameters = parameters
    }
}
