import Foundation
import Testing
import WhichtokSupport
import WhichtokTestSupport

@testable import WhichtokImport

#if canImport(Glibc)
    import Glibc
#endif

// MARK: - Making bombs

/// Bits written the way deflate packs them: fields from their lowest bit, Huffman codes from their
/// highest.
private struct BitWriter {
    var bytes: [UInt8] = []
    private var pending: UInt32 = 0
    private var pendingCount = 0

    mutating func field(_ value: UInt32, _ width: Int) {
        for bit in 0..<width { push((value >> UInt32(bit)) & 1) }
    }

    mutating func code(_ value: UInt32, _ width: Int) {
        for bit in stride(from: width - 1, through: 0, by: -1) { push((value >> UInt32(bit)) & 1) }
    }

    /// `count` zero bits, whole bytes at a time where it can.
    mutating func zeros(_ count: Int) {
        var left = count
        while left > 0 && pendingCount != 0 {
            push(0)
            left -= 1
        }
        bytes.append(contentsOf: repeatElement(0, count: left / 8))
        for _ in 0..<(left % 8) { push(0) }
    }

    mutating func finish() -> [UInt8] {
        if pendingCount > 0 { bytes.append(UInt8(pending)) }
        pending = 0
        pendingCount = 0
        return bytes
    }

    private mutating func push(_ bit: UInt32) {
        pending |= bit << UInt32(pendingCount)
        pendingCount += 1
        if pendingCount == 8 {
            bytes.append(UInt8(pending))
            pending = 0
            pendingCount = 0
        }
    }
}

/// The bombs, made in memory in a few milliseconds whatever their inflated size.
enum Bomb {
    /// Zero bytes one deflate stream below can hold: 1 + 258 × n, the nearest at or below `atMost`.
    static func zeroCount(atMost: Int) -> Int { 1 + (atMost - 1) / 258 * 258 }

    /// A raw deflate stream of `zeroCount(atMost:)` zero bytes: one block with dynamic Huffman codes
    /// in which "length 258" and "distance 1" each take one bit, so that every 258 zeros cost two
    /// bits (about 1032:1, the most deflate can do).
    static func deflatedZeros(atMost: Int) -> [UInt8] {
        let repeats = (atMost - 1) / 258
        var writer = BitWriter()
        writer.field(1, 1)  // last block
        writer.field(2, 2)  // dynamic Huffman codes
        writer.field(29, 5)  // 286 literal/length codes
        writer.field(0, 5)  // 1 distance code
        writer.field(14, 4)  // 18 code length codes
        // Code length code lengths, in deflate's order: symbol 18 (a run of zeros) 1 bit; 1 and 2 two bits.
        for symbol in [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1] {
            writer.field(symbol == 18 ? 1 : symbol == 1 || symbol == 2 ? 2 : 0, 3)
        }
        // Their codes: 18 → 0, 1 → 10, 2 → 11.
        writer.code(0b11, 2)  // literal 0: length 2
        writer.code(0, 1)
        writer.field(127, 7)  // literals 1...138 unused
        writer.code(0, 1)
        writer.field(106, 7)  // literals 139...255 unused
        writer.code(0b11, 2)  // end of block: length 2
        writer.code(0, 1)
        writer.field(17, 7)  // lengths 257...284 unused
        writer.code(0b10, 2)  // length 258 (symbol 285): length 1
        writer.code(0b10, 2)  // distance 1: length 1
        // Literal/length codes: 285 → 0, literal 0 → 10, end of block → 11; distance 1 → 0.
        writer.code(0b10, 2)  // one zero byte, then
        writer.zeros(2 * repeats)  // "258 more from 1 back", again and again
        writer.code(0b11, 2)
        return writer.finish()
    }

