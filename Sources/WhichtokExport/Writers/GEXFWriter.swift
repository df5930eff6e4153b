import WhichtokGraph
import WhichtokSupport

/// The GEXF version to write.
package enum GEXFVersion: String, Sendable, CaseIterable {
    /// GEXF 1.3 (`http://gexf.net/1.3`): Gephi 0.10, networkx ≥ 3.6, graphology.
    case version13 = "1.3"
    /// GEXF 1.2draft (`http://www.gexf.net/1.2draft`): networkx before 3.6, older tools.
    case version12 = "1.2"
}

/// How to write GEXF.
package struct GEXFOptions: Sendable, Equatable {
    package var version: GEXFVersion = .version13
    /// Give nodes and edges spells from their event times (`mode="dynamic"`, `timeformat="date"`), so
    /// Gephi's timeline can filter them.
    package var dynamic = false
    package init(version: GEXFVersion = .version13, dynamic: Bool = false) {
        self.version = version
        self.dynamic = dynamic
    }
}

/// Writes GEXF (1.3 or 1.2draft) through libxml2's text writer.
///
/// Profile (Docs/graph-exports.md, 'GEXF profile' and 'Dynamic GEXF'): exact namespaces (`http://gexf.net/1.3`,
/// `http://www.gexf.net/1.2draft`, no `xsi:schemaLocation`); `defaultedgetype` `directed` or
/// `undirected` (never `mutual`); typed attributes declared once per class with their title as id;
/// every edge with an id and a `weight` written as a double; nodes before edges with `count`s;
/// `viz:size`, `viz:position` (with `z="0.0"`) and `viz:color` with `r`/`g`/`b` (never `hex`). Dynamic
/// exports use day-granular spells (`timeformat="date"`, closed intervals of UTC days), which Gephi's
/// timeline and networkx both read.
///
/// Labels and the description always go through libxml2's escaping writer. The rest of a node (its
/// attribute values and viz elements) and whole edges hold only ids, numbers, dates and fixed names;
/// with `fast` (the default) they are pre-formatted by `RawMarkup` and passed to libxml2 in blocks,
/// which gives the same bytes (the tests compare both paths) in a fraction of the time: one libxml2
/// call per block instead of several per value (Benchmarks/RESULTS.md, `make bench-export`).
enum GEXFWriter {
    static func write(
        _ document: ExportDocument, options: GEXFOptions, to xml: XMLTextWriter, buffer: inout ValueBuffer,
        fast: Bool = true
    ) {
        let graph = document.graph
        let dynamic = options.dynamic && document.hasTimes
        xml.startDocument()
        xml.startElement("gexf")
        switch options.version {
        case .version13:
            xml.attribute("xmlns", "http://gexf.net/1.3")
            xml.attribute("xmlns:viz", "http://gexf.net/1.3/viz")
            xml.attribute("version", "1.3")
        case .version12:
            xml.attribute("xmlns", "http://www.gexf.net/1.2draft")
            xml.attribute("xmlns:viz", "http://www.gexf.net/1.2draft/viz")
            xml.attribute("version", "1.2")
        }
        xml.startElement("meta")
        buffer.reset()
        buffer.append("whichtok")
        xml.element("creator", text: &buffer)
        buffer.reset()
        buffer.append(text: document.summary)
        xml.element("description", text: &buffer)
        xml.endElement()

        xml.startElement("graph")
        xml.attribute("defaultedgetype", graph.isDirected ? "directed" : "undirected")
        if dynamic {
            xml.attribute("mode", "dynamic")
            xml.attribute("timeformat", "date")
        } else {
            xml.attribute("mode", "static")
        }
        declare(document.nodeColumns, class: "node", xml)
        declare(document.edgeColumns, class: "edge", xml)
        // The edges hold no free text: on the fast path their markup is formatted on another thread,
        // and so is the content of the second half of the nodes (all but their labels), while the
        // first half is written here.
        let edgeTimes = dynamic && !document.edgeFirst.isEmpty
        let shared = UncheckedSendable(document)
        let preparedEdges =
            fast && graph.edgeCount > 0 ? BackgroundJob { recordedEdges(shared.value, times: edgeTimes) } : nil
        let half = graph.nodeCount / 2
        let laterNodes = half..<graph.nodeCount
        let preparedNodes =
            fast && half > 0
            ? BackgroundJob { recordedNodeContents(shared.value, nodes: laterNodes, dynamic: dynamic) } : nil
        var recordedNodes: RecordedNodes?

        // Nodes: depth 2 is <nodes>, 3 is <node>, 4 its children.
        xml.startElement("nodes")
        buffer.reset()
        buffer.append(integer: graph.nodeCount)
        xml.attribute("count", &buffer)
        var raw = RawMarkup()
        var sink = xml
        for u in 0..<graph.nodeCount {
            if xml.failed {
                _ = preparedEdges?.join()
                _ = preparedNodes?.join()
                return
            }
            xml.startNode(u, of: document, labelInto: &buffer)
            xml.attribute("label", &buffer)
            if u == laterNodes.lowerBound, let preparedNodes {
                let recorded = preparedNodes.join()
                buffer.countRemoved(recorded.removedCharacters)
                recordedNodes = recorded
            }
            if let recorded = recordedNodes, let bytes = recorded.content(of: u) {
                xml.raw(bytes: bytes)
                xml.endElement()
                continue
            }
            if fast {
                raw.begin(depth: 4, parentStartTagOpen: true)
                nodeContent(document, u, dynamic: dynamic, &raw, &buffer)
                raw.finish(parentDepth: 3)
            }
            if fast && !raw.needsEscaping {
                xml.raw(raw)
            } else {
                nodeContent(document, u, dynamic: dynamic, &sink, &buffer)
            }
            xml.endElement()
        }
        xml.endElement()

        // Edges: depth 2 is <edges>, 3 is <edge>.
        xml.startElement("edges")
        buffer.reset()
        buffer.append(integer: graph.edgeCount)
        xml.attribute("count", &buffer)
        if let recorded = preparedEdges?.join() {
            for block in recorded { xml.raw(bytes: block) }
        } else {
            writeEdges(document, times: edgeTimes, to: xml, buffer: &buffer, fast: fast)
        }
        xml.endElement()
        xml.endElement()  // graph
        xml.endElement()  // gexf
        xml.endDocument()
    }

