import WhichtokStore

/// A table to write as one Parquet file: its name, its columns with what each means (the data
/// dictionary), its row count, and a function building the columns of a range of rows (one row group).
package struct ParquetTable {
    package struct Column: Sendable {
        package var field: ParquetField
        package var meaning: String
        package var personal: DataDictionary.Personal

        package init(_ field: ParquetField, _ meaning: String, _ personal: DataDictionary.Personal) {
            self.field = field
            self.meaning = meaning
            self.personal = personal
        }
    }

    package var name: String
    package var columns: [Column]
    package var rowCount: Int
    package var rowGroup: (Range<Int>) -> [ParquetColumn]

    package var fields: [ParquetField] { columns.map(\.field) }

    /// The file name, `NAME.parquet`.
    package var fileName: String { name + ".parquet" }
}

/// Builds the columns of a range of store rows: ids, references to other tables (null for `.none`),
/// interned strings, TikTok ids (null for 0), times (null for 0), counters (null when unknown).
struct StoreColumnBuilder {
    let store: Store
    let rows: Range<Int>

    /// The row numbers themselves (`id`).
    func ids() -> ParquetColumn { ParquetColumn(.int64(rows.map { Int64($0) })) }

    /// `values[row]` as a reference into a table of `count` rows.
    func references(_ values: [RowID], count: Int) -> ParquetColumn {
        var column = ParquetInt64ColumnBuilder(capacity: rows.count)
        for row in rows { column.append(Self.reference(values[row], count: count)) }
        return column.build()
    }

    static func reference(_ value: RowID, count: Int) -> Int64? {
        value != .none && Int(value) < count ? Int64(value) : nil
    }

    func strings(_ values: [RowID]) -> ParquetColumn {
        var column = ParquetStringColumnBuilder(capacity: rows.count)
        for row in rows { appendString(values[row], to: &column) }
        return column.build()
    }

    /// Appends the interned string `row` (null for `.none` or out of range) without making a `String`.
    func appendString(_ row: RowID, to column: inout ParquetStringColumnBuilder) {
        let table = store.strings
        guard row != .none, Int(row) < table.count else {
            column.append(nil)
            return
        }
        column.append(bytes: table.bytes[Int(table.offsets[Int(row)])..<Int(table.offsets[Int(row) + 1])])
    }

    func tiktokIDs(_ values: [UInt64]) -> ParquetColumn {
        var column = ParquetInt64ColumnBuilder(capacity: rows.count)
        for row in rows { column.append(unsigned: values[row] == 0 ? nil : values[row]) }
        return column.build()
    }

    func times(_ values: [UInt32]) -> ParquetColumn {
        var column = ParquetInt64ColumnBuilder(capacity: rows.count)
        for row in rows { column.append(Self.milliseconds(values[row])) }
        return column.build()
    }

    /// UTC seconds as milliseconds, nil for 0 (unknown).
    static func milliseconds(_ seconds: UInt32) -> Int64? { seconds == 0 ? nil : Int64(seconds) * 1_000 }

    func counts(_ values: [UInt64]) -> ParquetColumn {
        var column = ParquetInt64ColumnBuilder(capacity: rows.count)
        for row in rows { column.append(values[row] == unknownCount ? nil : Int64(clamping: values[row])) }
        return column.build()
    }

    func texts(_ body: (Int) -> String?) -> ParquetColumn {
        var column = ParquetStringColumnBuilder(capacity: rows.count)
        for row in rows { column.append(body(row)) }
        return column.build()
    }

    func booleans(_ body: (Int) -> Bool) -> ParquetColumn { ParquetColumn(.boolean(rows.map(body))) }

    func integers(_ body: (Int) -> Int64?) -> ParquetColumn {
        var column = ParquetInt64ColumnBuilder(capacity: rows.count)
        for row in rows { column.append(body(row)) }
        return column.build()
    }
}

/// For the link tables stored as CSR (`offsets` has one entry per owner plus one): the owner of each
/// position in `range`, found by binary search for the first and a walk for the rest.
func csrOwners(_ offsets: [UInt32], positions range: Range<Int>) -> [Int] {
    guard !range.isEmpty, offsets.count > 1 else { return [] }
    var low = 0
    var high = offsets.count - 1
    // The last owner whose start is ≤ range.lowerBound.
    while low < high {
        let middle = (low + high + 1) / 2
        if Int(offsets[middle]) <= range.lowerBound { low = middle } else { high = middle - 1 }
    }
    var owner = low
    var owners: [Int] = []
    owners.reserveCapacity(range.count)
    for position in range {
        while owner + 1 < offsets.count - 1 && Int(offsets[owner + 1]) <= position { owner += 1 }
        owners.append(owner)
    }
    return owners
}
