#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The ForceAtlas2 force-directed layout (Jacomy, Venturini, Heymann & Bastian, PLOS ONE 9(6): e98679,
/// 2014), in the variant Gephi ships, so that positions look like a Gephi user expects.
///
/// Every node has mass `m = 1 + deg` (unweighted degree of the undirected graph). Per iteration each
/// node sums:
/// - **repulsion** from every other node, `F = k_r·m_u·m_v / d`, where `k_r` is the scaling ratio; with
///   Barnes–Hut (default from 1,000 nodes) a quadtree cell whose side `s` satisfies `s / d < θ` and that
///   does not contain the node acts as one body at its centre of mass;
/// - **gravity** towards the origin, `F = g·m_u` (or `g·m_u·d` with strong gravity);
/// - **attraction** along each edge, `F = w^δ·d` (LinLog: `w^δ·log(1 + d)`), divided by `m_u` when
///   hubs are dissuaded (then multiplied by the mean mass so the overall scale is kept), `δ` the edge
///   weight influence.
///
/// Moves use Gephi's global adaptive speed: with the swinging `swg_u = m_u·|F_t − F_{t−1}|` and the
/// effective traction `tra_u = m_u·|F_t + F_{t−1}| / 2`, the global speed follows
/// `τ·Σtra / Σswg` (τ the jitter tolerance, adapted to the graph size and damped when the layout
/// oscillates, rising at most 50 % per step), and node `u` moves by `F·speed / (1 + √(speed·swg_u))`.
///
/// Nodes start at seeded random positions in a disc of radius `10·√n`; given `communities`, each
/// community starts as its own small disc at a seeded random place, which saves many iterations on
/// large graphs without changing the forces. Directed graphs are laid out on their undirected version.
///
/// Complexity: O(n log n + m) per iteration with Barnes–Hut (O(n² + m) without). The force loop runs
/// in parallel over fixed chunks of the tree order; each node's force is summed by one thread in a
/// fixed order, and the global sums are combined chunk by chunk, so the same graph, parameters and
/// seed give bit-identical positions on every run and any number of cores. Memory: about 40 bytes per
/// node plus the tree.
public struct ForceAtlas2: Sendable {
    public struct Parameters: Sendable, Equatable {
        /// Iterations to run.
        public var iterations = 200
        /// The seed of the starting positions.
        public var seed: UInt64 = 1
        /// Repulsion strength `k_r`; nil picks Gephi's default (2 from 100 nodes, else 10).
        public var scalingRatio: Double?
        /// Gravity `g` towards the origin.
        public var gravity = 1.0
        /// Gravity grows with distance (`g·m·d`) instead of being constant.
        public var strongGravity = false
        /// LinLog attraction `log(1 + d)`: tighter, more separated clusters.
        public var linLog = false
        /// Divide attraction by the node's mass ("dissuade hubs", Gephi's outbound attraction distribution).
        public var dissuadeHubs = false
        /// Exponent `δ` applied to edge weights (0 ignores weights).
        public var edgeWeightInfluence = 1.0
        /// Tolerated swinging τ (higher is faster and less precise).
        public var jitterTolerance = 1.0
        /// Barnes–Hut approximation; nil turns it on from 1,000 nodes, as Gephi does.
        public var barnesHut: Bool?
        /// Barnes–Hut accuracy θ (Gephi's default 1.2; smaller is more exact).
        public var theta = 1.2
        public init() {}
    }

    public var parameters: Parameters
    /// Positions, one per node.
    public var x: [Float]
    public var y: [Float]
    /// Iterations done.
    public var iterationsDone: Int
    /// The global speed after the last iteration.
    public var speed: Double

    /// Lays `graph` out. `communities` (one per node), when given, only shapes the starting positions.
    public init(_ graph: Graph, parameters: Parameters = Parameters(), communities: [UInt32]? = nil) {
        self.parameters = parameters
        var state = ForceAtlas2State(graph, parameters: parameters, communities: communities)
        for _ in 0..<max(0, parameters.iterations) { state.step() }
        x = state.positionsX()
        y = state.positionsY()
        iterationsDone = max(0, parameters.iterations)
        speed = state.speed
    }
}

