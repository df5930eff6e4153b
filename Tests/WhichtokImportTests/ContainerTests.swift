import Foundation
import Testing
import WhichtokSupport
import WhichtokTestSupport

@testable import WhichtokImport

/// Deterministic bytes that do not compress.
func noise(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return UInt8(truncatingIfNeeded: state)
    }
}

func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Reads every entry of `source`, copying bytes out of the reused buffer.
func readAll(_ source: InputSource, limits: ImportLimits = ImportLimits()) throws -> (
    entries: [(String, [UInt8])], digest: InputDigest
) {
    var entries: [(String, [UInt8])] = []
    let digest = try InputReader(limits: limits).forEachEntry(of: source) { path, bytes in
        entries.append((path, bytes.array))
    }
    return (entries, digest)
}

@Suite struct ContainerTests {
    static let sample: [(path: String, bytes: [UInt8])] = [
        ("user_data.json", utf8(#"{"Profile":{"Profile Information":{"ProfileMap":{"userName":"x"}}}}"#)),
        ("Activity/Like List.txt", utf8("Date: 2024-01-02 03:04:05\nLink: https://www.tiktokv.com/share/video/1/\n")),
        ("Activité/é.json", utf8("[1,2,3]")),
        ("Emoji 🎉/🎵 sounds.txt", utf8("ok")),
        ("empty.txt", []),
    ]

    // MARK: Reading archives

    @Test(arguments: [ArchiveWriter.Format.zip, .tar, .tarGzip])
    func readsArchiveEntriesInOrderWithUTF8Names(format: ArchiveWriter.Format) throws {
        let scratch = try TemporaryFolder()
        let path = scratch.file("export.bin")
        try ArchiveWriter.write(Self.sample, format: format, to: path)

        let (entries, digest) = try readAll(InputSource(displayName: "export.bin", location: .file(path)))
        #expect(entries.map(\.0) == Self.sample.map(\.path))
        #expect(entries.map(\.1) == Self.sample.map(\.bytes))
        #expect(digest.sha256 == SHA256.hash(try scratch.read("export.bin")))
        #expect(digest.bytesRead == Self.sample.reduce(0) { $0 + $1.bytes.count })
        #expect(digest.nested.isEmpty)
    }

    @Test func readsArchivesFromMemoryLikeFiles() throws {
        let zip = try ArchiveWriter.data(Self.sample, format: .zip)
        let (entries, digest) = try readAll(InputSource(displayName: "a.zip", location: .memory(zip)))
        #expect(entries.map(\.0) == Self.sample.map(\.path))
        #expect(digest.sha256 == SHA256.hash(zip))
    }

    @Test func singleGzipFileIsOneEntryNamedWithoutGz() throws {
        let scratch = try TemporaryFolder()
        let text = utf8("Date: 2024-01-02 03:04:05\nLink: https://example.invalid/1\n")
        let path = scratch.file("Like List.txt.gz")
        try ArchiveWriter.write([("ignored name", text)], format: .gzip, to: path)

        // The entry is named after the file, not the display name (which may hold anything, even "!").
        let (entries, digest) = try readAll(InputSource(displayName: "exp!orts/x.gz", location: .file(path)))
        #expect(entries.count == 1)
        #expect(entries.first?.0 == "Like List.txt")
        #expect(entries.first?.1 == text)
        #expect(digest.sha256 == SHA256.hash(try scratch.read("Like List.txt.gz")))
    }

    @Test func plainJSONAndTextFilesAreNotMistakenForArchives() throws {
        let scratch = try TemporaryFolder()
        let cases: [(String, [UInt8])] = [
            ("user_data.json", utf8(#"{"Activity":{"Like List":{"ItemFavoriteList":[]}}}"#)),
            ("tiny.json", utf8("{}")),
            // Text that libarchive's mtree reader would claim.
            ("Watch History.txt", utf8("#mtree\n./a type=file\nDate: 2024-01-01 00:00:00\n")),
            ("capture.har", utf8(#"{"log":{"version":"1.2","entries":[]}}"#)),
            // Starts with a zero block, which tar takes for an empty archive.
            ("zeros.json", [UInt8](repeating: 0, count: 4096)),
            (
                "big.json",
                utf8("[" + String(repeating: #"{"Date":"2024-01-01 00:00:00","Link":"x"},"#, count: 2000) + "{}]")
            ),
        ]
        for (name, bytes) in cases {
            let path = try scratch.write(name, bytes)
            let (entries, digest) = try readAll(InputSource(displayName: name, location: .file(path)))
            #expect(entries.count == 1, "\(name)")
            #expect(entries.first?.0 == name)
            #expect(entries.first?.1 == bytes, "\(name)")
            #expect(digest.sha256 == SHA256.hash(bytes))
            #expect(digest.bytesRead == bytes.count)
        }
    }

    /// Plain files of 1 MiB and more are mapped, not read: the bytes, the zeroed padding after
    /// them (whether the file ends mid-page, just before a page end or on one) and the SHA-256
    /// must be what reading gives.
    @Test(arguments: [1 << 20, (4 << 20) - 10, 4 << 20, (3 << 20) + 12_345])
    func largePlainFilesAreMappedWithPaddingAndDigest(size: Int) throws {
        let scratch = try TemporaryFolder()
        var bytes = [UInt8](repeating: 0, count: size)
        var state: UInt32 = 2_463_534_242
        for i in 0..<size {
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            bytes[i] = UInt8(truncatingIfNeeded: state) | 1
        }
        let path = try scratch.write("capture.har", bytes)
        var seen: [UInt8] = []
        var padding: [UInt8] = []
        var mapped = false
        let digest = try InputReader().forEachEntry(of: InputSource(displayName: "capture.har", location: .file(path)))
        { name, buffer in
            #expect(name == "capture.har")
            mapped = buffer.isMapped
            buffer.withUnsafeBytes { raw in
                seen = Array(raw)
                padding = Array(UnsafeRawBufferPointer(start: raw.baseAddress! + raw.count, count: PaddedBytes.padding))
            }
        }
        #expect(mapped)
        #expect(seen == bytes)
        #expect(padding == [UInt8](repeating: 0, count: PaddedBytes.padding))
        #expect(digest.sha256 == SHA256.hash(bytes))
        #expect(digest.bytesRead == size)
        #expect(try scratch.read("capture.har") == bytes, "the mapping is private: the file is unchanged")
    }

    @Test func mappedFileBeyondMaxEntryBytesIsRejected() throws {
        let scratch = try TemporaryFolder()
        let path = try scratch.write("big.har", [UInt8](repeating: 0x20, count: 3 << 20))
        var delivered = 0
        let error = try #require(throws: InputError.self) {
            try InputReader(limits: ImportLimits(maxEntryBytes: 2 << 20))
                .forEachEntry(of: InputSource(displayName: "big.har", location: .file(path))) { _, _ in delivered += 1 }
        }
        #expect(delivered == 0)
        #expect(error.entry == "big.har")
        #expect(error.message == "entry larger than --max-entry-bytes (2097152 bytes)")
    }

    @Test func contentDecidesTheFormatNotTheName() throws {
        let scratch = try TemporaryFolder()
        let path = scratch.file("looks-like.json")
        try ArchiveWriter.write(Self.sample, format: .zip, to: path)
        let (entries, _) = try readAll(InputSource(displayName: "looks-like.json", location: .file(path)))
        #expect(entries.map(\.0) == Self.sample.map(\.path))
    }

    @Test func nestedArchivesAreReturnedNotDelivered() throws {
        let inner = try ArchiveWriter.data([("inner.json", utf8("[1]"))], format: .zip)
        let innerGz = try ArchiveWriter.data([("x", utf8(#"{"log":{}}"#))], format: .gzip)
        let scratch = try TemporaryFolder()
        let path = scratch.file("outer.zip")
        try ArchiveWriter.write(
            [("a.txt", utf8("a")), ("deep/inner.zip", inner), ("net.har.gz", innerGz), ("z.txt", utf8("z"))],
            format: .zip, to: path)

        let (entries, digest) = try readAll(InputSource(displayName: "outer.zip", location: .file(path)))
        #expect(entries.map(\.0) == ["a.txt", "z.txt"])
        #expect(digest.nested.map(\.displayName) == ["outer.zip!deep/inner.zip", "outer.zip!net.har.gz"])
        #expect(digest.nested.first?.location == .memory(inner))

        let nestedZip = try #require(digest.nested.first)
        let (innerEntries, innerDigest) = try readAll(nestedZip)
        #expect(innerEntries.map(\.0) == ["inner.json"])
        #expect(innerDigest.sha256 == SHA256.hash(inner))

        let nestedGz = try #require(digest.nested.last)
        let (gzEntries, _) = try readAll(nestedGz)
        #expect(gzEntries.map(\.0) == ["net.har"])
        #expect(gzEntries.first?.1 == utf8(#"{"log":{}}"#))
    }

    @Test func skipsFoldersAndMacMetadata() throws {
        let zip = try ArchiveWriter.data(
            [("__MACOSX/._user_data.json", [0, 5, 22, 7]), ("data/._x.txt", [1]), ("data/x.txt", utf8("x"))],
            format: .zip)
        let (entries, _) = try readAll(InputSource(displayName: "m.zip", location: .memory(zip)))
        #expect(entries.map(\.0) == ["data/x.txt"])
    }

    @Test func deliveredBufferHasZeroPaddingEvenWhenReused() throws {
        let zip = try ArchiveWriter.data(
            [("big.json", [UInt8](repeating: 0xFF, count: 100_000)), ("small.json", utf8("{}"))], format: .zip)
        var checked = 0
        _ = try InputReader().forEachEntry(of: InputSource(displayName: "p.zip", location: .memory(zip))) { _, bytes in
            bytes.withUnsafeBytes { raw in
                let padding = UnsafeRawBufferPointer(
                    start: raw.baseAddress.map { $0 + raw.count }, count: PaddedBytes.padding)
                #expect(padding.allSatisfy { $0 == 0 })
            }
            checked += 1
        }
        #expect(checked == 2)
    }

    @Test func errorsFromBodyPropagateUnchanged() throws {
        struct Stop: Error, Equatable { var at: String }
        let zip = try ArchiveWriter.data(Self.sample, format: .zip)
        #expect(throws: Stop(at: "Activity/Like List.txt")) {
            try InputReader().forEachEntry(of: InputSource(displayName: "s.zip", location: .memory(zip))) { path, _ in
                if path.hasSuffix(".txt") { throw Stop(at: path) }
            }
        }
    }

    // MARK: Bad input

    @Test func truncatedZipNamesTheEntryBeingRead() throws {
        let second = "Activity/Like\u{1b}[31mList.txt"
        let zip = try ArchiveWriter.data([("first.json", utf8("[1]")), (second, noise(200_000))], format: .zip)
        // Cut in the middle of the second entry's data.
        let headers = localHeaderOffsets(zip)
        try #require(headers.count == 2)
        let cut = Array(zip[0..<(headers[1] + 100_000)])

        let scratch = try TemporaryFolder()
        let path = try scratch.write("cut.zip", cut)
        var delivered: [String] = []
        let error = try #require(throws: InputError.self) {
            try InputReader().forEachEntry(of: InputSource(displayName: "cut.zip", location: .file(path))) { name, _ in
                delivered.append(name)
            }
        }
        #expect(delivered == ["first.json"])
        #expect(error.kind == .rejected)
        #expect(error.input == "cut.zip")
        #expect(error.entry == "Activity/Like\\u{1b}[31mList.txt")
        #expect(error.message.lowercased().contains("truncated"))
        #expect(error.description.hasPrefix("cut.zip:Activity/Like\\u{1b}[31mList.txt: offset "))
        #expect(!error.description.contains("\u{1b}"))
    }

    @Test func archivesCutBetweenEntriesAreRejected() throws {
        let entries: [(path: String, bytes: [UInt8])] = [("first.json", utf8("[1]")), ("second.json", noise(5000))]
        let zip = try ArchiveWriter.data(entries, format: .zip)
        let tar = try ArchiveWriter.data(entries, format: .tar)
        let headers = localHeaderOffsets(zip)
        try #require(headers.count == 2)
        let cuts: [(String, [UInt8])] = [
            ("at-second-header.zip", Array(zip[0..<headers[1]])),
            ("in-central-directory.zip", Array(zip[0..<(zip.count - 40)])),
            ("last-byte-missing.zip", Array(zip[0..<(zip.count - 1)])),
            ("in-first-header.zip", Array(zip[0..<20])),
            ("after-first-entry.tar", Array(tar[0..<1024])),
            ("before-end-marker.tar", Array(tar[0..<(tar.count - 1024)])),
            ("mid-entry.tar", Array(tar[0..<2000])),
        ]
        for (name, bytes) in cuts {
            let error = try #require(throws: InputError.self, "\(name)") {
                try readAll(InputSource(displayName: name, location: .memory(bytes)))
            }
            #expect(error.kind == .rejected, "\(name)")
            #expect(error.message.hasPrefix("corrupt or truncated archive"), "\(name): \(error)")
        }
        // The uncut archives are fine.
        #expect(try readAll(InputSource(displayName: "ok.zip", location: .memory(zip))).entries.count == 2)
        #expect(try readAll(InputSource(displayName: "ok.tar", location: .memory(tar))).entries.count == 2)
    }

    @Test(arguments: [ArchiveWriter.Format.zip, .tar, .tarGzip])
    func digestCoversBytesThatTheReaderSkipped(format: ArchiveWriter.Format) throws {
        // libarchive seeks over large entries it is not asked to read; the digest must still be of
        // every byte of the file.
        let scratch = try TemporaryFolder()
        let path = scratch.file("skip.archive")
        try ArchiveWriter.write(
            // Larger than the reader's 1 MiB read size, so that whole stretches are never read.
            [
                ("__MACOSX/._big", noise(1_200_000)), ("a.txt", utf8("a")),
                ("__MACOSX/._big2", noise(1_100_000, seed: 7)),
            ],
            format: format, to: path)
        let (entries, digest) = try readAll(InputSource(displayName: "skip", location: .file(path)))
        #expect(entries.map(\.0) == ["a.txt"])
        #expect(digest.sha256 == SHA256.hash(try scratch.read("skip.archive")))
        #expect(digest.bytesRead == 1)
    }

    @Test func fifoIsRejectedWithoutBlocking() throws {
        let scratch = try TemporaryFolder()
        let path = scratch.file("pipe.zip")
        try #require(mkfifo(path, 0o600) == 0)
        let read = try #require(throws: InputError.self) {
            try readAll(InputSource(displayName: "pipe.zip", location: .file(path)))
        }
        #expect(read.kind == .rejected)
        #expect(read.message.contains("not a regular file"))
        let discovered = try #require(throws: InputError.self) { try discoverInputs([path]) }
        #expect(discovered.kind == .rejected)
        // Inside a folder it is simply not an input.
        #expect(try discoverInputs([scratch.path]).isEmpty)
    }

    @Test func corruptDeflateDataIsRejected() throws {
        var zip = try ArchiveWriter.data(
            [("data.json", utf8(String(repeating: "[1,2,3],", count: 5000)))], format: .zip)
        let headers = localHeaderOffsets(zip)
        try #require(headers.count == 1)
        // Scribble over the compressed data (after the 30-byte header and the name).
        for i in (headers[0] + 30 + 9 + 40)..<(headers[0] + 30 + 9 + 80) { zip[i] = 0xA5 }
        let error = try #require(throws: InputError.self) {
            try readAll(InputSource(displayName: "bad.zip", location: .memory(zip)))
        }
        #expect(error.kind == .rejected)
        #expect(error.entry == "data.json")
    }

    @Test func randomBytesNamedZipAreRejected() throws {
        let scratch = try TemporaryFolder()
        let path = try scratch.write("random.zip", noise(10_000))
        let error = try #require(throws: InputError.self) {
            try readAll(InputSource(displayName: "random.zip", location: .file(path)))
        }
        #expect(error.kind == .rejected)
        #expect(error.input == "random.zip")
        #expect(error.entry == nil)
        #expect(error.message.contains("archive"))
    }

    @Test func plainBytesNamedGzAreRejected() throws {
        let scratch = try TemporaryFolder()
        let path = try scratch.write("Like List.txt.gz", utf8("Date: 2024-01-01\n"))
        let error = try #require(throws: InputError.self) {
            try readAll(InputSource(displayName: "Like List.txt.gz", location: .file(path)))
        }
        #expect(error.kind == .rejected)
        #expect(error.message.contains("not gz data"))
    }

    @Test func emptyInputsAreRejected() throws {
        let scratch = try TemporaryFolder()
        let path = try scratch.write("empty.zip", [])
        let error = try #require(throws: InputError.self) {
            try readAll(InputSource(displayName: "empty.zip", location: .file(path)))
        }
        #expect(error.kind == .rejected)
        #expect(error.description == "empty.zip: empty input")

        let memory = try #require(throws: InputError.self) {
            try readAll(InputSource(displayName: "x!y.zip", location: .memory([])))
        }
        #expect(memory.message == "empty input")

        let noFiles = try #require(throws: InputError.self) {
            try readAll(InputSource(displayName: "d", location: .files(root: scratch.path, paths: [])))
        }
        #expect(noFiles.message == "empty input")
    }

    @Test func missingFileIsNotFoundAndAFolderIsRejected() throws {
        let scratch = try TemporaryFolder()
        let missing = try #require(throws: InputError.self) {
            try readAll(InputSource(displayName: "gone.zip", location: .file(scratch.file("gone.zip"))))
        }
        #expect(missing.kind == .notFound)
        #expect(missing.input == "gone.zip")

        let folder = try #require(throws: InputError.self) {
            try readAll(InputSource(displayName: "dir", location: .file(scratch.path)))
        }
        #expect(folder.kind == .rejected)
        #expect(folder.message.contains("directory"))
    }

    @Test func encryptedEntryIsRejected() throws {
        var zip = try ArchiveWriter.data([("secret.json", utf8("[1,2,3]"))], format: .zip)
        // Set the "encrypted" flag (bit 0 of the general purpose flags) in the local and central headers.
        for offset in localHeaderOffsets(zip) { zip[offset + 6] |= 1 }
        for offset in signatureOffsets(zip, [0x50, 0x4B, 0x01, 0x02]) { zip[offset + 8] |= 1 }
        let error = try #require(throws: InputError.self) {
            try readAll(InputSource(displayName: "locked.zip", location: .memory(zip)))
        }
        #expect(error.kind == .rejected)
        #expect(error.entry == "secret.json")
        #expect(error.message.hasPrefix("entry is encrypted"))
    }

    @Test func invalidUTF8EntryNameIsRepairedNotDropped() throws {
        var zip = try ArchiveWriter.data([("bad_X_name.txt", utf8("hello"))], format: .zip)
        // Replace the "X" in the stored names (local and central headers) with a lone 0xFF byte.
        let marker = utf8("bad_X_name")
        for offset in signatureOffsets(zip, marker) { zip[offset + 4] = 0xFF }
        let (entries, _) = try readAll(InputSource(displayName: "names.zip", location: .memory(zip)))
        #expect(entries.count == 1)
        let name = try #require(entries.first?.0)
        #expect(name.hasPrefix("bad_"))
        #expect(name.hasSuffix("_name.txt"))
        #expect(entries.first?.1 == utf8("hello"))
    }

    // MARK: Limits

    @Test func zipBombEntryBeyondMaxEntryBytesIsRejected() throws {
        let scratch = try TemporaryFolder()
        let path = scratch.file("bomb.zip")
        try ArchiveWriter.write([("zeros.json", [UInt8](repeating: 0, count: 50_000_000))], format: .zip, to: path)
        var delivered = 0
        let error = try #require(throws: InputError.self) {
            try InputReader(limits: ImportLimits(maxEntryBytes: 1 << 20, maxCompressionRatio: 100_000))
                .forEachEntry(of: InputSource(displayName: "bomb.zip", location: .file(path))) { _, _ in delivered += 1
                }
        }
        #expect(delivered == 0)
        #expect(error.kind == .rejected)
        #expect(error.entry == "zeros.json")
        #expect(error.message == "entry larger than --max-entry-bytes (1048576 bytes)")
    }

    @Test func entryLargerThanLimitIsStoppedWhileReading() throws {
        // A .gz records no size up front: the limit must stop the read itself.
        let gz = try ArchiveWriter.data([("x", [UInt8](repeating: 0, count: 50_000_000))], format: .gzip)
        let error = try #require(throws: InputError.self) {
            try readAll(
                InputSource(displayName: "zeros.json.gz", location: .memory(gz)),
                limits: ImportLimits(maxEntryBytes: 1 << 20, maxCompressionRatio: 100_000))
        }
        #expect(error.entry == "zeros.json")
        #expect(error.message == "entry larger than --max-entry-bytes (1048576 bytes)")
    }

    @Test func compressionRatioBeyondLimitIsRejected() throws {
        let zip = try ArchiveWriter.data(
            [("a.json", utf8("[]")), ("zeros.json", [UInt8](repeating: 0, count: 10_000_000))], format: .zip)
        var delivered: [String] = []
        let error = try #require(throws: InputError.self) {
            try InputReader(limits: ImportLimits(maxCompressionRatio: 10))
                .forEachEntry(of: InputSource(displayName: "r.zip", location: .memory(zip))) { name, _ in
                    delivered.append(name)
                }
        }
        #expect(delivered == ["a.json"])
        #expect(error.entry == "zeros.json")
        #expect(error.message == "compression ratio beyond 10:1: not a real export (zip bomb?)")

        // The same archive is fine under the default limits.
        let (entries, _) = try readAll(InputSource(displayName: "r.zip", location: .memory(zip)))
        #expect(entries.map(\.0) == ["a.json", "zeros.json"])
    }

    // MARK: Writing

    @Test(arguments: [ArchiveWriter.Format.zip, .tar, .tarGzip])
    func sameEntriesGiveIdenticalBytes(format: ArchiveWriter.Format) throws {
        let scratch = try TemporaryFolder()
        let first = try ArchiveWriter.data(Self.sample, format: format)
        let second = try ArchiveWriter.data(Self.sample, format: format)
        #expect(first == second)
        let path = scratch.file("nested/folder/out.archive")
        try ArchiveWriter.write(Self.sample, format: format, to: path)
        #expect(try scratch.read("nested/folder/out.archive") == first)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.file("nested/folder"))
        #expect(leftovers == ["out.archive"])
        // A different entry order is a different archive.
        #expect(try ArchiveWriter.data(Self.sample.reversed(), format: format) != first)
    }

    @Test func gzipIsDeterministicAndHoldsOneEntry() throws {
        let one = try ArchiveWriter.data([("a", utf8("hello"))], format: .gzip)
        #expect(one == (try ArchiveWriter.data([("a", utf8("hello"))], format: .gzip)))
        #expect(Array(one.prefix(2)) == [0x1F, 0x8B])
        #expect(one[4..<8].allSatisfy { $0 == 0 })  // no time stamp
        #expect(throws: ArchiveWriteError.self) {
            try ArchiveWriter.data([("a", [1]), ("b", [2])], format: .gzip)
        }
    }

    @Test func writtenZipHasFixedTimesWhateverTheTimeZone() throws {
        let zip = try ArchiveWriter.data([("a.txt", utf8("a")), ("b.txt", utf8("b"))], format: .zip)
        // The extended-timestamp extra field holds the UTC mtime: 1704067200 = 0x65920080, little-endian.
        #expect(signatureOffsets(zip, [0x80, 0x00, 0x92, 0x65]).count >= 2)
        // MS-DOS time 00:00:00 and date 2024-01-01 (0x5821) in every local and central header.
        let local = localHeaderOffsets(zip)
        let central = signatureOffsets(zip, [0x50, 0x4B, 0x01, 0x02])
        #expect(local.count == 2 && central.count == 2)
        for offset in local { #expect(Array(zip[(offset + 10)..<(offset + 14)]) == [0, 0, 0x21, 0x58]) }
        for offset in central { #expect(Array(zip[(offset + 12)..<(offset + 16)]) == [0, 0, 0x21, 0x58]) }

        // Times written in another zone are put right.
        var shifted = zip
        for offset in local {
            shifted[offset + 11] = 0x60
            shifted[offset + 12] = 0x20
        }
        for offset in central {
            shifted[offset + 13] = 0x60
            shifted[offset + 14] = 0x20
        }
        #expect(shifted != zip)
        #expect(ArchiveWriter.fixZipTimes(&shifted))
        #expect(shifted == zip)
    }

    // MARK: Discovery

    @Test func discoveryFindsArchivesLooseFilesAndGroupsText() throws {
        let scratch = try TemporaryFolder()
        let top = scratch.file("in")
        let zip = try ArchiveWriter.data([("user_data.json", utf8("{}"))], format: .zip)
        try scratch.write("in/b.zip", zip)
        try scratch.write("in/a.zip", zip)
        try scratch.write("in/notes.txt", utf8("loose"))
        try scratch.write("in/sub/more.txt", utf8("loose too"))
        try scratch.write("in/sub/capture.har.gz", try ArchiveWriter.data([("x", utf8("{}"))], format: .gzip))
        try scratch.write("in/sub/user_data.json", utf8("{}"))
        try scratch.write("in/sub/photo.jpg", [0xFF, 0xD8])
        try scratch.write("in/.hidden.zip", zip)
        try scratch.write("in/.cache/x.txt", utf8("hidden"))
        try scratch.write("in/wrap/TikTok_Data_1735588272/Tiktok/Activity/Like List.txt", utf8("Date: x\n"))
        try scratch.write("in/wrap/TikTok_Data_1735588272/Tiktok/Activity/Search History.txt", utf8("Date: y\n"))
        try scratch.write("in/wrap/TikTok_Data_1735588272/Tiktok/Profile/Profile Info.txt", utf8("Username: z\n"))
        try scratch.write("in/tiktok_data_2/Direct Messages.txt", utf8("dm"))
        try FileManager.default.createSymbolicLink(atPath: scratch.file("in/sub/loop"), withDestinationPath: top)
        try FileManager.default.createSymbolicLink(
            atPath: scratch.file("in/sub/dangling.zip"), withDestinationPath: scratch.file("nowhere"))

        let inputs = try discoverInputs([top + "/"])
        let expected: [InputSource] = [
            InputSource(displayName: top, location: .files(root: top, paths: ["notes.txt", "sub/more.txt"])),
            InputSource(displayName: top + "/a.zip", location: .file(top + "/a.zip")),
            InputSource(displayName: top + "/b.zip", location: .file(top + "/b.zip")),
            InputSource(displayName: top + "/sub/capture.har.gz", location: .file(top + "/sub/capture.har.gz")),
            InputSource(displayName: top + "/sub/user_data.json", location: .file(top + "/sub/user_data.json")),
            InputSource(
                displayName: top + "/tiktok_data_2",
                location: .files(root: top + "/tiktok_data_2", paths: ["Direct Messages.txt"])),
            InputSource(
                displayName: top + "/wrap/TikTok_Data_1735588272",
                location: .files(
                    root: top + "/wrap/TikTok_Data_1735588272",
                    paths: [
                        "Tiktok/Activity/Like List.txt", "Tiktok/Activity/Search History.txt",
                        "Tiktok/Profile/Profile Info.txt",
                    ])),
        ]
        #expect(inputs.map(\.displayName) == expected.map(\.displayName))
        #expect(inputs == expected)

        // Loose text of one export is read as one input, named relative to its root.
        let export = try #require(inputs.last)
        let (entries, digest) = try readAll(export)
        #expect(
            entries.map(\.0) == [
                "Tiktok/Activity/Like List.txt", "Tiktok/Activity/Search History.txt",
                "Tiktok/Profile/Profile Info.txt",
            ])
        #expect(entries.first?.1 == utf8("Date: x\n"))
        #expect(digest.bytesRead == 8 + 8 + 12)
        #expect(digest.sha256 == (try readAll(export).digest.sha256))

        // Changing one file's content changes the digest.
        try scratch.write("in/wrap/TikTok_Data_1735588272/Tiktok/Activity/Like List.txt", utf8("Date: X\n"))
        #expect(try readAll(export).digest.sha256 != digest.sha256)
    }

    @Test func discoveryTakesGivenFilesAsTheyAreAndSortsAndDeduplicates() throws {
        let scratch = try TemporaryFolder()
        let b = try scratch.write("b.txt", utf8("b"))
        let a = try scratch.write("a.bin", utf8("a"))
        let inputs = try discoverInputs([b, a, b])
        #expect(
            inputs == [
                InputSource(displayName: a, location: .file(a)),
                InputSource(displayName: b, location: .file(b)),
            ])
    }

    @Test func discoveryOfAMissingPathIsNotFound() throws {
        let scratch = try TemporaryFolder()
        let error = try #require(throws: InputError.self) {
            try discoverInputs([scratch.path, scratch.file("missing.zip")])
        }
        #expect(error.kind == .notFound)
        #expect(error.input == scratch.file("missing.zip"))
        #expect(error.description == scratch.file("missing.zip") + ": no such file or directory")
    }

    @Test func looseFilesWithAMissingMemberNameIt() throws {
        let scratch = try TemporaryFolder()
        try scratch.write("TikTok_Data_1/a.txt", utf8("a"))
        let source = InputSource(
            displayName: "TikTok_Data_1",
            location: .files(root: scratch.file("TikTok_Data_1"), paths: ["a.txt", "b.txt"]))
        let error = try #require(throws: InputError.self) { try readAll(source) }
        #expect(error.kind == .notFound)
        #expect(error.entry == "b.txt")
    }

    @Test func namesAreSanitisedForDisplayOnly() {
        #expect(Names.display("a\u{1b}[2Jb\u{7f}\u{202e}c\né") == "a\\u{1b}[2Jb\\u{7f}\\u{202e}c\\u{a}é")
        #expect(Names.display("Activité/🎉.txt") == "Activité/🎉.txt")
    }
}

/// Offsets of every occurrence of `pattern` in `bytes`.
func signatureOffsets(_ bytes: [UInt8], _ pattern: [UInt8]) -> [Int] {
    guard bytes.count >= pattern.count else { return [] }
    return (0...(bytes.count - pattern.count)).filter { start in
        pattern.indices.allSatisfy { bytes[start + $0] == pattern[$0] }
    }
}

/// Offsets of zip local file headers ("PK\u{3}\u{4}").
func localHeaderOffsets(_ zip: [UInt8]) -> [Int] {
    signatureOffsets(zip, [0x50, 0x4B, 0x03, 0x04])
}
