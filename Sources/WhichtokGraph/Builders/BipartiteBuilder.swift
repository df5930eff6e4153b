import WhichtokStore

extension GraphBuilder {
    /// The default kinds of the bipartite graphs: making and engaging with videos.
    package static let bipartiteDefaultKinds: Set<EventKind> = [
        .posted, .watched, .liked, .favorited, .shared, .commented, .replied, .duetted, .stitched,
    ]

    /// Bipartite account — hashtag (undirected): `w(a, h)` = the number of distinct videos carrying `h`
    /// that `a` posted or engaged with (by the filter's kinds), plus 1 if `a` favourited `h` (4CAT's
    /// author–tag network, counting engagement as well as authorship).
    package static func accountHashtag(_ store: Store, filter: EventFilter = EventFilter()) -> Graph {
        bipartite(store, filter: filter, kind: .accountHashtag, itemType: .hashtag, itemCount: store.hashtags.count) {
            video, emit in
            for h in store.videos.hashtags(of: video) { emit(h) }
        } direct: { type in
            type == .hashtag
        }
    }

    /// Bipartite account — sound: `w(a, s)` = distinct videos with sound `s` that `a` posted or engaged
    /// with, plus 1 if `a` favourited `s`.
    package static func accountSound(_ store: Store, filter: EventFilter = EventFilter()) -> Graph {
        bipartite(store, filter: filter, kind: .accountSound, itemType: .sound, itemCount: store.sounds.count) {
            video, emit in
            let sound = store.videos.sound[Int(video)]
            if sound != .none { emit(sound) }
        } direct: { type in
            type == .sound
        }
    }

    /// Bipartite account — author: `w(a, b)` = distinct videos by author `b` that `a` engaged with
    /// (own videos excluded). Authors are a second node type over the same account rows.
    package static func accountAuthor(_ store: Store, filter: EventFilter = EventFilter()) -> Graph {
        bipartite(store, filter: filter, kind: .accountAuthor, itemType: .author, itemCount: store.accounts.count) {
            video, emit in
            let author = store.videos.author[Int(video)]
            if author != .none { emit(author) }
        } direct: { _ in
            false
        }
    }

    /// (account, item) counts: distinct (account, video) pairs expanded to items, plus direct events
    /// whose object type `direct` accepts. Nodes: accounts (row order), then items (row order).
    static func bipartite(
        _ store: Store, filter: EventFilter, kind: GraphKind, itemType: NodeType, itemCount: Int,
        items: (RowID, (RowID) -> Void) -> Void, direct: (ObjectType) -> Bool
    ) -> Graph {
        let events = store.events
        let mask = filter.kindMask(defaults: bipartiteDefaultKinds)
        let accountCount = store.accounts.count
        var videoPairs: [UInt64] = []
        var itemPairs: [UInt64] = []
        for i in 0..<events.count {
            guard mask[Int(events.kind[i])], filter.accepts(time: events.time[i]), Int(events.actor[i]) < accountCount,
                let type = ObjectType(rawValue: events.objectType[i])
            else { continue }
            let actor = UInt64(events.actor[i])
            var video = RowID.none
            if type == .video {
                video = events.object[i]
            } else if type == .comment, Int(events.object[i]) < store.comments.count {
                video = store.comments.video[Int(events.object[i])]
            } else if direct(type), Int(events.object[i]) < itemCount {
                itemPairs.append(actor << 32 | UInt64(events.object[i]))
            }
            if video != .none, Int(video) < store.videos.count { videoPairs.append(actor << 32 | UInt64(video)) }
        }
        videoPairs.sort()
        var previous = UInt64.max
        for key in videoPairs where key != previous {
            previous = key
            let actor = key >> 32
            items(RowID(truncatingIfNeeded: key)) { item in
                guard Int(item) < itemCount, !(itemType == .author && UInt64(item) == actor) else { return }
                itemPairs.append(actor << 32 | UInt64(item))
            }
        }
        itemPairs.sort()
        var parameters = GraphParameters(kind: kind)
        filter.record(in: &parameters, defaults: bipartiteDefaultKinds)
        return assembleBipartite(
            parameters: parameters, accountCount: accountCount, itemType: itemType, itemCount: itemCount,
            sortedPairs: itemPairs)
    }

