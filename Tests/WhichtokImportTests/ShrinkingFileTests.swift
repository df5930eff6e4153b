import Foundation
import Testing
import WhichtokSupport
import WhichtokTestSupport

@testable import WhichtokImport

#if canImport(Glibc)
    import Glibc
#endif

/// Input files that another program shortens while whichtok reads them mapped into memory: the
/// pages past the new end would raise SIGBUS and end the process; they read as zeros instead, and
/// the input is rejected with an error that says what happened.
@Suite struct ShrinkingFileTests {
    private static let page = Int(sysconf(Int32(_SC_PAGESIZE)))

    @Test func aMappedFileThatShrinksReadsAsZerosAndSaysSo() throws {
        let scratch = try TemporaryFolder()
        let path = try scratch.write("big.bin", [UInt8](repeating: 0x61, count: 5 * Self.page))
        let fd = open(path, O_RDONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        let mapped = try #require(PaddedBytes(mapping: fd, size: 5 * Self.page))
        #expect(mapped.isMapped)
        #expect(!mapped.fileShrank)
        #expect(mapped.array.allSatisfy { $0 == 0x61 })
        #expect(!mapped.fileShrank)

        try #require(truncate(path, off_t(Self.page)) == 0)
        let bytes = mapped.array
        #expect(bytes.count == 5 * Self.page)
        #expect(bytes[..<Self.page].allSatisfy { $0 == 0x61 })
        #expect(bytes[Self.page...].allSatisfy { $0 == 0 })
        #expect(mapped.fileShrank)
    }

    @Test func aZipCutShortWhileItIsReadIsRejected() throws {
        // Large enough to be mapped rather than read whole (`InputReader.mapThreshold`).
        let entries: [(path: String, bytes: [UInt8])] = [
            ("a.json", Array("[1]".utf8)), ("b.bin", noise(Int(InputReader.mapThreshold) + 200_000)),
            ("c.json", Array("[2]".utf8)),
        ]
        let zip = try ArchiveWriter.data(entries, format: .zip)
        let scratch = try TemporaryFolder()
        let path = try scratch.write("s.zip", zip)
        var delivered: [String] = []
        let error = try #require(throws: InputError.self) {
            try InputReader().forEachEntry(of: InputSource(displayName: "s.zip", location: .file(path))) { name, _ in
                delivered.append(name)
                // The central directory is read; the next entry's data is now past the file's end.
                if name == "a.json" { _ = truncate(path, off_t(Self.page)) }
            }
        }
        #expect(delivered == ["a.json"])
        #expect(error.input == "s.zip")
        #expect(error.message == InputReader.shrankMessage, "\(error)")
    }

    @Test func aSmallZipIsReadWholeSoCuttingItShortMeanwhileChangesNothing() throws {
        let entries: [(path: String, bytes: [UInt8])] = [
            ("a.json", Array("[1]".utf8)), ("b.bin", noise(200_000)), ("c.json", Array("[2]".utf8)),
        ]
        let zip = try ArchiveWriter.data(entries, format: .zip)
        #expect(Int64(zip.count) < InputReader.mapThreshold)
        let scratch = try TemporaryFolder()
        let path = try scratch.write("s.zip", zip)
        var delivered: [String: [UInt8]] = [:]
        let digest = try InputReader().forEachEntry(of: InputSource(displayName: "s.zip", location: .file(path))) {
            name, bytes in
            delivered[name] = bytes.array
            if name == "a.json" { _ = truncate(path, off_t(Self.page)) }
        }
        // Every entry comes from the copy read before the cut, and the digest is that of those bytes.
        #expect(delivered.count == 3)
        for entry in entries { #expect(delivered[entry.path] == entry.bytes, "\(entry.path)") }
        var hasher = SHA256()
        hasher.update(zip)
        #expect(digest.sha256 == hasher.finalize())
    }

    @Test func aLargePlainFileCutShortWhileItIsReadIsRejected() throws {
        // Large enough to be mapped rather than read (`InputReader.mapThreshold`).
        let text = "[" + String(repeating: "1,", count: Int(InputReader.mapThreshold)) + "1]"
        let scratch = try TemporaryFolder()
        let path = try scratch.write("capture.json", Array(text.utf8))
        let error = try #require(throws: InputError.self) {
            try InputReader().forEachEntry(of: InputSource(displayName: "capture.json", location: .file(path))) {
                _, bytes in
                try #require(bytes.isMapped)
                #expect(truncate(path, off_t(Self.page)) == 0)
                // Reads every byte, as a parser would.
                _ = bytes.array.reduce(0) { $0 &+ Int($1) }
            }
        }
        #expect(error.input == "capture.json")
        #expect(error.message == InputReader.shrankMessage, "\(error)")
    }

    @Test func filesLeftAloneAreNotReportedAsShrunk() throws {
        let zip = try ArchiveWriter.data([("b.bin", noise(200_000))], format: .zip)
        let scratch = try TemporaryFolder()
        let path = try scratch.write("s.zip", zip)
        var delivered: [String] = []
        _ = try InputReader().forEachEntry(of: InputSource(displayName: "s.zip", location: .file(path))) { name, _ in
            delivered.append(name)
        }
        #expect(delivered == ["b.bin"])
    }
}
