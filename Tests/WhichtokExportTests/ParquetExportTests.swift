import Foundation
import Testing
import WhichtokStore
import WhichtokSupport
import WhichtokTestSupport

@testable import WhichtokExport
@testable import WhichtokGraph

/// `whichtok export --parquet` on the sample archives' store, read back by pyarrow and DuckDB, and
/// the README's DuckDB recipe against whichtok's own co-engagement counts.
@Suite("Parquet export", .serialized)
struct ParquetExportTests {
    static let pyarrow = ExternalTool.python(passing: "import pyarrow.parquet")
    static let duckdb = ExternalTool.python(passing: "import duckdb")

    /// The sample archives imported and exported once for the suite: the folder, the store, its
    /// Parquet folder and `stats --json`.
    struct Exported {
        var folder: TemporaryFolder
        var store: Store
        var parquet: String
        var stats: [String: Any]
    }

    /// A download whose first like has no date: its event's time is unknown (null in Parquet).
    static let undated = """
        {"Activity": {"Like List": {"ItemFavoriteList": [
          {"Link": "https://www.tiktokv.com/share/video/7027434220614467672/"},
          {"Date": "2024-01-02 03:04:05", "Link": "https://www.tiktokv.com/share/video/7027434220614467673/"}]}},
         "Profile": {"Profile Information": {"ProfileMap": {"userName": "undated_donor"}}}}
        """

    static func export() throws -> Exported {
        let folder = try TemporaryFolder()
        try ArchiveWriter.write(
            [("user_data.json", Array(undated.utf8))], format: .zip, to: folder.file("undated.zip"))
        let imported = try Whichtok.run(
            ["import", "--store", "s.store", PackageFolder.sampleArchives, "undated.zip"], in: folder.path)
        try #require(imported.status == 0, "\(imported.stderr)")
        let exported = try Whichtok.run(["export", "--store", "s.store", "--parquet", "out"], in: folder.path)
        try #require(exported.status == 0, "\(exported.stderr)")
        let stats = try Whichtok.run(["stats", "--store", "s.store", "--json"], in: folder.path)
        try #require(stats.status == 0, "\(stats.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
        return Exported(
            folder: folder, store: try Store.load(from: folder.file("s.store")), parquet: folder.file("out"),
            stats: json)
    }

