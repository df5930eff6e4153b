import Foundation
import Testing
import WhichtokStore
import WhichtokTestSupport

/// `--pseudonymise`, `--participants` and `--pseudonymise-content` through the real commands and
/// every file they write, on the store of the committed sample archives.
@Suite("Privacy: pseudonyms and participant codes in every output", .serialized)
struct PrivacyCLITests {
    /// The sample archives imported into a store, once, with two study keys.
    static let folder = try? TemporaryFolder("privacy-cli")
    static let study: (store: String, key: String, otherKey: String)? = {
        guard let folder,
            let imported = try? Whichtok.run([
                "import", "--quiet", "--store", folder.file("s.store"), PackageFolder.sampleArchives + "/archives",
            ]),
            imported.status == 0,
            let key = try? folder.write(
                "study.key", [UInt8]((0..<32).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })),
            let otherKey = try? folder.write(
                "other.key", [UInt8]((0..<40).map { UInt8(truncatingIfNeeded: $0 &* 53 &+ 7) }))
        else { return nil }
        return (folder.file("s.store"), key, otherKey)
    }()

    /// Every output command, with the files it writes besides stdout (relative to a fresh folder).
    /// Add a row for each new command that writes results (e.g. `report`, `plot --svg`).
    static let commands: [(name: String, arguments: [String], files: [String])] = [
        ("analyze", ["analyze"], []),
        ("analyze --json", ["analyze", "--json"], []),
        ("analyze --json account-author", ["analyze", "--json", "--graph", "account-author"], []),
        ("exposure", ["exposure"], []),
        ("exposure --json --csv", ["exposure", "--json", "--csv", "x"], ["x/donors.csv", "x/donor_periods.csv"]),
        ("export --gexf", ["export", "--gexf", "--layout-iterations", "20", "-o", "g.gexf"], ["g.gexf"]),
        ("export --graphml", ["export", "--graphml", "--no-layout", "-o", "g.graphml"], ["g.graphml"]),
        ("export --csv", ["export", "--csv", "--no-layout", "-o", "c"], ["c/nodes.csv", "c/edges.csv"]),
        (
            "export --csv interaction", ["export", "--csv", "--no-layout", "--graph", "interaction", "-o", "i"],
            ["i/nodes.csv", "i/edges.csv"]
        ),
        ("report", ["report", "--layout-iterations", "20", "-o", "r.html"], ["r.html"]),
    ]

    /// The names of people in the store: usernames, earlier usernames, nicknames, sec_uids, numeric
    /// ids of 6 digits or more, and the inputs' file stems (which carry names in real studies).
    static func personalNames(in path: String) throws -> (all: [String], donors: [String: String]) {
        let store = try Store.load(from: path)
        var names = Set<String>()
        var donors: [String: String] = [:]
        let a = store.accounts
        for row in 0..<a.count {
            for column in [a.username, a.nickname, a.secUID, a.donorKey] {
                if let text = store.strings[column[row]], !text.isEmpty { names.insert(text) }
            }
            for alias in a.usernameHistory(of: RowID(row)) {
                if let text = store.strings[alias.username] { names.insert(text) }
            }
            if a.numericID[row] >= 100_000 { names.insert(String(a.numericID[row])) }
            if a.flags(RowID(row)).contains(.donor) {
                donors[store.label(ofAccount: RowID(row))] = String(format: "P%02d", donors.count + 1)
            }
        }
        for row in 0..<store.inputs.count {
            guard let name = store.strings[store.inputs.name[row]] else { continue }
            var stem = String(name.split(separator: "/").last(where: { !$0.isEmpty && !$0.hasPrefix("!") }) ?? "")
            for suffix in [".zip", ".tar.gz", ".har"] where stem.hasSuffix(suffix) { stem.removeLast(suffix.count) }
            if let bang = stem.firstIndex(of: "!") { stem = String(stem[..<bang]) }
            if !stem.isEmpty { names.insert(stem) }
        }
        return (names.sorted(), donors)
    }

    /// Runs one command in a fresh folder and returns stdout plus every file it wrote.
    static func output(
        of command: (name: String, arguments: [String], files: [String]), extra: [String], store: String
    ) throws -> (text: String, status: Int32, stderr: String) {
        let scratch = try TemporaryFolder("privacy-run")
        let run = try Whichtok.run(command.arguments + ["--store", store] + extra, in: scratch.path)
        var text = run.stdout
        for file in command.files {
            let bytes = try #require(scratch.bytes(file), "\(command.name) did not write \(file)")
            text += "\n" + String(decoding: bytes, as: UTF8.self)
        }
        return (text, run.status, run.stderr)
    }

    @Test("no username, nickname, alias, sec_uid, numeric id or input name is in any pseudonymised output")
    func noNameLeaks() throws {
        let study = try #require(Self.study, "the sample store could not be made")
        let (names, donors) = try Self.personalNames(in: study.store)
        #expect(names.count > 40 && donors.count == 16)
        for command in Self.commands {
            let plain = try Self.output(of: command, extra: [], store: study.store)
            #expect(plain.status == 0, "\(command.name): \(plain.stderr)")
            // The check can fail: without the option some names are there.
            #expect(names.contains { plain.text.contains($0) }, "\(command.name) shows no name even in the clear")
            let hidden = try Self.output(of: command, extra: ["--pseudonymise", study.key], store: study.store)
            #expect(hidden.status == 0, "\(command.name): \(hidden.stderr)")
            #expect(hidden.text.contains("u_"), "\(command.name) shows no pseudonym")
            let leaked = names.filter { hidden.text.contains($0) }
            #expect(leaked.isEmpty, "\(command.name) shows \(leaked.prefix(5))")
        }
    }

    static let pyarrow = ExternalTool.python(passing: "import pyarrow.parquet")

    /// Every cell of every table `export --parquet` wrote into `folder`, as text (the pages are
    /// compressed, so the bytes cannot be searched).
    static func parquetText(_ folder: String, python: String) throws -> String {
        let script = """
            import glob, os, sys, pyarrow.parquet as pq
            for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.parquet"))):
                for row in pq.read_table(path).to_pylist():
                    print(os.path.basename(path), *row.values())
            """
        let run = try ChildProcess.run(python, ["-c", script, folder], timeout: 120)
        #expect(run.status == 0, "\(run.stderr)")
        return run.stdout
    }

    @Test(
        "no name is in a pseudonymised Parquet export (tables read back by pyarrow)",
        .enabled(if: pyarrow != nil, "skipped: python3 with pyarrow is missing (make test-deps installs it)"))
    func noNameLeaksInParquet() throws {
        let study = try #require(Self.study, "the sample store could not be made")
        let python = try #require(Self.pyarrow)
        let (names, _) = try Self.personalNames(in: study.store)
        for (extra, expectNames) in [([String](), true), (["--pseudonymise", study.key], false)] {
            let scratch = try TemporaryFolder("privacy-parquet")
            let run = try Whichtok.run(
                ["export", "--parquet", "-o", "p", "--store", study.store] + extra, in: scratch.path)
            #expect(run.status == 0, "\(run.stderr)")
            let text = try Self.parquetText(scratch.file("p"), python: python)
            #expect(text.contains("events.parquet") && text.contains("accounts.parquet"))
            let found = names.filter { text.contains($0) }
            if expectNames {
                #expect(!found.isEmpty, "the clear export shows no name: the check could not fail")
            } else {
                #expect(found.isEmpty, "the pseudonymised Parquet export shows \(found.prefix(5))")
                #expect(text.contains("u_"))
            }
        }
    }

    @Test("the same key gives the same pseudonyms; another key gives unrelated ones")
    func stableUnderTheKey() throws {
        let study = try #require(Self.study, "the sample store could not be made")
        let command = Self.commands[2]
        let first = try Self.output(of: command, extra: ["--pseudonymise", study.key], store: study.store)
        let again = try Self.output(of: command, extra: ["--pseudonymise", study.key], store: study.store)
        let other = try Self.output(of: command, extra: ["--pseudonymise", study.otherKey], store: study.store)
        #expect(first.text == again.text)
        func pseudonyms(_ text: String) -> Set<String> {
            var found = Set<String>()
            var rest = Substring(text)
            while let range = rest.range(of: "u_") {
                let hex = rest[range.upperBound...].prefix { $0.isHexDigit }
                if hex.count >= 12 { found.insert("u_" + hex) }
                rest = rest[range.upperBound...]
            }
            return found
        }
        let a = pseudonyms(first.text)
        let b = pseudonyms(other.text)
        #expect(a.count > 20)
        #expect(a.allSatisfy { $0.count == 14 }, "12 hex digits unless two collide")
        #expect(b.count == a.count)
        #expect(a.isDisjoint(with: b))
        // Only the labels differ: the structure and the analysis are the same.
        let plain = try Self.output(of: command, extra: [], store: study.store)
        #expect(plain.text.count > 0)
        let stripLabels = { (text: String) in
            text.split(separator: "\"label\":").map { $0.drop { $0 != "," && $0 != "}" } }.joined()
        }
        #expect(stripLabels(first.text) == stripLabels(other.text))
    }

    @Test("a key file shorter than 32 bytes is refused (exit 64) without printing it")
    func shortKey() throws {
        let study = try #require(Self.study, "the sample store could not be made")
        let scratch = try TemporaryFolder("privacy-key")
        let key = try scratch.write("short.key", "secret-horse-battery")
        let run = try Whichtok.run(["analyze", "--store", study.store, "--pseudonymise", key])
        #expect(run.status == 64)
        #expect(run.stderr.contains("short.key") && run.stderr.contains("32"))
        #expect(!run.stderr.contains("secret-horse"))
        #expect(run.stdout.isEmpty)
        let missing = try Whichtok.run(["analyze", "--store", study.store, "--pseudonymise", scratch.file("none.key")])
        #expect(missing.status == 66)
        // The wrong file (here the store itself) is refused as too long, after reading only its start.
        let wrong = try Whichtok.run(["analyze", "--store", study.store, "--pseudonymise", study.store])
        #expect(wrong.status == 64)
        #expect(wrong.stderr.contains("holds more"), "\(wrong.stderr)")
    }

    @Test("participant codes replace donors' names, with and without pseudonyms for everyone else")
    func participantCodes() throws {
        let study = try #require(Self.study, "the sample store could not be made")
        let (names, donors) = try Self.personalNames(in: study.store)
        let scratch = try TemporaryFolder("privacy-codes")
        // One donor left out: a warning names them, and they keep a pseudonym (or their name).
        let listed = donors.sorted { $0.key < $1.key }
        let left = listed[0]
        let csv = "username,code\n" + listed.dropFirst().map { "@\($0.key),\($0.value)" }.joined(separator: "\n")
        let file = try scratch.write("codes.csv", csv)
        for extra in [["--participants", file], ["--participants", file, "--pseudonymise", study.key]] {
            let exposure = try Self.output(of: Self.commands[4], extra: extra, store: study.store)
            #expect(exposure.status == 0, "\(exposure.stderr)")
            #expect(exposure.stderr.contains("1 donor(s) have no code") && exposure.stderr.contains(left.key))
            for (name, code) in listed.dropFirst() {
                #expect(exposure.text.contains(code), "\(code)")
                #expect(!exposure.text.contains("\"label\":\"\(name)\""), "\(name)")
            }
            #expect(exposure.text.contains(left.key) == (extra.count == 2))
            let export = try Self.output(of: Self.commands[7], extra: extra, store: study.store)
            for (_, code) in listed.dropFirst() { #expect(export.text.contains(code), "\(code) in nodes.csv") }
            if extra.count == 4 {
                let leaked = names.filter { export.text.contains($0) || exposure.text.contains($0) }
                #expect(leaked.isEmpty, "\(leaked.prefix(5))")
            }
        }
        let bad = try scratch.write("bad.csv", "username,code\nalice,P1\nbob\n")
        let run = try Whichtok.run(["analyze", "--store", study.store, "--participants", bad])
        #expect(run.status == 65)
        #expect(run.stderr.contains("bad.csv:3:"))
    }

    @Test("--pseudonymise-content hides hashtags and sound titles too; without it they stay readable")
    func content() throws {
        let study = try #require(Self.study, "the sample store could not be made")
        let store = try Store.load(from: study.store)
        let hashtags = (0..<store.hashtags.count).compactMap { store.strings[store.hashtags.name[$0]] }
            .filter { $0.count >= 4 }
        let command = Self.commands[7]
        let kept = try Self.output(of: command, extra: ["--pseudonymise", study.key], store: study.store)
        let hidden = try Self.output(
            of: (command.name, command.arguments + ["--graph", "account-hashtag"], command.files),
            extra: ["--pseudonymise", study.key, "--pseudonymise-content"], store: study.store)
        let plainHashtagGraph = try Self.output(
            of: (command.name, command.arguments + ["--graph", "account-hashtag"], command.files),
            extra: ["--pseudonymise", study.key], store: study.store)
        #expect(hashtags.contains { plainHashtagGraph.text.contains("#" + $0) })
        #expect(!hashtags.contains { hidden.text.contains("#" + $0) }, "a hashtag is still readable")
        #expect(hidden.text.contains("#t_"))
        #expect(kept.status == 0 && hidden.status == 0)
        let misuse = try Whichtok.run(["analyze", "--store", study.store, "--pseudonymise-content"])
        #expect(misuse.status == 64)
    }

    @Test("an edge list's labels are pseudonymised like usernames")
    func edgeList() throws {
        let study = try #require(Self.study, "the sample store could not be made")
        let scratch = try TemporaryFolder("privacy-edges")
        let edges = try scratch.write("g.txt", "alice_w bob_w 2\nbob_w carol_w 1\ncarol_w alice_w 1\n")
        let run = try Whichtok.run(["analyze", "--json", "--edgelist", edges, "--pseudonymise", study.key])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("u_"))
        #expect(!["alice_w", "bob_w", "carol_w"].contains { run.stdout.contains($0) })
    }
}

