import Foundation
import Testing
import WhichtokImport
import WhichtokTestSupport

@testable import WhichtokSynth

/// The default plan and every donor's archive content, built once for all tests.
struct SynthFixture: Sendable {
    let options = SynthOptions()
    let plan: SynthPlan
    /// Per donor: archive entries (path relative to the archive root, bytes).
    let entries: [[ArchiveEntry]]

    struct ArchiveEntry: Sendable {
        var path: String
        var bytes: [UInt8]
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    static let shared = SynthFixture()

    private init() {
        let plan = SynthPlan(options)
        self.plan = plan
        entries = plan.world.donors.indices.map { index in
            plan.entries(forDonor: index).map { ArchiveEntry(path: $0.path, bytes: $0.bytes) }
        }
    }

    func donors(_ layout: SynthLayout) -> [SynthWorld.Donor] {
        plan.world.donors.filter { $0.layout == layout }
    }

    func entry(_ donor: Int, suffix: String) -> ArchiveEntry? {
        entries[donor].first { $0.path.hasSuffix(suffix) }
    }

    func json(_ donor: Int) throws -> JSONValue {
        let entry = try #require(entries[donor].first { $0.path.hasSuffix(".json") })
        return try StrictJSONParser.parse(entry.bytes)
    }
}

/// `YYYY-MM-DD HH:MM:SS` (optionally ` UTC`) → Unix seconds.
func parseDate(_ text: String) -> Int64? {
    let digits = Array(text.utf8)
    guard digits.count >= 19 else { return nil }
    func number(_ range: Range<Int>) -> Int? {
        var value = 0
        for index in range {
            guard (0x30...0x39).contains(digits[index]) else { return nil }
            value = value * 10 + Int(digits[index] - 0x30)
        }
        return value
    }
    guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
        let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
    else { return nil }
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    let days = era * 146_097 + dayOfEra - 719_468
    return Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
}

/// The 19-digit id of a `tiktokv.com/share/video/<id>/` or `tiktok.com/@user/video/<id>` link.
func videoID(inLink link: String) -> UInt64? {
    guard let range = link.range(of: "/video/") else { return nil }
    return UInt64(link[range.upperBound...].prefix { $0.isNumber })
}

@Suite("Synth generator")
struct SynthTests {
    let fixture = SynthFixture.shared

    @Test("the same options give byte-identical output")
    func deterministic() throws {
        let options = SynthOptions(donors: 10, events: 6000, communities: 3, seed: 7)
        let folderA = try TemporaryFolder("synth-a")
        let folderB = try TemporaryFolder("synth-b")
        let first = folderA.path
        let second = folderB.path
        let reportA = try Synth.generate(options, to: first)
        let reportB = try Synth.generate(options, to: second)
        #expect(reportA.files == reportB.files)
        #expect(reportA.events == reportB.events)
        #expect(!reportA.files.isEmpty)
        for file in reportA.files {
            let a = try #require(FileManager.default.contents(atPath: first + "/" + file))
            let b = try #require(FileManager.default.contents(atPath: second + "/" + file))
            #expect(a == b, "\(file) differs between runs")
        }
        // A different seed gives a different world.
        let other = SynthPlan(SynthOptions(donors: 10, events: 6000, communities: 3, seed: 8))
        #expect(other.world.videos.map(\.id) != SynthPlan(options).world.videos.map(\.id))
    }

