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

    /// Writes `nodes.csv` and `edges.csv` into the folder `path` (created when missing), and their
    /// `data-dictionary.csv` (`DataDictionary.csvExport`). Both data files are complete before either
    /// replaces an old one.
    @discardableResult
    package static func writeCSV(_ document: ExportDocument, toFolder path: String) throws(ExportError) -> ExportResult
    {
        var buffer = ValueBuffer()
        let files = try writeFilePair(
            inFolder: path, names: ("nodes.csv", "edges.csv"), buffer: &buffer,
            { CSVWriter.writeNodes(document, to: &$0, buffer: &$1) },
            { CSVWriter.writeEdges(document, to: &$0, buffer: &$1) })
        let dictionary = try writeDictionary(
            DataDictionary.csvExport.tables(["nodes.csv", "edges.csv"]), inFolder: path)
        return ExportResult(
            nodes: document.graph.nodeCount, edges: document.graph.edgeCount,
            removedCharacters: buffer.removedCharacters,
            files: files + [dictionary], dynamicIgnored: false)
    }

    /// Writes two files named `names` into the folder `path` (created when missing), the first with
    /// `writeFirst` and the second with `writeSecond`; returns their paths.
    ///
    /// Both files are complete before either replaces an old one, so a failed write never leaves a
    /// new `nodes.csv` beside an old `edges.csv` (or donors beside old periods).
    static func writeFilePair(
        inFolder path: String, names: (String, String), buffer: inout ValueBuffer,
        _ writeFirst: (inout ByteSink, inout ValueBuffer) -> Void,
        _ writeSecond: (inout ByteSink, inout ValueBuffer) -> Void
    ) throws(ExportError) -> [String] {
        let folder = try makeFolder(path)
        let firstPath = folder + names.0
        let secondPath = folder + names.1
        let firstFile = try OutputFile(path: firstPath)
        let secondFile = try OutputFile(path: secondPath)
        var first = ByteSink(descriptor: firstFile.descriptor)
        writeFirst(&first, &buffer)
        first.flush()
        guard !first.failed else {
            throw ExportError(.writeFailed, path: firstPath, message: "write failed (\(first.errorText))")
        }
        var second = ByteSink(descriptor: secondFile.descriptor)
        writeSecond(&second, &buffer)
        second.flush()
        guard !second.failed else {
            throw ExportError(.writeFailed, path: secondPath, message: "write failed (\(second.errorText))")
        }
        try firstFile.commit()
        try secondFile.commit()
        return [firstPath, secondPath]
    }

    /// Creates the folder `path` when missing; returns it with a trailing `/`.
    static func makeFolder(_ path: String) throws(ExportError) -> String {
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
        return path.hasSuffix("/") ? path : path + "/"
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
