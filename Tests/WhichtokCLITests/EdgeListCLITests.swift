import Foundation
import Testing
import WhichtokTestSupport

/// `whichtok analyze --edgelist` on weights at a float's limits, dropped lines and unreadable paths
/// (issue 11).
@Suite("whichtok analyze --edgelist")
struct EdgeListCLITests {
    func analyze(_ text: String, _ extra: [String] = []) throws -> ProcessOutput {
        let scratch = try TemporaryFolder("cli")
        let path = scratch.file("graph.txt")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try Whichtok.run(["analyze", "--edgelist", path] + extra)
    }

    @Test("a weight of 1e19 is analysed, not a crash, in the report and in JSON")
    func hugeWeight() throws {
        let report = try analyze("a b 1e19\nb c 1\nc a 1\n")
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("total weight 9.99999998"))
        let json = try analyze("a b 1e19\nb c 1\nc a 1\n", ["--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let graph = try #require(object["graph"] as? [String: Any])
        #expect(((graph["total_weight"] as? Double) ?? 0) > 9e18)
        #expect(json.stderr.contains("1 integer weight above 16777216 rounded"))
    }

    @Test("weights a float cannot hold exit 65 naming the file and line")
    func outOfRange() throws {
        for weight in ["1e100", "1e-100"] {
            let result = try analyze("a b 1\nb c \(weight)\n")
            #expect(result.status == 65, "\(weight)")
            #expect(result.stderr.contains("graph.txt:2: weight '\(weight)'"), "\(result.stderr)")
        }
    }

    @Test("self-loops and zero weights are counted in warnings")
    func droppedWarnings() throws {
        let result = try analyze("a a 1\nb c 0\na b 1\nb b\nc d 0\nb c 2\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("graph.txt: 2 self-loops dropped (first on line 1)"), "\(result.stderr)")
        #expect(result.stderr.contains("graph.txt: 2 edges of weight 0 dropped (first on line 2)"), "\(result.stderr)")
    }

    @Test("a username holding a right-to-left override (U+202E) is printed escaped, not reversing the line")
    func bidiOverrideEscaped() throws {
        let name = "evil\u{202E}gnp.exe"
        let result = try analyze("\(name) bob 1\nbob carol 1\ncarol \(name) 1\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("evil\\u{202e}gnp.exe"), "\(result.stdout)")
        #expect(!result.stdout.unicodeScalars.contains("\u{202E}"))
    }

    @Test("a directory exits 65 with the system's reason; a missing file 66 with it")
    func unreadable() throws {
        let scratch = try TemporaryFolder("cli")
        let directory = try Whichtok.run(["analyze", "--edgelist", scratch.path])
        #expect(directory.status == 65)
        #expect(directory.stderr.contains(scratch.path + ": cannot read: Is a directory"), "\(directory.stderr)")
        let missing = try Whichtok.run(["analyze", "--edgelist", scratch.file("none.txt")])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("none.txt: cannot open: No such file or directory"), "\(missing.stderr)")
    }
}
