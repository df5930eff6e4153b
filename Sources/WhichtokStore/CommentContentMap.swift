/// Comments without a TikTok id by author, time and text fingerprint: an open-addressing table
/// like `IDMap` (one archive holds hundreds of thousands of comments, and a `Dictionary` of a
/// 16-byte key spends most of its time hashing with SipHash and rehashing as it grows).
/// Its layout never shows: rows are numbered in the order comments are first seen.
///
/// A slot holds only the row and 32 bits of the key's hash (8 bytes, where the key and row took
/// 24): the key itself is the row's, in `ImportBatch.comments`, compared when the hashes agree.
/// The table is a third of the memory it was, so an archive's comments fault in and miss the cache
/// a third as much.
struct CommentContentMap: Sendable {
    /// The low 32 bits of the key's hash (bits 32...63) and the row (bits 0...31), or `empty`.
    private var slots: [UInt64] = []
    private var mask = -1
    private var count = 0

    private static let empty = UInt64.max
    /// Random per process, so that crafted input cannot pile its keys into one run of slots.
    private static let seed = UInt64.random(in: .min ... .max)

    /// The key's hash, cut to the 32 bits a slot keeps; the slot index is its low bits, so that
    /// growing needs no key (tables stay below 2^32 slots: rows are 32-bit).
    @inline(__always)
    private static func hash(_ author: UInt32, _ time: UInt32, _ fingerprint: UInt64) -> UInt32 {
        let h = fingerprint ^ seed ^ (UInt64(author) << 32 | UInt64(time)) &* 0x9e37_79b9_7f4a_7c15
        return UInt32(truncatingIfNeeded: IDMap.mix(h))
    }

    /// The row already stored for the key (`isKey(row)` says whether a row's comment has it);
    /// when there is none, stores `value` and returns nil.
    @inline(__always)
    mutating func insertIfAbsent(
        author: UInt32, time: UInt32, fingerprint: UInt64, _ value: UInt32, isKey: (UInt32) -> Bool
    ) -> UInt32? {
        precondition(value != UInt32.max, "CommentContentMap cannot store UInt32.max")
        if (count + 1) * 2 > slots.count { grow() }
        let hash = Self.hash(author, time, fingerprint)
        let mask = mask
        let found: UInt32? = slots.withUnsafeMutableBufferPointer { slots in
            var i = Int(hash) & mask
            while slots[i] != Self.empty {
                let slot = slots[i]
                if UInt32(truncatingIfNeeded: slot >> 32) == hash, isKey(UInt32(truncatingIfNeeded: slot)) {
                    return UInt32(truncatingIfNeeded: slot)
                }
                i = (i + 1) & mask
            }
            slots[i] = UInt64(hash) << 32 | UInt64(value)
            return nil
        }
        if found == nil { count += 1 }
        return found
    }

    private mutating func grow() {
        let old = slots
        let size = max(64, old.count * 2)
        slots = [UInt64](repeating: Self.empty, count: size)
        mask = size - 1
        let mask = mask
        slots.withUnsafeMutableBufferPointer { slots in
            for slot in old where slot != Self.empty {
                var i = Int(truncatingIfNeeded: slot >> 32) & mask
                while slots[i] != Self.empty { i = (i + 1) & mask }
                slots[i] = slot
            }
        }
    }
}
