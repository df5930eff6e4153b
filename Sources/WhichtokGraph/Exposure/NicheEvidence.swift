internal import CPrefetch
import WhichtokStore

/// Which rule gave an exposure event its niche (see `NicheEvidence`).
package enum NicheRule: Int, CaseIterable, Sendable {
    /// The video's author is a node of the graph.
    case author
    /// Other accounts of the graph engaged with the video.
    case engagement
    /// The video's hashtags or sound point to a niche (web metadata).
    case metadata

    package var name: String {
        switch self {
        case .author: "author"
        case .engagement: "engagement"
        case .metadata: "metadata"
        }
    }
}

/// The three largest community weights of each item (a video, a hashtag, a sound): enough to say in
/// O(1) which community leads once one account's own votes are taken away, without keeping every
/// item's full distribution.
///
/// With the own votes `o` removed from the account's community, only the first two weights can
/// change, and the largest of the rest is the third weight; so the leader is the first or second
/// community, or there is none (nothing left, or a tie between the best two, or with the third).
struct LeadingVotes: Sendable {
    /// One item's leading community (`.max` when no vote) and its weight, then the runner-up, then
    /// the third weight. Ties in weight are ordered by community number. Kept together, so that a
    /// question about an item reads one place.
    struct Lead: Sendable, Equatable {
        var first: UInt32 = .max
        var second: UInt32 = .max
        var firstWeight: Int64 = 0
        var secondWeight: Int64 = 0
        var thirdWeight: Int64 = 0
    }

    var leads: [Lead]

    init(count: Int) { leads = [Lead](repeating: Lead(), count: count) }

    var count: Int { leads.count }

    /// The community that leads item `item` once `own` is taken from `community`'s weight; `.max`
    /// when no weight is left or the lead is tied.
    @inline(__always)
    func leader(_ item: Int, without own: Int64, of community: UInt32) -> UInt32 {
        let lead = leads[item]
        var a = lead.firstWeight
        var b = lead.secondWeight
        if own != 0 && community != .max {
            if community == lead.first {
                a -= own
            } else if community == lead.second {
                b -= own
            }
        }
        let rest = lead.thirdWeight
        if a > b { return a > rest ? lead.first : .max }
        if b > a { return b > rest ? lead.second : .max }
        return .max
    }

    /// Records one item's distribution: `touched` communities with weights `weight[c]`.
    mutating func record(_ item: Int, touched: [UInt32], weight: [Int64]) {
        var c1 = UInt32.max
        var w1: Int64 = 0
        var c2 = UInt32.max
        var w2: Int64 = 0
        var w3: Int64 = 0
        for c in touched {
            let w = weight[Int(c)]
            guard w > 0 else { continue }
            if w > w1 || (w == w1 && c < c1) {
                w3 = w2
                (c2, w2) = (c1, w1)
                (c1, w1) = (c, w)
            } else if w > w2 || (w == w2 && c < c2) {
                w3 = w2
                (c2, w2) = (c, w)
            } else if w > w3 {
                w3 = w
            }
        }
        leads[item] = Lead(first: c1, second: c2, firstWeight: w1, secondWeight: w2, thirdWeight: w3)
    }

    /// The leading weights of each key from `table`, the summed votes of key `k` for community `c`
    /// at `c · keyCount + k`; `visit` sees each voted key's distribution (its communities in
    /// ascending order) as `tally(keyCount:communityCount:keys:communities:weights:visit:)` does (in
    /// another order, which neither the leads nor the sums that callers build from it depend on).
    /// O(keys × communities).
    static func tally(
        keyCount: Int, communityCount: Int, table: [Int64],
        visit: (_ key: Int, _ touched: [UInt32], _ weight: [Int64]) -> Void = { _, _, _ in }
    ) -> LeadingVotes {
        var result = LeadingVotes(count: keyCount)
        guard keyCount > 0, communityCount > 0, table.count >= keyCount * communityCount else { return result }
        var weight = [Int64](repeating: 0, count: communityCount)
        var touched: [UInt32] = []
        for key in 0..<keyCount {
            for c in 0..<communityCount where table[c * keyCount + key] != 0 {
                touched.append(UInt32(c))
                weight[c] = table[c * keyCount + key]
            }
            guard !touched.isEmpty else { continue }
            result.record(key, touched: touched, weight: weight)
            visit(key, touched, weight)
            for c in touched { weight[Int(c)] = 0 }
            touched.removeAll(keepingCapacity: true)
        }
        return result
    }

