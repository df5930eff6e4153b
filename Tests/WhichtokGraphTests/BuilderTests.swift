import Testing
import WhichtokStore
import WhichtokTestSupport

@testable import WhichtokGraph

extension Fixture {
    static let t0: UInt32 = 1_700_000_000

    /// A hand-made store: Alice's archive (she is the donor) plus Dave's messages in her group chat.
    static func handStore() throws -> Store {
        var batch = ImportBatch(inputName: "alice.zip", sha256: digest(1))
        let alice = batch.owner
        batch.setOwner(username: "alice")
        let bob = try must(batch.account(username: "bob"))
        let carol = try must(batch.account(username: "carol"))
        let dave = try must(batch.account(username: "dave"))
        let video = try must(batch.video(id: 7_000_000_000_000_000_001))
        let tag = try must(batch.hashtag(name: "cottagecore"))
        batch.describeVideo(video, author: bob, hashtags: [tag])
        let own = try must(batch.video(id: 7_000_000_000_000_000_002))
        batch.describeVideo(own, author: alice, mentions: [carol])
        // Alice → Bob: follow, two views, a like, a comment on his video.
        batch.addEvent(actor: alice, kind: .followed, objectType: .account, object: bob, time: t0)
        batch.addEvent(actor: alice, kind: .watched, objectType: .video, object: video, time: t0 + 10)
        batch.addEvent(actor: alice, kind: .watched, objectType: .video, object: video, time: t0 + 20)
        batch.addEvent(actor: alice, kind: .liked, objectType: .video, object: video, time: t0 + 30)
        let comment = batch.comment(author: alice, video: video, time: t0 + 40, textFingerprint: 1)
        batch.addEvent(actor: alice, kind: .commented, objectType: .comment, object: comment, time: t0 + 40)
        // Bob → Alice: a reply to her comment.
        let reply = batch.comment(author: bob, video: video, parent: comment, time: t0 + 50, textFingerprint: 2)
        batch.addEvent(actor: bob, kind: .commented, objectType: .comment, object: reply, time: t0 + 50)
        // Alice → Carol: mentioned in Alice's post.
        batch.addEvent(actor: alice, kind: .posted, objectType: .video, object: own, time: t0 + 60)
        // A group chat of Alice (the donor) and Dave; Dave wrote twice, Alice once.
        let group = try must(batch.conversation(groupID: 99))
        batch.addEvent(
            actor: dave, kind: .messaged, objectType: .conversation, object: group, time: t0 + 70,
            detail: .messageFingerprint(1))
        batch.addEvent(
            actor: dave, kind: .messaged, objectType: .conversation, object: group, time: t0 + 80,
            detail: .messageFingerprint(2))
        batch.addEvent(
            actor: alice, kind: .messaged, objectType: .conversation, object: group, time: t0 + 90,
            detail: .messageFingerprint(3))
        return build([batch])
    }
}

@Suite("Graph builders")
struct BuilderTests {
    func node(_ graph: Graph, _ store: Store, _ name: String) throws -> Int {
        let row = try #require(store.account(named: name))
        return try #require(graph.nodeRows.firstIndex(of: RowID(row)))
    }

    @Test("interaction: counters per kind, weights, times, replies and group chats")
    func interaction() throws {
        let store = try Fixture.handStore()
        let graph = GraphBuilder.interaction(store)
        #expect(graph.isDirected)
        #expect(graph.nodeCount == 4)
        let alice = try node(graph, store, "alice")
        let bob = try node(graph, store, "bob")
        let carol = try node(graph, store, "carol")
        let dave = try node(graph, store, "dave")
        let ab = try #require(graph.edgeIndex(from: alice, to: bob))
        let a = graph.edgeAttributes
        #expect(a.count(.followed, edge: ab) == 1)
        #expect(a.count(.watched, edge: ab) == 2)
        #expect(a.count(.liked, edge: ab) == 1)
        #expect(a.count(.commented, edge: ab) == 1)
        // 2·1 (follow) + 0.1·2 (views) + 0.5 (like) + 2 (comment)
        #expect(abs(graph.weights[ab] - 4.7) < 1e-5)
        #expect(a.firstTime[ab] == Fixture.t0)
        #expect(a.lastTime[ab] == Fixture.t0 + 40)
        let ba = try #require(graph.edgeIndex(from: bob, to: alice))
        #expect(a.count(.replied, edge: ba) == 1)
        #expect(graph.weights[ba] == 3)
        let ac = try #require(graph.edgeIndex(from: alice, to: carol))
        #expect(a.count(.mentioned, edge: ac) == 1)
        let da = try #require(graph.edgeIndex(from: dave, to: alice))
        #expect(a.count(.messaged, edge: da) == 2)
        #expect(graph.weights[da] == 6)
        let ad = try #require(graph.edgeIndex(from: alice, to: dave))
        #expect(a.count(.messaged, edge: ad) == 1)
        #expect(graph.edgeCount == 5)
        #expect(graph.label(of: alice, in: store) == "alice")
    }

