/// One column of a flat Parquet table: its name, what it holds, whether it may be null, and whether
/// its values are dictionary-encoded.
package struct ParquetField: Sendable, Equatable {
    /// The value kinds the writer supports, each with its physical and logical type.
    package enum Kind: Sendable, Equatable {
        case boolean
        case int32
        case int64
        /// TikTok's 64-bit ids: INT64 annotated INTEGER(64, unsigned), so readers show ids ≥ 2^63 as
        /// they are and order statistics unsigned.
        case uint64
        case double
        /// UTF-8 text: BYTE_ARRAY annotated STRING.
        case string
        /// Milliseconds since 1970 UTC: INT64 annotated TIMESTAMP(isAdjustedToUTC = true, MILLIS).
        case timestampMillis
        /// Microseconds since 1970 UTC: INT64 annotated TIMESTAMP(isAdjustedToUTC = true, MICROS).
        case timestampMicros

        /// The physical type (parquet.thrift `Type`).
        var physicalType: Int32 {
            switch self {
            case .boolean: 0
            case .int32: 1
            case .int64, .uint64, .timestampMillis, .timestampMicros: 2
            case .double: 5
            case .string: 6
            }
        }

        /// The legacy annotation (`ConvertedType`) that goes with the logical type, if any.
        var convertedType: Int32? {
            switch self {
            case .string: 0
            case .timestampMillis: 9
            case .timestampMicros: 10
            case .uint64: 14
            case .boolean, .int32, .int64, .double: nil
            }
        }

        /// The type as a reader of the data dictionary sees it.
        package var readerType: String {
            switch self {
            case .boolean: "boolean"
            case .int32: "integer (32-bit)"
            case .int64: "integer (64-bit)"
            case .uint64: "unsigned integer (64-bit)"
            case .double: "float (64-bit)"
            case .string: "text"
            case .timestampMillis: "timestamp (UTC, ms)"
            case .timestampMicros: "timestamp (UTC, µs)"
            }
        }
    }

    package var name: String
    package var kind: Kind
    /// May hold nulls (definition level 1); otherwise every row has a value.
    package var optional: Bool
    /// Dictionary-encode the values (text and low-cardinality columns); the writer falls back to PLAIN
    /// when a chunk's dictionary grows past `ParquetWriter.Options.dictionaryLimit`.
    package var dictionary: Bool

    package init(_ name: String, _ kind: Kind, optional: Bool = false, dictionary: Bool = false) {
        self.name = name
        self.kind = kind
        self.optional = optional
        self.dictionary = dictionary
    }
}

/// The values of one column for one row group: a dense array of the column's kind (a placeholder at
/// null rows) and, for optional columns, which rows have a value.
package struct ParquetColumn: Sendable {
    package enum Values: Sendable {
        case boolean([Bool])
        case int32([Int32])
        /// INT64, UINT64 (bit pattern) and timestamps.
        case int64([Int64])
        case double([Double])
        /// Byte strings: value `i` is `bytes[offsets[i] ..< offsets[i + 1]]`.
        case byteArray(bytes: [UInt8], offsets: [Int])
    }

    package var values: Values
    /// `nil` when every row has a value.
    package var present: [Bool]?

    package init(_ values: Values, present: [Bool]? = nil) {
        self.values = values
        self.present = present
    }

    package var count: Int {
        switch values {
        case .boolean(let v): v.count
        case .int32(let v): v.count
        case .int64(let v): v.count
        case .double(let v): v.count
        case .byteArray(_, let offsets): max(0, offsets.count - 1)
        }
    }
}

/// Builds a text column row by row.
package struct ParquetStringColumnBuilder {
    private var bytes: [UInt8] = []
    private var offsets: [Int] = [0]
    private var present: [Bool] = []
    private var nulls = 0

    package init(capacity: Int) {
        offsets.reserveCapacity(capacity + 1)
        present.reserveCapacity(capacity)
    }

    package mutating func append(_ text: String?) {
        if let text {
            bytes.append(contentsOf: text.utf8)
            present.append(true)
        } else {
            present.append(false)
            nulls += 1
        }
        offsets.append(bytes.count)
    }

    package mutating func append<Bytes: Collection>(bytes value: Bytes) where Bytes.Element == UInt8 {
        bytes.append(contentsOf: value)
        present.append(true)
        offsets.append(bytes.count)
    }

    package func build() -> ParquetColumn {
        ParquetColumn(.byteArray(bytes: bytes, offsets: offsets), present: nulls > 0 ? present : nil)
    }
}

/// Builds an integer (or timestamp, or unsigned id) column row by row.
package struct ParquetInt64ColumnBuilder {
    private var values: [Int64] = []
    private var present: [Bool] = []
    private var nulls = 0

    package init(capacity: Int) {
        values.reserveCapacity(capacity)
        present.reserveCapacity(capacity)
    }

    package mutating func append(_ value: Int64?) {
        values.append(value ?? 0)
        present.append(value != nil)
        if value == nil { nulls += 1 }
    }

    /// An unsigned id (stored as its bit pattern).
    package mutating func append(unsigned value: UInt64?) {
        append(value.map { Int64(bitPattern: $0) })
    }

    package func build() -> ParquetColumn {
        ParquetColumn(.int64(values), present: nulls > 0 ? present : nil)
    }
}
