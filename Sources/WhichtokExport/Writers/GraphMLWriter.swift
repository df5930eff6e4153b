/// Writes GraphML through libxml2's text writer.
///
/// Profile (Docs/graph-exports.md, 'GraphML profile'): one `<key>` per (domain, name) with
/// `for="graph"`, `"node"` or `"edge"` (never `all`), ids `g_…`, `v_…`, `e_…`, `attr.name` an NMTOKEN and
/// `attr.type` one of `boolean`, `int`, `long`, `float`, `double`, `string`; all keys before the
/// graph; `edgedefault` always set; node ids `n0…` with the real name in the `label` key; nodes before
/// edges; edge ids `e0…` and a `weight` key (double). When a layout was computed, Gephi's visual keys
/// `x`, `y`, `size` (float) and `r`, `g`, `b` (int) are added; colours and sizes are always written.
/// Text is element content, so line breaks in labels are kept as they are. Labels and the description
/// always go through libxml2's escaping writer; the other data elements and whole edges hold only
/// ids, numbers, dates and fixed names, and with `fast` (the default) are pre-formatted by
/// `RawMarkup` and passed to libxml2 in blocks (same bytes; the tests compare both paths).
enum GraphMLWriter {
    static func write(_ document: ExportDocument, to xml: XMLTextWriter, buffer: inout ValueBuffer, fast: Bool = true) {
        let graph = document.graph
        let hasLayout = document.positionX != nil && document.positionY != nil
        xml.startDocument()
        xml.startElement("graphml")
        xml.attribute("xmlns", "http://graphml.graphdrawing.org/xmlns")
        xml.attribute("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
        xml.attribute(
            "xsi:schemaLocation",
            "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd")

        key("g_description", domain: "graph", name: "description", type: "string", xml)
        key("v_label", domain: "node", name: "label", type: "string", xml)
        let nodeKeys = document.nodeColumns.map { Array("v_".utf8) + $0.nameBytes }
        for (column, id) in zip(document.nodeColumns, nodeKeys) {
            key(id, domain: "node", name: column.nameBytes, type: column.type, xml)
        }
        key("v_size", domain: "node", name: "size", type: "float", xml)
        key("v_r", domain: "node", name: "r", type: "int", xml)
        key("v_g", domain: "node", name: "g", type: "int", xml)
        key("v_b", domain: "node", name: "b", type: "int", xml)
        if hasLayout {
            key("v_x", domain: "node", name: "x", type: "float", xml)
            key("v_y", domain: "node", name: "y", type: "float", xml)
        }
        key("e_weight", domain: "edge", name: "weight", type: "double", xml)
        let edgeKeys = document.edgeColumns.map { Array("e_".utf8) + $0.nameBytes }
        for (column, id) in zip(document.edgeColumns, edgeKeys) {
            key(id, domain: "edge", name: column.nameBytes, type: column.type, xml)
        }

        xml.startElement("graph")
        xml.attribute("id", "G")
        xml.attribute("edgedefault", graph.isDirected ? "directed" : "undirected")
        buffer.reset()
        buffer.append(text: document.summary)
        var header = xml
        data("g_description", &buffer, &header)

        var raw = RawMarkup()
        var sink = xml
        for u in 0..<graph.nodeCount {
            if xml.failed { return }
            xml.startNode(u, of: document, labelInto: &buffer)
            data("v_label", &buffer, &sink)
            if fast {
                raw.begin(depth: 3, parentStartTagOpen: false)
                nodeContent(document, u, keys: nodeKeys, &raw, &buffer)
                raw.finish(parentDepth: 2)
            }
            if fast && !raw.needsEscaping {
                xml.raw(raw)
            } else {
                nodeContent(document, u, keys: nodeKeys, &sink, &buffer)
            }
            xml.endElement()
        }

        // Edges follow the nodes inside <graph>, whose start tag is closed by then.
        var blocks = RawBlocks(depth: 2, parentDepth: 1, parentMayBeOpen: false)
        document.forEachEdge { index, u, v, e in
            if xml.failed { return }
            if fast, blocks.write(xml, &raw, { edge(document, index, u, v, e, keys: edgeKeys, &$0, &buffer) }) {
                return
            }
            edge(document, index, u, v, e, keys: edgeKeys, &sink, &buffer)
            blocks.wroteThroughWriter()
        }
        blocks.finish(xml, &raw)
        xml.endElement()  // graph
        xml.endElement()  // graphml
        xml.endDocument()
    }

    static func key(
        _ id: StaticString, domain: StaticString, name: StaticString, type: StaticString, _ xml: XMLTextWriter
    ) {
        xml.startElement("key")
        xml.attribute("id", id)
        xml.attribute("for", domain)
        xml.attribute("attr.name", name)
        xml.attribute("attr.type", type)
        xml.endElement()
    }

    static func key(_ id: [UInt8], domain: StaticString, name: [UInt8], type: AttributeType, _ xml: XMLTextWriter) {
        xml.startElement("key")
        xml.attribute("id", id)
        xml.attribute("for", domain)
        xml.attribute("attr.name", name)
        switch type {
        case .boolean: xml.attribute("attr.type", "boolean")
        case .integer: xml.attribute("attr.type", "int")
        case .long: xml.attribute("attr.type", "long")
        case .double: xml.attribute("attr.type", "double")
        case .string: xml.attribute("attr.type", "string")
        }
        xml.endElement()
    }

    /// A node's data elements after its label: attributes, size, colour and position.
    static func nodeContent<Sink: MarkupSink & ~Copyable>(
        _ document: ExportDocument, _ u: Int, keys: [[UInt8]], _ out: inout Sink, _ buffer: inout ValueBuffer
    ) {
        for (column, id) in zip(document.nodeColumns, keys) {
            buffer.reset()
            guard column.write(u, into: &buffer) else { continue }
            data(id, &buffer, &out)
        }
        buffer.reset()
        buffer.append(float: document.sizes[u])
        data("v_size", &buffer, &out)
        let colour = document.colors[u]
        buffer.reset()
        buffer.append(integer: Int(colour.r))
        data("v_r", &buffer, &out)
        buffer.reset()
        buffer.append(integer: Int(colour.g))
        data("v_g", &buffer, &out)
        buffer.reset()
        buffer.append(integer: Int(colour.b))
        data("v_b", &buffer, &out)
        if let x = document.positionX, let y = document.positionY {
            buffer.reset()
            buffer.append(float: x[u])
            data("v_x", &buffer, &out)
            buffer.reset()
            buffer.append(float: y[u])
            data("v_y", &buffer, &out)
        }
    }

    /// One `<edge>` with its weight and attributes.
    static func edge<Sink: MarkupSink & ~Copyable>(
        _ document: ExportDocument, _ index: Int, _ u: Int, _ v: Int, _ e: Int, keys: [[UInt8]],
        _ out: inout Sink, _ buffer: inout ValueBuffer
    ) {
        RawBlocks.startEdge(index, u, v, &out, &buffer)
        buffer.reset()
        buffer.append(float: document.graph.weights[e])
        data("e_weight", &buffer, &out)
        for (column, id) in zip(document.edgeColumns, keys) {
            buffer.reset()
            guard column.write(e, into: &buffer) else { continue }
            data(id, &buffer, &out)
        }
        out.endElement()
    }

    @inline(__always)
    static func data<Sink: MarkupSink & ~Copyable>(
        _ key: StaticString, _ buffer: inout ValueBuffer, _ out: inout Sink
    ) {
        out.startElement("data")
        out.attribute("key", key)
        out.text(&buffer)
        out.endElement()
    }

    @inline(__always)
    static func data<Sink: MarkupSink & ~Copyable>(_ key: [UInt8], _ buffer: inout ValueBuffer, _ out: inout Sink) {
        out.startElement("data")
        out.attribute("key", key)
        out.text(&buffer)
        out.endElement()
    }
}
