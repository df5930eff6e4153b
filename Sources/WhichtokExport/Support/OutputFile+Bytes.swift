extension Exporter {
    /// Writes `bytes` to `path` atomically (a temporary file beside it, `fsync`ed and renamed over
    /// it), or to standard output when `path` is nil: for documents made in memory, such as the
    /// HTML report.
    package static func writeFile(_ bytes: [UInt8], to path: String?) throws(ExportError) {
        let file = try OutputFile(path: path)
        var sink = ByteSink(descriptor: file.descriptor)
        sink.write(bytes)
        sink.flush()
        if sink.failed {
            file.discard()
            throw ExportError(.writeFailed, path: path, message: "write failed (\(sink.errorText))")
        }
        try file.commit()
    }
}