    /// A zip whose entries are deflated zeros, each with the size `stated` in both its local and
    /// its central header, whatever it inflates to. The CRC is made up: readers stop long before
    /// they could check it.
    static func zip(_ entries: [(name: String, zeros: Int, stated: UInt32)]) -> [UInt8] {
        var body: [UInt8] = []
        var directory: [UInt8] = []
        func le(_ value: Int, _ width: Int, into out: inout [UInt8]) {
            for index in 0..<width { out.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
        }
        for entry in entries {
            let data = deflatedZeros(atMost: entry.zeros)
            let name = Array(entry.name.utf8)
            let offset = body.count
            for (value, width) in [
                (0x0403_4B50, 4), (20, 2), (0, 2), (8, 2), (0, 2), (0x21, 2), (0x1234_5678, 4), (data.count, 4),
                (Int(entry.stated), 4), (name.count, 2), (0, 2),
            ] { le(value, width, into: &body) }
            body += name + data
            for (value, width) in [
                (0x0201_4B50, 4), (20, 2), (20, 2), (0, 2), (8, 2), (0, 2), (0x21, 2), (0x1234_5678, 4),
                (data.count, 4), (Int(entry.stated), 4), (name.count, 2), (0, 2), (0, 2), (0, 2), (0, 2), (0, 4),
                (offset, 4),
            ] { le(value, width, into: &directory) }
            directory += name
        }
        var end: [UInt8] = []
        for (value, width) in [
            (0x0605_4B50, 4), (0, 2), (0, 2), (entries.count, 2), (entries.count, 2), (directory.count, 4),
            (body.count, 4), (0, 2),
        ] { le(value, width, into: &end) }
        return body + directory + end
    }

    /// A gzip file of zeros (made-up CRC, as above).
    static func gzip(zeros: Int) -> [UInt8] {
        let count = zeroCount(atMost: zeros)
        let size = UInt32(truncatingIfNeeded: count)
        return [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3] + deflatedZeros(atMost: zeros) + [0x78, 0x56, 0x34, 0x12]
            + (0..<4).map { UInt8(truncatingIfNeeded: size >> (8 * UInt32($0))) }
    }

    /// A small, real export, to show that the inputs beside a bomb are still imported.
    static let goodExport = Array(
        """
        {"Profile": {"Profile Info": {"ProfileMap": {"userName": "ivy"}}},
         "Your Activity": {"Watch History": {"VideoList": [
           {"Date": "2025-03-01 07:00:00", "Link": "https://www.tiktokv.com/share/video/7300000000000000001/"}]}}}
        """.utf8)
}

// MARK: - Tests

@Suite struct MemoryBombTests {
    @Test func deflatedZerosInflateToWhatTheySay() throws {
        // Checked with libarchive's own gzip reader, with the CRC of these zeros put right.
        let count = Bomb.zeroCount(atMost: 100_000)
        var gz = Bomb.gzip(zeros: 100_000)
        let crc = zeroCRC(count)
        for index in 0..<4 { gz[gz.count - 8 + index] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(index))) }
        let (entries, _) = try readAll(InputSource(displayName: "z.gz", location: .memory(gz)))
        #expect(entries.first?.1 == [UInt8](repeating: 0, count: count))
        #expect(gz.count < count / 500)
    }

    @Test func nestedArchiveCountsAgainstTheFileOnDisk() throws {
        // 16 MiB of zeros in a zip in a zip: the inner zip is 16 KB, the file on disk a few hundred
        // bytes. Against the inner zip, 1000:1 would let the whole entry through.
        let scratch = try TemporaryFolder()
        let inner = Bomb.zip([("user_data_tiktok.json", 16 << 20, UInt32(Bomb.zeroCount(atMost: 16 << 20)))])
        let outer = try scratch.write("outer.zip", try ArchiveWriter.data([("inner.zip", inner)], format: .zip))
        let good = try scratch.write("good.json", Bomb.goodExport)

        let run = Importer(parallelism: 1).run(paths: [outer, good])
        let bomb = try #require(run.summaries.first { $0.displayName.hasSuffix("!inner.zip") })
        #expect(bomb.status == .rejected)
        #expect(
            bomb.diagnostics.first?.message
                == "compression ratio beyond 1000:1 (measured against \(outer), the file on disk): not a real export (zip bomb?)"
        )
        #expect(bomb.diagnostics.first?.entry == "user_data_tiktok.json")
        #expect(run.summaries.first { $0.displayName == good }?.status == .imported)
        #expect(run.batches.count == 1)
    }

    @Test func ratioCountsEveryDepthOfATarGz() throws {
        // tar.gz ⊃ zip ⊃ zip ⊃ 16 MiB of zeros stated truthfully: each level alone is harmless.
        let scratch = try TemporaryFolder()
        let inner = Bomb.zip([("user_data_tiktok.json", 16 << 20, UInt32(Bomb.zeroCount(atMost: 16 << 20)))])
        let middle = try ArchiveWriter.data([("inner.zip", inner)], format: .zip)
        let path = try scratch.write("deep.tar.gz", try ArchiveWriter.data([("middle.zip", middle)], format: .tarGzip))
        let run = Importer(parallelism: 2).run(paths: [path])
        let bomb = try #require(run.summaries.first { $0.displayName.hasSuffix("!middle.zip!inner.zip") })
        #expect(bomb.status == .rejected)
        #expect(bomb.diagnostics.first?.message.contains("measured against \(path), the file on disk") == true)
    }

    @Test func readingStopsWhenAnEntryPassesItsStatedSize() throws {
        // Both headers say 1,000 bytes; the data inflates to 64 MiB.
        let zip = Bomb.zip([("a.json", 64 << 20, 1000)])
        var delivered = 0
        let error = try #require(throws: InputError.self) {
            try InputReader(limits: ImportLimits(maxCompressionRatio: 1_000_000))
                .forEachEntry(of: InputSource(displayName: "liar.zip", location: .memory(zip))) { _, _ in
                    delivered += 1
                }
        }
        #expect(delivered == 0)
        #expect(error.entry == "a.json")
        #expect(error.message == "entry larger than its header states (1000 bytes): corrupt, or a zip bomb")
    }

    @Test func statedSizeStopsTheReadBeforeMemoryGrows() throws {
        let zip = Bomb.zip([("a.json", 64 << 20, 1000)])
        let memory = MemoryBudget(limit: 1 << 30)
        var reader = InputReader(limits: ImportLimits(maxCompressionRatio: 1_000_000))
        reader.memory = memory
        #expect(throws: InputError.self) {
            try reader.forEachEntry(of: InputSource(displayName: "liar.zip", location: .memory(zip))) { _, _ in }
        }
        #expect(memory.peak < 1 << 20)
        #expect(memory.inUse == 0)
    }

    @Test func bufferNeverGrowsPastTheEntryLimit() throws {
        // A .gz states no size: the buffer grows while reading, and used to double past the limit.
        let size = 5_000_000
        let gz = try ArchiveWriter.data([("x", [UInt8](repeating: 0x20, count: size))], format: .gzip)
        var capacity = 0
        _ = try InputReader(limits: ImportLimits(maxEntryBytes: size, maxCompressionRatio: 100_000))
            .forEachEntry(of: InputSource(displayName: "spaces.json.gz", location: .memory(gz))) { _, bytes in
                capacity = bytes.capacity
            }
        #expect(capacity >= size)
        #expect(capacity <= size + 1)
    }

    @Test func gzipBombBeyondTheMemoryBudgetIsRejected() throws {
        let gz = Bomb.gzip(zeros: 64 << 20)
        let memory = MemoryBudget(limit: 16 << 20)
        var reader = InputReader(limits: ImportLimits(maxCompressionRatio: 1_000_000, maxMemoryBytes: 16 << 20))
        reader.memory = memory
        let error = try #require(throws: InputError.self) {
            try reader.forEachEntry(of: InputSource(displayName: "bomb.json.gz", location: .memory(gz))) { _, _ in }
        }
        #expect(error.input == "bomb.json.gz")
        #expect(error.entry == "bomb.json")
        #expect(error.message == "entry needs more memory than --max-memory allows (16777216 bytes)")
        #expect(memory.peak <= 16 << 20)
        #expect(memory.inUse == 0)
    }

    @Test func aJSONDocumentIsCountedWithItsParse() throws {
        // 2 MB of dense numbers (about 13,000:1 in a zip): the entry's bytes fit 16 MiB, its DOM
        // parse (12 bytes per byte of it) does not. Before it was counted, such a document took
        // about 12 times its size beside the budget.
        var dense = Array(#"{"Activity": {"Like List": {"ItemFavoriteList": [0"#.utf8)
        dense.reserveCapacity(2_000_100)
        for _ in 0..<1_000_000 { dense += [0x2C, 0x30] }
        dense += Array("]}}}".utf8)
        let zip = try ArchiveWriter.data([("user_data_tiktok.json", dense)], format: .zip)
        let limits = ImportLimits(maxCompressionRatio: 1_000_000, maxMemoryBytes: 16 << 20)
        var reader = InputReader(limits: limits)
        let memory = MemoryBudget(limit: 16 << 20)
        reader.memory = memory
        var delivered = 0
        let error = try #require(throws: InputError.self) {
            try reader.forEachEntry(of: InputSource(displayName: "dense.zip", location: .memory(zip))) { _, _ in
                delivered += 1
            }
        }
        #expect(delivered == 0)
        #expect(error.entry == "user_data_tiktok.json")
        #expect(error.message == "entry needs more memory than --max-memory allows (16777216 bytes)")
        #expect(memory.inUse == 0)

        // With room for the parse it is read, and the work space is given back afterwards.
        let roomy = MemoryBudget(limit: 64 << 20)
        reader.memory = roomy
        var inUseDuringParse = 0
        _ = try reader.forEachEntry(of: InputSource(displayName: "dense.zip", location: .memory(zip))) { _, bytes in
            inUseDuringParse = roomy.inUse
            #expect(bytes.count == dense.count)
        }
        #expect(inUseDuringParse >= dense.count * (1 + JSONParser.workspaceBytesPerByte))
        #expect(roomy.inUse == 0)
        // Entries that are not JSON are counted by their bytes alone.
        #expect(InputReader.parseWorkspace(entryName: "Like List.txt", count: 1 << 20) == 0)
        #expect(InputReader.parseWorkspace(entryName: "USER_DATA.JSON", count: 10) == 120)
        #expect(InputReader.parseWorkspace(entryName: "a.json", count: Int.max / 2) == Int.max)
    }

    @Test func bombsAreRejectedAndTheRestImportedWithSeveralJobs() throws {
        let scratch = try TemporaryFolder()
        let liar = Bomb.zip([("user_data_tiktok.json", 64 << 20, 1000)])
        let two = try scratch.write(
            "two.zip", try ArchiveWriter.data([("a.zip", liar), ("b.zip", liar)], format: .zip))
        let gz = try scratch.write("bomb.json.gz", Bomb.gzip(zeros: 64 << 20))
        let good = try scratch.write("good.json", Bomb.goodExport)
        let importer = Importer(
            limits: ImportLimits(maxCompressionRatio: 1_000_000, maxMemoryBytes: 32 << 20), parallelism: 2)
        let run = importer.run(paths: [two, gz, good])
        let messages = Dictionary(
            run.summaries.map { ($0.displayName, $0.diagnostics.first { $0.severity == .error }?.message ?? "") },
            uniquingKeysWith: { first, _ in first })
        let stated = "entry larger than its header states (1000 bytes): corrupt, or a zip bomb"
        #expect(messages[two + "!a.zip"] == stated)
        #expect(messages[two + "!b.zip"] == stated)
        #expect(messages[gz] == "entry needs more memory than --max-memory allows (33554432 bytes)")
        #expect(run.summaries.first { $0.displayName == good }?.status == .imported)
        #expect(run.rejectedCount == 3)
    }

    @Test func inputsThatFitLaterWaitAndAreAllImported() throws {
        // Four inputs of about 1 MB each, 16 MiB for all: with its parse's work space (12 bytes
        // per byte) one at a time fits.
        let scratch = try TemporaryFolder()
        var paths: [String] = []
        for index in 0..<4 {
            var export = Bomb.goodExport
            export.removeLast()
            export += Array(#", "Pad": ""#.utf8)
            // Letters that deflate cannot shrink much: a period longer than its 32 KiB window.
            let letters = noise(1 << 16, seed: UInt64(index + 1)).map { 0x61 + $0 % 26 }
            for _ in 0..<16 { export += letters }
            export += Array(#""}"#.utf8)
            paths.append(
                try scratch.write(
                    "big\(index).zip", try ArchiveWriter.data([("user_data_tiktok.json", export)], format: .zip)))
        }
        let tight = Importer(limits: ImportLimits(maxMemoryBytes: 16 << 20), parallelism: 4).run(paths: paths)
        #expect(tight.summaries.map(\.status) == Array(repeating: .imported, count: 4))
        let roomy = Importer(parallelism: 1).run(paths: paths)
        #expect(tight.batches.map(\.totalEventCount) == roomy.batches.map(\.totalEventCount))
    }

    @Test func aReaderThatCannotWaitForMemoryIsReadAgain() throws {
        let zip = try ArchiveWriter.data([("user_data_tiktok.json", Bomb.goodExport)], format: .zip)
        let memory = MemoryBudget(limit: 16 << 20)
        // Memory held by nobody at work (an archive waiting for its turn): waiting would never end.
        let holder = MemoryLease(budget: memory, mayWait: false)
        try holder.take(16 << 20 - 100)
        var pin: MemoryPin? = holder.pin(16 << 20 - 100)
        holder.end()
        #expect(pin?.count == 16 << 20 - 100)

        let source = InputSource(displayName: "good.zip", location: .memory(zip))
        let importer = Importer(parallelism: 1)
        let busy = try #require(
            importer.read(
                source, parser: JSONParser(), bodyParser: JSONParser(), memory: memory, waitsForMemory: true
            ).only)
        #expect(busy.retry)
        #expect(busy.batch == nil)
        let refused = try #require(
            importer.read(
                source, parser: JSONParser(), bodyParser: JSONParser(), memory: memory, waitsForMemory: false
            ).only)
        #expect(!refused.retry)
        #expect(refused.summary.status == .rejected)

        pin = nil
        #expect(memory.inUse == 0)
        let again = try #require(
            importer.read(
                source, parser: JSONParser(), bodyParser: JSONParser(), memory: memory, waitsForMemory: true
            ).only)
        #expect(!again.retry)
        #expect(again.summary.status == .imported)
    }
}

