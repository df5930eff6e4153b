import Foundation
import Testing
import WhichtokTestSupport

@Suite("whichtok import: the summary line")
struct ImportSummaryCLITests {
    @Test("names at most 20 sections not understood and counts the rest; counts shares without a video id")
    func cappedAndCounted() throws {
        let scratch = try TemporaryFolder("cli")
        let unknown = (0..<50).map { String(format: "Unknown Root %02d", $0) }
        let export =
            #"{"Profile": {"Profile Information": {"ProfileMap": {"userName": "ann"}}}, "Activity": {"#
            + #""Following List": {"Following": [{"Date": "2021-01-03 03:04:05", "UserName": "bo"}]}, "#
            + #""Share History": {"ShareHistoryList": [{"Date": "1969-12-31 23:59:59", "SharedContent": "video", "#
            + #""Link": "https://www.tiktok.com/", "Method": "copy"}, {"Date": "1969-12-31 23:59:59", "#
            + #""SharedContent": "video", "Link": "https://www.tiktok.com/foryou", "Method": "more"}]}}, "#
            + unknown.map { #""\#($0)": {"x": 1}"# }.joined(separator: ", ") + "}"
        let input = scratch.file("user_data.json")
        try Data(export.utf8).write(to: URL(fileURLWithPath: input))
        let result = try Whichtok.run(["import", "--store", scratch.file("a.store"), input])
        #expect(result.status == 0, "\(result.stderr)")
        let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("imported") })
        #expect(line.hasSuffix("; not understood: " + unknown.prefix(20).joined(separator: ", ") + " and 30 more"))
        #expect(line.contains("; 2 shares without a video id;"))
        #expect(!result.stderr.contains("Share History"))
    }
}
