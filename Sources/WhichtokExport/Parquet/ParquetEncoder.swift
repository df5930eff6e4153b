/// Encodes a flat Parquet file one row group at a time: `header()`, then `rowGroup(_:)` for each group
/// of rows, then `footer()`; the caller writes each piece as it comes, so memory holds one row group.
///
/// What it writes (parquet-format, parquet.thrift and Encodings.md): data pages v1, definition levels
/// (RLE / bit-packed hybrid, bit width 1) for optional columns, PLAIN values, or a PLAIN dictionary
/// page plus RLE_DICTIONARY data pages for dictionary columns, every page compressed with zstd;
/// column-chunk statistics (`null_count`, exact `min_value` / `max_value` in the column's type order:
/// unsigned for `uint64`, byte-wise for text, signed otherwise; `nan_count` for doubles) and
/// TYPE_ORDER column orders. The same rows and options always give the same bytes.
///
/// ```swift
/// let encoder = ParquetEncoder(fields: [ParquetField("id", .int64)])
/// var file = encoder.header()
/// file += try encoder.rowGroup([ParquetColumn(.int64([1, 2, 3]))])
/// file += encoder.footer()
/// ```
package final class ParquetEncoder {
    package struct Options: Sendable {
        /// Rows per row group: bounds the memory of a table's export (one group's columns at a time).
        package var rowGroupRows = 1 << 18
        /// Rows per data page.
        package var pageRows = 1 << 16
        /// A chunk whose dictionary (PLAIN-encoded) would pass this many bytes is written PLAIN.
        package var dictionaryLimit = 1 << 20
        /// zstd level; 0 writes pages uncompressed.
        package var compressionLevel: Int32 = 3
        /// Text statistics longer than this are left out (`null_count` stays).
        package var statisticsLimit = 1_024

        package init() {}
    }

    /// `created_by`: no version number, so the same store gives the same bytes across releases.
    static let createdBy = "whichtok"

    package let fields: [ParquetField]
    package let options: Options
    private let compressor: ZstdCompressor?
    /// Bytes handed out so far (the file offset of the next byte).
    private var position = 0
    private var rowGroups: [RowGroupMetadata] = []
    private var rowCount = 0

    package init(fields: [ParquetField], options: Options = Options()) {
        self.fields = fields
        self.options = options
        compressor = options.compressionLevel > 0 ? ZstdCompressor(level: options.compressionLevel) : nil
    }

    /// The leading magic `PAR1`.
    package func header() -> [UInt8] {
        position += 4
        return Self.magic
    }

    /// One row group: the columns in `fields` order, all of the same length.
    package func rowGroup(_ columns: [ParquetColumn]) throws(ExportError) -> [UInt8] {
        guard columns.count == fields.count else {
            throw ExportError(
                .invalidRequest, message: "Parquet row group has \(columns.count) columns, expected \(fields.count)")
        }
        let rows = columns.first?.count ?? 0
        var out: [UInt8] = []
        var chunks: [ChunkMetadata] = []
        for (field, column) in zip(fields, columns) {
            guard column.count == rows, column.present.map({ $0.count == rows }) ?? true else {
                throw ExportError(
                    .invalidRequest,
                    message: "Parquet column '\(field.name)' has \(column.count) rows, expected \(rows)")
            }
            guard field.optional || column.present == nil else {
                throw ExportError(.invalidRequest, message: "Parquet column '\(field.name)' is required but has nulls")
            }
            guard Self.matches(field.kind, column.values) else {
                throw ExportError(.invalidRequest, message: "Parquet column '\(field.name)' has values of another type")
            }
            chunks.append(try encodeChunk(field, column, rows: rows, at: position + out.count, into: &out))
        }
        rowGroups.append(
            RowGroupMetadata(
                chunks: chunks, rows: rows, fileOffset: position,
                uncompressedSize: chunks.reduce(0) { $0 + $1.uncompressedSize },
                compressedSize: out.count))
        rowCount += rows
        position += out.count
        return out
    }

    /// The footer: `FileMetaData`, its length (4 bytes, little-endian) and the trailing magic.
    package func footer() -> [UInt8] {
        var thrift = ThriftCompactWriter()
        writeFileMetadata(&thrift)
        var out = thrift.bytes
        appendLittleEndian(UInt32(truncatingIfNeeded: thrift.bytes.count), to: &out)
        out += Self.magic
        position += out.count
        return out
    }

    /// A whole file in memory (tests, small tables).
    package static func encode(
        fields: [ParquetField], rowGroups: [[ParquetColumn]], options: Options = Options()
    ) throws(ExportError) -> [UInt8] {
        let encoder = ParquetEncoder(fields: fields, options: options)
        var out = encoder.header()
        for group in rowGroups { out += try encoder.rowGroup(group) }
        out += encoder.footer()
        return out
    }

    static let magic: [UInt8] = Array("PAR1".utf8)

    // MARK: Column chunks

    private struct ChunkMetadata {
        var kind: ParquetField.Kind
        var name: String
        var encodings: [Int32]
        var values: Int
        var uncompressedSize: Int
        var compressedSize: Int
        var dataPageOffset: Int
        var dictionaryPageOffset: Int?
        var statistics: ParquetStatistics
    }

    private struct RowGroupMetadata {
        var chunks: [ChunkMetadata]
        var rows: Int
        var fileOffset: Int
        var uncompressedSize: Int
        var compressedSize: Int
    }

    private enum Encoding {
        static let plain: Int32 = 0
        static let rle: Int32 = 3
        static let rleDictionary: Int32 = 8
    }

    private func encodeChunk(
        _ field: ParquetField, _ column: ParquetColumn, rows: Int, at chunkStart: Int, into out: inout [UInt8]
    ) throws(ExportError) -> ChunkMetadata {
        let present = column.present
        let dictionary = field.dictionary ? ParquetDictionary(column, limit: options.dictionaryLimit) : nil
        var statistics: ParquetStatistics
        if let dictionary {
            // The bounds of the distinct values are those of the rows.
            statistics = ParquetStatistics(
                ParquetColumn(dictionary.distinct), kind: field.kind, textLimit: options.statisticsLimit)
            statistics.nullCount = present.map { $0.reduce(0) { $0 + ($1 ? 0 : 1) } } ?? 0
        } else {
            statistics = ParquetStatistics(column, kind: field.kind, textLimit: options.statisticsLimit)
        }
        let startCount = out.count
        var uncompressed = 0
        var dictionaryOffset: Int?
        if let dictionary {
            dictionaryOffset = chunkStart
            uncompressed += try appendPage(
                .dictionary(values: dictionary.count), body: dictionary.plain, field: field, into: &out)
        }
        let dataOffset = chunkStart + (out.count - startCount)
        var pageStart = 0
        repeat {
            let pageEnd = min(rows, pageStart + options.pageRows)
            var body: [UInt8] = []
            if field.optional {
                var levels = [UInt32](repeating: 1, count: pageEnd - pageStart)
                if let present {
                    for row in pageStart..<pageEnd where !present[row] { levels[row - pageStart] = 0 }
                }
                let encoded = RLEHybridEncoder.encode(levels, bitWidth: 1)
                appendLittleEndian(UInt32(truncatingIfNeeded: encoded.count), to: &body)
                body += encoded
            }
            if let dictionary {
                dictionary.appendIndices(rows: pageStart..<pageEnd, present: present, to: &body)
            } else {
                ParquetPlain.append(column.values, rows: pageStart..<pageEnd, present: present, to: &body)
            }
            uncompressed += try appendPage(
                .data(values: pageEnd - pageStart, dictionary: dictionary != nil), body: body, field: field, into: &out)
            pageStart = pageEnd
        } while pageStart < rows
        var encodings = [Encoding.plain, Encoding.rle]
        if dictionary != nil { encodings.append(Encoding.rleDictionary) }
        return ChunkMetadata(
            kind: field.kind, name: field.name, encodings: encodings, values: rows, uncompressedSize: uncompressed,
            compressedSize: out.count - startCount, dataPageOffset: dataOffset,
            dictionaryPageOffset: dictionaryOffset, statistics: statistics)
    }

    private enum PageKind {
        case data(values: Int, dictionary: Bool)
        case dictionary(values: Int)
    }

    /// Appends a page header and the (compressed) body; returns the uncompressed size with header.
    private func appendPage(_ kind: PageKind, body: [UInt8], field: ParquetField, into out: inout [UInt8])
        throws(ExportError) -> Int
    {
        var compressed = body
        if let compressor {
            guard let frame = compressor.compress(body) else {
                throw ExportError(.writeFailed, message: "zstd failed on a page of column '\(field.name)'")
            }
            compressed = frame
        }
        guard let uncompressedSize = Int32(exactly: body.count), let compressedSize = Int32(exactly: compressed.count)
        else { throw ExportError(.invalidRequest, message: "a page of column '\(field.name)' is over 2 GiB") }
        var header = ThriftCompactWriter()
        switch kind {
        case .data(let values, let dictionary):
            header.i32(1, 0)
            header.i32(2, uncompressedSize)
            header.i32(3, compressedSize)
            header.beginStruct(5)
            header.i32(1, Int32(clamping: values))
            header.i32(2, dictionary ? Encoding.rleDictionary : Encoding.plain)
            header.i32(3, Encoding.rle)
            header.i32(4, Encoding.rle)
            header.endStruct()
        case .dictionary(let values):
            header.i32(1, 2)
            header.i32(2, uncompressedSize)
            header.i32(3, compressedSize)
            header.beginStruct(7)
            header.i32(1, Int32(clamping: values))
            header.i32(2, Encoding.plain)
            header.endStruct()
        }
        header.endStruct()
        out += header.bytes
        out += compressed
        return header.bytes.count + body.count
    }

    // MARK: Footer

    private func writeFileMetadata(_ thrift: inout ThriftCompactWriter) {
        thrift.i32(1, 2)
        thrift.listHeader(2, .structure, count: fields.count + 1)
        thrift.beginListStruct()
        thrift.string(4, "schema")
        thrift.i32(5, Int32(clamping: fields.count))
        thrift.endStruct()
        for field in fields {
            thrift.beginListStruct()
            thrift.i32(1, field.kind.physicalType)
            thrift.i32(3, field.optional ? 1 : 0)
            thrift.string(4, field.name)
            if let converted = field.kind.convertedType { thrift.i32(6, converted) }
            writeLogicalType(field.kind, &thrift)
            thrift.endStruct()
        }
        thrift.i64(3, Int64(rowCount))
        thrift.listHeader(4, .structure, count: rowGroups.count)
        for (ordinal, group) in rowGroups.enumerated() {
            thrift.beginListStruct()
            thrift.listHeader(1, .structure, count: group.chunks.count)
            for chunk in group.chunks { writeChunk(chunk, &thrift) }
            thrift.i64(2, Int64(group.uncompressedSize))
            thrift.i64(3, Int64(group.rows))
            thrift.i64(5, Int64(group.fileOffset))
            thrift.i64(6, Int64(group.compressedSize))
            thrift.i16(7, Int16(truncatingIfNeeded: ordinal))
            thrift.endStruct()
        }
        thrift.string(6, Self.createdBy)
        thrift.listHeader(7, .structure, count: fields.count)
        for _ in fields {
            thrift.beginListStruct()
            thrift.emptyStruct(1)
            thrift.endStruct()
        }
        thrift.endStruct()
    }

    private func writeLogicalType(_ kind: ParquetField.Kind, _ thrift: inout ThriftCompactWriter) {
        switch kind {
        case .string:
            thrift.beginStruct(10)
            thrift.emptyStruct(1)
            thrift.endStruct()
        case .timestampMillis, .timestampMicros:
            thrift.beginStruct(10)
            thrift.beginStruct(8)
            thrift.bool(1, true)
            thrift.beginStruct(2)
            thrift.emptyStruct(kind == .timestampMillis ? 1 : 2)
            thrift.endStruct()
            thrift.endStruct()
            thrift.endStruct()
        case .uint64:
            thrift.beginStruct(10)
            thrift.beginStruct(10)
            thrift.i8(1, 64)
            thrift.bool(2, false)
            thrift.endStruct()
            thrift.endStruct()
        case .boolean, .int32, .int64, .double:
            break
        }
    }

    private func writeChunk(_ chunk: ChunkMetadata, _ thrift: inout ThriftCompactWriter) {
        thrift.beginListStruct()
        thrift.i64(2, 0)
        thrift.beginStruct(3)
        thrift.i32(1, chunk.kind.physicalType)
        thrift.listHeader(2, .i32, count: chunk.encodings.count)
        for encoding in chunk.encodings { thrift.listI32(encoding) }
        thrift.listHeader(3, .binary, count: 1)
        thrift.listString(chunk.name)
        thrift.i32(4, compressor == nil ? 0 : 6)
        thrift.i64(5, Int64(chunk.values))
        thrift.i64(6, Int64(chunk.uncompressedSize))
        thrift.i64(7, Int64(chunk.compressedSize))
        thrift.i64(9, Int64(chunk.dataPageOffset))
        if let offset = chunk.dictionaryPageOffset { thrift.i64(11, Int64(offset)) }
        let statistics = chunk.statistics
        thrift.beginStruct(12)
        thrift.i64(3, Int64(statistics.nullCount))
        if let bounds = statistics.bounds {
            thrift.binary(5, bounds.max)
            thrift.binary(6, bounds.min)
            thrift.bool(7, true)
            thrift.bool(8, true)
        }
        if let nanCount = statistics.nanCount { thrift.i64(9, Int64(nanCount)) }
        thrift.endStruct()
        thrift.endStruct()
        thrift.endStruct()
    }

    private static func matches(_ kind: ParquetField.Kind, _ values: ParquetColumn.Values) -> Bool {
        switch (kind, values) {
        case (.boolean, .boolean), (.int32, .int32), (.double, .double), (.string, .byteArray): true
        case (.int64, .int64), (.uint64, .int64), (.timestampMillis, .int64), (.timestampMicros, .int64): true
        default: false
        }
    }
}

func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
    var rest = value.littleEndian
    withUnsafeBytes(of: &rest) { out.append(contentsOf: $0) }
}
