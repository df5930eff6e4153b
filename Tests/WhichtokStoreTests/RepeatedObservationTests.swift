import Testing
import WhichtokTestSupport

@testable import WhichtokStore

@Suite("Videos and accounts repeated across stores: observed once when alike, kept apart when not")
struct RepeatedObservationTests {
    static let videoID: UInt64 = 7_454_292_647_186_056_224
    static let otherID: UInt64 = 7_000_000_000_000_000_001

    /// How a donor's batch describes the shared video.
    struct Description {
        var author = "carol"
        var authorID: UInt64?
        var authorNickname: String?
        var authorFollowers: UInt64?
        var caption: String? = "caf\u{E9} time"
        var soundID: UInt64? = 42
        var soundTitle: String? = "original sound"
        var createTime: UInt32 = 0
        var hashtag: String?
        var duetOf: UInt64?
    }

    /// Donor `seed`'s batch: it watched and liked the shared video (described as `description`
    /// says), shared it by message, commented on it, and watched a second video.
    static func donor(_ seed: UInt8, _ description: Description = Description()) throws -> ImportBatch {
        var batch = ImportBatch(inputName: "donor-\(seed).zip", sha256: Fixture.digest(seed))
        let owner = batch.owner
        batch.setOwner(username: "donor\(seed)")
        let video = try must(batch.video(id: videoID))
        let author = try must(
            batch.account(
                username: description.author, numericID: description.authorID, nickname: description.authorNickname))
        if let followers = description.authorFollowers {
            batch.accounts[Int(author)].followerCount = followers
            batch.accounts[Int(author)].countsObserved = 1_735_000_000
        }
        let sound =
            description.soundID == nil && description.soundTitle == nil
            ? nil : batch.sound(id: description.soundID, title: description.soundTitle)
        let tags = try description.hashtag.map { [try must(batch.hashtag(name: $0))] } ?? []
        let source = try description.duetOf.map { try must(batch.video(id: $0)) } ?? .none
        batch.describeVideo(
            video, author: author, caption: description.caption, sound: sound, hashtags: tags,
            createTime: description.createTime, derivedFrom: source, derivation: source == .none ? .none : .duet)
        let other = try must(batch.video(id: otherID))
        let time = 1_735_000_000 + UInt32(seed) * 1000
        batch.addEvent(actor: owner, kind: .watched, objectType: .video, object: video, time: time)
        batch.addEvent(actor: owner, kind: .liked, objectType: .video, object: video, time: time + 1)
        batch.addEvent(
            actor: owner, kind: .messaged, objectType: .account, object: author, time: time + 2,
            detail: .messageVideo(video))
        batch.addEvent(actor: owner, kind: .watched, objectType: .video, object: other, time: time + 3)
        return batch
    }

    /// The builder of the stores of `groups` of batches, one store per group, added in order.
    static func builder(ofStoresOf groups: [[ImportBatch]]) -> StoreBuilder {
        var builder = StoreBuilder()
        for group in groups { builder.add(store: Fixture.build(group)) }
        return builder
    }

    /// The video observations of the builder with this id.
    static func observations(of id: UInt64, in builder: StoreBuilder) -> Int {
        builder.videoObservations.filter { $0.tiktokID == id }.count
    }

    /// The account observations of the builder with this username.
    static func observations(of username: String, in builder: StoreBuilder) -> Int {
        builder.accountObservations.filter { $0.username == username }.count
    }

    @Test("a video described alike in every store is one observation, and the store is the one of all inputs")
    func alike() throws {
        let groups = try [[Self.donor(1), Self.donor(2)], [Self.donor(3)], [Self.donor(4), Self.donor(5)]]
        let builder = Self.builder(ofStoresOf: groups)
        #expect(Self.observations(of: Self.videoID, in: builder) == 1)
        #expect(Self.observations(of: Self.otherID, in: builder) == 1)
        #expect(Self.observations(of: "carol", in: builder) == 1)
        // Each donor is an account of one store only.
        #expect(Self.observations(of: "donor3", in: builder) == 1)
        let store = builder.build()
        #expect(store == Fixture.build(groups.flatMap { $0 }))
        // Every event still names the video: two watches, a like and a message per donor.
        #expect(store.events(.watched).count == 10)
        #expect(store.events(.liked).count == 5)
        #expect(store.events(.messaged).count == 5)
    }

