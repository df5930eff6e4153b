import WhichtokGraph

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An sRGB colour, 8 bits per channel.
package struct RGB: Sendable, Hashable, CustomStringConvertible {
    package var r: UInt8
    package var g: UInt8
    package var b: UInt8

    package init(r: UInt8, g: UInt8, b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// `#rrggbb`.
    package var description: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = [UInt8(ascii: "#")]
        for channel in [r, g, b] {
            bytes.append(digits[Int(channel >> 4)])
            bytes.append(digits[Int(channel & 15)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The colour in OKLab (Björn Ottosson, 2020): perceptual lightness `L` and opponent axes `a`, `b`.
    package var oklab: (l: Double, a: Double, b: Double) {
        func linear(_ channel: UInt8) -> Double {
            let c = Double(channel) / 255
            return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        let red = linear(r)
        let green = linear(g)
        let blue = linear(b)
        let l = cbrt(0.4122214708 * red + 0.5363325363 * green + 0.0514459929 * blue)
        let m = cbrt(0.2119034982 * red + 0.6806995451 * green + 0.1073969566 * blue)
        let s = cbrt(0.0883024619 * red + 0.2817188376 * green + 0.6299787005 * blue)
        return (
            0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s,
            1.9779984951 * l - 2.4285922050 * m + 0.4505937099 * s,
            0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s
        )
    }

    /// Euclidean distance in OKLab (about 0.02 is just noticeable; palette colours are ≥ 0.1 apart).
    package func distance(to other: RGB) -> Double {
        let p = oklab
        let q = other.oklab
        let dl = p.l - q.l
        let da = p.a - q.a
        let db = p.b - q.b
        return (dl * dl + da * da + db * db).squareRoot()
    }
}

/// Community colours that keep neighbouring communities apart.
///
/// The palette is computed, not hand-picked: among the sRGB colours on a 17-step grid with OKLab
/// lightness 0.55–0.82 and chroma 0.1–0.25 (clear but not neon, readable on white and on black), it
/// starts from the one nearest a medium blue (#1f77b4) and repeatedly adds the colour farthest (in
/// OKLab) from those already chosen, so any prefix of it is as spread out as the grid allows (the 24
/// colours are at least 0.11 apart; 0.02 is a just-noticeable difference).
///
/// Communities are coloured greedily, largest first: each takes the colour that least resembles the
/// colours of the communities it exchanges weight with, weighted by that weight, among the colours not
/// used yet while any remain, then among all colours with a small penalty per reuse. Communities too
/// small to matter on screen (fewer than max(2, n/1000) members, beyond the 8 largest, or beyond the
/// first 256) share the neutral grey `tail`, as Gephi greys its "other" category.
package enum CommunityPalette {
    /// Colours in the order the greedy colouring prefers them.
    package static let colors: [RGB] = makePalette(count: 24)

    /// The colour of small communities.
    package static let tail = RGB(r: 178, g: 178, b: 178)

    /// The most communities that get their own colour.
    package static let colouredLimit = 256

    static func makePalette(count: Int) -> [RGB] {
        var candidates: [RGB] = []
        var lab: [(Double, Double, Double)] = []
        for r in stride(from: 0, through: 255, by: 17) {
            for g in stride(from: 0, through: 255, by: 17) {
                for b in stride(from: 0, through: 255, by: 17) {
                    let colour = RGB(r: UInt8(r), g: UInt8(g), b: UInt8(b))
                    let p = colour.oklab
                    let chroma = (p.a * p.a + p.b * p.b).squareRoot()
                    if p.l >= 0.55 && p.l <= 0.82 && chroma >= 0.1 && chroma <= 0.25 {
                        candidates.append(colour)
                        lab.append(p)
                    }
                }
            }
        }
        guard !candidates.isEmpty else { return [tail] }
        func distance(_ i: Int, _ j: Int) -> Double {
            let dl = lab[i].0 - lab[j].0
            let da = lab[i].1 - lab[j].1
            let db = lab[i].2 - lab[j].2
            return (dl * dl + da * da + db * db).squareRoot()
        }
        let seed = RGB(r: 0x1f, g: 0x77, b: 0xb4).oklab
        var first = 0
        var best = Double.infinity
        for i in candidates.indices {
            let dl = lab[i].0 - seed.l
            let da = lab[i].1 - seed.a
            let db = lab[i].2 - seed.b
            let d = (dl * dl + da * da + db * db).squareRoot()
            if d < best {
                best = d
                first = i
            }
        }
        var chosen = [first]
        var nearest = candidates.indices.map { distance($0, first) }
        while chosen.count < min(count, candidates.count) {
            var pick = 0
            var far = -1.0
            for i in candidates.indices where nearest[i] > far {
                far = nearest[i]
                pick = i
            }
            chosen.append(pick)
            for i in candidates.indices { nearest[i] = min(nearest[i], distance(i, pick)) }
        }
        return chosen.map { candidates[$0] }
    }

    /// A colour per community (`count` communities numbered by size, largest first, as Leiden numbers
    /// them). O(m + k²·|palette|) for k coloured communities.
    package static func assign(_ graph: Graph, membership: [UInt32], count: Int) -> [RGB] {
        let n = graph.nodeCount
        guard count > 0 else { return [] }
        var sizes = [Int](repeating: 0, count: count)
        for c in membership { sizes[Int(c)] += 1 }
        let threshold = max(2, n / 1000)
        var coloured = 0
        while coloured < min(count, colouredLimit)
            && (sizes[coloured] >= threshold || (coloured < 8 && sizes[coloured] >= 2))
        {
            coloured += 1
        }
        var result = [RGB](repeating: tail, count: count)
        guard coloured > 0 else { return result }
        // Weight between coloured communities (both directions, self-mixing ignored).
        var mixing = [Double](repeating: 0, count: coloured * coloured)
        for u in 0..<n {
            let a = Int(membership[u])
            guard a < coloured else { continue }
            for e in graph.neighbours(of: u) {
                let b = Int(membership[Int(graph.targets[e])])
                guard b < coloured, b != a else { continue }
                let w = Double(graph.weights[e])
                mixing[a * coloured + b] += w
                mixing[b * coloured + a] += w
            }
        }
        let palette = colors
        var closeness = [Double](repeating: 0, count: palette.count * palette.count)
        for i in palette.indices {
            for j in palette.indices {
                closeness[i * palette.count + j] = max(0, 1 - palette[i].distance(to: palette[j]) / 0.5)
            }
        }
        var choice = [Int](repeating: 0, count: coloured)
        var uses = [Int](repeating: 0, count: palette.count)
        var used = 0
        for c in 0..<coloured {
            var total = 0.0
            for d in 0..<c { total += mixing[c * coloured + d] }
            var best = 0
            var bestCost = Double.infinity
            for p in palette.indices {
                if used < palette.count && uses[p] > 0 { continue }
                var cost = 0.0
                if total > 0 {
                    for d in 0..<c where mixing[c * coloured + d] > 0 {
                        cost += mixing[c * coloured + d] / total * closeness[p * palette.count + choice[d]]
                    }
                }
                cost += 0.05 * Double(uses[p])
                if cost < bestCost {
                    bestCost = cost
                    best = p
                }
            }
            choice[c] = best
            if uses[best] == 0 { used += 1 }
            uses[best] += 1
            result[c] = palette[best]
        }
        return result
    }
}
