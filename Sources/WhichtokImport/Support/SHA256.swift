internal import CSHA256

/// SHA-256 (FIPS 180-4) in plain Swift, with the block compression done by the CPU's SHA
/// extensions when it has them (`CSHA256`): every byte of every input is hashed, so on a large HAR
/// or export the hardware path matters.
///
/// Feed bytes with `update` as they arrive, in any chunking; `finalize` returns the 32-byte digest.
/// Whole 64-byte blocks are compressed straight from the caller's memory; only a trailing partial
/// block is copied into the hasher's own 64-byte buffer. No allocation happens per block.
public struct SHA256: Sendable {
    private var h0: UInt32 = 0x6a09_e667
    private var h1: UInt32 = 0xbb67_ae85
    private var h2: UInt32 = 0x3c6e_f372
    private var h3: UInt32 = 0xa54f_f53a
    private var h4: UInt32 = 0x510e_527f
    private var h5: UInt32 = 0x9b05_688c
    private var h6: UInt32 = 0x1f83_d9ab
    private var h7: UInt32 = 0x5be0_cd19
    /// Total message length in bytes so far.
    private var length: UInt64 = 0
    /// Holds a partial block between calls (always 64 bytes long; `pending` of them are in use).
    private var block: [UInt8] = Array(repeating: 0, count: 64)
    private var pending = 0

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let start = bytes.baseAddress, bytes.count > 0 else { return }
        length &+= UInt64(bytes.count)
        var offset = 0
        let total = bytes.count

        if pending > 0 {
            let take = min(64 - pending, total)
            let filled = pending
            block.withUnsafeMutableBytes { dst in
                // `dst` is 64 bytes; copy `take` bytes after the pending ones.
                if let base = dst.baseAddress {
                    (base + filled).copyMemory(from: start, byteCount: take)
                }
            }
            pending += take
            offset = take
            if pending < 64 { return }
            let buffered = block
            buffered.withUnsafeBytes { raw in
                if let base = raw.baseAddress { compress(blocks: base, count: 1) }
            }
            pending = 0
        }

        let wholeBlocks = (total - offset) / 64
        if wholeBlocks > 0 {
            compress(blocks: start + offset, count: wholeBlocks)
            offset += wholeBlocks * 64
        }

        let rest = total - offset
        if rest > 0 {
            block.withUnsafeMutableBytes { dst in
                if let base = dst.baseAddress {
                    base.copyMemory(from: start + offset, byteCount: rest)
                }
            }
            pending = rest
        }
    }

    /// Convenience for arrays and other contiguous collections.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done == nil {
            Array(bytes).withUnsafeBytes { update($0) }
        }
    }

    /// Pads the message, returns the digest and resets the hasher to its initial state.
    public mutating func finalize() -> [UInt8] {
        let bitLength = length &* 8
        var tail = [UInt8](repeating: 0, count: pending < 56 ? 64 : 128)
        for i in 0..<pending { tail[i] = block[i] }
        tail[pending] = 0x80
        for i in 0..<8 {
            tail[tail.count - 1 - i] = UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(i)))
        }
        tail.withUnsafeBytes { raw in
            if let base = raw.baseAddress { compress(blocks: base, count: raw.count / 64) }
        }
        var digest = [UInt8]()
        digest.reserveCapacity(32)
        for word in [h0, h1, h2, h3, h4, h5, h6, h7] {
            digest.append(UInt8(truncatingIfNeeded: word >> 24))
            digest.append(UInt8(truncatingIfNeeded: word >> 16))
            digest.append(UInt8(truncatingIfNeeded: word >> 8))
            digest.append(UInt8(truncatingIfNeeded: word))
        }
        self = SHA256()
        return digest
    }

    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    public static func hex(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(digest.count * 2)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Compression

    /// Whether `csha256_blocks` may be used on this CPU (checked once).
    static let accelerated = csha256_accelerated() != 0

    /// The eight working words a…h (for tests).
    var stateWords: [UInt32] { [h0, h1, h2, h3, h4, h5, h6, h7] }

    /// Compresses `count` consecutive 64-byte blocks starting at `blocks`.
    mutating func compress(blocks: UnsafeRawPointer, count: Int) {
        if Self.accelerated {
            var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
                h0, h1, h2, h3, h4, h5, h6, h7
            )
            withUnsafeMutableBytes(of: &state) { raw in
                csha256_blocks(
                    raw.baseAddress?.assumingMemoryBound(to: UInt32.self), blocks.assumingMemoryBound(to: UInt8.self),
                    count)
            }
            (h0, h1, h2, h3, h4, h5, h6, h7) = state
            return
        }
        compressPortably(blocks: blocks, count: count)
    }

    /// The same compression in plain Swift.
    mutating func compressPortably(blocks: UnsafeRawPointer, count: Int) {
        var a0 = h0
        var b0 = h1
        var c0 = h2
        var d0 = h3
        var e0 = h4
        var f0 = h5
        var g0 = h6
        var k0 = h7
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            SHA256.roundConstants.withUnsafeBufferPointer { k in
                for blockIndex in 0..<count {
                    let p = blocks + blockIndex * 64
                    for t in 0..<16 {
                        w[t] = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: t * 4, as: UInt32.self))
                    }
                    for t in 16..<64 {
                        let x = w[t - 15]
                        let y = w[t - 2]
                        let s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3)
                        let s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >> 10)
                        w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
                    }
                    var a = a0
                    var b = b0
                    var c = c0
                    var d = d0
                    var e = e0
                    var f = f0
                    var g = g0
                    var h = k0
                    for t in 0..<64 {
                        let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                        let ch = (e & f) ^ (~e & g)
                        let t1 = h &+ s1 &+ ch &+ k[t] &+ w[t]
                        let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                        let maj = (a & b) ^ (a & c) ^ (b & c)
                        let t2 = s0 &+ maj
                        h = g
                        g = f
                        f = e
                        e = d &+ t1
                        d = c
                        c = b
                        b = a
                        a = t1 &+ t2
                    }
                    a0 = a0 &+ a
                    b0 = b0 &+ b
                    c0 = c0 &+ c
                    d0 = d0 &+ d
                    e0 = e0 &+ e
                    f0 = f0 &+ f
                    g0 = g0 &+ g
                    k0 = k0 &+ h
                }
            }
        }
        h0 = a0
        h1 = b0
        h2 = c0
        h3 = d0
        h4 = e0
        h5 = f0
        h6 = g0
        h7 = k0
    }

    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]
}

@inline(__always)
private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 {
    (x >> n) | (x << (32 &- n))
}
