import Foundation
import Testing
import WhichtokTestSupport

@testable import WhichtokExport

/// The pieces of the Parquet writer against bytes computed by hand from the specifications (Thrift's
/// compact protocol, parquet-format's Encodings.md), and a file of every column kind read back by pyarrow.
@Suite("Parquet encoding")
struct ParquetEncodingTests {
    @Test("Thrift compact protocol: short and long field headers, zigzag varints, structs, lists")
    func thrift() {
        var thrift = ThriftCompactWriter()
        thrift.i32(1, 2)
        thrift.string(4, "ab")
        thrift.bool(5, true)
        thrift.i64(20, -1)
        thrift.i16(40, 300)
        thrift.beginStruct(41)
        thrift.i8(1, -2)
        thrift.bool(2, false)
        thrift.endStruct()
        thrift.listHeader(42, .i32, count: 2)
        thrift.listI32(1)
        thrift.listI32(-1)
        thrift.endStruct()
        let expected: [UInt8] = [
            0x15, 0x04,  // field 1 (delta 1), i32, zigzag(2) = 4
            0x38, 0x02, 0x61, 0x62,  // field 4 (delta 3), binary, length 2, "ab"
            0x11,  // field 5, boolean true in the type nibble
            0xF6, 0x01,  // field 20 (delta 15), i64, zigzag(-1) = 1
            0x04, 0x50, 0xD8, 0x04,  // field 40 (delta 20 > 15): type, zigzag(40) = 80, zigzag(300) = 600
            0x1C,  // field 41, struct
            0x13, 0xFE,  // inner field 1 (delta from 0), i8 -2
            0x12,  // inner field 2 (delta 1), boolean false
            0x00,  // inner stop
            0x19, 0x25, 0x02, 0x01,  // field 42 (delta from 41), list of 2 i32: 1, -1
            0x00,  // outer stop
        ]
        #expect(thrift.bytes == expected)
        var long = ThriftCompactWriter()
        long.listHeader(1, .binary, count: 20)
        #expect(long.bytes == [0x19, 0xF8, 0x14])
    }

    @Test("RLE / bit-packing hybrid: runs, bit-packed groups, the padding of the last group")
    func hybrid() {
        // Encodings.md's own example: 0…7 in 3 bits, one bit-packed group.
        #expect(RLEHybridEncoder.encode(Array(0..<8), bitWidth: 3) == [0x03, 0x88, 0xC6, 0xFA])
        #expect(RLEHybridEncoder.encode([UInt32](repeating: 1, count: 10), bitWidth: 1) == [0x14, 0x01])
        // 9 values: two groups, the second padded with zeros.
        #expect(RLEHybridEncoder.encode([0, 1, 0, 1, 1, 0, 0, 0, 1], bitWidth: 1) == [0x05, 0x1A, 0x01])
        // A value wider than a byte is written in two little-endian bytes.
        #expect(RLEHybridEncoder.encode([UInt32](repeating: 300, count: 8), bitWidth: 9) == [0x10, 0x2C, 0x01])
        // A run, then a short tail bit-packed.
        let mixed: [UInt32] = [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 1, 2, 3]
        #expect(RLEHybridEncoder.encode(mixed, bitWidth: 3) == [0x14, 0x05, 0x03, 0xD1, 0x00, 0x00])
        #expect(RLEHybridEncoder.bitWidth(forMaximum: 0) == 1)
        #expect(RLEHybridEncoder.bitWidth(forMaximum: 1) == 1)
        #expect(RLEHybridEncoder.bitWidth(forMaximum: 2) == 2)
        #expect(RLEHybridEncoder.bitWidth(forMaximum: 255) == 8)
        #expect(RLEHybridEncoder.bitWidth(forMaximum: 256) == 9)
    }

