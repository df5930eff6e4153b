import WhichtokStore

/// Settings of the co-engagement graph.
package struct CoEngagementOptions: Sendable, Equatable {
    /// How much each engagement kind says (see `KindWeights.engagementDefaults`).
    package var kindWeights = KindWeights.engagementDefaults
    /// Weights of the item families in an account's vector: the video itself, its author, its hashtags,
    /// its sound. Equal by default: sharing a video, an author, a tag or a sound each count.
    package var videoWeight: Float = 1
    package var authorWeight: Float = 1
    package var hashtagWeight: Float = 1
    package var soundWeight: Float = 1
    /// Items engaged by more accounts than this are left out of the product (their TF-IDF weight is
    /// low anyway; they would cost cap² work each). They still count in the vectors' norms.
    package var popularityCap = 1_000
    /// Neighbours kept per account (the k most similar); 0 keeps all. 10 keeps planted communities
    /// apart better than 25 on synthetic archives (Benchmarks/RESULTS.md, "Co-engagement
    /// neighbours") and keeps the graph sparse.
    package var topK = 10
    /// Accounts engaging with fewer distinct items than this get no vector. An account known only by
    /// one follow (a follower in a donor's list) would otherwise have cosine 1 with every other such
    /// follower of the same donor.
    package var minItems = 2
    /// Similarities below this are dropped.
    package var minSimilarity: Float = 0.01
    /// When set, the disparity-filter backbone at this α is kept (after top-k).
    package var backboneAlpha: Double?

    package init() {}
}

/// The co-engagement graph and what computing it cost.
package struct CoEngagementResult: Sendable {
    package var graph: Graph
    /// Accounts with a non-empty engagement vector.
    package var accounts: Int
    /// Distinct items in the vectors.
    package var items: Int
    /// Non-zeros of the account × item matrix.
    package var entries: Int
    /// Items skipped in the product because more than `popularityCap` accounts engaged with them.
    package var popularItemsSkipped: Int
    /// Multiply-adds done by the sparse product (Σ over kept items of df·(df − 1)).
    package var accumulations: Int
}

extension GraphBuilder {
    /// The co-engagement graph (undirected): accounts are close when they engage with the same videos,
    /// authors, hashtags and sounds, discounting what everyone engages with.
    ///
    /// 1. Each account `a` gets a vector over items `i` (videos, their authors, hashtags and sound;
    ///    favourited hashtags and sounds; followed accounts as authors): the raw score `r_ai` sums
    ///    `kindWeight × familyWeight` over the account's events. Accounts with fewer than `minItems`
    ///    distinct items get no vector.
    /// 2. TF-IDF: `x_ai = log(1 + r_ai) · log(N / df_i)`, `N` accounts with a vector, `df_i` accounts
    ///    engaging with `i`; each row is scaled to unit length.
    /// 3. Similarity `s_ab = Σ_i x_ai x_bi` (cosine), computed as a sparse product `X·Xᵀ` one row at a
    ///    time with a dense accumulator, over the items with `2 ≤ df_i ≤ popularityCap` only, so a
    ///    popular item's audience is never paired up.
    /// 4. Each account keeps its `topK` most similar accounts (ties by row) with `s ≥ minSimilarity`;
    ///    the graph is the union of these lists (weight `s_ab`), optionally reduced to its disparity
    ///    backbone at `backboneAlpha`.
    ///
    /// Each pair's cosine is computed once, by the smaller row, and offered to both rows' top-k lists.
    ///
    /// Complexity: O(E + nnz + Σ_{kept i} df_i²/2) time, in parallel over chunks of accounts balanced
    /// by that work; memory O(nnz) plus, per chunk, a dense accumulator of one double per account and
    /// k neighbours per account.
    package static func coEngagement(
        _ store: Store, filter: EventFilter = EventFilter(), options: CoEngagementOptions = CoEngagementOptions()
    ) -> CoEngagementResult {
        let matrix = EngagementMatrix(store, filter: filter, options: options)
        var parameters = GraphParameters(kind: .coEngagement)
        filter.record(in: &parameters, defaults: options.kindWeights.kinds)
        parameters.settings = [
            ("top_k", "\(options.topK)"), ("popularity_cap", "\(options.popularityCap)"),
            ("min_items", "\(options.minItems)"),
            ("min_similarity", "\(options.minSimilarity)"),
            (
                "family_weights",
                "video=\(options.videoWeight),author=\(options.authorWeight),hashtag=\(options.hashtagWeight),sound=\(options.soundWeight)"
            ),
        ]
        let product = matrix.similarities(
            topK: options.topK, minSimilarity: options.minSimilarity, cap: options.popularityCap)
        // Union of the top-k lists: pair (min, max) with the larger of the two computed values.
        var keys = [UInt64]()
        keys.reserveCapacity(product.sources.count)
        for e in 0..<product.sources.count {
            let a = product.sources[e]
            let b = product.targets[e]
            keys.append(UInt64(min(a, b)) << 32 | UInt64(max(a, b)))
        }
        let order = keys.indices.sorted {
            keys[$0] != keys[$1] ? keys[$0] < keys[$1] : product.weights[$0] > product.weights[$1]
        }
        var sources: [RowID] = []
        var targets: [RowID] = []
        var weights: [Float] = []
        var previous = UInt64.max
        for e in order where keys[e] != previous {
            previous = keys[e]
            sources.append(RowID(truncatingIfNeeded: keys[e] >> 32))
            targets.append(RowID(truncatingIfNeeded: keys[e]))
            weights.append(product.weights[e])
        }
        var attributes = EdgeAttributes()
        attributes.coEngagement = weights
        var graph = GraphFromEdges.accountGraph(
            parameters: parameters, directed: false, accountCount: store.accounts.count,
            sources: sources, targets: targets, weights: weights, attributes: attributes)
        if let alpha = options.backboneAlpha {
            let significance = DisparityFilter.significance(graph)
            graph = graph.induced(keep: [Bool](repeating: true, count: graph.nodeCount)) { significance[$0] < alpha }
            graph = GraphFilter().apply(to: graph)
            graph.parameters.settings.append(("backbone_alpha", "\(alpha)"))
        }
        return CoEngagementResult(
            graph: graph, accounts: matrix.rowsWithEntries, items: matrix.distinctItems, entries: matrix.values.count,
            popularItemsSkipped: product.skipped, accumulations: product.accumulations)
    }
}
