import Dispatch
import WhichtokStore
import WhichtokSupport

/// Settings of a full analysis.
package struct AnalysisOptions: Sendable, Equatable {
    package var leiden = Leiden.Parameters()
    package var pageRank = PageRank.Parameters()
    /// Betweenness is costly on large graphs: nil skips it.
    package var betweenness: Betweenness.Parameters?
    /// Items listed per community (top hashtags, sounds, authors).
    package var topItems = 5
    /// Most central members listed per community (by PageRank).
    package var centralMembers = 5
    /// Communities covered by the mixing matrix (the largest).
    package var mixingLimit = 100
    /// Events used for "what the community engages with" (the graph's time window and kinds).
    package var engagementFilter = EventFilter()
    package init() {}
}

/// An item a community engages with, and how often.
package struct RankedItem: Sendable, Equatable {
    package var node: NodeType
    package var row: RowID
    /// Distinct (member, video) engagements, or the strength of an item node that is itself a member.
    package var count: Double
}

/// What a community is about and who sits at its centre.
package struct CommunityProfile: Sendable, Equatable {
    package var topHashtags: [RankedItem] = []
    package var topSounds: [RankedItem] = []
    package var topAuthors: [RankedItem] = []
    /// Members with the highest PageRank, best first (ties by node id).
    package var centralMembers: [Int] = []
}

