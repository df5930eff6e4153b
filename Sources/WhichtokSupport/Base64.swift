/// Standard base64 (RFC 4648, section 4): decoded straight into a reused buffer (HAR bodies; `-` and `_`
/// accepted too), and encoded with `=` padding (HAR bodies written by the scraper and synth).
package enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let table: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    /// The most bytes `decode` writes for `encodedCount` characters of text.
    package static func maximumDecodedCount(encodedCount: Int) -> Int {
        encodedCount / 4 * 3 + 3
    }

    /// Decodes `text` into `target`, which must hold at least `maximumDecodedCount` bytes (else
    /// nothing is written and the text counts as invalid). Whitespace is skipped and `=` ends the
    /// data. Returns the bytes written, and `valid` false (the bytes are then garbage) for any other
    /// character or a dangling single character. Whole groups of four characters are decoded in a
    /// tight loop; the rest (padding, line breaks) goes through the careful one.
    ///
    /// The caller owns the memory, so that a large body is decoded straight into the buffer it is
    /// parsed from, without an intermediate array.
    package static func decode(_ text: UnsafeRawBufferPointer, into target: UnsafeMutableRawBufferPointer) -> (
        count: Int, valid: Bool
    ) {
        guard target.count >= maximumDecodedCount(encodedCount: text.count) else { return (0, false) }
        return table.withUnsafeBufferPointer { table in
            guard let source = text.baseAddress?.assumingMemoryBound(to: UInt8.self),
                let target = target.baseAddress?.assumingMemoryBound(to: UInt8.self)
            else { return (0, true) }
            let count = text.count
            var i = 0
            var written = 0
            while i + 4 <= count {
                let a = table[Int(source[i])]
                let b = table[Int(source[i + 1])]
                let c = table[Int(source[i + 2])]
                let d = table[Int(source[i + 3])]
                if (a | b | c | d) & 0x80 != 0 { break }
                let value = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                target[written] = UInt8(truncatingIfNeeded: value >> 16)
                target[written + 1] = UInt8(truncatingIfNeeded: value >> 8)
                target[written + 2] = UInt8(truncatingIfNeeded: value)
                written += 3
                i += 4
            }
            var accumulator: UInt32 = 0
            var bits = 0
            while i < count {
                let byte = source[i]
                i += 1
                let value = table[Int(byte)]
                if value == 0xFF {
                    if byte == UInt8(ascii: "=") { break }
                    if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { continue }
                    return (written, false)
                }
                accumulator = accumulator << 6 | UInt32(value)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    target[written] = UInt8(truncatingIfNeeded: accumulator >> UInt32(bits))
                    written += 1
                }
            }
            return (written, bits < 6)
        }
    }

    /// The base64 text of `bytes`, as ASCII bytes.
    package static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            out.append(alphabet[Int(group >> 18 & 63)])
            out.append(alphabet[Int(group >> 12 & 63)])
            out.append(alphabet[Int(group >> 6 & 63)])
            out.append(alphabet[Int(group & 63)])
            index += 3
        }
        let rest = bytes.count - index
        if rest > 0 {
            let second = rest == 2 ? UInt32(bytes[index + 1]) << 8 : 0
            let group = UInt32(bytes[index]) << 16 | second
            out.append(alphabet[Int(group >> 18 & 63)])
            out.append(alphabet[Int(group >> 12 & 63)])
            out.append(rest == 2 ? alphabet[Int(group >> 6 & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        return out
    }
}