@Suite("whichtok redact")
struct RedactCLITests {
    @Test("redacts a browser HAR; refuses to overwrite it; names the place of a JSON error")
    func redact() throws {
        let scratch = try TemporaryFolder("redact-cli")
        let input = PackageFolder.sampleArchives + "/archives/web-capture-000-chrome.har"
        let run = try Whichtok.run(["redact", input, "-o", scratch.file("out.har")])
        #expect(run.status == 0, "\(run.stderr)")
        let output = String(decoding: try scratch.read("out.har"), as: UTF8.self)
        #expect(output.contains("msToken=[redacted]") && !output.contains("msToken=0") && output.count > 100_000)
        let attributes = try FileManager.default.attributesOfItem(atPath: scratch.file("out.har"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let same = try Whichtok.run(["redact", scratch.file("out.har"), "-o", scratch.file("out.har")])
        #expect(same.status == 64)
        let missing = try Whichtok.run(["redact", scratch.file("none.har"), "-o", scratch.file("x.har")])
        #expect(missing.status == 66)
        let bad = try scratch.write("bad.har", "{\"log\": {\n\"entries\": [1, }}")
        let malformed = try Whichtok.run(["redact", bad, "-o", scratch.file("y.har")])
        #expect(malformed.status == 65)
        #expect(malformed.stderr.contains("bad.har: line 2"))
        #expect(!FileManager.default.fileExists(atPath: scratch.file("y.har")))
    }
}
