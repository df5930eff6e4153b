import WhichtokSupport

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
///   weight influence. Coefficients `w^δ` above 10⁴ are all scaled down by one factor (their ratios
///   kept), so that weights such as 10¹² cannot make the forces overflow.
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
/// Complexity: O(n log n + m) per iteration with Barnes–Hut (O(n² + m) without). Internally nodes are
/// renumbered by community, so the neighbours a node pulls on sit close in memory, and positions and
/// forces are contiguous `SIMD2<Float>` arrays. The force loop runs in parallel over fixed chunks of
/// the tree order; each node's force is summed by one thread in a fixed order, and the global sums
/// are combined chunk by chunk, so the same graph, parameters and seed give bit-identical positions on
/// every run and any number of cores. Memory: about 110 bytes per node (with the tree) plus a copy of
/// the CSR (12 bytes per stored edge).
package struct ForceAtlas2: Sendable {
    package struct Parameters: Sendable, Equatable {
        /// Iterations to run. With community-seeded starting positions 50–100 iterations already
        /// separate the communities of a 10,000-node graph; Gephi users often continue interactively.
        package var iterations = 100
        /// The seed of the starting positions.
        package var seed: UInt64 = 1
        /// Repulsion strength `k_r`; nil picks Gephi's default (2 from 100 nodes, else 10).
        package var scalingRatio: Double?
        /// Gravity `g` towards the origin.
        package var gravity = 1.0
        /// Gravity grows with distance (`g·m·d`) instead of being constant.
        package var strongGravity = false
        /// LinLog attraction `log(1 + d)`: tighter, more separated clusters.
        package var linLog = false
        /// Divide attraction by the node's mass ("dissuade hubs", Gephi's outbound attraction distribution).
        package var dissuadeHubs = false
        /// Exponent `δ` applied to edge weights (0 ignores weights).
        package var edgeWeightInfluence = 1.0
        /// Tolerated swinging τ (higher is faster and less precise).
        package var jitterTolerance = 1.0
        /// Barnes–Hut approximation; nil turns it on from 1,000 nodes, as Gephi does.
        package var barnesHut: Bool?
        /// Barnes–Hut accuracy θ (Gephi's default 1.2; smaller is more exact).
        package var theta = 1.2
        package init() {}
    }

    package var parameters: Parameters
    /// Positions, one per node.
    package var x: [Float]
    package var y: [Float]
    /// Iterations done.
    package var iterationsDone: Int
    /// The global speed after the last iteration.
    package var speed: Double

    /// Lays `graph` out. `communities` (one per node), when given, only shapes the starting positions.
    /// `progress` is called with the number of iterations done after each one.
    package init(
        _ graph: Graph, parameters: Parameters = Parameters(), communities: [UInt32]? = nil,
        progress: (_ iterationsDone: Int) -> Void = { _ in }
    ) {
        self.parameters = parameters
        var state = ForceAtlas2State(graph, parameters: parameters, communities: communities)
        for iteration in 0..<max(0, parameters.iterations) {
            state.step()
            progress(iteration + 1)
        }
        (x, y) = state.positions()
        iterationsDone = max(0, parameters.iterations)
        speed = state.speed
    }
}

/// Position, force and mass arrays as raw memory, so the parallel force loop reads and writes them
/// without copies or exclusivity checks. Threads write disjoint node indices only.
final class LayoutBuffers: @unchecked Sendable {
    let count: Int
    let position: UnsafeMutablePointer<SIMD2<Float>>
    private(set) var force: UnsafeMutablePointer<SIMD2<Float>>
    private(set) var oldForce: UnsafeMutablePointer<SIMD2<Float>>
    let mass: UnsafeMutablePointer<Float>

    init(count: Int) {
        self.count = count
        let capacity = max(1, count)
        func vectors() -> UnsafeMutablePointer<SIMD2<Float>> {
            let pointer = UnsafeMutablePointer<SIMD2<Float>>.allocate(capacity: capacity)
            pointer.initialize(repeating: .zero, count: capacity)
            return pointer
        }
        position = vectors()
        force = vectors()
        oldForce = vectors()
        mass = UnsafeMutablePointer<Float>.allocate(capacity: capacity)
        mass.initialize(repeating: 0, count: capacity)
    }

