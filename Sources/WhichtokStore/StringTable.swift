/// Interned strings: one contiguous UTF-8 buffer plus offsets. Row `i` spans
/// `bytes[offsets[i] ..< offsets[i + 1]]`. Strings are stored in canonical (sorted) order, so a
/// string's row is the same whatever order the inputs were imported in.
public struct StringTable: Sendable, Equatable {
    public internal(set) var bytes: [UInt8] = []
    public internal(set) var offsets: [UInt32] = [0]

    public init() {}

    init(bytes: [UInt8], offsets: [UInt32]) {
        self.bytes = bytes
        self.offsets = offsets
    }

    /// Builds a table from strings that are already sorted and unique.
    init(sortedUnique strings: [String]) {
        var bytes: [UInt8] = []
        var offsets: [UInt32] = [0]
        offsets.reserveCapacity(strings.count + 1)
        for text in strings {
            bytes.append(contentsOf: text.utf8)
            offsets.append(UInt32(truncatingIfNeeded: bytes.count))
        }
        self.bytes = bytes
        self.offsets = offsets
    }

    public var count: Int { offsets.count - 1 }

    /// The string at `row`, or nil for `RowID.none` or an out-of-range row.
    public subscript(row: RowID) -> String? {
        guard row != .none, Int(row) < count else { return nil }
        let start = Int(offsets[Int(row)])
        let end = Int(offsets[Int(row) + 1])
        return bytes.withUnsafeBufferPointer { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self)
        }
    }

    /// Every string, in row order.
    public var all: [String] { (0..<count).compactMap { self[RowID($0)] } }

    /// Checks offsets are monotone and inside the buffer (used after loading a snapshot).
    func isWellFormed() -> Bool {
        guard offsets.first == 0, let last = offsets.last, Int(last) == bytes.count else { return false }
        for i in 1..<offsets.count where offsets[i] < offsets[i - 1] { return false }
        return true
    }
}
