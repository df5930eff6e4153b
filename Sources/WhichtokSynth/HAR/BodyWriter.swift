import WhichtokSupport

/// The closure-shaped front of a compact `JSONWriter`, for response bodies as TikTok's servers
/// send them: no whitespace, ids as strings. `w.object { w in w.field("id", id: 1) }`.
struct BodyWriter {
    private var writer: JSONWriter

    init(capacity: Int = 1024) {
        writer = JSONWriter(capacity: capacity, layout: .compact)
    }

    var bytes: [UInt8] { writer.bytes }

    mutating func object(_ body: (inout BodyWriter) -> Void) {
        writer.beginObject()
        body(&self)
        writer.endObject()
    }

    mutating func array(_ body: (inout BodyWriter) -> Void) {
        writer.beginArray()
        body(&self)
        writer.endArray()
    }

    mutating func key(_ name: StaticString) { writer.key(name) }
    mutating func key(_ name: String) { writer.key(name) }
    mutating func string(_ value: String) { writer.string(value) }
    mutating func int(_ value: Int) { writer.int(value) }
    mutating func uint(_ value: UInt64) { writer.uint(value) }
    mutating func bool(_ value: Bool) { writer.bool(value) }
    mutating func null() { writer.null() }
    mutating func raw(_ json: [UInt8]) { writer.raw(json) }

    /// A decimal id as a JSON string (TikTok sends ids above 2^53 as strings).
    mutating func id(_ value: UInt64) { writer.rawString { $0.appendDecimal(value) } }

    mutating func field(_ name: StaticString, _ value: String) {
        key(name)
        string(value)
    }

    mutating func field(_ name: StaticString, id value: UInt64) {
        key(name)
        id(value)
    }

    mutating func field(_ name: StaticString, _ value: Int) {
        key(name)
        int(value)
    }

    mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        bool(value)
    }
}
