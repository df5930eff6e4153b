import Foundation
import Testing
import WhichtokTestSupport

@testable import WhichtokStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A store file whose fields were changed and whose checksums were recomputed, as a forger would.
struct ForgedStore {
    var bytes: [UInt8]

    init(_ data: Data) { bytes = [UInt8](data) }

    var sectionCount: Int { Int(Snapshot.load(bytes, 12) as UInt32) }
    var tableOffset: Int { Int(Snapshot.load(bytes, 16) as UInt64) }

    mutating func setHeader(_ value: UInt64, at offset: Int) {
        Snapshot.store(value, into: &bytes, at: offset)
        rehashHeader()
    }

    /// Sets a field of section `index`'s table entry (40: count, 48: offset) and rehashes.
    mutating func setSection(_ index: Int, field: Int, _ value: UInt64) {
        let table = tableOffset
        Snapshot.store(value, into: &bytes, at: table + index * Snapshot.entrySize + field)
        let hash = bytes.withUnsafeBytes {
            XXH64.hash(UnsafeRawBufferPointer(rebasing: $0[table..<table + sectionCount * Snapshot.entrySize]))
        }
        Snapshot.store(hash, into: &bytes, at: 32)
        rehashHeader()
    }

    mutating func setSection(_ index: Int, elementSize: UInt32) {
        let table = tableOffset
        Snapshot.store(elementSize, into: &bytes, at: table + index * Snapshot.entrySize + 32)
        let hash = bytes.withUnsafeBytes {
            XXH64.hash(UnsafeRawBufferPointer(rebasing: $0[table..<table + sectionCount * Snapshot.entrySize]))
        }
        Snapshot.store(hash, into: &bytes, at: 32)
        rehashHeader()
    }

    /// Recomputes section `index`'s column checksum after its bytes were changed, then the table's.
    mutating func rehashSection(_ index: Int) {
        let entry = tableOffset + index * Snapshot.entrySize
        let elementSize = Int(Snapshot.load(bytes, entry + 32) as UInt32)
        let count = Int(Snapshot.load(bytes, entry + 40) as UInt64)
        let offset = Int(Snapshot.load(bytes, entry + 48) as UInt64)
        let hash = bytes.withUnsafeBytes {
            XXH64.hash(UnsafeRawBufferPointer(rebasing: $0[offset..<offset + elementSize * count]))
        }
        setSection(index, field: 56, hash)
    }

    private mutating func rehashHeader() {
        let hash = bytes.withUnsafeBytes { XXH64.hash(UnsafeRawBufferPointer(rebasing: $0[0..<56])) }
        Snapshot.store(hash, into: &bytes, at: 56)
    }
}

/// A small seeded generator, so a failing forgery can be reproduced.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Store file safety: forged files, links, FIFOs, temporary files, the lock")
struct StoreSafetyTests {
    let folder: TemporaryFolder
    var directory: String { folder.path }

    init() throws { folder = try TemporaryFolder("safety") }

    func sample() throws -> Store { try Fixture.build([Fixture.alice(), Fixture.bob(), Fixture.anonymous(3)]) }

    /// Every forgery of a length, offset or count, with valid checksums: each is a `.corrupt` error.
    static let forgeries: [(String, @Sendable (inout ForgedStore) -> Void)] = [
        ("section table offset near 2^64", { $0.setHeader(UInt64.max - 63, at: 16) }),
        ("section table offset just above Int.max", { $0.setHeader(UInt64(Int.max) + 1, at: 16) }),
        ("file length near 2^64", { $0.setHeader(UInt64.max - 7, at: 24) }),
        ("table offset + n × 64 overflows", { $0.setHeader(UInt64(Int.max - 100), at: 16) }),
        ("a section's offset near 2^64", { $0.setSection(3, field: 48, UInt64.max - 7) }),
        ("a section's count near 2^64", { $0.setSection(3, field: 40, UInt64.max / 2) }),
        ("a section's count × size overflows", { $0.setSection(3, field: 40, UInt64(Int.max / 2)) }),
        ("a section's offset + length past the end", { $0.setSection(3, field: 48, UInt64($0.bytes.count - 8)) }),
        (
            "a section of zero-byte elements with a huge count",
            {
                $0.setSection(3, elementSize: 0)
                $0.setSection(3, field: 40, UInt64(Int.max))
            }
        ),
    ]

