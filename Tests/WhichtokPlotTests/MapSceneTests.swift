import Testing
import WhichtokExport
import WhichtokGraph
import WhichtokSupport

@testable import WhichtokPlot

/// Groups of nodes, dense inside and sparsely linked to the next group, with integer weights 1–4.
func plotGroups(groups: Int, size: Int, p: Double, seed: UInt64 = 7) -> Graph {
    var random = SplitMix64(seed: seed)
    var edges: [(Int, Int, Float)] = []
    for g in 0..<groups {
        for i in 0..<size {
            for j in (i + 1)..<size where random.unit() < p {
                edges.append((g * size + i, g * size + j, Float(1 + pick(&random, 4))))
            }
        }
        let next = (g + 1) % groups
        for _ in 0..<2 where groups > 1 {
            edges.append((g * size + pick(&random, size), next * size + pick(&random, size), 1))
        }
    }
    return Graph(nodeCount: groups * size, edges: edges)
}

/// A value in `0 ..< bound` (`SplitMix64.below` multiplies by `bound >> 32`: its shift binds first).
func pick(_ random: inout SplitMix64, _ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }

/// A measure that needs no drawing library: 0.6 em per character, 1.2 em high.
func roughMeasure(_ text: String, _ fontSize: Double) -> TextExtent {
    TextExtent(width: 0.6 * fontSize * Double(text.count), height: 1.2 * fontSize)
}

func layoutFor(_ analysis: Analysis, iterations: Int = 60) -> ForceAtlas2 {
    var parameters = ForceAtlas2.Parameters()
    parameters.iterations = iterations
    return ForceAtlas2(analysis.graph, parameters: parameters, communities: analysis.leiden.membership)
}

@Suite("MapScene")
struct MapSceneTests {
    @Test("label boxes never overlap, stay in the plot area, and follow PageRank")
    func labelsDoNotOverlap() {
        let analysis = Analysis(plotGroups(groups: 6, size: 40, p: 0.3))
        var options = MapScene.Options()
        options.labels = 80
        options.width = 1200
        options.height = 900
        let scene = MapScene(analysis: analysis, store: nil, layout: layoutFor(analysis), options: options) {
            roughMeasure($0, $1)
        }
        #expect(scene.labels.count >= 10)
        #expect(scene.labels.count <= 80)
        for (i, a) in scene.labels.enumerated() {
            #expect(scene.plotArea.contains(a.box))
            for b in scene.labels[(i + 1)...] {
                #expect(!a.box.overlaps(b.box), "labels \(a.text) and \(b.text) overlap")
            }
        }
        // The best-ranked node is always labelled first.
        let rank = analysis.pageRank.rank
        let best = (0..<rank.count).max { rank[$0] != rank[$1] ? rank[$0] < rank[$1] : $0 > $1 }
        #expect(scene.labels.first?.node == best)
    }

    @Test("nodes are fitted into the plot area with one colour per coloured niche")
    func nodesFitted() {
        let analysis = Analysis(plotGroups(groups: 5, size: 30, p: 0.4))
        let scene = MapScene(analysis: analysis, store: nil, layout: layoutFor(analysis)) { roughMeasure($0, $1) }
        #expect(scene.nodes.count == analysis.graph.nodeCount)
        for node in scene.nodes {
            #expect(node.x - node.radius >= scene.plotArea.x - 1e-6)
            #expect(node.x + node.radius <= scene.plotArea.maxX + 1e-6)
            #expect(node.y - node.radius >= scene.plotArea.y - 1e-6)
            #expect(node.y + node.radius <= scene.plotArea.maxY + 1e-6)
        }
        #expect(Set(scene.nodes.map(\.color)).count == analysis.leiden.communityCount)
        #expect(scene.legend.count == analysis.leiden.communityCount)
        #expect(zip(scene.nodes, scene.nodes.dropFirst()).allSatisfy { $0.radius <= $1.radius })
        #expect(zip(scene.edges, scene.edges.dropFirst()).allSatisfy { $0.weight <= $1.weight })
        #expect(scene.caption.contains("\(analysis.leiden.communityCount) niches"))
        #expect(scene.caption.contains("modularity 0."))
        #expect(!scene.edgeSelection.backbone)
        #expect(scene.edges.count == analysis.graph.edgeCount)
    }