    @Test("interaction: overridden weights, kinds and the time window")
    func interactionFilters() throws {
        let store = try Fixture.handStore()
        var weights = KindWeights.interactionDefaults
        weights[.watched] = 1
        let heavier = GraphBuilder.interaction(store, weights: weights)
        let alice = try node(heavier, store, "alice")
        let bob = try node(heavier, store, "bob")
        #expect(abs(heavier.weight(from: alice, to: bob) - 6.5) < 1e-5)
        let follows = GraphBuilder.interaction(store, filter: EventFilter(kinds: [.followed]))
        #expect(follows.edgeCount == 1)
        #expect(follows.parameters.kinds == [.followed])
        // From t0 + 45: only the reply, the mention and the messages.
        let late = GraphBuilder.interaction(store, filter: EventFilter(since: Fixture.t0 + 45))
        #expect(late.edgeCount == 4)
        let a2 = try node(late, store, "alice")
        let b2 = try node(late, store, "bob")
        #expect(late.weight(from: a2, to: b2) == 0)
        #expect(late.weight(from: b2, to: a2) == 3)
        let window = GraphBuilder.interaction(store, filter: EventFilter(since: Fixture.t0, until: Fixture.t0 + 15))
        #expect(window.edgeCount == 1)
        #expect(abs(window.weights[0] - 2.1) < 1e-5)  // the follow and one view
    }

    @Test("bipartite and co-hashtag graphs")
    func bipartite() throws {
        let store = try Fixture.handStore()
        let tags = GraphBuilder.accountHashtag(store)
        // Alice (watched, liked, commented the tagged video: one video) and Bob (replied on it).
        #expect(tags.nodeCount == 3)
        #expect(tags.nodeTypes.filter { $0 == .hashtag }.count == 1)
        #expect(tags.weights.allSatisfy { $0 == 1 })
        let tagNode = try #require(tags.nodeTypes.firstIndex(of: .hashtag))
        #expect(tags.label(of: tagNode, in: store) == "#cottagecore")
        let authors = GraphBuilder.accountAuthor(store)
        // Alice engaged with Bob's video; Bob's reply is on his own video (excluded).
        #expect(authors.edgeCount == 1)
        #expect(Set(authors.nodeTypes) == [.account, .author])
        #expect(GraphBuilder.coHashtag(store).edgeCount == 0)
    }

    @Test("co-engagement never pairs a popular item's audience (the cap)")
    func popularityCap() throws {
        // 60 accounts; 50 of them watch one popular video; accounts 2i and 2i+1 share a niche video.
        var batch = ImportBatch(inputName: "crowd.json", sha256: Fixture.digest(7))
        var accounts: [RowID] = []
        for i in 0..<60 { accounts.append(try must(batch.account(username: "user\(i)"))) }
        let popular = try must(batch.video(id: 7_100_000_000_000_000_000))
        for i in 0..<50 {
            batch.addEvent(actor: accounts[i], kind: .watched, objectType: .video, object: popular, time: Fixture.t0)
        }
        for pair in 0..<30 {
            let niche = try must(batch.video(id: 7_200_000_000_000_000_000 + UInt64(pair)))
            for i in [2 * pair, 2 * pair + 1] {
                batch.addEvent(actor: accounts[i], kind: .liked, objectType: .video, object: niche, time: Fixture.t0)
            }
        }
        let store = Fixture.build([batch])
        var options = CoEngagementOptions()
        options.topK = 0
        options.minSimilarity = 0
        options.minItems = 1
        let uncapped = GraphBuilder.coEngagement(store, options: options)
        #expect(uncapped.accumulations == 50 * 49 + 60)
        #expect(uncapped.popularItemsSkipped == 0)
        options.popularityCap = 10
        let capped = GraphBuilder.coEngagement(store, options: options)
        #expect(capped.popularItemsSkipped == 1)
        #expect(capped.accumulations == 60)  // one partner per niche video, nothing from the crowd
        #expect(capped.graph.edgeCount == 30)
        #expect(capped.graph.nodeCount == 60)
        // Pairs sharing only the niche video are the strongest ties; the crowd adds weak ones.
        let g = uncapped.graph
        let u0 = try node(g, store, "user0")
        let u1 = try node(g, store, "user1")
        let u2 = try node(g, store, "user2")
        #expect(g.weight(from: u0, to: u1) > g.weight(from: u0, to: u2))
        #expect(g.weight(from: u0, to: u2) > 0)
        // Cosine: a unit row with itself is 1; user58/59 watched nothing popular: exactly 1.
        let u58 = try node(g, store, "user58")
        let u59 = try node(g, store, "user59")
        #expect(abs(g.weight(from: u58, to: u59) - 1) < 1e-6)
    }

