/// A malformed line of an edge list.
public struct EdgeListError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

/// Reads whitespace-separated edge lists: one `source target [weight]` per line (weight 1 when
/// absent), `#` starts a comment, blank lines are skipped. Labels are any tokens; tokens that are
/// decimal integers without leading zeros take a fast path. Nodes are numbered in order of first
/// appearance. Parallel edges are summed; self-loops are dropped.
public enum EdgeListReader {
    /// Parses `bytes` into a graph (`.edgeList` kind). Throws on a line with one token, more than three,
    /// or a weight that is not a finite number ≥ 0. O(bytes + m).
    public static func parse(_ bytes: [UInt8], directed: Bool) throws(EdgeListError) -> Graph {
        var numeric: [UInt64: UInt32] = [:]
        // Ids below this bound are mapped through a dense table (grown on demand), others by hashing.
        let denseLimit = UInt64(max(1 << 16, min(bytes.count / 2, 1 << 28)))
        var dense: [UInt32] = []
        var named: [String: UInt32] = [:]
        var labels: [String] = []
        var sources: [UInt32] = []
        var targets: [UInt32] = []
        var weights: [Float] = []
        let estimate = bytes.count / 16
        sources.reserveCapacity(estimate)
        targets.reserveCapacity(estimate)
        weights.reserveCapacity(estimate)
        var line = 0
        var failure: EdgeListError?
        bytes.withUnsafeBufferPointer { buffer in
            let count = buffer.count
            var p = 0
            func node(_ start: Int, _ end: Int) -> UInt32 {
                if end - start <= 18 && (buffer[start] != UInt8(ascii: "0") || end - start == 1) {
                    var value: UInt64 = 0
                    var digits = true
                    for q in start..<end {
                        let d = buffer[q] &- UInt8(ascii: "0")
                        if d > 9 {
                            digits = false
                            break
                        }
                        value = value * 10 + UInt64(d)
                    }
                    if digits && value < denseLimit {
                        let index = Int(value)
                        if index >= dense.count {
                            dense.append(
                                contentsOf: repeatElement(
                                    UInt32.max, count: max(index + 1, dense.count * 2) - dense.count))
                        }
                        if dense[index] != .max { return dense[index] }
                        let id = UInt32(labels.count)
                        dense[index] = id
                        labels.append(String(value))
                        return id
                    }
                    if digits {
                        if let id = numeric[value] { return id }
                        let id = UInt32(labels.count)
                        numeric[value] = id
                        labels.append(String(value))
                        return id
                    }
                }
                let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self)
                if let id = named[text] { return id }
                let id = UInt32(labels.count)
                named[text] = id
                labels.append(text)
                return id
            }
            var tokens: [(Int, Int)] = []
            tokens.reserveCapacity(4)
            while p < count {
                line += 1
                var end = p
                while end < count && buffer[end] != UInt8(ascii: "\n") { end += 1 }
                tokens.removeAll(keepingCapacity: true)
                var q = p
                while q < end {
                    let c = buffer[q]
                    if c == UInt8(ascii: "#") { break }
                    if c == 32 || c == 9 || c == 13 || c == 11 || c == 12 {
                        q += 1
                        continue
                    }
                    let start = q
                    while q < end
                        && !(buffer[q] == 32 || buffer[q] == 9 || buffer[q] == 13 || buffer[q] == 11 || buffer[q] == 12
                            || buffer[q] == UInt8(ascii: "#"))
                    { q += 1 }
                    tokens.append((start, q))
                    if tokens.count > 3 { break }
                }
                p = end + 1
                if tokens.isEmpty { continue }
                guard tokens.count == 2 || tokens.count == 3 else {
                    failure = EdgeListError(
                        line: line,
                        message: tokens.count == 1
                            ? "expected 'source target [weight]', found one field"
                            : "expected 'source target [weight]', found more than three fields")
                    return
                }
                var weight: Float = 1
                if tokens.count == 3 {
                    let (s, e) = tokens[2]
                    guard let value = parseNumber(buffer, s, e), value.isFinite, value >= 0 else {
                        let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[s..<e]), as: UTF8.self)
                        failure = EdgeListError(
                            line: line, message: "weight '\(text.prefix(40))' is not a finite number ≥ 0")
                        return
                    }
                    weight = Float(value)
                }
                let u = node(tokens[0].0, tokens[0].1)
                let v = node(tokens[1].0, tokens[1].1)
                sources.append(u)
                targets.append(v)
                weights.append(weight)
            }
        }
        if let failure { throw failure }
        return Graph(
            nodeCount: labels.count, sources: sources, targets: targets, weights: weights, directed: directed,
            labels: labels)
    }

    /// A decimal number `[-+]digits[.digits][(e|E)[-+]digits]`; nil when the token is anything else.
    static func parseNumber(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        var i = start
        var negative = false
        if i < end && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")) {
            negative = b[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa: UInt64 = 0
        var exponent = 0
        var digits = 0
        while i < end, case let d = b[i] &- UInt8(ascii: "0"), d <= 9 {
            if mantissa < 1_000_000_000_000_000 { mantissa = mantissa * 10 + UInt64(d) } else { exponent += 1 }
            digits += 1
            i += 1
        }
        if i < end && b[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, case let d = b[i] &- UInt8(ascii: "0"), d <= 9 {
                if mantissa < 1_000_000_000_000_000 {
                    mantissa = mantissa * 10 + UInt64(d)
                    exponent -= 1
                }
                digits += 1
                i += 1
            }
        }
        guard digits > 0 else { return nil }
        if i < end && (b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) {
            i += 1
            var negativeExponent = false
            if i < end && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")) {
                negativeExponent = b[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0
            var expDigits = 0
            while i < end, case let d = b[i] &- UInt8(ascii: "0"), d <= 9 {
                e = min(e * 10 + Int(d), 10_000)
                expDigits += 1
                i += 1
            }
            guard expDigits > 0 else { return nil }
            exponent += negativeExponent ? -e : e
        }
        guard i == end else { return nil }
        // Exact for the common short decimals; Double's own parser is not needed for weights.
        var value = Double(mantissa)
        if exponent > 0 {
            value *= pow10(exponent)
        } else if exponent < 0 {
            value /= pow10(-exponent)
        }
        return negative ? -value : value
    }

    static func pow10(_ e: Int) -> Double {
        var result = 1.0
        var base = 10.0
        var k = min(e, 400)
        while k > 0 {
            if k & 1 == 1 { result *= base }
            base *= base
            k >>= 1
        }
        return result
    }
}
