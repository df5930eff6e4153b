import ArgumentParser
import WhichtokStore
import WhichtokSupport

/// `--pseudonymise KEYFILE`, `--participants FILE` and `--pseudonymise-content`: what every command
/// that writes results from the store (`analyze`, `export`, `exposure`, and those built on
/// `GraphOptions`) does to people's names before anything is written. See `StorePrivacy`.
struct PrivacyOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Replace every account's name by a keyed pseudonym (u_ and 12 hex digits) made with the secret key in this file (at least 32 bytes; e.g. head -c 32 /dev/urandom > study.key).",
            valueName: "keyfile"))
    var pseudonymise: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Label each donor by their study code from this CSV file of 'username,code' lines.", valueName: "file"))
    var participants: String?

    @Flag(
        name: .long,
        help: "With --pseudonymise, also replace hashtags (#t_…) and sound titles (s_…) by keyed pseudonyms.")
    var pseudonymiseContent = false

    /// Whether any option asks for a change.
    var isActive: Bool { pseudonymise != nil || participants != nil }

    func validate() throws {
        if pseudonymiseContent && pseudonymise == nil {
            throw ValidationError("--pseudonymise-content needs --pseudonymise KEYFILE")
        }
        if pseudonymise == "" { throw ValidationError("--pseudonymise needs a key file") }
        if participants == "" { throw ValidationError("--participants needs a file") }
    }

    /// The smallest key file accepted, in bytes (256 bits, HMAC-SHA-256's output size).
    static let minimumKeyBytes = 32
    /// The largest key file read (a key needs no more; a larger file is most likely the wrong one).
    static let maximumKeyBytes = 4096

    /// Reads the key, the participant codes, and makes the new names. Exits 66 when a file is
    /// missing, 64 when the key file is too short or too long (its content is never printed), 65
    /// when the CSV is malformed (the message names file and line).
    func privacy() throws -> StorePrivacy? {
        guard isActive else { return nil }
        var naming: Pseudonyms?
        if let pseudonymise {
            let key = try GraphOptions.readFile(pseudonymise, limit: Self.maximumKeyBytes)
            guard key.count >= Self.minimumKeyBytes, key.count <= Self.maximumKeyBytes else {
                let held = key.count > Self.maximumKeyBytes ? "more" : "\(key.count)"
                Console.error(
                    "whichtok: error: \(Console.printable(pseudonymise)): a key file must hold "
                        + "\(Self.minimumKeyBytes) to \(Self.maximumKeyBytes) bytes, this one holds \(held) "
                        + "(make one with: head -c 32 /dev/urandom > study.key)")
                throw ExitCode(Exit.usage)
            }
            guard let mac = HMACSHA256(key: key) else {
                Console.error("whichtok: error: libcrypto cannot set up HMAC-SHA-256")
                throw ExitCode(Exit.failure)
            }
            naming = Pseudonyms(mac: mac)
        }
        var codes: ParticipantCodes?
        if let participants {
            let bytes = try GraphOptions.readFile(participants)
            do {
                codes = try ParticipantCodes(csv: bytes)
            } catch let error as ParticipantCodes.Malformed {
                Console.error(
                    "whichtok: error: \(Console.printable(participants)):\(error.line): \(Console.printable(error.message))"
                )
                throw ExitCode(Exit.dataError)
            }
        }
        return StorePrivacy(
            pseudonyms: naming, content: pseudonymiseContent, codes: codes, codesFile: participants ?? "")
    }
}

/// Keyed pseudonyms: `prefix` + the first 12 hex digits of HMAC-SHA-256(study key, stable key),
/// lengthened by 4 digits at a time for the keys whose pseudonyms collide until they differ.
///
/// 12 hex digits are 48 bits: among a million accounts a collision is expected about once in 500
/// studies, and it is then resolved (the colliding ones get 16 digits, …), so the lengths depend
/// only on the set of keys and the study key: the same store and key always give the same names.
struct Pseudonyms {
    let mac: HMACSHA256
    /// Hex digits of a pseudonym before collisions lengthen it (only tests make it shorter).
    var digits = 12

