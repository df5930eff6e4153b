import Foundation
import Testing
import WhichtokStore
import WhichtokSupport
import WhichtokSynth
import WhichtokTestSupport

@testable import WhichtokImport

/// A small G2 JSON export: the profile names `owner`, who follows `follows`.
private func jsonExport(owner: String, follows: [String]) -> [UInt8] {
    let following = follows.map { #"{"Date": "2021-01-03 03:04:05", "UserName": "\#($0)"}"# }
    return utf8(
        #"{"Activity": {"Following List": {"Following": [\#(following.joined(separator: ", "))]}},"#
            + #" "Profile": {"Profile Information": {"ProfileMap": {"userName": "\#(owner)"}}}}"#)
}

/// A small TXT export (2024 layout): a profile and a following list.
private func txtExport(owner: String, follows: [String]) -> [(String, [UInt8])] {
    [
        ("Tiktok/Profile/Profile Info.txt", utf8("Username: \(owner)\n")),
        (
            "Tiktok/Activity/Following.txt",
            utf8(follows.map { "Date: 2024-01-02 03:04:05 UTC\nUsername: \($0)\n" }.joined(separator: "\n"))
        ),
    ]
}

/// Imports `paths` into a store, as `whichtok import` does.
private func importStore(_ paths: [String], into store: Store = Store()) -> (run: ImportRun, store: Store) {
    let run = Importer(parallelism: 2).run(paths: paths)
    var builder = StoreBuilder(store: store)
    builder.add(contentsOf: run.batches)
    return (run, builder.build())
}

/// The accounts that `username`'s account follows in `store`.
private func followed(by username: String, in store: Store) -> Set<String> {
    guard let actor = store.account(named: username) else { return [] }
    var names: Set<String> = []
    for event in 0..<store.events.count
    where store.events.kind[event] == EventKind.followed.rawValue && Int(store.events.actor[event]) == actor {
        names.insert(store.label(ofAccount: store.events.object[event]))
    }
    return names
}

@Suite("Import: every export root in a container is its own input")
struct ExportRootTests {
    @Test("two JSON donors in one zip are two inputs with two owners; Bob's follows are Bob's")
    func twoJSONDonorsInOneZip() throws {
        let scratch = try TemporaryFolder()
        let zip = try ArchiveWriter.data(
            [
                ("alice/user_data_tiktok.json", jsonExport(owner: "alice", follows: ["carol"])),
                ("bob/user_data_tiktok.json", jsonExport(owner: "bob", follows: ["dave", "erin"])),
            ], format: .zip)
        let path = try scratch.write("donations.zip", zip)
        let (run, store) = importStore([path])

        #expect(run.summaries.map(\.displayName) == [path + "!alice/", path + "!bob/"])
        #expect(run.summaries.allSatisfy { $0.status == .imported && $0.layout.hasPrefix("json-") })
        #expect(run.summaries.map { $0.eventsByKind[.followed] } == [1, 2])
        #expect(run.batches.map { $0.accounts.first { $0.flags.contains(.donor) }?.username } == ["alice", "bob"])
        #expect(followed(by: "alice", in: store) == ["carol"])
        #expect(followed(by: "bob", in: store) == ["dave", "erin"])
        // Provenance: two inputs, each identified by the zip's SHA-256 and the root's path.
        let containerSHA = SHA256.hash(zip)
        #expect(store.inputs.count == 2)
        let identities = (0..<store.inputs.count).map { store.inputs.sha256(of: RowID($0)) }
        #expect(
            Set(identities) == [SHA256.hash(containerSHA + utf8("alice")), SHA256.hash(containerSHA + utf8("bob"))])
        let names = (0..<store.inputs.count).compactMap { store.strings[store.inputs.name[$0]] }
        #expect(Set(names) == [path + "!alice/", path + "!bob/"])
    }

    @Test("a JSON donor and a TXT donor side by side give the store of the two exports imported apart")
    func jsonAndTXTDonorsSideBySide() throws {
        // Synthetic exports with profiles: the first JSON and the first TXT donor of a small world.
        let plan = SynthPlan(SynthOptions(donors: 12, events: 3000, communities: 2, seed: 11))
        let donors = plan.world.donors.indices.filter { plan.world.donors[$0].layout.hasProfile }
        let jsonDonor = try #require(donors.first { plan.world.donors[$0].layout.isJSON })
        let txtDonor = try #require(donors.first { !plan.world.donors[$0].layout.isJSON })
        let jsonEntries = plan.entries(forDonor: jsonDonor)
        let txtEntries = plan.entries(forDonor: txtDonor)

        let scratch = try TemporaryFolder()
        let alone = [
            try scratch.write("apart/json.zip", try ArchiveWriter.data(jsonEntries, format: .zip)),
            try scratch.write("apart/txt.zip", try ArchiveWriter.data(txtEntries, format: .zip)),
        ]
        let together = try scratch.write(
            "together.zip",
            try ArchiveWriter.data(
                jsonEntries.map { ("jo/" + $0.path, $0.bytes) } + txtEntries.map { ("tex/" + $0.path, $0.bytes) },
                format: .zip))

        let apart = importStore(alone)
        let (run, store) = importStore([together])
        #expect(run.summaries.map(\.displayName) == [together + "!jo/", together + "!tex/"])
        #expect(run.summaries.allSatisfy { $0.status == .imported })
        #expect(run.summaries[0].layout.hasPrefix("json-") && run.summaries[1].layout.hasPrefix("txt-"))
        #expect(run.summaries.map(\.events) == apart.run.summaries.map(\.events))
        // The same accounts, videos and events as when each export is its own zip; only the inputs differ.
        #expect(store.accounts == apart.store.accounts)
        #expect(store.videos == apart.store.videos)
        #expect(store.eventCounts() == apart.store.eventCounts())
        #expect(store.events.actor == apart.store.events.actor)
        let owners = run.batches.compactMap { $0.accounts.first { $0.flags.contains(.donor) }?.username }
        #expect(
            owners == [
                plan.world.donors[jsonDonor].username.lowercased(), plan.world.donors[txtDonor].username.lowercased(),
            ])

        // Importing the container again adds nothing, whatever the order and threads.
        let again = importStore([together], into: store)
        #expect(again.store == store)
        #expect(Fixture.build(run.batches.reversed()) == store)
    }

    @Test("a folder holding two TXT donors gives two inputs named by their folders")
    func twoTXTDonorsInOneFolder() throws {
        let scratch = try TemporaryFolder()
        for (folder, owner, follows) in [("alice", "alice", ["carol"]), ("bob", "bob", ["dave", "erin"])] {
            for (path, bytes) in txtExport(owner: owner, follows: follows) {
                try scratch.write("study/\(folder)/\(path)", bytes)
            }
        }
        let top = scratch.file("study")
        let (run, store) = importStore([top])
        #expect(run.summaries.map(\.displayName) == [top + "/alice", top + "/bob"])
        #expect(followed(by: "alice", in: store) == ["carol"])
        #expect(followed(by: "bob", in: store) == ["dave", "erin"])
    }

    @Test("one export in a zip is one input named and hashed as the zip, whatever lies beside it")
    func oneExportStaysOneInput() throws {
        let zip = try ArchiveWriter.data(
            [
                ("notes/tool-manifest.json", utf8(#"{"tool": "donation portal", "version": 3}"#)),
                ("TikTok_Data_1/user_data_tiktok.json", jsonExport(owner: "alice", follows: ["carol"])),
                ("TikTok_Data_1/readme.txt", utf8("about this export")),
                ("broken/other.json", utf8("{ not json")),
            ], format: .zip)
        let outcomes = Importer(parallelism: 1).read(
            InputSource(displayName: "one.zip", location: .memory(zip)), parser: JSONParser(), bodyParser: JSONParser())
        #expect(outcomes.count == 1)
        let outcome = try #require(outcomes.first)
        let batch = try #require(outcome.batch)
        #expect(outcome.summary.displayName == "one.zip")
        #expect(batch.sha256 == SHA256.hash(zip))
        #expect(
            batch.bytesRead == (try readAll(InputSource(displayName: "one.zip", location: .memory(zip)))).1.bytesRead)
        #expect(batch.count(.followed) == 1)
        #expect(outcome.summary.unknownSections == ["TikTok_Data_1/readme.txt"])
        // The stray files' warnings stay with the input; they are not an export of their own.
        #expect(outcome.summary.diagnostics.contains { $0.entry == "broken/other.json" })
    }

    @Test("a broken export beside a good one rejects that export alone")
    func brokenExportIsRejectedAlone() throws {
        let zip = try ArchiveWriter.data(
            [
                ("alice/user_data_tiktok.json", jsonExport(owner: "alice", follows: ["carol"])),
                ("bob/user_data_tiktok.json", utf8(#"{"Profile": {"#)),
            ], format: .zip)
        let outcomes = Importer(parallelism: 1).read(
            InputSource(displayName: "two.zip", location: .memory(zip)), parser: JSONParser(), bodyParser: JSONParser())
        #expect(outcomes.map(\.summary.displayName) == ["two.zip!alice/", "two.zip!bob/"])
        #expect(outcomes.map(\.summary.status) == [.imported, .rejected])
        let error = try #require(outcomes.last?.summary.diagnostics.first { $0.severity == .error })
        #expect(error.entry == "bob/user_data_tiktok.json")
    }

    @Test("export roots: the TikTok_Data_ folder, else the folder without TXT section folders")
    func exportRoots() {
        let cases: [(String, String)] = [
            ("user_data_tiktok.json", ""),
            ("Activity/Like List.txt", ""),
            ("Tiktok/Activity/Like List.txt", ""),
            ("alice/user_data.json", "alice"),
            ("alice/Tiktok/Activity/Like List.txt", "alice"),
            ("donations/bob/Like List.txt", "donations/bob"),
            ("TikTok_Data_1/Tiktok/Unknown Folder/Like List.txt", "TikTok_Data_1"),
            ("x/tiktok_data_2/user_data.json", "x/tiktok_data_2"),
            ("carol\\Activity\\Following.txt", "carol"),
        ]
        for (path, root) in cases {
            #expect(TikTokArchiveReader.exportRoot(of: path) == root, "\(path)")
        }
    }
}
