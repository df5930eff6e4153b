import FuzzSupport
import WhichtokImport
import WhichtokStore

// The JSON shim and the Swift tape walk: any bytes through `JSONParser` (simdjson's DOM parse via
// the C shim; our own error scanner when it fails), then every value of the document through the
// public `JSONValue` API, checking what the API promises. Then the same bytes as a TikTok export's
// `user_data_tiktok.json`, through the archive JSON reader.

nonisolated(unsafe) let parser = JSONParser()

/// Walks `value` and everything under it; traps when the API contradicts itself.
func walk(_ value: JSONValue, depth: Int) -> Int {
    precondition(depth <= 1025, "deeper than simdjson's limit")
    var total = 0
    switch value.type {
    case .object:
        var members = 0
        value.forEachMember { key, member in
            members += 1
            total &+= key.withBytes { $0.count }
            // The first member with this key is found by lookup, whatever it holds.
            let name = key.string
            precondition(value[name] != nil, "a member's key does not find a member")
            _ = key.equalsIgnoringCase(name)
            total &+= walk(member, depth: depth + 1)
        }
        precondition(members == value.count, "object count \(value.count) but \(members) members")
        precondition(value.isEmpty == (members == 0), "isEmpty disagrees with the members")
        _ = value.member("Activity", "VideoList", "log", "entries")
    case .array:
        var elements = 0
        value.forEachElement { element in
            elements += 1
            total &+= walk(element, depth: depth + 1)
        }
        precondition(elements == value.count, "array count \(value.count) but \(elements) elements")
        precondition(value.isEmpty == (elements == 0), "isEmpty disagrees with the elements")
    case .string:
        let length = value.withStringBytes { $0.count } ?? -1
        precondition(length >= 0, "a string without bytes")
        precondition(value.string?.isEmpty == (length == 0), "string and its bytes disagree")
        total &+= length
        _ = value.idValue
    case .int64:
        precondition(value.int64 != nil && value.double != nil, "an int64 that does not read as one")
    case .uint64:
        precondition(value.uint64 != nil && value.double != nil, "a uint64 that does not read as one")
        _ = value.int64
        _ = value.idValue
    case .double:
        precondition(value.double != nil && value.int64 == nil, "a double that does not read as one")
    case .bool:
        precondition(value.bool != nil, "a bool that does not read as one")
    case .null:
        precondition(value.isNull && value.isEmpty, "a null that is not null")
    }
    return total
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = FuzzInput.padded(data, size)
    do {
        let total = try parser.parse(bytes) { root in walk(root, depth: 0) }
        precondition(total >= 0)
    } catch let error as JSONError {
        precondition(error.offset >= 0 && error.offset <= size, "error offset \(error.offset) outside the input")
    } catch {
        preconditionFailure("JSONParser threw something else than JSONError: \(error)")
    }

    var reader = TikTokArchiveReader(parser: parser)
    var batch = fuzzBatch()
    reader.read(entryPath: "TikTok_Data_1/user_data_tiktok.json", bytes: bytes, into: &batch)
    _ = reader.finish(into: &batch)
    _ = consume(batch)
    return 0
}