// MARK: - The budget itself

@Suite struct MemoryBudgetTests {
    @Test func moreThanTheWholeBudgetIsRefusedAtOnce() {
        let memory = MemoryBudget(limit: 1000)
        let lease = MemoryLease(budget: memory, mayWait: true)
        #expect(throws: MemoryShortage.never) { try lease.take(1001) }
        #expect(throws: Never.self) { try lease.take(600) }
        #expect(throws: MemoryShortage.never) { try lease.take(401) }
        lease.end()
        #expect(memory.inUse == 0)
    }

    @Test func aReaderWaitsForAnotherToGiveBack() throws {
        let memory = MemoryBudget(limit: 1000)
        let first = MemoryLease(budget: memory, mayWait: true)
        try first.take(800)
        let done = Completion()
        let second = MemoryLease(budget: memory, mayWait: true)
        let handed = HandedOver(second)
        Thread.detachNewThread {
            done.finish(Result { () throws(MemoryShortage) in try handed.value.take(500) })
        }
        waitUntilWaiting(memory)
        #expect(!done.isFinished)
        first.end()
        let result = done.wait()
        #expect(throws: Never.self) { try result.get() }
        #expect(memory.inUse == 500)
        second.end()
        #expect(memory.peak <= 1000)
    }

    @Test func whenEveryReaderWaitsOneGivesUp() throws {
        let memory = MemoryBudget(limit: 1000)
        let first = MemoryLease(budget: memory, mayWait: true)
        let second = MemoryLease(budget: memory, mayWait: true)
        try first.take(400)
        try second.take(400)
        let done = Completion()
        let handed = HandedOver(first)
        Thread.detachNewThread {
            done.finish(Result { () throws(MemoryShortage) in try handed.value.take(400) })
        }
        waitUntilWaiting(memory)
        // The second reader would wait for the first, which waits for it.
        #expect(throws: MemoryShortage.busy) { try second.take(400) }
        second.end()
        #expect(throws: Never.self) { try done.wait().get() }
        first.end()
        #expect(memory.inUse == 0)
    }
}

