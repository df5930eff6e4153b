internal import CCairo
import WhichtokExport

/// The file formats a plot is written in.
package enum PlotFormat: String, Sendable, CaseIterable {
    case png, svg, pdf

    /// The format named by the extension of `path` (case-insensitive), nil for any other.
    package init?(path: String) {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        self.init(rawValue: path[path.index(after: dot)...].lowercased())
    }
}

/// Why a plot could not be drawn or written, naming the file.
package struct PlotError: Error, Sendable, CustomStringConvertible {
    package var path: String?
    package var message: String

    package init(path: String?, message: String) {
        self.path = path
        self.message = message
    }

    package var description: String { (path.map { $0 + ": " } ?? "") + message }
}

/// What a rendering produced.
package struct RenderResult: Sendable {
    package var format: PlotFormat
    /// The file's bytes.
    package var bytes: [UInt8]
    /// Glyphs no installed font has (Pango draws them as boxes), over every text drawn.
    package var unknownGlyphs: Int
    /// Labels drawn (the scene's labels).
    package var labels: Int
}

/// Paints a `MapScene` with cairo as PNG, SVG or PDF.
///
/// The order is the scene's: white background, edges (lightest first), nodes (smallest first), labels
/// with a white halo, legend, title and caption. PNG is RGB at the scene's size in pixels; SVG uses
/// pixel units of the same size; PDF is 300 pixels per inch (2400 × 1800 px is an 8 × 6 inch page)
/// with a fixed creation date, so the same scene always gives the same bytes in every format.
///
/// Every node disc is one path that is both filled (its colour) and stroked (a thin white outline);
/// nothing else is drawn that way, so in the SVG the nodes are exactly the `<path>` elements whose
/// style has both a `fill:rgb(` and a `stroke:rgb(` (edges and text halos are strokes only, glyphs and
/// legend swatches fills only).
package enum PlotRenderer {
    /// Pixels per inch of a PDF.
    package static let pdfPixelsPerInch = 300.0

    /// Renders `scene` in `format`. `text` must be the one the scene measured its labels with.
    /// `progress(done, total)` is called now and then while the edges and nodes are drawn.
    package static func render(
        _ scene: MapScene, format: PlotFormat, text: PangoText,
        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws(PlotError) -> RenderResult {
        let width = scene.width
        let height = scene.height
        let sink = ByteCollector()
        let closure = Unmanaged.passUnretained(sink).toOpaque()
        let surface: OpaquePointer?
        var pixelScale = 1.0
        switch format {
        case .png:
            surface = cairo_image_surface_create(
                CAIRO_FORMAT_RGB24, Int32(clamping: Int(width.rounded())), Int32(clamping: Int(height.rounded())))
        case .svg:
            surface = cairo_svg_surface_create_for_stream(collect, closure, width, height)
            if let surface { cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PX) }
        case .pdf:
            pixelScale = 72 / pdfPixelsPerInch
            surface = cairo_pdf_surface_create_for_stream(collect, closure, width * pixelScale, height * pixelScale)
            if let surface {
                // A fixed date, so the same plot gives the same bytes.
                cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z")
                cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, scene.title)
                cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "whichtok")
            }
        }
        guard let surface, cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            let reason = surface.map { String(cString: cairo_status_to_string(cairo_surface_status($0))) }
            if let surface { cairo_surface_destroy(surface) }
            throw PlotError(
                path: nil, message: "cannot create the \(format.rawValue) surface (\(reason ?? "no memory"))")
        }
        defer { cairo_surface_destroy(surface) }
        guard let cairo = cairo_create(surface) else {
            throw PlotError(path: nil, message: "cannot create a cairo context")
        }
        defer { cairo_destroy(cairo) }
        cairo_scale(cairo, pixelScale, pixelScale)
        let before = text.unknownGlyphs
        paint(scene, on: cairo, text: text, progress: progress)
        cairo_surface_flush(surface)
        if format == .png {
            let status = cairo_surface_write_to_png_stream(surface, collect, closure)
            guard status == CAIRO_STATUS_SUCCESS else {
                throw PlotError(
                    path: nil, message: "cannot encode the PNG (\(String(cString: cairo_status_to_string(status))))")
            }
        } else {
            cairo_surface_finish(surface)
        }
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS, !sink.failed else {
            throw PlotError(
                path: nil, message: "cannot draw the plot (\(String(cString: cairo_status_to_string(status))))")
        }
        let bytes = format == .svg ? renumberSurfaces(sink.bytes) : sink.bytes
        return RenderResult(
            format: format, bytes: bytes, unknownGlyphs: text.unknownGlyphs - before, labels: scene.labels.count)
    }

    /// Renders `scene` in the format `path` names and writes it there atomically.
    @discardableResult
    package static func write(
        _ scene: MapScene, to path: String, text: PangoText,
        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws(PlotError) -> RenderResult {
        guard let format = PlotFormat(path: path) else {
            throw PlotError(path: path, message: "unknown plot format; expected a name ending in .png, .svg or .pdf")
        }
        var result: RenderResult
        do {
            result = try render(scene, format: format, text: text, progress: progress)
        } catch {
            throw PlotError(path: path, message: error.message)
        }
        do {
            try Exporter.writeFile(result.bytes, to: path)
        } catch {
            throw PlotError(path: nil, message: error.description)
        }
        result.bytes = []
        return result
    }

    /// Draws everything on `cairo`.
    static func paint(
        _ scene: MapScene, on cairo: OpaquePointer, text: PangoText, progress: (_ done: Int, _ total: Int) -> Void
    ) {
        let s = scene.scale
        cairo_set_source_rgb(cairo, 1, 1, 1)
        cairo_paint(cairo)

        let total = scene.edges.count + scene.nodes.count
        var done = 0
        func tick() {
            done += 1
            if done % 20_000 == 0 { progress(done, total) }
        }
        // Edges (butt caps: round ones cost more and do not show at these widths).
        for edge in scene.edges {
            cairo_set_source_rgba(
                cairo, Double(edge.color.r) / 255, Double(edge.color.g) / 255, Double(edge.color.b) / 255, edge.opacity)
            cairo_set_line_width(cairo, edge.width)
            cairo_move_to(cairo, edge.x1, edge.y1)
            cairo_line_to(cairo, edge.x2, edge.y2)
            cairo_stroke(cairo)
            tick()
        }
        // Nodes: filled and outlined in one path each.
        let outline = max(0.5, 0.8 * s)
        for node in scene.nodes {
            cairo_new_path(cairo)
            cairo_arc(cairo, node.x, node.y, node.radius, 0, 2 * Double.pi)
            cairo_close_path(cairo)
            cairo_set_source_rgb(
                cairo, Double(node.color.r) / 255, Double(node.color.g) / 255, Double(node.color.b) / 255)
            cairo_fill_preserve(cairo)
            cairo_set_source_rgb(cairo, 1, 1, 1)
            cairo_set_line_width(cairo, outline)
            cairo_stroke(cairo)
            tick()
        }
        progress(total, total)

        // Labels.
        for label in scene.labels {
            text.draw(label.text, on: cairo, x: label.box.x, y: label.box.y, fontSize: label.fontSize, halo: 4 * s)
        }

        // Legend.
        let legend = scene.legendArea
        let fs = scene.legendFontSize
        if !scene.legend.isEmpty {
            text.draw(
                "Niches (members · top hashtags)", on: cairo, x: legend.x, y: legend.y, fontSize: fs, bold: true,
                maxWidth: legend.width)
        }
        var y = legend.y + 1.8 * fs
        for entry in scene.legend {
            guard y + 1.3 * fs <= legend.maxY else { break }
            cairo_new_path(cairo)
            cairo_rectangle(cairo, legend.x, y + 0.25 * fs, 0.8 * fs, 0.8 * fs)
            cairo_set_source_rgb(
                cairo, Double(entry.color.r) / 255, Double(entry.color.g) / 255, Double(entry.color.b) / 255)
            cairo_fill(cairo)
            text.draw(
                entry.text, on: cairo, x: legend.x + 1.2 * fs, y: y, fontSize: fs, maxWidth: legend.width - 1.2 * fs)
            y += 1.5 * fs
        }

        // Title and caption.
        let margin = 40 * s
        text.draw(
            scene.title, on: cairo, x: margin, y: margin, fontSize: scene.titleFontSize, bold: true,
            maxWidth: scene.width - 2 * margin)
        text.draw(
            scene.caption, on: cairo, x: margin, y: scene.height - margin - 1.4 * scene.captionFontSize,
            fontSize: scene.captionFontSize, maxWidth: scene.width - 2 * margin, color: (0.33, 0.33, 0.33))
    }
}

