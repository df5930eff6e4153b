import Testing
import WhichtokExport
import WhichtokSupport

@testable import WhichtokGraph

/// A graph of groups: dense inside (each pair linked with probability `p`), plus the given links
/// between groups (`links` random edges for each listed pair).
func groupedGraph(groups: Int, size: Int, p: Double, links: [(Int, Int, Int)], seed: UInt64 = 7) -> Graph {
    var random = SplitMix64(seed: seed)
    var edges: [(Int, Int, Float)] = []
    for g in 0..<groups {
        for i in 0..<size {
            for j in (i + 1)..<size where random.unit() < p {
                edges.append((g * size + i, g * size + j, 1))
            }
        }
    }
    for (a, b, count) in links {
        for _ in 0..<count {
            edges.append((a * size + random.below(size), b * size + random.below(size), 1))
        }
    }
    return Graph(nodeCount: groups * size, edges: edges)
}

@Suite("ForceAtlas2")
struct LayoutTests {
    func centroid(_ layout: ForceAtlas2, _ nodes: Range<Int>) -> (Double, Double) {
        var x = 0.0
        var y = 0.0
        for u in nodes {
            x += Double(layout.x[u])
            y += Double(layout.y[u])
        }
        return (x / Double(nodes.count), y / Double(nodes.count))
    }

    func distance(_ a: (Double, Double), _ b: (Double, Double)) -> Double {
        ((a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1)).squareRoot()
    }

    @Test("the same seed gives bit-identical positions; another seed gives other positions", arguments: [false, true])
    func determinism(barnesHut: Bool) {
        // Over 2,000 nodes, so the force loop runs on several threads.
        let graph = groupedGraph(groups: 5, size: 440, p: 0.02, links: [(0, 1, 40), (2, 3, 40), (3, 4, 40)])
        var parameters = ForceAtlas2.Parameters()
        parameters.iterations = 8
        parameters.barnesHut = barnesHut
        parameters.seed = 42
        let a = ForceAtlas2(graph, parameters: parameters)
        let b = ForceAtlas2(graph, parameters: parameters)
        #expect(a.x == b.x)
        #expect(a.y == b.y)
        #expect(a.iterationsDone == 8)
        parameters.seed = 43
        let c = ForceAtlas2(graph, parameters: parameters)
        #expect(a.x != c.x)
        #expect(a.x.allSatisfy(\.isFinite) && a.y.allSatisfy(\.isFinite))
    }

    @Test(
        "connected groups end up closer than unconnected ones, and each group is compact",
        arguments: [(false, false), (true, false), (false, true), (true, true)])
    func sanity(barnesHut: Bool, linLog: Bool) {
        // A and B are linked by 20 edges; C has no edge to either.
        let size = 40
        let graph = groupedGraph(groups: 3, size: size, p: 0.3, links: [(0, 1, 20)])
        var parameters = ForceAtlas2.Parameters()
        parameters.iterations = 400
        parameters.barnesHut = barnesHut
        parameters.linLog = linLog
        let layout = ForceAtlas2(graph, parameters: parameters)
        let a = centroid(layout, 0..<size)
        let b = centroid(layout, size..<(2 * size))
        let c = centroid(layout, (2 * size)..<(3 * size))
        let ab = distance(a, b)
        let ac = distance(a, c)
        let bc = distance(b, c)
        #expect(ab < ac, "A–B \(ab) should be closer than A–C \(ac)")
        #expect(ab < bc, "A–B \(ab) should be closer than B–C \(bc)")
        // Spread of group C around its centre is well below its distance to the others.
        var spread = 0.0
        for u in (2 * size)..<(3 * size) { spread += distance((Double(layout.x[u]), Double(layout.y[u])), c) }
        spread /= Double(size)
        #expect(spread < min(ac, bc) / 2, "group C spread \(spread) vs distance \(min(ac, bc))")
    }

    @Test("weights of 10¹² and 10³⁰ give finite positions, the same as the weights scaled down")
    func hugeWeights() {
        var parameters = ForceAtlas2.Parameters()
        parameters.iterations = 50
        func layout(_ scale: Float) -> ForceAtlas2 {
            let edges: [(Int, Int, Float)] = [
                (0, 1, 2 * scale), (1, 2, 2 * scale), (2, 0, 1), (2, 3, scale), (3, 4, 1), (4, 5, scale),
            ]
            return ForceAtlas2(Graph(nodeCount: 6, edges: edges), parameters: parameters)
        }
        for scale: Float in [1e12, 1e30] {
            let huge = layout(scale)
            #expect(huge.x.allSatisfy(\.isFinite) && huge.y.allSatisfy(\.isFinite), "weights × \(scale)")
        }
        // Above the limit only the ratios count: ×10¹² and ×10³⁰ are laid out alike.
        let a = layout(1e12)
        let b = layout(1e30)
        for u in 0..<6 {
            #expect(abs(a.x[u] - b.x[u]) < 1e-2 * max(1, abs(a.x[u])))
        }
    }

