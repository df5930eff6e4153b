import Testing
import WhichtokStore

@testable import WhichtokImport

/// Inputs `make fuzz` found crashing (Fuzz/README.md), each reduced to what made it crash.
@Suite("Fuzzing regressions")
struct FuzzRegressionTests {
    /// fuzz-txt: 13 digits of epoch milliseconds past 2106 trapped converting the seconds to UInt32.
    @Test(arguments: [
        ("4294967295999", ArchiveDate.Parsed.time(UInt32.max)),
        ("4294967296000", .invalid),
        ("8095145595608", .invalid),
        ("9999999999999", .invalid),
    ])
    func epochMillisecondsPast2106(_ text: String, _ expected: ArchiveDate.Parsed) {
        #expect(ArchiveDate.parse(text) == expected)
    }

    /// The same date in a TXT file and in a JSON export: that record keeps an unknown time and a
    /// warning says so; the rest of the file is read.
    @Test func farFutureMillisecondsInAnExport() throws {
        let txt = readArchive([
            (
                "TikTok_Data_1/Tiktok/Activity/Browsing History.txt",
                "Date: 8095145595608\nLink: \(shareLink(7_377_113_739_878_327_830))\n\n"
                    + "Date: 2024-09-24 10:33:00 UTC\nLink: \(shareLink(7_377_113_739_878_327_831))\n"
            )
        ])
        #expect(txt.recognised)
        #expect(txt.batch.eventCount == 2)
        #expect(txt.batch.diagnostics.contains { $0.message.contains("1 unparsable date") })

        let json = readArchive([
            (
                "user_data_tiktok.json",
                """
                {"Activity": {"Video Browsing History": {"VideoList": [
                  {"Date": "8095145595608", "Link": "\(shareLink(7_377_113_739_878_327_830))"},
                  {"Date": "2024-09-24 10:33:00", "Link": "\(shareLink(7_377_113_739_878_327_831))"}
                ]}}}
                """
            )
        ])
        #expect(json.recognised)
        #expect(json.batch.eventCount == 2)
        #expect(json.batch.diagnostics.contains { $0.message.contains("1 unparsable date") })
    }
}
