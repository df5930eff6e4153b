import Foundation
import Testing
import WhichtokSupport
import WhichtokTestSupport

@testable import WhichtokImport

/// A tar in a gzip inflated whole by libdeflate (`InputReader.readTarGzipWhole`) reads as
/// libarchive reads it a piece at a time, and whatever that reader does not take is left to
/// libarchive.
@Suite("Containers: tar.gz inflated whole")
struct GzipReaderTests {
    func read(_ bytes: [UInt8], name: String = "export.tar.gz", whole: Bool) -> InputReading {
        var reader = InputReader()
        reader.readsTarGzipsWhole = whole
        return InputReading(InputSource(displayName: name, location: .memory(bytes)), reader: reader)
    }

    /// Whether `inflateTar` takes `bytes` (a lease of `budget` bytes).
    func isInflatedWhole(_ bytes: [UInt8], budget: Int = 1 << 30) -> Bool {
        let lease = MemoryLease(budget: MemoryBudget(limit: budget), mayWait: false)
        defer { lease.end() }
        let expansion = ExpansionTally(ExpansionAllowance(diskBytes: Int64(bytes.count), ratio: 1000, diskName: "x"))
        let taken = bytes.withUnsafeBytes { InputReader().inflateTar($0, expansion: expansion, lease: lease) }
        // What it took from the lease is its tar's room; nothing when it takes nothing.
        #expect(lease.held == (taken?.capacity ?? 0))
        return taken != nil
    }

    static let entries: [(path: String, bytes: [UInt8])] = [
        (
            "TikTok_Data_1/user_data_tiktok.json",
            Array(#"{"Profile": {"Profile Info": {"ProfileMap": {"userName": "a"}}}}"#.utf8)
        ),
        (
            "TikTok_Data_1/Activity/Like List.txt",
            Array(String(repeating: "Date: 2024-01-02 03:04:05\nLink: x\n\n", count: 300).utf8)
        ),
        ("TikTok_Data_1/empty.txt", []),
    ]

    @Test("a tar.gz gives the same entries, contents and digest either way, and is inflated whole")
    func sameReading() throws {
        let archive = try ArchiveWriter.data(Self.entries, format: .tarGzip)
        let whole = read(archive, whole: true)
        #expect(whole.error == nil)
        #expect(whole.entries.count == 3)
        #expect(whole == read(archive, whole: false))
        #expect(isInflatedWhole(archive))
        // A zip inside is an input of its own either way.
        let zip = try ArchiveWriter.data([("inner.json", Array("{}".utf8))], format: .zip)
        let nesting = try ArchiveWriter.data(Self.entries + [("inner.zip", zip)], format: .tarGzip)
        #expect(read(nesting, whole: true) == read(nesting, whole: false))
        #expect(read(nesting, whole: true).entries.last == "export.tar.gz!inner.zip")
    }

    @Test("what the whole reading does not take is libarchive's, with the same result")
    func leftToLibarchive() throws {
        let archive = try ArchiveWriter.data(Self.entries, format: .tarGzip)
        let tar = try ArchiveWriter.data(Self.entries, format: .tar)
        // Two gzip members one after the other.
        let second = try ArchiveWriter.data([("x", [UInt8](repeating: 0, count: 1024))], format: .gzip)
        // A trailer that states another size.
        var lying = archive
        lying[lying.count - 4] &+= 1
        // Damaged deflate data.
        var damaged = archive
        damaged[damaged.count / 2] ^= 0xFF
        // A tar without its end-of-archive blocks: libarchive takes it from a gzip quietly.
        var shortTar = tar
        while shortTar.count > 512, shortTar.suffix(512).allSatisfy({ $0 == 0 }) { shortTar.removeLast(512) }
        let cutShort = try ArchiveWriter.data([("t", shortTar)], format: .gzip)
        // Not a tar.
        let json = try ArchiveWriter.data(
            [("x", Array(String(repeating: "{\"a\": 1}\n", count: 200).utf8))], format: .gzip)
        for (name, bytes, taken) in [
            ("two members", archive + second, false), ("another size stated", lying, false),
            ("damaged", damaged, false), ("tar without its end", cutShort, true), ("not a tar", json, false),
        ] {
            #expect(isInflatedWhole(bytes) == taken, "\(name)")
            let whole = read(bytes, whole: true)
            #expect(whole == read(bytes, whole: false), "\(name): \(whole.error ?? "read")")
        }
        #expect(read(cutShort, whole: true).error == nil)
        #expect(read(damaged, whole: true).error != nil)
        // The json is read as the one file it is, under the same name either way.
        #expect(read(json, name: "data.json.gz", whole: true) == read(json, name: "data.json.gz", whole: false))
    }

    @Test("a tar the budget cannot hold now, or past the input's expansion allowance, is left to libarchive")
    func limits() throws {
        let archive = try ArchiveWriter.data(Self.entries, format: .tarGzip)
        #expect(isInflatedWhole(archive))
        #expect(!isInflatedWhole(archive, budget: 4096))
        let lease = MemoryLease(budget: MemoryBudget(limit: 1 << 30), mayWait: false)
        defer { lease.end() }
        // An allowance of 2 bytes per byte on disk, beside the 1 MiB every input has, already used:
        // less than this tar is left.
        let expansion = ExpansionTally(ExpansionAllowance(diskBytes: Int64(archive.count), ratio: 2, diskName: "x"))
        #expect(expansion.add(1 << 20))
        let taken = archive.withUnsafeBytes { InputReader().inflateTar($0, expansion: expansion, lease: lease) }
        #expect(taken == nil)
        #expect(lease.held == 0)
    }
}
