import Foundation
import Testing
import WhichtokSupport
import WhichtokTestSupport

@testable import WhichtokImport

/// Reads `source` through `InputReader`, with zips read by `ZipDirectory` + libdeflate (`direct`)
/// or by libarchive, as before.
private func read(_ source: InputSource, direct: Bool, limits: ImportLimits = ImportLimits()) -> InputReading {
    var reader = InputReader(limits: limits)
    reader.readsZipsDirectly = direct
    return InputReading(source, reader: reader)
}

private func layout(_ zip: [UInt8]) -> ZipDirectory.Layout {
    zip.withUnsafeBytes { ZipDirectory.read($0) }
}

private func isTaken(_ zip: [UInt8]) -> Bool {
    if case .entries = layout(zip) { return true }
    return false
}

private func isLeftToLibarchive(_ zip: [UInt8]) -> Bool {
    if case .unsupported = layout(zip) { return true }
    return false
}

/// A zip cut into the bytes before its central directory, the central records and the end
/// record (no comment, no zip64), for tests to rearrange and put back together.
private struct ZipParts {
    var body: [UInt8]
    var records: [[UInt8]]

    init(_ zip: [UInt8]) throws {
        let end = zip.count - 22
        try #require(end > 0 && read32(zip, end) == 0x0605_4B50)
        let size = Int(read32(zip, end + 12))
        let offset = Int(read32(zip, end + 16))
        body = Array(zip[0..<offset])
        records = []
        var at = offset
        while at < offset + size {
            let length = 46 + Int(read16(zip, at + 28)) + Int(read16(zip, at + 30)) + Int(read16(zip, at + 32))
            records.append(Array(zip[at..<(at + length)]))
            at += length
        }
    }

    /// The zip again; `comment` after the end record; `zip64`: with a zip64 end record and locator,
    /// the classic end record's fields all 0xFF.
    func joined(comment: [UInt8] = [], zip64: Bool = false) -> [UInt8] {
        let directory = records.flatMap { $0 }
        var out = body + directory
        if zip64 {
            let record = out.count
            out += le(0x0606_4B50, 4) + le(44, 8) + le(45, 2) + le(45, 2) + le(0, 4) + le(0, 4)
            out += le(records.count, 8) + le(records.count, 8) + le(directory.count, 8) + le(body.count, 8)
            out += le(0x0706_4B50, 4) + le(0, 4) + le(record, 8) + le(1, 4)
            out += le(0x0605_4B50, 4) + le(0, 2) + le(0, 2) + le(0xFFFF, 2) + le(0xFFFF, 2)
            out += le(0xFFFF_FFFF, 4) + le(0xFFFF_FFFF, 4) + le(comment.count, 2)
        } else {
            out += le(0x0605_4B50, 4) + le(0, 2) + le(0, 2) + le(records.count, 2) + le(records.count, 2)
            out += le(directory.count, 4) + le(body.count, 4) + le(comment.count, 2)
        }
        return out + comment
    }
}

private func le(_ value: Int, _ width: Int) -> [UInt8] {
    (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
}

private func read16(_ bytes: [UInt8], _ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }

private func read32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
    UInt32(read16(bytes, at)) | UInt32(read16(bytes, at + 2)) << 16
}

private func write32(_ bytes: inout [UInt8], _ at: Int, _ value: UInt32) {
    for index in 0..<4 { bytes[at + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(index))) }
}

/// Central record fields (offsets inside a record) and their local header counterparts.
private enum Field: Int {
    case crc = 16
    case compressedSize = 20
    case uncompressedSize = 24
    var local: Int { rawValue - 2 }
}

/// Sets `field` of entry `index` in its central record and its local header.
private func patch(_ zip: [UInt8], entry index: Int, _ field: Field, _ value: (UInt32) -> UInt32) throws -> [UInt8] {
    var parts = try ZipParts(zip)
    let header = Int(read32(parts.records[index], 42))
    write32(&parts.records[index], field.rawValue, value(read32(parts.records[index], field.rawValue)))
    write32(&parts.body, header + field.local, value(read32(parts.body, header + field.local)))
    return parts.joined()
}

