import Testing
import WhichtokStore
import WhichtokTestSupport

@testable import WhichtokImport

@Suite("TXT exports of early 2022")
struct ArchiveTXT2022Tests {
    static let watchedID: UInt64 = 7_050_000_000_000_000_001
    static let sharedID: UInt64 = 7_050_000_000_000_000_002
    static let likedID: UInt64 = 7_050_000_000_000_000_003

    /// The file names of a real early-2022 TXT export: `Video Browsing.txt`, `Sharing.txt`,
    /// `Likes.txt`, and the `Ads and data/` files, empty sections as 0-byte files.
    static let files: [(name: String, text: String)] = [
        (
            "TikTok_Data_1644000000/Activity/Video Browsing.txt",
            "Date: 2022-01-30 10:00:00\nVideo Link: \(shareLink(watchedID))\n\n"
                + "Date: 2022-01-30 10:01:00\nVideo Link: \(shareLink(likedID))\n"
        ),
        (
            "TikTok_Data_1644000000/Activity/Sharing.txt",
            "Date: 2022-01-30 11:00:00\nShared Content: video\nLink: \(shareLink(sharedID))\nMethod: copy\n"
        ),
        ("TikTok_Data_1644000000/Activity/Likes.txt", "Date: 2022-01-30 10:02:00\nVideo Link: \(shareLink(likedID))\n"),
        ("TikTok_Data_1644000000/Activity/Searches.txt", ""),
        ("TikTok_Data_1644000000/Ads and data/Ads_Based_On_Data_Received_from_Partners.txt", ""),
        ("TikTok_Data_1644000000/Ads and data/Usage_Data_from_Third-party Apps and Websites.txt", ""),
        ("TikTok_Data_1644000000/Profile/Profile Info.txt", "Username: early_donor\nBirthdate: 01-Jan-2000\n"),
    ]

    @Test("Video Browsing, Sharing and Likes become watch, share and like records; the ads files are skipped")
    func layout2022() throws {
        let (summary, batch) = try importFiles(Self.files, inputName: "early2022.zip")
        let imported = try #require(batch, "rejected: \(summary.diagnostics)")
        #expect(summary.layout == "txt-2022")
        #expect(summary.unknownSections.isEmpty)
        #expect(summary.sectionCounts["Watch History"] == 2)
        #expect(summary.sectionCounts["Share History"] == 1)
        #expect(summary.sectionCounts["Likes"] == 1)
        #expect(
            summary.skippedSections.keys.sorted() == ["Ads Based on Partner Data", "Third-party App and Website Usage"])
        #expect(imported.count(.watched) == 2)
        #expect(imported.count(.shared) == 1)
        #expect(imported.count(.liked) == 1)
        #expect(imported.ownerName == "early_donor")
        let shared = try #require(imported.events(.shared).first)
        #expect(shared.object == imported.videoRow(id: Self.sharedID))
        #expect(shared.time == utc(2022, 1, 30, 11))
        let store = Fixture.build([imported])
        #expect(store.video(id: Self.watchedID) != nil)
    }
}
