#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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

/// The string table of a build: `strings` deduplicated and sorted by their UTF-8 bytes, one
/// spelling per group of canonically equivalent strings (Swift's `==`): the one with the smallest
/// bytes. `row[i]` is the row of `strings[i]` (of its group's spelling).
///
/// Sorting strings as strings compared `UTF8View`s element by element and hashing them into a
/// dictionary ran SipHash over normalised text: both were a visible part of every build. Here the
/// bytes are copied once into one buffer, sorted as byte ranges (an 8-byte prefix first, `memcmp`
/// on ties), and only text with non-ASCII bytes goes through a dictionary to find its canonically
/// equivalent spellings: two different ASCII spellings are never equivalent, and an ASCII string
/// is equivalent to another spelling only through one of `asciiSingletons`.
struct SortedSpellings {
    var table: StringTable
    var row: [RowID]

    /// The scalars outside ASCII whose canonical decomposition is one ASCII scalar (GREEK QUESTION
    /// MARK, GREEK VARIA, KELVIN SIGN), each with that scalar: the only way a string with non-ASCII
    /// bytes can equal an ASCII string (a test checks every scalar).
    static let asciiSingletons: [(UInt32, UInt8)] = [(0x037E, 0x3B), (0x1FEF, 0x60), (0x212A, 0x4B)]

    init(_ strings: [String]) {
        var total = 0
        for text in strings { total += text.utf8.count }
        var collected: [UInt8] = []
        var endOffsets: [Int] = []
        endOffsets.reserveCapacity(strings.count)
        collected.reserveCapacity(total)
        for text in strings {
            collected.append(contentsOf: text.utf8)
            endOffsets.append(collected.count)
        }
        // Constants from here on: captured variables cost an exclusivity check per comparison.
        let bytes = collected
        let ends = endOffsets
        let starts = [0] + ends.dropLast()
        // Sort keys: the first 8 bytes big-endian (a zero-padded prefix, so ties need the full compare).
        struct Entry {
            var prefix: UInt64
            var index: Int32
        }
        var entries = [Entry]()
        entries.reserveCapacity(strings.count)
        bytes.withUnsafeBufferPointer { buffer in
            for i in 0..<strings.count {
                let start = starts[i]
                var prefix: UInt64 = 0
                for k in 0..<8 {
                    prefix <<= 8
                    if start + k < ends[i] { prefix |= UInt64(buffer[start + k]) }
                }
                entries.append(Entry(prefix: prefix, index: Int32(i)))
            }
        }
        // A strict weak order on byte strings (equal bytes compare equal; ties are merged below).
        func compare(_ a: Int, _ b: Int, _ buffer: UnsafeBufferPointer<UInt8>) -> Int32 {
            let aStart = starts[a]
            let bStart = starts[b]
            let aCount = ends[a] - aStart
            let bCount = ends[b] - bStart
            let common = min(aCount, bCount)
            if common > 0, let base = buffer.baseAddress {
                let c = memcmp(base + aStart, base + bStart, common)
                if c != 0 { return c }
            }
            return aCount < bCount ? -1 : (aCount > bCount ? 1 : 0)
        }
        bytes.withUnsafeBufferPointer { buffer in
            entries.sort { a, b in
                if a.prefix != b.prefix { return a.prefix < b.prefix }
                return compare(Int(a.index), Int(b.index), buffer) < 0
            }
        }
        // Distinct spellings in byte order, and the spelling of each string.
        var spellingOf = [Int32](repeating: 0, count: strings.count)
        var spellings: [Int32] = []  // a string index per spelling
        bytes.withUnsafeBufferPointer { buffer in
            for (position, entry) in entries.enumerated() {
                let i = Int(entry.index)
                if position > 0, let last = spellings.last, entries[position - 1].prefix == entry.prefix,
                    compare(Int(last), i, buffer) == 0
                {
                    spellingOf[i] = Int32(spellings.count - 1)
                } else {
                    spellingOf[i] = Int32(spellings.count)
                    spellings.append(entry.index)
                }
            }
        }
        // The group of each spelling: the smallest spelling equivalent to it. Spellings are visited
        // in byte order, so the first of a group met is its smallest.
        var group = [Int32](repeating: 0, count: spellings.count)
        var firstEquivalent: [String: Int32] = [:]
        for s in 0..<spellings.count {
            group[s] = Int32(s)
            let i = Int(spellings[s])
            guard bytes[starts[i]..<ends[i]].contains(where: { $0 >= 0x80 }) else { continue }
            let text = strings[i]
            if let g = firstEquivalent[text] {
                group[s] = g
                continue
            }
            if let ascii = Self.asciiEquivalent(of: text),
                let a = Self.find(ascii, in: spellings, ends: ends, bytes: bytes)
            {
                group[s] = group[Int(a)]
            }
            firstEquivalent[text] = group[s]
        }
        // The survivors (their own group) in byte order, and every string's row.
        var rowOfSpelling = [RowID](repeating: .none, count: spellings.count)
        var tableBytes: [UInt8] = []
        var offsets: [UInt32] = [0]
        var survivors = 0
        for s in 0..<spellings.count where group[s] == Int32(s) {
            rowOfSpelling[s] = RowID(survivors)
            survivors += 1
        }
        tableBytes.reserveCapacity(total)
        offsets.reserveCapacity(survivors + 1)
        for s in 0..<spellings.count {
            if group[s] == Int32(s) {
                let i = Int(spellings[s])
                tableBytes.append(contentsOf: bytes[(i == 0 ? 0 : ends[i - 1])..<ends[i]])
                offsets.append(UInt32(truncatingIfNeeded: tableBytes.count))
            } else {
                rowOfSpelling[s] = rowOfSpelling[Int(group[s])]
            }
        }
        table = StringTable(bytes: tableBytes, offsets: offsets)
        row = spellingOf.map { rowOfSpelling[Int($0)] }
    }

    /// The ASCII bytes `text` is canonically equivalent to, if any: its scalars are ASCII or
    /// `asciiSingletons`, and at least one is not ASCII.
    static func asciiEquivalent(of text: String) -> [UInt8]? {
        var ascii: [UInt8] = []
        for scalar in text.unicodeScalars {
            if scalar.value < 0x80 {
                ascii.append(UInt8(scalar.value))
            } else if let pair = asciiSingletons.first(where: { $0.0 == scalar.value }) {
                ascii.append(pair.1)
            } else {
                return nil
            }
        }
        return ascii
    }

    /// The spelling whose bytes are `key` (binary search over spellings in byte order).
    static func find(_ key: [UInt8], in spellings: [Int32], ends: [Int], bytes: [UInt8]) -> Int32? {
        var low = 0
        var high = spellings.count
        while low < high {
            let middle = (low + high) / 2
            let i = Int(spellings[middle])
            let candidate = bytes[(i == 0 ? 0 : ends[i - 1])..<ends[i]]
            if candidate.elementsEqual(key) { return Int32(middle) }
            if candidate.lexicographicallyPrecedes(key) { low = middle + 1 } else { high = middle }
        }
        return nil
    }
}
