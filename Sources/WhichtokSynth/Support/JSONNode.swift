import WhichtokSupport

/// The synthetic archives' additions to the shared `JSONWriter`: small trees (`JSONNode`) and
/// TikTok's date fields.
extension JSONWriter {
    /// `"name": "YYYY-MM-DD HH:MM:SS"`, with ` UTC` appended when `utc` is set.
    mutating func dateField(_ name: StaticString, _ time: Int64, utc: Bool = false) {
        key(name)
        rawString { buffer in
            buffer.appendDate(time)
            if utc { buffer.append(" UTC") }
        }
    }

    /// Writes a small tree; big lists go in `.custom` nodes that stream straight into the writer.
    mutating func write(_ node: JSONNode) {
        switch node {
        case .object(let members):
            beginObject()
            for (name, value) in members {
                key(name)
                write(value)
            }
            endObject()
        case .sortedObject(let members):
            beginObject()
            for (name, value) in members.sorted(by: { utf8Less($0.0, $1.0) }) {
                key(name)
                write(value)
            }
            endObject()
        case .array(let items):
            beginArray()
            for item in items { write(item) }
            endArray()
        case .string(let text): string(text)
        case .int(let value): int(value)
        case .bool(let value): bool(value)
        case .null: null()
        case .custom(let body): body(&self)
        }
    }
}

/// The skeleton of an export document. Keys of `.sortedObject` come out in UTF-8 byte order, as
/// TikTok sorts top-level and section keys; `.object` keeps the given order (record fields).
indirect enum JSONNode {
    case object([(String, JSONNode)])
    case sortedObject([(String, JSONNode)])
    case array([JSONNode])
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    case custom((inout JSONWriter) -> Void)

    static var emptyObject: JSONNode { .object([]) }
    static var emptyArray: JSONNode { .array([]) }
}
