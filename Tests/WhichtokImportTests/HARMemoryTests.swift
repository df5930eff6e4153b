import Foundation
import Testing
import WhichtokStore
import WhichtokSupport
import WhichtokTestSupport

@testable import WhichtokImport

/// A HAR's parse counted in `--max-memory` (MemoryBudget): its walk, its list of bodies and each
/// run of bodies take their memory from the budget before they touch it.
@Suite("HAR: memory budget")
struct HARMemoryTests {
    static let limit = 16 << 20
    static let tooLarge = "entry needs more memory than --max-memory allows (16777216 bytes)"

    /// A HAR holding one item list (video `video`), with `junk` elements `0` in an array beside
    /// `log`: a member the walk skips, but whose structurals simdjson's stage 1 indexes all the same
    /// (4 bytes each, two per two bytes of the file).
    static func har(video: UInt64, junk: Int = 0) -> String {
        var har = HAR()
        har.add(api("post/item_list/", "secUid=\(Web.creatorSec)"), body: Web.itemList([Web.item(id: video)]))
        guard junk > 0 else { return har.text }
        var text = #"{"_junk": [0"#
        text.reserveCapacity(junk * 2 + har.text.utf8.count + 16)
        for _ in 1..<junk { text += ",0" }
        text += "], "
        text += har.text.drop { $0 != "{" }.dropFirst()
        return text
    }

    /// A HAR of item lists, one per element of `lists`, each holding videos `ids`.
    static func har(lists: [[UInt64]]) -> String {
        var har = HAR()
        for (index, ids) in lists.enumerated() {
            har.add(
                api("post/item_list/", "secUid=\(Web.creatorSec)&cursor=\(index)"),
                body: Web.itemList(ids.map { Web.item(id: $0) }))
        }
        return har.text
    }

    /// Reads `source` through the importer as one input, on `bodyThreads` threads, within a budget
    /// of `limit` bytes (a single reader: a shortage is final).
    static func read(
        _ source: InputSource, limit: Int, bodyThreads: Int = 1, budget shared: MemoryBudget? = nil
    ) -> (outcome: Importer.Outcome, budget: MemoryBudget) {
        let budget = shared ?? MemoryBudget(limit: limit)
        let importer = Importer(limits: ImportLimits(maxCompressionRatio: 1_000_000, maxMemoryBytes: limit))
        let outcomes = importer.read(
            source, parser: JSONParser(), bodyParser: JSONParser(), bodyThreads: bodyThreads, memory: budget)
        #expect(outcomes.count == 1)
        return (outcomes[0], budget)
    }

    static func errors(_ summary: InputSummary) -> [String] {
        summary.diagnostics.filter { $0.severity == .error }.map(\.message)
    }

