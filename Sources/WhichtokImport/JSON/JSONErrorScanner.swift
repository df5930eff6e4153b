/// Slow path, run only after simdjson rejected a document: simdjson's DOM parser says what went
/// wrong but not where. This validator re-reads the same bytes and returns the byte offset of the
/// first error and a short message.
///
/// It follows RFC 8259 plus simdjson's own limits, so that it agrees with simdjson: integers must
/// fit in Int64 / UInt64, other numbers must not overflow a Double, `\u` escapes must not leave a
/// lone surrogate, and no value may sit deeper than `maxDepth` (counting the value itself: 1024
/// nested arrays are fine, a value inside 1024 arrays is not).
///
/// It does not recurse: nesting is an explicit stack, bounded by `maxDepth`.
/// Bytes are read through a bounds-checked `Span`.
enum JSONErrorScanner {
    static func firstError(_ buffer: UnsafeRawBufferPointer, from start: Int, maxDepth: Int) -> JSONError? {
        let bytes = buffer.assumingMemoryBound(to: UInt8.self).span
        return firstError(bytes, from: start, maxDepth: maxDepth)
    }

    private enum State {
        case value  // a value must come
        case firstElement  // just after '[': a value or ']'
        case firstKey  // just after '{': a key or '}'
        case key  // after ',' in an object: a key
        case afterValue  // after a complete value
    }

    private enum Container { case array, object }

    static func firstError(_ bytes: Span<UInt8>, from start: Int, maxDepth: Int) -> JSONError? {
        let end = bytes.count
        var i = start
        // Open containers, innermost last. Never longer than maxDepth.
        var stack: [Container] = []
        stack.reserveCapacity(64)
        var state = State.value

        func fail(_ offset: Int, _ message: String) -> JSONError {
            JSONError(offset: offset, message: message)
        }

        i = skipWhitespace(bytes, i)
        if i == end { return fail(0, "empty input") }

        while true {
            i = skipWhitespace(bytes, i)
            switch state {
            case .value, .firstElement:
                guard i < end else { return fail(end, "unexpected end of input") }
                let c = bytes[i]
                if state == .firstElement && c == UInt8(ascii: "]") {
                    stack.removeLast()
                    i += 1
                    state = .afterValue
                    continue
                }
                if stack.count >= maxDepth {
                    return fail(i, "nesting deeper than \(maxDepth) levels")
                }
                switch c {
                case UInt8(ascii: "["):
                    stack.append(.array)
                    i += 1
                    state = .firstElement
                case UInt8(ascii: "{"):
                    stack.append(.object)
                    i += 1
                    state = .firstKey
                case UInt8(ascii: "\""):
                    switch scanString(bytes, i) {
                    case .success(let next): i = next
                    case .failure(let error): return error
                    }
                    state = .afterValue
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    switch scanNumber(bytes, i) {
                    case .success(let next): i = next
                    case .failure(let error): return error
                    }
                    state = .afterValue
                case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                    let word: StaticString = c == UInt8(ascii: "t") ? "true" : c == UInt8(ascii: "f") ? "false" : "null"
                    switch scanLiteral(bytes, i, word) {
                    case .success(let next): i = next
                    case .failure(let error): return error
                    }
                    state = .afterValue
                default:
                    return fail(i, "expected a value")
                }

            case .firstKey, .key:
                guard i < end else { return fail(end, "unexpected end of input") }
                let c = bytes[i]
                if state == .firstKey && c == UInt8(ascii: "}") {
                    stack.removeLast()
                    i += 1
                    state = .afterValue
                    continue
                }
                guard c == UInt8(ascii: "\"") else { return fail(i, "expected a string key") }
                switch scanString(bytes, i) {
                case .success(let next): i = next
                case .failure(let error): return error
                }
                i = skipWhitespace(bytes, i)
                guard i < end else { return fail(end, "unexpected end of input") }
                guard bytes[i] == UInt8(ascii: ":") else { return fail(i, "expected ':'") }
                i += 1
                state = .value

            case .afterValue:
                guard let top = stack.last else {
                    return i < end ? fail(i, "trailing characters after the document") : nil
                }
                guard i < end else { return fail(end, "unexpected end of input") }
                let c = bytes[i]
                if c == UInt8(ascii: ",") {
                    i += 1
                    state = top == .array ? .value : .key
                } else if c == (top == .array ? UInt8(ascii: "]") : UInt8(ascii: "}")) {
                    stack.removeLast()
                    i += 1
                } else {
                    return fail(i, top == .array ? "expected ',' or ']'" : "expected ',' or '}'")
                }
            }
        }
    }