    /// Sums `(key, community, weight)` votes per key (a counting sort by key, then a dense
    /// accumulator per key) and keeps each key's leading weights. `visit` sees each key's full
    /// distribution before it is cleared. O(votes + keys + communities).
    static func tally(
        keyCount: Int, communityCount: Int, keys: [UInt32], communities: [UInt32], weights: [Int64],
        visit: (_ key: Int, _ touched: [UInt32], _ weight: [Int64]) -> Void = { _, _, _ in }
    ) -> LeadingVotes {
        var result = LeadingVotes(count: keyCount)
        guard keyCount > 0, !keys.isEmpty else { return result }
        var offsets = [Int](repeating: 0, count: keyCount + 1)
        for key in keys { offsets[Int(key) + 1] += 1 }
        for k in 0..<keyCount { offsets[k + 1] += offsets[k] }
        var cursor = offsets
        var sortedCommunities = [UInt32](repeating: 0, count: keys.count)
        var sortedWeights = [Int64](repeating: 0, count: keys.count)
        for (position, key) in keys.enumerated() {
            let slot = cursor[Int(key)]
            cursor[Int(key)] = slot + 1
            sortedCommunities[slot] = communities[position]
            sortedWeights[slot] = weights[position]
        }
        var weight = [Int64](repeating: 0, count: communityCount)
        var touched: [UInt32] = []
        for key in 0..<keyCount where offsets[key] < offsets[key + 1] {
            for slot in offsets[key]..<offsets[key + 1] {
                let c = Int(sortedCommunities[slot])
                if weight[c] == 0 { touched.append(UInt32(c)) }
                weight[c] += sortedWeights[slot]
            }
            result.record(key, touched: touched, weight: weight)
            visit(key, touched, weight)
            for c in touched { weight[Int(c)] = 0 }
            touched.removeAll(keepingCapacity: true)
        }
        return result
    }
}

/// The evidence that puts a video into a niche (a community of the graph), and the leave-one-out
/// rule that keeps a donor's own engagement out of the niche of the videos measured for that donor.
///
/// Rules, in order (the first that gives a niche wins):
/// 1. **author**: the video's author is a node of the graph (an `.author` node in account–author
///    graphs, else an `.account` node): the author's community, if the author is linked to another
///    member of that community than the donor.
/// 2. **engagement**: the graph's accounts that engaged with the video vote for their communities,
///    each event with its kind's weight (the co-engagement weights); the donor's own votes are
///    removed, and the community with strictly the most weight wins.
/// 3. **metadata**: each of the video's hashtags and its sound gets a niche, from its node's
///    community when it is a node (with the same link rule as authors), else from the same vote over
///    every video carrying it (again without the donor's own votes); the niche most of them agree on
///    wins.
/// A tie is no evidence. Weights are summed exactly in thousandths (`Int64`), so removing a donor's
/// own votes leaves exactly what the others gave.
///
/// Building is O(E + V + n + m) for E events, V videos and a graph of n nodes and m edges; each
/// question afterwards is O(1) (rules 1 and 2) or O(tags) (rule 3).
struct NicheEvidence: Sendable {
    let membership: [UInt32]
    /// Per account row: its `.account` node, or -1.
    let accountNode: [Int32]
    /// Per account row: the node standing for it as an author, or -1.
    let authorNode: [Int32]
    let hashtagNode: [Int32]
    let soundNode: [Int32]
    /// Per node: its CSR entries (out and in) that link it to members of its own community.
    let support: [Int32]
    let videoVotes: LeadingVotes
    let hashtagVotes: LeadingVotes
    let soundVotes: LeadingVotes
    /// Per raw event kind: its vote in thousandths (0: the kind does not vote).
    let voteWeight: [Int64]
    let window: EventFilter
    let videoAuthor: [RowID]
    let videoSound: [RowID]
    let hashtagOffsets: [UInt32]
    let hashtags: [RowID]
    let commentVideo: [RowID]
    let graph: Graph

