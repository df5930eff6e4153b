import Foundation
import Testing
import WhichtokSupport
import WhichtokTestSupport

@testable import WhichtokSynth

@Suite("Synth archive contents")
struct ArchiveContentTests {
    let fixture = SynthFixture.shared

    @Test("JSON outputs are well-formed, pretty-printed and have sorted top-level keys")
    func jsonWellFormed() throws {
        var checked = 0
        for donor in fixture.plan.world.donors where donor.layout.isJSON {
            let entry = try #require(fixture.entries[donor.index].first)
            let document = try StrictJSONParser.parse(entry.bytes)
            let keys = try #require(document.members).map(\.0)
            #expect(keys == keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
            #expect(entry.text.hasPrefix("{\n  \""))
            checked += 1
        }
        #expect(checked >= 5)
    }

    @Test(
        "JSON outputs parse with Python's json module",
        .enabled(if: ExternalTool.python3 != nil, "skipped: needs python3 on PATH"))
    func jsonWithPython() throws {
        let python = try #require(ExternalTool.python3)
        let folder = try TemporaryFolder("synth-python")
        let directory = folder.path
        var paths: [String] = []
        for donor in fixture.plan.world.donors where donor.layout.isJSON {
            let entry = try #require(fixture.entries[donor.index].first)
            let path = directory + "/donor-\(donor.index).json"
            try Data(entry.bytes).write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        let result = try ChildProcess.run(
            python, ["-c", "import json, sys\nfor p in sys.argv[1:]: json.load(open(p, encoding='utf-8'))"] + paths)
        #expect(result.status == 0)
    }

    @Test("the JSON writer escapes quotes, backslashes and control characters")
    func escaping() throws {
        var writer = JSONWriter()
        let nasty = "a\"b\\c\nd\te\u{01}f\u{1F}g é 😀 \u{7F}"
        writer.write(.sortedObject([("z", .string(nasty)), ("a", .array([])), ("m", .object([])), ("b", .null)]))
        let bytes = writer.finish()
        let parsed = try StrictJSONParser.parse(bytes)
        #expect(parsed["z"]?.string == nasty)
        #expect(parsed.members?.map(\.0) == ["a", "b", "m", "z"])
        #expect(String(decoding: bytes, as: UTF8.self).contains("\\u0001"))
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == "{\n  \"a\": [],\n  \"b\": null,\n  \"m\": {},\n  \"z\": \"a\\\"b\\\\c\\nd\\te\\u0001f\\u001fg é 😀 \u{7F}\"\n}\n"
        )
    }

    @Test("video events come after the video's creation and lists are newest first")
    func eventTimes() throws {
        var records = 0
        for donor in fixture.plan.world.donors where donor.layout.isJSON {
            try visitLists(try fixture.json(donor.index)) { list in
                var previous: Int64?
                for item in list {
                    guard let date = (item["Date"] ?? item["date"])?.string, let time = parseDate(date) else {
                        continue
                    }
                    if let link = (item["Link"] ?? item["link"] ?? item["VideoLink"] ?? item["url"])?.string,
                        link.contains("tiktokv.com/share/video/"), let id = videoID(inLink: link)
                    {
                        #expect(time >= Int64(id >> 32), "\(date) before creation of \(id)")
                        #expect(time <= donor.exportTime)
                        records += 1
                    }
                    // Newest first, except lists TikTok writes oldest first and 1969 placeholders.
                    if item["IP"] == nil, item["From"] == nil, time > 0, let last = previous {
                        #expect(time <= last, "\(date) newer than the record before it")
                    }
                    if time > 0 { previous = time }
                }
            }
        }
        #expect(records > 1000)
    }

    private func visitLists(_ value: JSONValue, _ body: ([JSONValue]) throws -> Void) throws {
        switch value {
        case .object(let members):
            for (key, child) in members where !key.hasPrefix("Chat History with ") {
                try visitLists(child, body)
            }
        case .array(let items):
            try body(items)
            for item in items { try visitLists(item, body) }
        default:
            break
        }
    }

    // MARK: - Consistency between donors