    /// The `<edge>` elements, after `<edges count="…">` (whose start tag is still open).
    static func writeEdges(
        _ document: ExportDocument, times edgeTimes: Bool, to xml: XMLTextWriter, buffer: inout ValueBuffer, fast: Bool
    ) {
        var raw = RawMarkup()
        var sink = xml
        // <edges count="…"> has no content yet: its start tag is still open before the first edge.
        var blocks = RawBlocks(depth: 3, parentDepth: 2, parentMayBeOpen: true)
        document.forEachEdge { index, u, v, e in
            if xml.failed { return }
            if fast, blocks.write(xml, &raw, { edge(document, index, u, v, e, times: edgeTimes, &$0, &buffer) }) {
                return
            }
            edge(document, index, u, v, e, times: edgeTimes, &sink, &buffer)
            blocks.wroteThroughWriter()
        }
        blocks.finish(xml, &raw)
    }

    /// The content of some nodes (attribute values, spells, viz), formatted on the fast path.
    struct RecordedNodes: Sendable {
        let nodes: Range<Int>
        var bytes: [UInt8] = []
        /// Per node of `nodes`: where its block ends in `bytes` (empty when it needs escaping).
        var ends: [Int] = []
        var needsEscaping: [Bool] = []
        var removedCharacters = 0

        /// The block of node `u`, or nil when `u` is not recorded or needs escaping.
        func content(of u: Int) -> ArraySlice<UInt8>? {
            guard nodes.contains(u) else { return nil }
            let index = u - nodes.lowerBound
            guard !needsEscaping[index] else { return nil }
            return bytes[(index == 0 ? 0 : ends[index - 1])..<ends[index]]
        }
    }

    /// The content of `nodes` as the fast path formats it after each node's label.
    static func recordedNodeContents(_ document: ExportDocument, nodes: Range<Int>, dynamic: Bool) -> RecordedNodes {
        var recorded = RecordedNodes(nodes: nodes)
        recorded.ends.reserveCapacity(nodes.count)
        recorded.needsEscaping.reserveCapacity(nodes.count)
        var raw = RawMarkup()
        var buffer = ValueBuffer()
        for u in nodes {
            raw.begin(depth: 4, parentStartTagOpen: true)
            nodeContent(document, u, dynamic: dynamic, &raw, &buffer)
            raw.finish(parentDepth: 3)
            if !raw.needsEscaping { raw.buffer.withBytes { recorded.bytes.append(contentsOf: $0) } }
            recorded.needsEscaping.append(raw.needsEscaping)
            recorded.ends.append(recorded.bytes.count)
        }
        recorded.removedCharacters = buffer.removedCharacters
        return recorded
    }