/// Position, force and mass arrays as raw memory, so the parallel force loop reads and writes them
/// without copies or exclusivity checks. Threads write disjoint node indices only.
final class _LayoutBuffers: @unchecked Sendable {
    let count: Int
    let x: UnsafeMutablePointer<Float>
    let y: UnsafeMutablePointer<Float>
    var dx: UnsafeMutablePointer<Float>
    var dy: UnsafeMutablePointer<Float>
    var oldDx: UnsafeMutablePointer<Float>
    var oldDy: UnsafeMutablePointer<Float>
    let mass: UnsafeMutablePointer<Float>

    init(count: Int) {
        self.count = count
        func zeros() -> UnsafeMutablePointer<Float> {
            let pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(1, count))
            pointer.initialize(repeating: 0, count: max(1, count))
            return pointer
        }
        x = zeros(); y = zeros(); dx = zeros(); dy = zeros(); oldDx = zeros(); oldDy = zeros(); mass = zeros()
    }

    /// The current forces become the previous ones.
    func rotateForces() {
        swap(&dx, &oldDx)
        swap(&dy, &oldDy)
    }

    deinit {
        for pointer in [x, y, dx, dy, oldDx, oldDy, mass] { pointer.deallocate() }
    }
}

/// One ForceAtlas2 run: the graph (undirected, weights raised to δ), the buffers and the speed state.
struct ForceAtlas2State {
    let nodeCount: Int
    let offsets: [Int]
    let targets: [UInt32]
    /// `w^δ` per CSR entry, times the hub compensation when hubs are dissuaded.
    let attraction: [Float]
    let buffers: _LayoutBuffers
    var tree: _BarnesHutTree?
    let repulsion: Float
    let gravity: Float
    let strongGravity: Bool
    let linLog: Bool
    let dissuadeHubs: Bool
    let thetaSquared: Float
    let jitterTolerance: Double
    var speed = 1.0
    var speedEfficiency = 1.0
    /// Fixed chunks of the node order (tree order with Barnes–Hut).
    let chunkCount: Int

    init(_ graph: Graph, parameters: Parameters, communities: [UInt32]?) {
        let g = graph.undirected()
        let n = g.nodeCount
        nodeCount = n
        offsets = g.offsets
        targets = g.targets
        buffers = _LayoutBuffers(count: n)
        var meanMass = 0.0
        for u in 0..<n {
            let m = Float(1 + g.offsets[u + 1] - g.offsets[u])
            buffers.mass[u] = m
            meanMass += Double(m)
        }
        meanMass = n > 0 ? meanMass / Double(n) : 1
        let influence = parameters.edgeWeightInfluence
        let compensation = parameters.dissuadeHubs ? Float(meanMass) : 1
        attraction = g.weights.map { w -> Float in
            let weighted: Float
            if influence == 1 { weighted = w } else if influence == 0 { weighted = 1 } else { weighted = Float(pow(Double(w), influence)) }
            return weighted * compensation
        }
        repulsion = Float(parameters.scalingRatio ?? (n >= 100 ? 2 : 10))
        gravity = Float(parameters.gravity)
        strongGravity = parameters.strongGravity
        linLog = parameters.linLog
        dissuadeHubs = parameters.dissuadeHubs
        thetaSquared = Float(parameters.theta * parameters.theta)
        jitterTolerance = parameters.jitterTolerance
        if parameters.barnesHut ?? (n >= 1_000) { tree = _BarnesHutTree(nodeCount: n) }
        chunkCount = max(1, min(64, n / 256))
        ForceAtlas2State.place(buffers, nodeCount: n, seed: parameters.seed, communities: communities)
    }

    typealias Parameters = ForceAtlas2.Parameters

    /// Seeded starting positions (see `ForceAtlas2`).
    static func place(_ buffers: _LayoutBuffers, nodeCount n: Int, seed: UInt64, communities: [UInt32]?) {
        guard n > 0 else { return }
        var random = SeededGenerator(seed: seed ^ 0xFA2F_A2FA_2FA2_FA2F)
        let radius = 10 * Double(n).squareRoot()
        func pointInDisc(_ r: Double) -> (Double, Double) {
            let angle = 2 * Double.pi * random.unit()
            let distance = r * random.unit().squareRoot()
            return (distance * cos(angle), distance * sin(angle))
        }
        guard let communities, communities.count == n else {
            for u in 0..<n {
                let (px, py) = pointInDisc(radius)
                buffers.x[u] = Float(px)
                buffers.y[u] = Float(py)
            }
            return
        }
        let count = Int(communities.max() ?? 0) + 1
        var sizes = [Int](repeating: 0, count: count)
        for c in communities { sizes[Int(c)] += 1 }
        var centres: [(Double, Double)] = []
        centres.reserveCapacity(count)
        for _ in 0..<count { centres.append(pointInDisc(radius)) }
        for u in 0..<n {
            let c = Int(communities[u])
            let local = max(1, radius * (Double(sizes[c]) / Double(n)).squareRoot() * 0.5)
            let (px, py) = pointInDisc(local)
            buffers.x[u] = Float(centres[c].0 + px)
            buffers.y[u] = Float(centres[c].1 + py)
        }
    }

