import Foundation
import Testing
import WhichtokStore
import WhichtokSynth
import WhichtokTestSupport

@testable import WhichtokImport

@Suite("HAR: synthetic captures")
struct HARSynthTests {
    static let options = SynthOptions(donors: 10, events: 5000, communities: 2, seed: 5, captures: 3, captureVideos: 24)

    /// Where `generated` writes; kept for the whole run.
    static let folder = try? TemporaryFolder("har-synth")

    /// Generates once into a temporary folder; returns the folder and the report.
    static let generated: (directory: String, report: SynthReport)? = {
        guard let directory = folder?.file("synth"), let report = try? Synth.generate(options, to: directory) else {
            return nil
        }
        return (directory, report)
    }()

    func importAll(_ paths: [String]) -> ImportRun {
        Importer(parallelism: 2).run(paths: paths)
    }

    @Test("synth writes Chrome and Firefox captures as .har, .zip and .har.gz, and they import cleanly")
    func captures() throws {
        let (directory, report) = try #require(Self.generated)
        #expect(
            report.captures == [
                "web-capture-000-chrome.har", "web-capture-001-firefox.zip", "web-capture-002-chrome.har.gz",
            ])
        let run = importAll(report.captures.map { directory + "/" + $0 })
        #expect(run.summaries.count == 3)
        #expect(run.summaries.map(\.layout) == ["har-chrome", "har-firefox", "har-chrome"])
        for summary in run.summaries {
            #expect(summary.status == .imported)
            #expect(!summary.diagnostics.contains { $0.severity == .error })
            #expect(summary.videos > 0 && summary.comments > 0)
            #expect(summary.skippedEntries["bot answer (empty 200)"] == 1)
            #expect(summary.skippedEntries["other host"] == 2)
            #expect(summary.skippedEntries["body missing"] == 1)
            #expect(summary.webEntriesRead["pages"] == 1)
        }
        #expect(run.summaries[1].skippedEntries["body truncated"] == 1)
        // Chrome's base64 bodies are read (every third item list is base64 there).
        #expect((run.summaries[0].webEntriesRead["item lists"] ?? 0) >= 2)
    }

    @Test(
        "a HAR read on two or three threads gives the batch counts, warnings and store of one thread",
        arguments: [2, 3])
    func splitReading(threads: Int) throws {
        let (directory, report) = try #require(Self.generated)
        let path = directory + "/" + report.captures[0]
        func read(threads: Int) throws -> ImportBatch {
            var batch = ImportBatch(inputName: "capture.har", sha256: [])
            var reader = WebCaptureReader(
                parser: JSONParser(), bodyParser: JSONParser(), bodyThreads: threads,
                splitMinimum: (entries: 4, bytes: 1))
            _ = try InputReader().forEachEntry(of: InputSource(displayName: "capture.har", location: .file(path))) {
                name, bytes in
                reader.read(entryPath: name, bytes: bytes, into: &batch)
            }
            _ = reader.finish(into: &batch)
            return batch
        }
        let one = try read(threads: 1)
        let split = try read(threads: threads)
        #expect(one.parts.isEmpty)
        #expect(split.parts.count == threads - 1)
        #expect(split.parts.allSatisfy { $0.eventCount > 0 }, "every run yields events")
        #expect(split.totalEventCount == one.eventCount)
        #expect(split.skippedEntries == one.skippedEntries)
        #expect(split.webEntriesRead == one.webEntriesRead)
        #expect(split.diagnostics.map(\.description) == one.diagnostics.map(\.description))
        let a = Importer.summary(of: one, status: .imported, containerOnly: false)
        let b = Importer.summary(of: split, status: .imported, containerOnly: false)
        #expect(b.events == a.events)
        #expect(b.eventsByKind == a.eventsByKind)
        #expect((b.videos, b.accounts, b.comments) == (a.videos, a.accounts, a.comments))
        #expect(Fixture.build([split]) == Fixture.build([one]))
        var atOnce = StoreBuilder()
        atOnce.add(contentsOf: [split])
        #expect(atOnce.build() == Fixture.build([one]))
        // The record of a batch read in runs keeps its parts.
        let record = StoreAssembly.record(of: split)
        guard case .batch(let decoded) = try DecodedRecord(record: record[...], path: "x", sha256: []) else {
            Issue.record("a batch's record decodes to a store")
            return
        }
        #expect(decoded.parts.count == threads - 1)
        #expect(StoreAssembly.record(of: decoded) == record)
        #expect(Fixture.build([decoded]) == Fixture.build([one]))
    }

    @Test("captures meet the archives: watched videos get authors, donors' comments and follows are one each")
    func consistentWithArchives() throws {
        let (directory, report) = try #require(Self.generated)
        let archives = report.archives.map { directory + "/" + $0.path }
        func store(_ paths: [String]) -> Store { Fixture.build(importAll(paths).batches) }
        let archiveOnly = store(archives)
        let both = store(archives + report.captures.map { directory + "/" + $0 })
        // No account is duplicated: every web account is a donor or a creator of the world.
        let world = SynthPlan(Self.options).world
        #expect(both.accounts.count == world.creators.count + world.donors.count)
        // The donors' comments in the captures are the archives' comments (same author, time, text).
        let webComments = both.comments.count - archiveOnly.comments.count
        let donorAuthored = (0..<both.comments.count).filter { row in
            let author = both.comments.author[row]
            return author != .none && both.accounts.flags(author).contains(.donor)
        }
        #expect(donorAuthored.count == archiveOnly.comments.count)
        #expect(webComments > 0)
        // Follows from the creators' follower lists are the archives' follows.
        #expect(both.events(.followed).count == archiveOnly.events(.followed).count)
        // Videos the donors watched that the captures showed (they have counter snapshots) have
        // authors, hashtags and a sound.
        let watched = Set(both.events(.watched).map { Int(both.events.object[$0]) })
        let seenOnWeb = watched.filter { !both.videoStats.rows(of: RowID($0)).isEmpty }
        #expect(seenOnWeb.count >= 20)
        for video in seenOnWeb {
            #expect(both.videos.author[video] != .none)
            #expect(!both.videos.hashtags(of: RowID(video)).isEmpty)
            #expect(both.videos.sound[video] != .none)
        }
        #expect(both.videoStats.count > 0)
        #expect(both.consistencyProblem() == nil)
    }
}
