/// Writes Apache Thrift's compact protocol, the encoding of Parquet's `FileMetaData` footer and page
/// headers: only what a writer of those structures needs (structs, lists, integers, booleans, binary).
///
/// Fields are written in the order the caller gives; the caller gives them in ascending id order, so
/// each field header is one byte (`delta << 4 | type`) unless the gap is over 15. Integers are zigzag
/// varints; a boolean field carries its value in the header's type nibble.
///
/// ```swift
/// var thrift = ThriftCompactWriter()
/// thrift.i32(1, 7)        // field 1 = 7
/// thrift.beginStruct(2)   // field 2: a struct
/// thrift.string(1, "id")
/// thrift.endStruct()
/// thrift.endStruct()      // the top-level stop byte
/// ```
struct ThriftCompactWriter {
    /// The compact protocol's type codes.
    enum FieldType: UInt8 {
        case booleanTrue = 1
        case booleanFalse = 2
        case byte = 3
        case i16 = 4
        case i32 = 5
        case i64 = 6
        case double = 7
        case binary = 8
        case list = 9
        case set = 10
        case map = 11
        case structure = 12
    }

    private(set) var bytes: [UInt8] = []
    /// The last field id written in each open struct (the innermost last).
    private var lastField: [Int16] = [0]

    init() {}

    // MARK: Fields

    mutating func bool(_ id: Int16, _ value: Bool) {
        fieldHeader(id, value ? .booleanTrue : .booleanFalse)
    }

    mutating func i8(_ id: Int16, _ value: Int8) {
        fieldHeader(id, .byte)
        bytes.append(UInt8(bitPattern: value))
    }

    mutating func i16(_ id: Int16, _ value: Int16) {
        fieldHeader(id, .i16)
        varint(zigzag(Int64(value)))
    }

    mutating func i32(_ id: Int16, _ value: Int32) {
        fieldHeader(id, .i32)
        varint(zigzag(Int64(value)))
    }

    mutating func i64(_ id: Int16, _ value: Int64) {
        fieldHeader(id, .i64)
        varint(zigzag(value))
    }

    mutating func binary(_ id: Int16, _ value: [UInt8]) {
        fieldHeader(id, .binary)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func string(_ id: Int16, _ value: String) { binary(id, Array(value.utf8)) }

    /// Opens a struct-valued field; close it with `endStruct()`.
    mutating func beginStruct(_ id: Int16) {
        fieldHeader(id, .structure)
        lastField.append(0)
    }

    /// An empty struct-valued field (Parquet's unit structs: `StringType`, `MilliSeconds`, …).
    mutating func emptyStruct(_ id: Int16) {
        beginStruct(id)
        endStruct()
    }

    /// Writes the stop byte of the innermost open struct (or of the top-level struct).
    mutating func endStruct() {
        bytes.append(0)
        if lastField.count > 1 { lastField.removeLast() } else { lastField = [0] }
    }

    /// A list-valued field header; the elements follow (`listI32`, `listString`, `beginListStruct`).
    mutating func listHeader(_ id: Int16, _ elementType: FieldType, count: Int) {
        fieldHeader(id, .list)
        if count < 15 {
            bytes.append(UInt8(count) << 4 | elementType.rawValue)
        } else {
            bytes.append(0xF0 | elementType.rawValue)
            varint(UInt64(count))
        }
    }

    // MARK: List elements

    mutating func listI32(_ value: Int32) { varint(zigzag(Int64(value))) }

    mutating func listString(_ value: String) {
        varint(UInt64(value.utf8.count))
        bytes.append(contentsOf: value.utf8)
    }

    /// Opens a struct element of a list; close it with `endStruct()`.
    mutating func beginListStruct() { lastField.append(0) }

    // MARK: Encoding

    private mutating func fieldHeader(_ id: Int16, _ type: FieldType) {
        let last = lastField[lastField.count - 1]
        let delta = Int(id) - Int(last)
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            varint(zigzag(Int64(id)))
        }
        lastField[lastField.count - 1] = id
    }

    private func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    /// Unsigned LEB128.
    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }
}