    @Test(
        "a video described differently in a later store is a second observation, and the store is the one of all inputs",
        arguments: [
            ("caption", Description(caption: "another caption")),
            // The same text in another Unicode form: `==` says equal, the bytes differ.
            ("caption form", Description(caption: "cafe\u{301} time")),
            ("no caption", Description(caption: nil)),
            ("author", Description(author: "dave")),
            ("author id", Description(authorID: 6_800_000_000_000_000_001)),
            ("author nickname", Description(authorNickname: "Carol")),
            ("author counts", Description(authorFollowers: 12)),
            ("sound", Description(soundID: 43)),
            ("sound title", Description(soundTitle: "remix")),
            ("no sound", Description(soundID: nil, soundTitle: nil)),
            ("stated time", Description(createTime: 1_700_000_000)),
            ("hashtag", Description(hashtag: "fyp")),
            ("duet", Description(duetOf: 7_000_000_000_000_000_002)),
        ])
    func different(_ change: String, _ description: Description) throws {
        let first = [try Self.donor(1), try Self.donor(2)]
        let second = [try Self.donor(3, description)]
        let builder = Self.builder(ofStoresOf: [first, second, [try Self.donor(4)]])
        // The third store repeats the first store's description.
        // A nickname or counts of its own make the author a second sighting of the same account
        // (the same keys), by which the video is the same.
        let sameKeys = ["author nickname", "author counts"].contains(change)
        #expect(Self.observations(of: Self.videoID, in: builder) == (sameKeys ? 1 : 2), "\(change)")
        let authorChanged = sameKeys || change == "author id"
        #expect(Self.observations(of: "carol", in: builder) == (authorChanged ? 2 : 1), "\(change)")
        #expect(builder.build() == Fixture.build(first + second + [try Self.donor(4)]), "\(change)")
    }

    @Test("a video repeated after one with lists is still the store of all inputs")
    func afterLists() throws {
        let tagged = [try Self.donor(1, Description(hashtag: "fyp"))]
        let plain = [try Self.donor(2)]
        let builder = Self.builder(ofStoresOf: [tagged, plain, [try Self.donor(3)]])
        // The tagged observation cannot be repeated: the plain one is noted, and the third repeats it.
        #expect(Self.observations(of: Self.videoID, in: builder) == 2)
        #expect(builder.build() == Fixture.build(tagged + plain + [try Self.donor(3)]))
    }

    /// Donor `seed`'s batch: it follows carol and liked a video no other donor saw.
    static func follower(_ seed: UInt8) throws -> ImportBatch {
        var batch = ImportBatch(inputName: "follower-\(seed).zip", sha256: Fixture.digest(seed))
        let owner = batch.owner
        batch.setOwner(username: "follower\(seed)")
        let carol = try must(batch.account(username: "carol"))
        let video = try must(batch.video(id: 7_200_000_000_000_000_000 + UInt64(seed) << 32))
        batch.addEvent(actor: owner, kind: .followed, objectType: .account, object: carol, time: 1_735_000_000)
        batch.addEvent(actor: owner, kind: .liked, objectType: .video, object: video, time: 1_735_000_001)
        return batch
    }

    @Test("an account repeated in stores that share no video is one observation, and its events stay its own")
    func accountsAlone() throws {
        let groups = try [[Self.follower(1)], [Self.follower(2), Self.follower(3)], [Self.follower(4)]]
        let builder = Self.builder(ofStoresOf: groups)
        #expect(Self.observations(of: "carol", in: builder) == 1)
        let store = builder.build()
        #expect(store == Fixture.build(groups.flatMap { $0 }))
        #expect(store.events(.followed).count == 4)
    }
}
