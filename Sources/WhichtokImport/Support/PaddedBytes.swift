/// A growable byte buffer that always keeps `PaddedBytes.padding` zeroed, readable bytes after its
/// end, as simdjson requires. Containers fill it straight from libarchive, so JSON is parsed in place
/// with no copy.
///
/// Not thread-safe: one buffer belongs to one reader at a time.
public final class PaddedBytes: @unchecked Sendable {
    /// Bytes that stay readable (and zero) after `count`.
    public static let padding = 64

    private var storage: UnsafeMutableRawPointer
    /// Bytes in use.
    public private(set) var count: Int
    /// Bytes that can be held before the buffer grows (padding not included).
    public private(set) var capacity: Int

    public init(capacity: Int = 0) {
        let cap = max(capacity, 0)
        storage = UnsafeMutableRawPointer.allocate(byteCount: cap + Self.padding, alignment: 64)
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: cap + Self.padding)
        self.count = 0
        self.capacity = cap
    }

    public convenience init(_ bytes: some Collection<UInt8>) {
        self.init(capacity: bytes.count)
        var array = Array(bytes)
        array.withUnsafeMutableBytes { append($0.baseAddress.map { UnsafeRawBufferPointer(start: $0, count: bytes.count) } ?? UnsafeRawBufferPointer(start: nil, count: 0)) }
    }

    public convenience init(_ text: String) {
        self.init(Array(text.utf8))
    }

    deinit { storage.deallocate() }

    /// Makes room for at least `minimumCapacity` bytes, keeping the content.
    public func reserve(_ minimumCapacity: Int) {
        guard minimumCapacity > capacity else { return }
        var newCapacity = max(capacity, 4096)
        while newCapacity < minimumCapacity {
            let (doubled, overflow) = newCapacity.multipliedReportingOverflow(by: 2)
            newCapacity = overflow ? minimumCapacity : doubled
        }
        let fresh = UnsafeMutableRawPointer.allocate(byteCount: newCapacity + Self.padding, alignment: 64)
        fresh.copyMemory(from: storage, byteCount: count)
        // Only the padding after `count` must be zero (and is re-zeroed before every read); the
        // rest is written before it is read. Zeroing it all would touch every page of a large file twice.
        (fresh + count).initializeMemory(as: UInt8.self, repeating: 0, count: Self.padding)
        storage.deallocate()
        storage = fresh
        capacity = newCapacity
    }

    public func append(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(count + bytes.count)
        (storage + count).copyMemory(from: base, byteCount: bytes.count)
        count += bytes.count
    }

    /// Gives `body` the free space after `count` (at least `minimum` bytes); `body` returns how many
    /// bytes it wrote there. For readers that fill the buffer directly.
    public func appendInPlace(minimum: Int, _ body: (UnsafeMutableRawBufferPointer) throws -> Int) rethrows {
        reserve(count + minimum)
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
    public func removeAll() {
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
