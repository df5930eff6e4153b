extension XMLTextWriter {
    /// Opens `<node id="n…">` for node `u` and leaves its label in `buffer`.
    ///
    /// GEXF and GraphML name nodes the same way, so a node keeps its id across the two formats; the
    /// caller writes the label as its format wants it (a GEXF attribute, a GraphML `<data>`).
    func startNode(_ u: Int, of document: ExportDocument, labelInto buffer: inout ValueBuffer) {
        startElement("node")
        buffer.reset()
        buffer.append("n")
        buffer.append(integer: u)
        attribute("id", &buffer)
        buffer.reset()
        _ = document.labels.write(u, into: &buffer)
    }
}
