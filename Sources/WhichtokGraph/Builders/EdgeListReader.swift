/// A malformed line of an edge list.
package struct EdgeListError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line number.
    package var line: Int
    package var message: String
    package var description: String { "line \(line): \(message)" }
}

/// An edge list read into a graph, with what was dropped or rounded on the way.
package struct EdgeList: Sendable {
    package var graph: Graph
    /// Lines `a a [w]` (self-loops are not part of the graph model).
    package var selfLoops = 0
    /// The first self-loop's line, 0 when there is none.
    package var firstSelfLoopLine = 0
    /// Lines between two different nodes with weight 0.
    package var zeroWeights = 0
    /// The first zero weight's line, 0 when there is none.
    package var firstZeroWeightLine = 0
    /// Integer weights that a 32-bit float cannot hold exactly (above 2^24 = 16777216, like 16777217),
    /// stored rounded to the nearest float.
    package var roundedIntegers = 0
    /// The first such weight's line, 0 when there is none.
    package var firstRoundedLine = 0
}

/// Reads whitespace-separated edge lists: one `source target [weight]` per line (weight 1 when
/// absent), `#` starts a comment, blank lines are skipped. Labels are any tokens; tokens that are
/// decimal integers without leading zeros take a fast path. Nodes are numbered in order of first
/// appearance. Parallel edges are summed; self-loops and zero weights are dropped and counted.
///
/// Weights are stored as 32-bit floats, like every graph's (the Leiden and PageRank inner loops read
/// them, and single precision halves their memory traffic), so a weight keeps about 7 significant
/// digits. A weight that a float cannot hold at all is an error naming its line rather than a silent
/// infinity or zero: above `Float.greatestFiniteMagnitude` (about 3.4e38), or nonzero and below
/// `Float.leastNormalMagnitude` (about 1.2e-38). The running total is checked against the same bound,
/// so no sum stored in single precision (parallel edges merged, the two directions of a directed edge,
/// Leiden's weight from a node into a community or between aggregated communities) can overflow.
package enum EdgeListReader {
    /// Parses `bytes` into a graph (`.edgeList` kind); see `read(_:directed:)`.
    package static func parse(_ bytes: [UInt8], directed: Bool) throws(EdgeListError) -> Graph {
        try read(bytes, directed: directed).graph
    }

    /// Parses `bytes` into a graph (`.edgeList` kind) and counts what was dropped or rounded. Throws on
    /// a line with one field or more than three, a weight that is not a finite decimal number ≥ 0, a
    /// weight outside a 32-bit float's range, and when the weights sum beyond that range. O(bytes + m).
    package static func read(_ bytes: [UInt8], directed: Bool) throws(EdgeListError) -> EdgeList {
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
        var counts = EdgeList(graph: Graph(nodeCount: 0, edges: []))
        // Accumulated in Double: the bound below is checked exactly, whatever the order of the lines.
        var total = 0.0
        let largest = Double(Float.greatestFiniteMagnitude)
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
                var value = 1.0
                if tokens.count == 3 {
                    let (s, e) = tokens[2]
                    func text() -> String {
                        String(decoding: UnsafeBufferPointer(rebasing: buffer[s..<e]), as: UTF8.self).prefix(40)
                            .description
                    }
                    guard let parsed = parseNumber(buffer, s, e), !parsed.isNaN, parsed >= 0 else {
                        failure = EdgeListError(line: line, message: "weight '\(text())' is not a finite number ≥ 0")
                        return
                    }
                    value = parsed
                    weight = Float(parsed)
                    guard weight.isFinite else {
                        failure = EdgeListError(
                            line: line,
                            message: "weight '\(text())' is above 3.4e38, the largest weight a 32-bit float holds")
                        return
                    }
                    guard weight >= .leastNormalMagnitude || parsed == 0 else {
                        failure = EdgeListError(
                            line: line,
                            message:
                                "weight '\(text())' is below 1.2e-38, the smallest nonzero weight a 32-bit float holds")
                        return
                    }
                }
                let u = node(tokens[0].0, tokens[0].1)
                let v = node(tokens[1].0, tokens[1].1)
                if u == v {
                    counts.selfLoops += 1
                    if counts.firstSelfLoopLine == 0 { counts.firstSelfLoopLine = line }
                    continue
                }
                if weight == 0 {
                    counts.zeroWeights += 1
                    if counts.firstZeroWeightLine == 0 { counts.firstZeroWeightLine = line }
                    continue
                }
                if Double(weight) != value && value.rounded(.towardZero) == value {
                    counts.roundedIntegers += 1
                    if counts.firstRoundedLine == 0 { counts.firstRoundedLine = line }
                }
                total += Double(weight)
                guard total <= largest else {
                    failure = EdgeListError(
                        line: line,
                        message: "the weights up to this line sum beyond 3.4e38, the largest a 32-bit float holds")
                    return
                }
                sources.append(u)
                targets.append(v)
                weights.append(weight)
            }
        }
        if let failure { throw failure }
        counts.graph = Graph(
            nodeCount: labels.count, sources: sources, targets: targets, weights: weights, directed: directed,
            labels: labels)
        return counts
    }

    /// A decimal number `[-+]digits[.digits][(e|E)[-+]digits]`; nil when the token is anything else
    /// (`nan` and `inf` included). Too large for a Double gives infinity.
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
        guard mantissa != 0 else { return negative ? -0.0 : 0 }
        var value = Double(mantissa)
        if exponent > 0 {
            value *= pow10(exponent)
        } else if exponent < 0 {
            value /= pow10(-exponent)
        }
        // A nonzero number too small even for a Double stays nonzero, so the caller can reject it as
        // too small instead of reading it as a zero weight.
        if value == 0 { value = .leastNonzeroMagnitude }
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
