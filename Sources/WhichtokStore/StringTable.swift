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

/// Numbers strings by canonical equivalence (Swift's `==`), in order of first appearance, for the
/// builder's identity keys (usernames, secUIDs, hashtag names, sound titles).
///
/// A `[String: Int32]` hashed every key with SipHash through `Hasher` (and normalised non-ASCII
/// text first). Here ASCII text, nearly all of these keys, is hashed as bytes (XXH64) into an
/// open-addressing table; text with non-ASCII bytes goes to a dictionary, unless it is equivalent
/// to an ASCII string (see `SortedSpellings.asciiSingletons`), when it is numbered as that string.
struct StringNumbering {
    /// Per number with an ASCII key: where its bytes are in `keyBytes`.
    private var keyBytes: [UInt8] = []
    private var keyEnd: [Int] = []
    private var keyNumber: [Int32] = []
    /// Open addressing over `keyNumber`'s indices (-1 empty), kept at most half full.
    private var slots: [Int32]
    private var slotHash: [UInt64]
    private var other: [String: Int32] = [:]
    /// A seed chosen once per process, so that text crafted to collide cannot slow an import down.
    private static let processSeed = UInt64.random(in: .min ... .max)
    private let seed = Self.processSeed
    /// How many numbers have been given.
    private(set) var count = 0

    init(capacity: Int = 0) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        slotHash = [UInt64](repeating: 0, count: size)
    }

    /// The number of `text`'s group, and whether it is new (then it is `count - 1`).
    mutating func number(_ text: String) -> (number: Int32, isNew: Bool) {
        var text = text
        let known: (Int32, Bool)? = text.withUTF8 { bytes in
            var ascii = true
            for byte in bytes where byte >= 0x80 {
                ascii = false
                break
            }
            return ascii ? number(ascii: UnsafeRawBufferPointer(bytes)) : nil
        }
        if let known { return known }
        if let ascii = SortedSpellings.asciiEquivalent(of: text) {
            return ascii.withUnsafeBytes { number(ascii: $0) }
        }
        if let number = other[text] { return (number, false) }
        other[text] = Int32(count)
        count += 1
        return (Int32(count - 1), true)
    }

    private mutating func number(ascii bytes: UnsafeRawBufferPointer) -> (Int32, Bool) {
        if (keyNumber.count + 1) * 2 > slots.count { grow() }
        let hash = XXH64.hash(bytes, seed: seed)
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while slots[i] >= 0 {
            if slotHash[i] == hash {
                let entry = Int(slots[i])
                let start = entry == 0 ? 0 : keyEnd[entry - 1]
                let same = keyBytes.withUnsafeBytes { stored in
                    guard keyEnd[entry] - start == bytes.count else { return false }
                    guard let storedBase = stored.baseAddress, let base = bytes.baseAddress else { return true }
                    return memcmp(storedBase + start, base, bytes.count) == 0
                }
                if same { return (keyNumber[entry], false) }
            }
            i = (i + 1) & mask
        }
        slots[i] = Int32(keyNumber.count)
        slotHash[i] = hash
        keyBytes.append(contentsOf: bytes)
        keyEnd.append(keyBytes.count)
        keyNumber.append(Int32(count))
        count += 1
        return (Int32(count - 1), true)
    }

    private mutating func grow() {
        let size = slots.count * 2
        let oldSlots = slots
        let oldHash = slotHash
        slots = [Int32](repeating: -1, count: size)
        slotHash = [UInt64](repeating: 0, count: size)
        for k in oldSlots.indices where oldSlots[k] >= 0 {
            var i = Int(truncatingIfNeeded: oldHash[k]) & (size - 1)
            while slots[i] >= 0 { i = (i + 1) & (size - 1) }
            slots[i] = oldSlots[k]
            slotHash[i] = oldHash[k]
        }
    }
}
