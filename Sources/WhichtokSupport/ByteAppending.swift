/// Small appenders for building text in `[UInt8]` buffers without `String` concatenation: the JSON
/// writer, the synthetic archives and the date formats all write through these.
extension [UInt8] {
    /// Appends the UTF-8 bytes of a literal.
    @inline(__always)
    package mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// Appends the UTF-8 bytes of `text`.
    @inline(__always)
    package mutating func append(_ text: String) {
        var copy = text
        copy.withUTF8 { append(contentsOf: $0) }
    }

    /// Appends the decimal digits of an unsigned value.
    package mutating func appendDecimal(_ value: UInt64) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var index = 20
            var rest = value
            repeat {
                index -= 1
                digits[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest > 0
            append(contentsOf: UnsafeBufferPointer(rebasing: digits[index...]))
        }
    }

    /// Appends the decimal digits of a signed value, with `-` when negative.
    package mutating func appendDecimal(_ value: Int) {
        if value < 0 {
            append(UInt8(ascii: "-"))
            appendDecimal(UInt64(value.magnitude))
        } else {
            appendDecimal(UInt64(value))
        }
    }

    /// Appends a non-negative `value` with at least `width` digits (zero-padded on the left); a
    /// longer value keeps all its digits.
    package mutating func appendPadded(_ value: Int, width: Int) {
        var digits = 1
        var power = 10
        while value >= power, digits < 19 {
            digits += 1
            power &*= 10
        }
        for _ in digits..<Swift.max(digits, width) { append(UInt8(ascii: "0")) }
        appendDecimal(value)
    }

    /// Appends lowercase hexadecimal digits of `value`, exactly `width` of them.
    package mutating func appendHex(_ value: UInt64, width: Int) {
        let digits: StaticString = "0123456789abcdef"
        digits.withUTF8Buffer { table in
            for index in stride(from: width - 1, through: 0, by: -1) {
                append(table[Int((value >> (UInt64(index) * 4)) & 15)])
            }
        }
    }
}
