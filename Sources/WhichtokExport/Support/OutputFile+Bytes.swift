#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Exporter {
    /// Writes `bytes` to `path` atomically, as every export is written (see `OutputFile`): the old file
    /// stays in place when anything fails. Standard output when `path` is nil. For outputs made in
    /// memory (plots, the HTML report, redacted HAR files). `mode`: the new file's permissions.
    package static func writeFile(_ bytes: [UInt8], to path: String?, mode: mode_t = 0o644) throws(ExportError) {
        let file = try OutputFile(path: path, mode: mode)
        var sink = ByteSink(descriptor: file.descriptor)
        sink.write(bytes)
        sink.flush()
        guard !sink.failed else {
            let reason = sink.errorText
            file.discard()
            throw ExportError(.writeFailed, path: path, message: "write failed (\(reason))")
        }
        try file.commit()
    }
}
