/// XXH64 (Yann Collet's xxHash, 64-bit variant), used as the snapshot file's section checksum:
/// it is among the fastest 64-bit hashes, so checking every section on load costs little next to
/// reading the file.
struct XXH64 {
    private static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let p3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let p4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

    @inline(__always) private static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }
    @inline(__always) private static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
        rotl(acc &+ input &* p2, 31) &* p1
    }
    @inline(__always) private static func merge(_ acc: UInt64, _ value: UInt64) -> UInt64 {
        (acc ^ round(0, value)) &* p1 &+ p4
    }

    /// The hash of `bytes` with `seed`.
    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        let length = bytes.count
        guard let base = bytes.baseAddress else { return avalanche(seed &+ p5) }
        var offset = 0
        var h: UInt64
        if length >= 32 {
            var v1 = seed &+ p1 &+ p2
            var v2 = seed &+ p2
            var v3 = seed
            var v4 = seed &- p1
            while offset + 32 <= length {
                v1 = round(v1, base.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian)
                v2 = round(v2, base.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self).littleEndian)
                v3 = round(v3, base.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self).littleEndian)
                v4 = round(v4, base.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self).littleEndian)
                offset += 32
            }
            h = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
            h = merge(h, v1)
            h = merge(h, v2)
            h = merge(h, v3)
            h = merge(h, v4)
        } else {
            h = seed &+ p5
        }
        h = h &+ UInt64(length)
        return finish(h, UnsafeRawBufferPointer(rebasing: bytes[offset...]))
    }

    /// The end of a hash: `h` (the stripes' state, plus the length) and the last bytes that do not
    /// fill a stripe.
    private static func finish(_ state: UInt64, _ tail: UnsafeRawBufferPointer) -> UInt64 {
        var h = state
        guard let base = tail.baseAddress else { return avalanche(h) }
        let length = tail.count
        var offset = 0
        while offset + 8 <= length {
            h ^= round(0, base.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian)
            h = rotl(h, 27) &* p1 &+ p4
            offset += 8
        }
        if offset + 4 <= length {
            h ^= UInt64(base.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian) &* p1
            h = rotl(h, 23) &* p2 &+ p3
            offset += 4
        }
        while offset < length {
            h ^= UInt64(base.load(fromByteOffset: offset, as: UInt8.self)) &* p5
            h = rotl(h, 11) &* p1
            offset += 1
        }
        return avalanche(h)
    }

    /// The hash of bytes given in pieces: the same value as `hash` of all of them at once, for a
    /// column written piece by piece.
    struct Hasher {
        private var v1 = XXH64.p1 &+ XXH64.p2, v2 = XXH64.p2, v3: UInt64 = 0, v4: UInt64 = 0 &- XXH64.p1
        private var length = 0
        /// Bytes that do not fill a 32-byte stripe yet.
        private var pending: [UInt8] = []

        init() { pending.reserveCapacity(32) }

        private mutating func stripe(_ base: UnsafeRawPointer, _ offset: Int) {
            v1 = XXH64.round(v1, base.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian)
            v2 = XXH64.round(v2, base.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self).littleEndian)
            v3 = XXH64.round(v3, base.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self).littleEndian)
            v4 = XXH64.round(v4, base.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self).littleEndian)
        }

        mutating func update(_ bytes: UnsafeRawBufferPointer) {
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
            length += bytes.count
            var offset = 0
            if !pending.isEmpty {
                let taken = min(32 - pending.count, bytes.count)
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<taken]))
                offset = taken
                guard pending.count == 32 else { return }
                let full = pending
                full.withUnsafeBytes { if let start = $0.baseAddress { stripe(start, 0) } }
                pending.removeAll(keepingCapacity: true)
            }
            while offset + 32 <= bytes.count {
                stripe(base, offset)
                offset += 32
            }
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset...]))
        }

        func finalize() -> UInt64 {
            var h: UInt64
            if length >= 32 {
                h = XXH64.rotl(v1, 1) &+ XXH64.rotl(v2, 7) &+ XXH64.rotl(v3, 12) &+ XXH64.rotl(v4, 18)
                h = XXH64.merge(h, v1)
                h = XXH64.merge(h, v2)
                h = XXH64.merge(h, v3)
                h = XXH64.merge(h, v4)
            } else {
                h = XXH64.p5
            }
            h = h &+ UInt64(length)
            return pending.withUnsafeBytes { XXH64.finish(h, $0) }
        }
    }

    private static func avalanche(_ value: UInt64) -> UInt64 {
        var h = value
        h ^= h >> 33
        h = h &* p2
        h ^= h >> 29
        h = h &* p3
        h ^= h >> 32
        return h
    }
}
