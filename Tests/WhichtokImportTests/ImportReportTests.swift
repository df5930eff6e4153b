import Foundation
import Testing
import WhichtokStore

@testable import WhichtokImport

/// Reads archive entries given as bytes (which may be invalid UTF-8), as the importer would.
private func readArchiveBytes(_ entries: [(path: String, bytes: [UInt8])]) -> ImportBatch {
    var batch = ImportBatch(inputName: "test.zip", sha256: Array(repeating: 0xAB, count: 32))
    var reader = TikTokArchiveReader(parser: JSONParser())
    for entry in entries where TikTokArchiveReader.wants(entryPath: entry.path) {
        reader.read(entryPath: entry.path, bytes: PaddedBytes(entry.bytes), into: &batch)
    }
    _ = reader.finish(into: &batch)
    return batch
}

@Suite("Import: what the summary and the warnings say")
struct ImportReportTests {
    @Test("the names not understood are kept up to 20, in the order found; the rest are counted")
    func notUnderstoodIsCapped() {
        let unknown = (0..<50).map { String(format: "Unknown Root %02d", $0) }
        let document =
            #"{"Profile": {"Profile Information": {"ProfileMap": {"userName": "ann"}}}, "#
            + #""Activity": {"Following List": {"Following": [{"Date": "2021-01-03 03:04:05", "UserName": "bo"}]}}, "#
            + unknown.map { #""\#($0)": {"x": 1}"# }.joined(separator: ", ") + "}"
        let (batch, recognised) = readArchive([("user_data.json", document)])
        #expect(recognised)
        #expect(batch.unknownSections == Array(unknown.prefix(20)))
        #expect(batch.unknownSectionsOmitted == 30)
        // Names already kept are not counted again.
        var again = batch
        again.addUnknownSection("Unknown Root 03")
        #expect(again.unknownSections.count == 20 && again.unknownSectionsOmitted == 30)
    }

    @Test("invalid UTF-8 in a TXT export: one warning with the file, the first line and the count; records kept")
    func invalidUTF8InTXT() throws {
        let path = "TikTok_Data_1/Tiktok/Activity/Following.txt"
        var following = utf8("Date: 2024-01-02 03:04:05 UTC\nUsername: carol\n\n")
        following += utf8("Date: 2024-01-03 03:04:05 UTC\nUsername: d") + [0xFF] + utf8("ve\n\n")
        following += utf8("Date: 2024-01-04 03:04:05 UTC\nUsername: er") + [0xC3] + utf8("in\n")
        let batch = readArchiveBytes([
            ("TikTok_Data_1/Tiktok/Profile/Profile Info.txt", utf8("Username: owner\n")), (path, following),
        ])
        #expect(batch.count(.followed) == 3)
        #expect(batch.accountRow("d\u{FFFD}ve") != nil)
        let warning = try #require(batch.warnings.first { $0.message.contains("UTF-8") })
        #expect(batch.warnings.filter { $0.message.contains("UTF-8") }.count == 1)
        #expect(warning.entry == path)
        #expect(warning.position == "line 5")
        #expect(warning.message == "2 lines are not valid UTF-8; read with U+FFFD in place of the invalid bytes")
        #expect(!warning.description.contains("ve") && !warning.description.contains("carol"))
        // A valid file says nothing.
        let clean = readArchiveBytes([(path, utf8("Date: 2024-01-02 03:04:05 UTC\nUsername: zoë\n"))])
        #expect(!clean.warnings.contains { $0.message.contains("UTF-8") })
    }

    @Test("UTF-8 validation: ASCII runs, every sequence length, and the forms RFC 3629 forbids")
    func utf8Validation() {
        func valid(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBytes { ArchiveBytes.isValidUTF8($0) } }
        #expect(valid([]))
        #expect(valid(utf8(String(repeating: "plain ascii ", count: 9) + "é€𝄞 and more ascii after")))
        #expect(!valid(utf8("twelve bytes") + [0x80]))  // a lone continuation byte
        #expect(!valid([0xC0, 0xAF]))  // overlong '/'
        #expect(!valid([0xE0, 0x80, 0xAF]))  // overlong
        #expect(!valid([0xED, 0xA0, 0x80]))  // a surrogate
        #expect(!valid([0xF4, 0x90, 0x80, 0x80]))  // beyond U+10FFFF
        #expect(!valid([0xE2, 0x82]))  // cut short
        #expect(valid([0xF0, 0x9F, 0x8E, 0x89]))
    }

    @Test("a share record without a video id is counted in the summary, not warned about")
    func sharesWithoutVideoAreCounted() throws {
        let export = """
            {"Profile": {"Profile Information": {"ProfileMap": {"userName": "ann"}}},
             "Activity": {"Share History": {"ShareHistoryList": [
               {"Date": "2024-12-02 10:00:00", "SharedContent": "video", "Link": "https://www.tiktokv.com/share/video/7444705554666130708/", "Method": "copy"},
               {"Date": "1969-12-31 23:59:59", "SharedContent": "video", "Link": "https://www.tiktok.com/", "Method": "copy"},
               {"Date": "1969-12-31 23:59:59", "SharedContent": "video", "Link": "https://www.tiktok.com/foryou?lang=en-GB", "Method": "more"},
               {"Date": "2024-12-02 11:00:00", "SharedContent": "video", "Link": "no link here", "Method": "copy"}
             ]}}}
            """
        let (summary, batch) = try importFiles([
            ("TikTok_Data_1/user_data_tiktok.json", export), ("TikTok_Data_1/readme.md", "x"),
        ])
        #expect(summary.status == .imported)
        #expect(try #require(batch).count(.shared) == 1)
        #expect(summary.recordsSetAside == ["share without a video id": 2])
        // Only what the researcher should look at is a warning: the record whose link is no link.
        let shareWarnings = summary.diagnostics.filter { ($0.position ?? "").contains("Share History") }
        #expect(shareWarnings.map(\.message) == ["1 link without a video id skipped"])
    }

    @Test("a HAR body that decodes to binary is a binary body, not a body cut short or invalid JSON")
    func binaryBodies() throws {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + noise(300)
        let protobuf: [UInt8] = [0x08, 0x96, 0x01, 0x12, 0x07] + utf8("testing") + noise(40, seed: 3)
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + utf8("JFIF") + noise(100, seed: 5)
        var har = HAR(.chrome)
        har.add(api("post/item_list/"), body: Web.itemList([Web.item()]))
        har.add(api("recommend/item_list/"), binary: png)
        // Declared longer than it is: the old reader called this a body cut short.
        har.add(api("post/item_list/"), binary: protobuf, size: protobuf.count * 4)
        har.add("https://www.tiktok.com/@handle", binary: jpeg, mimeType: "text/html; charset=utf-8")
        let (summary, batch) = try importHAR(har)
        #expect(batch.videos.count == 1)
        #expect(summary.skippedEntries == ["binary body": 3])
        #expect(summary.diagnostics.isEmpty, "\(summary.diagnostics)")
        // Text cut short is still told apart from binary.
        #expect(!utf8(#"{"itemList": [{"id": "74447055546661"#).withUnsafeBytes(WebCaptureReader.isBinary))
        #expect(png.withUnsafeBytes(WebCaptureReader.isBinary))
        let longText = utf8(String(repeating: "é", count: 300))  // the 512-byte window cuts an é in two
        #expect(!longText.withUnsafeBytes(WebCaptureReader.isBinary))
    }
}
