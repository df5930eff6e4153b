import WhichtokGraph
import WhichtokStore

/// What an export contains: a graph with its analysis as node and edge attributes, community colours,
/// PageRank sizes, optional ForceAtlas2 positions and event times. GEXF, GraphML and CSV are written
/// from the same document, so they carry the same names and values.
///
/// Node attributes: `label` (username, `#hashtag`, sound title, or edge-list name), `node_type`,
/// `community` (Leiden, 0 = largest), `pagerank`, `degree` (plus `in_degree`, `out_degree` for directed
/// graphs), `strength`, `participation`, `within_module_z`, `role`, `core`, `clustering`,
/// `betweenness` (when computed), and with a store `donor` and `events_<kind>` (the account's events of
/// each kind in the graph's time window; 0 for non-account nodes; only kinds that occur); with an
/// `Exposure`, donors' nodes carry `exposure_events`, `exposure_assigned`, `exposure_dominant`,
/// `exposure_own_share`, `exposure_entropy`, `exposure_effective_niches` and `exposure_shifts`
/// (other nodes have no value).
///
/// Edge attributes: `weight`, one counter per interaction kind that occurs (`followed`, `commented`, …),
/// `interaction_weight`, `co_engagement` (cosine similarity), `first_interaction` and
/// `last_interaction` (ISO 8601 UTC), each only when the graph's builder records it.
///
/// Node ids are `n0 … n(N−1)` (graph node order) and edge ids `e0 … e(M−1)`: an undirected edge is
/// written once, from its smaller endpoint, in CSR order.
package struct ExportDocument {
    package let graph: Graph
    package let labels: AttributeColumn
    package internal(set) var nodeColumns: [AttributeColumn]
    /// Indexed by CSR entry (`graph.targets` position).
    package internal(set) var edgeColumns: [AttributeColumn]
    /// Per node: its community's colour (see `CommunityPalette`).
    package let colors: [RGB]
    /// Per node: `4 + 36·√((p − p_min)/(p_max − p_min))` for PageRank `p` (10 when all are equal).
    package let sizes: [Float]
    /// ForceAtlas2 positions, when a layout was computed.
    package let positionX: [Float]?
    package let positionY: [Float]?
    /// First and last known event time per node and per CSR entry (UTC seconds, 0 = unknown).
    let nodeFirst: [UInt32]
    let nodeLast: [UInt32]
    let edgeFirst: [UInt32]
    let edgeLast: [UInt32]
    /// How the graph, the analysis and the layout were made (one paragraph).
    package let summary: String

    /// Whether any node or edge has a known event time (a dynamic export is possible).
    package var hasTimes: Bool { nodeFirst.contains { $0 != 0 } }

    /// Builds the document. `store` supplies labels, donors and event counts (nil for edge lists);
    /// `exposure` (of the same analysis) the donors' exposure measures.
    /// `activity` is `accountActivity(analysis.graph, store: store)` when the caller computed it
    /// already (on another thread, while the analysis ran).
    package init(
        analysis: Analysis, store: Store? = nil, layout: ForceAtlas2? = nil, exposure: Exposure? = nil,
        activity: AccountActivity? = nil
    ) {
        let graph = analysis.graph
        let n = graph.nodeCount
        self.graph = graph
        labels = AttributeColumn("label", .string, .text { graph.label(of: $0, in: store) })

        // Node attributes from the analysis.
        var nodes: [AttributeColumn] = []
        let types = NodeType.allCases
        nodes.append(
            AttributeColumn(
                "node_type", .string, .categories(graph.nodeTypes.map(\.rawValue), names: types.map(\.name))))
        nodes.append(AttributeColumn("community", .integer, .integers(analysis.leiden.membership.map { Int($0) })))
        nodes.append(AttributeColumn("pagerank", .double, .doubles(analysis.pageRank.rank)))
        nodes.append(AttributeColumn("degree", .integer, .integers(analysis.degrees.degree)))
        if graph.isDirected {
            nodes.append(AttributeColumn("in_degree", .integer, .integers(analysis.degrees.inDegree)))
            nodes.append(AttributeColumn("out_degree", .integer, .integers(analysis.degrees.outDegree)))
        }
        nodes.append(AttributeColumn("strength", .double, .doubles(analysis.degrees.strength)))
        nodes.append(AttributeColumn("participation", .double, .doubles(analysis.roles.participation)))
        nodes.append(AttributeColumn("within_module_z", .double, .doubles(analysis.roles.withinModuleZ)))
        let roles = NodeRoles.Role.allCases
        let roleIndex = Dictionary(uniqueKeysWithValues: roles.enumerated().map { ($1, UInt8($0)) })
        let roleCode = analysis.roles.role.map { roleIndex[$0] ?? 0 }
        nodes.append(AttributeColumn("role", .string, .categories(roleCode, names: roles.map(\.rawValue))))
        nodes.append(AttributeColumn("core", .integer, .integers(analysis.cores.core)))
        nodes.append(AttributeColumn("clustering", .double, .doubles(analysis.clustering.coefficient)))
        if let betweenness = analysis.betweenness {
            nodes.append(AttributeColumn("betweenness", .double, .doubles(betweenness.centrality)))
        }

        // Edge attributes the builder recorded.
        let entries = graph.entryCount
        let attributes = graph.edgeAttributes
        var edges: [AttributeColumn] = []
        let stride = EdgeAttributes.kindStride
        if attributes.kindCounts.count == entries * stride && entries > 0 {
            var totals = [UInt64](repeating: 0, count: stride)
            for (i, count) in attributes.kindCounts.enumerated() { totals[i % stride] += UInt64(count) }
            for kind in EventKind.allCases where totals[Int(kind.rawValue)] > 0 {
                edges.append(
                    AttributeColumn(
                        kind.name, .long, .counts(attributes.kindCounts, stride: stride, offset: Int(kind.rawValue))))
            }
        }
        if attributes.interactionWeight.count == entries && entries > 0 {
            edges.append(AttributeColumn("interaction_weight", .double, .floats(attributes.interactionWeight)))
        }
        if attributes.coEngagement.count == entries && entries > 0 {
            edges.append(AttributeColumn("co_engagement", .double, .floats(attributes.coEngagement)))
        }
        let edgeTimesKnown =
            attributes.firstTime.count == entries && attributes.lastTime.count == entries && entries > 0
        if edgeTimesKnown {
            edges.append(AttributeColumn("first_interaction", .string, .times(attributes.firstTime)))
            edges.append(AttributeColumn("last_interaction", .string, .times(attributes.lastTime)))
        }
        edgeFirst = edgeTimesKnown ? attributes.firstTime : []
        edgeLast = edgeTimesKnown ? attributes.lastTime : []

        // Node time spans: the hull of the incident edges' times, widened by the account's own events.
        var first = [UInt32](repeating: 0, count: n)
        var last = [UInt32](repeating: 0, count: n)
        func widen(_ u: Int, _ start: UInt32, _ end: UInt32) {
            guard start != 0 else { return }
            if first[u] == 0 || start < first[u] { first[u] = start }
            if end > last[u] { last[u] = end }
        }
        if edgeTimesKnown {
            for u in 0..<n {
                for e in graph.neighbours(of: u) {
                    widen(u, attributes.firstTime[e], attributes.lastTime[e])
                    widen(Int(graph.targets[e]), attributes.firstTime[e], attributes.lastTime[e])
                }
            }
        }

        // Store-backed node attributes: donor flag and event counts per kind.
        if let store {
            let accounts = store.accounts.count
            let kinds = EventKind.allCases.count
            let given = activity.flatMap { $0.slot.count == accounts ? $0 : nil }
            let activity = given ?? Self.accountActivity(graph, store: store)
            let slot = activity.slot
            let perAccount = activity.counts
            let accountFirst = activity.first
            let accountLast = activity.last
            var donor = [Bool](repeating: false, count: n)
            var counts = [UInt32](repeating: 0, count: n * kinds)
            var totals = [UInt64](repeating: 0, count: kinds)
            for u in 0..<n where graph.nodeTypes[u] == .account || graph.nodeTypes[u] == .author {
                let row = Int(graph.nodeRows[u])
                guard row < accounts, slot[row] >= 0 else { continue }
                let s = Int(slot[row])
                donor[u] = store.accounts.flags(RowID(row)).contains(.donor)
                for k in 0..<kinds {
                    counts[u * kinds + k] = perAccount[s * kinds + k]
                    totals[k] += UInt64(perAccount[s * kinds + k])
                }
                widen(u, accountFirst[s], accountLast[s])
            }
            nodes.append(AttributeColumn("donor", .boolean, .booleans(donor)))
            for kind in EventKind.allCases where totals[Int(kind.rawValue)] > 0 {
                nodes.append(
                    AttributeColumn(
                        "events_" + kind.name, .long, .counts(counts, stride: kinds, offset: Int(kind.rawValue))))
            }
        }
        if let store, let exposure, !exposure.donors.isEmpty {
            nodes += Self.exposureColumns(graph, store: store, exposure: exposure)
        }
        nodeFirst = first
        nodeLast = last
        nodeColumns = nodes
        edgeColumns = edges

        // Appearance.
        let membership = analysis.leiden.membership
        let palette = CommunityPalette.assign(graph, membership: membership, count: analysis.leiden.communityCount)
        colors = membership.map { Int($0) < palette.count ? palette[Int($0)] : CommunityPalette.tail }
        let rank = analysis.pageRank.rank
        let low = rank.min() ?? 0
        let high = rank.max() ?? 0
        sizes = rank.map { p in
            guard high > low else { return 10 }
            return Float(4 + 36 * ((p - low) / (high - low)).squareRoot())
        }
        if let layout, layout.x.count == n, layout.y.count == n {
            positionX = layout.x
            positionY = layout.y
        } else {
            positionX = nil
            positionY = nil
        }
        summary = ExportDocument.summarize(analysis, layout: positionX == nil ? nil : layout)
    }

    /// The events of the accounts that are nodes of a graph, in its time window: per account node
    /// row (`slot`), its events of each kind and the first and last known event time.
    package struct AccountActivity: Sendable {
        /// Per account row: its place in the lists below, or -1 when the account is not a node.
        var slot: [Int32]
        /// `EventKind.allCases.count` counters per place.
        var counts: [UInt32]
        var first: [UInt32]
        var last: [UInt32]
    }

    /// The activity of `graph`'s account and author nodes in `store` (which built the graph): one
    /// pass over the events, which needs neither the analysis nor the exposure.
    package static func accountActivity(_ graph: Graph, store: Store) -> AccountActivity {
        let n = graph.nodeCount
        let accounts = store.accounts.count
        var slot = [Int32](repeating: -1, count: accounts)
        var accountNodes: [Int] = []
        for u in 0..<n where graph.nodeTypes[u] == .account || graph.nodeTypes[u] == .author {
            let row = Int(graph.nodeRows[u])
            guard row < accounts else { continue }
            if slot[row] < 0 {
                slot[row] = Int32(accountNodes.count)
                accountNodes.append(row)
            }
        }
        let kinds = EventKind.allCases.count
        var perAccount = [UInt32](repeating: 0, count: accountNodes.count * kinds)
        var accountFirst = [UInt32](repeating: 0, count: accountNodes.count)
        var accountLast = [UInt32](repeating: 0, count: accountNodes.count)
        let since = graph.parameters.since
        let until = graph.parameters.until
        let events = store.events
        for i in 0..<events.count {
            let actor = Int(events.actor[i])
            guard actor < accounts, slot[actor] >= 0 else { continue }
            let time = events.time[i]
            if since != nil || until != nil {
                if time == 0 { continue }
                if let since, time < since { continue }
                if let until, time >= until { continue }
            }
            let kind = Int(events.kind[i])
            guard kind < kinds else { continue }
            let s = Int(slot[actor])
            perAccount[s * kinds + kind] += 1
            if time != 0 {
                if accountFirst[s] == 0 || time < accountFirst[s] { accountFirst[s] = time }
                if time > accountLast[s] { accountLast[s] = time }
            }
        }
        return AccountActivity(slot: slot, counts: perAccount, first: accountFirst, last: accountLast)
    }

    /// The donors' exposure measures, on their account nodes.
    static func exposureColumns(_ graph: Graph, store: Store, exposure: Exposure) -> [AttributeColumn] {
        var donorOf = [Int32](repeating: -1, count: store.accounts.count)
        for (index, donor) in exposure.donors.enumerated() where Int(donor.account) < donorOf.count {
            donorOf[Int(donor.account)] = Int32(index)
        }
        let n = graph.nodeCount
        var events = [Int?](repeating: nil, count: n)
        var assigned = [Int?](repeating: nil, count: n)
        var dominant = [Int?](repeating: nil, count: n)
        var ownShare = [Double?](repeating: nil, count: n)
        var entropy = [Double?](repeating: nil, count: n)
        var effective = [Double?](repeating: nil, count: n)
        var shifts = [Int?](repeating: nil, count: n)
        for u in 0..<n where graph.nodeTypes[u] == .account {
            let row = Int(graph.nodeRows[u])
            guard row < donorOf.count, donorOf[row] >= 0 else { continue }
            let donor = exposure.donors[Int(donorOf[row])]
            events[u] = donor.events
            assigned[u] = donor.assigned
            dominant[u] = donor.dominant.map { Int($0) }
            ownShare[u] = donor.ownShare
            entropy[u] = donor.entropy
            effective[u] = donor.effectiveNiches
            shifts[u] = donor.shifts.count
        }
        return [
            AttributeColumn("exposure_events", .long, .optionalIntegers(events)),
            AttributeColumn("exposure_assigned", .long, .optionalIntegers(assigned)),
            AttributeColumn("exposure_dominant", .integer, .optionalIntegers(dominant)),
            AttributeColumn("exposure_own_share", .double, .optionalDoubles(ownShare)),
            AttributeColumn("exposure_entropy", .double, .optionalDoubles(entropy)),
            AttributeColumn("exposure_effective_niches", .double, .optionalDoubles(effective)),
            AttributeColumn("exposure_shifts", .integer, .optionalIntegers(shifts)),
        ]
    }

    /// Calls `body(index, source, target, entry)` for every exported edge, in order.
    func forEachEdge(_ body: (Int, Int, Int, Int) -> Void) {
        var index = 0
        let directed = graph.isDirected
        for u in 0..<graph.nodeCount {
            for e in graph.neighbours(of: u) {
                let v = Int(graph.targets[e])
                guard directed || u < v else { continue }
                body(index, u, v, e)
                index += 1
            }
        }
    }

    /// One paragraph saying how the graph, the partition and the layout were made.
    static func summarize(_ analysis: Analysis, layout: ForceAtlas2?) -> String {
        let graph = analysis.graph
        let p = graph.parameters
        var parts: [String] = []
        parts.append(
            "whichtok \(graph.kind.rawValue) graph, \(graph.isDirected ? "directed" : "undirected"), \(graph.nodeCount) nodes, \(graph.edgeCount) edges."
        )
        var filters: [String] = []
        var date = ValueBuffer()
        if let since = p.since {
            date.append(utcDateTime: since)
            filters.append("since " + String(decoding: date.bytes, as: UTF8.self))
            date.reset()
        }
        if let until = p.until {
            date.append(utcDateTime: until)
            filters.append("until " + String(decoding: date.bytes, as: UTF8.self))
        }
        if let kinds = p.kinds { filters.append("kinds " + kinds.map(\.name).joined(separator: ",")) }
        if p.minWeight > 0 { filters.append("min weight \(p.minWeight)") }
        if p.minDegree > 0 { filters.append("min degree \(p.minDegree)") }
        if p.largestComponentOnly { filters.append("largest component") }
        if !filters.isEmpty { parts.append("Filters: " + filters.joined(separator: ", ") + ".") }
        if !p.settings.isEmpty {
            parts.append("Settings: " + p.settings.map { "\($0.0)=\($0.1)" }.joined(separator: ", ") + ".")
        }
        let l = analysis.leiden
        parts.append(
            "Communities: Leiden, \(l.parameters.objective.rawValue), resolution \(l.parameters.resolution), seed \(l.parameters.seed), \(l.parameters.iterations) iterations: \(l.communityCount) communities, modularity \(analysis.modularity)."
        )
        parts.append("PageRank: damping \(analysis.pageRank.parameters.damping).")
        if let layout {
            let f = layout.parameters
            var text = "Layout: ForceAtlas2, \(layout.iterationsDone) iterations, seed \(f.seed), gravity \(f.gravity)"
            if let scaling = f.scalingRatio { text += ", scaling \(scaling)" }
            if f.strongGravity { text += ", strong gravity" }
            if f.linLog { text += ", LinLog" }
            if f.dissuadeHubs { text += ", dissuade hubs" }
            parts.append(text + ".")
        }
        parts.append("Colours: communities; sizes: PageRank.")
        return parts.joined(separator: " ")
    }
}