    @Test("Barnes–Hut with a small θ reproduces exact repulsion")
    func barnesHutAccuracy() {
        let graph = groupedGraph(groups: 4, size: 300, p: 0.02, links: [(0, 1, 30), (1, 2, 30), (2, 3, 30)])
        var parameters = ForceAtlas2.Parameters()
        parameters.iterations = 1
        parameters.barnesHut = false
        let exact = ForceAtlas2(graph, parameters: parameters)
        parameters.barnesHut = true
        parameters.theta = 0.05
        let approximate = ForceAtlas2(graph, parameters: parameters)
        var worst: Float = 0
        for u in 0..<graph.nodeCount {
            let scale = max(1, abs(exact.x[u]) + abs(exact.y[u]))
            worst = max(worst, (abs(exact.x[u] - approximate.x[u]) + abs(exact.y[u] - approximate.y[u])) / scale)
        }
        #expect(worst < 1e-3, "largest relative difference \(worst)")
    }

    @Test("tiny and empty graphs are laid out without trouble")
    func tiny() {
        #expect(ForceAtlas2(Graph(nodeCount: 0, edges: [])).x.isEmpty)
        let one = ForceAtlas2(Graph(nodeCount: 1, edges: []))
        #expect(one.x.count == 1 && one.x[0].isFinite)
        let pair = ForceAtlas2(Graph(nodeCount: 2, edges: [(0, 1, 1)]))
        #expect(pair.x.allSatisfy(\.isFinite) && pair.y.allSatisfy(\.isFinite))
        #expect(pair.x[0] != pair.x[1] || pair.y[0] != pair.y[1])
        let directed = ForceAtlas2(Graph(nodeCount: 3, edges: [(0, 1, 1), (1, 2, 2), (2, 0, 1)], directed: true))
        #expect(directed.x.count == 3)
    }
}

@Suite("Community palette")
struct PaletteTests {
    @Test("palette colours are distinct: every pair at least 0.11 apart in OKLab, none grey")
    func distinct() {
        let colors = CommunityPalette.colors
        #expect(colors.count == 24)
        #expect(Set(colors).count == colors.count)
        for i in colors.indices {
            #expect(colors[i].distance(to: CommunityPalette.tail) > 0.1)
            for j in colors.indices where j > i {
                #expect(colors[i].distance(to: colors[j]) >= 0.11, "\(colors[i]) vs \(colors[j])")
            }
        }
    }

    @Test("communities that mix get distant colours; the first 24 communities all differ")
    func neighbours() {
        // 30 communities in a ring: community i exchanges heavy weight with i + 1, little with others.
        let groups = 30
        let size = 20
        var links: [(Int, Int, Int)] = []
        for g in 0..<groups { links.append((g, (g + 1) % groups, 30)) }
        links.append((0, 15, 1))
        let graph = groupedGraph(groups: groups, size: size, p: 0.3, links: links)
        let membership = (0..<graph.nodeCount).map { UInt32($0 / size) }
        let colours = CommunityPalette.assign(graph, membership: membership, count: groups)
        #expect(colours.count == groups)
        #expect(Set(colours.prefix(24)).count == 24)
        for g in 0..<groups {
            let d = colours[g].distance(to: colours[(g + 1) % groups])
            #expect(d >= 0.2, "communities \(g) and \((g + 1) % groups) mix but are only \(d) apart")
        }
        // A star: the five communities mixing with community 0 all get colours far from its colour.
        let star = groupedGraph(groups: 6, size: 20, p: 0.3, links: (1...5).map { (0, $0, 25) })
        let starColours = CommunityPalette.assign(star, membership: (0..<120).map { UInt32($0 / 20) }, count: 6)
        for c in 1...5 { #expect(starColours[c].distance(to: starColours[0]) >= 0.25) }
    }

    @Test("small communities share the tail grey")
    func tail() {
        // Two big groups and twelve isolated pairs.
        var edges: [(Int, Int, Float)] = []
        for i in 0..<50 {
            edges.append((i, (i + 1) % 50, 1))
            edges.append((50 + i, 50 + (i + 1) % 50, 1))
        }
        for p in 0..<12 { edges.append((100 + 2 * p, 101 + 2 * p, 1)) }
        let graph = Graph(nodeCount: 124, edges: edges)
        let membership = (0..<124).map { (u: Int) -> UInt32 in
            if u < 50 { return 0 }
            if u < 100 { return 1 }
            return UInt32(2 + (u - 100) / 2)
        }
        let colours = CommunityPalette.assign(graph, membership: membership, count: 14)
        #expect(colours[0] != CommunityPalette.tail && colours[1] != CommunityPalette.tail)
        #expect(colours[0] != colours[1])
        // Pairs of 2 nodes: the first eight communities are always coloured, later pairs are grey
        // only when below max(2, n/1000) = 2 members, so these pairs keep colours.
        #expect(colours[2] != CommunityPalette.tail)
        let singletons = CommunityPalette.assign(
            Graph(nodeCount: 12, edges: []), membership: (0..<12).map { UInt32($0) }, count: 12)
        #expect(singletons.allSatisfy { $0 == CommunityPalette.tail })
    }
}
