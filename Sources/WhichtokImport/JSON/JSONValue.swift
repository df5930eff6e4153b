/// The kind of a JSON value. Integers that fit in `Int64` are `.int64`; larger non-negative ones
/// (up to `UInt64.max`) are `.uint64`; numbers with a fraction or exponent are `.double`.
public enum JSONType: UInt8, Sendable {
    case object, array, string, int64, uint64, double, bool, null
}

/// A cursor into a parsed document: a few words, no allocation, no ARC.
///
/// Valid only inside the `JSONParser.parse` body that produced it: it points into the parser's
/// buffers, which the next parse reuses. Never store it.
public struct JSONValue {
    let tape: JSONTape
    let index: Int

    init(tape: JSONTape, index: Int) {
        self.tape = tape
        self.index = index
    }

    @inline(__always) private var tag: UInt8 { tape.tag(index) }

    @inline(__always)
    public var type: JSONType {
        switch tag {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "l"): return .int64
        case UInt8(ascii: "u"): return .uint64
        case UInt8(ascii: "d"): return .double
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        default: return .null
        }
    }

    public var isNull: Bool { tag == UInt8(ascii: "n") }

    /// null, [], {} or "" — the archive's ways of saying "empty".
    public var isEmpty: Bool {
        switch tag {
        case UInt8(ascii: "n"): return true
        case UInt8(ascii: "{"), UInt8(ascii: "["): return tape.endOfContainer(index) == index + 1
        case UInt8(ascii: "\""): return tape.stringBytes(index).isEmpty
        default: return false
        }
    }

    /// Element count of an array / member count of an object, 0 otherwise.
    public var count: Int {
        let t = tag
        guard t == UInt8(ascii: "{") || t == UInt8(ascii: "[") else { return 0 }
        let saved = tape.savedCount(index)
        if saved < JSONTape.savedCountLimit { return saved }
        // simdjson saturates the count at 0xFFFFFF: count by walking.
        let end = tape.endOfContainer(index)
        let step = t == UInt8(ascii: "{") ? 2 : 1
        var n = 0
        var i = index + 1
        while i < end {
            i = step == 2 ? tape.next(after: i + 1) : tape.next(after: i)
            n += 1
        }
        return n
    }

    /// The raw UTF-8 bytes of a string value, no copy; nil if not a string.
    public func withStringBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R? {
        guard tag == UInt8(ascii: "\"") else { return nil }
        return try body(tape.stringBytes(index))
    }

    /// An allocating copy of a string value; nil if not a string.
    public var string: String? {
        guard tag == UInt8(ascii: "\"") else { return nil }
        return String(decoding: tape.stringBytes(index), as: UTF8.self)
    }

    /// From an int64, or a uint64 that fits; nil for doubles and everything else.
    public var int64: Int64? {
        switch tag {
        case UInt8(ascii: "l"): return Int64(bitPattern: tape.numberBits(index))
        case UInt8(ascii: "u"):
            let value = tape.numberBits(index)
            return value <= UInt64(Int64.max) ? Int64(value) : nil
        default: return nil
        }
    }

    /// From a uint64, or a non-negative int64; nil for doubles and everything else.
    public var uint64: UInt64? {
        switch tag {
        case UInt8(ascii: "u"): return tape.numberBits(index)
        case UInt8(ascii: "l"):
            let value = Int64(bitPattern: tape.numberBits(index))
            return value >= 0 ? UInt64(value) : nil
        default: return nil
        }
    }

    /// Any number as a `Double` (integers above 2^53 round).
    public var double: Double? {
        switch tag {
        case UInt8(ascii: "d"): return Double(bitPattern: tape.numberBits(index))
        case UInt8(ascii: "l"): return Double(Int64(bitPattern: tape.numberBits(index)))
        case UInt8(ascii: "u"): return Double(tape.numberBits(index))
        default: return nil
        }
    }

    public var bool: Bool? {
        switch tag {
        case UInt8(ascii: "t"): return true
        case UInt8(ascii: "f"): return false
        default: return nil
        }
    }

    /// An id as TikTok writes them: a non-negative JSON integer, or a string of 1–20 ASCII digits
    /// (ids exceed 2^53, so they are often strings). Exact, never via `Double`. nil for anything
    /// else (negative numbers, doubles, other strings) and on overflow past `UInt64.max`.
    public var idValue: UInt64? {
        switch tag {
        case UInt8(ascii: "l"), UInt8(ascii: "u"):
            return uint64
        case UInt8(ascii: "\""):
            return Self.parseDigits(tape.stringBytes(index))
        default:
            return nil
        }
    }

    static func parseDigits(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard (1...20).contains(bytes.count) else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
            if o1 || o2 { return nil }
            value = sum
        }
        return value
    }

    /// Calls `body` with each element of an array, in order; does nothing for other values.
    public func forEachElement(_ body: (JSONValue) throws -> Void) rethrows {
        guard tag == UInt8(ascii: "[") else { return }
        let end = tape.endOfContainer(index)
        var i = index + 1
        while i < end {
            try body(JSONValue(tape: tape, index: i))
            i = tape.next(after: i)
        }
    }

    /// Calls `body` with each member of an object, in document order (duplicates included); does
    /// nothing for other values.
    public func forEachMember(_ body: (JSONKey, JSONValue) throws -> Void) rethrows {
        guard tag == UInt8(ascii: "{") else { return }
        let end = tape.endOfContainer(index)
        var i = index + 1
        while i < end {
            try body(JSONKey(bytes: tape.stringBytes(i)), JSONValue(tape: tape, index: i + 1))
            i = tape.next(after: i + 1)
        }
    }

    /// Visits members until `body` returns false. Internal, non-throwing, for lookups.
    @inline(__always)
    private func scanMembers(_ body: (UnsafeRawBufferPointer, Int) -> Bool) {
        guard tag == UInt8(ascii: "{") else { return }
        let end = tape.endOfContainer(index)
        var i = index + 1
        while i < end {
            if !body(tape.stringBytes(i), i + 1) { return }
            i = tape.next(after: i + 1)
        }
    }

    /// The value of the first member whose key is exactly `key`; nil if absent or not an object.
    public subscript(key: String) -> JSONValue? {
        var found: Int?
        scanMembers { bytes, valueIndex in
            if JSONBytes.compare(bytes, key, ignoringCase: false, prefixOnly: false) {
                found = valueIndex
                return false
            }
            return true
        }
        return found.map { JSONValue(tape: tape, index: $0) }
    }

    /// ASCII case-insensitive lookup trying each alias in order: the first alias present wins (for
    /// one alias, its first occurrence). One pass over the members, no allocation per key.
    public func member(_ aliases: String...) -> JSONValue? {
        member(aliases)
    }

    public func member(_ aliases: [String]) -> JSONValue? {
        var bestRank = aliases.count
        var bestIndex: Int?
        scanMembers { bytes, valueIndex in
            var rank = 0
            while rank < bestRank {
                if JSONBytes.compare(bytes, aliases[rank], ignoringCase: true, prefixOnly: false) {
                    bestRank = rank
                    bestIndex = valueIndex
                    break
                }
                rank += 1
            }
            return bestRank != 0
        }
        return bestIndex.map { JSONValue(tape: tape, index: $0) }
    }
}

/// An object member's key, pointing into the parser's buffers (same lifetime as `JSONValue`).
public struct JSONKey {
    let bytes: UnsafeRawBufferPointer

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The key's raw UTF-8 bytes (unescaped), no copy.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(bytes)
    }

    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// ASCII case-insensitive comparison without allocating.
    public func equalsIgnoringCase(_ other: String) -> Bool {
        JSONBytes.compare(bytes, other, ignoringCase: true, prefixOnly: false)
    }

    /// Whether the key starts with `prefix`, ASCII case-insensitively (e.g. "Chat History with ").
    public func hasPrefixIgnoringCase(_ prefix: String) -> Bool {
        JSONBytes.compare(bytes, prefix, ignoringCase: true, prefixOnly: true)
    }
}