    /// The vote of a kind weight, in thousandths.
    static func fixedPoint(_ weight: Float) -> Int64 {
        guard weight.isFinite, weight > 0 else { return 0 }
        return Int64((Double(weight) * 1000).rounded())
    }

    init(graph: Graph, membership: [UInt32], communityCount: Int, store: Store, voteWeights: KindWeights) {
        self.graph = graph
        self.membership = membership
        window = EventFilter(since: graph.parameters.since, until: graph.parameters.until)
        videoAuthor = store.videos.author
        videoSound = store.videos.sound
        hashtagOffsets = store.videos.hashtagOffsets
        hashtags = store.videos.hashtags
        commentVideo = store.comments.video
        var weights = [Int64](repeating: 0, count: 256)
        for kind in EventKind.allCases { weights[Int(kind.rawValue)] = Self.fixedPoint(voteWeights[kind]) }
        voteWeight = weights

        let accountCount = store.accounts.count
        var accountNode = [Int32](repeating: -1, count: accountCount)
        var authorNode = [Int32](repeating: -1, count: accountCount)
        var hashtagNode = [Int32](repeating: -1, count: store.hashtags.count)
        var soundNode = [Int32](repeating: -1, count: store.sounds.count)
        for u in 0..<graph.nodeCount {
            let row = Int(graph.nodeRows[u])
            switch graph.nodeTypes[u] {
            case .account where row < accountCount:
                accountNode[row] = Int32(u)
                if authorNode[row] < 0 { authorNode[row] = Int32(u) }
            case .author where row < accountCount:
                authorNode[row] = Int32(u)
            case .hashtag where row < hashtagNode.count:
                hashtagNode[row] = Int32(u)
            case .sound where row < soundNode.count:
                soundNode[row] = Int32(u)
            default:
                break
            }
        }
        // An `.author` node wins over an `.account` node of the same row (account–author graphs).
        for u in 0..<graph.nodeCount where graph.nodeTypes[u] == .author {
            let row = Int(graph.nodeRows[u])
            if row < accountCount { authorNode[row] = Int32(u) }
        }
        self.accountNode = accountNode
        self.authorNode = authorNode
        self.hashtagNode = hashtagNode
        self.soundNode = soundNode

        var support = [Int32](repeating: 0, count: graph.nodeCount)
        for u in 0..<graph.nodeCount {
            let own = membership[u]
            var count: Int32 = 0
            for e in graph.neighbours(of: u) where membership[Int(graph.targets[e])] == own { count += 1 }
            if graph.isDirected {
                for e in graph.inOffsets[u]..<graph.inOffsets[u + 1] where membership[Int(graph.inSources[e])] == own {
                    count += 1
                }
            }
            support[u] = count
        }
        self.support = support

        // Votes of the graph's accounts, one per engagement event with a video.
        let events = store.events
        let videoCount = store.videos.count
        let window = self.window
        let commentVideo = self.commentVideo
        /// The video event `i` votes for, the voter's community and the vote; nil for no vote.
        @inline(__always) func vote(_ i: Int) -> (video: RowID, community: UInt32, amount: Int64)? {
            let actor = Int(events.actor[i])
            let amount = weights[Int(events.kind[i])]
            guard amount > 0, actor < accountCount, accountNode[actor] >= 0, window.accepts(time: events.time[i])
            else { return nil }
            let video = Self.video(
                objectType: events.objectType[i], object: events.object[i], commentVideo: commentVideo)
            guard video != .none, Int(video) < videoCount else { return nil }
            return (video, membership[Int(accountNode[actor])], amount)
        }
        // Hashtags and sounds collect the votes of the videos that carry them.
        var tagKeys: [UInt32] = []
        var tagCommunities: [UInt32] = []
        var tagAmounts: [Int64] = []
        var soundKeys: [UInt32] = []
        var soundCommunities: [UInt32] = []
        var soundAmounts: [Int64] = []
        let offsets = hashtagOffsets
        let tags = hashtags
        let sounds = videoSound
        let hashtagCount = store.hashtags.count
        let soundCount = store.sounds.count
        func collect(_ video: Int, _ touched: [UInt32], _ weight: [Int64]) {
            for position in Int(offsets[video])..<Int(offsets[video + 1]) where Int(tags[position]) < hashtagCount {
                for c in touched {
                    tagKeys.append(tags[position])
                    tagCommunities.append(c)
                    tagAmounts.append(weight[Int(c)])
                }
            }
            let sound = sounds[video]
            if sound != .none && Int(sound) < soundCount {
                for c in touched {
                    soundKeys.append(sound)
                    soundCommunities.append(c)
                    soundAmounts.append(weight[Int(c)])
                }
            }
        }
        // Few videos × communities (no more cells than twice the events): the votes are summed in
        // place, a community × video table, instead of listed and sorted by video. (By community:
        // an account's events are consecutive, and all of them add to its community's row.)
        let cells = videoCount.multipliedReportingOverflow(by: communityCount)
        if communityCount > 0 && !cells.overflow && cells.partialValue <= 2 * events.count {
            var table = [Int64](repeating: 0, count: cells.partialValue)
            table.withUnsafeMutableBufferPointer { table in
                for i in 0..<events.count {
                    guard let (video, community, amount) = vote(i), Int(community) < communityCount else { continue }
                    table[Int(community) * videoCount + Int(video)] += amount
                }
            }
            videoVotes = LeadingVotes.tally(
                keyCount: videoCount, communityCount: communityCount, table: table, visit: collect)
        } else {
            var keys = [UInt32](repeating: 0, count: events.count)
            var communities = [UInt32](repeating: 0, count: events.count)
            var amounts = [Int64](repeating: 0, count: events.count)
            var votes = 0
            keys.withUnsafeMutableBufferPointer { keys in
                communities.withUnsafeMutableBufferPointer { communities in
                    amounts.withUnsafeMutableBufferPointer { amounts in
                        for i in 0..<events.count {
                            guard let (video, community, amount) = vote(i) else { continue }
                            keys[votes] = video
                            communities[votes] = community
                            amounts[votes] = amount
                            votes += 1
                        }
                    }
                }
            }
            keys.removeLast(events.count - votes)
            communities.removeLast(events.count - votes)
            amounts.removeLast(events.count - votes)
            videoVotes = LeadingVotes.tally(
                keyCount: videoCount, communityCount: communityCount, keys: keys, communities: communities,
                weights: amounts, visit: collect)
        }
        hashtagVotes = LeadingVotes.tally(
            keyCount: hashtagCount, communityCount: communityCount, keys: tagKeys, communities: tagCommunities,
            weights: tagAmounts)
        soundVotes = LeadingVotes.tally(
            keyCount: soundCount, communityCount: communityCount, keys: soundKeys, communities: soundCommunities,
            weights: soundAmounts)
    }

