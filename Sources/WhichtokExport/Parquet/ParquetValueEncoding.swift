/// PLAIN encoding (Encodings.md): booleans bit-packed LSB first, integers and doubles little-endian,
/// byte arrays as a 4-byte little-endian length and the bytes. Null rows are skipped.
enum ParquetPlain {
    static func append(_ values: ParquetColumn.Values, rows: Range<Int>, present: [Bool]?, to out: inout [UInt8]) {
        @inline(__always) func has(_ row: Int) -> Bool { present?[row] ?? true }
        switch values {
        case .boolean(let bits):
            var byte: UInt8 = 0
            var filled = 0
            for row in rows where has(row) {
                if bits[row] { byte |= 1 << filled }
                filled += 1
                if filled == 8 {
                    out.append(byte)
                    byte = 0
                    filled = 0
                }
            }
            if filled > 0 { out.append(byte) }
        case .int32(let numbers):
            for row in rows where has(row) { appendLittleEndian(numbers[row], to: &out) }
        case .int64(let numbers):
            for row in rows where has(row) { appendLittleEndian(numbers[row], to: &out) }
        case .double(let numbers):
            for row in rows where has(row) { appendLittleEndian(numbers[row].bitPattern, to: &out) }
        case .byteArray(let bytes, let offsets):
            for row in rows where has(row) {
                appendLittleEndian(UInt32(truncatingIfNeeded: offsets[row + 1] - offsets[row]), to: &out)
                out += bytes[offsets[row]..<offsets[row + 1]]
            }
        }
    }
}

/// A column chunk's dictionary: the distinct values in order of first appearance (so the bytes are
/// deterministic) and each row's index. Text, INT32 and INT64 columns only.
struct ParquetDictionary {
    /// The dictionary page body: the distinct values, PLAIN.
    private(set) var plain: [UInt8] = []
    private(set) var count = 0
    /// The distinct values themselves (the statistics are computed over these, not every row).
    private(set) var distinct: ParquetColumn.Values = .boolean([])
    /// Per row, the value's index (0 at null rows).
    private var indices: [UInt32]

    /// nil when the column kind has no dictionary, no value is present, or the dictionary would pass
    /// `limit` bytes.
    init?(_ column: ParquetColumn, limit: Int) {
        let rows = column.count
        let present = column.present
        indices = [UInt32](repeating: 0, count: rows)
        switch column.values {
        case .byteArray(let bytes, let offsets):
            var seen: [ArraySlice<UInt8>: UInt32] = [:]
            var distinctBytes: [UInt8] = []
            var distinctOffsets = [0]
            // Sorted tables repeat a value row after row: compare with the previous one before hashing.
            var previous: Range<Int>?
            var previousIndex: UInt32 = 0
            for row in 0..<rows where present?[row] ?? true {
                let range = offsets[row]..<offsets[row + 1]
                let value = bytes[range]
                if let previous, value.elementsEqual(bytes[previous]) {
                    indices[row] = previousIndex
                    continue
                }
                previous = range
                if let index = seen[value] {
                    indices[row] = index
                    previousIndex = index
                    continue
                }
                let index = UInt32(truncatingIfNeeded: seen.count)
                seen[value] = index
                indices[row] = index
                previousIndex = index
                appendLittleEndian(UInt32(truncatingIfNeeded: value.count), to: &plain)
                plain += value
                distinctBytes += value
                distinctOffsets.append(distinctBytes.count)
                guard plain.count <= limit else { return nil }
            }
            count = seen.count
            distinct = .byteArray(bytes: distinctBytes, offsets: distinctOffsets)
        case .int64(let numbers):
            guard let total = Self.index(numbers, present: present, into: &indices, limit: limit / 8) else {
                return nil
            }
            for value in total { appendLittleEndian(value, to: &plain) }
            count = total.count
            distinct = .int64(total)
        case .int32(let numbers):
            guard let total = Self.index(numbers, present: present, into: &indices, limit: limit / 4) else {
                return nil
            }
            for value in total { appendLittleEndian(value, to: &plain) }
            count = total.count
            distinct = .int32(total)
        case .boolean, .double:
            return nil
        }
        guard count > 0 else { return nil }
    }

