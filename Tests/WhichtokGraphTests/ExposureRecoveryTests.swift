import Foundation
import Testing
import WhichtokStore
import WhichtokTestSupport

@testable import WhichtokGraph

/// The planted exposure of `whichtok synth`, recovered by the exposure measures on the shared-space
/// graph's niches: a synth store is made with the binary, then measured with the library.
@Suite("Planted exposure of whichtok synth", .serialized)
struct ExposureRecoveryTests {
    /// A planted donor, from `ground-truth.tsv`.
    struct Planted {
        var community: Int
        var exposure: String
        var driftCommunity: Int?
        var driftDay: String?
    }

    @Test("steady, diverse and drifting feeds are recovered within the issue's thresholds")
    func recovery() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "whichtok-exposure-synth-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let archives = directory.appendingPathComponent("archives").path
        let storePath = directory.appendingPathComponent("synth.store").path
        let synth = try Whichtok.run([
            "synth", "--out", archives, "--donors", "120", "--events", "120000", "--communities", "4", "--seed", "11",
        ])
        try #require(synth.status == 0)
        try #require(try Whichtok.run(["import", "--quiet", "--store", storePath, archives]).status == 0)

        // account → community (every planted account); donors → their planted exposure.
        var community: [String: Int] = [:]
        var donors: [String: Planted] = [:]
        let truth = try String(contentsOfFile: archives + "/ground-truth.tsv", encoding: .utf8)
        for line in truth.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 6, let c = Int(fields[1]) else { continue }
            community[fields[0]] = c
            if fields[2] == "donor" {
                donors[fields[0]] = Planted(
                    community: c, exposure: fields[3], driftCommunity: Int(fields[4]),
                    driftDay: fields[5].isEmpty ? nil : fields[5])
            }
        }

        let store = try Store.load(from: storePath)
        let graph = GraphFilter().apply(to: GraphBuilder.sharedSpace(store))
        let analysis = Analysis(graph, store: store)
        let exposure = Exposure(analysis: analysis, store: store)

        // Each niche stands for the planted community most of its labelled nodes belong to.
        var votes: [Int: [Int: Int]] = [:]
        for u in 0..<graph.nodeCount {
            guard let c = community[graph.label(of: u, in: store)] else { continue }
            votes[Int(analysis.leiden.membership[u]), default: [:]][c, default: 0] += 1
        }
        func planted(_ niche: UInt32?) -> Int? {
            guard let niche, let tally = votes[Int(niche)] else { return nil }
            return tally.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key
        }

        var steady = 0
        var steadyRight = 0
        var steadyShifted = 0
        var drifting = 0
        var driftFound = 0
        var steadyEffective: [Double] = []
        var diverseEffective: [Double] = []
        for donor in exposure.donors {
            let label = store.label(ofAccount: donor.account)
            let plan = try #require(donors[label], "\(label) is not in the ground truth")
            switch plan.exposure {
            case "steady":
                steady += 1
                if planted(donor.dominant) == plan.community { steadyRight += 1 }
                if !donor.shifts.isEmpty { steadyShifted += 1 }
                if let value = donor.effectiveNiches { steadyEffective.append(value) }
            case "diverse":
                if let value = donor.effectiveNiches { diverseEffective.append(value) }
            case "drifting":
                drifting += 1
                let day = try #require(plan.driftDay)
                let time = UInt32(try #require(GroundTruthDate.seconds(day)))
                let driftPeriod = ExposureCalendar.period(of: time, .month)
                let found = donor.shifts.contains { shift in
                    abs(Int(shift.period) - Int(driftPeriod)) <= 1 && planted(shift.to) == plan.driftCommunity
                }
                if found { driftFound += 1 }
            default:
                Issue.record("unknown exposure '\(plan.exposure)' of \(label)")
            }
        }
        let steadyRightShare = Double(steadyRight) / Double(max(1, steady))
        let driftShare = Double(driftFound) / Double(max(1, drifting))
        let falseShiftShare = Double(steadyShifted) / Double(max(1, steady))
        let steadyMean = steadyEffective.reduce(0, +) / Double(max(1, steadyEffective.count))
        let diverseMean = diverseEffective.reduce(0, +) / Double(max(1, diverseEffective.count))
        let coverage = Double(exposure.assigned) / Double(max(1, exposure.events))
        let report =
            "steady \(steadyRight)/\(steady) right, \(steadyShifted) with a false shift; drift found "
            + "\(driftFound)/\(drifting); effective niches steady \(steadyMean), diverse \(diverseMean); coverage \(coverage)"
        #expect(steady >= 80 && drifting >= 12 && diverseEffective.count >= 12, "\(report)")
        #expect(steadyRightShare >= 0.9, "\(report)")
        #expect(driftShare >= 0.8, "\(report)")
        #expect(falseShiftShare <= 0.1, "\(report)")
        #expect(diverseMean > steadyMean, "\(report)")
        #expect((diverseEffective.min() ?? 0) > steadyEffective.sorted()[steadyEffective.count / 2], "\(report)")
        #expect(coverage >= 0.8, "\(report)")
    }
}

/// `YYYY-MM-DD` (midnight UTC) to Unix seconds, for the ground truth's drift dates.
enum GroundTruthDate {
    static func seconds(_ day: String) -> Int? {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return ExposureCalendar.days(year: parts[0], month: parts[1], day: parts[2]) * 86_400
    }
}