    /// The video an event is about: its object when that is a video, the commented video for a
    /// comment, else `.none`.
    @inline(__always)
    static func video(objectType: UInt8, object: RowID, commentVideo: [RowID]) -> RowID {
        if objectType == ObjectType.video.rawValue { return object }
        if objectType == ObjectType.comment.rawValue, Int(object) < commentVideo.count {
            return commentVideo[Int(object)]
        }
        return .none
    }

    /// A hint that the video of event `i` will be asked about soon: its leading votes are fetched
    /// into the cache (no effect on any result).
    @inline(__always)
    func prefetch(event i: Int, store: Store) {
        let video = Int(
            Self.video(
                objectType: store.events.objectType[i], object: store.events.object[i], commentVideo: commentVideo))
        guard video < videoVotes.count else { return }
        videoVotes.leads.withUnsafeBufferPointer { leads in
            if let base = leads.baseAddress { whichtok_prefetch(base + video) }
        }
    }

    /// Per-donor working memory: the donor's own votes per video, hashtag and sound, and the donor
    /// node's links per node, each with the list of touched entries so that clearing costs what
    /// filling did.
    struct Scratch {
        var ownVideo: [Int64]
        var ownHashtag: [Int64]
        var ownSound: [Int64]
        var links: [UInt8]
        var touchedVideos: [UInt32] = []
        var touchedHashtags: [UInt32] = []
        var touchedSounds: [UInt32] = []
        var touchedNodes: [UInt32] = []
        var itemNiches: [UInt32] = []
        var donor: RowID = .none
        var donorNiche: UInt32 = .max
        /// Whether `ownHashtag` and `ownSound` hold the donor's votes (filled on the first question
        /// that reaches rule 3: most donors never need them).
        var metadataReady = false

