import CCairo
import Foundation
import Testing
import WhichtokExport
import WhichtokGraph
import WhichtokSupport
import WhichtokTestSupport

@testable import WhichtokPlot

/// A PNG decoded by cairo: size and RGB pixels.
struct DecodedPNG {
    var width: Int
    var height: Int
    var pixels: [UInt32]

    init?(_ bytes: [UInt8]) throws {
        let folder = try TemporaryFolder("plot")
        let path = try folder.write("decode.png", bytes)
        guard let surface = cairo_image_surface_create_from_png(path) else { return nil }
        defer { cairo_surface_destroy(surface) }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else { return nil }
        width = Int(cairo_image_surface_get_width(surface))
        height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        guard let data = cairo_image_surface_get_data(surface) else { return nil }
        var pixels = [UInt32](repeating: 0, count: width * height)
        for y in 0..<height {
            let row = UnsafeRawPointer(data + y * stride)
            for x in 0..<width { pixels[y * width + x] = row.load(fromByteOffset: 4 * x, as: UInt32.self) & 0xFF_FFFF }
        }
        self.pixels = pixels
    }

    func pixel(_ x: Double, _ y: Double) -> UInt32 {
        let column = min(max(0, Int(x)), width - 1)
        let row = min(max(0, Int(y)), height - 1)
        return pixels[row * width + column]
    }
}

/// Six groups with labelled nodes; node 0's label mixes emoji, Cyrillic, Arabic and CJK.
func labelledScene(_ text: PangoText, special: String = "🌴 Женя مرحبا 中文", labels: Int = 12) -> MapScene {
    let base = plotGroups(groups: 6, size: 20, p: 0.35)
    var sources: [UInt32] = []
    var targets: [UInt32] = []
    var weights: [Float] = []
    for u in 0..<base.nodeCount {
        for e in base.neighbours(of: u) where Int(base.targets[e]) > u {
            sources.append(UInt32(u))
            targets.append(base.targets[e])
            weights.append(base.weights[e])
        }
    }
    // Node 0 becomes the hub, so it has the highest PageRank and the first label.
    for v in 1..<base.nodeCount where v % 3 == 0 {
        sources.append(0)
        targets.append(UInt32(v))
        weights.append(1)
    }
    let names = (0..<base.nodeCount).map { $0 == 0 ? special : "user_\($0)" }
    let graph = Graph(
        nodeCount: base.nodeCount, sources: sources, targets: targets, weights: weights, directed: false,
        labels: names)
    let analysis = Analysis(graph)
    var options = MapScene.Options()
    options.width = 800
    options.height = 600
    options.labels = labels
    return MapScene(analysis: analysis, store: nil, layout: layoutFor(analysis), options: options) {
        text.measure($0, fontSize: $1)
    }
}

@Suite("PlotRenderer")
struct PlotRendererTests {
    @Test("the PNG decodes at the scene's size with a distinct colour for every coloured niche")
    func pngColours() throws {
        let text = PangoText()
        let scene = labelledScene(text)
        let result = try PlotRenderer.render(scene, format: .png, text: text)
        let png = try #require(try DecodedPNG(result.bytes))
        #expect(png.width == 800 && png.height == 600)
        #expect(png.pixel(2, 2) == 0xFF_FFFF, "white background")
        // The centre pixel of every node not covered by a later (larger) disc or a label.
        var colours = Set<UInt32>()
        var expected = Set<RGB>()
        for (index, node) in scene.nodes.enumerated() where node.radius >= 3 {
            let covered =
                scene.nodes[(index + 1)...].contains { other in
                    let dx = other.x - node.x
                    let dy = other.y - node.y
                    return (dx * dx + dy * dy).squareRoot() < other.radius + 1
                }
                || scene.labels.contains {
                    $0.box.overlaps(SceneRect(x: node.x - 2, y: node.y - 2, width: 4, height: 4))
                }
            guard !covered else { continue }
            let rgb = node.color
            expected.insert(rgb)
            let value = UInt32(rgb.r) << 16 | UInt32(rgb.g) << 8 | UInt32(rgb.b)
            #expect(png.pixel(node.x, node.y) == value, "node \(node.id)")
            colours.insert(png.pixel(node.x, node.y))
        }
        let niches = Set(scene.nodes.map(\.community)).count
        #expect(colours.count >= niches)
        #expect(expected.count == niches)
    }