    @Test("every layout and container appears in the default output")
    func layouts() throws {
        let layouts = Set(fixture.plan.world.donors.map(\.layout))
        #expect(layouts == Set(SynthLayout.allCases))
        let containers = Set(fixture.plan.world.donors.map(\.container))
        #expect(containers == Set(SynthContainer.allCases))

        for donor in fixture.plan.world.donors {
            let entries = fixture.entries[donor.index]
            let paths = entries.map(\.path)
            switch donor.layout {
            case .jsonG1:
                let document = try fixture.json(donor.index)
                #expect(paths.allSatisfy { $0.hasSuffix("user_data.json") })
                #expect(document.at(["Activity", "Video Browsing History", "VideoList"]) != nil)
                #expect(document.at(["Direct Messages", "Chat History", "ChatHistory"]) != nil)
                let like = document.at(["Activity", "Like List", "ItemFavoriteList"])?.array?.first
                #expect(like == nil || like?["VideoLink"] != nil)
            case .jsonG2:
                let document = try fixture.json(donor.index)
                #expect(paths.allSatisfy { $0.hasSuffix("user_data_tiktok.json") })
                #expect(document.at(["Activity", "Video Browsing History", "VideoList"])?.array?.first?["Link"] != nil)
                #expect(document.at(["Video", "Videos", "VideoList"]) != nil)
                #expect(document.at(["Direct Messages", "Chat History", "ChatHistory"]) != nil)
            case .jsonG3:
                let document = try fixture.json(donor.index)
                #expect(document.at(["Your Activity", "Watch History", "VideoList"]) != nil)
                let like = try #require(document.at(["Your Activity", "Like List", "ItemFavoriteList"])?.array?.first)
                #expect(like["date"] != nil && like["link"] != nil)
                #expect(document.at(["Direct Message", "Direct Messages", "ChatHistory"]) != nil)
                #expect(document.at(["Post", "Posts", "VideoList"]) != nil)
            case .jsonG4:
                let document = try fixture.json(donor.index)
                #expect(document.at(["Likes and Favorites", "Like List", "ItemFavoriteList"]) != nil)
                #expect(
                    document.at(["Profile And Settings", "Profile Info", "ProfileMap", "userName"])?.string
                        == donor.username)
                let comment = try #require(document.at(["Comment", "Comments", "CommentsList"])?.array?.first)
                #expect(comment["date"]?.string?.hasSuffix(" UTC") == true)
                #expect(comment["originalPostUrl"]?.string?.contains("/video/") == true)
            case .jsonPartial:
                let document = try fixture.json(donor.index)
                #expect(document.members?.map(\.0) == ["Activity"])
                #expect(
                    !fixture.entries[donor.index].contains {
                        $0.text.contains("userName") || $0.text.contains(donor.username)
                    })
            case .txt2020:
                let history = try #require(fixture.entry(donor.index, suffix: "Activity/Video Browsing History.txt"))
                #expect(history.text.hasPrefix("Date: "))
                #expect(history.text.contains("\nVideo Link: https://www.tiktokv.com/share/video/"))
                #expect(!history.text.contains(" UTC"))
            case .txt2024:
                let likes = try #require(fixture.entry(donor.index, suffix: "/Tiktok/Activity/Like List.txt"))
                #expect(likes.path == "TikTok_Data_\(donor.exportTime)/Tiktok/Activity/Like List.txt")
                #expect(likes.text.hasPrefix("Date: "))
                #expect(likes.text.contains(" UTC"))
                #expect(likes.text.contains("Link: https://www.tiktokv.com/share/video/"))
                let empty = try #require(fixture.entry(donor.index, suffix: "Activity/Purchases.txt"))
                #expect(
                    empty.text.trimmingCharacters(in: .whitespacesAndNewlines) == "You have no data in this section")
                let messages = try #require(fixture.entry(donor.index, suffix: "Direct Messages/Direct Messages.txt"))
                #expect(
                    messages.text.hasPrefix(">>> Chat History with ") || messages.text.hasPrefix("You have no data"))
            case .txtDutch:
                let history = try #require(fixture.entry(donor.index, suffix: "Kijkgeschiedenis.txt"))
                #expect(history.text.hasPrefix("Datum: "))
                #expect(fixture.entry(donor.index, suffix: "Likelijst.txt") != nil)
                let following = try #require(fixture.entry(donor.index, suffix: "Volgend.txt"))
                #expect(following.text.contains("Gebruikersnaam: ") || following.text.hasPrefix("Dit gedeelte"))
            }
        }
        // Some 2024 TXT archives have Windows line ends, some Unix ones.
        let crlf = fixture.donors(.txt2024).map { donor in
            fixture.entry(donor.index, suffix: "Like List.txt")?.bytes.contains(0x0D) ?? false
        }
        #expect(crlf.contains(true) && crlf.contains(false))
    }

    @Test("ground truth lists every donor and creator with a community in 0..<K")
    func groundTruth() throws {
        let folder = try TemporaryFolder("synth-truth")
        let directory = folder.path
        let report = try Synth.generate(fixture.options, to: directory)
        let text = try String(contentsOfFile: directory + "/" + report.groundTruthPath, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.removeFirst() == "account\tcommunity\trole\texposure\tdrift_community\tdrift_date")
        #expect(lines.removeLast() == "")
        var rows: [String: (community: Int, role: String, exposure: String)] = [:]
        for line in lines {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            try #require(fields.count == 6)
            let community = try #require(Int(fields[1]))
            #expect((0..<fixture.options.communities).contains(community))
            #expect(fields[2] == "donor" || fields[2] == "creator")
            #expect(fields[0] == fields[0].lowercased())
            #expect(rows[fields[0]] == nil, "duplicate account \(fields[0])")
            if fields[2] == "creator" {
                #expect(fields[3...] == ["", "", ""])
            } else if fields[3] == "drifting" {
                let drift = try #require(Int(fields[4]))
                #expect(drift != community && (0..<fixture.options.communities).contains(drift))
                #expect(fields[5].count == 10 && parseDate(fields[5] + " 00:00:00") != nil)
            } else {
                #expect(fields[3] == "steady" || fields[3] == "diverse")
                #expect(fields[4...] == ["", ""])
            }
            rows[fields[0]] = (community, fields[2], fields[3])
        }
        #expect(lines == lines.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        #expect(report.archives.count == fixture.options.donors)
        for archive in report.archives {
            let row = try #require(rows[archive.account], "donor \(archive.donor) missing")
            #expect(row.role == "donor")
            #expect(row.community == fixture.plan.world.donors[archive.donor].community)
            #expect(row.exposure == archive.exposure.rawValue)
            if archive.layout == .jsonPartial {
                #expect(archive.account.hasPrefix("donor-") && archive.account.count == 14)
            } else {
                #expect(archive.account == fixture.plan.world.donors[archive.donor].username.lowercased())
            }
        }
        #expect(rows.values.filter { $0.role == "creator" }.count == fixture.plan.world.creators.count)
        // About one donor in eight is diverse and one in eight drifting (40 donors: five of each).
        #expect(rows.values.filter { $0.exposure == "diverse" }.count == 5)
        #expect(rows.values.filter { $0.exposure == "drifting" }.count == 5)
        // Unicode usernames are exercised.
        let names = fixture.plan.world.donors.map(\.username)
        #expect(names.contains { $0.unicodeScalars.contains { $0.properties.isEmojiPresentation } })
        #expect(names.contains { $0.unicodeScalars.contains { (0x0400...0x04FF).contains($0.value) } })
        #expect(names.contains { $0.contains(".") })
        // Every written file is listed; the listing is sorted.
        #expect(report.files == report.files.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        for file in report.files {
            #expect(FileManager.default.fileExists(atPath: directory + "/" + file), "\(file)")
        }
    }

    @Test("planned event counts sum close to the requested events", arguments: [40_000, 120_000])
    func eventCounts(events: Int) throws {
        let plan = SynthPlan(SynthOptions(events: events))
        let counts = plan.plannedEvents
        #expect(
            Set(counts.keys) == [
                "watched", "liked", "favorited", "shared", "commented", "followed", "messaged", "searched", "posted",
            ])
        let total = counts.values.reduce(0, +)
        #expect(abs(total - events) < events / 20, "planned \(total) for \(events)")
        #expect(counts.values.allSatisfy { $0 > 0 })
    }

    @Test("scaling --events grows the output linearly")
    func linearScaling() throws {
        func size(_ events: Int) -> Int {
            let plan = SynthPlan(SynthOptions(donors: 8, events: events, communities: 2))
            return plan.world.donors.indices.reduce(0) { sum, index in
                sum + plan.entries(forDonor: index).reduce(0) { $0 + $1.bytes.count }
            }
        }
        let small = size(4000)
        let large = size(16_000)
        let ratio = Double(large) / Double(small)
        #expect(ratio > 3.0 && ratio < 5.0, "16k/4k events size ratio \(ratio)")
    }
}