    /// Runs a Python script with `arguments`; returns its standard output parsed as JSON.
    static func runJSON(_ python: String, _ script: String, _ arguments: [String]) throws -> [String: Any] {
        let result = try ChildProcess.run(python, ["-c", script] + arguments, timeout: 300)
        try #require(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test(
        "the CLI writes every table and the data dictionary, the same bytes twice, and refuses '-'",
        .enabled(if: Whichtok.binary != nil, "skipped: the whichtok binary was not built"))
    func files() throws {
        let exported = try Self.export()
        let names = try FileManager.default.contentsOfDirectory(atPath: exported.parquet).sorted()
        let expected = (ParquetTable.storeTables(Store()).map(\.fileName) + ["data-dictionary.csv"]).sorted()
        #expect(names == expected)
        let again = try Whichtok.run(
            ["export", "--store", "s.store", "--parquet", "-o", "again", "--quiet"], in: exported.folder.path)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.isEmpty)
        for name in expected {
            let first = try Data(contentsOf: URL(fileURLWithPath: exported.parquet + "/" + name))
            let second = try Data(contentsOf: URL(fileURLWithPath: exported.folder.file("again/" + name)))
            #expect(first == second, "\(name) differs between two exports of the same store")
        }
        let dictionary = try Data(contentsOf: URL(fileURLWithPath: exported.parquet + "/data-dictionary.csv"))
        #expect(Array(dictionary) == DataDictionary.parquet.csv)
        let dash = try Whichtok.run(["export", "--store", "s.store", "--parquet", "-o", "-"], in: exported.folder.path)
        #expect(dash.status == 64)
        let both = try Whichtok.run(
            ["export", "--store", "s.store", "--parquet", "a", "-o", "b"], in: exported.folder.path)
        #expect(both.status == 64)
        let missing = try Whichtok.run(["export", "--store", "nope.store", "--parquet", "x"], in: exported.folder.path)
        #expect(missing.status == 66)
        let onStore = try Whichtok.run(
            ["export", "--store", "s.store", "--parquet", "s.store"], in: exported.folder.path)
        #expect(onStore.status == 73)
    }

    @Test(
        "pyarrow reads every table: schema, types, row counts, statistics, values equal the store's",
        .enabled(if: Whichtok.binary != nil, "skipped: the whichtok binary was not built"),
        .enabled(if: pyarrow != nil, "skipped: python3 with pyarrow is missing (make test-deps installs it)"))
    func pyarrowReadsTheStore() throws {
        let python = try #require(Self.pyarrow)
        let exported = try Self.export()
        let store = exported.store
        let script = """
            import json, os, sys
            import pyarrow.parquet as pq
            folder = sys.argv[1]
            out = {}
            for name in sorted(os.listdir(folder)):
                if not name.endswith(".parquet"): continue
                f = pq.ParquetFile(os.path.join(folder, name))
                t = f.read()
                meta = f.metadata
                stats = []
                for g in range(meta.num_row_groups):
                    for c in range(meta.num_columns):
                        s = meta.row_group(g).column(c).statistics
                        stats.append(s is not None and s.has_null_count)
                out[name[:-8]] = {
                    "rows": meta.num_rows,
                    "schema": {fl.name: str(fl.type) for fl in t.schema},
                    "statistics": all(stats),
                    "head": {n: [str(v) if v is not None else None for v in t.column(n).to_pylist()[:50]]
                             for n in t.column_names},
                }
            print(json.dumps(out))
            """
        let json = try Self.runJSON(python, script, [exported.parquet])
        let tables = ParquetTable.storeTables(store)
        for table in tables {
            let read = try #require(json[table.name] as? [String: Any], "\(table.name) missing")
            #expect(read["rows"] as? Int == table.rowCount, "\(table.name)")
            #expect(read["statistics"] as? Bool == true, "\(table.name): statistics missing")
            let schema = try #require(read["schema"] as? [String: String])
            #expect(Set(schema.keys) == Set(table.fields.map(\.name)), "\(table.name)")
        }
        let events = try #require(json["events"] as? [String: Any])
        let schema = try #require(events["schema"] as? [String: String])
        #expect(schema["time"] == "timestamp[ms, tz=UTC]")
        #expect(schema["actor"] == "int64")
        #expect(schema["kind"] == "string" || schema["kind"] == "large_string")
        let accounts = try #require(json["accounts"] as? [String: Any])
        #expect((accounts["schema"] as? [String: String])?["tiktok_id"] == "uint64")
        // The first rows equal the store's.
        let head = try #require(events["head"] as? [String: [Any]])
        for row in 0..<min(50, store.events.count) {
            #expect(head["actor"]?[row] as? String == "\(store.events.actor[row])")
            #expect(head["kind"]?[row] as? String == EventKind(rawValue: store.events.kind[row])?.name)
        }
        let accountHead = try #require(accounts["head"] as? [String: [Any]])
        for row in 0..<min(50, store.accounts.count) {
            let username = store.strings[store.accounts.username[row]]
            if let username {
                #expect(accountHead["username"]?[row] as? String == username)
            } else {
                #expect(accountHead["username"]?[row] is NSNull)
            }
            let id = store.accounts.numericID[row]
            if id != 0 { #expect(accountHead["tiktok_id"]?[row] as? String == "\(id)") }
        }
        let videos = try #require((json["videos"] as? [String: Any])?["head"] as? [String: [Any]])
        for row in 0..<min(50, store.videos.count) where store.videos.tiktokID[row] != 0 {
            #expect(videos["tiktok_id"]?[row] as? String == "\(store.videos.tiktokID[row])")
        }
    }

    @Test(
        "DuckDB: counts by kind equal `stats --json`, events join accounts, times are UTC, unknown times are null",
        .enabled(if: Whichtok.binary != nil, "skipped: the whichtok binary was not built"),
        .enabled(if: duckdb != nil, "skipped: python3 with duckdb is missing (make test-deps installs it)"))
    func duckDBReadsTheStore() throws {
        let python = try #require(Self.duckdb)
        let exported = try Self.export()
        let store = exported.store
        let script = """
            import json, os, sys, duckdb
            os.chdir(sys.argv[1])
            con = duckdb.connect()
            con.execute("SET TimeZone = 'Europe/Berlin'")
            kinds = dict(con.execute("SELECT kind, count(*) FROM 'events.parquet' GROUP BY kind").fetchall())
            joined = con.execute(
                "SELECT count(*), count(a.id) FROM 'events.parquet' e LEFT JOIN 'accounts.parquet' a ON a.id = e.actor"
            ).fetchone()
            no_time = con.execute("SELECT count(*) FROM 'events.parquet' WHERE time IS NULL").fetchone()[0]
            first = con.execute(
                "SELECT epoch(time)::BIGINT, strftime(time AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S'), typeof(time) "
                "FROM 'events.parquet' WHERE time IS NOT NULL ORDER BY time LIMIT 1").fetchone()
            donors = con.execute(
                "SELECT count(*) FROM 'events.parquet' e JOIN 'accounts.parquet' a ON a.id = e.actor WHERE a.donor"
            ).fetchone()[0]
            hashtags = con.execute(
                "SELECT count(*) FROM 'video_hashtags.parquet' vh JOIN 'hashtags.parquet' h ON h.id = vh.hashtag"
            ).fetchone()[0]
            print(json.dumps({"kinds": kinds, "events": joined[0], "joined": joined[1], "no_time": no_time,
                              "first": list(first), "donor_events": donors, "hashtag_links": hashtags}))
            """
        let json = try Self.runJSON(python, script, [exported.parquet])
        let statsKinds = try #require(exported.stats["events"] as? [String: Int])
        let kinds = try #require(json["kinds"] as? [String: Int])
        for (kind, count) in statsKinds where count > 0 { #expect(kinds[kind] == count, "\(kind)") }
        #expect(kinds.values.reduce(0, +) == statsKinds.values.reduce(0, +))
        #expect(json["events"] as? Int == store.events.count)
        #expect(json["joined"] as? Int == store.events.count)
        let unknown = store.events.time.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
        #expect(unknown > 0)
        #expect(json["no_time"] as? Int == unknown)
        let earliest = try #require(store.events.time.filter { $0 != 0 }.min())
        let first = try #require(json["first"] as? [Any])
        #expect(first[0] as? Int == Int(earliest))
        #expect(first[1] as? String == CivilTimeText.iso(earliest))
        #expect(first[2] as? String == "TIMESTAMP WITH TIME ZONE")
        var donorEvents = 0
        for actor in store.events.actor where store.accounts.flags(actor).contains(.donor) { donorEvents += 1 }
        #expect(json["donor_events"] as? Int == donorEvents)
        #expect(json["hashtag_links"] as? Int == store.videos.hashtags.count)
    }

    @Test(
        "the README's DuckDB recipe gives whichtok's own co-engagement item counts",
        .enabled(if: Whichtok.binary != nil, "skipped: the whichtok binary was not built"),
        .enabled(if: duckdb != nil, "skipped: python3 with duckdb is missing (make test-deps installs it)"))
    func recipe() throws {
        let python = try #require(Self.duckdb)
        let exported = try Self.export()
        let store = exported.store
        let recipe = try #require(try Readme.block(after: "<!-- co-engagement recipe -->"))
        let script = """
            import json, os, sys, duckdb
            os.chdir(sys.argv[1])
            con = duckdb.connect()
            con.execute(sys.argv[2])
            accounts = con.execute("SELECT actor, items FROM account_items ORDER BY actor").fetchall()
            items = con.execute("SELECT family, item, accounts FROM item_accounts ORDER BY family, item").fetchall()
            print(json.dumps({"accounts": [list(r) for r in accounts], "items": [list(r) for r in items]}))
            """
        let json = try Self.runJSON(python, script, [exported.parquet, recipe])
        let matrix = EngagementMatrix(store, filter: EventFilter(), options: CoEngagementOptions())
        // Item columns of whichtok's matrix: videos, then authors (accounts), hashtags, sounds.
        let authorBase = store.videos.count
        let hashtagBase = authorBase + store.accounts.count
        let soundBase = hashtagBase + store.hashtags.count
        var expectedItems: [String: Int] = [:]
        for (item, df) in matrix.documentFrequency.enumerated() where df > 0 {
            let key: String
            switch item {
            case ..<authorBase: key = "video \(item)"
            case ..<hashtagBase: key = "account \(item - authorBase)"
            case ..<soundBase: key = "hashtag \(item - hashtagBase)"
            default: key = "sound \(item - soundBase)"
            }
            expectedItems[key] = Int(df)
        }
        var items: [String: Int] = [:]
        for row in try #require(json["items"] as? [[Any]]) {
            items["\(row[0]) \(row[1])"] = row[2] as? Int
        }
        #expect(!items.isEmpty)
        #expect(items == expectedItems)
        // Rows of the matrix lose the items every account engaged with (TF-IDF 0); the sample has none.
        #expect(!matrix.documentFrequency.contains(Int32(matrix.rowsWithEntries)))
        var expectedAccounts: [Int: Int] = [:]
        for account in 0..<matrix.accountCount where matrix.offsets[account + 1] > matrix.offsets[account] {
            expectedAccounts[account] = matrix.offsets[account + 1] - matrix.offsets[account]
        }
        var accounts: [Int: Int] = [:]
        for row in try #require(json["accounts"] as? [[Int]]) { accounts[row[0]] = row[1] }
        #expect(accounts == expectedAccounts)
        let result = GraphBuilder.coEngagement(store)
        #expect(accounts.count == result.accounts)
        #expect(items.count == result.items)
    }

    /// With `WHICHTOK_UPDATE_README=1`, rewrites the README's dictionary between its two markers.
    @Test("the README holds the data dictionary of the Parquet tables as generated")
    func readmeDictionary() throws {
        let path = PackageFolder.path("README.md")
        var readme = try String(contentsOfFile: path, encoding: .utf8)
        let markdown = DataDictionary.parquet.markdown
        if ProcessInfo.processInfo.environment["WHICHTOK_UPDATE_README"] == "1" {
            let start = try #require(readme.range(of: "<!-- parquet data dictionary: generated"))
            let lineEnd = try #require(readme[start.upperBound...].range(of: "-->\n"))
            let end = try #require(readme.range(of: "<!-- end of parquet data dictionary -->"))
            readme.replaceSubrange(lineEnd.upperBound..<end.lowerBound, with: "\n" + markdown + "\n")
            try readme.write(toFile: path, atomically: true, encoding: .utf8)
        }
        #expect(readme.contains(markdown))
    }
}

/// Blocks of the README.
enum Readme {
    /// The fenced code block that follows `marker`.
    static func block(after marker: String) throws -> String? {
        let readme = try String(contentsOfFile: PackageFolder.path("README.md"), encoding: .utf8)
        guard let start = readme.range(of: marker) else { return nil }
        let rest = readme[start.upperBound...]
        guard let open = rest.range(of: "```sql\n"), let close = rest[open.upperBound...].range(of: "```") else {
            return nil
        }
        return String(rest[open.upperBound..<close.lowerBound])
    }
}

/// UTC times as `YYYY-MM-DDTHH:MM:SS`.
enum CivilTimeText {
    static func iso(_ seconds: UInt32) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