    /// The fast path's raw blocks of every edge, as `writeEdges` would hand them to libxml2; nil
    /// when an edge needs escaping (then `writeEdges` writes them).
    static func recordedEdges(_ document: ExportDocument, times: Bool) -> [[UInt8]]? {
        let recorder = RawRecorder()
        var raw = RawMarkup()
        var buffer = ValueBuffer()
        var blocks = RawBlocks(depth: 3, parentDepth: 2, parentMayBeOpen: true)
        var complete = true
        document.forEachEdge { index, u, v, e in
            guard complete else { return }
            complete = blocks.write(recorder, &raw) { edge(document, index, u, v, e, times: times, &$0, &buffer) }
        }
        guard complete, buffer.removedCharacters == 0 else { return nil }
        blocks.finish(recorder, &raw)
        return recorder.blocks
    }

    /// A node's attribute values, spells and viz elements.
    static func nodeContent<Sink: MarkupSink & ~Copyable>(
        _ document: ExportDocument, _ u: Int, dynamic: Bool, _ out: inout Sink, _ buffer: inout ValueBuffer
    ) {
        attvalues(document.nodeColumns, row: u, &out, &buffer)
        if dynamic { spell(document.nodeFirst[u], document.nodeLast[u], &out, &buffer) }
        out.startElement("viz:size")
        buffer.reset()
        buffer.append(float: document.sizes[u])
        out.attribute("value", &buffer)
        out.endElement()
        if let x = document.positionX, let y = document.positionY {
            out.startElement("viz:position")
            buffer.reset()
            buffer.append(float: x[u])
            out.attribute("x", &buffer)
            buffer.reset()
            buffer.append(float: y[u])
            out.attribute("y", &buffer)
            out.attribute("z", "0.0")
            out.endElement()
        }
        let colour = document.colors[u]
        out.startElement("viz:color")
        buffer.reset()
        buffer.append(integer: Int(colour.r))
        out.attribute("r", &buffer)
        buffer.reset()
        buffer.append(integer: Int(colour.g))
        out.attribute("g", &buffer)
        buffer.reset()
        buffer.append(integer: Int(colour.b))
        out.attribute("b", &buffer)
        out.endElement()
    }

    /// One `<edge>` with its attribute values and spells.
    static func edge<Sink: MarkupSink & ~Copyable>(
        _ document: ExportDocument, _ index: Int, _ u: Int, _ v: Int, _ e: Int, times: Bool,
        _ out: inout Sink, _ buffer: inout ValueBuffer
    ) {
        RawBlocks.startEdge(index, u, v, &out, &buffer)
        buffer.reset()
        buffer.append(float: document.graph.weights[e])
        out.attribute("weight", &buffer)
        attvalues(document.edgeColumns, row: e, &out, &buffer)
        if times { spell(document.edgeFirst[e], document.edgeLast[e], &out, &buffer) }
        out.endElement()
    }

    static func declare(_ columns: [AttributeColumn], class kind: StaticString, _ xml: XMLTextWriter) {
        guard !columns.isEmpty else { return }
        xml.startElement("attributes")
        xml.attribute("class", kind)
        xml.attribute("mode", "static")
        for column in columns {
            xml.startElement("attribute")
            xml.attribute("id", column.nameBytes)
            xml.attribute("title", column.nameBytes)
            xml.attribute("type", gexfType(column.type))
            xml.endElement()
        }
        xml.endElement()
    }

    static func gexfType(_ type: AttributeType) -> StaticString {
        switch type {
        case .boolean: "boolean"
        case .integer: "integer"
        case .long: "long"
        case .double: "double"
        case .string: "string"
        }
    }

    static func attvalues<Sink: MarkupSink & ~Copyable>(
        _ columns: [AttributeColumn], row: Int, _ out: inout Sink, _ buffer: inout ValueBuffer
    ) {
        guard !columns.isEmpty else { return }
        out.startElement("attvalues")
        for column in columns {
            buffer.reset()
            guard column.write(row, into: &buffer) else { continue }
            out.startElement("attvalue")
            out.attribute("for", column.nameBytes)
            out.attribute("value", &buffer)
            out.endElement()
        }
        out.endElement()
    }

    /// `<spells><spell start="YYYY-MM-DD" end="YYYY-MM-DD"/></spells>` when the time is known.
    static func spell<Sink: MarkupSink & ~Copyable>(
        _ first: UInt32, _ last: UInt32, _ out: inout Sink, _ buffer: inout ValueBuffer
    ) {
        guard first != 0 else { return }
        out.startElement("spells")
        out.startElement("spell")
        buffer.reset()
        buffer.append(utcDate: first)
        out.attribute("start", &buffer)
        buffer.reset()
        buffer.append(utcDate: max(first, last))
        out.attribute("end", &buffer)
        out.endElement()
        out.endElement()
    }
}