        init(_ evidence: NicheEvidence) {
            ownVideo = [Int64](repeating: 0, count: evidence.videoVotes.count)
            ownHashtag = [Int64](repeating: 0, count: evidence.hashtagVotes.count)
            ownSound = [Int64](repeating: 0, count: evidence.soundVotes.count)
            links = [UInt8](repeating: 0, count: evidence.graph.nodeCount)
        }
    }

    /// Prepares `scratch` for the donor `donor` whose events are the positions `range` of `grouped`:
    /// records the donor's own votes per video (the ones to leave out) and the donor node's links.
    /// The own votes per hashtag and sound follow from those per video when rule 3 first needs them.
    func begin(
        donor: RowID, store: Store, events grouped: DonorEvents, range: Range<Int>, scratch: inout Scratch
    ) {
        scratch.donor = donor
        let node = Int(donor) < accountNode.count ? Int(accountNode[Int(donor)]) : -1
        scratch.donorNiche = node >= 0 ? membership[node] : .max
        guard node >= 0 else { return }
        for e in graph.neighbours(of: node) {
            let v = graph.targets[e]
            if scratch.links[Int(v)] == 0 { scratch.touchedNodes.append(v) }
            scratch.links[Int(v)] &+= 1
        }
        if graph.isDirected {
            for e in graph.inOffsets[node]..<graph.inOffsets[node + 1] {
                let v = graph.inSources[e]
                if scratch.links[Int(v)] == 0 { scratch.touchedNodes.append(v) }
                scratch.links[Int(v)] &+= 1
            }
        }
        let events = store.events
        for position in range {
            let i = grouped.event(position)
            let amount = voteWeight[Int(events.kind[i])]
            guard amount > 0, window.accepts(time: events.time[i]) else { continue }
            let video = Self.video(
                objectType: events.objectType[i], object: events.object[i], commentVideo: commentVideo)
            guard video != .none, Int(video) < videoVotes.count else { continue }
            if scratch.ownVideo[Int(video)] == 0 { scratch.touchedVideos.append(video) }
            scratch.ownVideo[Int(video)] += amount
        }
    }

    /// The donor's own votes per hashtag and sound: each voted video's own votes, once per tag
    /// position and for its sound (what summing them event by event gives, in exact integers).
    func fillMetadataVotes(_ scratch: inout Scratch) {
        scratch.metadataReady = true
        for video in scratch.touchedVideos {
            let amount = scratch.ownVideo[Int(video)]
            for position in Int(hashtagOffsets[Int(video)])..<Int(hashtagOffsets[Int(video) + 1]) {
                let tag = hashtags[position]
                guard Int(tag) < hashtagVotes.count else { continue }
                if scratch.ownHashtag[Int(tag)] == 0 { scratch.touchedHashtags.append(tag) }
                scratch.ownHashtag[Int(tag)] += amount
            }
            let sound = videoSound[Int(video)]
            if sound != .none && Int(sound) < soundVotes.count {
                if scratch.ownSound[Int(sound)] == 0 { scratch.touchedSounds.append(sound) }
                scratch.ownSound[Int(sound)] += amount
            }
        }
    }

