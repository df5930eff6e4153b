internal import CMalloc
internal import CMappedFile

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A growable byte buffer that always keeps `PaddedBytes.padding` zeroed, readable bytes after its
/// end, as simdjson requires. Containers fill it straight from libarchive, so JSON is parsed in place
/// with no copy.
///
/// A large uncompressed file can instead be mapped (`PaddedBytes(mapping:)`): its pages come from
/// the page cache, with no copy and no fresh memory to fault in: reading a large HAR into a new
/// buffer costs a page fault per page and a pass over every byte, which mapping avoids
/// (Benchmarks/RESULTS.md, `make bench-har`).
///
/// Not thread-safe: one buffer belongs to one reader at a time.
public final class PaddedBytes: @unchecked Sendable {
    /// Bytes that stay readable (and zero) after `count`.
    public static let padding = 64

    private var storage: UnsafeMutableRawPointer
    /// When the storage is a file mapping: the length of the whole mapping, for `munmap`.
    private var mappedLength = 0
    /// When the storage is a file mapping: its guard against the file shrinking (`CMappedFile`).
    private var guardSlot: Int32 = -1
    /// Bytes in use.
    public private(set) var count: Int
    /// Bytes that can be held before the buffer grows (padding not included).
    public private(set) var capacity: Int

    public init(capacity: Int = 0) {
        let cap = max(capacity, 0)
        storage = Self.allocate(cap + Self.padding)
        // Only the padding after `count` must be zero, as in `reserve`: the rest is written before
        // it is read, and zeroing a whole file's room touched each of its pages twice.
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: Self.padding)
        self.count = 0
        self.capacity = cap
    }

    public convenience init(_ bytes: some Collection<UInt8>) {
        self.init(capacity: bytes.count)
        var array = Array(bytes)
        array.withUnsafeMutableBytes {
            append(
                $0.baseAddress.map { UnsafeRawBufferPointer(start: $0, count: bytes.count) }
                    ?? UnsafeRawBufferPointer(start: nil, count: 0))
        }
    }

    public convenience init(_ text: String) {
        self.init(Array(text.utf8))
    }

    /// Maps `size` bytes of the regular file open as `descriptor`, followed by zeroed padding.
    /// The mapping is private and copy-on-write: writes (the padding is re-zeroed before each use)
    /// never reach the file. Returns nil when the file cannot be mapped; the caller then reads it.
    ///
    /// Another program may shrink the file while the buffer lives: a page read past the file's
    /// new end reads as zeros instead of ending the process (a SIGBUS, caught by `CMappedFile`), and
    /// `fileShrank` becomes true; a reader checks it once it has read the bytes, and rejects them.
    /// Returns nil too when that guard cannot be set up (the caller reads the file instead).
    public init?(mapping descriptor: Int32, size: Int) {
        guard size > 0 else { return nil }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard page > 0 else { return nil }
        let fileLength = (size + page - 1) / page * page
        // Room for the padding after the file's last page (the tail of that page is zero already).
        let total = (size + Self.padding + page - 1) / page * page
        // Reserve the whole span as zeroed anonymous memory, then lay the file over its start: the
        // padding is the anonymous part, whatever the file's length.
        guard let span = mmap(nil, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            span != MAP_FAILED
        else { return nil }
        guard let file = mmap(span, fileLength, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, descriptor, 0),
            file == span
        else {
            munmap(span, total)
            return nil
        }
        let slot = whichtok_mapped_register(span, fileLength)
        guard slot >= 0 else {
            munmap(span, total)
            return nil
        }
        guardSlot = slot
        storage = span
        mappedLength = total
        count = size
        capacity = size
    }

    deinit { release() }

    private func release() {
        if mappedLength > 0 {
            whichtok_mapped_unregister(guardSlot)
            guardSlot = -1
            munmap(storage, mappedLength)
            mappedLength = 0
        } else {
            storage.deallocate()
        }
    }

    /// Whether the bytes are a file mapping rather than memory of their own.
    public var isMapped: Bool { mappedLength > 0 }

    /// Whether the mapped file was found shorter than it was when mapped: a page past its new end
    /// was read (as zeros). The bytes read are then not the file's. False for memory of its own.
    public var fileShrank: Bool { mappedLength > 0 && whichtok_mapped_lost(guardSlot) != 0 }

    /// The capacity `reserve(_:ceiling:)` grows to for `minimumCapacity`: the current one doubled
    /// until it is enough (so that appending stays linear), but never past `ceiling` unless
    /// `minimumCapacity` itself is.
    ///
    /// A reader that knows the content cannot exceed a limit passes it as the ceiling: doubling
    /// past it would allocate up to twice the limit for content that is refused anyway.
    public func grownCapacity(toHold minimumCapacity: Int, ceiling: Int = Int.max) -> Int {
        guard minimumCapacity > capacity else { return capacity }
        var newCapacity = max(capacity, 4096)
        while newCapacity < minimumCapacity {
            let (doubled, overflow) = newCapacity.multipliedReportingOverflow(by: 2)
            newCapacity = overflow ? minimumCapacity : doubled
        }
        return min(newCapacity, max(ceiling, minimumCapacity))
    }

    /// Makes room for at least `minimumCapacity` bytes, keeping the content; grows as
    /// `grownCapacity(toHold:ceiling:)` says.
    public func reserve(_ minimumCapacity: Int, ceiling: Int = Int.max) {
        guard minimumCapacity > capacity else { return }
        let newCapacity = grownCapacity(toHold: minimumCapacity, ceiling: ceiling)
        let fresh = Self.allocate(newCapacity + Self.padding)
        fresh.copyMemory(from: storage, byteCount: count)
        // Only the padding after `count` must be zero (and is re-zeroed before every read); the
        // rest is written before it is read. Zeroing it all would touch every page of a large file twice.
        (fresh + count).initializeMemory(as: UInt8.self, repeating: 0, count: Self.padding)
        release()
        storage = fresh
        capacity = newCapacity
    }

    /// Large buffers are filled once from their start (an entry inflated into one), so they ask
    /// for huge pages: a page fault per 2 MiB instead of per 4 KiB (`whichtok_advise_huge_pages`).
    private static func allocate(_ bytes: Int) -> UnsafeMutableRawPointer {
        let memory = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        whichtok_advise_huge_pages(memory, bytes)
        return memory
    }

    public func append(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(count + bytes.count)
        (storage + count).copyMemory(from: base, byteCount: bytes.count)
        count += bytes.count
    }

    /// Gives `body` the free space after `count` (at least `minimum` bytes); `body` returns how many
    /// bytes it wrote there. For readers that fill the buffer directly. Grows, when it must, as
    /// `reserve(_:ceiling:)` does.
    public func appendInPlace(
        minimum: Int, ceiling: Int = Int.max, _ body: (UnsafeMutableRawBufferPointer) throws -> Int
    ) rethrows {
        reserve(count + minimum, ceiling: ceiling)
        let free = UnsafeMutableRawBufferPointer(start: storage + count, count: capacity - count)
        let written = try body(free)
        precondition(written >= 0 && written <= free.count, "appendInPlace wrote outside its space")
        count += written
    }

    /// Drops the bytes after the first `newCount` (keeps the memory) and zeroes the padding.
    public func truncate(to newCount: Int) {
        guard newCount >= 0, newCount < count else { return }
        (storage + newCount).initializeMemory(as: UInt8.self, repeating: 0, count: Self.padding)
        count = newCount
    }

    /// Empties the buffer (keeps the memory) and zeroes the padding that follows. Only the padding
    /// is cleared: a buffer reused for many bodies must not pay for zeroing each previous one.
    /// A mapped buffer drops its mapping and becomes an empty buffer of its own.
    public func removeAll() {
        if mappedLength > 0 {
            release()
            storage = UnsafeMutableRawPointer.allocate(byteCount: Self.padding, alignment: 64)
            capacity = 0
        }
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: Self.padding)
        count = 0
    }

    /// The bytes in use; the `padding` bytes after them are readable too.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        // Re-zero the padding: appendInPlace callers may have scribbled past their count.
        (storage + count).initializeMemory(as: UInt8.self, repeating: 0, count: Self.padding)
        return try body(UnsafeRawBufferPointer(start: storage, count: count))
    }

    /// A copy of the bytes as an array.
    public var array: [UInt8] {
        withUnsafeBytes { Array($0) }
    }
}