    @Test("a file starts and ends with PAR1, its footer length is right, and it is the same twice")
    func layout() throws {
        let fields = [ParquetField("n", .int64), ParquetField("s", .string, optional: true, dictionary: true)]
        var names = ParquetStringColumnBuilder(capacity: 3)
        for name in ["a", nil, "a"] { names.append(name) }
        let group = [ParquetColumn(.int64([1, 2, 3])), names.build()]
        let file = try ParquetEncoder.encode(fields: fields, rowGroups: [group])
        #expect(Array(file.prefix(4)) == Array("PAR1".utf8))
        #expect(Array(file.suffix(4)) == Array("PAR1".utf8))
        let length = file[file.count - 8..<file.count - 4].reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect(length > 0 && length < file.count - 12)
        #expect(try ParquetEncoder.encode(fields: fields, rowGroups: [group]) == file)
        // A column of the wrong type or length is refused, naming the column.
        #expect(throws: ExportError.self) {
            try ParquetEncoder.encode(fields: fields, rowGroups: [[ParquetColumn(.int64([1])), names.build()]])
        }
        #expect(throws: ExportError.self) {
            try ParquetEncoder.encode(fields: fields, rowGroups: [[ParquetColumn(.double([1, 2, 3])), names.build()]])
        }
    }

    @Test("owners of CSR positions, across owners without entries")
    func owners() {
        let offsets: [UInt32] = [0, 0, 2, 2, 5]
        #expect(csrOwners(offsets, positions: 0..<5) == [1, 1, 3, 3, 3])
        #expect(csrOwners(offsets, positions: 3..<5) == [3, 3])
        #expect(csrOwners(offsets, positions: 1..<3) == [1, 3])
    }

    static let pyarrow = ExternalTool.python(passing: "import pyarrow.parquet")

    @Test(
        "a dictionary past its limit falls back to PLAIN, chunk by chunk, and reads back the same",
        .enabled(if: pyarrow != nil, "skipped: python3 with pyarrow is missing (make test-deps installs it)"))
    func dictionaryFallback() throws {
        let python = try #require(Self.pyarrow)
        let folder = try TemporaryFolder()
        let fields = [ParquetField("name", .string, dictionary: true), ParquetField("n", .int64, dictionary: true)]
        // First group: two distinct values (dictionary). Second: 100 distinct values (over 64 bytes: PLAIN).
        var groups: [[ParquetColumn]] = []
        for distinct in [2, 100] {
            var names = ParquetStringColumnBuilder(capacity: 100)
            for row in 0..<100 { names.append("value \(row % distinct)") }
            groups.append([names.build(), ParquetColumn(.int64((0..<100).map { Int64($0 % distinct) }))])
        }
        var options = ParquetEncoder.Options()
        options.dictionaryLimit = 64
        let path = folder.file("fallback.parquet")
        try Data(try ParquetEncoder.encode(fields: fields, rowGroups: groups, options: options))
            .write(to: URL(fileURLWithPath: path))
        let script = """
            import json, sys
            import pyarrow.parquet as pq
            f = pq.ParquetFile(sys.argv[1])
            t = f.read()
            print(json.dumps({
                "name": t.column("name").to_pylist(), "n": t.column("n").to_pylist(),
                "encodings": [[list(f.metadata.row_group(g).column(c).encodings) for c in range(2)] for g in range(2)]}))
            """
        let result = try ChildProcess.run(python, ["-c", script, path])
        try #require(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let expectedNames = (0..<100).map { "value \($0 % 2)" } + (0..<100).map { "value \($0)" }
        #expect(json["name"] as? [String] == expectedNames)
        #expect(json["n"] as? [Int] == (0..<100).map { $0 % 2 } + Array(0..<100))
        let encodings = try #require(json["encodings"] as? [[[String]]])
        #expect(encodings[0][0].contains("RLE_DICTIONARY") && encodings[0][1].contains("RLE_DICTIONARY"))
        #expect(!encodings[1][0].contains("RLE_DICTIONARY") && !encodings[1][1].contains("RLE_DICTIONARY"))
    }

    @Test(
        "every kind of column read back by pyarrow: values, nulls, types, statistics, several row groups and pages",
        .enabled(if: pyarrow != nil, "skipped: python3 with pyarrow is missing (make test-deps installs it)"))
    func pyarrowReadsEveryKind() throws {
        let python = try #require(Self.pyarrow)
        let folder = try TemporaryFolder()
        let fields = [
            ParquetField("flag", .boolean, optional: true),
            ParquetField("small", .int32, dictionary: true),
            ParquetField("big", .int64, optional: true),
            ParquetField("id", .uint64, optional: true),
            ParquetField("score", .double, optional: true),
            ParquetField("name", .string, optional: true, dictionary: true),
            ParquetField("plain_name", .string),
            ParquetField("stamp", .timestampMillis, optional: true),
            ParquetField("stamp_us", .timestampMicros),
        ]
        // 40 rows in row groups of 16 and pages of 5: three groups, several pages each.
        let rows = 40
        let names = ["über", "中文", "🌴", "", "plain"]
        var groups: [[ParquetColumn]] = []
        for start in stride(from: 0, to: rows, by: 16) {
            let range = start..<min(rows, start + 16)
            var name = ParquetStringColumnBuilder(capacity: range.count)
            var plainName = ParquetStringColumnBuilder(capacity: range.count)
            var big = ParquetInt64ColumnBuilder(capacity: range.count)
            var id = ParquetInt64ColumnBuilder(capacity: range.count)
            var at = ParquetInt64ColumnBuilder(capacity: range.count)
            for row in range {
                name.append(row % 7 == 3 ? nil : names[row % names.count])
                plainName.append("row \(row)")
                big.append(row % 4 == 0 ? nil : Int64(row) * 1_000_000_007 - 20_000_000_000)
                // Ids on both sides of 2^63: unsigned order differs from signed order.
                id.append(unsigned: row % 5 == 1 ? nil : (row == 2 ? 7 : UInt64.max - UInt64(row)))
                at.append(row % 3 == 0 ? nil : 1_700_000_000_000 + Int64(row) * 1_000)
            }
            let flags = range.map { $0 % 2 == 0 }
            let flagPresent = range.map { $0 % 9 != 0 }
            let scores = range.map { $0 == 7 ? Double.nan : ($0 == 8 ? -0.0 : Double($0) / 4 - 3) }
            groups.append([
                ParquetColumn(.boolean(flags), present: flagPresent),
                ParquetColumn(.int32(range.map { Int32($0 % 3) - 1 })),
                big.build(), id.build(),
                ParquetColumn(.double(scores), present: range.map { $0 != 9 }),
                name.build(), plainName.build(), at.build(),
                ParquetColumn(.int64(range.map { 1_700_000_000_000_000 + Int64($0) })),
            ])
        }
        var options = ParquetEncoder.Options()
        options.pageRows = 5
        let file = try ParquetEncoder.encode(fields: fields, rowGroups: groups, options: options)
        let path = folder.file("kinds.parquet")
        try Data(file).write(to: URL(fileURLWithPath: path))
        let script = """
            import json, math, sys
            import pyarrow.parquet as pq
            f = pq.ParquetFile(sys.argv[1])
            t = f.read()
            def plain(v):
                if isinstance(v, float) and math.isnan(v): return "nan"
                if hasattr(v, "isoformat"): return v.isoformat()
                if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2**53: return str(v)
                return v
            meta = f.metadata
            stats = {}
            for c in range(meta.num_columns):
                s = meta.row_group(0).column(c).statistics
                stats[meta.schema.column(c).name] = {
                    "has_min_max": s.has_min_max, "nulls": s.null_count,
                    "min": plain(s.min) if s.has_min_max else None, "max": plain(s.max) if s.has_min_max else None}
            print(json.dumps({
                "types": {f.name: str(f.type) for f in t.schema},
                "nullable": {f.name: f.nullable for f in t.schema},
                "columns": {n: [plain(v) for v in t.column(n).to_pylist()] for n in t.column_names},
                "row_groups": meta.num_row_groups, "rows": meta.num_rows, "created_by": meta.created_by,
                "compression": meta.row_group(0).column(5).compression,
                "encodings": list(meta.row_group(0).column(5).encodings),
                "stats": stats}, default=str))
            """
        let result = try ChildProcess.run(python, ["-c", script, path])
        try #require(result.status == 0, "\(result.stderr)")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let types = try #require(json["types"] as? [String: String])
        #expect(types["flag"] == "bool")
        #expect(types["small"] == "int32")
        #expect(types["big"] == "int64")
        #expect(types["id"] == "uint64")
        #expect(types["score"] == "double")
        #expect(types["name"] == "string" || types["name"] == "large_string")
        #expect(types["stamp"] == "timestamp[ms, tz=UTC]")
        #expect(types["stamp_us"] == "timestamp[us, tz=UTC]")
        let nullable = try #require(json["nullable"] as? [String: Bool])
        #expect(nullable["small"] == false && nullable["name"] == true)
        #expect(json["row_groups"] as? Int == 3)
        #expect(json["rows"] as? Int == rows)
        #expect(json["created_by"] as? String == "whichtok")
        #expect(json["compression"] as? String == "ZSTD")
        #expect((json["encodings"] as? [String])?.contains("RLE_DICTIONARY") == true)
        let columns = try #require(json["columns"] as? [String: [Any]])
        let name = try #require(columns["name"])
        for row in 0..<rows {
            if row % 7 == 3 { #expect(name[row] is NSNull) } else { #expect(name[row] as? String == names[row % 5]) }
        }
        let ids = try #require(columns["id"])
        // Ids ≥ 2^63 come back as the same unsigned numbers.
        #expect(ids[0] as? String == "\(UInt64.max)")
        #expect(ids[1] is NSNull)
        #expect(ids[2] as? Int == 7)
        #expect(ids[3] as? String == "\(UInt64.max - 3)")
        let big = try #require(columns["big"])
        #expect(big[0] is NSNull)
        #expect((big[1] as? Int) == 1_000_000_007 - 20_000_000_000)
        let flags = try #require(columns["flag"])
        #expect(flags[0] is NSNull && flags[1] as? Bool == false && flags[2] as? Bool == true)
        let scores = try #require(columns["score"])
        #expect(scores[7] as? String == "nan" && scores[9] is NSNull && (scores[4] as? Double) == -2)
        let at = try #require(columns["stamp"])
        #expect(at[0] is NSNull)
        #expect(at[1] as? String == "2023-11-14T22:13:21+00:00")
        #expect((columns["small"]?[4] as? Int) == 0)
        #expect((columns["plain_name"]?[39] as? String) == "row 39")
        // Statistics of the first row group (rows 0…15), in each column's order.
        let stats = try #require(json["stats"] as? [String: [String: Any]])
        #expect(stats["id"]?["min"] as? Int == 7)
        #expect(stats["id"]?["max"] as? String == "\(UInt64.max)")
        #expect(stats["id"]?["nulls"] as? Int == 3)
        #expect(stats["big"]?["min"] as? Int == 1_000_000_007 - 20_000_000_000)
        #expect(stats["small"]?["min"] as? Int == -1 && stats["small"]?["max"] as? Int == 1)
        #expect(stats["score"]?["min"] as? Double == -3 && stats["score"]?["max"] as? Double == 0.75)
        #expect(stats["name"]?["min"] as? String == "" && stats["name"]?["max"] as? String == "🌴")
        #expect(stats["name"]?["nulls"] as? Int == 2)
        #expect(stats["flag"]?["min"] as? Bool == false && stats["flag"]?["max"] as? Bool == true)
        #expect(stats["stamp"]?["has_min_max"] as? Bool == true)
        // DuckDB reads the same file (its own Parquet reader, not Arrow's).
        if let duckdb = ExternalTool.python(passing: "import duckdb") {
            let query = """
                import duckdb, json, sys
                path = sys.argv[1].replace("'", "''")
                r = duckdb.connect().execute(
                    "SELECT count(*), sum(small), count(name), count(*) FILTER (WHERE flag), max(id)::VARCHAR, "
                    "min(id)::VARCHAR, typeof(any_value(id)), count(stamp), max(epoch_ms(stamp)), count(score) "
                    f"FROM read_parquet('{path}')").fetchone()
                print(json.dumps(list(r)))
                """
            let read = try ChildProcess.run(duckdb, ["-c", query, path])
            try #require(read.status == 0, "\(read.stderr)")
            let row = try #require(try JSONSerialization.jsonObject(with: Data(read.stdout.utf8)) as? [Any])
            let small = (0..<rows).reduce(0) { $0 + $1 % 3 - 1 }
            #expect(row[0] as? Int == rows)
            #expect(row[1] as? Int == small)
            #expect(row[2] as? Int == (0..<rows).filter { $0 % 7 != 3 }.count)
            #expect(row[3] as? Int == (0..<rows).filter { $0 % 9 != 0 && $0 % 2 == 0 }.count)
            #expect(row[4] as? String == "\(UInt64.max)" && row[5] as? String == "7")
            #expect(row[6] as? String == "UBIGINT")
            #expect(row[7] as? Int == (0..<rows).filter { $0 % 3 != 0 }.count)
            #expect(row[8] as? Int == 1_700_000_000_000 + 38 * 1_000)
            #expect(row[9] as? Int == rows - 1)
        }
    }
}
