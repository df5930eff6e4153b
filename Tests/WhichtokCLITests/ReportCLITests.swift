import Foundation
import Testing
import WhichtokTestSupport

@Suite("whichtok report", .serialized)
struct ReportCLITests {
    /// A synthetic study (12 donors) imported into a store, once.
    static let folder = try? TemporaryFolder("report-cli")
    static let store: String? = {
        guard let folder,
            let synth = try? Whichtok.run([
                "synth", "--out", folder.file("synth"), "--donors", "12", "--events", "4000", "--seed", "5",
                "--captures", "1",
            ]), synth.status == 0,
            let imported = try? Whichtok.run([
                "import", "--quiet", "--store", folder.file("s.store"), folder.file("synth"),
            ]),
            imported.status == 0
        else { return nil }
        return folder.file("s.store")
    }()

    @Test("writes whichtok-report.html by default, the same bytes again, and refuses to overwrite the store")
    func writes() throws {
        let store = try #require(Self.store, "synth or import failed")
        let work = try TemporaryFolder("report-cli-run")
        let first = try Whichtok.run(["report", "--store", store], in: work.path)
        try #require(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("wrote whichtok-report.html"))
        let html = try #require(work.bytes("whichtok-report.html"))
        let text = String(decoding: html, as: UTF8.self)
        #expect(text.hasPrefix("<!DOCTYPE html>"))
        #expect(text.contains("<section id=\"exposure\""), "12 donors: the exposure section is there")
        #expect(text.contains("whichtok report --store s.store -o whichtok-report.html"))
        let digest = try #require(Self.sha256(store))
        #expect(text.contains(digest), "the store's SHA-256 is in the report")

        // Same store and options, another file name and folder: the same bytes but for the file name.
        let second = try Whichtok.run(["report", "--store", store, "--quiet", "-o", work.file("again.html")])
        try #require(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.isEmpty)
        let again = String(decoding: try #require(work.bytes("again.html")), as: UTF8.self)
        #expect(again.replacingOccurrences(of: "again.html", with: "whichtok-report.html") == text)
        let third = try Whichtok.run(["report", "--store", store, "--quiet", "-o", "-"])
        // To standard output: the same page up to "How this was made", which names the output.
        func beforeProvenance(_ page: String) -> String {
            page.components(separatedBy: "<section id=\"made\"")[0]
        }
        #expect(third.status == 0)
        #expect(beforeProvenance(third.stdout) == beforeProvenance(text))
        #expect(third.stdout.contains("-o -"))

        // Options change the report: another resolution is a different partition and command line.
        let other = try Whichtok.run(["report", "--store", store, "--quiet", "--resolution", "2", "-o", "-"])
        try #require(other.status == 0)
        #expect(other.stdout.contains("--resolution 2.0"))

        let refused = try Whichtok.run(["report", "--store", store, "-o", store])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("refusing to overwrite"))
        let missing = try Whichtok.run(["report", "--store", work.file("none.store"), "-o", work.file("x.html")])
        #expect(missing.status == 66)
        #expect(work.bytes("x.html") == nil)
    }

    /// The SHA-256 of a file, from `sha256sum` (nil when it is missing).
    static func sha256(_ path: String) -> String? {
        guard let tool = ExternalTool.onPath("sha256sum"),
            let result = try? ChildProcess.run(tool, [path], timeout: 60), result.status == 0
        else { return nil }
        return result.stdout.split(separator: " ").first.map(String.init)
    }
}