    /// Per chat name, the set of `date|sender|text` messages, from any layout.
    private func chats(of donor: SynthWorld.Donor) throws -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        func strip(_ date: String) -> String { date.hasSuffix(" UTC") ? String(date.dropLast(4)) : date }
        if donor.layout.isJSON {
            let document = try fixture.json(donor.index)
            let paths = [
                ["Direct Messages", "Chat History", "ChatHistory"],
                ["Direct Message", "Direct Messages", "ChatHistory"],
                ["Direct Message", "Group Chat", "GroupChat"],
            ]
            for path in paths {
                for (key, messages) in document.at(path)?.members ?? [] {
                    #expect(key.hasPrefix("Chat History with ") && key.hasSuffix(":"))
                    let name = String(key.dropFirst("Chat History with ".count).dropLast())
                    for message in messages.array ?? [] {
                        let date = try #require(message["Date"]?.string)
                        let from = try #require(message["From"]?.string)
                        let content = try #require(message["Content"]?.string)
                        result[name, default: []].insert(strip(date) + "|" + from + "|" + content)
                    }
                }
            }
        } else {
            let files = fixture.entries[donor.index].filter {
                $0.path.hasSuffix("Direct Messages.txt") || $0.path.hasSuffix("Directe berichten.txt")
                    || $0.path.hasSuffix("Groepschat.txt")
            }
            for file in files {
                var current: String?
                // (`"\r\n"` is one Character in Swift: normalise line ends before splitting.)
                let text = file.text.replacingOccurrences(of: "\r\n", with: "\n")
                for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
                    let line = String(raw)
                    if line.hasPrefix(">>> Chat History with ") {
                        var name = Substring(line.dropFirst(">>> Chat History with ".count))
                        while name.hasSuffix(":") { name = name.dropLast() }
                        current = String(name)
                        continue
                    }
                    guard let chat = current, line.count > 20 else { continue }
                    let date = String(line.prefix(19))
                    var rest = Substring(line.dropFirst(19))
                    if rest.hasPrefix(" UTC") { rest = rest.dropFirst(4) }
                    rest = rest.dropFirst()
                    let separator = try #require(rest.range(of: ": "))
                    let sender = String(rest[..<separator.lowerBound])
                    let text = String(rest[separator.upperBound...])
                    result[chat, default: []].insert(date + "|" + sender + "|" + text)
                }
            }
        }
        return result
    }

    @Test("a direct message appears, identical, in both participants' archives")
    func directMessagesConsistent() throws {
        let donors = fixture.plan.world.donors
        let byName = Dictionary(uniqueKeysWithValues: donors.map { ($0.username, $0.index) })
        let allChats = try donors.map { try chats(of: $0) }
        var pairs = 0
        var groups: [String: [Set<String>]] = [:]
        var layoutPairs = Set<String>()
        for donor in donors {
            for (name, messages) in allChats[donor.index] {
                #expect(!messages.isEmpty)
                if name.hasPrefix("Group_Chat_") {
                    groups[name, default: []].append(messages)
                    continue
                }
                let other = try #require(byName[name], "chat with unknown \(name)")
                let mirror = try #require(allChats[other][donor.username], "\(name) has no chat with \(donor.username)")
                #expect(mirror == messages, "chat \(donor.username) ↔ \(name) differs")
                // Senders are the two participants.
                #expect(messages.allSatisfy { $0.contains("|\(name)|") || $0.contains("|\(donor.username)|") })
                layoutPairs.insert(donor.layout.rawValue + "/" + donors[other].layout.rawValue)
                pairs += 1
            }
        }
        #expect(pairs > 20)
        #expect(layoutPairs.count > 5)
        #expect(!groups.isEmpty)
        for (name, copies) in groups {
            #expect(copies.count >= 3, "\(name)")
            #expect(Set(copies).count == 1, "\(name) differs between members")
        }
        // Some messages are a video link and nothing else.
        let contents = allChats.flatMap { $0.values.flatMap { $0 } }
        #expect(
            contents.contains { message in
                let text = message.split(separator: "|", maxSplits: 2).last ?? ""
                return text.hasPrefix("https://www.tiktokv.com/share/video/") && text.hasSuffix("/")
                    && !text.contains(" ")
            })
        // The plan's message count matches what the archives hold (each message counted once).
        var unique = Set<String>()
        for (index, chats) in allChats.enumerated() {
            for (name, messages) in chats {
                let key =
                    name.hasPrefix("Group_Chat_")
                    ? name : [donors[index].username, name].sorted().joined(separator: "↔")
                for message in messages { unique.insert(key + "|" + message) }
            }
        }
        #expect(unique.count == fixture.plan.plannedEvents["messaged"])
    }

    @Test("a follow between donors is in one's Following and the other's Followers")
    func followsConsistent() throws {
        let donors = fixture.plan.world.donors
        let byName = Dictionary(uniqueKeysWithValues: donors.map { ($0.username, $0.index) })
        func list(_ donor: SynthWorld.Donor, followers: Bool) throws -> Set<String> {
            var records = Set<String>()
            if donor.layout.isJSON {
                let document = try fixture.json(donor.index)
                let paths =
                    followers
                    ? [
                        ["Activity", "Follower List", "FansList"], ["Your Activity", "Follower", "FansList"],
                        ["Profile And Settings", "Follower", "FansList"],
                    ]
                    : [
                        ["Activity", "Following List", "Following"], ["Your Activity", "Following", "Following"],
                        ["Profile And Settings", "Following", "Following"],
                    ]
                for path in paths {
                    for item in document.at(path)?.array ?? [] {
                        records.insert(
                            try #require(item["Date"]?.string) + "|" + (try #require(item["UserName"]?.string)))
                    }
                }
            } else {
                let names = followers ? ["Follower.txt", "Volger.txt"] : ["Following.txt", "Volgend.txt"]
                for file in fixture.entries[donor.index]
                where names.contains(where: { file.path.hasSuffix("/" + $0) || file.path == $0 }) {
                    let blocks = file.text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n")
                    for block in blocks {
                        let lines = block.split(separator: "\n")
                        guard lines.count == 2 else { continue }
                        let date = lines[0].split(separator: ": ", maxSplits: 1).last.map(String.init) ?? ""
                        let name = lines[1].split(separator: ": ", maxSplits: 1).last.map(String.init) ?? ""
                        records.insert((date.hasSuffix(" UTC") ? String(date.dropLast(4)) : date) + "|" + name)
                    }
                }
            }
            return records
        }
        var checked = 0
        for donor in donors where donor.isSocial {
            for record in try list(donor, followers: false) {
                let parts = record.split(separator: "|", maxSplits: 1).map(String.init)
                guard parts.count == 2, let other = byName[parts[1]] else { continue }
                #expect(
                    try list(donors[other], followers: true).contains(parts[0] + "|" + donor.username),
                    "\(donor.username) follows \(parts[1]) but is not in its followers")
                checked += 1
            }
        }
        #expect(checked > 40)
    }

    // MARK: - TXT

    @Test("TXT files use their layout's labels")
    func textLabels() throws {
        let expected: [SynthLayout: (date: String, link: String, file: String)] = [
            .txt2020: ("Date: ", "Video Link: ", "Activity/Like List.txt"),
            .txt2024: ("Date: ", "Link: ", "Activity/Like List.txt"),
            .txtDutch: ("Datum: ", "Link: ", "Likelijst.txt"),
        ]
        for (layout, labels) in expected {
            let donors = fixture.donors(layout)
            #expect(!donors.isEmpty)
            for donor in donors {
                let likes = try #require(fixture.entry(donor.index, suffix: labels.file))
                let lines = likes.text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map {
                    $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
                }
                for (index, line) in lines.enumerated() {
                    #expect(line.hasPrefix(index % 2 == 0 ? labels.date : labels.link), "\(layout) \(line)")
                }
                if layout != .txt2020 { #expect(lines.first?.hasSuffix(" UTC") == true) }
                // Every TXT file is non-empty: records, or the "no data" sentinel.
                for entry in fixture.entries[donor.index] {
                    #expect(!entry.bytes.isEmpty, "\(entry.path)")
                }
            }
        }
        let dutch = try #require(fixture.donors(.txtDutch).first)
        let shares = try #require(fixture.entry(dutch.index, suffix: "Geschiedenis delen.txt"))
        #expect(shares.text.contains("Gedeelde inhoud: ") && shares.text.contains("Methode: "))
        #expect(
            shares.text.contains(
                "Datum: 1969-12-31 23:59:59 UTC\nGedeelde inhoud: video\nLink: https://www.tiktok.com/\n"))
        let searches = try #require(fixture.entry(dutch.index, suffix: "Zoekopdrachten.txt"))
        #expect(searches.text.contains("Zoekterm: "))
        let empty = try #require(fixture.entry(dutch.index, suffix: "Herplaatsingen.txt"))
        #expect(empty.text == "Dit gedeelte bevat geen gegevens\n")
    }

    @Test("skipped sections and placeholders are present")
    func placeholders() throws {
        var sawLogin = false
        var sawNone = false
        var sawPlaceholderShare = false
        var sawNull = false
        for donor in fixture.plan.world.donors {
            let text = fixture.entries[donor.index].map(\.text).joined()
            if text.contains("192.0.2.") { sawLogin = true }
            if text.contains("\"None\"") { sawNone = true }
            if text.contains("1969-12-31 23:59:59") && text.contains("https://www.tiktok.com/\"") {
                sawPlaceholderShare = true
            }
            if text.contains(": null") { sawNull = true }
            #expect(!text.contains("198.51.100.") && !text.contains("10.0.0."))
        }
        #expect(sawLogin && sawNone && sawPlaceholderShare && sawNull)
    }
}