    @Test("the structurals counted before the walk are those simdjson's stage 1 finds, for any bytes")
    func structuralCount() throws {
        // Compared where stage 1 succeeds (it fails after writing its index otherwise).
        var compared = 0
        func check(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
            guard let truth = HARScanner.stage1Count(PaddedBytes(bytes)) else { return }
            compared += 1
            let counted = bytes.withUnsafeBytes { HARScanner.structuralIndex($0).structurals }
            #expect(counted == truth, sourceLocation: sourceLocation)
            // Each of the counter's ways: a byte at a time, SSE2, AVX2 (where the CPU has it).
            for widest: Int32 in [-1, 0, 1] {
                let count = bytes.withUnsafeBytes { HARScanner.structuralCount($0, widest: widest) }
                #expect(count == truth, "widest \(widest)", sourceLocation: sourceLocation)
            }
        }
        // Strings, escapes (odd and even runs of backslashes), scalars, blanks, multi-byte UTF-8 and
        // the two control characters stage 1 takes for operators (form feed, 0x1A), across 64-byte
        // blocks and partial last blocks.
        let pieces = (Array(#"{}[]:,"\a0 "#.utf8) + [0x0A, 0x0C, 0x1A]).map { [$0] } + [[0xC3, 0xA9]]
        var random = SplitMix64(seed: 7)
        for round in 0..<4_000 {
            let count = round % 300
            check((0..<count).flatMap { _ in pieces[Int(random.next() % UInt64(pieces.count))] })
        }
        #expect(compared > 200)
        // Runs of backslashes of every length before a quote, at every offset of a block.
        for run in 0..<70 {
            for offset in [0, 1, 31, 62, 63] {
                check(
                    Array(repeating: 0x61, count: offset) + [0x22] + Array(repeating: 0x5C, count: run)
                        + Array(#""x" 1 ["#.utf8))
            }
        }
        check(Array(Self.har(video: Web.videoID, junk: 1000).utf8))
        let sample = PackageFolder.sampleArchives + "/archives/web-capture-000-chrome.har"
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: sample)))
        check(bytes)
        // A real capture's bodies are strings: it has far fewer structurals than bytes.
        let structurals = bytes.withUnsafeBytes { HARScanner.structuralIndex($0).structurals }
        #expect(structurals * 20 < bytes.count)
    }

    @Test("a HAR whose walk cannot fit is refused, plain or zipped, naming the file; the other inputs are imported")
    func walkThatCannotFit() throws {
        let scratch = try TemporaryFolder()
        // 6M structurals: 24 MB of structural index for a 6 MB file.
        let bomb = Self.har(video: Web.videoID, junk: 3_000_000)
        let plain = try scratch.write("brackets.har", bomb)
        let zipped = try scratch.write(
            "brackets.zip", try ArchiveWriter.data([("capture/brackets.har", Array(bomb.utf8))], format: .zip))
        let good = try scratch.write("good.har", Self.har(video: Web.video2ID))
        let importer = Importer(
            limits: ImportLimits(maxCompressionRatio: 1_000_000, maxMemoryBytes: Self.limit), parallelism: 2)
        let run = importer.run(paths: [plain, zipped, good])
        #expect(run.summaries.map(\.status) == [.rejected, .rejected, .imported])
        #expect(Self.errors(run.summaries[0]) == [Self.tooLarge])
        #expect(run.summaries[0].diagnostics.first?.entry == "brackets.har")
        #expect(Self.errors(run.summaries[1]) == [Self.tooLarge])
        #expect(run.summaries[1].diagnostics.first?.entry == "capture/brackets.har")
        #expect(run.summaries[2].events > 0)
        #expect(Fixture.build(run.batches).video(id: Web.video2ID) != nil)

        // The walk's first lease is the structural index of the structurals counted before it.
        let bound = Array(bomb.utf8).withUnsafeBytes { HARScanner.structuralIndex($0) }
        #expect(bound.structurals >= 6_000_000)
        #expect(bound.structurals < 6_000_000 + Self.har(video: Web.videoID).utf8.count)
        #expect(bound.indexBytes >= 4 * bound.structurals)
        // With room for it, the same file is read.
        let roomy = Self.read(InputSource(displayName: "brackets.har", location: .file(plain)), limit: 64 << 20)
        #expect(roomy.outcome.summary.status == .imported)
        #expect(roomy.budget.peak >= bound.indexBytes)
        #expect(roomy.budget.peak <= 64 << 20)
        #expect(roomy.budget.inUse == 0)
    }

    @Test("a body too large for the budget is skipped with a warning; the small ones are imported")
    func bodyThatCannotFit() throws {
        // About 2 MB of item list: 12 bytes per byte of parse beside it pass 16 MiB.
        let huge = (0..<1_200).map { Web.videoID + 10_000 + UInt64($0) }
        let small: [[UInt64]] = [[Web.video2ID], [Web.video2ID + 1], [Web.video2ID + 2]]
        let text = Self.har(lists: [small[0], small[1], huge, small[2]])
        for threads in [1, 2] {
            let (outcome, budget) = Self.read(
                InputSource(displayName: "capture.har", location: .memory(Array(text.utf8))), limit: Self.limit,
                bodyThreads: threads)
            let summary = outcome.summary
            #expect(summary.status == .imported)
            #expect(summary.skippedEntries["body too large for --max-memory"] == 1)
            let warning = summary.diagnostics.first { $0.message.contains("--max-memory") }
            #expect(warning?.severity == .warning)
            #expect(warning?.entry == "capture.har")
            #expect(warning?.position == "log.entries[2]")
            #expect(
                warning?.message == "1 entry skipped: response body needs more memory than --max-memory allows")
            let store = Fixture.build([try #require(outcome.batch)])
            for ids in small { #expect(store.video(id: ids[0]) != nil) }
            #expect(huge.allSatisfy { store.video(id: $0) == nil })
            #expect(budget.peak <= Self.limit)
            #expect(budget.inUse == 0)
        }
    }

    @Test("a HAR saved as .json is counted as a HAR (its walk and bodies), not as one DOM parse of all of it")
    func harSavedAsJSON() throws {
        // About 2.4 MB: a DOM parse of all of it (12 bytes per byte) would pass 16 MiB.
        let lists = (0..<60).map { list in (0..<20).map { Web.videoID + UInt64(list * 20 + $0) } }
        let bytes = Array(Self.har(lists: lists).utf8)
        #expect(bytes.count * (1 + JSONParser.workspaceBytesPerByte) > Self.limit)
        let (outcome, budget) = Self.read(
            InputSource(displayName: "capture.json", location: .memory(bytes)), limit: Self.limit)
        #expect(outcome.summary.status == .imported)
        #expect(outcome.summary.layout == "har-chrome")
        #expect(outcome.summary.videos == 1_200)
        #expect(budget.peak <= Self.limit)
        #expect(budget.inUse == 0)
    }

    @Test("a HAR with many bodies read on two threads holds two bodies' parses, within the budget")
    func runsShareTheBudget() throws {
        // 300 item lists of 20 videos (about 40 KB each, 12 MB in all): read in two runs.
        let lists = (0..<300).map { list in (0..<20).map { Web.videoID + UInt64(list * 20 + $0) } }
        let bytes = Array(Self.har(lists: lists).utf8)
        let source = InputSource(displayName: "many.har", location: .memory(bytes))
        let largest = lists.indices.map { Web.itemList(lists[$0].map { Web.item(id: $0) }).description.utf8.count }
            .max()
        let body = try #require(largest)
        let walk = bytes.withUnsafeBytes { HARScanner.structuralIndex($0) }.indexBytes
        // One body's parse: its text and 12 bytes per byte of it.
        let parse = body * (1 + JSONParser.workspaceBytesPerByte)

        let (two, roomy) = Self.read(source, limit: 64 << 20, bodyThreads: 2)
        let batch = try #require(two.batch)
        #expect(batch.parts.count == 1, "read in two runs")
        #expect(roomy.peak >= bytes.count + walk + 2 * parse)
        #expect(roomy.peak <= 64 << 20)
        #expect(roomy.inUse == 0)

        // Where two runs' bodies do not fit beside the HAR and its walk but one does: one run,
        // the same events.
        let tight = roomy.peak - parse / 2
        let (one, budget) = Self.read(source, limit: tight, bodyThreads: 2)
        let alone = try #require(one.batch)
        #expect(alone.parts.count == 0, "read in one run")
        #expect(alone.totalEventCount == batch.totalEventCount)
        #expect(one.summary.skippedEntries == two.summary.skippedEntries)
        #expect(budget.peak <= tight)
        #expect(budget.peak >= bytes.count + walk + parse)
        #expect(budget.inUse == 0)

        // A reading that may not wait (one read alone), beside bytes another holder keeps (an
        // archive found inside another input): one run where two are not free.
        let shared = MemoryBudget(limit: 64 << 20)
        let other = MemoryLease(budget: shared, mayWait: false)
        try other.take((64 << 20) - tight)
        let (beside, _) = Self.read(source, limit: 64 << 20, bodyThreads: 2, budget: shared)
        #expect(beside.summary.status == .imported)
        #expect(beside.batch?.parts.count == 0, "read in one run")
        #expect(beside.batch?.totalEventCount == batch.totalEventCount)
        other.end()
        #expect(shared.inUse == 0)
    }

    @Test("the sample captures import unchanged under the default budget and under 64M, their parse counted")
    func sampleCaptures() throws {
        let folder = PackageFolder.sampleArchives + "/archives/"
        let paths = ["web-capture-000-chrome.har", "web-capture-001-firefox.zip"].map { folder + $0 }
        func describe(_ run: ImportRun) -> [String] {
            run.summaries.map {
                "\($0.status) \($0.events) \($0.eventsByKind.sorted { $0.key.rawValue < $1.key.rawValue }) "
                    + "\($0.skippedEntries.sorted { $0.key < $1.key }) \($0.webEntriesRead.sorted { $0.key < $1.key }) "
                    + "\($0.diagnostics.map(\.description))"
            }
        }
        let unlimited = Importer(parallelism: 2).run(paths: paths)
        let modest = Importer(limits: ImportLimits(maxMemoryBytes: 64 << 20), parallelism: 2).run(paths: paths)
        #expect(unlimited.summaries.map(\.status) == [.imported, .imported])
        #expect(describe(modest) == describe(unlimited))
        let scratch = try TemporaryFolder()
        let a = scratch.file("a.store")
        let b = scratch.file("b.store")
        try Fixture.build(unlimited.batches).save(to: a)
        try Fixture.build(modest.batches).save(to: b)
        #expect(FileManager.default.contentsEqual(atPath: a, andPath: b))

        // What reading the Chrome capture held beside its bytes: its walk, and the parse of its
        // largest body (an item list) beside that body; read the same as with nothing counted.
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: paths[0])))
        let walk = bytes.withUnsafeBytes { HARScanner.structuralIndex($0) }.indexBytes
        let har = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let entries = try #require((har["log"] as? [String: Any])?["entries"] as? [[String: Any]])
        let largest = entries.compactMap { entry -> Int? in
            let content = (entry["response"] as? [String: Any])?["content"] as? [String: Any]
            let url = (entry["request"] as? [String: Any])?["url"] as? String
            guard url?.contains("/item_list/") == true, content?["encoding"] == nil else { return nil }
            return (content?["text"] as? String)?.utf8.count
        }.max()
        let body = try #require(largest)
        func read(memory: MemoryLease?) throws -> ImportBatch {
            var batch = ImportBatch(inputName: "web-capture-000-chrome.har", sha256: [])
            var reader = WebCaptureReader(parser: JSONParser(), bodyParser: JSONParser())
            try reader.read(
                entryPath: "web-capture-000-chrome.har", bytes: PaddedBytes(bytes), kind: .har, memory: memory,
                into: &batch)
            _ = reader.finish(into: &batch)
            return batch
        }
        let budget = MemoryBudget(limit: 64 << 20)
        let lease = MemoryLease(budget: budget, mayWait: false)
        let counted = try read(memory: lease)
        lease.end()
        let uncounted = try read(memory: nil)
        #expect(budget.peak >= walk + body * (1 + JSONParser.workspaceBytesPerByte))
        #expect(budget.peak <= 64 << 20)
        #expect(budget.inUse == 0)
        #expect(counted.totalEventCount == uncounted.totalEventCount)
        #expect(counted.skippedEntries == uncounted.skippedEntries)
        #expect("\(counted.diagnostics)" == "\(uncounted.diagnostics)")
    }
}
