import Foundation
import Testing
import WhichtokSupport
import WhichtokTestSupport

@testable import WhichtokImport

/// What a reading thread keeps from one input to the next (its JSON parser's buffers), when it
/// gives them back, and that neither changes what is read.
@Suite("Reading: parser buffers kept across inputs")
struct ReadReuseTests {
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

    @Test("the queue says when every input has been handed out, so that a worker's buffers can go")
    func queueDrains() {
        var sources = (0..<3).map { InputSource(displayName: "i\($0)", location: .memory([UInt8($0)])) }
        let queue = SourceQueue(&sources)
        #expect(sources.isEmpty)
        #expect(!queue.isDrained)
        #expect(queue.next()?.0 == 0)
        #expect(queue.next()?.0 == 1)
        #expect(!queue.isDrained)
        #expect(queue.next()?.0 == 2)
        #expect(queue.isDrained)
        #expect(queue.next() == nil)
    }

    @Test("reading on one thread or several changes no summary and no batch")
    func orderChangesNothing() throws {
        let scratch = try TemporaryFolder()
        var paths: [String] = []
        for index in 0..<7 {
            // Exports of different sizes, so that each thread's parser grows more than once.
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

/// Large buffers a reader fills once ask for huge pages (a page fault per 2 MiB rather than per
/// 4 KiB): entry buffers and the JSON parser's tape.
@Suite("Reading: huge pages for large buffers")
struct ReadHugePageTests {
    @Test(
        "an entry buffer of 4 MiB or more and the parser's tape of a large document ask for huge pages",
        .enabled(if: HugePages.available, "this system has no transparent huge pages (or no /proc/self/smaps)"))
    func largeBuffersAdvised() throws {
        let large = PaddedBytes(capacity: 8 << 20)
        // Taken as written (nothing is written) so that the bytes in use cover the capacity.
        large.appendInPlace(minimum: 8 << 20) { $0.count }
        let advised = large.withUnsafeBytes { HugePages.advised($0) }
        #expect(advised == true)
        // A buffer grown past the size too.
        let grown = PaddedBytes()
        grown.appendInPlace(minimum: 16 << 20) { $0.count }
        #expect(grown.withUnsafeBytes { HugePages.advised($0) } == true)

        // About 8 MiB of JSON: the tape alone is 8 bytes per byte of capacity.
        let parser = JSONParser()
        let document = "[" + Array(repeating: "7", count: 4 << 20).joined(separator: ",") + "]"
        let tapeAdvised = try parser.parse(document) { value in
            HugePages.advised(UnsafeRawBufferPointer(start: value.tape.words, count: value.tape.wordCount * 8))
        }
        #expect(tapeAdvised == true)
    }
}
