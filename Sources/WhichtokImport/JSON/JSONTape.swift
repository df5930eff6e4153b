// All unsafe pointer reads of the JSON layer live in this file.
//
// After a successful parse, the CSimdJSON shim hands us simdjson's DOM tape and string buffer
// (both owned by the parser, valid until its next parse). The layout, checked against the
// installed simdjson 3.0.1 header (`dom::document::tape`, `dump_raw_tape`):
//
// - every tape word is a type character in bits 56...63 and a payload in bits 0...55;
// - word 0 is 'r' (root) whose payload is the word count (the index just past the closing 'r'
//   word; simdjson 3.0.1's own `dump_raw_tape` misreads it); the root value starts at index 1;
// - '{' / '[': payload bits 0...31 are the index just past the matching '}' / ']' word, bits
//   32...55 the element (or member) count, saturated at 0xFFFFFF;
// - '"': payload is a byte offset into the string buffer, where a 32-bit native-endian length is
//   followed by the (already unescaped, UTF-8 validated) bytes;
// - 'l' / 'u' / 'd': the value is the following word (int64 / uint64 / double bit pattern);
// - 't', 'f', 'n': true, false, null (one word);
// - an object's members are a '"' key word immediately followed by the value.
//
// The tape comes straight from simdjson after it validated the document, so it is trusted; the
// index arithmetic below is checked with `assert` in debug builds.

/// A view of one parsed document's tape and string buffer. Two pointers and a count; trivially
/// copyable. Only valid while the parser that produced it is inside `parse`.
struct JSONTape {
    let words: UnsafePointer<UInt64>
    let wordCount: Int
    let strings: UnsafePointer<UInt8>

    static let payloadMask: UInt64 = 0x00FF_FFFF_FFFF_FFFF
    static let savedCountLimit = 0xFF_FFFF

    @inline(__always)
    func word(_ index: Int) -> UInt64 {
        assert(index >= 0 && index < wordCount, "tape index out of range")
        return words[index]
    }

    /// The type character of the word at `index`.
    @inline(__always)
    func tag(_ index: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: word(index) >> 56)
    }

    @inline(__always)
    func payload(_ index: Int) -> UInt64 {
        word(index) & Self.payloadMask
    }

    /// The index of the value that follows the one starting at `index`.
    @inline(__always)
    func next(after index: Int) -> Int {
        switch tag(index) {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            return Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: payload(index)))
        case UInt8(ascii: "l"), UInt8(ascii: "u"), UInt8(ascii: "d"):
            return index + 2
        default:
            return index + 1
        }
    }

    /// For a container at `index`: the index of its closing '}' / ']' word.
    @inline(__always)
    func endOfContainer(_ index: Int) -> Int {
        next(after: index) - 1
    }

    /// For a container at `index`: simdjson's saved count, saturated at `savedCountLimit`.
    @inline(__always)
    func savedCount(_ index: Int) -> Int {
        Int(truncatingIfNeeded: (payload(index) >> 32) & 0xFF_FFFF)
    }

    /// The raw value word following a number tag at `index`.
    @inline(__always)
    func numberBits(_ index: Int) -> UInt64 {
        word(index + 1)
    }

    /// The bytes of the string whose '"' word is at `index` (no copy).
    @inline(__always)
    func stringBytes(_ index: Int) -> UnsafeRawBufferPointer {
        let offset = Int(truncatingIfNeeded: payload(index))
        let base = UnsafeRawPointer(strings + offset)
        let length = base.loadUnaligned(as: UInt32.self)
        return UnsafeRawBufferPointer(start: base + 4, count: Int(length))
    }
}

/// Byte comparisons used by key lookup. They take raw key bytes from the tape and compare them
/// with a Swift `String` without allocating.
enum JSONBytes {
    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 {
        (byte &- UInt8(ascii: "A")) < 26 ? byte | 0x20 : byte
    }

    /// Exact byte equality of `bytes` with the prefix of `text`'s UTF-8 of the same length
    /// (`prefixOnly`) or with all of it.
    static func compare(
        _ bytes: UnsafeRawBufferPointer, _ text: String, ignoringCase: Bool, prefixOnly: Bool
    ) -> Bool {
        let utf8 = text.utf8
        let textCount = utf8.count
        if prefixOnly ? bytes.count < textCount : bytes.count != textCount { return false }
        if textCount == 0 { return true }
        let fast: Bool? = utf8.withContiguousStorageIfAvailable { textBytes in
            equal(bytes, UnsafeRawBufferPointer(textBytes), count: textCount, ignoringCase: ignoringCase)
        }
        if let fast { return fast }
        var i = 0
        for byte in utf8 {
            let other = bytes[i]
            if ignoringCase ? lower(other) != lower(byte) : other != byte { return false }
            i += 1
        }
        return true
    }

    @inline(__always)
    static func equal(
        _ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer, count: Int, ignoringCase: Bool
    ) -> Bool {
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return count == 0 }
        if ignoringCase {
            for i in 0..<count
            where lower(pa.load(fromByteOffset: i, as: UInt8.self))
                != lower(pb.load(fromByteOffset: i, as: UInt8.self))
            {
                return false
            }
            return true
        }
        return memcmpEqual(pa, pb, count)
    }

    @inline(__always)
    static func memcmpEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
        for i in 0..<count where a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self)
        {
            return false
        }
        return true
    }
}