    func positionsX() -> [Float] { Array(UnsafeBufferPointer(start: buffers.x, count: nodeCount)) }
    func positionsY() -> [Float] { Array(UnsafeBufferPointer(start: buffers.y, count: nodeCount)) }

    /// One iteration: forces, speed, moves.
    mutating func step() {
        let n = nodeCount
        guard n > 1 else { return }
        buffers.rotateForces()
        if tree != nil {
            tree?.build(
                x: UnsafeBufferPointer(start: buffers.x, count: n), y: UnsafeBufferPointer(start: buffers.y, count: n),
                mass: UnsafeBufferPointer(start: buffers.mass, count: n))
        }
        var swinging = [Double](repeating: 0, count: chunkCount)
        var traction = [Double](repeating: 0, count: chunkCount)
        computeForces(swinging: &swinging, traction: &traction)
        var totalSwinging = 0.0, totalTraction = 0.0
        for c in 0..<chunkCount {
            totalSwinging += swinging[c]
            totalTraction += traction[c]
        }
        adjustSpeed(totalSwinging: totalSwinging, totalTraction: totalTraction)
        move()
    }

    /// Gephi's global speed rule (see `ForceAtlas2`).
    mutating func adjustSpeed(totalSwinging: Double, totalTraction: Double) {
        let n = Double(nodeCount)
        let estimatedOptimum = 0.05 * n.squareRoot()
        let minimum = estimatedOptimum.squareRoot(), maximum = 10.0
        var jitter = jitterTolerance * max(minimum, min(maximum, estimatedOptimum * totalTraction / (n * n)))
        let minimumEfficiency = 0.05
        if totalTraction > 0 && totalSwinging / totalTraction > 2 {
            if speedEfficiency > minimumEfficiency { speedEfficiency *= 0.5 }
            jitter = max(jitter, jitterTolerance)
        }
        guard totalSwinging > 0 else { return }
        let targetSpeed = jitter * speedEfficiency * totalTraction / totalSwinging
        if totalSwinging > jitter * totalTraction {
            if speedEfficiency > minimumEfficiency { speedEfficiency *= 0.7 }
        } else if speed < 1000 {
            speedEfficiency *= 1.3
        }
        let maxRise = 0.5
        speed += min(targetSpeed - speed, maxRise * speed)
    }

    /// Moves every node by its force, damped by its own swinging.
    func move() {
        let n = nodeCount
        let b = buffers
        let speed = Float(self.speed)
        Parallel.forEachChunk(count: n, chunks: chunkCount, minimumParallelCount: 50_000) { _, range in
            for u in range {
                let sx = b.oldDx[u] - b.dx[u], sy = b.oldDy[u] - b.dy[u]
                let swing = b.mass[u] * (sx * sx + sy * sy).squareRoot()
                let factor = speed / (1 + (speed * swing).squareRoot())
                b.x[u] += b.dx[u] * factor
                b.y[u] += b.dy[u] * factor
            }
        }
    }