    /// The pseudonym of each key (`keys` may repeat: equal keys get equal names), in order.
    func names(of keys: [String], prefix: String) -> [String] {
        var unique = Array(Set(keys))
        unique.sort()
        let full = unique.map { mac.hex($0) }
        var length = [Int](repeating: digits, count: unique.count)
        while true {
            var holders: [String: [Int]] = [:]
            for i in unique.indices { holders[prefix + full[i].prefix(length[i]), default: []].append(i) }
            var changed = false
            for (_, group) in holders where group.count > 1 {
                for i in group where length[i] < full[i].count {
                    length[i] = min(full[i].count, length[i] + 4)
                    changed = true
                }
            }
            if !changed { break }
        }
        var name: [String: String] = [:]
        for i in unique.indices { name[unique[i]] = prefix + full[i].prefix(length[i]) }
        return keys.map { name[$0] ?? prefix }
    }
}

/// Participant codes from a CSV file: `username,code` per line (an optional first line
/// `username,code` is a header; `#` lines and blank lines are skipped; a username may start with
/// `@`; fields may be double-quoted). Usernames compare case-insensitively, as TikTok's do.
struct ParticipantCodes {
    struct Malformed: Error {
        let line: Int
        let message: String
    }

    /// Lowercased username → code, and the line each came from.
    private(set) var code: [String: String] = [:]
    private(set) var line: [String: Int] = [:]

    init(csv bytes: [UInt8]) throws {
        let text = String(decoding: bytes, as: UTF8.self)
        var codeLine: [String: Int] = [:]
        var number = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            var row = String(raw)
            if row.hasSuffix("\r") { row.removeLast() }
            if number == 1 && row.hasPrefix("\u{FEFF}") { row.removeFirst() }
            let trimmed = row.trimmingWhitespace()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = try Self.fields(of: trimmed, line: number)
            guard fields.count == 2 else {
                throw Malformed(line: number, message: "expected 'username,code', found \(fields.count) field(s)")
            }
            var username = fields[0].trimmingWhitespace().lowercased()
            let code = fields[1].trimmingWhitespace()
            if number == 1 && username == "username" && code.lowercased() == "code" { continue }
            if username.hasPrefix("@") { username.removeFirst() }
            guard !username.isEmpty, !code.isEmpty else {
                throw Malformed(line: number, message: "empty username or code")
            }
            if let earlier = line[username] {
                throw Malformed(line: number, message: "username listed again (first on line \(earlier))")
            }
            if let earlier = codeLine[code] {
                throw Malformed(line: number, message: "code '\(code)' given twice (first on line \(earlier))")
            }
            self.code[username] = code
            line[username] = number
            codeLine[code] = number
        }
    }

    /// Splits a CSV line into fields; `"` quotes a field, `""` inside quotes is one quote.
    private static func fields(of text: String, line: Int) throws -> [String] {
        let characters = Array(text)
        var fields: [String] = []
        var current = ""
        var quoted = false
        var wasQuoted = false
        var i = 0
        while i < characters.count {
            let ch = characters[i]
            i += 1
            if quoted {
                if ch != "\"" {
                    current.append(ch)
                } else if i < characters.count && characters[i] == "\"" {
                    current.append("\"")
                    i += 1
                } else {
                    quoted = false
                }
            } else if ch == "\"" {
                guard current.trimmingWhitespace().isEmpty, !wasQuoted else {
                    throw Malformed(line: line, message: "a quote inside an unquoted field")
                }
                current = ""
                quoted = true
                wasQuoted = true
            } else if ch == "," {
                fields.append(current)
                current = ""
                wasQuoted = false
            } else {
                current.append(ch)
            }
        }
        guard !quoted else { throw Malformed(line: line, message: "a quoted field is not closed") }
        fields.append(current)
        return fields
    }
}

/// What `--pseudonymise` and `--participants` do to a loaded store, before any output is made.
///
/// The store itself is changed (`Store.replaceIdentities`), so every output made from it carries the
/// new names: labels, `central_members`, `top_authors`, mentions, tooltips, CSV cells, GEXF and
/// GraphML attributes, JSON, reports. Row order and ids stay, so graphs and analyses are unchanged.
///
/// - Every account (with `--pseudonymise`) or every donor listed in the participants file is
///   renamed; its nickname, earlier usernames, sec_uid, numeric id and donor key are removed.
/// - An account's pseudonym is keyed by its most stable identifier: the numeric id when known
///   (TikTok never changes it), else the sec_uid (also permanent), else the lowercased username
///   (usernames are case-insensitive and can change, so an account seen only by name in one study
///   and by id in another gets two pseudonyms), else the donor key of an anonymous archive owner,
///   else its nickname. Each key is prefixed by its kind (`id:`, `sec:`, `name:`, `donor:`,
///   `nick:`), so different kinds never share a pseudonym by accident.
/// - Inputs are renamed `input-1`, `input-2`, … (file names often carry a donor's name).
/// - With `--pseudonymise`, video captions are dropped (they can hold @names) and search terms and
///   collection names become `q_…` (they can hold names); with `--pseudonymise-content` hashtags
///   become `t_…` and sound titles `s_…`.
struct StorePrivacy {
    let pseudonyms: Pseudonyms?
    let content: Bool
    let codes: ParticipantCodes?
    let codesFile: String

