import Foundation
import Testing
import WhichtokImport
import WhichtokScrape
import WhichtokStore
import WhichtokTestSupport

/// The point of recording HAR: a live collection imports like any browser capture.
@Suite("Scraped HAR imports into the store")
struct ImportRoundTripTests {
    @Test("importing the HAR yields the expected accounts, videos, comments and follows")
    func importScrapedHAR() throws {
        let scratch = try TemporaryFolder()
        let run = try ScrapeHarness(limits: ScraperTests.fullLimits).run([user("alice")], scratch: scratch)
        #expect(run.report.allComplete)

        // The HAR names the mock's host (what the scraper really asked); the importer takes any
        // host from a HAR that whichtok itself recorded.
        let recorded = try String(contentsOfFile: run.harPath, encoding: .utf8)
        #expect(recorded.contains(run.baseURL + "/@alice"))
        let harPath = run.harPath

        let imported = Importer(limits: ImportLimits(), parallelism: 1).run(paths: [harPath])
        #expect(imported.missing.isEmpty)
        #expect(imported.rejectedCount == 0, "\(imported.summaries.flatMap(\.diagnostics).map(\.description))")
        var builder = StoreBuilder(store: Store())
        for batch in imported.batches { builder.add(batch) }
        let store = builder.build()
        // The store survives a save and a load, as `whichtok scrape --import` leaves it.
        let path = scratch.file("scraped.store")
        try store.save(to: path)
        let loaded = try Store.loadOrEmpty(from: path)
        #expect(loaded == store)

        // Accounts: the profile, the commenters, the followers and the followed, by username and id.
        var accountByName: [String: RowID] = [:]
        for row in 0..<store.accounts.count {
            if let name = store.strings[store.accounts.username[row]] { accountByName[name] = RowID(row) }
        }
        let everyone = [
            MockTikTok.alice, MockTikTok.bob, MockTikTok.carol, MockTikTok.dave, MockTikTok.erin, MockTikTok.gina,
            MockTikTok.hank,
        ]
        for person in everyone {
            let row = try #require(accountByName[person.name], "account \(person.name) missing")
            #expect(store.accounts.numericID[Int(row)] == UInt64(person.id))
        }
        let alice = try #require(accountByName["alice"])

        // Videos: alice's five posts, by id, authored by alice.
        let videoIDs = Set(store.videos.tiktokID)
        #expect(videoIDs == Set(MockTikTok.aliceVideos.compactMap { UInt64($0.id) }))
        for row in 0..<store.videos.count { #expect(store.videos.author[row] == alice) }

        // Comments: four top-level comments and two replies under the first one.
        let commentIDs = Set(store.comments.tiktokID)
        let expectedComments = (MockTikTok.comments + MockTikTok.replies).compactMap { UInt64($0.cid) }
        #expect(commentIDs == Set(expectedComments))
        let firstComment = try #require(store.comments.tiktokID.firstIndex(of: 7_400_000_000_000_000_001))
        for reply in MockTikTok.replies {
            let row = try #require(store.comments.tiktokID.firstIndex(of: UInt64(reply.cid) ?? 0))
            #expect(store.comments.parent[row] == RowID(firstComment))
        }

        // Follows: followers of alice follow her; alice follows the accounts she follows.
        var follows = Set<String>()
        for index in 0..<store.events.count
        where store.events.kind[index] == EventKind.followed.rawValue
            && store.events.objectType[index] == ObjectType.account.rawValue
        {
            follows.insert(
                store.label(ofAccount: store.events.actor[index]) + "->"
                    + store.label(ofAccount: store.events.object[index]))
        }
        #expect(follows == ["bob->alice", "carol->alice", "dave->alice", "alice->carol", "alice->erin"])
    }
}