    /// Repulsion, gravity and attraction for every node; per-chunk sums of swinging and traction.
    func computeForces(swinging: inout [Double], traction: inout [Double]) {
        let n = nodeCount
        let b = buffers
        let kr = repulsion, g = gravity, strong = strongGravity, useLinLog = linLog, hubs = dissuadeHubs
        let theta2 = thetaSquared
        swinging.withUnsafeMutableBufferPointer { swingOut in
            traction.withUnsafeMutableBufferPointer { tractionOut in
                offsets.withUnsafeBufferPointer { off in
                    targets.withUnsafeBufferPointer { tgt in
                        attraction.withUnsafeBufferPointer { att in
                            let swingSums = SharedBuffer(swingOut), tractionSums = SharedBuffer(tractionOut)
                            let body: (Int, Range<Int>, (Int) -> (Int, Float, Float)) -> Void = { chunk, range, repel in
                                var chunkSwing = 0.0, chunkTraction = 0.0
                                for k in range {
                                    let (u, repelX, repelY) = repel(k)
                                    var fx = repelX, fy = repelY
                                    let xu = b.x[u], yu = b.y[u], mu = b.mass[u]
                                    // Gravity towards the origin.
                                    let d = (xu * xu + yu * yu).squareRoot()
                                    if d > 0 {
                                        let factor = strong ? g * mu : g * mu / d
                                        fx -= xu * factor
                                        fy -= yu * factor
                                    }
                                    // Attraction along edges.
                                    var ax: Float = 0, ay: Float = 0
                                    for e in off[u]..<off[u + 1] {
                                        let v = Int(tgt[e])
                                        let ex = xu - b.x[v], ey = yu - b.y[v]
                                        var factor = att[e]
                                        if useLinLog {
                                            let distance = (ex * ex + ey * ey).squareRoot()
                                            guard distance > 0 else { continue }
                                            factor *= log1pf(distance) / distance
                                        }
                                        ax -= ex * factor
                                        ay -= ey * factor
                                    }
                                    if hubs {
                                        ax /= mu
                                        ay /= mu
                                    }
                                    fx += ax
                                    fy += ay
                                    b.dx[u] = fx
                                    b.dy[u] = fy
                                    let ox = b.oldDx[u], oy = b.oldDy[u]
                                    let sx = ox - fx, sy = oy - fy, tx = ox + fx, ty = oy + fy
                                    chunkSwing += Double(mu * (sx * sx + sy * sy).squareRoot())
                                    chunkTraction += Double(mu * (tx * tx + ty * ty).squareRoot() / 2)
                                }
                                swingSums[chunk] = chunkSwing
                                tractionSums[chunk] = chunkTraction
                            }
                            if let tree {
                                forEachNodeWithTree(tree, n: n, kr: kr, theta2: theta2, body: body)
                            } else {
                                Parallel.forEachChunk(count: n, chunks: chunkCount, minimumParallelCount: 2_000) { chunk, range in
                                    body(chunk, range) { u in
                                        let xu = b.x[u], yu = b.y[u], mu = b.mass[u]
                                        var fx: Float = 0, fy: Float = 0
                                        for v in 0..<n where v != u {
                                            let ex = xu - b.x[v], ey = yu - b.y[v]
                                            let d2 = ex * ex + ey * ey
                                            guard d2 > 0 else { continue }
                                            let factor = kr * mu * b.mass[v] / d2
                                            fx += ex * factor
                                            fy += ey * factor
                                        }
                                        return (u, fx, fy)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Runs `body` over chunks of the tree order, with Barnes–Hut repulsion.
    func forEachNodeWithTree(
        _ tree: _BarnesHutTree, n: Int, kr: Float, theta2: Float,
        body: (Int, Range<Int>, (Int) -> (Int, Float, Float)) -> Void
    ) {
        tree.cells.withUnsafeBufferPointer { cells in
            tree.order.withUnsafeBufferPointer { order in
                tree.px.withUnsafeBufferPointer { px in
                    tree.py.withUnsafeBufferPointer { py in
                        tree.pm.withUnsafeBufferPointer { pm in
                            let cellCount = cells.count
                            Parallel.forEachChunk(count: n, chunks: chunkCount, minimumParallelCount: 2_000) { chunk, range in
                                body(chunk, range) { k in
                                    let xu = px[k], yu = py[k], mu = pm[k]
                                    let rank = Int32(k)
                                    var fx: Float = 0, fy: Float = 0
                                    var i = 0
                                    while i < cellCount {
                                        let cell = cells[i]
                                        let next = Int(cell.next)
                                        if next == i + 1 {
                                            for j in Int(cell.start)..<Int(cell.end) where j != k {
                                                let ex = xu - px[j], ey = yu - py[j]
                                                let d2 = ex * ex + ey * ey
                                                guard d2 > 0 else { continue }
                                                let factor = kr * mu * pm[j] / d2
                                                fx += ex * factor
                                                fy += ey * factor
                                            }
                                            i = next
                                        } else {
                                            let ex = xu - cell.cx, ey = yu - cell.cy
                                            let d2 = ex * ex + ey * ey
                                            if (rank < cell.start || rank >= cell.end) && cell.size * cell.size < theta2 * d2 {
                                                let factor = kr * mu * cell.mass / d2
                                                fx += ex * factor
                                                fy += ey * factor
                                                i = next
                                            } else {
                                                i += 1
                                            }
                                        }
                                    }
                                    return (Int(order[k]), fx, fy)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