    @Test("a forged length, offset or count with recomputed checksums is a clear error, never a trap")
    func forgedStores() throws {
        let path = directory + "/f.store"
        try sample().save(to: path)
        let original = try #require(FileManager.default.contents(atPath: path))
        for (name, forge) in Self.forgeries {
            var forged = ForgedStore(original)
            forge(&forged)
            let damaged = directory + "/forged.store"
            _ = FileManager.default.createFile(atPath: damaged, contents: Data(forged.bytes))
            do {
                _ = try Store.load(from: damaged)
                Issue.record("\(name): loaded")
            } catch {
                #expect(error.code == .corrupt, "\(name): \(error)")
                #expect(error.description.contains("corrupt"), "\(name): \(error)")
            }
        }
    }

    @Test("column values forged with valid checksums are caught by the consistency checks, never a trap")
    func forgedColumnValues() throws {
        let path = directory + "/v.store"
        try sample().save(to: path)
        let original = ForgedStore(try #require(FileManager.default.contents(atPath: path)))
        var random = SplitMix(seed: 11)
        var refused = 0
        for section in 0..<original.sectionCount {
            for _ in 0..<6 {
                var forged = original
                let entry = forged.tableOffset + section * Snapshot.entrySize
                let elementSize = Int(Snapshot.load(forged.bytes, entry + 32) as UInt32)
                let count = Int(Snapshot.load(forged.bytes, entry + 40) as UInt64)
                let offset = Int(Snapshot.load(forged.bytes, entry + 48) as UInt64)
                guard count > 0 else { continue }
                // One element set to a random value, a large one, or all ones.
                let at = offset + Int(random.next() % UInt64(count)) * elementSize
                let pattern = random.next()
                for i in 0..<elementSize {
                    forged.bytes[at + i] =
                        switch pattern % 3 {
                        case 0: UInt8(truncatingIfNeeded: random.next())
                        case 1: i == elementSize - 1 ? 0x7f : 0xff
                        default: 0xff
                        }
                }
                forged.rehashSection(section)
                let damaged = directory + "/forged-value.store"
                _ = FileManager.default.createFile(atPath: damaged, contents: Data(forged.bytes))
                do {
                    _ = try Store.load(from: damaged)
                } catch {
                    #expect(error.code == .corrupt)
                    refused += 1
                }
            }
        }
        #expect(refused > 0)
    }

    @Test("a save through a symbolic link keeps the link and replaces its target")
    func symlinkKept() throws {
        let real = directory + "/data"
        try FileManager.default.createDirectory(atPath: real, withIntermediateDirectories: true)
        let target = real + "/real.store"
        let link = directory + "/s.store"
        try Store().save(to: target)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "data/real.store")
        let store = try sample()
        try store.save(to: link)
        let attributes = try FileManager.default.attributesOfItem(atPath: link)
        #expect(attributes[.type] as? FileAttributeType == .typeSymbolicLink, "the link was replaced by a file")
        #expect(try Store.load(from: target) == store)
        // The temporary file was written beside the target and renamed there: nothing is left anywhere.
        for folder in [directory, real] {
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains(".tmp-") }
            #expect(leftovers.isEmpty)
        }
        // A dangling link is followed too: the store is created at its target.
        let dangling = directory + "/d.store"
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: "data/new.store")
        try store.save(to: dangling)
        #expect(try Store.load(from: real + "/new.store") == store)
        #expect(StoreFile.lockPath(of: link) == directory + "/data/real.store.lock")
    }

    @Test("temporary files of dead processes are removed; those of live processes and other names are kept")
    func staleTemporaries() throws {
        let path = directory + "/t.store"
        try sample().save(to: path)
        let dead = try ChildProcess.reapedProcessID()
        let names = [
            "t.store.tmp-\(dead)", "t.store.tmp-\(getpid())", "t.store.tmp-1", "t.store.tmp-12x",
            "other.store.tmp-\(dead)", "t.store.tmp-",
        ]
        for name in names {
            _ = FileManager.default.createFile(atPath: directory + "/" + name, contents: Data(count: 4096))
        }
        let removed = StoreFile.removeStaleTemporaries(of: path)
        #expect(removed == [directory + "/t.store.tmp-\(dead)"])
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: directory))
        #expect(!left.contains("t.store.tmp-\(dead)"))
        for name in names.dropFirst() { #expect(left.contains(name), "\(name) was removed") }
    }

    @Test("a save told to stop removes its temporary file and leaves the old store as it was")
    func interruptedSave() throws {
        let path = directory + "/i.store"
        try sample().save(to: path)
        let before = try #require(FileManager.default.contents(atPath: path))
        // How often a save asks: once per column and once before the rename.
        var asks = 0
        try Store().save(to: directory + "/count.store") {
            asks += 1
            return false
        }
        try FileManager.default.removeItem(atPath: directory + "/count.store")
        #expect(asks > 2)
        for stopAt in [1, asks / 2, asks] {
            var asked = 0
            do {
                try Store().save(to: path) {
                    asked += 1
                    return asked >= stopAt
                }
                Issue.record("the save was not stopped at step \(stopAt)")
            } catch {
                #expect(error.code == .interrupted)
            }
            #expect(FileManager.default.contents(atPath: path) == before)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter {
                $0.contains(".tmp-")
            }
            #expect(leftovers.isEmpty)
        }
    }

    @Test("a FIFO, a directory or a device as the store is refused at once")
    func notRegularFiles() throws {
        let fifo = directory + "/fifo.store"
        #expect(mkfifo(fifo, 0o600) == 0)
        // Opened without waiting for a writer: this returns instead of hanging.
        do {
            _ = try Store.load(from: fifo)
            Issue.record("loaded a FIFO")
        } catch {
            #expect(error.message.contains("FIFO"))
        }
        #expect(throws: StoreError.self) { try Store().save(to: fifo) }
        do {
            _ = try Store.load(from: directory)
            Issue.record("loaded a directory")
        } catch {
            #expect(error.message.contains("directory"))
        }
        #expect(throws: StoreError.self) { try Store.load(from: "/dev/zero") }
    }

    @Test("the lock is exclusive: a second taker fails at once without waiting, and gets it after unlock")
    func lockIsExclusive() throws {
        let path = directory + "/l.store"
        let first = try StoreLock(storePath: path, wait: false)
        #expect(first.path == path + ".lock")
        do {
            _ = try StoreLock(storePath: directory + "/./l.store", wait: false)
            Issue.record("took a held lock")
        } catch {
            #expect(error.code == .busy)
        }
        first.unlock()
        let second = try StoreLock(storePath: path, wait: false)
        second.unlock()
    }

    @Test("same-file checks see through ./, .., links and hard links, and work for files not yet created")
    func sameFile() throws {
        let path = directory + "/a.store"
        try Store().save(to: path)
        let cwd = FileManager.default.currentDirectoryPath
        #expect(StoreFile.isSameFile(path, directory + "/./a.store"))
        #expect(StoreFile.isSameFile(path, directory + "/sub/../a.store") == false)  // sub does not exist
        try FileManager.default.createDirectory(atPath: directory + "/sub", withIntermediateDirectories: true)
        #expect(StoreFile.isSameFile(path, directory + "/sub/../a.store"))
        try FileManager.default.createSymbolicLink(atPath: directory + "/link", withDestinationPath: "a.store")
        #expect(StoreFile.isSameFile(path, directory + "/link"))
        #expect(link(path, directory + "/hard") == 0)
        #expect(StoreFile.isSameFile(directory + "/hard", path))
        #expect(StoreFile.isSameFile(directory + "/new.gexf", directory + "/sub/../new.gexf"))
        #expect(!StoreFile.isSameFile(directory + "/new.gexf", path))
        #expect(FileManager.default.currentDirectoryPath == cwd)
    }
}