    /// The stable key of account `row` (see the type's description).
    static func stableKey(of row: Int, in store: Store) -> String {
        let a = store.accounts
        if a.numericID[row] != 0 { return "id:\(a.numericID[row])" }
        if let sec = store.strings[a.secUID[row]], !sec.isEmpty { return "sec:" + sec }
        if let name = store.strings[a.username[row]], !name.isEmpty { return "name:" + name.lowercased() }
        if let key = store.strings[a.donorKey[row]], !key.isEmpty { return "donor:" + key }
        if let nick = store.strings[a.nickname[row]], !nick.isEmpty { return "nick:" + nick }
        return "row:\(row)"
    }

    /// The names an account is known by (lowercased): username, earlier usernames, nickname.
    static func names(of row: Int, in store: Store) -> [String] {
        var names: [String] = []
        if let name = store.strings[store.accounts.username[row]] { names.append(name.lowercased()) }
        for alias in store.accounts.usernameHistory(of: RowID(row)) {
            if let name = store.strings[alias.username] { names.append(name.lowercased()) }
        }
        if let nick = store.strings[store.accounts.nickname[row]] { names.append(nick.lowercased()) }
        return names
    }

    /// Applies the options to `store`. Warns (stderr) about donors without a code and codes that match
    /// no donor; exits 65 when a code equals a pseudonym.
    func apply(to store: inout Store) throws {
        let count = store.accounts.count
        var labels = [String?](repeating: nil, count: count)
        if let pseudonyms {
            let keys = (0..<count).map { Self.stableKey(of: $0, in: store) }
            for (row, name) in pseudonyms.names(of: keys, prefix: "u_").enumerated() { labels[row] = name }
        }
        if let codes {
            var used = Set<String>()
            var missing: [String] = []
            for row in 0..<count where store.accounts.flags(RowID(row)).contains(.donor) {
                let names = Self.names(of: row, in: store)
                if let match = names.first(where: { codes.code[$0] != nil }), let code = codes.code[match] {
                    labels[row] = code
                    used.insert(match)
                } else {
                    missing.append(store.label(ofAccount: RowID(row)))
                }
            }
            if !missing.isEmpty {
                Console.error(
                    "whichtok: warning: \(Console.printable(codesFile)): \(missing.count) donor(s) have no code "
                        + "and keep \(pseudonyms == nil ? "their username" : "a pseudonym"): "
                        + Console.printable(missing.sorted().joined(separator: ", ")))
            }
            let unused = codes.code.keys.filter { !used.contains($0) }.sorted {
                codes.line[$0, default: 0] < codes.line[$1, default: 0]
            }
            if !unused.isEmpty {
                Console.error(
                    "whichtok: warning: \(Console.printable(codesFile)): \(unused.count) username(s) match no donor "
                        + "(first on line \(codes.line[unused[0], default: 0]))")
            }
            if pseudonyms != nil {
                let codeSet = Set(codes.code.values)
                for row in 0..<count where !store.accounts.flags(RowID(row)).contains(.donor) {
                    if let label = labels[row], codeSet.contains(label) {
                        Console.error(
                            "whichtok: error: \(Console.printable(codesFile)): the code '\(Console.printable(label))' "
                                + "is also an account's pseudonym; choose codes that do not start with u_")
                        throw ExitCode(Exit.dataError)
                    }
                }
            }
        }
        var replacement = IdentityReplacement(
            accountLabels: labels, inputNames: (0..<store.inputs.count).map { "input-\($0 + 1)" })
        replacement.soundTitles = Self.soundTitles(of: store, labels: labels, pseudonyms: pseudonyms)
        if let pseudonyms {
            replacement.dropCaptions = true
            // Keyed input fingerprints: HMAC-SHA-256(key, "input:" + SHA-256), never the file's own.
            var fingerprints: [UInt8] = []
            fingerprints.reserveCapacity(store.inputs.sha256.count)
            for row in 0..<store.inputs.count {
                fingerprints += pseudonyms.mac.mac(Array("input:".utf8) + store.inputs.sha256(of: RowID(row)))
            }
            replacement.inputFingerprints = fingerprints
            var terms: [String] = []
            for i in 0..<store.events.count {
                let type = store.events.objectType[i]
                if type == ObjectType.searchTerm.rawValue || type == ObjectType.collection.rawValue,
                    let text = store.strings[store.events.object[i]]
                {
                    terms.append("term:" + text)
                }
            }
            let uniqueTerms = Array(Set(terms)).sorted()
            let termNames = pseudonyms.names(of: uniqueTerms, prefix: "q_")
            replacement.searchTerms = Dictionary(
                uniqueKeysWithValues: zip(uniqueTerms.map { String($0.dropFirst("term:".count)) }, termNames))
            if content {
                let hashtagKeys = (0..<store.hashtags.count).map { row in
                    store.hashtags.tiktokID[row] != 0
                        ? "hashtag-id:\(store.hashtags.tiktokID[row])"
                        : "hashtag:" + (store.strings[store.hashtags.name[row]] ?? "\(row)").lowercased()
                }
                replacement.hashtagNames = pseudonyms.names(of: hashtagKeys, prefix: "t_")
                let soundKeys = (0..<store.sounds.count).map { row in
                    store.sounds.tiktokID[row] != 0
                        ? "sound-id:\(store.sounds.tiktokID[row])"
                        : "sound:" + (store.strings[store.sounds.title[row]] ?? "\(row)")
                }
                replacement.soundTitles = pseudonyms.names(of: soundKeys, prefix: "s_")
            }
        }
        store.replaceIdentities(replacement)
    }

