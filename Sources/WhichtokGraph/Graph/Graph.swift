import WhichtokStore

/// The graphs whichtok builds. Raw values are the names used by the CLI and reports.
package enum GraphKind: String, CaseIterable, Sendable, Hashable {
    /// Directed account → account: follows, comments, replies, mentions, messages, duets, stitches
    /// and engagement with a known author's videos.
    case interaction
    /// Undirected account — account: cosine similarity of TF-IDF engagement vectors.
    case coEngagement = "co-engagement"
    /// Undirected account — account: a·interaction + b·co-engagement, each normalised first.
    case sharedSpace = "shared-space"
    /// Bipartite account — hashtag.
    case accountHashtag = "account-hashtag"
    /// Bipartite account — sound.
    case accountSound = "account-sound"
    /// Bipartite account — author (the author side is a second node type).
    case accountAuthor = "account-author"
    /// One-mode hashtag — hashtag: videos carrying both tags.
    case coHashtag = "co-hashtag"
    /// A graph read from an edge-list file.
    case edgeList = "edgelist"
}

/// What a node stands for. Raw values are stable (the exporter writes them).
package enum NodeType: UInt8, CaseIterable, Sendable, Hashable {
    /// A row of `store.accounts`.
    case account = 0
    /// A row of `store.hashtags`.
    case hashtag
    /// A row of `store.sounds`.
    case sound
    /// A row of `store.accounts`, in its role as the author of engaged videos (account-author graphs).
    case author
    /// A node of an edge-list file; its label is in `Graph.externalLabels`.
    case external

    package var name: String {
        switch self {
        case .account: "account"
        case .hashtag: "hashtag"
        case .sound: "sound"
        case .author: "author"
        case .external: "external"
        }
    }
}

/// Per-edge attributes, parallel to `Graph.targets` (entry `e` describes the edge stored at
/// `targets[e]`). Arrays a builder does not fill are empty. Undirected graphs store every edge in both
/// directions; both copies carry the same attributes.
package struct EdgeAttributes: Sendable, Equatable {
    /// Interaction counts per event kind, `EventKind.allCases.count` entries per edge:
    /// `kindCounts[e * EdgeAttributes.kindStride + Int(kind.rawValue)]`. Interaction and shared-space graphs.
    package var kindCounts: [UInt32] = []
    /// The interaction part of the weight (Σ kind weight × count; both directions summed in
    /// undirected graphs). Interaction and shared-space graphs.
    package var interactionWeight: [Float] = []
    /// The co-engagement similarity (cosine, 0…1). Co-engagement and shared-space graphs.
    package var coEngagement: [Float] = []
    /// First and last interaction time (UTC seconds), 0 when unknown.
    package var firstTime: [UInt32] = []
    package var lastTime: [UInt32] = []

    /// Entries of `kindCounts` per edge.
    package static let kindStride = EventKind.allCases.count

    package init() {}

    /// The count of one interaction kind on edge `e`, 0 when the graph keeps no counts.
    package func count(_ kind: EventKind, edge e: Int) -> UInt32 {
        let index = e * Self.kindStride + Int(kind.rawValue)
        return index < kindCounts.count ? kindCounts[index] : 0
    }

    var isEmpty: Bool {
        kindCounts.isEmpty && interactionWeight.isEmpty && coEngagement.isEmpty && firstTime.isEmpty
    }

    /// The attributes of the edges `order[0]`, `order[1]`, … in that order.
    func permuted(_ order: [Int]) -> EdgeAttributes {
        var result = EdgeAttributes()
        if !kindCounts.isEmpty {
            let stride = Self.kindStride
            result.kindCounts = [UInt32](repeating: 0, count: order.count * stride)
            for (new, old) in order.enumerated() {
                for k in 0..<stride { result.kindCounts[new * stride + k] = kindCounts[old * stride + k] }
            }
        }
        if !interactionWeight.isEmpty { result.interactionWeight = order.map { interactionWeight[$0] } }
        if !coEngagement.isEmpty { result.coEngagement = order.map { coEngagement[$0] } }
        if !firstTime.isEmpty { result.firstTime = order.map { firstTime[$0] } }
        if !lastTime.isEmpty { result.lastTime = order.map { lastTime[$0] } }
        return result
    }
}

/// How a graph was made: its kind and the filters applied. Reports print it so every number can be
/// reproduced.
package struct GraphParameters: Sendable, Equatable {
    package var kind: GraphKind
    /// Events before this time (UTC seconds) were left out; nil when unbounded.
    package var since: UInt32?
    /// Events at or after this time were left out; nil when unbounded.
    package var until: UInt32?
    /// The event kinds used; nil means the builder's default set.
    package var kinds: [EventKind]?
    package var minWeight: Float = 0
    package var minDegree: Int = 0
    package var largestComponentOnly = false
    /// Builder-specific settings as (name, value) pairs in a fixed order, e.g. `("top_k", "25")`.
    package var settings: [(String, String)] = []

    package init(kind: GraphKind) { self.kind = kind }

    package static func == (a: GraphParameters, b: GraphParameters) -> Bool {
        a.kind == b.kind && a.since == b.since && a.until == b.until && a.kinds == b.kinds
            && a.minWeight == b.minWeight && a.minDegree == b.minDegree
            && a.largestComponentOnly == b.largestComponentOnly
            && a.settings.map(\.0) == b.settings.map(\.0) && a.settings.map(\.1) == b.settings.map(\.1)
    }
}