    @Test("co-engagement keeps the top k neighbours per account")
    func topK() throws {
        var batch = ImportBatch(inputName: "k.json", sha256: Fixture.digest(8))
        var accounts: [RowID] = []
        for i in 0..<6 { accounts.append(try must(batch.account(username: "k\(i)"))) }
        let shared = try must(batch.video(id: 7_300_000_000_000_000_000))
        let other = try must(batch.video(id: 7_300_000_000_000_000_001))
        // Everyone but k5 watched `shared`; k5 and k4 share `other`.
        for i in 0..<5 {
            batch.addEvent(actor: accounts[i], kind: .watched, objectType: .video, object: shared, time: Fixture.t0)
        }
        for i in 4..<6 {
            batch.addEvent(actor: accounts[i], kind: .watched, objectType: .video, object: other, time: Fixture.t0)
        }
        let store = Fixture.build([batch])
        var options = CoEngagementOptions()
        options.topK = 1
        options.minItems = 1
        let result = GraphBuilder.coEngagement(store, options: options)
        // By default accounts need two distinct items: only k4 (shared + other) has them.
        #expect(GraphBuilder.coEngagement(store).accounts == 1)
        let degrees = Degrees(result.graph).degree
        // Each account keeps one neighbour; the union can give some more than one, never fewer.
        #expect(degrees.allSatisfy { $0 >= 1 })
        #expect(result.graph.edgeCount < 15)
    }

    @Test("shared space mixes normalised interaction and co-engagement")
    func sharedSpace() throws {
        let store = try Fixture.handStore()
        var options = SharedSpaceOptions()
        options.coEngagementShare = 0
        options.interactionShare = 1
        let onlyInteraction = GraphBuilder.sharedSpace(store, options: options)
        #expect(!onlyInteraction.isDirected)
        // Weights are interaction shares: they sum to 1.
        #expect(abs(onlyInteraction.totalWeight - 1) < 1e-5)
        let alice = try node(onlyInteraction, store, "alice")
        let bob = try node(onlyInteraction, store, "bob")
        let e = try #require(onlyInteraction.edgeIndex(from: alice, to: bob))
        #expect(abs(onlyInteraction.edgeAttributes.interactionWeight[e] - 7.7) < 1e-5)  // 4.7 + 3
        #expect(onlyInteraction.edgeAttributes.count(.replied, edge: e) == 1)
        #expect(onlyInteraction.edgeAttributes.count(.followed, edge: e) == 1)
        let both = GraphBuilder.sharedSpace(store)
        #expect(both.parameters.settings.contains { $0.0 == "interaction_share" && $0.1 == "0.5" })
    }

    @Test("edge lists: comments, default weights, duplicates, errors with line numbers")
    func edgeList() throws {
        let text = "# a comment\n\na b 2\nb c\n a  b 0.5 # trailing\nc\td 1e1\n"
        let graph = try EdgeListReader.parse(Array(text.utf8), directed: false)
        #expect(graph.externalLabels == ["a", "b", "c", "d"])
        #expect(graph.weight(from: 0, to: 1) == 2.5)
        #expect(graph.weight(from: 1, to: 2) == 1)
        #expect(graph.weight(from: 2, to: 3) == 10)
        #expect(graph.label(of: 3) == "d")
        #expect(throws: EdgeListError(line: 2, message: "weight 'x' is not a finite number ≥ 0")) {
            try EdgeListReader.parse(Array("1 2 3\n1 2 x\n".utf8), directed: false)
        }
        #expect(throws: EdgeListError.self) { try EdgeListReader.parse(Array("1 2 3 4\n".utf8), directed: false) }
        #expect(throws: EdgeListError.self) { try EdgeListReader.parse(Array("1 2 -1\n".utf8), directed: false) }
        let directed = try EdgeListReader.parse(Array("1 2\n2 1 3\n".utf8), directed: true)
        #expect(directed.edgeCount == 2)
    }

    @Test("the JSON report has the contract's keys and is byte-identical across runs")
    func json() throws {
        let store = try Fixture.handStore()
        let graph = GraphBuilder.interaction(store)
        let first = AnalysisJSON.render(Analysis(graph, store: store), store: store)
        let second = AnalysisJSON.render(Analysis(graph, store: store), store: store)
        #expect(first == second)
        for key in [
            "\"graph\":{\"kind\":\"interaction\"", "\"nodes\":4", "\"edges\":5", "\"total_weight\":",
            "\"modularity\":", "\"communities\":[{\"id\":0", "\"internal_weight_share\":", "\"conductance\":",
            "\"top_hashtags\":", "\"top_sounds\":", "\"top_authors\":", "\"central_members\":", "\"mixing\":[[",
            "\"nodes\":[{\"id\":0,\"label\":\"alice\"", "\"pagerank\":", "\"degree\":", "\"strength\":",
            "\"participation\":", "\"role\":", "\"seed\":1", "\"resolution\":1",
        ] {
            #expect(first.contains(key), "missing \(key)")
        }
        #expect(first.contains("#cottagecore"))
    }
}
