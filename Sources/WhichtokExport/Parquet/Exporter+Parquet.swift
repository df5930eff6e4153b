import WhichtokStore

/// What a Parquet export wrote.
package struct ParquetExportResult: Sendable, Equatable {
    /// The files written, tables first, then `data-dictionary.csv`.
    package var files: [String]
    /// Rows per table, in file order.
    package var rows: [String: Int]
}

extension Exporter {
    /// Writes the store's tables (`ParquetTable.storeTables`) as `NAME.parquet` files and the data
    /// dictionary as `data-dictionary.csv` into the folder `path` (created when missing).
    ///
    /// Each table is written one row group at a time, so memory holds the store and one row group.
    /// Every file is complete before any replaces an old one. The same store gives the same bytes.
    @discardableResult
    package static func writeParquet(
        _ store: Store, toFolder path: String, options: ParquetEncoder.Options = ParquetEncoder.Options()
    ) throws(ExportError) -> ParquetExportResult {
        let folder = try makeFolder(path)
        let tables = ParquetTable.storeTables(store)
        var files: [OutputFile] = []
        var rows: [String: Int] = [:]
        for table in tables {
            let filePath = folder + table.fileName
            let file = try OutputFile(path: filePath)
            files.append(file)
            var sink = ByteSink(descriptor: file.descriptor)
            do {
                try writeTable(table, options: options, to: &sink)
            } catch {
                throw ExportError(error.code, path: filePath, message: error.message)
            }
            sink.flush()
            guard !sink.failed else {
                throw ExportError(.writeFailed, path: filePath, message: "write failed (\(sink.errorText))")
            }
            rows[table.name] = table.rowCount
        }
        let dictionaryPath = folder + "data-dictionary.csv"
        let dictionaryFile = try OutputFile(path: dictionaryPath)
        files.append(dictionaryFile)
        var sink = ByteSink(descriptor: dictionaryFile.descriptor)
        sink.write(DataDictionary.parquet.csv)
        sink.flush()
        guard !sink.failed else {
            throw ExportError(.writeFailed, path: dictionaryPath, message: "write failed (\(sink.errorText))")
        }
        for file in files { try file.commit() }
        return ParquetExportResult(files: files.compactMap(\.path), rows: rows)
    }

    /// Encodes `table` row group by row group into `sink`.
    static func writeTable(_ table: ParquetTable, options: ParquetEncoder.Options, to sink: inout ByteSink)
        throws(ExportError)
    {
        let encoder = ParquetEncoder(fields: table.fields, options: options)
        sink.write(encoder.header())
        var start = 0
        let step = max(1, options.rowGroupRows)
        while start < table.rowCount {
            let end = min(table.rowCount, start + step)
            sink.write(try encoder.rowGroup(table.rowGroup(start..<end)))
            start = end
        }
        sink.write(encoder.footer())
    }
}
