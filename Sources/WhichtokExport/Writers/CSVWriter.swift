/// Writes `nodes.csv` and `edges.csv` (RFC 4180).
///
/// UTF-8 without a byte-order mark, a header row, CRLF line ends, and fields quoted (with `"` doubled)
/// when they contain a comma, a quote, CR or LF. The first columns are the ones Gephi's spreadsheet
/// import (data laboratory) recognises: `Id`, `Label` for nodes and `Source`, `Target`, `Type`
/// (`Directed`/`Undirected`), `Id`, `Weight` for edges; pandas and R read the same files with their
/// defaults. The attribute columns follow under the same names as in GEXF and GraphML, then `x`, `y`
/// (with a layout), `size` and `color` (`#rrggbb`). Missing values are empty fields. Text goes through
/// the same hygiene as XML, so the three formats agree.
enum CSVWriter {
    static func writeNodes(_ document: ExportDocument, to sink: inout ByteSink, buffer: inout ValueBuffer) {
        let hasLayout = document.positionX != nil && document.positionY != nil
        sink.write("Id,Label")
        for column in document.nodeColumns {
            sink.write(byte: UInt8(ascii: ","))
            sink.write(Array(column.name.utf8))
        }
        if hasLayout { sink.write(",x,y") }
        sink.write(",size,color\r\n")
        for u in 0..<document.graph.nodeCount {
            if sink.failed { return }
            buffer.reset()
            buffer.append("n")
            buffer.append(integer: u)
            field(&buffer, &sink)
            sink.write(byte: UInt8(ascii: ","))
            buffer.reset()
            _ = document.labels.write(u, into: &buffer)
            field(&buffer, &sink)
            for column in document.nodeColumns {
                sink.write(byte: UInt8(ascii: ","))
                buffer.reset()
                _ = column.write(u, into: &buffer)
                field(&buffer, &sink)
            }
            if let x = document.positionX, let y = document.positionY {
                buffer.reset()
                buffer.append(",")
                buffer.append(float: x[u])
                buffer.append(",")
                buffer.append(float: y[u])
                buffer.withBytes { sink.write($0) }
            }
            buffer.reset()
            buffer.append(",")
            buffer.append(float: document.sizes[u])
            buffer.append(",")
            buffer.append(text: document.colors[u].description)
            buffer.append("\r\n")
            buffer.withBytes { sink.write($0) }
        }
    }

    static func writeEdges(_ document: ExportDocument, to sink: inout ByteSink, buffer: inout ValueBuffer) {
        sink.write("Source,Target,Type,Id,Weight")
        for column in document.edgeColumns {
            sink.write(byte: UInt8(ascii: ","))
            sink.write(Array(column.name.utf8))
        }
        sink.write("\r\n")
        let type: StaticString = document.graph.isDirected ? ",Directed,e" : ",Undirected,e"
        let weights = document.graph.weights
        document.forEachEdge { index, u, v, e in
            if sink.failed { return }
            buffer.reset()
            buffer.append("n")
            buffer.append(integer: u)
            buffer.append(",n")
            buffer.append(integer: v)
            buffer.append(type)
            buffer.append(integer: index)
            buffer.append(",")
            buffer.append(float: weights[e])
            buffer.withBytes { sink.write($0) }
            for column in document.edgeColumns {
                sink.write(byte: UInt8(ascii: ","))
                buffer.reset()
                _ = column.write(e, into: &buffer)
                field(&buffer, &sink)
            }
            sink.write("\r\n")
        }
    }

    /// Writes the buffer as one field.
    @inline(__always)
    static func field(_ buffer: inout ValueBuffer, _ sink: inout ByteSink) {
        buffer.withBytes { bytes in
            if needsQuotes(bytes) {
                sink.write(escaped(bytes))
            } else {
                sink.write(bytes)
            }
        }
    }

    /// Whether a field must be quoted: it holds a comma, a quote, CR or LF (RFC 4180, section 2, rule 6).
    static func needsQuotes(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 0x0A || byte == 0x0D
        {
            return true
        }
        return false
    }

    /// The field in double quotes with `"` doubled (RFC 4180, section 2, rule 7).
    static func escaped(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var quoted: [UInt8] = [UInt8(ascii: "\"")]
        quoted.reserveCapacity(bytes.count + 4)
        for byte in bytes {
            quoted.append(byte)
            if byte == UInt8(ascii: "\"") { quoted.append(byte) }
        }
        quoted.append(UInt8(ascii: "\""))
        return quoted
    }

    /// `text` as one CSV field, after the same hygiene as every other value.
    static func field(_ text: String) -> String {
        var buffer = ValueBuffer()
        buffer.append(text: text)
        return buffer.withBytes { bytes in
            String(decoding: needsQuotes(bytes) ? escaped(bytes) : Array(bytes), as: UTF8.self)
        }
    }
}
