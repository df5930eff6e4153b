#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What an export wrote.
package struct ExportResult: Sendable, Equatable {
    package var nodes: Int
    package var edges: Int
    /// Characters XML 1.0 forbids (control characters, U+FFFE, U+FFFF) removed from labels and text.
    package var removedCharacters: Int
    /// The files written (empty for standard output).
    package var files: [String]
    /// A dynamic GEXF was asked for but no node or edge has a known time, so the file is static.
    package var dynamicIgnored: Bool
}

/// Writes an `ExportDocument` as GEXF, GraphML or CSV.
///
/// Files are written atomically (a temporary file beside the destination, `fsync`, rename), so a
/// reader never sees half a file and a failed export leaves the old file in place. The XML formats
/// stream through libxml2's `xmlTextWriter`: memory does not grow with the size of the file. The same
/// document always gives the same bytes.
///
/// ```swift
/// let analysis = Analysis(graph, store: store)
/// let layout = ForceAtlas2(analysis.graph, communities: analysis.leiden.membership)
/// let document = ExportDocument(analysis: analysis, store: store, layout: layout)
/// try Exporter.writeGEXF(document, to: "whichtok.gexf")
/// ```
package enum Exporter {
    /// Writes GEXF to `path`, or to standard output when `path` is nil.
    @discardableResult
    package static func writeGEXF(_ document: ExportDocument, to path: String?, options: GEXFOptions = GEXFOptions())
        throws(ExportError) -> ExportResult
    {
        try writeGEXF(document, to: path, options: options, fast: true)
    }

    /// `fast: false` writes every element through libxml2 (the reference the tests compare with).
    @discardableResult
    static func writeGEXF(_ document: ExportDocument, to path: String?, options: GEXFOptions, fast: Bool)
        throws(ExportError) -> ExportResult
    {
        var buffer = ValueBuffer()
        try writeXML(to: path) { xml in
            GEXFWriter.write(document, options: options, to: xml, buffer: &buffer, fast: fast)
        }
        return ExportResult(
            nodes: document.graph.nodeCount, edges: document.graph.edgeCount,
            removedCharacters: buffer.removedCharacters,
            files: path.map { [$0] } ?? [], dynamicIgnored: options.dynamic && !document.hasTimes)
    }

    /// Writes GraphML to `path`, or to standard output when `path` is nil.
    @discardableResult
    package static func writeGraphML(_ document: ExportDocument, to path: String?) throws(ExportError) -> ExportResult {
        try writeGraphML(document, to: path, fast: true)
    }

    /// `fast: false` writes every element through libxml2 (the reference the tests compare with).
    @discardableResult
    static func writeGraphML(_ document: ExportDocument, to path: String?, fast: Bool) throws(ExportError)
        -> ExportResult
    {
        var buffer = ValueBuffer()
        try writeXML(to: path) { xml in GraphMLWriter.write(document, to: xml, buffer: &buffer, fast: fast) }
        return ExportResult(
            nodes: document.graph.nodeCount, edges: document.graph.edgeCount,
            removedCharacters: buffer.removedCharacters,
            files: path.map { [$0] } ?? [], dynamicIgnored: false)
    }

    /// Writes `nodes.csv` and `edges.csv` into the folder `path` (created when missing). Both files are
    /// complete before either replaces an old one.
    @discardableResult
    package static func writeCSV(_ document: ExportDocument, toFolder path: String) throws(ExportError) -> ExportResult
    {
        if !OutputFile.isDirectory(path) {
            var info = stat()
            if stat(path, &info) == 0 {
                throw ExportError(.cannotCreate, path: path, message: "exists and is not a folder")
            }
            if mkdir(path, 0o755) != 0 {
                throw ExportError(
                    .cannotCreate, path: path, message: "cannot create the folder (\(OutputFile.lastError()))")
            }
        }
        let folder = path.hasSuffix("/") ? path : path + "/"
        let nodesPath = folder + "nodes.csv"
        let edgesPath = folder + "edges.csv"
        let nodesFile = try OutputFile(path: nodesPath)
        let edgesFile = try OutputFile(path: edgesPath)
        var buffer = ValueBuffer()
        var nodes = ByteSink(descriptor: nodesFile.descriptor)
        CSVWriter.writeNodes(document, to: &nodes, buffer: &buffer)
        nodes.flush()
        guard !nodes.failed else {
            throw ExportError(.writeFailed, path: nodesPath, message: "write failed (\(nodes.errorText))")
        }
        var edges = ByteSink(descriptor: edgesFile.descriptor)
        CSVWriter.writeEdges(document, to: &edges, buffer: &buffer)
        edges.flush()
        guard !edges.failed else {
            throw ExportError(.writeFailed, path: edgesPath, message: "write failed (\(edges.errorText))")
        }
        try nodesFile.commit()
        try edgesFile.commit()
        return ExportResult(
            nodes: document.graph.nodeCount, edges: document.graph.edgeCount,
            removedCharacters: buffer.removedCharacters,
            files: [nodesPath, edgesPath], dynamicIgnored: false)
    }

    /// Runs `body` with an XML writer on the output, then commits it (or removes it on failure).
    private static func writeXML(to path: String?, _ body: (XMLTextWriter) -> Void) throws(ExportError) {
        let file = try OutputFile(path: path)
        let failed: Bool
        do {
            guard let xml = XMLTextWriter(fileDescriptor: file.descriptor) else {
                file.discard()
                throw ExportError(.writeFailed, path: path, message: "cannot start the XML writer")
            }
            body(xml)
            failed = xml.failed
        }
        if failed {
            let reason = OutputFile.lastError()
            file.discard()
            throw ExportError(.writeFailed, path: path ?? "standard output", message: "write failed (\(reason))")
        }
        try file.commit()
    }
}