private let document = utf8(String(repeating: #"{"Date":"2024-01-02 03:04:05","Link":"https://x/1"},"#, count: 400))

@Suite struct ZipReaderTests {
    // MARK: The same entries as libarchive

    @Test func sampleArchivesReadTheSameBothWays() throws {
        let folder = PackageFolder.sampleArchives + "/archives"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".zip") }.sorted()
        try #require(names.count >= 5)
        for name in names {
            let path = folder + "/" + name
            #expect(isTaken(try Array(Data(contentsOf: URL(fileURLWithPath: path)))), "\(name)")
            let source = InputSource(displayName: name, location: .file(path))
            let direct = read(source, direct: true)
            #expect(direct.error == nil, "\(name): \(direct)")
            #expect(direct == read(source, direct: false), "\(name)")
        }
    }

    @Test func synthesizedArchivesReadTheSameBothWays() throws {
        let entries: [(path: String, bytes: [UInt8])] = [
            ("Activity/Like List.txt", document), ("empty.txt", []), ("noise.bin", noise(300_000)),
            ("Folder/", []), ("__MACOSX/._x", [1, 2]),
            ("inner.zip", try ArchiveWriter.data(ContainerTests.sample, format: .zip)),
            ("Emoji 🎉/🎵.json", utf8("[1]")),
        ]
        let zip = try ArchiveWriter.data(entries, format: .zip)
        #expect(isTaken(zip))
        let scratch = try TemporaryFolder()
        for source in [
            InputSource(displayName: "s.zip", location: .memory(zip)),
            InputSource(displayName: "s.zip", location: .file(try scratch.write("s.zip", zip))),
        ] {
            let direct = read(source, direct: true)
            #expect(direct.error == nil, "\(direct)")
            #expect(direct.entries.contains("s.zip!inner.zip"))
            #expect(direct == read(source, direct: false))
        }
    }

    @Test(.enabled(if: ExternalTool.onPath("zip") != nil, "skipped: needs Info-ZIP's zip on PATH"))
    func zip64AndDataDescriptorZipsFromZipReadTheSameBothWays() throws {
        let zipTool = try #require(ExternalTool.onPath("zip"))
        let scratch = try TemporaryFolder()
        _ = try scratch.write("a.json", document)
        _ = try scratch.write("b.txt", noise(70_000))
        // -fz: zip64 extra fields on every entry; "-" (to a pipe): data descriptors too.
        let forced = try ChildProcess.run(
            zipTool, ["-q", "-fz", scratch.file("z64.zip"), "a.json", "b.txt"], in: scratch.path)
        try #require(forced.status == 0, "\(forced.stderr)")
        // An entry read from standard input ("-"): its sizes are known only once it is written.
        let streamed = try ChildProcess.run(zipTool, ["-q", "-fz", "-", "-"], stdin: Data(document), in: scratch.path)
        try #require(streamed.status == 0, "\(streamed.stderr)")
        let stream = Array(streamed.stdoutData)
        for (zip, names) in [(try scratch.read("z64.zip"), ["a.json", "b.txt"]), (stream, ["-"])] {
            #expect(isTaken(zip))
            let source = InputSource(displayName: "tool.zip", location: .memory(zip))
            let direct = read(source, direct: true)
            #expect(direct.entries == names, "\(direct)")
            #expect(direct == read(source, direct: false))
        }
    }

    @Test(.enabled(if: ExternalTool.python3 != nil, "skipped: needs python3 on PATH"))
    func dataDescriptorZipsFromPythonReadTheSameBothWays() throws {
        let python = try #require(ExternalTool.python3)
        let scratch = try TemporaryFolder()
        // Written to a stream that cannot seek: sizes and CRC after the data (bit 3), and a zip64
        // extra field on the second entry.
        let script = """
            import sys, zipfile
            class Stream:
                def __init__(self): self.data = bytearray()
                def write(self, b): self.data += b; return len(b)
                def flush(self): pass
            out = Stream()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr("x.json", "[1,2,3]," * 5000)
                with z.open("y.txt", "w", force_zip64=True) as f: f.write(b"abc" * 5000)
                z.writestr("stored.txt", "plain", compress_type=zipfile.ZIP_STORED)
            open(sys.argv[1], "wb").write(out.data)
            """
        let run = try ChildProcess.run(python, ["-c", script, scratch.file("py.zip")])
        try #require(run.status == 0, "\(run.stderr)")
        let zip = try scratch.read("py.zip")
        #expect(read16(zip, 6) & 8 != 0)  // the first entry has a data descriptor
        #expect(isTaken(zip))
        let source = InputSource(displayName: "py.zip", location: .memory(zip))
        let direct = read(source, direct: true)
        #expect(direct.entries == ["x.json", "y.txt", "stored.txt"], "\(direct)")
        #expect(direct == read(source, direct: false))
    }

    @Test func zip64EndRecordIsRead() throws {
        let zip = try ZipParts(try ArchiveWriter.data(ContainerTests.sample, format: .zip)).joined(zip64: true)
        #expect(isTaken(zip))
        let source = InputSource(displayName: "z64.zip", location: .memory(zip))
        let direct = read(source, direct: true)
        #expect(direct.entries == ContainerTests.sample.map(\.path))
        #expect(direct == read(source, direct: false))
    }

    @Test func damagedZip64EndRecordsAreLeftToLibarchive() throws {
        let zip = try ZipParts(try ArchiveWriter.data(ContainerTests.sample, format: .zip)).joined(zip64: true)
        let locator = zip.count - 22 - 20
        // The locator pointing at itself, just before itself, past the end, at the start.
        for (label, target) in [("self", locator), ("close", locator - 20), ("past", zip.count + 5), ("start", 0)] {
            var damaged = zip
            for index in 0..<8 { damaged[locator + 8 + index] = UInt8(truncatingIfNeeded: target >> (8 * index)) }
            expectLeftToLibarchive(damaged, label)
        }
        // A record signature 4 bytes before the locator, and the locator pointing at it.
        var overlapping = zip
        overlapping.replaceSubrange((locator - 4)..<locator, with: [0x50, 0x4B, 0x06, 0x06])
        for index in 0..<8 {
            overlapping[locator + 8 + index] = UInt8(truncatingIfNeeded: (locator - 4) >> (8 * index))
        }
        expectLeftToLibarchive(overlapping, "overlapping")
        // A record size that does not reach the locator.
        var short = zip
        short[locator - 56 + 4] = 43
        expectLeftToLibarchive(short, "short")
    }

    @Test func entriesComeInTheOrderOfTheirLocalHeaders() throws {
        var parts = try ZipParts(try ArchiveWriter.data(ContainerTests.sample, format: .zip))
        parts.records.reverse()
        let zip = parts.joined()
        #expect(isTaken(zip))
        let source = InputSource(displayName: "r.zip", location: .memory(zip))
        let direct = read(source, direct: true)
        #expect(direct.entries == ContainerTests.sample.map(\.path))
        #expect(direct == read(source, direct: false))
    }

    // MARK: Hostile zips

    private func rejection(_ zip: [UInt8], limits: ImportLimits = ImportLimits()) throws -> (
        error: InputError, delivered: [String]
    ) {
        var delivered: [String] = []
        let error = try #require(throws: InputError.self) {
            try InputReader(limits: limits).forEachEntry(of: InputSource(displayName: "h.zip", location: .memory(zip)))
            {
                name, _ in delivered.append(name)
            }
        }
        #expect(error.input == "h.zip")
        return (error, delivered)
    }

    private static let pair: [(path: String, bytes: [UInt8])] = [("a.json", utf8("[1]")), ("b.json", document)]

    @Test func statedSizeLargerThanTheDataIsRejected() throws {
        let zip = try patch(try ArchiveWriter.data(Self.pair, format: .zip), entry: 1, .uncompressedSize) { $0 + 1000 }
        #expect(isTaken(zip))
        let (error, delivered) = try rejection(zip)
        #expect(delivered == ["a.json"])
        #expect(error.entry == "b.json")
        #expect(error.message.hasPrefix("corrupt archive: entry smaller than its header states"), "\(error)")
        #expect(error.position?.hasPrefix("offset ") == true)
    }

    @Test func statedSizeSmallerThanTheDataIsRejected() throws {
        let zip = try patch(try ArchiveWriter.data(Self.pair, format: .zip), entry: 1, .uncompressedSize) { $0 - 10 }
        #expect(isTaken(zip))
        let (error, delivered) = try rejection(zip)
        #expect(delivered == ["a.json"])
        #expect(error.entry == "b.json")
        #expect(
            error.message
                == "entry larger than its header states (\(document.count - 10) bytes): corrupt, or a zip bomb")
    }

    @Test func badCRCIsRejected() throws {
        let zip = try patch(try ArchiveWriter.data(Self.pair, format: .zip), entry: 1, .crc) { $0 ^ 0x10 }
        #expect(isTaken(zip))
        let (error, delivered) = try rejection(zip)
        #expect(delivered == ["a.json"])
        #expect(error.entry == "b.json")
        #expect(error.message == "corrupt archive: CRC-32 mismatch (the entry's data is damaged)")
    }

    @Test func damagedStoredSizesAreRejected() throws {
        // One stored entry whose compressed size says less than its stated size.
        var parts = try ZipParts(try ArchiveWriter.data(Self.pair, format: .zip))
        let stored = utf8("plain")
        let offset = parts.body.count
        parts.body +=
            le(0x0403_4B50, 4) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(0, 4) + le(4, 4)
            + le(stored.count, 4) + le(5, 2) + le(0, 2) + utf8("s.txt") + stored.prefix(4)
        parts.records.append(
            le(0x0201_4B50, 4) + le(20, 2) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(0, 4) + le(4, 4)
                + le(stored.count, 4) + le(5, 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(offset, 4)
                + utf8("s.txt"))
        let zip = parts.joined()
        #expect(isTaken(zip))
        let (error, _) = try rejection(zip)
        #expect(error.entry == "s.txt")
        #expect(error.message.hasPrefix("corrupt archive: the stored entry's sizes disagree"), "\(error)")
    }

    @Test func centralRecordsSharingOneLocalEntryAreRejected() throws {
        // The classic overlap bomb: one deflated entry, and 200 central records pointing at it.
        let base = try ZipParts(
            try ArchiveWriter.data([("zeros.json", [UInt8](repeating: 0x20, count: 1 << 20))], format: .zip))
        var parts = base
        parts.records = (0..<200).map { index in
            var record = base.records[0]
            let name = utf8(String(format: "z%09d.json", index))
            record.replaceSubrange(46..<(46 + 10), with: name.prefix(10))
            return record
        }
        let zip = parts.joined()
        let (error, delivered) = try rejection(zip)
        #expect(delivered.isEmpty)
        #expect(error.message.contains("entries overlap"), "\(error)")
        #expect(error.message.contains("zip bomb"))
    }

    @Test func anEntryNestedInAnotherEntrysDataIsRejected() throws {
        // Entry b's local header lies inside entry a's data (a stored "file" that contains it).
        let inner = try ArchiveWriter.data([("b.json", utf8("[2]"))], format: .zip)
        let innerParts = try ZipParts(inner)
        let outerData = innerParts.body  // b's local header and data
        // (a's CRC is never checked: the layout is refused first.)
        var body = le(0x0403_4B50, 4) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4)
        body += le(0, 4) + le(outerData.count, 4) + le(outerData.count, 4) + le(6, 2) + le(0, 2) + utf8("a.json")
        let innerStart = body.count
        body += outerData
        var bRecord = innerParts.records[0]
        write32(&bRecord, 42, UInt32(innerStart))
        let aRecord =
            le(0x0201_4B50, 4) + le(20, 2) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(0, 4)
            + le(outerData.count, 4) + le(outerData.count, 4) + le(6, 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 2)
            + le(0, 4) + le(0, 4) + utf8("a.json")
        var parts = innerParts
        parts.body = body
        parts.records = [aRecord, bRecord]
        let zip = parts.joined()
        let (error, delivered) = try rejection(zip)
        #expect(delivered.isEmpty)
        #expect(error.entry == "b.json")
        #expect(error.message.contains("entries overlap"), "\(error)")
    }

    @Test func dataRunningIntoTheCentralDirectoryIsRejected() throws {
        let zip = try patch(try ArchiveWriter.data(Self.pair, format: .zip), entry: 1, .compressedSize) { $0 + 100 }
        let (error, delivered) = try rejection(zip)
        #expect(delivered.isEmpty)
        #expect(error.entry == "b.json")
        #expect(error.message == "corrupt archive: the entry's data runs into the central directory")
    }

    /// A zip this reader does not take reads exactly as libarchive reads it.
    private func expectLeftToLibarchive(_ zip: [UInt8], _ label: String) {
        let left = isLeftToLibarchive(zip)
        #expect(left, "\(label): \(layout(zip))")
        let source = InputSource(displayName: "\(label).zip", location: .memory(zip))
        #expect(read(source, direct: true) == read(source, direct: false), "\(label)")
    }

    @Test func truncatedCentralDirectoriesAreLeftToLibarchive() throws {
        let zip = try ArchiveWriter.data(Self.pair, format: .zip)
        let parts = try ZipParts(zip)
        let directoryStart = parts.body.count
        // The end record states one byte less of directory (so the directory does not end at it),
        // or a record is cut short.
        var shorter = zip
        write32(&shorter, zip.count - 22 + 12, read32(zip, zip.count - 22 + 12) - 1)
        expectLeftToLibarchive(shorter, "shorter")
        var cut = parts
        cut.records[1] = Array(cut.records[1].prefix(30))
        expectLeftToLibarchive(cut.joined(), "cut")
        expectLeftToLibarchive(Array(zip[0..<(directoryStart + 10)]), "truncated")
    }

    @Test func commentGarbageAfterTheEndRecordIsHarmless() throws {
        let parts = try ZipParts(try ArchiveWriter.data(Self.pair, format: .zip))
        // A plain comment: read directly.
        let plain = parts.joined(comment: noise(500))
        let source = InputSource(displayName: "c.zip", location: .memory(plain))
        #expect(isTaken(plain))
        #expect(read(source, direct: true).entries == ["a.json", "b.json"])
        // A comment holding what looks like another end record: left to libarchive.
        let fake = le(0x0605_4B50, 4) + le(0, 8) + le(7, 4) + le(3, 4) + le(5, 2) + noise(5)
        expectLeftToLibarchive(parts.joined(comment: noise(100) + fake), "fake-end")
        // Bytes after the end record that its comment length does not cover: left to libarchive.
        expectLeftToLibarchive(parts.joined() + noise(50), "trailing")
    }

    @Test func encryptedEntriesAreLeftToLibarchive() throws {
        var zip = try ArchiveWriter.data([("secret.json", utf8("[1,2,3]"))], format: .zip)
        for offset in localHeaderOffsets(zip) { zip[offset + 6] |= 1 }
        for offset in signatureOffsets(zip, [0x50, 0x4B, 0x01, 0x02]) { zip[offset + 8] |= 1 }
        expectLeftToLibarchive(zip, "locked")
        let (error, _) = try rejection(zip)
        #expect(error.message.hasPrefix("entry is encrypted"))
    }

    @Test func namesThatAreNotPlainUTF8AreLeftToLibarchive() throws {
        for (label, byte) in [("invalid", UInt8(0xFF)), ("backslash", UInt8(ascii: "\\"))] {
            var zip = try ArchiveWriter.data([("bad_X_name.txt", utf8("hello"))], format: .zip)
            for offset in signatureOffsets(zip, utf8("bad_X_name")) { zip[offset + 4] = byte }
            expectLeftToLibarchive(zip, label)
        }
    }

    @Test func unknownMethodsAreLeftToLibarchive() throws {
        var zip = try ArchiveWriter.data(Self.pair, format: .zip)
        // Method 12 (bzip2) in both headers of the second entry; its data is still deflate.
        zip[localHeaderOffsets(zip)[1] + 8] = 12
        zip[signatureOffsets(zip, [0x50, 0x4B, 0x01, 0x02])[1] + 10] = 12
        expectLeftToLibarchive(zip, "bzip2")
        let (error, _) = try rejection(zip)
        #expect(error.entry == "b.json")
    }

    @Test(arguments: [false, true])
    func randomDamageNeverTrapsAndNeverPassesBadData(zip64: Bool) throws {
        // Thousands of damaged copies of one zip (bytes overwritten anywhere, or in its last 200
        // bytes: the directory and the end records; cut short): each is read or rejected, never a
        // trap, and what the direct path delivers is always the original content (its CRC-32 stands
        // between damage and the parser).
        let entries = Self.pair + [("c.txt", noise(3000))]
        let original = try ZipParts(try ArchiveWriter.data(entries, format: .zip)).joined(zip64: zip64)
        #expect(isTaken(original))
        let contents = Dictionary(uniqueKeysWithValues: entries.map { ($0.path, $0.bytes) })
        var random = SplitMix64(seed: zip64 ? 64 : 16)
        var taken = 0
        for round in 0..<3000 {
            var zip = original
            if round % 10 == 9 {
                zip.removeLast(Int(random.next() % UInt64(zip.count)))
            } else {
                let tail = round % 2 == 0 ? 200 : zip.count
                for _ in 0...(random.next() % 4) {
                    let at = zip.count - 1 - Int(random.next() % UInt64(tail))
                    zip[at] = UInt8(truncatingIfNeeded: random.next())
                }
            }
            if isTaken(zip) { taken += 1 }
            _ = try? InputReader().forEachEntry(of: InputSource(displayName: "d.zip", location: .memory(zip))) {
                name, bytes in
                if isTaken(zip), let expected = contents[name] {
                    let intact = bytes.array == expected
                    #expect(intact, "round \(round): \(name) delivered damaged")
                }
            }
        }
        #expect(taken > 500)
    }

    @Test func limitsHoldOnTheDirectPath() throws {
        let zip = try ArchiveWriter.data(
            [("a.json", utf8("[]")), ("zeros.json", [UInt8](repeating: 0, count: 10_000_000))], format: .zip)
        #expect(isTaken(zip))
        let ratio = try rejection(zip, limits: ImportLimits(maxCompressionRatio: 10))
        #expect(ratio.delivered == ["a.json"])
        #expect(ratio.error.message == "compression ratio beyond 10:1: not a real export (zip bomb?)")
        let entry = try rejection(zip, limits: ImportLimits(maxEntryBytes: 1 << 20))
        #expect(entry.error.entry == "zeros.json")
        #expect(entry.error.message == "entry larger than --max-entry-bytes (1048576 bytes)")
        let memory = try rejection(zip, limits: ImportLimits(maxMemoryBytes: 8 << 20))
        #expect(memory.error.message == "entry needs more memory than --max-memory allows (8388608 bytes)")
    }
}
