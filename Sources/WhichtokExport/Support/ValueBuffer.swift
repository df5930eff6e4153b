import WhichtokSupport

/// A reusable byte buffer that values are formatted into before they are written, so the writers do
/// not allocate a `String` per value.
///
/// Text goes through XML 1.0 hygiene (see `append(text:)`), which every format shares: the same label
/// reads the same in GEXF, GraphML and CSV.
struct ValueBuffer: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes held.
    private(set) var count = 0
    /// Characters removed by `append(text:)` since the buffer was made.
    private(set) var removedCharacters = 0

    /// Adds characters removed by another buffer (one that formatted part of the same output).
    mutating func countRemoved(_ count: Int) { removedCharacters += count }

    init(capacity: Int = 256) {
        self.capacity = max(16, capacity)
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    mutating func reset() { count = 0 }

    var isEmpty: Bool { count == 0 }

    /// A copy of the content.
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Calls `body` with the content.
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        body(UnsafeBufferPointer(start: base, count: count))
    }

    /// Calls `body` with the content followed by a NUL byte.
    mutating func withCString<R>(_ body: (UnsafePointer<UInt8>) -> R) -> R {
        reserve(1)
        base[count] = 0
        return body(base)
    }

    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        var newCapacity = capacity * 2
        while newCapacity < count + extra { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.update(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }

    /// Keeps the first `count` bytes.
    mutating func truncate(to newCount: Int) {
        if newCount < count { count = max(0, newCount) }
    }

    @inline(__always)
    mutating func append(byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(buffer other: UnsafeBufferPointer<UInt8>) {
        guard let source = other.baseAddress, other.count > 0 else { return }
        reserve(other.count)
        (base + count).update(from: source, count: other.count)
        count += other.count
    }

    @inline(__always)
    mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { append(buffer: $0) }
    }

    mutating func append(bytes other: [UInt8]) {
        other.withUnsafeBufferPointer { append(buffer: $0) }
    }

    mutating func append(bytes other: ArraySlice<UInt8>) {
        other.withUnsafeBufferPointer { append(buffer: $0) }
    }

    /// Appends the content of another buffer.
    mutating func append(contentsOf other: borrowing ValueBuffer) {
        other.withBytes { append(buffer: $0) }
    }

    /// Decimal digits of `value`.
    mutating func append(integer value: Int64) {
        reserve(20)
        if value < 0 {
            base[count] = UInt8(ascii: "-")
            count += 1
        }
        var magnitude = value.magnitude
        var digits = 1
        var rest = magnitude
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        var position = count + digits - 1
        repeat {
            base[position] = UInt8(ascii: "0") &+ UInt8(magnitude % 10)
            magnitude /= 10
            position -= 1
        } while magnitude > 0
        count += digits
    }

    mutating func append(integer value: Int) { append(integer: Int64(value)) }

    /// The shortest decimal that reads back as the same `Double` (`1e-05`, `0.25`, `3.0`); non-finite
    /// values as the XML Schema spellings `NaN`, `INF`, `-INF`.
    mutating func append(double value: Double) {
        guard value.isFinite else {
            append(value.isNaN ? "NaN" : value < 0 ? "-INF" : "INF")
            return
        }
        var text = value.description
        text.withUTF8 { append(buffer: $0) }
    }

    /// The shortest decimal that reads back as the same `Float` (edge weights: `0.8123`, not the
    /// `Double` expansion `0.8123000264167786`).
    mutating func append(float value: Float) {
        guard value.isFinite else {
            append(value.isNaN ? "NaN" : value < 0 ? "-INF" : "INF")
            return
        }
        var text = value.description
        text.withUTF8 { append(buffer: $0) }
    }

    /// `text` as UTF-8 without the characters XML 1.0 forbids: C0 controls other than TAB, LF and CR
    /// (including NUL), and the non-characters U+FFFE and U+FFFF. (Surrogates cannot occur in a Swift
    /// string; U+007F–U+009F are allowed by XML 1.0 and kept.) Removed characters are counted.
    mutating func append(text: String) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { appendSanitized($0) }
        if done == nil { appendSanitized(Array(text.utf8)) }
    }

    private mutating func appendSanitized<C: RandomAccessCollection>(_ utf8: C)
    where C.Element == UInt8, C.Index == Int {
        var clean = true
        for byte in utf8 where byte < 0x20 || byte == 0xEF {
            if byte == 0xEF || (byte != 0x09 && byte != 0x0A && byte != 0x0D) {
                clean = false
                break
            }
        }
        if clean {
            reserve(utf8.count)
            for byte in utf8 {
                base[count] = byte
                count += 1
            }
            return
        }
        var i = utf8.startIndex
        let end = utf8.endIndex
        while i < end {
            let byte = utf8[i]
            if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D {
                removedCharacters += 1
                i += 1
            } else if byte == 0xEF && i + 2 < end && utf8[i + 1] == 0xBF && (utf8[i + 2] == 0xBE || utf8[i + 2] == 0xBF)
            {
                removedCharacters += 1
                i += 3
            } else {
                append(byte: byte)
                i += 1
            }
        }
    }

    /// `YYYY-MM-DD` of the UTC day of `seconds` since 1970.
    mutating func append(utcDate seconds: UInt32) {
        CivilTime(unixTime: Int64(seconds)).withText(.date) { append(buffer: $0) }
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` (ISO 8601, UTC) of `seconds` since 1970.
    mutating func append(utcDateTime seconds: UInt32) {
        CivilTime(unixTime: Int64(seconds)).withText(.iso8601) { append(buffer: $0) }
    }
}
