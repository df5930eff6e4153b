/// The attribute types every target reads: GEXF `integer`, `long`, `double`, `boolean`, `string` and
/// GraphML `int`, `long`, `double`, `boolean`, `string` (the intersection of Gephi, networkx, igraph
/// and Cytoscape).
package enum AttributeType: Sendable, Equatable, CaseIterable {
    /// `true` or `false`.
    case boolean
    /// A 32-bit integer.
    case integer
    /// A 64-bit integer (counts that may outgrow 32 bits).
    case long
    case double
    case string

    /// The GEXF spelling.
    package var gexfName: String {
        switch self {
        case .boolean: "boolean"
        case .integer: "integer"
        case .long: "long"
        case .double: "double"
        case .string: "string"
        }
    }

    /// The GraphML `attr.type` spelling.
    package var graphMLName: String {
        switch self {
        case .boolean: "boolean"
        case .integer: "int"
        case .long: "long"
        case .double: "double"
        case .string: "string"
        }
    }
}

/// One value of an attribute, as a reader would decode it.
package enum AttributeValue: Sendable, Equatable, CustomStringConvertible {
    case integer(Int64)
    case double(Double)
    case boolean(Bool)
    case string(String)

    package var description: String {
        switch self {
        case .integer(let value): String(value)
        case .double(let value): String(value)
        case .boolean(let value): String(value)
        case .string(let value): value
        }
    }
}

/// A named, typed column of node or edge values that every writer exports the same way.
///
/// Values are kept in their compact source arrays (the analysis results and the graph's edge
/// attributes, shared, not copied) and formatted one at a time while writing. Names are
/// `[a-z][a-z0-9_]*`, which is safe as a GEXF attribute id, a GraphML `attr.name` (an XML NMTOKEN), a
/// CSV header and a Python identifier.
package struct AttributeColumn {
    package let name: String
    package let type: AttributeType
    let storage: Storage
    /// `name` as null-terminated UTF-8.
    let nameBytes: [UInt8]

    enum Storage {
        case integers([Int])
        /// `values[row * stride + offset]`.
        case counts([UInt32], stride: Int, offset: Int)
        case doubles([Double])
        case floats([Float])
        case booleans([Bool])
        /// Values that some rows lack (nil: no value written).
        case optionalIntegers([Int?])
        case optionalDoubles([Double?])
        case categories([UInt8], names: [String])
        /// UTC seconds written as ISO 8601 date-times; 0 means unknown (no value).
        case times([UInt32])
        case text((Int) -> String)
    }

    init(_ name: String, _ type: AttributeType, _ storage: Storage) {
        self.name = name
        self.type = type
        self.storage = storage
        nameBytes = Array(name.utf8) + [0]
    }

    /// Appends the value of `row` to `buffer`; false when the row has no value (nothing appended).
    func write(_ row: Int, into buffer: inout ValueBuffer) -> Bool {
        switch storage {
        case .integers(let values): buffer.append(integer: values[row])
        case .counts(let values, let stride, let offset): buffer.append(integer: Int64(values[row * stride + offset]))
        case .doubles(let values): buffer.append(double: values[row])
        case .floats(let values): buffer.append(float: values[row])
        case .booleans(let values): buffer.append(values[row] ? "true" : "false")
        case .optionalIntegers(let values):
            guard let value = values[row] else { return false }
            buffer.append(integer: value)
        case .optionalDoubles(let values):
            guard let value = values[row] else { return false }
            buffer.append(double: value)
        case .categories(let codes, let names): buffer.append(text: names[Int(codes[row])])
        case .times(let values):
            guard values[row] != 0 else { return false }
            buffer.append(utcDateTime: values[row])
        case .text(let label): buffer.append(text: label(row))
        }
        return true
    }

    /// The value of `row` as a reader decodes it (text after XML hygiene), or nil when there is none.
    package func value(_ row: Int) -> AttributeValue? {
        switch storage {
        case .integers(let values): return .integer(Int64(values[row]))
        case .counts(let values, let stride, let offset): return .integer(Int64(values[row * stride + offset]))
        case .doubles(let values): return .double(values[row])
        case .floats(let values): return .double(Double(values[row]))
        case .booleans(let values): return .boolean(values[row])
        case .optionalIntegers(let values): return values[row].map { .integer(Int64($0)) }
        case .optionalDoubles(let values): return values[row].map { .double($0) }
        case .categories, .times, .text:
            var buffer = ValueBuffer()
            guard write(row, into: &buffer) else { return nil }
            return .string(String(decoding: buffer.bytes, as: UTF8.self))
        }
    }
}