    @Test("the SVG has one filled and outlined path per node")
    func svgNodes() throws {
        let text = PangoText()
        let scene = labelledScene(text)
        let svg = String(decoding: try PlotRenderer.render(scene, format: .svg, text: text).bytes, as: UTF8.self)
        #expect(svg.hasPrefix("<?xml"))
        #expect(svg.contains("width=\"800px\" height=\"600px\""))
        let nodePaths = svg.components(separatedBy: "<path ").dropFirst().filter { element in
            let style = element.prefix { $0 != ">" }
            return style.contains("fill:rgb(") && style.contains("stroke:rgb(")
        }
        #expect(nodePaths.count == scene.nodes.count)
        let edgePaths = svg.components(separatedBy: "<path style=\"fill:none;").count - 1
        #expect(edgePaths == scene.edges.count + scene.labels.count)
    }

    @Test("the SVG is well-formed XML", .enabled(if: ExternalTool.xmllint != nil, "needs xmllint (libxml2-utils)"))
    func svgWellFormed() throws {
        let text = PangoText()
        let folder = try TemporaryFolder("plot")
        let path = folder.file("map.svg")
        try PlotRenderer.write(labelledScene(text), to: path, text: text)
        let xmllint = try #require(ExternalTool.xmllint)
        let check = try ChildProcess.run(xmllint, ["--noout", "--nonet", path])
        #expect(check.status == 0, "\(check.stderr)")
    }

    @Test("the PDF starts with %PDF- and carries a fixed creation date")
    func pdf() throws {
        let text = PangoText()
        let bytes = try PlotRenderer.render(labelledScene(text), format: .pdf, text: text).bytes
        #expect(bytes.starts(with: Array("%PDF-".utf8)))
        let body = String(decoding: bytes, as: UTF8.self)
        #expect(body.contains("/CreationDate (20000101000000Z)"))
    }

    @Test("the same scene gives the same bytes", arguments: PlotFormat.allCases)
    func deterministic(format: PlotFormat) throws {
        let first = try PlotRenderer.render(labelledScene(PangoText()), format: format, text: PangoText())
        let second = try PlotRenderer.render(labelledScene(PangoText()), format: format, text: PangoText())
        #expect(first.bytes.count > 1000)
        let same = first.bytes == second.bytes
        #expect(same, "two renderings differ")
    }

    @Test("a label of emoji, Cyrillic, Arabic and CJK has no missing glyphs and is drawn")
    func scriptsRender() throws {
        let text = PangoText()
        let scene = labelledScene(text)
        let label = try #require(scene.labels.first)
        #expect(label.node == 0)
        #expect(label.text == "🌴 Женя مرحبا 中文")
        let with = try PlotRenderer.render(scene, format: .png, text: text)
        #expect(with.unknownGlyphs == 0)
        var without = scene
        without.labels.removeFirst()
        let plain = try PlotRenderer.render(without, format: .png, text: text)
        let a = try #require(try DecodedPNG(with.bytes))
        let b = try #require(try DecodedPNG(plain.bytes))
        var changed = 0
        var coloured = 0
        let box = label.box
        for y in Int(box.y)..<Int(box.maxY) {
            for x in Int(box.x)..<Int(box.maxX) {
                let p = a.pixel(Double(x), Double(y))
                guard p != b.pixel(Double(x), Double(y)) else { continue }
                changed += 1
                // The palm tree is in colour (the rest of the text is grey): a colour emoji, not a box.
                let channels = [Int(p >> 16 & 0xFF), Int(p >> 8 & 0xFF), Int(p & 0xFF)]
                if (channels.max() ?? 0) - (channels.min() ?? 0) > 60 { coloured += 1 }
            }
        }
        #expect(Double(changed) > 0.1 * box.width * box.height)
        #expect(coloured > 10)
        // The text is measured as drawn: the label's box holds text wider than it is tall.
        #expect(box.width > 3 * box.height)
    }

    @Test("a character no font has is counted as an unknown glyph")
    func unknownGlyphsCounted() throws {
        let text = PangoText()
        // U+0378 is unassigned: no font has it.
        let scene = labelledScene(text, special: "x\u{0378}\u{0378}y")
        let result = try PlotRenderer.render(scene, format: .png, text: text)
        #expect(result.unknownGlyphs >= 2)
    }

    @Test("formats follow the file name; others are refused naming the file")
    func formats() throws {
        #expect(PlotFormat(path: "map.PNG") == .png)
        #expect(PlotFormat(path: "out.d/map.svg") == .svg)
        #expect(PlotFormat(path: "a.pdf") == .pdf)
        #expect(PlotFormat(path: "out.png/map") == nil)
        #expect(PlotFormat(path: "map.jpg") == nil)
        let text = PangoText()
        #expect(throws: PlotError.self) { try PlotRenderer.write(labelledScene(text), to: "/tmp/map.jpg", text: text) }
    }
}
