import Foundation
import Testing
import WhichtokImport
import WhichtokStore
import WhichtokTestSupport

@testable import WhichtokScrape

/// What `scrape research --import` relies on: the HAR the Research API client records imports
/// into the store with every record in place, the subject of each list taken from the request body.
@Suite("Research API HAR imports into the store")
struct ResearchImportRoundTripTests {
    @Test("alice's follows, likes, reposts and pins and a video's comments arrive as events and rows")
    func roundTrip() throws {
        let scratch = try TemporaryFolder()
        var harness = ResearchHarness()
        harness.lists = ResearchUserLists(followers: 250, following: 3, liked: 150, pinned: true, reposted: 120)
        let run = try harness.run(
            [.user("alice"), .comments(MockResearchAPI.smallVideo)], scratch: scratch)
        #expect(run.report.allComplete, "\(run.report.targets)")

        let imported = Importer(limits: ImportLimits(), parallelism: 1).run(paths: [run.harPath])
        #expect(imported.rejectedCount == 0, "\(imported.summaries.flatMap(\.diagnostics).map(\.description))")
        var builder = StoreBuilder(store: Store())
        for batch in imported.batches { builder.add(batch) }
        let store = builder.build()

        var rowByName: [String: Int] = [:]
        for row in 0..<store.accounts.count {
            if let name = store.strings[store.accounts.username[row]] { rowByName[name] = row }
        }
        let alice = try #require(rowByName["alice"])
        func count(_ kind: EventKind, where test: (_ actor: Int, _ object: Int) -> Bool) -> Int {
            (0..<store.events.count).filter {
                store.events.kind[$0] == kind.rawValue
                    && test(Int(store.events.actor[$0]), Int(store.events.object[$0]))
            }.count
        }
        let account = ObjectType.account.rawValue
        let followers = (0..<store.events.count).filter {
            store.events.kind[$0] == EventKind.followed.rawValue && store.events.objectType[$0] == account
                && Int(store.events.object[$0]) == alice
        }.count
        #expect(followers == MockResearchAPI.followerCount)
        #expect(count(.followed) { actor, _ in actor == alice } == 3)
        #expect(count(.liked) { actor, _ in actor == alice } == MockResearchAPI.likedCount)
        #expect(count(.shared) { actor, _ in actor == alice } == MockResearchAPI.repostCount)
        // The small video's five comments, linked to it; the API names no comment authors.
        let small = try #require(store.videos.tiktokID.firstIndex(of: MockResearchAPI.smallVideo))
        #expect(store.comments.video.filter { Int($0) == small }.count == 5)
    }
}