/// Every measure of one graph: components, degrees, PageRank, the Leiden partition with its modularity,
/// per-community statistics and profiles, mixing, roles, cores, clustering and (optionally) betweenness.
package struct Analysis: Sendable {
    package var graph: Graph
    package var options: AnalysisOptions
    package var components: Components
    package var degrees: Degrees
    package var pageRank: PageRank
    package var leiden: Leiden
    /// Modularity of the partition at γ = 1 (whatever the objective optimised).
    package var modularity: Double
    package var communities: CommunityStatistics
    package var profiles: [CommunityProfile]
    package var roles: NodeRoles
    package var cores: CoreDecomposition
    package var clustering: LocalClustering
    package var betweenness: Betweenness?
    /// Seconds per phase, in order (not part of any deterministic output).
    package var timings: [(String, Double)]

    /// Runs the analysis. `store` (when the graph came from one) provides community profiles.
    package init(_ graph: Graph, store: Store? = nil, options: AnalysisOptions = AnalysisOptions()) {
        self.init(graph, store: store, options: options, alongside: { _, _ in })
    }

    /// Runs the analysis and, as soon as the partition is known, `alongside(graph, leiden)` (work
    /// that needs the communities but not the rest, such as `Exposure`), while the community
    /// profiles are computed on a thread of their own: the two overlap on a machine with two or
    /// more cores. The analysis is the one `init(_:store:options:)` gives.
    ///
    /// - Returns: the analysis and what `alongside` returned.
    package static func run<Extra>(
        _ graph: Graph, store: Store? = nil, options: AnalysisOptions = AnalysisOptions(),
        alongside: (Graph, Leiden) -> Extra
    ) -> (Analysis, Extra) {
        var extra: Extra?
        let analysis = Analysis(
            graph, store: store, options: options, alongside: { extra = alongside($0, $1) })
        guard let extra else { preconditionFailure("Analysis.run: the side work did not run") }
        return (analysis, extra)
    }

    private init(_ graph: Graph, store: Store?, options: AnalysisOptions, alongside: (Graph, Leiden) -> Void) {
        var clock = PhaseClock()
        self.graph = graph
        self.options = options
        components = clock.time("components") { Components(graph) }
        degrees = clock.time("degrees") { Degrees(graph) }
        pageRank = clock.time("pagerank") { PageRank(graph, parameters: options.pageRank) }
        let leiden = clock.time("leiden") { Leiden(graph, parameters: options.leiden) }
        self.leiden = leiden
        // The profiles run on their own thread while the measures below and `alongside` run here.
        let rank = pageRank.rank
        let profileJob = BackgroundJob { () -> ([CommunityProfile], Double) in
            let start = DispatchTime.now().uptimeNanoseconds
            let profiles = Analysis.profiles(
                graph, membership: leiden.membership, count: leiden.communityCount, pageRank: rank, store: store,
                options: options)
            return (profiles, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        modularity = clock.time("modularity") { Modularity.of(graph, membership: leiden.membership) }
        communities = clock.time("communities") {
            CommunityStatistics(graph, membership: leiden.membership, mixingLimit: options.mixingLimit)
        }
        roles = clock.time("roles") { NodeRoles(graph, membership: leiden.membership) }
        cores = clock.time("cores") { CoreDecomposition(graph) }
        clustering = clock.time("clustering") { LocalClustering(graph) }
        betweenness = options.betweenness.map { parameters in
            clock.time("betweenness") { Betweenness(graph, parameters: parameters) }
        }
        alongside(graph, leiden)
        let (profiles, seconds) = profileJob.join()
        self.profiles = profiles
        self.timings = clock.phases + [("profiles", seconds)]
    }

    /// Community profiles: central members by PageRank; top hashtags, sounds and authors of the
    /// members' engagement (distinct member–video pairs of the filter's kinds); item nodes that are
    /// members themselves count with their strength. O(E + V + P log P) for P (community, item) pairs.
    static func profiles(
        _ graph: Graph, membership: [UInt32], count: Int, pageRank: [Double], store: Store?, options: AnalysisOptions
    ) -> [CommunityProfile] {
        var profiles = [CommunityProfile](repeating: CommunityProfile(), count: count)
        // Central members.
        let byRank = (0..<graph.nodeCount).sorted {
            pageRank[$0] != pageRank[$1] ? pageRank[$0] > pageRank[$1] : $0 < $1
        }
        for u in byRank where profiles[Int(membership[u])].centralMembers.count < options.centralMembers {
            profiles[Int(membership[u])].centralMembers.append(u)
        }
        guard options.topItems > 0 else { return profiles }
        // Item nodes that are members count with their strength.
        let strength = Degrees.outStrengths(graph)
        var memberItems: [[RankedItem]] = [[RankedItem]](repeating: [], count: count)
        for u in 0..<graph.nodeCount {
            switch graph.nodeTypes[u] {
            case .hashtag, .sound, .author:
                memberItems[Int(membership[u])].append(
                    RankedItem(node: graph.nodeTypes[u], row: graph.nodeRows[u], count: strength[u]))
            default: break
            }
        }
        // The members' engaged videos, grouped by member (a counting sort of the events), and the
        // members of each community.
        var videoOffsets: [Int] = []
        var memberVideos: [RowID] = []
        var membersByCommunity = [[Int]](repeating: [], count: count)
        if let store {
            var communityOfAccount = [UInt32](repeating: .max, count: store.accounts.count)
            for u in 0..<graph.nodeCount
            where graph.nodeTypes[u] == .account && Int(graph.nodeRows[u]) < store.accounts.count {
                communityOfAccount[Int(graph.nodeRows[u])] = membership[u]
            }
            for (row, community) in communityOfAccount.enumerated() where community != .max {
                membersByCommunity[Int(community)].append(row)
            }
            let filter = options.engagementFilter
            let mask = filter.kindMask(defaults: GraphBuilder.bipartiteDefaultKinds)
            let events = store.events
            let comments = store.comments
            let videoCount = store.videos.count
            /// The video event `i` is a member's engagement with, or `.none`.
            func engaged(_ i: Int) -> (actor: Int, video: RowID) {
                let actor = Int(events.actor[i])
                guard actor < communityOfAccount.count, communityOfAccount[actor] != .max, mask[Int(events.kind[i])],
                    filter.accepts(time: events.time[i])
                else { return (actor, .none) }
                var video = RowID.none
                if events.objectType[i] == ObjectType.video.rawValue {
                    video = events.object[i]
                } else if events.objectType[i] == ObjectType.comment.rawValue, Int(events.object[i]) < comments.count {
                    video = comments.video[Int(events.object[i])]
                }
                return Int(video) < videoCount ? (actor, video) : (actor, .none)
            }
            // The store's events are grouped by actor: then one pass lists the videos in place.
            videoOffsets = [Int](repeating: 0, count: store.accounts.count + 1)
            var grouped = true
            var previous = 0
            memberVideos.reserveCapacity(events.count)
            videoOffsets.withUnsafeMutableBufferPointer { counts in
                for i in 0..<events.count {
                    let (actor, video) = engaged(i)
                    guard video != .none else { continue }
                    counts[actor + 1] += 1
                    if actor < previous { grouped = false }
                    previous = actor
                    if grouped { memberVideos.append(video) }
                }
                for a in 0..<store.accounts.count { counts[a + 1] += counts[a] }
            }
            if !grouped {
                var cursor = videoOffsets
                memberVideos = [RowID](repeating: 0, count: videoOffsets[store.accounts.count])
                for i in 0..<events.count {
                    let (actor, video) = engaged(i)
                    guard video != .none else { continue }
                    memberVideos[cursor[actor]] = video
                    cursor[actor] += 1
                }
            }
        }
        // Dense counters per family, reset through touched lists after each community.
        let hashtagCount = store?.hashtags.count ?? 0
        let soundCount = store?.sounds.count ?? 0
        let accountCount = store?.accounts.count ?? 0
        var hashtagScore = [Double](repeating: 0, count: hashtagCount)
        var soundScore = [Double](repeating: 0, count: soundCount)
        var authorScore = [Double](repeating: 0, count: accountCount)
        var touchedHashtags: [RowID] = []
        var touchedSounds: [RowID] = []
        var touchedAuthors: [RowID] = []
        func top(_ family: NodeType, _ touched: [RowID], _ score: [Double], _ members: [RankedItem]) -> [RankedItem] {
            var list = touched.map { RankedItem(node: family, row: $0, count: score[Int($0)]) }
            list += members.filter { $0.node == family }
            list.sort { $0.count != $1.count ? $0.count > $1.count : $0.row < $1.row }
            return Array(list.prefix(options.topItems))
        }
        // The member that last counted each video: a member's repeated videos count once.
        // (Account rows are `RowID`s: 32 bits, half the memory an `Int` takes, for a table read at random.)
        var countedBy = [RowID](repeating: .none, count: store?.videos.count ?? 0)
        // The video columns read once here, not through the store for every video.
        let hashtagOffsets = store?.videos.hashtagOffsets ?? []
        let videoHashtags = store?.videos.hashtags ?? []
        let videoSound = store?.videos.sound ?? []
        let videoAuthor = store?.videos.author ?? []
        for c in 0..<count {
            if store != nil {
                for actor in membersByCommunity[c] {
                    for p in videoOffsets[actor]..<videoOffsets[actor + 1] {
                        let video = memberVideos[p]
                        guard countedBy[Int(video)] != RowID(actor) else { continue }
                        countedBy[Int(video)] = RowID(actor)
                        for position in Int(hashtagOffsets[Int(video)])..<Int(hashtagOffsets[Int(video) + 1]) {
                            let h = videoHashtags[position]
                            guard Int(h) < hashtagCount else { continue }
                            if hashtagScore[Int(h)] == 0 { touchedHashtags.append(h) }
                            hashtagScore[Int(h)] += 1
                        }
                        let sound = videoSound[Int(video)]
                        if sound != .none && Int(sound) < soundCount {
                            if soundScore[Int(sound)] == 0 { touchedSounds.append(sound) }
                            soundScore[Int(sound)] += 1
                        }
                        let author = videoAuthor[Int(video)]
                        if author != .none && Int(author) != actor && Int(author) < accountCount {
                            if authorScore[Int(author)] == 0 { touchedAuthors.append(author) }
                            authorScore[Int(author)] += 1
                        }
                    }
                }
            }
            profiles[c].topHashtags = top(.hashtag, touchedHashtags, hashtagScore, memberItems[c])
            profiles[c].topSounds = top(.sound, touchedSounds, soundScore, memberItems[c])
            profiles[c].topAuthors = top(.author, touchedAuthors, authorScore, memberItems[c])
            for h in touchedHashtags { hashtagScore[Int(h)] = 0 }
            for s in touchedSounds { soundScore[Int(s)] = 0 }
            for a in touchedAuthors { authorScore[Int(a)] = 0 }
            touchedHashtags.removeAll(keepingCapacity: true)
            touchedSounds.removeAll(keepingCapacity: true)
            touchedAuthors.removeAll(keepingCapacity: true)
        }
        return profiles
    }
}

extension RankedItem {
    /// The item's display label (`#tag`, sound title, author username).
    package func label(in store: Store?) -> String {
        guard let store else { return "\(node.name)-\(row)" }
        switch node {
        case .hashtag:
            return store.strings[Int(row) < store.hashtags.count ? store.hashtags.name[Int(row)] : .none].map {
                "#" + $0
            } ?? "hashtag-\(row)"
        case .sound:
            guard Int(row) < store.sounds.count else { return "sound-\(row)" }
            if let title = store.strings[store.sounds.title[Int(row)]] { return title }
            return "sound-\(store.sounds.tiktokID[Int(row)])"
        case .author, .account:
            return store.label(ofAccount: row)
        case .external:
            return "\(row)"
        }
    }
}
