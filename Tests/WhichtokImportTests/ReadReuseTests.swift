import Foundation
import Testing
import WhichtokSupport
import WhichtokTestSupport

@testable import WhichtokImport

/// What a reading thread keeps from one input to the next (its entry buffer, its JSON parser's
/// buffers), how that stays within the memory budget, and the order inputs are handed out in.
@Suite("Reading: buffers kept across inputs, order of inputs")
struct ReadReuseTests {
    /// A zip holding one `.txt` entry of `count` bytes (counted for its bytes alone: no parse).
    static func zip(_ count: Int, seed: UInt64) throws -> [UInt8] {
        try ArchiveWriter.data([("notes.txt", noise(count, seed: seed))], format: .zip)
    }

    @Test("a kept entry buffer serves the next input, and counts against its memory from the start")
    func keptBufferIsCounted() throws {
        let memory = MemoryBudget(limit: 64 << 20)
        let buffer = PaddedBytes()
        var reader = InputReader()
        reader.memory = memory
        reader.entryBuffer = buffer
        var first: [UInt8] = []
        _ = try reader.forEachEntry(
            of: InputSource(displayName: "big.zip", location: .memory(try Self.zip(1 << 20, seed: 1)))
        ) {
            _, bytes in first = bytes.array
        }
        #expect(first == noise(1 << 20, seed: 1))
        // Kept, and given back to the budget with the reading.
        #expect(buffer.capacity > 1 << 20)
        #expect(memory.inUse == 0)
        let kept = buffer.capacity

        var inUseWhileReading = 0
        var second: [UInt8] = []
        _ = try reader.forEachEntry(
            of: InputSource(displayName: "small.zip", location: .memory(try Self.zip(1000, seed: 2)))
        ) {
            _, bytes in
            second = bytes.array
            inUseWhileReading = memory.inUse
        }
        #expect(second == noise(1000, seed: 2))
        // The same memory, not a new buffer, and held in the budget while the small input was read.
        #expect(buffer.capacity == kept)
        #expect(inUseWhileReading >= kept)
        #expect(memory.inUse == 0)
    }

    @Test("a kept buffer the budget cannot give at once, or too large to keep, gives its memory back")
    func keptBufferIsReleased() throws {
        let memory = MemoryBudget(limit: 16 << 20)
        let buffer = PaddedBytes()
        var reader = InputReader()
        reader.memory = memory
        reader.entryBuffer = buffer
        let big = InputSource(displayName: "big.zip", location: .memory(try Self.zip(3 << 20, seed: 3)))
        _ = try reader.forEachEntry(of: big) { _, _ in }
        // 3 MiB is more than an eighth of 16 MiB: not kept into the next input.
        #expect(buffer.capacity > 3 << 20)
        var seen = 0
        _ = try reader.forEachEntry(
            of: InputSource(displayName: "small.zip", location: .memory(try Self.zip(1000, seed: 4)))
        ) {
            _, bytes in seen = bytes.count
        }
        #expect(seen == 1000)
        #expect(buffer.capacity < 1 << 20)

        // Small enough to keep, but the budget is held by someone else: its memory goes, and the
        // input is still read.
        _ = try reader.forEachEntry(
            of: InputSource(displayName: "mid.zip", location: .memory(try Self.zip(1 << 20, seed: 5)))
        ) {
            _, _ in
        }
        #expect(buffer.capacity > 1 << 20)
        let holder = MemoryLease(budget: memory, mayWait: false)
        try holder.take((16 << 20) - (1 << 19))
        var read: [UInt8] = []
        _ = try reader.forEachEntry(
            of: InputSource(displayName: "tiny.zip", location: .memory(try Self.zip(100, seed: 6)))
        ) {
            _, bytes in read = bytes.array
        }
        #expect(read == noise(100, seed: 6))
        #expect(buffer.capacity < 1 << 19)
        holder.end()
        #expect(memory.inUse == 0)
    }

    @Test("the JSON parser grows its buffers by doubling, parses the same, and can give them back")
    func parserGrowth() throws {
        let parser = JSONParser()
        func document(_ count: Int) -> String {
            // An array of small numbers, about `count` bytes long.
            "[" + Array(repeating: "7", count: count / 2).joined(separator: ",") + "]"
        }
        let small = document(1000)
        let larger = document(1500)
        #expect(try parser.parse(small) { $0.count } == 500)
        let first = parser.capacity
        #expect(first >= small.utf8.count)
        #expect(try parser.parse(larger) { $0.count } == 750)
        // Simdjson alone would have grown to exactly the larger document.
        #expect(parser.capacity >= 2 * first)
        #expect(try parser.parse(small) { $0.count } == 500)
        parser.releaseMemory()
        #expect(parser.capacity == 0)
        #expect(try parser.parse(larger) { $0.count } == 750)
        #expect(parser.capacity >= larger.utf8.count)
    }

    @Test("inputs are handed out largest first at one end, smallest first at the other, each once")
    func queueOrder() throws {
        let scratch = try TemporaryFolder()
        let sizes = [30, 10, 50, 20, 50, 40]
        var sources: [InputSource] = []
        for (index, size) in sizes.enumerated() {
            let path = try scratch.write("f\(index).txt", [UInt8](repeating: 0x61, count: size))
            sources.append(InputSource(displayName: path, location: .file(path)))
        }
        sources.append(InputSource(displayName: "nested", location: .memory([UInt8](repeating: 1, count: 35))))
        let queue = SourceQueue(&sources)
        #expect(sources.isEmpty)
        #expect(queue.count == 7)
        // Ties (the two of 50 bytes) in their order.
        #expect(queue.next(largest: true)?.0 == 2)
        #expect(queue.next(largest: true)?.0 == 4)
        #expect(queue.next(largest: false)?.0 == 1)
        #expect(queue.next(largest: false)?.0 == 3)
        #expect(queue.next(largest: true)?.0 == 5)
        #expect(!queue.isDrained)
        #expect(queue.next(largest: false)?.0 == 0)
        #expect(queue.next(largest: true)?.0 == 6)
        #expect(queue.isDrained)
        #expect(queue.next(largest: false) == nil)
        #expect(queue.next(largest: true) == nil)
    }

    @Test("the order inputs are read in changes no summary and no batch")
    func orderChangesNothing() throws {
        let scratch = try TemporaryFolder()
        var paths: [String] = []
        for index in 0..<7 {
            // Exports of different sizes, so that the largest are read first on one thread.
            var export = Bomb.goodExport
            export.removeLast()
            export += Array(#", "Pad": "\#(String(repeating: "x", count: (index * 37 % 7) * 5000))"}"#.utf8)
            paths.append(
                try scratch.write(
                    "e\(index).zip", try ArchiveWriter.data([("user_data_tiktok.json", export)], format: .zip)))
        }
        let one = Importer(parallelism: 1).run(paths: paths)
        let three = Importer(parallelism: 3).run(paths: paths)
        #expect(one.summaries.map(\.displayName) == paths)
        #expect(three.summaries.map(\.displayName) == paths)
        #expect(one.batches.map(\.sha256) == three.batches.map(\.sha256))
        #expect(one.batches.map(\.totalEventCount) == three.batches.map(\.totalEventCount))
        #expect(one.summaries.map(\.status) == Array(repeating: .imported, count: 7))
    }
}