/// A lease used by another thread until `Completion.wait()` returns, then by this one again.
private final class HandedOver: @unchecked Sendable {
    let value: MemoryLease
    init(_ value: MemoryLease) { self.value = value }
}

/// The result of work on another thread, waited for without a timeout.
private final class Completion: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: Result<Void, MemoryShortage>?

    var isFinished: Bool {
        condition.lock()
        defer { condition.unlock() }
        return result != nil
    }

    func finish(_ value: Result<Void, MemoryShortage>) {
        condition.lock()
        result = value
        condition.broadcast()
        condition.unlock()
    }

    func wait() -> Result<Void, MemoryShortage> {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let result { return result }
            condition.wait()
        }
    }
}

/// Returns once a reader waits in `memory` (the waiting itself is what the tests are about).
private func waitUntilWaiting(_ memory: MemoryBudget) {
    while memory.waitingReaders == 0 { usleep(1000) }
}

/// CRC-32 of `count` zero bytes.
private func zeroCRC(_ count: Int) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for _ in 0..<count {
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

// MARK: - Peak memory of the command line tool

/// How a run of the tool ended, and the most memory it was resident in.
private struct MeasuredRun {
    var status: Int32
    var peakBytes: Int
    var stdout: String
    var stderr: String
}

/// Runs the tool with `WHICHTOK_TIMING` set, for the peak resident memory it reports of itself
/// (its `VmHWM`). Not `wait4`'s `ru_maxrss`: on Linux that keeps the resident size of the parent,
/// this test runner, from before `exec`.
private func measure(_ arguments: [String]) throws -> MeasuredRun {
    let run = try Whichtok.run(arguments, environment: ["WHICHTOK_TIMING": "1"])
    let prefix = "timing: peak resident memory: "
    let kib = run.stderr.split(separator: "\n").first { $0.hasPrefix(prefix) }
        .flatMap { Int($0.dropFirst(prefix.count).prefix { $0.isNumber }) }
    return MeasuredRun(
        status: run.status, peakBytes: (kib ?? Int.max / 1024) * 1024, stdout: run.stdout, stderr: run.stderr)
}

@Suite(.enabled(if: Whichtok.binary != nil, "needs the whichtok binary: swift build --build-tests"))
struct MemoryBombPeakTests {
    /// The bound the runs below must stay under: far above what the tool needs to import small
    /// inputs, far below the gibibyte each bomb inflates to.
    static let bound = 400 << 20

    @Test func nestedZipBombsStayFarBelowWhatTheyInflateTo() throws {
        // Two zips in a zip, each holding 1 GiB of zeros: one whose headers state 1,000 bytes, one
        // whose headers tell the truth. With --jobs 2 both are read at once.
        let scratch = try TemporaryFolder()
        let gib = 1 << 30
        let liar = Bomb.zip([("user_data_tiktok.json", gib, 1000)])
        let honest = Bomb.zip([("user_data_tiktok.json", gib, UInt32(Bomb.zeroCount(atMost: gib)))])
        let bombs = try scratch.write(
            "bombs.zip", try ArchiveWriter.data([("liar.zip", liar), ("honest.zip", honest)], format: .zip))
        let good = try scratch.write("good.json", Bomb.goodExport)

        let run = try measure(["import", "--store", scratch.file("s.store"), "--jobs", "2", bombs, good])
        #expect(run.status == 65)
        // Both are read at once and share bombs.zip's ratio allowance: when the honest one has used
        // it up before the liar's first chunk, the liar is stopped by the ratio rather than by its
        // stated size. Either way it is rejected at once.
        let liarEntry = "bombs.zip!liar.zip:user_data_tiktok.json: offset 0: "
        #expect(
            run.stderr.contains(liarEntry + "entry larger than its header states")
                || run.stderr.contains(liarEntry + "compression ratio beyond 1000:1"))
        #expect(
            run.stderr.contains("bombs.zip!honest.zip:user_data_tiktok.json: offset 0: compression ratio beyond 1000:1")
        )
        #expect(run.stdout.contains("imported  \(good)"))
        #expect(run.peakBytes < Self.bound, "peak resident memory \(run.peakBytes) bytes")
    }

    @Test func gzipBombsShareOneMemoryBudgetWhateverTheJobs() throws {
        // 1 GiB of zeros in each of two .json.gz files (1 MB each: within 1000:1 of their own
        // size); --max-memory is what stops them, and both together stay within it.
        let scratch = try TemporaryFolder()
        let first = try scratch.write("one.json.gz", Bomb.gzip(zeros: 1 << 30))
        let second = try scratch.write("two.json.gz", Bomb.gzip(zeros: 1 << 30))
        let good = try scratch.write("good.json", Bomb.goodExport)

        let run = try measure(
            ["import", "--store", scratch.file("s.store"), "--jobs", "2", "--max-memory", "64M", first, second, good])
        #expect(run.status == 65)
        for name in ["one", "two"] {
            #expect(
                run.stderr.contains(
                    "\(name).json.gz:\(name).json: offset 0: entry needs more memory than --max-memory allows (67108864 bytes)"
                ))
        }
        #expect(run.stdout.contains("imported  \(good)"))
        #expect(run.peakBytes < Self.bound, "peak resident memory \(run.peakBytes) bytes")
    }

    @Test func maxMemoryTakesSuffixesAndHasAMinimum() throws {
        let scratch = try TemporaryFolder()
        let good = try scratch.write("good.json", Bomb.goodExport)
        let store = scratch.file("s.store")
        #expect(try measure(["import", "--store", store, "--max-memory", "64m", good]).status == 0)
        #expect(try measure(["import", "--store", store, "--max-memory", "1G", good]).status == 0)
        let small = try measure(["import", "--store", store, "--max-memory", "1M", good])
        #expect(small.status == 64)
        #expect(small.stderr.contains("--max-memory must be at least 16M"))
        #expect(try measure(["import", "--store", store, "--max-memory", "lots", good]).status == 64)
    }
}

extension Array {
    /// The one element of an array that should hold exactly one, else nil.
    fileprivate var only: Element? { count == 1 ? first : nil }
}
