/// The parts of a HAR 1.2 log (http://www.softwareishard.com/blog/har-12-spec/) that the scraper's
/// `HARWriter` and the synthetic captures' `HARDocument` write alike.
///
/// The two do not share a whole entry: the synthetic captures copy the member order and the
/// extra fields of Chrome's and Firefox's exports (`_initiator`, `connection`, `pageref`, …),
/// the scraper writes its own order and `_whichtok_*` fields, and both outputs must stay as they
/// are. What they share is written here: the log's head, name/value lists and the content object.
extension JSONWriter {
    /// What a response body is written as in `content.text`.
    package enum HARBody {
        /// Text, escaped as a JSON string (bytes assumed UTF-8, see `string(utf8:)`).
        case text([UInt8])
        /// Any bytes, as base64 with `"encoding": "base64"`.
        case base64([UInt8])
    }

    /// Opens `{"log": {"version": "1.2", "creator": {"name": …, "version": …}` and leaves both
    /// objects open for the rest of the log.
    package mutating func beginHARLog(creatorName: String, creatorVersion: String) {
        beginObject()
        key("log")
        beginObject()
        field("version", "1.2")
        key("creator")
        beginObject()
        field("name", creatorName)
        field("version", creatorVersion)
        endObject()
    }

    /// A HAR name/value list (`headers`, `cookies`, `queryString`): `[{"name": …, "value": …}, …]`.
    package mutating func harNameValueList(_ pairs: [(name: String, value: String)]) {
        beginArray()
        for pair in pairs {
            beginObject()
            field("name", pair.name)
            field("value", pair.value)
            endObject()
        }
        endArray()
    }

    /// The `content` member of a response: `size`, `compression` when known, `mimeType`, then the
    /// body (`text`, with `encoding` for base64) or, without a body, `comment` when given.
    package mutating func harContent(
        size: Int, compression: Int? = nil, mimeType: String, body: HARBody?, comment: String? = nil
    ) {
        key("content")
        beginObject()
        field("size", size)
        if let compression { field("compression", compression) }
        field("mimeType", mimeType)
        switch body {
        case .text(let bytes):
            key("text")
            string(utf8: bytes)
        case .base64(let bytes):
            key("text")
            rawString { $0.append(contentsOf: Base64.encode(bytes)) }
            field("encoding", "base64")
        case nil:
            if let comment { field("comment", comment) }
        }
        endObject()
    }
}
