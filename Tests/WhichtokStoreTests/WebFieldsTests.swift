import Foundation
import Testing
import WhichtokTestSupport

@testable import WhichtokStore

/// Batches shaped like what the web readers (HAR, pages, Zeeschuimer) emit.
enum WebFixture {
    static let creatorID: UInt64 = 7_288_995_737_794_005_765
    static let videoID: UInt64 = 7_444_705_554_666_130_708
    static let sourceID: UInt64 = 7_300_000_000_000_000_001

    /// A capture seeing the creator as `oldname` at t0 and `newname` at t1, with counters.
    static func capture(name: String = "web.har", seed: UInt8 = 9, swapOrder: Bool = false) throws -> ImportBatch {
        var batch = ImportBatch(inputName: name, sha256: Fixture.digest(seed))
        batch.layout = "har"
        let sightings: [(String, UInt32)] = [("oldname", 1_700_000_000), ("NewName", 1_720_000_000)]
        var creator: RowID = .none
        for (username, seen) in swapOrder ? sightings.reversed() : sightings {
            creator = try must(
                batch.account(username: username, numericID: creatorID, secUID: "MS4wLjABAAAAcreator", seen: seen))
        }
        batch.setCounts(of: creator, followers: 4_900_000, following: 12, observed: 1_720_000_000, exact: false)
        batch.setCounts(of: creator, followers: 4_946_894, following: 12, observed: 1_720_000_000, exact: true)
        batch.setCounts(of: creator, followers: 4_000_000, following: 10, observed: 1_700_000_000, exact: true)
        let video = try must(batch.video(id: videoID))
        let source = try must(batch.video(id: sourceID))
        batch.describeVideo(video, author: creator, createTime: 1_733_355_614, derivedFrom: source, derivation: .duet)
        batch.addEvent(actor: creator, kind: .posted, objectType: .video, object: video, time: 1_733_355_614)
        batch.addEvent(
            actor: creator, kind: .duetted, objectType: .video, object: source, time: 1_733_355_614,
            detail: .derivedVideo(video))
        var rounded = ImportBatch.VideoCounters(video: video, observed: 1_735_000_000)
        rounded.plays = 1_600_000
        rounded.likes = 38_900
        var exact = rounded
        exact.plays = 1_585_253
        exact.likes = 38_884
        exact.exact = true
        var later = exact
        later.observed = 1_736_000_000
        later.plays = 1_700_000
        for counters in swapOrder ? [later, exact, rounded] : [rounded, exact, later] { batch.addCounters(counters) }
        // A top-level comment by a viewer and a reply to it by the creator.
        let viewer = try must(
            batch.account(username: "viewer", numericID: 6_934_915_800_185_177_094, seen: 1_735_000_000))
        let top = batch.comment(
            tiktokID: 7_280_136_767_352_308_512, author: viewer, video: video, time: 1_734_000_000, textFingerprint: 11)
        let reply = batch.comment(
            tiktokID: 7_280_136_767_352_308_999, author: creator, video: video, parent: top,
            time: 1_734_000_500, textFingerprint: 12)
        batch.addEvent(actor: viewer, kind: .commented, objectType: .comment, object: top, time: 1_734_000_000)
        batch.addEvent(actor: creator, kind: .replied, objectType: .comment, object: reply, time: 1_734_000_500)
        return batch
    }
}

@Suite("Store web fields")
struct WebFieldsTests {
    func account(_ store: Store, id: UInt64) throws -> Int {
        try #require(store.account(id: id))
    }

    @Test("a rename keeps the latest username current and the old one as a timed alias")
    func renameHistory() throws {
        let store = try Fixture.build([WebFixture.capture()])
        let row = try account(store, id: WebFixture.creatorID)
        #expect(store.strings[store.accounts.username[row]] == "newname")
        #expect(store.accounts.usernameSeen[row] == 1_720_000_000)
        let history = store.accounts.usernameHistory(of: RowID(row)).map { (store.strings[$0.username] ?? "", $0.seen) }
        #expect(history.map(\.0) == ["oldname", "newname"])
        #expect(history.map(\.1) == [1_700_000_000, 1_720_000_000])
    }

    @Test("an archive's username joins the web account that once had it")
    func archiveMeetsRename() throws {
        var archive = ImportBatch(inputName: "a.zip", sha256: Fixture.digest(1))
        let owner = archive.owner
        archive.setOwner(username: "fan")
        let old = archive.account(username: "@OldName")!
        archive.addEvent(actor: owner, kind: .followed, objectType: .account, object: old, time: 1_690_000_000)
        let store = try Fixture.build([archive, WebFixture.capture()])
        let row = try account(store, id: WebFixture.creatorID)
        #expect(store.accounts.count == 3)  // fan, the creator, the viewer
        let follows = (0..<store.events.count).filter { store.events.kind[$0] == EventKind.followed.rawValue }
        #expect(follows.count == 1)
        #expect(follows.map { Int(store.events.object[$0]) } == [row])
    }