    /// Sound titles with the names of renamed accounts replaced: TikTok titles a video's own sound
    /// `original sound - NAME` (`sonido original - NAME`, `Originalton - NAME`, …) after its creator.
    /// When the part after the last ` - ` is a renamed account's username, earlier username or
    /// nickname, it becomes that account's new label; with pseudonyms, the part after ` - ` of an
    /// "original" sound that matches no account becomes the pseudonym of that name. Nil when no
    /// title changes.
    static func soundTitles(of store: Store, labels: [String?], pseudonyms: Pseudonyms?) -> [String]? {
        var renamed: [String: String] = [:]
        for (row, label) in labels.enumerated() {
            guard let label else { continue }
            for name in names(of: row, in: store) where renamed[name] == nil { renamed[name] = label }
        }
        guard !renamed.isEmpty else { return nil }
        var titles: [String] = []
        var unmatched: [(row: Int, head: String, name: String)] = []
        var changed = false
        for row in 0..<store.sounds.count {
            let title = store.strings[store.sounds.title[row]] ?? ""
            titles.append(title)
            guard let dash = title.ranges(of: " - ").last else { continue }
            let head = String(title[..<dash.upperBound])
            let name = String(title[dash.upperBound...]).trimmingWhitespace()
            var key = name.lowercased()
            if key.hasPrefix("@") { key.removeFirst() }
            if let label = renamed[key] {
                titles[row] = head + label
                changed = true
            } else if pseudonyms != nil, !key.isEmpty, head.lowercased().contains("origin") || head.contains("оригинал")
            {
                unmatched.append((row, head, key))
            }
        }
        if let pseudonyms, !unmatched.isEmpty {
            let names = pseudonyms.names(of: unmatched.map { "name:" + $0.name }, prefix: "u_")
            for (item, name) in zip(unmatched, names) { titles[item.row] = item.head + name }
            changed = true
        }
        return changed ? titles : nil
    }

    /// The same for an edge list's node labels: pseudonyms keyed like usernames (`name:` + the
    /// lowercased label), and participant codes for labels listed in the file.
    func apply(toLabels labels: [String]) -> [String] {
        var result = labels
        if let pseudonyms { result = pseudonyms.names(of: labels.map { "name:" + $0.lowercased() }, prefix: "u_") }
        if let codes {
            for (i, label) in labels.enumerated() {
                var name = label.lowercased()
                if name.hasPrefix("@") { name.removeFirst() }
                if let code = codes.code[name] { result[i] = code }
            }
        }
        return result
    }
}
