/// A hash map from 64-bit ids (TikTok ids, packed keys) to 32-bit rows, for the importer's hottest
/// lookups: a video's row by id while an archive is read, and the first observation with an id
/// while inputs are merged. Swift's `Dictionary` hashes every key with SipHash through `Hasher`,
/// which made `UInt64`-keyed lookups and inserts a visible share of the archive bench's CPU profile
/// (Benchmarks/RESULTS.md, `make bench`).
///
/// Open addressing with linear probing over a power-of-two table kept at most half full. Keys are
/// mixed with a random seed chosen once per process (kept by each map: reading the global through
/// its lazy initialiser cost a check per lookup) by murmur3's 64-bit finaliser, so ids crafted to
/// land in one slot cannot slow an import down. Nothing depends on where a key lands: the map is
/// never iterated.
struct IDMap: Sendable {
    /// A key and its value side by side, so that a probe touches one cache line.
    private struct Slot {
        var key: UInt64
        var value: UInt32
    }

    /// A slot whose value is `empty` holds no key.
    private static let empty = UInt32.max
    private static let processSeed = UInt64.random(in: .min ... .max)
    private let seed = Self.processSeed

    private var slots: [Slot]
    private var mask: Int
    private(set) var count = 0

    /// Room for `capacity` keys before the table grows.
    init(capacity: Int = 0) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Slot](repeating: Slot(key: 0, value: Self.empty), count: size)
        mask = size - 1
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ mask: Int, _ seed: UInt64) -> Int {
        Int(truncatingIfNeeded: mix(key ^ seed)) & mask
    }

    /// murmur3's 64-bit finaliser: every bit of `h` moves every bit of the result. Also mixes the
    /// keys of `ImportBatch`'s comment map.
    @inline(__always)
    static func mix(_ h: UInt64) -> UInt64 {
        var h = h
        h ^= h >> 33
        h &*= 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h &*= 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h
    }

    /// The value for `key`, or nil.
    subscript(key: UInt64) -> UInt32? {
        let mask = mask
        let seed = seed
        return slots.withUnsafeBufferPointer { slots in
            var i = Self.slot(key, mask, seed)
            while slots[i].value != Self.empty {
                if slots[i].key == key { return slots[i].value }
                i = (i + 1) & mask
            }
            return nil
        }
    }

    /// The value already stored for `key`; when there is none, stores `value` and returns nil.
    /// `value` must not be `UInt32.max`.
    ///
    /// Probes through the slots' buffer: indexing the array checked its uniqueness and bounds on
    /// every probe. `mask` keeps every index inside the buffer.
    mutating func insertIfAbsent(_ key: UInt64, _ value: UInt32) -> UInt32? {
        precondition(value != Self.empty, "IDMap cannot store UInt32.max")
        if (count + 1) * 2 > slots.count { grow() }
        let mask = mask
        let seed = seed
        let found: UInt32? = slots.withUnsafeMutableBufferPointer { slots in
            var i = Self.slot(key, mask, seed)
            while slots[i].value != Self.empty {
                if slots[i].key == key { return slots[i].value }
                i = (i + 1) & mask
            }
            slots[i] = Slot(key: key, value: value)
            return nil
        }
        if found == nil { count += 1 }
        return found
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(key: 0, value: Self.empty), count: old.count * 2)
        mask = slots.count - 1
        for slot in old where slot.value != Self.empty {
            var i = Self.slot(slot.key, mask, seed)
            while slots[i].value != Self.empty { i = (i + 1) & mask }
            slots[i] = slot
        }
    }
}
