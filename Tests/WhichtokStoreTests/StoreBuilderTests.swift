import Testing
import WhichtokTestSupport

@testable import WhichtokStore

/// Small batches shaped like what the archive readers emit.
extension Fixture {
    /// Alice's archive: she follows Bob, watched video 1 twice, liked it, DM'd Bob.
    static func alice() throws -> ImportBatch {
        var batch = ImportBatch(inputName: "alice.zip", sha256: digest(1))
        batch.layout = "json-g3"
        let owner = batch.owner
        batch.setOwner(username: "Alice")
        let bob = try must(batch.account(username: "@bob"))
        let video = try must(batch.video(id: 7_454_292_647_186_056_224))
        batch.addEvent(actor: owner, kind: .followed, objectType: .account, object: bob, time: 1_700_000_000)
        batch.addEvent(actor: owner, kind: .watched, objectType: .video, object: video, time: 1_735_000_000)
        batch.addEvent(actor: owner, kind: .watched, objectType: .video, object: video, time: 1_735_000_100)
        batch.addEvent(actor: owner, kind: .liked, objectType: .video, object: video, time: 1_735_000_050)
        batch.addEvent(
            actor: owner, kind: .messaged, objectType: .account, object: bob, time: 1_735_100_000,
            detail: .messageFingerprint(0x1234))
        batch.addEvent(
            actor: bob, kind: .messaged, objectType: .account, object: owner, time: 1_735_100_060,
            detail: .messageVideo(video))
        batch.addEvent(
            actor: owner, kind: .shared, objectType: .video, object: video, time: 1_735_000_200,
            detail: .label("chat_head"))
        let term = try must(batch.string("cottagecore"))
        batch.addEvent(actor: owner, kind: .searched, objectType: .searchTerm, object: term, time: 1_735_000_300)
        return batch
    }

    /// Bob's archive: Alice follows him (his Followers list), the same two DMs, his own watch.
    static func bob() throws -> ImportBatch {
        var batch = ImportBatch(inputName: "bob.tar.gz", sha256: digest(2))
        batch.layout = "txt-2024"
        let owner = batch.owner
        batch.setOwner(username: "bob")
        let alice = try must(batch.account(username: "ALICE"))
        let video = try must(batch.video(id: 7_454_292_647_186_056_224))
        let other = try must(batch.video(id: 7_000_000_000_000_000_001))
        batch.addEvent(actor: alice, kind: .followed, objectType: .account, object: owner, time: 1_700_000_000)
        batch.addEvent(
            actor: alice, kind: .messaged, objectType: .account, object: owner, time: 1_735_100_000,
            detail: .messageFingerprint(0x1234))
        batch.addEvent(
            actor: owner, kind: .messaged, objectType: .account, object: alice, time: 1_735_100_060,
            detail: .messageVideo(video))
        batch.addEvent(actor: owner, kind: .watched, objectType: .video, object: other, time: 1_735_200_000)
        return batch
    }

    /// A partial export without a profile.
    static func anonymous(_ seed: UInt8) throws -> ImportBatch {
        var batch = ImportBatch(inputName: "partial-\(seed).json", sha256: digest(seed))
        let owner = batch.owner
        let video = try must(batch.video(id: 7_100_000_000_000_000_000 + UInt64(seed)))
        batch.addEvent(actor: owner, kind: .liked, objectType: .video, object: video, time: 1_735_000_000)
        batch.finishOwner()
        return batch
    }
}

@Suite("StoreBuilder")
struct StoreBuilderTests {
    @Test("sortedUnique gives what Array(Set(values)).sorted() gives")
    func sortedUniqueIsSetSorted() {
        let rows: [RowID] = [5, 1, 5, 3, 1, 0, 9, RowID.max, 3]
        let cases: [[RowID]] = [rows, Array(rows.reversed()), [], [7], [7, 7]]
        for values in cases {
            #expect(StoreBuilder.sortedUnique(values) == Array(Set(values)).sorted())
        }
    }