/// A weighted graph in compressed sparse row (CSR) form.
///
/// The out-neighbours of node `u` are `targets[offsets[u] ..< offsets[u + 1]]`, sorted by id, with
/// weights at the same positions in `weights`. Undirected graphs store each edge `{u, v}` twice (`u → v`
/// and `v → u`); directed graphs also keep the reverse (in-edge) CSR in `inOffsets`/`inSources`/
/// `inWeights`. There are no self-loops and no parallel edges.
///
/// Nodes are dense ids `0 ..< nodeCount`; `nodeTypes[u]` and `nodeRows[u]` say what each stands for
/// (a store row), and `label(of:in:)` resolves the display name lazily, so no `String` is touched by the
/// algorithms. Memory: 8(n+1) + 8m bytes for the CSR (12m more for the in-CSR of a directed graph),
/// plus the optional per-edge attributes.
package struct Graph: Sendable {
    package internal(set) var parameters: GraphParameters
    package let isDirected: Bool
    package internal(set) var offsets: [Int]
    package internal(set) var targets: [UInt32]
    package internal(set) var weights: [Float]
    /// Reverse CSR of a directed graph (empty for undirected graphs): the sources of edges into `v` are
    /// `inSources[inOffsets[v] ..< inOffsets[v + 1]]`.
    package internal(set) var inOffsets: [Int]
    package internal(set) var inSources: [UInt32]
    package internal(set) var inWeights: [Float]
    package internal(set) var nodeTypes: [NodeType]
    package internal(set) var nodeRows: [RowID]
    /// Labels of `.external` nodes (edge-list graphs), indexed by node; empty otherwise.
    package internal(set) var externalLabels: [String]
    package internal(set) var edgeAttributes: EdgeAttributes

    package var kind: GraphKind { parameters.kind }
    package var nodeCount: Int { offsets.count - 1 }
    /// Stored CSR entries: directed edges, or twice the undirected edges.
    package var entryCount: Int { targets.count }
    /// Edges: directed edges, or undirected pairs.
    package var edgeCount: Int { isDirected ? targets.count : targets.count / 2 }

    /// Σ of edge weights, each edge counted once (`m` in the modularity formula).
    package var totalWeight: Double {
        let sum = weights.withUnsafeBufferPointer { buffer in
            var total = 0.0
            for w in buffer { total += Double(w) }
            return total
        }
        return isDirected ? sum : sum / 2
    }

    /// The out-neighbour range of `u` in `targets`/`weights`.
    @inline(__always)
    package func neighbours(of u: Int) -> Range<Int> { offsets[u]..<offsets[u + 1] }

    /// Creates a graph from CSR arrays that already satisfy the invariants (rows sorted, no duplicates,
    /// no self-loops, both directions for undirected graphs). Builds the in-CSR of a directed graph.
    init(
        parameters: GraphParameters, isDirected: Bool, offsets: [Int], targets: [UInt32], weights: [Float],
        nodeTypes: [NodeType], nodeRows: [RowID], externalLabels: [String] = [],
        edgeAttributes: EdgeAttributes = EdgeAttributes()
    ) {
        self.parameters = parameters
        self.isDirected = isDirected
        self.offsets = offsets
        self.targets = targets
        self.weights = weights
        self.nodeTypes = nodeTypes
        self.nodeRows = nodeRows
        self.externalLabels = externalLabels
        self.edgeAttributes = edgeAttributes
        if isDirected {
            let reverse = CSR.transpose(offsets: offsets, targets: targets, weights: weights)
            inOffsets = reverse.offsets
            inSources = reverse.targets
            inWeights = reverse.weights
        } else {
            inOffsets = []
            inSources = []
            inWeights = []
        }
    }

    /// Creates a graph from an edge list. Parallel edges are merged by summing their weights in Double
    /// (for an undirected graph `u v` and `v u` are the same edge); self-loops and edges of weight ≤ 0
    /// or not finite are dropped.
    /// Nodes are `.external`, labelled by `labels` when given (else by their id). If the three arrays
    /// differ in length, the extra entries of the longer ones are ignored.
    ///
    /// Complexity: O(n + m) (two counting-sort passes).
    package init(
        nodeCount: Int, sources: [UInt32], targets: [UInt32], weights: [Float], directed: Bool,
        labels: [String] = [], kind: GraphKind = .edgeList
    ) {
        let edgeCount = min(sources.count, targets.count, weights.count)
        var src: [UInt32] = []
        var dst: [UInt32] = []
        var wts: [Float] = []
        let doubled = directed ? edgeCount : 2 * edgeCount
        src.reserveCapacity(doubled)
        dst.reserveCapacity(doubled)
        wts.reserveCapacity(doubled)
        for e in 0..<edgeCount {
            let u = sources[e]
            let v = targets[e]
            let w = weights[e]
            guard u != v, w > 0, w.isFinite, Int(u) < nodeCount, Int(v) < nodeCount else { continue }
            src.append(u)
            dst.append(v)
            wts.append(w)
            if !directed {
                src.append(v)
                dst.append(u)
                wts.append(w)
            }
        }
        let order = CSR.sortedOrder(nodeCount: nodeCount, sources: src, targets: dst)
        var offsets = [Int](repeating: 0, count: nodeCount + 1)
        var outTargets: [UInt32] = []
        var outWeights: [Float] = []
        outTargets.reserveCapacity(order.count)
        outWeights.reserveCapacity(order.count)
        var previous: (UInt32, UInt32) = (.max, .max)
        // Parallel edges are summed in Double and rounded once, so many small weights are not lost
        // against a large running sum (a Float sum of ones stops growing at 2^24); a sum beyond Float's
        // range is held at its largest value rather than becoming infinite.
        let largest = Double(Float.greatestFiniteMagnitude)
        var sum = 0.0
        for e in order {
            let u = src[e]
            let v = dst[e]
            if (u, v) == previous {
                sum += Double(wts[e])
            } else {
                if !outWeights.isEmpty { outWeights[outWeights.count - 1] = Float(min(sum, largest)) }
                outTargets.append(v)
                outWeights.append(wts[e])
                sum = Double(wts[e])
                offsets[Int(u) + 1] += 1
                previous = (u, v)
            }
        }
        if !outWeights.isEmpty { outWeights[outWeights.count - 1] = Float(min(sum, largest)) }
        for u in 0..<nodeCount { offsets[u + 1] += offsets[u] }
        self.init(
            parameters: GraphParameters(kind: kind), isDirected: directed, offsets: offsets,
            targets: outTargets, weights: outWeights,
            nodeTypes: [NodeType](repeating: .external, count: nodeCount),
            nodeRows: (0..<nodeCount).map { RowID($0) }, externalLabels: labels)
    }

    /// A convenience for small graphs (tests, examples): `edges` as (u, v, weight) triples.
    package init(nodeCount: Int, edges: [(Int, Int, Float)], directed: Bool = false) {
        self.init(
            nodeCount: nodeCount, sources: edges.map { UInt32($0.0) }, targets: edges.map { UInt32($0.1) },
            weights: edges.map { $0.2 }, directed: directed)
    }

    /// The display label of node `u`: an account's username (see `Store.label(ofAccount:)`), `#name` for
    /// a hashtag, a sound's title, or the edge-list label. Resolved on demand; never used by algorithms.
    package func label(of u: Int, in store: Store? = nil) -> String {
        let row = nodeRows[u]
        switch nodeTypes[u] {
        case .external:
            return u < externalLabels.count ? externalLabels[u] : String(u)
        case .account, .author:
            guard let store else { return "account-\(row)" }
            return store.label(ofAccount: row)
        case .hashtag:
            guard let store, Int(row) < store.hashtags.count, let name = store.strings[store.hashtags.name[Int(row)]]
            else { return "hashtag-\(row)" }
            return "#" + name
        case .sound:
            guard let store, Int(row) < store.sounds.count, let title = store.strings[store.sounds.title[Int(row)]]
            else {
                if let store, Int(row) < store.sounds.count, store.sounds.tiktokID[Int(row)] != 0 {
                    return "sound-\(store.sounds.tiktokID[Int(row)])"
                }
                return "sound-\(row)"
            }
            return title
        }
    }

    /// Replaces the labels of an edge list's nodes (one per node, as `externalLabels`), e.g. by
    /// pseudonyms; the structure is unchanged.
    package mutating func replaceExternalLabels(_ labels: [String]) {
        guard labels.count == externalLabels.count else { return }
        externalLabels = labels
    }

    /// The weight of edge `u → v`, 0 when absent. O(log deg(u)) (rows are sorted).
    package func weight(from u: Int, to v: Int) -> Float {
        guard let e = edgeIndex(from: u, to: v) else { return 0 }
        return weights[e]
    }

    /// The position of edge `u → v` in `targets`, or nil. O(log deg(u)).
    package func edgeIndex(from u: Int, to v: Int) -> Int? {
        var low = offsets[u]
        var high = offsets[u + 1]
        let key = UInt32(v)
        while low < high {
            let mid = (low + high) / 2
            if targets[mid] < key { low = mid + 1 } else { high = mid }
        }
        return low < offsets[u + 1] && targets[low] == key ? low : nil
    }
}