extension JSONValue: CustomStringConvertible {
    var description: String {
        switch self {
        case .object(let members): "{" + members.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}"
        case .array(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .string(let text): "\"\(text)\""
        case .number(let text): text
        case .bool(let value): "\(value)"
        case .null: "null"
        }
    }
}

@Suite("Synth output through the importer's reader")
struct SynthRoundTripTests {
    @Test("each donor is one input whose entries and digest match the plan")
    func readBack() throws {
        let options = SynthOptions(donors: 16, events: 8000, communities: 3, seed: 3)
        let folder = try TemporaryFolder("synth-roundtrip")
        let directory = folder.path
        let report = try Synth.generate(options, to: directory)
        let plan = SynthPlan(options)
        #expect(Set(report.archives.map(\.container)) == Set(SynthContainer.allCases))

        let inputs = try discoverInputs([directory])
        #expect(inputs.count == options.donors)
        let reader = InputReader()
        for archive in report.archives {
            let input = try #require(
                inputs.first { $0.displayName.hasPrefix(directory + "/" + archive.path) },
                "no input for \(archive.path)")
            var read: [String: [UInt8]] = [:]
            let digest = try reader.forEachEntry(of: input) { path, bytes in read[path] = bytes.array }
            var expected: [String: [UInt8]] = [:]
            let dataName = "TikTok_Data_\(plan.world.donors[archive.donor].exportTime)/"
            for entry in plan.entries(forDonor: archive.donor) {
                // A folder export is read relative to its `TikTok_Data_<epoch>` root.
                let path =
                    archive.container == .directory && entry.path.hasPrefix(dataName)
                    ? String(entry.path.dropFirst(dataName.count)) : entry.path
                expected[path] = entry.bytes
            }
            #expect(read == expected, "\(archive.path)")
            #expect(archive.sha256 == SHA256.hex(digest.sha256), "\(archive.path)")
            if archive.layout == .jsonPartial {
                #expect(archive.account == "donor-" + String(SHA256.hex(digest.sha256).prefix(8)))
            }
        }
    }
}
