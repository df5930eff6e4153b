/// Parquet's RLE / bit-packing hybrid (Encodings.md, "Run Length Encoding / Bit-Packing Hybrid"): the
/// encoding of definition levels and of dictionary indices.
///
/// A run of at least 8 equal values becomes an RLE run (header `count << 1`, then the value in
/// `ceil(bitWidth / 8)` little-endian bytes); everything else is bit-packed in groups of 8 values
/// (header `groups << 1 | 1`, then `bitWidth` bytes per group, least significant bit first). Only the
/// very last group is padded with zeros; the reader knows how many values there are.
enum RLEHybridEncoder {
    /// The encoded values, without a length prefix.
    static func encode(_ values: [UInt32], bitWidth: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(values.count * bitWidth / 8 + 16)
        let count = values.count
        func runLength(at start: Int) -> Int {
            var end = start + 1
            while end < count && values[end] == values[start] { end += 1 }
            return end - start
        }
        var position = 0
        while position < count {
            let run = runLength(at: position)
            if run >= 8 {
                appendVarint(UInt64(run) << 1, to: &out)
                let value = values[position]
                for byte in 0..<(bitWidth + 7) / 8 { out.append(UInt8(truncatingIfNeeded: value >> (8 * byte))) }
                position += run
                continue
            }
            // Bit-packed groups until a run of 8 starts at a group boundary.
            let start = position
            var groups = 0
            repeat {
                groups += 1
                position += 8
            } while position < count && runLength(at: position) < 8
            position = min(position, count)
            appendVarint(UInt64(groups) << 1 | 1, to: &out)
            appendBitPacked(values[start..<position], groups: groups, bitWidth: bitWidth, to: &out)
        }
        return out
    }

    /// The bits needed for values up to `maximum` (at least 1).
    static func bitWidth(forMaximum maximum: UInt32) -> Int {
        max(1, 32 - maximum.leadingZeroBitCount)
    }

    /// `groups × 8` values (the slice, then zeros) packed `bitWidth` bits each, LSB first.
    private static func appendBitPacked(
        _ values: ArraySlice<UInt32>, groups: Int, bitWidth: Int, to out: inout [UInt8]
    ) {
        var accumulator: UInt64 = 0
        var bits = 0
        var written = 0
        for value in values {
            accumulator |= UInt64(value) << bits
            bits += bitWidth
            while bits >= 8 {
                out.append(UInt8(truncatingIfNeeded: accumulator))
                accumulator >>= 8
                bits -= 8
            }
            written += 1
        }
        for _ in written..<groups * 8 {
            bits += bitWidth
            while bits >= 8 {
                out.append(UInt8(truncatingIfNeeded: accumulator))
                accumulator >>= 8
                bits -= 8
            }
        }
    }

    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
    }
}