    private static func skipWhitespace(_ bytes: Span<UInt8>, _ start: Int) -> Int {
        var i = start
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return i
            }
        }
        return i
    }

    private static func scanLiteral(_ bytes: Span<UInt8>, _ start: Int, _ word: StaticString) -> Result<Int, JSONError>
    {
        let count = word.utf8CodeUnitCount
        for k in 0..<count {
            let expected = word.withUTF8Buffer { $0[k] }
            guard start + k < bytes.count else {
                return .failure(JSONError(offset: bytes.count, message: "unexpected end of input"))
            }
            if bytes[start + k] != expected {
                return .failure(JSONError(offset: start, message: "expected a value"))
            }
        }
        return .success(start + count)
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    private enum Escape {
        case code(UInt32)
        case invalid
        case truncated
    }

    /// Reads `\uXXXX` whose backslash is at `at`.
    private static func unicodeEscape(_ bytes: Span<UInt8>, _ at: Int) -> Escape {
        guard at + 1 < bytes.count else { return .truncated }
        guard bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else { return .invalid }
        var value: UInt32 = 0
        for k in 2..<6 {
            guard at + k < bytes.count else { return .truncated }
            guard let digit = hexValue(bytes[at + k]) else { return .invalid }
            value = value << 4 | digit
        }
        return .code(value)
    }

    /// Scans the string whose opening quote is at `start`; returns the index after the closing quote.
    private static func scanString(_ bytes: Span<UInt8>, _ start: Int) -> Result<Int, JSONError> {
        let end = bytes.count
        let unterminated = JSONError(offset: start, message: "unterminated string")
        var i = start + 1
        while i < end {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") { return .success(i + 1) }
            if c == UInt8(ascii: "\\") {
                guard i + 1 < end else { return .failure(unterminated) }
                switch bytes[i + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                    UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 2
                case UInt8(ascii: "u"):
                    let invalid = JSONError(offset: i, message: "invalid escape")
                    switch unicodeEscape(bytes, i) {
                    case .truncated: return .failure(unterminated)
                    case .invalid: return .failure(invalid)
                    case .code(let unit) where (0xDC00...0xDFFF).contains(unit):
                        return .failure(invalid)  // a lone low surrogate
                    case .code(let unit) where (0xD800...0xDBFF).contains(unit):
                        // Must be followed at once by a low surrogate escape.
                        guard i + 6 < end else { return .failure(unterminated) }
                        guard bytes[i + 6] == UInt8(ascii: "\\") else { return .failure(invalid) }
                        switch unicodeEscape(bytes, i + 6) {
                        case .truncated: return .failure(unterminated)
                        case .code(let low) where (0xDC00...0xDFFF).contains(low): i += 12
                        default: return .failure(invalid)
                        }
                    case .code:
                        i += 6
                    }
                default:
                    return .failure(JSONError(offset: i, message: "invalid escape"))
                }
            } else if c < 0x20 {
                return .failure(JSONError(offset: i, message: "control character in string"))
            } else if c < 0x80 {
                i += 1
            } else if let length = utf8SequenceLength(bytes, i) {
                i += length
            } else {
                return .failure(JSONError(offset: i, message: "invalid UTF-8"))
            }
        }
        return .failure(unterminated)
    }

    /// Length of the well-formed UTF-8 sequence starting with the non-ASCII byte at `i`, or nil
    /// (overlong forms, surrogates, code points past U+10FFFF, truncation).
    private static func utf8SequenceLength(_ bytes: Span<UInt8>, _ i: Int) -> Int? {
        guard let (length, low, high) = UTF8Validation.sequence(lead: bytes[i]) else { return nil }
        guard i + length <= bytes.count else { return nil }
        guard (low...high).contains(bytes[i + 1]) else { return nil }
        for k in 2..<length where !(0x80...0xBF).contains(bytes[i + k]) {
            return nil
        }
        return length
    }

    /// Scans a number starting at `start` (a '-' or a digit); returns the index after it.
    private static func scanNumber(_ bytes: Span<UInt8>, _ start: Int) -> Result<Int, JSONError> {
        // Take the whole run of number-like bytes, then check it against the grammar
        // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? so that "01", "1.", "--1" are one error.
        var stop = start
        while stop < bytes.count {
            switch bytes[stop] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"),
                UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
                stop += 1
                continue
            default:
                break
            }
            break
        }
        let invalid = JSONError(offset: start, message: "invalid number")
        func isDigit(_ k: Int) -> Bool {
            k < stop && bytes[k] >= UInt8(ascii: "0") && bytes[k] <= UInt8(ascii: "9")
        }
        var k = start
        let negative = bytes[k] == UInt8(ascii: "-")
        if negative { k += 1 }
        guard isDigit(k) else { return .failure(invalid) }
        let intStart = k
        if bytes[k] == UInt8(ascii: "0") {
            k += 1
        } else {
            while isDigit(k) { k += 1 }
        }
        let intEnd = k
        var isInteger = true
        if k < stop && bytes[k] == UInt8(ascii: ".") {
            isInteger = false
            k += 1
            guard isDigit(k) else { return .failure(invalid) }
            while isDigit(k) { k += 1 }
        }
        if k < stop && (bytes[k] == UInt8(ascii: "e") || bytes[k] == UInt8(ascii: "E")) {
            isInteger = false
            k += 1
            if k < stop && (bytes[k] == UInt8(ascii: "+") || bytes[k] == UInt8(ascii: "-")) { k += 1 }
            guard isDigit(k) else { return .failure(invalid) }
            while isDigit(k) { k += 1 }
        }
        guard k == stop else { return .failure(invalid) }

        let outOfRange = JSONError(offset: start, message: "number out of range")
        if isInteger {
            // simdjson: int64 for negatives, up to UInt64.max for the rest.
            var magnitude: UInt64 = 0
            for d in intStart..<intEnd {
                let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(bytes[d] - UInt8(ascii: "0")))
                if o1 || o2 { return .failure(outOfRange) }
                magnitude = sum
            }
            if negative && magnitude > UInt64(Int64.max) + 1 { return .failure(outOfRange) }
        } else {
            var text = ""
            text.reserveCapacity(stop - start)
            for d in start..<stop { text.unicodeScalars.append(Unicode.Scalar(bytes[d])) }
            guard let value = Double(text), value.isFinite else { return .failure(outOfRange) }
        }
        return .success(stop)
    }
}
