import Foundation
import Testing
import WhichtokTestSupport

@Suite("whichtok import of web captures", .serialized)
struct HARCLITests {
    @Test("a HAR's summary line names what it yielded and why entries yielded nothing; a broken HAR is rejected alone")
    func summaryAndRejection() throws {
        let scratch = try TemporaryFolder("cli")
        let synth = try Whichtok.run([
            "synth", "--out", scratch.file("s"), "--donors", "4", "--events", "600", "--communities", "1",
            "--seed", "9", "--captures", "1", "--capture-videos", "12",
        ])
        #expect(synth.status == 0, "synth failed: \(synth.stderr)")
        let capture = scratch.file("s/web-capture-000-chrome.har")
        #expect(FileManager.default.fileExists(atPath: capture))
        _ = FileManager.default.createFile(
            atPath: scratch.file("broken.har"), contents: Data("{\"log\": {\"entries\": [{\"request\": {\"url\": ".utf8)
        )
        let store = scratch.file("h.store")
        let result = try Whichtok.run(["import", "--store", store, capture, scratch.file("broken.har")])
        #expect(result.status == 65)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let imported = try #require(
            lines.first { $0.hasPrefix("imported") && $0.contains("web-capture-000-chrome.har") })
        #expect(imported.contains("[har-chrome]"))
        #expect(imported.contains("entries read (comment lists"))
        #expect(imported.contains("videos,") && imported.contains("accounts,") && imported.contains("comments"))
        #expect(imported.contains("yielded nothing ("))
        #expect(imported.contains("bot answer (empty 200) 1"))
        #expect(imported.contains("other host 2"))
        #expect(lines.contains { $0.hasPrefix("rejected") && $0.contains("broken.har") })
        #expect(result.stderr.contains("broken.har") && result.stderr.contains("offset"))
        // The capture was imported and saved; the broken file was not.
        let stats = try Whichtok.run(["stats", "--json", "--store", store])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
        #expect(json["inputs"] as? Int == 1)
        #expect((json["videos"] as? Int ?? 0) > 0)
    }
}
