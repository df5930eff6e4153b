import WhichtokStore

/// Settings of the shared-space graph.
package struct SharedSpaceOptions: Sendable, Equatable {
    /// `a`: the share of the total weight that comes from direct interaction.
    package var interactionShare = 0.5
    /// `b`: the share that comes from co-engagement.
    package var coEngagementShare = 0.5
    package var interactionWeights = KindWeights.interactionDefaults
    package var coEngagement = CoEngagementOptions()
    package init() {}
}

extension GraphBuilder {
    /// The shared-space graph (undirected), whichtok's headline graph: how much two accounts share a
    /// space, by talking to each other and by engaging with the same things.
    ///
    /// `w_ab = a · I_ab / ΣI + b · C_ab / ΣC`, where `I_ab = I(a→b) + I(b→a)` is the interaction weight,
    /// `C_ab` the co-engagement cosine, and the sums run over all edges of each graph. Normalising by
    /// the totals makes `a` and `b` the shares of the graph's weight each layer contributes (with the
    /// defaults a = b = ½, half the weight is direct interaction, half shared taste), whatever the
    /// units of the layers; neither the many small similarities nor a few heavy DM threads can drown
    /// the other. Edges keep the interaction counters (both directions summed), the raw interaction
    /// weight, the cosine, and first/last interaction time.
    ///
    /// Complexity: the two builders plus O(m log m) for the merge.
    package static func sharedSpace(
        _ store: Store, filter: EventFilter = EventFilter(), options: SharedSpaceOptions = SharedSpaceOptions()
    ) -> Graph {
        var interactionFilter = filter
        var engagementFilter = filter
        if let kinds = filter.kinds {
            interactionFilter.kinds = kinds
            engagementFilter.kinds = kinds
        }
        let interaction = GraphBuilder.interaction(
            store, filter: interactionFilter, weights: options.interactionWeights)
        let co = GraphBuilder.coEngagement(store, filter: engagementFilter, options: options.coEngagement).graph

        struct Pair {
            var key: UInt64
            var interaction: Float
            var co: Float
            var edge: Int  // interaction edge index, or −1
        }
        var pairs: [Pair] = []
        pairs.reserveCapacity(interaction.entryCount + co.entryCount / 2)
        for u in 0..<interaction.nodeCount {
            for e in interaction.neighbours(of: u) {
                let a = interaction.nodeRows[u]
                let b = interaction.nodeRows[Int(interaction.targets[e])]
                pairs.append(
                    Pair(
                        key: UInt64(min(a, b)) << 32 | UInt64(max(a, b)), interaction: interaction.weights[e], co: 0,
                        edge: e))
            }
        }
        for u in 0..<co.nodeCount {
            for e in co.neighbours(of: u) where u < Int(co.targets[e]) {
                let a = co.nodeRows[u]
                let b = co.nodeRows[Int(co.targets[e])]
                pairs.append(Pair(key: UInt64(a) << 32 | UInt64(b), interaction: 0, co: co.weights[e], edge: -1))
            }
        }
        pairs.sort { $0.key != $1.key ? $0.key < $1.key : $0.edge < $1.edge }
        let interactionTotal = interaction.totalWeight
        let coTotal = co.totalWeight
        let a = interactionTotal > 0 ? options.interactionShare / interactionTotal : 0
        let b = coTotal > 0 ? options.coEngagementShare / coTotal : 0
        let stride = EdgeAttributes.kindStride
        var sources: [RowID] = []
        var targets: [RowID] = []
        var weights: [Float] = []
        var attributes = EdgeAttributes()
        var i = 0
        while i < pairs.count {
            let key = pairs[i].key
            var interactionSum = 0.0
            var cosine: Float = 0
            var counts = [UInt32](repeating: 0, count: stride)
            var first = UInt32.max
            var last: UInt32 = 0
            while i < pairs.count && pairs[i].key == key {
                interactionSum += Double(pairs[i].interaction)
                cosine = max(cosine, pairs[i].co)
                let e = pairs[i].edge
                if e >= 0 {
                    for k in 0..<stride { counts[k] += interaction.edgeAttributes.kindCounts[e * stride + k] }
                    let f = interaction.edgeAttributes.firstTime[e]
                    let l = interaction.edgeAttributes.lastTime[e]
                    if f != 0 { first = min(first, f) }
                    last = max(last, l)
                }
                i += 1
            }
            let weight = a * interactionSum + b * Double(cosine)
            guard weight > 0 else { continue }
            sources.append(RowID(truncatingIfNeeded: key >> 32))
            targets.append(RowID(truncatingIfNeeded: key))
            weights.append(Float(weight))
            attributes.kindCounts.append(contentsOf: counts)
            attributes.interactionWeight.append(Float(interactionSum))
            attributes.coEngagement.append(cosine)
            attributes.firstTime.append(first == .max ? 0 : first)
            attributes.lastTime.append(last)
        }
        var parameters = GraphParameters(kind: .sharedSpace)
        parameters.since = filter.since
        parameters.until = filter.until
        parameters.kinds = filter.kinds.map { $0.sorted() }
        parameters.settings =
            [
                ("interaction_share", "\(options.interactionShare)"),
                ("co_engagement_share", "\(options.coEngagementShare)"),
                ("interaction_total", "\(interactionTotal)"), ("co_engagement_total", "\(coTotal)"),
            ] + co.parameters.settings
        return GraphFromEdges.accountGraph(
            parameters: parameters, directed: false, accountCount: store.accounts.count,
            sources: sources, targets: targets, weights: weights, attributes: attributes)
    }
}