    @Test("accounts merge across archives by case-insensitive username")
    func accountsMerge() throws {
        let store = try Fixture.build([Fixture.alice(), Fixture.bob()])
        #expect(store.accounts.count == 2)
        #expect((0..<store.accounts.count).map { store.username($0) } == ["alice", "bob"])
        // Both are donors: each owns an archive.
        #expect(store.accounts.flags(0).contains(.donor))
        #expect(store.accounts.flags(1).contains(.donor))
    }

    @Test("a follow seen from both sides and a DM found in both archives are one event each")
    func crossArchiveDeduplication() throws {
        let store = try Fixture.build([Fixture.alice(), Fixture.bob()])
        let follows = store.events(.followed)
        #expect(follows.count == 1)
        #expect(store.username(Int(store.events.actor[follows[0]])) == "alice")
        #expect(store.username(Int(store.events.object[follows[0]])) == "bob")
        let messages = store.events(.messaged)
        #expect(messages.count == 2)
        // The video-link message keeps its video; the text message keeps only a fingerprint.
        let linked = messages.filter { store.events.messageVideo($0) != .none }
        #expect(linked.count == 1)
        #expect(store.videos.tiktokID[Int(store.events.messageVideo(linked[0]))] == 7_454_292_647_186_056_224)
    }

    @Test("views of one video at different times stay separate; likes do not repeat")
    func repeatedViews() throws {
        let store = try Fixture.build([Fixture.alice(), Fixture.alice()])
        #expect(store.events(.watched).count == 2)
        #expect(store.events(.liked).count == 1)
        #expect(store.inputs.count == 1)
    }

    @Test("the same inputs in any order, in one run or several, give the same store")
    func orderIndependence() throws {
        let a = try Fixture.alice()
        let b = try Fixture.bob()
        let c = try Fixture.anonymous(9)
        let forward = Fixture.build([a, b, c])
        let backward = Fixture.build([c, b, a])
        #expect(forward == backward)
        var incremental = StoreBuilder(store: Fixture.build([b]))
        incremental.add(c)
        let step = incremental.build()
        var again = StoreBuilder(store: step)
        again.add(a)
        again.add(b)
        #expect(again.build() == forward)
        // Importing what is already there changes nothing.
        var repeatBuilder = StoreBuilder(store: forward)
        repeatBuilder.add(a)
        #expect(repeatBuilder.build() == forward)
    }

    @Test("many inputs added at once, on several cores, give the store that adding them one by one gives")
    func manyInputsAtOnce() throws {
        // Enough events for the parallel paths (key mapping over 100k events, sort over 50k).
        let donors = 60
        let perDonor = 3000
        func batch(_ d: Int) -> ImportBatch {
            var batch = ImportBatch(inputName: "donor-\(d).json", sha256: Fixture.digest(UInt8(d + 20)))
            batch.setOwner(username: "user\(d)")
            let owner = batch.owner
            for j in 0..<perDonor {
                let video = batch.video(id: 7_000_000_000_000_000_000 + UInt64((d * 7 + j) % 5000) << 20)!
                batch.addEvent(
                    actor: owner, kind: .watched, objectType: .video, object: video, time: UInt32(1_700_000_000 + j))
                batch.addEvent(actor: owner, kind: .liked, objectType: .video, object: video, time: 1_700_000_000)
            }
            // Each donor follows the next, which lists the follower too (one event, seen twice).
            let next = batch.account(username: "user\((d + 1) % donors)")!
            batch.addEvent(actor: owner, kind: .followed, objectType: .account, object: next, time: 1_690_000_000)
            let previous = batch.account(username: "user\((d + donors - 1) % donors)")!
            batch.addEvent(actor: previous, kind: .followed, objectType: .account, object: owner, time: 1_690_000_000)
            return batch
        }
        let batches = (0..<donors).map(batch)
        let oneByOne = Fixture.build(batches)
        var atOnce = StoreBuilder()
        atOnce.add(contentsOf: batches.reversed())
        let parallel = atOnce.build()
        #expect(parallel == oneByOne)

        // What the events must be, counted independently.
        var likes = Set<[UInt64]>()
        for d in 0..<donors {
            for j in 0..<perDonor { likes.insert([UInt64(d), UInt64((d * 7 + j) % 5000)]) }
        }
        #expect(oneByOne.events(.watched).count == donors * perDonor)
        #expect(oneByOne.events(.liked).count == likes.count)
        #expect(oneByOne.events(.followed).count == donors)
        // Canonical order: by actor, then kind, object type, object, then time.
        let e = oneByOne.events
        for i in 1..<e.count {
            let a = (e.actor[i - 1], e.kind[i - 1], e.objectType[i - 1], e.object[i - 1], e.time[i - 1])
            let b = (e.actor[i], e.kind[i], e.objectType[i], e.object[i], e.time[i])
            #expect(a < b, "events \(i - 1) and \(i) out of order or repeated")
            if !(a < b) { break }
        }
    }