    static func assembleBipartite(
        parameters: GraphParameters, accountCount: Int, itemType: NodeType, itemCount: Int, sortedPairs: [UInt64]
    ) -> Graph {
        var accountNode = [UInt32](repeating: .max, count: accountCount)
        var itemNode = [UInt32](repeating: .max, count: itemCount)
        for key in sortedPairs {
            accountNode[Int(key >> 32)] = 0
            itemNode[Int(UInt32(truncatingIfNeeded: key))] = 0
        }
        var types: [NodeType] = []
        var rows: [RowID] = []
        for r in 0..<accountCount where accountNode[r] == 0 {
            accountNode[r] = UInt32(rows.count)
            rows.append(RowID(r))
            types.append(.account)
        }
        for r in 0..<itemCount where itemNode[r] == 0 {
            itemNode[r] = UInt32(rows.count)
            rows.append(RowID(r))
            types.append(itemType)
        }
        var sources: [UInt32] = []
        var targets: [UInt32] = []
        var weights: [Float] = []
        var i = 0
        while i < sortedPairs.count {
            let key = sortedPairs[i]
            var count = 0
            while i < sortedPairs.count && sortedPairs[i] == key {
                count += 1
                i += 1
            }
            sources.append(accountNode[Int(key >> 32)])
            targets.append(itemNode[Int(UInt32(truncatingIfNeeded: key))])
            weights.append(Float(count))
        }
        return GraphFromEdges.general(
            parameters: parameters, directed: false, nodeTypes: types, nodeRows: rows,
            sources: sources, targets: targets, weights: weights, attributes: EdgeAttributes())
    }

    /// The co-hashtag network (undirected, one-mode): `w(g, h)` = the number of videos carrying both
    /// tags, each pair counted once per video. Videos: all the store's videos when the filter is empty;
    /// otherwise the videos that are objects of accepted events (posted, engaged). O(Σ_v t_v²).
    package static func coHashtag(_ store: Store, filter: EventFilter = EventFilter()) -> Graph {
        let videos = store.videos
        var chosen = [Bool](repeating: filter.isEmpty, count: videos.count)
        if !filter.isEmpty {
            let events = store.events
            let mask = filter.kindMask(defaults: bipartiteDefaultKinds)
            for i in 0..<events.count
            where mask[Int(events.kind[i])] && filter.accepts(time: events.time[i])
                && events.objectType[i] == ObjectType.video.rawValue && Int(events.object[i]) < videos.count
            {
                chosen[Int(events.object[i])] = true
            }
        }
        var pairs: [UInt64] = []
        for v in 0..<videos.count where chosen[v] {
            let tags = Array(Set(videos.hashtags(of: RowID(v)))).sorted()
            guard tags.count >= 2 else { continue }
            for x in 0..<tags.count {
                for y in (x + 1)..<tags.count where Int(tags[y]) < store.hashtags.count {
                    pairs.append(UInt64(tags[x]) << 32 | UInt64(tags[y]))
                }
            }
        }
        pairs.sort()
        var sources: [RowID] = []
        var targets: [RowID] = []
        var weights: [Float] = []
        var i = 0
        while i < pairs.count {
            let key = pairs[i]
            var count = 0
            while i < pairs.count && pairs[i] == key {
                count += 1
                i += 1
            }
            sources.append(RowID(truncatingIfNeeded: key >> 32))
            targets.append(RowID(truncatingIfNeeded: key))
            weights.append(Float(count))
        }
        var parameters = GraphParameters(kind: .coHashtag)
        if !filter.isEmpty { filter.record(in: &parameters, defaults: bipartiteDefaultKinds) }
        return GraphFromEdges.accountGraph(
            parameters: parameters, directed: false, accountCount: store.hashtags.count, sources: sources,
            targets: targets, weights: weights, attributes: EdgeAttributes(), nodeType: .hashtag)
    }
}
