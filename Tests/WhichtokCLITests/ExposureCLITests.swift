import Foundation
import Testing
import WhichtokTestSupport

@Suite("whichtok exposure", .serialized)
struct ExposureCLITests {
    /// A synthetic study (16 donors, some diverse and drifting) imported into a store, once.
    static let studyFolder = try? TemporaryFolder("exposure-cli")
    static let study: (dir: String, store: String)? = {
        guard let scratch = studyFolder,
            let synth = try? Whichtok.run([
                "synth", "--out", scratch.file("synth"), "--donors", "16", "--events", "6000", "--seed", "7",
                "--captures", "1",
            ]), synth.status == 0,
            let imported = try? Whichtok.run([
                "import", "--quiet", "--store", scratch.file("s.store"), scratch.file("synth"),
            ]),
            imported.status == 0
        else { return nil }
        return (scratch.path, scratch.file("s.store"))
    }()

    func store() throws -> String { try #require(Self.study, "synth or import failed").store }

    func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("--json prints the contract's keys, niche ids are analyze's, and the same store gives the same bytes")
    func jsonContract() throws {
        let store = try store()
        let result = try Whichtok.run(["exposure", "--store", store, "--json"])
        try #require(result.status == 0, "\(result.stderr)")
        let json = try object(result.stdout)
        for key in ["parameters", "period", "niches", "coverage", "donors", "closure", "flows"] {
            #expect(json[key] != nil, "\(key)")
        }
        #expect(json["period"] as? String == "month")
        let parameters = try #require(json["parameters"] as? [String: Any])
        #expect(parameters["kinds"] as? [String] == ["watched", "liked", "favorited", "shared"])
        #expect((parameters["graph"] as? [String: Any])?["kind"] as? String == "shared-space")
        let niches = try #require(json["niches"] as? [[String: Any]])
        try #require(!niches.isEmpty)
        for key in ["id", "label", "size"] { #expect(niches[0][key] != nil, "niches[].\(key)") }
        let coverage = try #require(json["coverage"] as? [String: Any])
        let events = try #require(coverage["events"] as? Int)
        let assigned = try #require(coverage["assigned"] as? Int)
        #expect(events > 0 && assigned > 0 && assigned <= events)
        let donors = try #require(json["donors"] as? [[String: Any]])
        #expect(donors.count == 16)
        for key in [
            "label", "niche", "events", "assigned", "dominant", "shares", "entropy", "effective_niches", "own_share",
            "periods", "shifts",
        ] {
            #expect(donors[0][key] != nil, "donors[].\(key)")
        }
        #expect(donors.reduce(0) { $0 + ($1["events"] as? Int ?? 0) } == events)
        let share = try #require((donors[0]["shares"] as? [[String: Any]])?.first)
        #expect(share["niche"] as? Int != nil && share["share"] as? Double != nil)
        let period = try #require((donors[0]["periods"] as? [[String: Any]])?.first)
        for key in ["start", "events", "assigned", "dominant", "shares"] {
            #expect(period[key] != nil, "periods[].\(key)")
        }
        let start = try #require(period["start"] as? String)
        #expect(start.count == 10 && start.hasSuffix("-01"))
        let shifts = donors.flatMap { $0["shifts"] as? [[String: Any]] ?? [] }
        try #require(!shifts.isEmpty, "the planted drifts show as shifts")
        for key in ["start", "from", "to", "divergence"] { #expect(shifts[0][key] != nil, "shifts[].\(key)") }
        let closure = try #require(json["closure"] as? [[String: Any]])
        for key in ["niche", "members", "closure"] { #expect(closure.first?[key] != nil, "closure[].\(key)") }

        // A donor's niche is its community in `analyze --json` with the same graph options.
        let analysis = try Whichtok.run(["analyze", "--store", store, "--json"])
        let nodes = try #require(try object(analysis.stdout)["nodes"] as? [[String: Any]])
        var community: [String: Int] = [:]
        for node in nodes {
            if let label = node["label"] as? String, let c = node["community"] as? Int { community[label] = c }
        }
        for donor in donors {
            let label = try #require(donor["label"] as? String)
            #expect(donor["niche"] as? Int == community[label], "\(label)")
        }
        let again = try Whichtok.run(["exposure", "--store", store, "--json"])
        #expect(again.stdout == result.stdout)
    }

    @Test("--csv writes donors.csv and donor_periods.csv; the human report has both tables")
    func csvAndReport() throws {
        let store = try store()
        let scratch = try TemporaryFolder()
        let folder = scratch.file("out")
        let result = try Whichtok.run(["exposure", "--store", store, "--csv", folder, "--period", "quarter"])
        try #require(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("donor "))
        #expect(result.stdout.contains("closure"))
        let donors = String(decoding: try #require(scratch.bytes("out/donors.csv")), as: UTF8.self)
        let donorLines = donors.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(donorLines.count == 17)
        #expect(donorLines.first?.hasPrefix("donor,niche,events,assigned,coverage,dominant") == true)
        let periods = String(decoding: try #require(scratch.bytes("out/donor_periods.csv")), as: UTF8.self)
        let periodLines = periods.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(periodLines.first == "donor,period,niche,share,events,period_assigned,period_events")
        #expect(periodLines.count > 17)
        // Quarters start on the first of January, April, July or October.
        for line in periodLines.dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            let day = fields.count >= 7 ? String(fields[fields.count - 6]) : ""
            #expect(["-01-01", "-04-01", "-07-01", "-10-01"].contains { day.hasSuffix($0) }, "\(line)")
        }
    }

    @Test("usage errors exit 64, a missing store 66, a CSV folder that cannot be made 73")
    func exitCodes() throws {
        let store = try store()
        let scratch = try TemporaryFolder()
        #expect(try Whichtok.run(["exposure", "--store", store, "--period", "year"]).status == 64)
        #expect(try Whichtok.run(["exposure", "--store", store, "--kinds", "watched,nonsense"]).status == 64)
        #expect(try Whichtok.run(["exposure", "--store", store, "--graph-kinds", "nonsense"]).status == 64)
        #expect(try Whichtok.run(["exposure", "--store", store, "--min-period-events", "0"]).status == 64)
        #expect(try Whichtok.run(["exposure", "--edgelist", scratch.file("none.txt")]).status == 64)
        #expect(try Whichtok.run(["exposure", "--store", scratch.file("none.store")]).status == 66)
        try Data("x".utf8).write(to: URL(fileURLWithPath: scratch.file("file")))
        #expect(try Whichtok.run(["exposure", "--store", store, "--csv", scratch.file("file")]).status == 73)
        // --kinds chooses the measured events, --graph-kinds the graph's.
        let watched = try Whichtok.run(["exposure", "--store", store, "--json", "--kinds", "watched"])
        try #require(watched.status == 0)
        let parameters = try #require(try object(watched.stdout)["parameters"] as? [String: Any])
        #expect(parameters["kinds"] as? [String] == ["watched"])
        #expect((parameters["graph"] as? [String: Any])?["kinds"] as? [String] != ["watched"])
    }
}