    /// The current forces become the previous ones.
    func rotateForces() {
        swap(&force, &oldForce)
    }

    deinit {
        position.deallocate()
        force.deallocate()
        oldForce.deallocate()
        mass.deallocate()
    }
}

/// One ForceAtlas2 run: the graph (undirected, weights raised to δ), the buffers and the speed state.
struct ForceAtlas2State {
    /// The largest attraction coefficient `w^δ` used; larger ones are all scaled down by one factor.
    static let largestAttraction: Float = 1e4

    typealias Parameters = ForceAtlas2.Parameters

    let nodeCount: Int
    /// Internal node → graph node (internal nodes are grouped by community).
    let originalID: [Int]
    let offsets: [Int]
    let targets: [UInt32]
    /// `w^δ` per CSR entry, times the hub compensation when hubs are dissuaded.
    let attraction: [Float]
    let buffers: LayoutBuffers
    var tree: BarnesHutTree?
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
        // Work on nodes renumbered by community (stable), so the neighbours a node pulls on mostly sit
        // in the same few cache lines; `originalID[k]` is the graph node of internal node `k`.
        var originalID = Array(0..<n)
        var memberships: [UInt32]?
        if let communities, communities.count == n, n > 0 {
            let count = Int(communities.max() ?? 0) + 1
            var start = [Int](repeating: 0, count: count + 1)
            for c in communities { start[Int(c) + 1] += 1 }
            for c in 0..<count { start[c + 1] += start[c] }
            for u in 0..<n {
                let c = Int(communities[u])
                originalID[start[c]] = u
                start[c] += 1
            }
            memberships = originalID.map { communities[$0] }
        }
        var internalID = [UInt32](repeating: 0, count: n)
        for (k, u) in originalID.enumerated() { internalID[u] = UInt32(k) }
        self.originalID = originalID
        var offsets = [Int](repeating: 0, count: n + 1)
        var targets = [UInt32]()
        var weights = [Float]()
        targets.reserveCapacity(g.targets.count)
        weights.reserveCapacity(g.targets.count)
        for k in 0..<n {
            let u = originalID[k]
            for e in g.neighbours(of: u) {
                targets.append(internalID[Int(g.targets[e])])
                weights.append(g.weights[e])
            }
            offsets[k + 1] = targets.count
        }
        self.offsets = offsets
        self.targets = targets
        buffers = LayoutBuffers(count: n)
        var meanMass = 0.0
        for k in 0..<n {
            let m = Float(1 + offsets[k + 1] - offsets[k])
            buffers.mass[k] = m
            meanMass += Double(m)
        }
        meanMass = n > 0 ? meanMass / Double(n) : 1
        let influence = parameters.edgeWeightInfluence
        let compensation = parameters.dissuadeHubs ? Float(meanMass) : 1
        var coefficients = weights.map { w -> Float in
            let weighted: Float
            if influence == 1 {
                weighted = w
            } else if influence == 0 {
                weighted = 1
            } else {
                weighted = Float(pow(Double(w), influence))
            }
            return weighted * compensation
        }
        // Huge weights (10¹² from an edge list) made the forces overflow Float and every position
        // NaN: above `largestAttraction` all coefficients are scaled down by one factor, which keeps
        // their ratios. Counts, shares and cosines are far below it and are left as they are.
        let largest = coefficients.reduce(Float(0)) { max($0, $1.isFinite ? $1 : .greatestFiniteMagnitude) }
        if largest > Self.largestAttraction {
            let factor = Self.largestAttraction / largest
            coefficients = coefficients.map { $0.isFinite ? $0 * factor : Self.largestAttraction }
        }
        attraction = coefficients
        repulsion = Float(parameters.scalingRatio ?? (n >= 100 ? 2 : 10))
        gravity = Float(parameters.gravity)
        strongGravity = parameters.strongGravity
        linLog = parameters.linLog
        dissuadeHubs = parameters.dissuadeHubs
        thetaSquared = Float(parameters.theta * parameters.theta)
        jitterTolerance = parameters.jitterTolerance
        if parameters.barnesHut ?? (n >= 1_000) { tree = BarnesHutTree(nodeCount: n) }
        chunkCount = max(1, min(64, n / 256))
        ForceAtlas2State.place(buffers, nodeCount: n, seed: parameters.seed, communities: memberships)
    }

    /// Seeded starting positions (see `ForceAtlas2`).
    static func place(_ buffers: LayoutBuffers, nodeCount n: Int, seed: UInt64, communities: [UInt32]?) {
        guard n > 0 else { return }
        var random = SplitMix64(seed: seed ^ 0xFA2F_A2FA_2FA2_FA2F)
        let radius = 10 * Double(n).squareRoot()
        func pointInDisc(_ r: Double) -> SIMD2<Double> {
            let angle = 2 * Double.pi * random.unit()
            let distance = r * random.unit().squareRoot()
            return SIMD2(distance * cos(angle), distance * sin(angle))
        }
        guard let communities, communities.count == n else {
            for u in 0..<n { buffers.position[u] = SIMD2<Float>(pointInDisc(radius)) }
            return
        }
        let count = Int(communities.max() ?? 0) + 1
        var sizes = [Int](repeating: 0, count: count)
        for c in communities { sizes[Int(c)] += 1 }
        var centres: [SIMD2<Double>] = []
        centres.reserveCapacity(count)
        for _ in 0..<count { centres.append(pointInDisc(radius)) }
        for u in 0..<n {
            let c = Int(communities[u])
            let local = max(1, radius * (Double(sizes[c]) / Double(n)).squareRoot() * 0.5)
            buffers.position[u] = SIMD2<Float>(centres[c] + pointInDisc(local))
        }
    }

    /// The positions as two arrays indexed by graph node.
    func positions() -> ([Float], [Float]) {
        var x = [Float](repeating: 0, count: nodeCount)
        var y = [Float](repeating: 0, count: nodeCount)
        for k in 0..<nodeCount {
            x[originalID[k]] = buffers.position[k].x
            y[originalID[k]] = buffers.position[k].y
        }
        return (x, y)
    }

    /// One iteration: forces, speed, moves.
    mutating func step() {
        let n = nodeCount
        guard n > 1 else { return }
        buffers.rotateForces()
        if tree != nil {
            tree?.build(
                positions: UnsafeBufferPointer(start: buffers.position, count: n),
                mass: UnsafeBufferPointer(start: buffers.mass, count: n))
        }
        var swinging = [Double](repeating: 0, count: chunkCount)
        var traction = [Double](repeating: 0, count: chunkCount)
        computeForces(swinging: &swinging, traction: &traction)
        var totalSwinging = 0.0
        var totalTraction = 0.0
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
        let minimum = estimatedOptimum.squareRoot()
        let maximum = 10.0
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
        let position = buffers.position
        let force = buffers.force
        let oldForce = buffers.oldForce
        let mass = buffers.mass
        let speed = Float(self.speed)
        Parallel.forEachChunk(count: nodeCount, chunks: chunkCount, minimumParallelCount: 50_000) { _, range in
            for u in range {
                let f = force[u]
                let delta = oldForce[u] - f
                let swing = mass[u] * (delta * delta).sum().squareRoot()
                let factor = speed / (1 + (speed * swing).squareRoot())
                position[u] += f * factor
            }
        }
    }

    /// Repulsion, gravity and attraction for every node; per-chunk sums of swinging and traction.
    func computeForces(swinging: inout [Double], traction: inout [Double]) {
        let n = nodeCount
        let position = buffers.position
        let force = buffers.force
        let oldForce = buffers.oldForce
        let mass = buffers.mass
        let kr = repulsion
        let g = gravity
        let strong = strongGravity
        let useLinLog = linLog
        let hubs = dissuadeHubs
        let theta2 = thetaSquared
        let chunks = chunkCount
        swinging.withUnsafeMutableBufferPointer { swingOut in
            traction.withUnsafeMutableBufferPointer { tractionOut in
                offsets.withUnsafeBufferPointer { off in
                    targets.withUnsafeBufferPointer { tgt in
                        attraction.withUnsafeBufferPointer { att in
                            let swingSums = SharedBuffer(swingOut)
                            let tractionSums = SharedBuffer(tractionOut)
                            /// Adds gravity and attraction to the repulsion `f` of node `u`, stores the
                            /// force and returns the node's swinging and traction.
                            @inline(__always)
                            func finish(_ u: Int, _ repulsionForce: SIMD2<Float>) -> (Double, Double) {
                                var f = repulsionForce
                                let p = position[u]
                                let mu = mass[u]
                                let distance = (p * p).sum().squareRoot()
                                if distance > 0 {
                                    f -= p * (strong ? g * mu : g * mu / distance)
                                }
                                var pull = SIMD2<Float>.zero
                                if useLinLog {
                                    for e in off[u]..<off[u + 1] {
                                        let delta = p - position[Int(tgt[e])]
                                        let d = (delta * delta).sum().squareRoot()
                                        if d > 0 { pull -= delta * (att[e] * log1pf(d) / d) }
                                    }
                                } else {
                                    for e in off[u]..<off[u + 1] {
                                        pull -= (p - position[Int(tgt[e])]) * att[e]
                                    }
                                }
                                f += hubs ? pull / mu : pull
                                force[u] = f
                                let old = oldForce[u]
                                let s = old - f
                                let t = old + f
                                return (
                                    Double(mu * (s * s).sum().squareRoot()), Double(mu * (t * t).sum().squareRoot() / 2)
                                )
                            }
                            if let tree {
                                tree.cells.withUnsafeBufferPointer { cells in
                                    tree.order.withUnsafeBufferPointer { order in
                                        tree.points.withUnsafeBufferPointer { points in
                                            tree.masses.withUnsafeBufferPointer { masses in
                                                let cellCount = cells.count
                                                Parallel.forEachChunk(
                                                    count: n, chunks: chunks, minimumParallelCount: 2_000
                                                ) { chunk, range in
                                                    var chunkSwing = 0.0
                                                    var chunkTraction = 0.0
                                                    for k in range {
                                                        let p = points[k]
                                                        let mu = masses[k]
                                                        let rank = Int32(k)
                                                        var f = SIMD2<Float>.zero
                                                        var i = 0
                                                        while i < cellCount {
                                                            let cell = cells[i]
                                                            let next = Int(cell.next)
                                                            if next == i + 1 {
                                                                for j in Int(cell.start)..<Int(cell.end) where j != k {
                                                                    let delta = p - points[j]
                                                                    let d2 = (delta * delta).sum()
                                                                    if d2 > 0 {
                                                                        f += delta * (kr * mu * masses[j] / d2)
                                                                    }
                                                                }
                                                                i = next
                                                            } else {
                                                                let delta = p - cell.centre
                                                                let d2 = (delta * delta).sum()
                                                                if (rank < cell.start || rank >= cell.end)
                                                                    && cell.size * cell.size < theta2 * d2
                                                                {
                                                                    f += delta * (kr * mu * cell.mass / d2)
                                                                    i = next
                                                                } else {
                                                                    i += 1
                                                                }
                                                            }
                                                        }
                                                        let (s, t) = finish(Int(order[k]), f)
                                                        chunkSwing += s
                                                        chunkTraction += t
                                                    }
                                                    swingSums[chunk] = chunkSwing
                                                    tractionSums[chunk] = chunkTraction
                                                }
                                            }
                                        }
                                    }
                                }
                            } else {
                                Parallel.forEachChunk(count: n, chunks: chunks, minimumParallelCount: 2_000) {
                                    chunk, range in
                                    var chunkSwing = 0.0
                                    var chunkTraction = 0.0
                                    for u in range {
                                        let p = position[u]
                                        let mu = mass[u]
                                        var f = SIMD2<Float>.zero
                                        for v in 0..<n where v != u {
                                            let delta = p - position[v]
                                            let d2 = (delta * delta).sum()
                                            if d2 > 0 { f += delta * (kr * mu * mass[v] / d2) }
                                        }
                                        let (s, t) = finish(u, f)
                                        chunkSwing += s
                                        chunkTraction += t
                                    }
                                    swingSums[chunk] = chunkSwing
                                    tractionSums[chunk] = chunkTraction
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
