/// The GEXF version to write.
public enum GEXFVersion: String, Sendable, CaseIterable {
    /// GEXF 1.3 (`http://gexf.net/1.3`): Gephi 0.10, networkx ≥ 3.6, graphology.
    case v1_3 = "1.3"
    /// GEXF 1.2draft (`http://www.gexf.net/1.2draft`): networkx before 3.6, older tools.
    case v1_2 = "1.2"
}

/// How to write GEXF.
public struct GEXFOptions: Sendable, Equatable {
    public var version: GEXFVersion = .v1_3
    /// Give nodes and edges spells from their event times (`mode="dynamic"`, `timeformat="date"`), so
    /// Gephi's timeline can filter them.
    public var dynamic = false
    public init(version: GEXFVersion = .v1_3, dynamic: Bool = false) {
        self.version = version
        self.dynamic = dynamic
    }
}

/// Writes GEXF (1.3 or 1.2draft) through libxml2's text writer.
///
/// Profile (shared/docs/graph-exports-and-anchors.md §3.9): exact namespaces (`http://gexf.net/1.3`,
/// `http://www.gexf.net/1.2draft`, no `xsi:schemaLocation`); `defaultedgetype` `directed` or
/// `undirected` (never `mutual`); typed attributes declared once per class with their title as id;
/// every edge with an id and a `weight` written as a double; nodes before edges with `count`s;
/// `viz:size`, `viz:position` (with `z="0"`) and `viz:color` with `r`/`g`/`b` (never `hex`). Dynamic
/// exports use day-granular spells (`timeformat="date"`, closed intervals of UTC days), which Gephi's
/// timeline and networkx both read.
enum GEXFWriter {
    static func write(_ document: ExportDocument, options: GEXFOptions, to xml: _XMLTextWriter, buffer: inout _ValueBuffer) {
        let graph = document.graph
        let dynamic = options.dynamic && document.hasTimes
        xml.startDocument()
        xml.startElement("gexf")
        switch options.version {
        case .v1_3:
            xml.attribute("xmlns", "http://gexf.net/1.3")
            xml.attribute("xmlns:viz", "http://gexf.net/1.3/viz")
            xml.attribute("version", "1.3")
        case .v1_2:
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

        xml.startElement("nodes")
        buffer.reset()
        buffer.append(integer: graph.nodeCount)
        xml.attribute("count", &buffer)
        for u in 0..<graph.nodeCount {
            if xml.failed { return }
            xml.startElement("node")
            writeID(prefix: "n", u, name: "id", xml, &buffer)
            buffer.reset()
            _ = document.labels.write(u, into: &buffer)
            xml.attribute("label", &buffer)
            attvalues(document.nodeColumns, row: u, xml, &buffer)
            if dynamic { spell(document.nodeFirst[u], document.nodeLast[u], xml, &buffer) }
            xml.startElement("viz:size")
            buffer.reset()
            buffer.append(float: document.sizes[u])
            xml.attribute("value", &buffer)
            xml.endElement()
            if let x = document.positionX, let y = document.positionY {
                xml.startElement("viz:position")
                buffer.reset()
                buffer.append(float: x[u])
                xml.attribute("x", &buffer)
                buffer.reset()
                buffer.append(float: y[u])
                xml.attribute("y", &buffer)
                xml.attribute("z", "0.0")
                xml.endElement()
            }
            let colour = document.colors[u]
            xml.startElement("viz:color")
            buffer.reset()
            buffer.append(integer: Int(colour.r))
            xml.attribute("r", &buffer)
            buffer.reset()
            buffer.append(integer: Int(colour.g))
            xml.attribute("g", &buffer)
            buffer.reset()
            buffer.append(integer: Int(colour.b))
            xml.attribute("b", &buffer)
            xml.endElement()
            xml.endElement()
        }
        xml.endElement()

        xml.startElement("edges")
        buffer.reset()
        buffer.append(integer: graph.edgeCount)
        xml.attribute("count", &buffer)
        let weights = graph.weights
        let edgeTimes = dynamic && !document.edgeFirst.isEmpty
        document.forEachEdge { index, u, v, e in
            if xml.failed { return }
            xml.startElement("edge")
            writeID(prefix: "e", index, name: "id", xml, &buffer)
            writeID(prefix: "n", u, name: "source", xml, &buffer)
            writeID(prefix: "n", v, name: "target", xml, &buffer)
            buffer.reset()
            buffer.append(float: weights[e])
            xml.attribute("weight", &buffer)
            attvalues(document.edgeColumns, row: e, xml, &buffer)
            if edgeTimes { spell(document.edgeFirst[e], document.edgeLast[e], xml, &buffer) }
            xml.endElement()
        }
        xml.endElement()
        xml.endElement()  // graph
        xml.endElement()  // gexf
        xml.endDocument()
    }

    static func declare(_ columns: [AttributeColumn], class kind: StaticString, _ xml: _XMLTextWriter) {
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

    @inline(__always)
    static func writeID(prefix: StaticString, _ value: Int, name: StaticString, _ xml: _XMLTextWriter, _ buffer: inout _ValueBuffer) {
        buffer.reset()
        buffer.append(prefix)
        buffer.append(integer: value)
        xml.attribute(name, &buffer)
    }

    static func attvalues(_ columns: [AttributeColumn], row: Int, _ xml: _XMLTextWriter, _ buffer: inout _ValueBuffer) {
        guard !columns.isEmpty else { return }
        xml.startElement("attvalues")
        for column in columns {
            buffer.reset()
            guard column.write(row, into: &buffer) else { continue }
            xml.startElement("attvalue")
            xml.attribute("for", column.nameBytes)
            xml.attribute("value", &buffer)
            xml.endElement()
        }
        xml.endElement()
    }

    /// `<spells><spell start="YYYY-MM-DD" end="YYYY-MM-DD"/></spells>` when the time is known.
    static func spell(_ first: UInt32, _ last: UInt32, _ xml: _XMLTextWriter, _ buffer: inout _ValueBuffer) {
        guard first != 0 else { return }
        xml.startElement("spells")
        xml.startElement("spell")
        buffer.reset()
        buffer.append(utcDate: first)
        xml.attribute("start", &buffer)
        buffer.reset()
        buffer.append(utcDate: max(first, last))
        xml.attribute("end", &buffer)
        xml.endElement()
        xml.endElement()
    }
}
