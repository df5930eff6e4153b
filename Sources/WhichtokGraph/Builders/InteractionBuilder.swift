import WhichtokStore

/// Builders that turn the store into graphs. Each reads only the store's public columns and returns a
/// `Graph` whose `parameters` record how it was made.
package enum GraphBuilder {}

extension GraphBuilder {
    /// The directed interaction graph: an edge `a → b` for every way account `a` addressed account `b`.
    ///
    /// Event → edge (the counter it increments):
    /// - `followed`, `mentioned`, `messaged` an account → that account;
    /// - `messaged` a group conversation → every other member (senders to the group plus the donors whose
    ///   archives hold it);
    /// - `commented` a comment with no parent → the author of the commented video (`commented`);
    ///   a comment with a parent → the parent comment's author (`replied`);
    /// - `liked`, `favorited`, `shared`, `watched`, `duetted`, `stitched`, `commented` a video → its
    ///   author, when known;
    /// - `posted` a video → every account the video mentions (`mentioned`).
    /// Self-loops are dropped. Each edge keeps a count per kind, the first and last time, and
    /// `weight = Σ_kind weights[kind] × count[kind]`; edges of weight 0 are dropped.
    ///
    /// The kind filter applies to the counter kind. Complexity: O(E log E) for the sort-and-reduce over
    /// the E addressed events.
    package static func interaction(
        _ store: Store, filter: EventFilter = EventFilter(), weights: KindWeights = .interactionDefaults
    ) -> Graph {
        let defaults = weights.kinds.union([.mentioned])
        let mask = filter.kindMask(defaults: defaults)
        let records = interactionRecords(store, filter: filter, mask: mask)
        var parameters = GraphParameters(kind: .interaction)
        filter.record(in: &parameters, defaults: defaults)
        parameters.settings = EventKind.allCases.filter { weights[$0] > 0 }.map {
            ("weight_\($0.name)", "\(weights[$0])")
        }

        // Reduce: one edge per (source, target) pair.
        let stride = EdgeAttributes.kindStride
        var pairSources: [RowID] = []
        var pairTargets: [RowID] = []
        var attributes = EdgeAttributes()
        var edgeWeights: [Float] = []
        var i = 0
        while i < records.count {
            let key = records[i].key
            var counts = [UInt32](repeating: 0, count: stride)
            var first = UInt32.max
            var last: UInt32 = 0
            while i < records.count && records[i].key == key {
                counts[Int(records[i].kind)] += 1
                let t = records[i].time
                if t != 0 {
                    first = min(first, t)
                    last = max(last, t)
                }
                i += 1
            }
            var weight: Float = 0
            for k in 0..<stride { weight += weights.values[k] * Float(counts[k]) }
            guard weight > 0 else { continue }
            pairSources.append(RowID(truncatingIfNeeded: key >> 32))
            pairTargets.append(RowID(truncatingIfNeeded: key))
            edgeWeights.append(weight)
            attributes.kindCounts.append(contentsOf: counts)
            attributes.interactionWeight.append(weight)
            attributes.firstTime.append(first == .max ? 0 : first)
            attributes.lastTime.append(last)
        }
        return GraphFromEdges.accountGraph(
            parameters: parameters, directed: true, accountCount: store.accounts.count,
            sources: pairSources, targets: pairTargets, weights: edgeWeights, attributes: attributes)
    }

    struct InteractionRecord: Comparable {
        var key: UInt64
        var time: UInt32
        var kind: UInt8
        static func < (a: InteractionRecord, b: InteractionRecord) -> Bool {
            (a.key, a.time, a.kind) < (b.key, b.time, b.kind)
        }
    }

    /// (source, target, kind, time) for every addressed event, sorted by (source, target).
    static func interactionRecords(_ store: Store, filter: EventFilter, mask: [Bool]) -> [InteractionRecord] {
        let events = store.events
        let videos = store.videos
        let comments = store.comments
        let accountCount = store.accounts.count
        let hasGroupMessages =
            mask[Int(EventKind.messaged.rawValue)]
            && events.objectType.contains(ObjectType.conversation.rawValue)
        let groups = hasGroupMessages ? store.conversationMembers() : ([0], [])
        var records: [InteractionRecord] = []
        records.reserveCapacity(events.count / 2)
        func add(_ source: RowID, _ target: RowID, _ kind: EventKind, _ time: UInt32) {
            guard source != target, target != .none, Int(target) < accountCount, Int(source) < accountCount,
                mask[Int(kind.rawValue)]
            else { return }
            records.append(
                InteractionRecord(key: UInt64(source) << 32 | UInt64(target), time: time, kind: kind.rawValue))
        }
        for i in 0..<events.count {
            let time = events.time[i]
            guard filter.accepts(time: time), let kind = EventKind(rawValue: events.kind[i]),
                let type = ObjectType(rawValue: events.objectType[i])
            else { continue }
            let actor = events.actor[i]
            let object = events.object[i]
            switch type {
            case .account:
                switch kind {
                case .posted, .searched, .watched: break
                default: add(actor, object, kind, time)
                }
            case .video:
                guard Int(object) < videos.count else { continue }
                if kind == .posted {
                    for mentioned in videos.mentions(of: object) { add(actor, mentioned, .mentioned, time) }
                } else if kind != .messaged && kind != .searched {
                    add(actor, videos.author[Int(object)], kind, time)
                }
            case .comment:
                guard Int(object) < comments.count else { continue }
                let parent = comments.parent[Int(object)]
                if parent != .none, Int(parent) < comments.count {
                    add(actor, comments.author[Int(parent)], .replied, time)
                } else {
                    let video = comments.video[Int(object)]
                    guard video != .none, Int(video) < videos.count else { continue }
                    add(actor, videos.author[Int(video)], kind == .replied ? .replied : .commented, time)
                }
            case .conversation:
                guard kind == .messaged, Int(object) + 1 < groups.0.count else { continue }
                for m in groups.0[Int(object)]..<groups.0[Int(object) + 1] { add(actor, groups.1[m], .messaged, time) }
            default:
                continue
            }
        }
        records.sort()
        return records
    }
}