/// `bytes` of an SVG with cairo's surface ids (`"surface17"`, `#surface17`, numbered by every surface
/// the process made before) renumbered 1, 2, … in order of first appearance, so an SVG does not depend
/// on what was drawn before it in the same process.
func renumberSurfaces(_ bytes: [UInt8]) -> [UInt8] {
    let word = Array("surface".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var numbers: [ArraySlice<UInt8>: Int] = [:]
    var i = 0
    while i < bytes.count {
        let byte = bytes[i]
        out.append(byte)
        i += 1
        guard byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "#"), bytes[i...].starts(with: word) else { continue }
        var end = i + word.count
        while end < bytes.count && bytes[end] >= UInt8(ascii: "0") && bytes[end] <= UInt8(ascii: "9") { end += 1 }
        guard end > i + word.count else { continue }
        let digits = bytes[(i + word.count)..<end]
        let number = numbers[digits] ?? numbers.count + 1
        numbers[digits] = number
        out += word
        out += Array(String(number).utf8)
        i = end
    }
    return out
}

/// The bytes cairo writes through `collect`.
private final class ByteCollector {
    var bytes: [UInt8] = []
    var failed = false
}

/// cairo's write callback: appends to the `ByteCollector` passed as `closure`.
private func collect(_ closure: UnsafeMutableRawPointer?, _ data: UnsafePointer<UInt8>?, _ length: UInt32)
    -> cairo_status_t
{
    guard let closure else { return CAIRO_STATUS_WRITE_ERROR }
    let sink = Unmanaged<ByteCollector>.fromOpaque(closure).takeUnretainedValue()
    guard let data else {
        sink.failed = length > 0
        return length > 0 ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS
    }
    sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
    return CAIRO_STATUS_SUCCESS
}