    /// Clears what `begin` filled.
    func end(_ scratch: inout Scratch) {
        for v in scratch.touchedVideos { scratch.ownVideo[Int(v)] = 0 }
        for t in scratch.touchedHashtags { scratch.ownHashtag[Int(t)] = 0 }
        for s in scratch.touchedSounds { scratch.ownSound[Int(s)] = 0 }
        for u in scratch.touchedNodes { scratch.links[Int(u)] = 0 }
        scratch.touchedVideos.removeAll(keepingCapacity: true)
        scratch.touchedHashtags.removeAll(keepingCapacity: true)
        scratch.touchedSounds.removeAll(keepingCapacity: true)
        scratch.touchedNodes.removeAll(keepingCapacity: true)
        scratch.donor = .none
        scratch.donorNiche = .max
        scratch.metadataReady = false
    }

    /// The community of an account's node; nil when the account is not in the graph.
    func community(ofAccount row: RowID) -> UInt32? {
        guard Int(row) < accountNode.count else { return nil }
        let node = Int(accountNode[Int(row)])
        return node >= 0 ? membership[node] : nil
    }

    /// A node's community, if something other than the donor links it to that community.
    @inline(__always)
    func nodeNiche(_ node: Int, _ scratch: borrowing Scratch) -> UInt32 {
        let community = membership[node]
        var count = support[node]
        if community == scratch.donorNiche { count -= Int32(scratch.links[node]) }
        return count > 0 ? community : .max
    }

    /// The niche of `video` for the donor `begin` prepared, and the rule that gave it; `.max` and nil
    /// when there is no evidence.
    func niche(ofVideo video: RowID, _ scratch: inout Scratch) -> (UInt32, NicheRule?) {
        let v = Int(video)
        guard v < videoVotes.count else { return (.max, nil) }
        let author = videoAuthor[v]
        if author != .none && author != scratch.donor && Int(author) < authorNode.count {
            let node = Int(authorNode[Int(author)])
            if node >= 0 {
                let niche = nodeNiche(node, scratch)
                if niche != .max { return (niche, .author) }
            }
        }
        let voted = videoVotes.leader(v, without: scratch.ownVideo[v], of: scratch.donorNiche)
        if voted != .max { return (voted, .engagement) }

        if !scratch.metadataReady { fillMetadataVotes(&scratch) }
        scratch.itemNiches.removeAll(keepingCapacity: true)
        for position in Int(hashtagOffsets[v])..<Int(hashtagOffsets[v + 1]) {
            let tag = Int(hashtags[position])
            guard tag < hashtagVotes.count else { continue }
            let niche =
                hashtagNode[tag] >= 0
                ? nodeNiche(Int(hashtagNode[tag]), scratch)
                : hashtagVotes.leader(tag, without: scratch.ownHashtag[tag], of: scratch.donorNiche)
            if niche != .max { scratch.itemNiches.append(niche) }
        }
        let sound = videoSound[v]
        if sound != .none && Int(sound) < soundVotes.count {
            let s = Int(sound)
            let niche =
                soundNode[s] >= 0
                ? nodeNiche(Int(soundNode[s]), scratch)
                : soundVotes.leader(s, without: scratch.ownSound[s], of: scratch.donorNiche)
            if niche != .max { scratch.itemNiches.append(niche) }
        }
        let agreed = Self.plurality(&scratch.itemNiches)
        return agreed == .max ? (.max, nil) : (agreed, .metadata)
    }

    /// The value that occurs most often, `.max` for none or a tie. Sorts `values` (a handful).
    static func plurality(_ values: inout [UInt32]) -> UInt32 {
        guard values.count > 1 else { return values.first ?? .max }
        values.sort()
        var best = UInt32.max
        var bestCount = 0
        var tied = false
        var start = 0
        while start < values.count {
            var end = start + 1
            while end < values.count && values[end] == values[start] { end += 1 }
            let count = end - start
            if count > bestCount {
                best = values[start]
                bestCount = count
                tied = false
            } else if count == bestCount {
                tied = true
            }
            start = end
        }
        return tied ? .max : best
    }
}