    @Test("follower counts: the latest observation, exact before rounded")
    func followerCounts() throws {
        let store = try Fixture.build([WebFixture.capture()])
        let row = try account(store, id: WebFixture.creatorID)
        #expect(store.accounts.followerCount[row] == 4_946_894)
        #expect(store.accounts.followingCount[row] == 12)
        #expect(store.accounts.countsObserved[row] == 1_720_000_000)
        let viewer = try account(store, id: 6_934_915_800_185_177_094)
        #expect(store.accounts.followerCount[viewer] == unknownCount)
    }

    @Test("video counters: one snapshot per observation time, the exact one kept")
    func videoStats() throws {
        let store = try Fixture.build([WebFixture.capture()])
        let video = try #require(store.videos.tiktokID.firstIndex(of: WebFixture.videoID))
        let rows = store.videoStats.rows(of: RowID(video))
        #expect(rows.count == 2)
        #expect(rows.map { store.videoStats.observed[$0] } == [1_735_000_000, 1_736_000_000])
        #expect(rows.map { store.videoStats.plays[$0] } == [1_585_253, 1_700_000])
        #expect(rows.allSatisfy { store.videoStats.flags[$0] & VideoStatsTable.exactFlag != 0 })
        #expect(store.videoStats.comments[rows.lowerBound] == unknownCount)
        // The stated creation time wins over id >> 32.
        #expect(store.videos.created[video] == 1_733_355_614)
    }

    @Test("a duet points at its source; the duetted event carries the duet")
    func duet() throws {
        let store = try Fixture.build([WebFixture.capture()])
        let video = try #require(store.videos.tiktokID.firstIndex(of: WebFixture.videoID))
        let source = try #require(store.videos.tiktokID.firstIndex(of: WebFixture.sourceID))
        #expect(store.videos.derivedFrom(RowID(video)) == RowID(source))
        #expect(store.videos.derivation(of: RowID(video)) == .duet)
        #expect(store.videos.derivedFrom(RowID(source)) == .none)
        let duets = (0..<store.events.count).filter { store.events.kind[$0] == EventKind.duetted.rawValue }
        #expect(duets.count == 1)
        #expect(duets.map { store.events.object[$0] } == [RowID(source)])
        #expect(duets.map { store.events.detail($0) } == [RowID(video)])
    }

    @Test("a reply knows its parent and the parent's author")
    func replies() throws {
        let store = try Fixture.build([WebFixture.capture()])
        let reply = try #require(store.comments.tiktokID.firstIndex(of: 7_280_136_767_352_308_999))
        let top = try #require(store.comments.tiktokID.firstIndex(of: 7_280_136_767_352_308_512))
        let viewer = try account(store, id: 6_934_915_800_185_177_094)
        #expect(store.comments.parent[reply] == RowID(top))
        let answered = store.comments.answered(by: RowID(reply))
        #expect(answered.comment == RowID(top))
        #expect(answered.author == RowID(viewer))
        #expect(store.comments.answered(by: RowID(top)).comment == .none)
    }

    @Test("web fields do not depend on the order observations arrive in")
    func orderIndependent() throws {
        let a = try Fixture.build([WebFixture.capture(), Fixture.alice()])
        let b = try Fixture.build([Fixture.alice(), WebFixture.capture(swapOrder: true)])
        #expect(a == b)
        // Importing a store again (as observations) changes nothing.
        var builder = StoreBuilder(store: a)
        builder.add(try WebFixture.capture())
        #expect(builder.build() == a)
        #expect(a.consistencyProblem() == nil)
    }

    @Test("a version 1 file loads with the new columns empty")
    func versionOne() throws {
        let folder = try TemporaryFolder("v1")
        let directory = folder.path
        let store = try Fixture.build([Fixture.alice(), Fixture.bob()])
        let added: Set<String> = [
            "accounts.usernameSeen", "accounts.aliasSeen", "accounts.followerCount", "accounts.followingCount",
            "accounts.countsObserved", "videos.derivedRows", "videos.derivedSources", "videos.derivedKinds",
            "comments.replyRows", "comments.replyTargets",
        ]
        let v1 = store.snapshotColumns.filter { !added.contains($0.name) && !$0.name.hasPrefix("videoStats.") }
        try Snapshot.write(v1, to: directory + "/v1.store", version: 1)
        let loaded = try Store.load(from: directory + "/v1.store")
        #expect(loaded == store)
        // A version 2 file missing a new column is corrupt.
        try Snapshot.write(v1, to: directory + "/broken.store")
        #expect(throws: StoreError.self) { try Store.load(from: directory + "/broken.store") }
    }

    @Test("a stats row pointing at a missing video is refused on load")
    func badStatsReference() throws {
        var store = try Fixture.build([WebFixture.capture()])
        store.videoStats.video[0] = RowID(store.videos.count + 5)
        #expect(store.consistencyProblem() != nil)
        var sparse = try Fixture.build([WebFixture.capture()])
        #expect(sparse.consistencyProblem() == nil)
        sparse.videos.derivedRows.append(sparse.videos.derivedRows[0])
        sparse.videos.derivedSources.append(0)
        sparse.videos.derivedKinds.append(1)
        #expect(sparse.consistencyProblem() != nil)
    }
}