    /// The distinct values in order of first appearance, or nil past `limit` values.
    private static func index<T: FixedWidthInteger>(
        _ numbers: [T], present: [Bool]?, into indices: inout [UInt32], limit: Int
    ) -> [T]? {
        var seen: [T: UInt32] = [:]
        var order: [T] = []
        var previous: (value: T, index: UInt32)?
        for row in numbers.indices where present?[row] ?? true {
            let value = numbers[row]
            if let previous, previous.value == value {
                indices[row] = previous.index
                continue
            }
            if let index = seen[value] {
                indices[row] = index
                previous = (value, index)
                continue
            }
            let index = UInt32(truncatingIfNeeded: order.count)
            seen[value] = index
            order.append(value)
            indices[row] = index
            previous = (value, index)
            guard order.count <= limit else { return nil }
        }
        return order
    }

    /// An RLE_DICTIONARY data page's values: the bit width (1 byte), then the indices of the present
    /// rows in the RLE / bit-packed hybrid.
    func appendIndices(rows: Range<Int>, present: [Bool]?, to out: inout [UInt8]) {
        let width = RLEHybridEncoder.bitWidth(forMaximum: UInt32(truncatingIfNeeded: max(0, count - 1)))
        var values: [UInt32] = []
        values.reserveCapacity(rows.count)
        for row in rows where present?[row] ?? true { values.append(indices[row]) }
        out.append(UInt8(width))
        out += RLEHybridEncoder.encode(values, bitWidth: width)
    }
}

/// Column-chunk statistics: the null count and exact bounds in the column's type order, each bound
/// PLAIN-encoded (text without its length).
struct ParquetStatistics {
    var nullCount = 0
    var bounds: (min: [UInt8], max: [UInt8])?
    /// Doubles only: NaNs are counted here and left out of the bounds.
    var nanCount: Int?

    init(_ column: ParquetColumn, kind: ParquetField.Kind, textLimit: Int) {
        let present = column.present
        nullCount = present.map { $0.reduce(0) { $0 + ($1 ? 0 : 1) } } ?? 0
        func rows(_ count: Int) -> [Int] { (0..<count).filter { present?[$0] ?? true } }
        switch column.values {
        case .boolean(let bits):
            var sawFalse = false
            var sawTrue = false
            for row in rows(bits.count) { if bits[row] { sawTrue = true } else { sawFalse = true } }
            if sawFalse || sawTrue { bounds = ([sawFalse ? 0 : 1], [sawTrue ? 1 : 0]) }
        case .int32(let numbers):
            if let (low, high) = Self.range(rows(numbers.count).lazy.map { numbers[$0] }) {
                bounds = (Self.littleEndian(low), Self.littleEndian(high))
            }
        case .int64(let numbers):
            let selected = rows(numbers.count)
            if kind == .uint64 {
                if let (low, high) = Self.range(selected.lazy.map { UInt64(bitPattern: numbers[$0]) }) {
                    bounds = (Self.littleEndian(low), Self.littleEndian(high))
                }
            } else if let (low, high) = Self.range(selected.lazy.map { numbers[$0] }) {
                bounds = (Self.littleEndian(low), Self.littleEndian(high))
            }
        case .double(let numbers):
            var nans = 0
            var low = Double.infinity
            var high = -Double.infinity
            var any = false
            for row in rows(numbers.count) {
                let value = numbers[row]
                if value.isNaN {
                    nans += 1
                    continue
                }
                any = true
                low = Swift.min(low, value)
                high = Swift.max(high, value)
            }
            nanCount = nans
            if any {
                // parquet.thrift, ColumnOrder: a zero minimum is written -0.0, a zero maximum +0.0.
                if low == 0 { low = -0.0 }
                if high == 0 { high = 0.0 }
                bounds = (Self.littleEndian(low.bitPattern), Self.littleEndian(high.bitPattern))
            }
        case .byteArray(let bytes, let offsets):
            var low: ArraySlice<UInt8>?
            var high: ArraySlice<UInt8>?
            for row in rows(max(0, offsets.count - 1)) {
                let value = bytes[offsets[row]..<offsets[row + 1]]
                if low.map({ value.lexicographicallyPrecedes($0) }) ?? true { low = value }
                if high.map({ $0.lexicographicallyPrecedes(value) }) ?? true { high = value }
            }
            if let low, let high, low.count <= textLimit, high.count <= textLimit { bounds = (Array(low), Array(high)) }
        }
    }

    private static func range<S: Sequence>(_ values: S) -> (S.Element, S.Element)? where S.Element: Comparable {
        var result: (S.Element, S.Element)?
        for value in values {
            if let (low, high) = result {
                result = (Swift.min(low, value), Swift.max(high, value))
            } else {
                result = (value, value)
            }
        }
        return result
    }

    private static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        var out: [UInt8] = []
        appendLittleEndian(value, to: &out)
        return out
    }
}