    @Test("nodes have the colours export writes, and the positions of export's default layout")
    func sameAsExport() throws {
        let analysis = Analysis(plotGroups(groups: 5, size: 25, p: 0.3))
        let layout = layoutFor(analysis, iterations: ForceAtlas2.Parameters().iterations)
        let document = ExportDocument(analysis: analysis, layout: layout)
        let scene = MapScene(analysis: analysis, store: nil, layout: layout) { roughMeasure($0, $1) }
        #expect(scene.nodes.count == document.colors.count)
        for node in scene.nodes {
            #expect(node.color == document.colors[node.id], "node \(node.id)")
        }
        // The scene is the layout scaled uniformly (y flipped): ratios of distances are kept.
        let byID = Dictionary(uniqueKeysWithValues: scene.nodes.map { ($0.id, $0) })
        let x = try #require(document.positionX)
        let y = try #require(document.positionY)
        let a = try #require(byID[0])
        let b = try #require(byID[30])
        let c = try #require(byID[60])
        func sceneDistance(_ p: MapScene.Node, _ q: MapScene.Node) -> Double {
            ((p.x - q.x) * (p.x - q.x) + (p.y - q.y) * (p.y - q.y)).squareRoot()
        }
        func layoutDistance(_ u: Int, _ v: Int) -> Double {
            let dx = Double(x[u] - x[v])
            let dy = Double(y[u] - y[v])
            return (dx * dx + dy * dy).squareRoot()
        }
        let ratio = sceneDistance(a, b) / layoutDistance(0, 30)
        #expect(abs(sceneDistance(a, c) / layoutDistance(0, 60) - ratio) < 1e-6 * ratio)
        #expect((a.y - b.y) * Double(y[0] - y[30]) <= 0, "y points up")
    }

    @Test("on a large graph the discs shrink to cover at most a fifth of the plot area")
    func largeGraphDiscs() {
        let n = 20_000
        let ring = Graph(nodeCount: n, edges: (0..<n).map { ($0, ($0 + 1) % n, Float(1)) })
        let scene = MapScene(analysis: Analysis(ring), store: nil, layout: nil) { roughMeasure($0, $1) }
        let area = scene.nodes.reduce(0.0) { $0 + Double.pi * $1.radius * $1.radius }
        let plot = scene.plotArea.width * scene.plotArea.height
        #expect(area <= MapScene.discShare * plot * 1.000_001)
        #expect(area >= 0.99 * MapScene.discShare * plot)
        #expect(scene.nodes.allSatisfy { $0.radius >= 0.5 * scene.scale })
        // A small graph keeps its sizes.
        let small = MapScene(analysis: Analysis(plotGroups(groups: 3, size: 10, p: 0.5)), store: nil, layout: nil) {
            roughMeasure($0, $1)
        }
        #expect(small.nodes.map(\.radius).max() == 20 * small.scale)
    }

    @Test("above the edge limit the per-node backbone is drawn: bounded, deterministic, every node kept")
    func backboneSelection() {
        // 3,000 nodes, 120,000 random edges.
        var random = SplitMix64(seed: 11)
        let n = 3000
        var sources: [UInt32] = []
        var targets: [UInt32] = []
        var weights: [Float] = []
        for _ in 0..<120_000 {
            let u = pick(&random, n)
            let v = (u + 1 + pick(&random, n - 1)) % n
            sources.append(UInt32(u))
            targets.append(UInt32(v))
            weights.append(Float(1 + random.next() % 1000) / 10)
        }
        let graph = Graph(nodeCount: n, sources: sources, targets: targets, weights: weights, directed: false)
        #expect(graph.edgeCount > 100_000)
        let first = MapScene.selectEdges(graph, limit: 100_000)
        let second = MapScene.selectEdges(graph, limit: 100_000)
        #expect(first.selection.backbone)
        #expect(first.selection.total == graph.edgeCount)
        #expect(first.entries.count == 100_000)
        #expect(first.selection.drawn == 100_000)
        #expect(first.entries.map(\.entry) == second.entries.map(\.entry))
        // Lightest first.
        #expect(
            zip(first.entries, first.entries.dropFirst()).allSatisfy {
                graph.weights[$0.entry] <= graph.weights[$1.entry]
            })
        // Every node keeps its heaviest edge.
        var kept = Set<Int>()
        for item in first.entries {
            kept.insert(item.source)
            kept.insert(item.target)
        }
        let connected = (0..<n).filter { !graph.neighbours(of: $0).isEmpty }
        #expect(connected.allSatisfy { kept.contains($0) })
        for u in connected {
            var best = graph.neighbours(of: u).lowerBound
            for e in graph.neighbours(of: u) where graph.weights[e] > graph.weights[best] { best = e }
            let v = Int(graph.targets[best])
            #expect(first.entries.contains { ($0.source, $0.target) == (min(u, v), max(u, v)) })
            if u > 30 { break }
        }
        // A smaller limit keeps a prefix of the same order.
        let small = MapScene.selectEdges(graph, limit: 5000)
        #expect(small.entries.count == 5000)
        #expect(Set(small.entries.map(\.entry)).isSubset(of: Set(first.entries.map(\.entry))))
    }

    @Test("display text drops control and bidi-override characters and shortens long names")
    func displayText() {
        #expect(MapScene.displayText("a\u{202E}b\u{07}c\nd", limit: 32) == "abc d")
        #expect(
            MapScene.displayText(String(repeating: "x", count: 40), limit: 32) == String(repeating: "x", count: 32)
                + "…")
        #expect(MapScene.displayText("ok 🌴", limit: 32) == "ok 🌴")
        #expect(MapScene.fixed(0.61249, 3) == "0.612")
        #expect(MapScene.fixed(-1.5, 1) == "-1.5")
    }
}
