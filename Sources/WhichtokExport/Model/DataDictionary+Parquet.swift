import WhichtokStore

extension DataDictionary {
    /// The columns of `whichtok export --parquet`, table by table (`ParquetTable.storeTables`).
    package static var parquet: DataDictionary {
        var columns: [Column] = []
        for table in ParquetTable.storeTables(Store()) {
            for column in table.columns {
                let nullable = column.field.optional ? ", may be null" : ""
                columns.append(
                    Column(
                        table: table.name, name: column.field.name, type: column.field.kind.readerType + nullable,
                        meaning: column.meaning, personal: column.personal))
            }
        }
        return DataDictionary(columns)
    }
}
