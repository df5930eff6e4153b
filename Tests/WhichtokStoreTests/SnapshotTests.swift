import Foundation
import Testing
import WhichtokTestSupport

@testable import WhichtokStore

@Suite("Snapshot file")
struct SnapshotTests {
    let folder: TemporaryFolder
    var directory: String { folder.path }

    init() throws { folder = try TemporaryFolder("snapshot") }

    func sample() throws -> Store { try Fixture.build([Fixture.alice(), Fixture.bob(), Fixture.anonymous(3)]) }

    @Test("XXH64 matches the reference vectors")
    func xxh64Vectors() throws {
        let empty = [UInt8]().withUnsafeBytes { XXH64.hash($0) }
        let abc = Array("abc".utf8).withUnsafeBytes { XXH64.hash($0) }
        let long = Array("Nobody inspects the spammish repetition".utf8).withUnsafeBytes { XXH64.hash($0) }
        #expect(empty == 0xEF46_DB37_51D8_E999)
        #expect(abc == 0x44BC_2CF5_AD77_0999)
        #expect(long == 0xFBCE_A83C_8A37_8BF1)
    }

    @Test("XXH64 of bytes given in pieces is the hash of all of them at once")
    func xxh64Pieces() throws {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 31, 32, 33, 64, 100, 1000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let whole = bytes.withUnsafeBytes { XXH64.hash($0) }
            for piece in [1, 3, 7, 32, 33, 500] {
                var hasher = XXH64.Hasher()
                for start in stride(from: 0, to: length, by: piece) {
                    bytes[start..<min(start + piece, length)].withUnsafeBytes { hasher.update($0) }
                }
                #expect(hasher.finalize() == whole, "length \(length) in pieces of \(piece)")
            }
        }
    }

    @Test("save then load gives the same store, and saving twice gives the same bytes")
    func roundTrip() throws {
        let store = try sample()
        let path = directory + "/a.store"
        try store.save(to: path)
        let loaded = try Store.load(from: path)
        #expect(loaded == store)
        let again = directory + "/b.store"
        try loaded.save(to: again)
        #expect(FileManager.default.contents(atPath: path) == FileManager.default.contents(atPath: again))
        // No temporary file is left behind.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }

    @Test("a file of several writeback steps (records of 20 MiB) reads back the same")
    func largeFile() throws {
        let store = try sample()
        var records = InputRecords()
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for i in 0..<5 {
            // Bytes that differ all along (a linear congruential sequence, fast in a debug build).
            let count = (4 << 20) + 1234 * i
            let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                for j in 0..<count {
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    buffer[j] = UInt8(truncatingIfNeeded: state >> 56)
                }
                initialized = count
            }
            records.append(sha: [UInt8](repeating: UInt8(i), count: 32), record: bytes)
        }
        let path = directory + "/large.store"
        try store.save(to: path, records: records)
        #expect(Snapshot.Writer.writebackStep < records.bytes.count)
        #expect(try Store.load(from: path) == store)
        #expect(try Store.loadRecords(from: path) == records)
    }

    @Test("an empty store round-trips")
    func emptyRoundTrip() throws {
        let path = directory + "/empty.store"
        try Store().save(to: path)
        #expect(try Store.load(from: path) == Store())
    }

    @Test("a flipped byte anywhere is caught")
    func corruption() throws {
        let path = directory + "/c.store"
        try sample().save(to: path)
        let original = try #require(FileManager.default.contents(atPath: path))
        // Header, section table and a column.
        for offset in [10, 70, original.count - 20] {
            var bytes = [UInt8](original)
            bytes[offset] ^= 0x40
            let damaged = directory + "/damaged-\(offset).store"
            _ = FileManager.default.createFile(atPath: damaged, contents: Data(bytes))
            #expect(throws: StoreError.self) { try Store.load(from: damaged) }
            do {
                _ = try Store.load(from: damaged)
            } catch {
                #expect(error.code == .corrupt)
                #expect(error.description.contains("corrupt"))
            }
        }
    }

    @Test("several damaged columns: the error names the first in the file's order, whichever thread read it")
    func firstDamagedColumn() throws {
        let path = directory + "/columns.store"
        try sample().save(to: path)
        let original = [UInt8](try #require(FileManager.default.contents(atPath: path)))
        let sections = try Snapshot.Reader(path: path).sections
        func error(damaging names: [String]) throws -> String {
            var bytes = original
            for name in names {
                let section = try #require(sections[name], "\(name)")
                #expect(section.count > 0, "\(name) is empty in the sample")
                bytes[section.offset] ^= 0x40
            }
            let damaged = directory + "/damaged-\(names.joined(separator: "-")).store"
            _ = FileManager.default.createFile(atPath: damaged, contents: Data(bytes))
            do {
                _ = try Store.load(from: damaged)
            } catch {
                #expect(error.code == .corrupt)
                return error.message
            }
            Issue.record("loaded a store with damaged \(names)")
            return ""
        }
        // `events.object` and after are read by the second thread, the rest by the first.
        #expect(try error(damaging: ["events.time"]).contains("'events.time' checksum mismatch"))
        #expect(try error(damaging: ["accounts.flags"]).contains("'accounts.flags' checksum mismatch"))
        #expect(try error(damaging: ["events.actor", "events.time"]).contains("'events.actor'"))
        #expect(try error(damaging: ["events.time", "inputs.layout"]).contains("'events.time'"))
        #expect(try error(damaging: ["events.objectType", "events.object"]).contains("'events.objectType'"))
    }

    @Test("a truncated file, a foreign file and a missing file give clear errors")
    func badFiles() throws {
        let path = directory + "/t.store"
        try sample().save(to: path)
        let original = try #require(FileManager.default.contents(atPath: path))
        let truncated = directory + "/truncated.store"
        _ = FileManager.default.createFile(atPath: truncated, contents: original.prefix(original.count / 2))
        do {
            _ = try Store.load(from: truncated)
            Issue.record("loaded a truncated store")
        } catch {
            #expect(error.code == .corrupt)
        }
        let foreign = directory + "/foreign.store"
        _ = FileManager.default.createFile(atPath: foreign, contents: Data(repeating: 0x41, count: 500))
        do {
            _ = try Store.load(from: foreign)
            Issue.record("loaded a foreign file")
        } catch {
            #expect(error.message.contains("not a whichtok store"))
        }
        do {
            _ = try Store.load(from: directory + "/missing.store")
            Issue.record("loaded nothing")
        } catch {
            #expect(error.code == .notFound)
        }
        #expect(try Store.loadOrEmpty(from: directory + "/missing.store") == Store())
    }

    @Test("a newer format version is refused with a message that says so")
    func newerVersion() throws {
        let path = directory + "/v.store"
        try sample().save(to: path)
        var bytes = [UInt8](try #require(FileManager.default.contents(atPath: path)))
        Snapshot.store(UInt32(99), into: &bytes, at: 8)
        let headerHash = bytes.withUnsafeBytes { XXH64.hash(UnsafeRawBufferPointer(rebasing: $0[0..<56])) }
        Snapshot.store(headerHash, into: &bytes, at: 56)
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        do {
            _ = try Store.load(from: path)
            Issue.record("loaded a newer version")
        } catch {
            #expect(error.code == .newerVersion)
            #expect(error.message.contains("99"))
        }
    }

    @Test("a failed save leaves the previous store in place")
    func failedSaveKeepsOldFile() throws {
        let path = directory + "/keep.store"
        let old = try sample()
        try old.save(to: path)
        // A directory where the temporary file would go makes the save fail.
        let blocker = path + ".tmp-\(getpid())"
        try FileManager.default.createDirectory(atPath: blocker, withIntermediateDirectories: true)
        #expect(throws: StoreError.self) { try Store().save(to: path) }
        #expect(try Store.load(from: path) == old)
        // A leftover temporary file from a crashed save does not disturb loading either.
        try FileManager.default.removeItem(atPath: blocker)
        _ = FileManager.default.createFile(atPath: blocker, contents: Data([1, 2, 3]))
        #expect(try Store.load(from: path) == old)
    }

    @Test("details are stored only for the events that have one, and read back per event")
    func sparseDetails() throws {
        let store = try sample()
        let events = store.events
        // Alice's share (method) and two messages (fingerprint, video link) have details.
        #expect(events.detailIndex.count == 3)
        let dense = events.denseDetails
        for index in 0..<events.count { #expect(events.detail(index) == dense[index]) }
        var broken = store
        broken.events.detailIndex.reverse()
        #expect(broken.consistencyProblem() == "event details are out of order")
    }

    @Test("references out of range are refused at load")
    func consistency() throws {
        var store = try sample()
        store.events.actor[0] = 999
        #expect(store.consistencyProblem() != nil)
        let path = directory + "/bad-ref.store"
        try store.save(to: path)
        #expect(throws: StoreError.self) { try Store.load(from: path) }
        #expect(try sample().consistencyProblem() == nil)
    }
}
