internal import CCairo

/// Text measured and drawn with Pango, so emoji, Cyrillic, Arabic and CJK names get real glyphs
/// (fontconfig falls back through the families in `fonts` and then every installed font, which finds
/// Noto Color Emoji for emoji).
///
/// The emoji font is deliberately not named in `fonts`: Pango would then take the digits, `#` and `*`
/// (which have emoji keycap forms) from it, drawn wide and grey.
///
/// Hinting is off and glyph positions are not rounded, so a text measures the same on a PNG, an SVG
/// and a PDF, and the scene's label boxes match what is drawn. Counts the glyphs Pango could not find
/// in any font (drawn as boxes) over every text it lays out.
package final class PangoText {
    /// Families tried in order for every text.
    package static let defaultFonts = "DejaVu Sans, Noto Sans CJK SC"

    private let context: OpaquePointer
    private let regular: OpaquePointer
    private let bold: OpaquePointer
    private let fontOptions: OpaquePointer
    /// Glyphs drawn as boxes so far (see `pango_layout_get_unknown_glyphs_count`).
    package private(set) var unknownGlyphs = 0

    package init(fonts: String = PangoText.defaultFonts) {
        let map = pango_cairo_font_map_get_default()
        context = pango_font_map_create_context(map)
        fontOptions = cairo_font_options_create()
        cairo_font_options_set_hint_style(fontOptions, CAIRO_HINT_STYLE_NONE)
        cairo_font_options_set_hint_metrics(fontOptions, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_antialias(fontOptions, CAIRO_ANTIALIAS_GRAY)
        pango_cairo_context_set_font_options(context, fontOptions)
        pango_context_set_round_glyph_positions(context, 0)
        regular = pango_font_description_from_string(fonts)
        bold = pango_font_description_from_string(fonts)
        pango_font_description_set_weight(bold, PANGO_WEIGHT_BOLD)
    }

    deinit {
        pango_font_description_free(regular)
        pango_font_description_free(bold)
        g_object_unref(UnsafeMutableRawPointer(context))
        cairo_font_options_destroy(fontOptions)
    }

    /// The logical size of `text` at `fontSize` pixels.
    package func measure(_ text: String, fontSize: Double, bold isBold: Bool = false) -> TextExtent {
        guard let layout = makeLayout(text, fontSize: fontSize, bold: isBold, maxWidth: nil) else {
            return TextExtent(width: 0, height: 0)
        }
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        var logical = PangoRectangle()
        pango_layout_get_extents(layout, nil, &logical)
        let scale = Double(PANGO_SCALE)
        return TextExtent(width: Double(logical.width) / scale, height: Double(logical.height) / scale)
    }

    /// Draws `text` with its top-left corner at (`x`, `y`) in the current source colour; with `halo`,
    /// first strokes the outline of the glyphs in translucent white of that width.
    func draw(
        _ text: String, on cairo: OpaquePointer, x: Double, y: Double, fontSize: Double, bold isBold: Bool = false,
        maxWidth: Double? = nil, halo: Double? = nil, color: (Double, Double, Double) = (0.13, 0.13, 0.13)
    ) {
        pango_cairo_update_context(cairo, context)
        guard let layout = makeLayout(text, fontSize: fontSize, bold: isBold, maxWidth: maxWidth) else { return }
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        unknownGlyphs += Int(pango_layout_get_unknown_glyphs_count(layout))
        if let halo {
            cairo_new_path(cairo)
            cairo_move_to(cairo, x, y)
            pango_cairo_layout_path(cairo, layout)
            cairo_set_source_rgba(cairo, 1, 1, 1, 0.85)
            cairo_set_line_width(cairo, halo)
            cairo_set_line_join(cairo, CAIRO_LINE_JOIN_ROUND)
            cairo_stroke(cairo)
        }
        cairo_set_source_rgb(cairo, color.0, color.1, color.2)
        cairo_move_to(cairo, x, y)
        pango_cairo_show_layout(cairo, layout)
        cairo_new_path(cairo)
    }

    private func makeLayout(_ text: String, fontSize: Double, bold isBold: Bool, maxWidth: Double?) -> OpaquePointer? {
        guard let layout = pango_layout_new(context) else { return nil }
        let description = isBold ? bold : regular
        pango_font_description_set_absolute_size(description, max(1, fontSize) * Double(PANGO_SCALE))
        pango_layout_set_font_description(layout, description)
        pango_layout_set_text(layout, text, -1)
        if let maxWidth {
            pango_layout_set_width(layout, Int32(clamping: Int(max(1, maxWidth) * Double(PANGO_SCALE))))
            pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END)
        }
        return layout
    }
}