    @Test("the whitespace list is Unicode's White_Space; trimming and lowercasing match the standard library")
    func textFastPaths() throws {
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if scalar.isWhiteSpaceScalar != scalar.properties.isWhitespace {
                Issue.record("U+\(String(value, radix: 16)) disagrees")
                break
            }
        }
        let samples = [
            "", " ", "alice", "  Alice  ", "\u{3000}ユーザー\u{3000}", "\u{00A0}bob\u{00A0}", "🎉party🎉", " 🎉 ",
            "\tTab\n", "MiXeD_Case.99", "İstanbul", "STRASSE ß", "\u{2028}x\u{2029}", "\u{85}y", "x\u{200B}",
        ]
        for text in samples {
            let scalars = text.unicodeScalars
            let start = scalars.firstIndex { !$0.properties.isWhitespace }
            let end = scalars.lastIndex { !$0.properties.isWhitespace }
            let reference = start.flatMap { s in end.map { String(scalars[s...$0]) } } ?? ""
            #expect(text.trimmingWhitespace() == reference, "\(text.debugDescription)")
            #expect(text.lowercasedFast() == text.lowercased(), "\(text.debugDescription)")
        }
    }

    @Test("video ids beyond 2^53 stay exact and give the creation time")
    func exactVideoIDs() throws {
        let store = try Fixture.build([Fixture.alice()])
        #expect(store.videos.tiktokID == [7_454_292_647_186_056_224])
        #expect(store.videos.created == [UInt32(7_454_292_647_186_056_224 >> 32)])
    }

    @Test("share method and search term survive as strings")
    func detailStrings() throws {
        let store = try Fixture.build([Fixture.bob(), Fixture.alice()])
        let share = try #require(store.events(.shared).first)
        #expect(store.strings[store.events.shareMethod(share)] == "chat_head")
        let search = try #require(store.events(.searched).first)
        #expect(store.events.objectType[search] == ObjectType.searchTerm.rawValue)
        #expect(store.strings[store.events.object[search]] == "cottagecore")
    }

    @Test("anonymous donors are labelled donor-<hex> and kept apart")
    func anonymousDonors() throws {
        let store = try Fixture.build([Fixture.anonymous(3), Fixture.anonymous(4)])
        #expect(store.accounts.count == 2)
        let labels = (0..<2).map { store.label(ofAccount: RowID($0)) }.sorted()
        let expected = [Fixture.digest(3), Fixture.digest(4)].map { "donor-" + hex($0).prefix(8) }.sorted()
        #expect(labels == expected)
        #expect(store.accounts.flags(0).contains(.anonymousDonor))
        // The same partial export imported again joins the same anonymous account.
        #expect(try Fixture.build([Fixture.anonymous(3), Fixture.anonymous(3)]).accounts.count == 1)
    }

    @Test("numeric ids join usernames; one username under two ids is two accounts")
    func identityMerging() throws {
        var web = ImportBatch(inputName: "web.har", sha256: Fixture.digest(5))
        let carol = web.account(username: "carol", numericID: 111, secUID: "MS4carol")!
        let carolNew = web.account(numericID: 111, secUID: nil)!
        #expect(carol == carolNew)
        var renamed = ImportBatch(inputName: "later.har", sha256: Fixture.digest(6))
        _ = renamed.account(username: "carol_two", numericID: 111)
        _ = renamed.account(username: "carol", numericID: 222)  // someone else took the name
        var archive = ImportBatch(inputName: "archive.zip", sha256: Fixture.digest(7))
        let owner = archive.owner
        archive.setOwner(username: "dave")
        let follow = archive.account(username: "Carol")!
        archive.addEvent(actor: owner, kind: .followed, objectType: .account, object: follow, time: 1)
        let store = Fixture.build([archive, renamed, web])
        // carol(111, alias carol_two), carol(222), dave
        #expect(store.accounts.count == 3)
        let ids = store.accounts.numericID
        #expect(ids.sorted() == [0, 111, 222])
        let row111 = ids.firstIndex(of: 111)!
        let aliases = store.accounts.aliases[
            Int(store.accounts.aliasOffsets[row111])..<Int(store.accounts.aliasOffsets[row111 + 1])]
        #expect(aliases.map { store.strings[$0] } == ["carol_two"])
        // The id-less "carol" from the archive goes to the smallest id.
        let follows = store.events(.followed)
        #expect(follows.count == 1)
        #expect(store.accounts.numericID[Int(store.events.object[follows[0]])] == 111)
    }

    @Test("a comment without an id joins the one comment with its author, time and text; two ids never join")
    func commentsJoinByAuthorTimeAndText() throws {
        let (time, text): (UInt32, UInt64) = (1_700_000_500, 0xC0FFEE)
        func archive(eventTime: UInt32? = nil, sha: UInt8 = 10) -> ImportBatch {
            var batch = ImportBatch(inputName: "frank\(sha).zip", sha256: Fixture.digest(sha))
            let owner = batch.owner
            batch.setOwner(username: "frank")
            let comment = batch.comment(author: owner, time: time, textFingerprint: text)
            batch.addEvent(
                actor: owner, kind: .commented, objectType: .comment, object: comment, time: eventTime ?? time)
            return batch
        }
        func web(ids: [UInt64], sha: UInt8) throws -> ImportBatch {
            var batch = ImportBatch(inputName: "web\(sha).har", sha256: Fixture.digest(sha))
            let frank = try must(batch.account(username: "frank", numericID: 777))
            let video = try must(batch.video(id: 7_000_000_000_000_000_001))
            for id in ids {
                let comment = batch.comment(
                    tiktokID: id, author: frank, video: video, time: time, textFingerprint: text)
                batch.addEvent(actor: frank, kind: .commented, objectType: .comment, object: comment, time: time)
            }
            return batch
        }
        // One id: the archive's comment is that comment, and gets its video.
        let one = try Fixture.build([archive(), web(ids: [42], sha: 11)])
        #expect(one.comments.tiktokID == [42])
        #expect(one.comments.video != [.none])
        #expect(one.events(.commented).count == 1)
        // Two ids with the same author, time and text stay two comments; the id-less one joins
        // the smaller id, whatever the order of the inputs.
        let two = try Fixture.build([archive(eventTime: time - 60), web(ids: [43, 42], sha: 12)])
        #expect(two.comments.tiktokID.sorted() == [42, 43])
        let commented = two.events(.commented)
        #expect(commented.count == 2)
        let fromArchive = commented.filter { two.events.time[$0] == time - 60 }
        #expect(fromArchive.map { two.comments.tiktokID[Int(two.events.object[$0])] } == [42])
        #expect(try Fixture.build([web(ids: [43, 42], sha: 12), archive(eventTime: time - 60)]) == two)
        // Without any id, equal author, time and text in two exports are one comment.
        let alone = Fixture.build([archive(), archive(sha: 13)])
        #expect(alone.comments.tiktokID == [0])
    }

    @Test("IDMap agrees with Dictionary: first value kept, absent keys nil, across growth")
    func idMapMatchesDictionary() throws {
        var map = IDMap()
        var reference: [UInt64: UInt32] = [:]
        var state: UInt64 = 7
        func random() -> UInt64 {  // SplitMix64
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        // Random keys, small keys that repeat, and the extremes.
        var keys: [UInt64] = [0, .max, .max - 1]
        for i in 0..<20_000 { keys.append(i % 3 == 0 ? UInt64(i % 1000) : random()) }
        for (i, key) in keys.enumerated() {
            let expected = reference[key]
            if expected == nil { reference[key] = UInt32(i) }
            #expect(map.insertIfAbsent(key, UInt32(i)) == expected)
        }
        #expect(map.count == reference.count)
        for (key, value) in reference { #expect(map[key] == value) }
        for _ in 0..<1000 {
            let key = random()
            #expect(map[key] == reference[key])
        }
        #expect(IDMap(capacity: 100)[5] == nil)
    }

    @Test("an own post known by author and time joins the video with that id >> 32")
    func ownPostJoinsWebVideo() throws {
        let created: UInt32 = 1_700_000_123
        let id = UInt64(created) << 32 | 0xABCD
        var archive = ImportBatch(inputName: "erin.zip", sha256: Fixture.digest(8))
        let owner = archive.owner
        archive.setOwner(username: "erin")
        let post = archive.video(author: owner, created: created)!
        archive.describeVideo(post, caption: "my post #cats", sound: archive.sound(title: "original sound - erin"))
        archive.addEvent(actor: owner, kind: .posted, objectType: .video, object: post, time: created)
        var web = ImportBatch(inputName: "web.har", sha256: Fixture.digest(9))
        let author = web.account(username: "erin", numericID: 555)!
        let video = web.video(id: id)!
        web.describeVideo(video, author: author)
        let store = Fixture.build([archive, web])
        #expect(store.videos.count == 1)
        #expect(store.videos.tiktokID == [id])
        #expect(store.strings[store.videos.caption[0]] == "my post #cats")
        #expect(store.label(ofAccount: store.videos.author[0]) == "erin")
    }

    @Test("own posts with the same author and time are one video; a video with an id joins only its author's")
    func ownPostsJoinEachOther() throws {
        let created: UInt32 = 1_700_000_123
        func archive(_ n: UInt8) -> ImportBatch {
            var batch = ImportBatch(inputName: "erin-\(n).zip", sha256: Fixture.digest(20 + n))
            batch.setOwner(username: "erin")
            let post = batch.video(author: batch.owner, created: created)!
            batch.addEvent(actor: batch.owner, kind: .posted, objectType: .video, object: post, time: created)
            return batch
        }
        var web = ImportBatch(inputName: "web.har", sha256: Fixture.digest(30))
        let other = web.account(username: "frank", numericID: 556)!
        web.describeVideo(web.video(id: UInt64(created) << 32 | 1)!, author: other)
        #expect(Fixture.build([archive(1), archive(2)]).videos.count == 1)
        let store = Fixture.build([archive(1), web, archive(2)])
        #expect(store.videos.count == 2)
        #expect(store.videos.tiktokID.sorted() == [0, UInt64(created) << 32 | 1])
    }

    @Test("placeholders never become accounts")
    func placeholders() throws {
        var batch = ImportBatch(inputName: "x", sha256: Fixture.digest(10))
        for name in ["", "  ", "None", "N/A", "n.v.t.", "@"] { #expect(batch.account(username: name) == nil) }
        #expect(batch.video(id: 0) == nil)
        #expect(batch.accounts.isEmpty)
    }

    @Test("kinds that repeat are exactly watched, shared, messaged and searched")
    func repeatableKinds() throws {
        let repeating = EventKind.allCases.filter { StoreBuilder.repeatableKinds[Int($0.rawValue)] }
        #expect(repeating == [.watched, .shared, .messaged, .searched])
    }
}

func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef")
    return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
}
