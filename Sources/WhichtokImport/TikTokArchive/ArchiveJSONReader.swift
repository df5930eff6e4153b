import WhichtokStore

/// Reads one parsed JSON export document into a batch (used inside `JSONParser.parse`, so the
/// `JSONValue`s it holds never outlive the document).
///
/// Order of work: the profile first (so the owner's username resolves to the owner in messages),
/// then every other section in document order, then the direct messages (1:1 chats before group
/// chats, after guessing the owner's name from the chats when no profile names the owner).
struct ArchiveJSONReader {
    let entry: String
    /// The entry is `user_data.json` / `user_data_tiktok.json`: a TikTok export by its name.
    let byName: Bool
    /// The owner's name guessed from chats (carried across entries by the reader).
    var ownerNameGuess: String?

    private(set) var recognised = false
    private(set) var layout = "json-partial"

    private let index = ArchiveSectionIndex.shared
    private var usedPartialPath = false
    private var usedLegacyKey = false
    private var rootsPresent: Set<Int> = []

    init(entry: String, byName: Bool, ownerNameGuess: String?) {
        self.entry = entry
        self.byName = byName
        self.ownerNameGuess = ownerNameGuess
    }

    private struct PendingChats {
        let section: Int
        let place: String
        let value: JSONValue
    }

    // MARK: Document

    mutating func read(_ root: JSONValue, into batch: inout ImportBatch) {
        guard root.type == .object else {
            if byName {
                batch.warn(entry: entry, position: "offset 0", "the export's root is not a JSON object")
            }
            return
        }
        guard byName || looksLikeExport(root) else { return }
        recognised = true

        // 1. The profile.
        forEachSection(of: root, into: &batch, reportUnknown: false) { reader, section, place, value, batch in
            guard ArchiveSections.sections[section].handler == .profile else { return }
            reader.readListSection(value, section: section, place: place, into: &batch)
        }

        // 2. Everything else; messages wait.
        var pending: [PendingChats] = []
        forEachSection(of: root, into: &batch, reportUnknown: true) { reader, section, place, value, batch in
            switch ArchiveSections.sections[section].handler {
            case .profile: return
            case .directMessages, .groupChats:
                pending.append(PendingChats(section: section, place: place, value: value))
            case .skipped:
                var run = SectionRun(section: section, place: place)
                run.records = Self.countRecords(value)
                run.finish(entry: reader.entry, into: &batch)
            default:
                reader.readListSection(value, section: section, place: place, into: &batch)
            }
        }

        // 3. Direct messages, 1:1 sections before group-chat sections.
        if !pending.isEmpty { readMessages(pending, into: &batch) }

        layout = decideLayout()
    }

    /// A `.json` not named like an export counts only when a root and one of its sections are known.
    private func looksLikeExport(_ root: JSONValue) -> Bool {
        var found = false
        root.forEachMember { key, value in
            guard !found, let rootIndex = key.withBytes({ index.root(matching: $0) }) else { return }
            if index.roots[rootIndex].wholeSection != nil, value.type == .object {
                found = true
                return
            }
            value.forEachMember { sectionKey, _ in
                if !found, sectionKey.withBytes({ index.section(in: rootIndex, matching: $0) }) != nil { found = true }
            }
        }
        return found
    }

    /// Calls `body` for every known section (root → section, or a root that is a whole section).
    /// With `reportUnknown`, unknown roots and sub-sections go to `batch.unknownSections`.
    private mutating func forEachSection(
        of root: JSONValue, into batch: inout ImportBatch, reportUnknown: Bool,
        _ body: (inout ArchiveJSONReader, Int, String, JSONValue, inout ImportBatch) -> Void
    ) {
        root.forEachMember { key, value in
            guard let rootIndex = key.withBytes({ index.root(matching: $0) }) else {
                if reportUnknown { batch.addUnknownSection(key.string) }
                return
            }
            rootsPresent.insert(rootIndex)
            let rootName = key.string
            if let whole = index.roots[rootIndex].wholeSection {
                body(&self, whole, rootName, value, &batch)
                return
            }
            switch value.type {
            case .object:
                value.forEachMember { sectionKey, sectionValue in
                    let found = sectionKey.withBytes { key in
                        index.section(in: rootIndex, matching: key).map { ($0, $0.partial) }
                            // A known section regrouped under another known root: read it, as partial.
                            ?? index.sectionUnderAnyRoot(matching: key).map { ($0, true) }
                    }
                    guard let (found, partial) = found else {
                        if reportUnknown { batch.addUnknownSection(rootName + " → " + sectionKey.string) }
                        return
                    }
                    if partial { usedPartialPath = true }
                    body(&self, found.section, rootName + " → " + sectionKey.string, sectionValue, &batch)
                }
            case .null: break
            default:
                if reportUnknown, !value.isEmpty {
                    batch.warn(entry: entry, position: rootName, "expected an object of sections, found \(value.type)")
                }
            }
        }
    }

    // MARK: List sections

    /// A section object holding a list key (`{"VideoList": [...], "App": 1}`).
    private mutating func readListSection(
        _ value: JSONValue, section: Int, place: String, into batch: inout ImportBatch
    ) {
        var run = SectionRun(section: section, place: place)
        Self.forEachList(of: value, entry: entry, run: &run, into: &batch) { list, listPlace, run, batch in
            Self.readRecords(list, place: listPlace, run: &run, into: &batch) { record, run, batch in
                ArchiveMapping.apply(record, run: &run, batch: &batch)
            }
        }
        if run.usedLegacyKey { usedLegacyKey = true }
        run.finish(entry: entry, into: &batch)
    }

    /// Finds the list (or map) inside a section object; reports unknown members.
    private static func forEachList(
        of value: JSONValue, entry: String, run: inout SectionRun, into batch: inout ImportBatch,
        _ body: (JSONValue, String, inout SectionRun, inout ImportBatch) -> Void
    ) {
        let index = ArchiveSectionIndex.shared
        let lists = index.listKeys[run.section]
        switch value.type {
        case .object:
            value.forEachMember { key, member in
                if key.withBytes({ ArchiveKeys.matches($0, any: lists) }) {
                    body(member, run.place + " → " + key.string, &run, &batch)
                } else if !key.withBytes({ ArchiveKeys.matches($0, any: index.wrapperSiblings) }) {
                    batch.addUnknownSection(run.place + " → " + key.string)
                }
            }
        case .array:
            body(value, run.place, &run, &batch)  // a section that is the list itself
        case .null:
            break
        case .string where value.isEmpty:
            break
        default:
            batch.warn(entry: entry, position: run.place, "expected a section object, found \(value.type)")
        }
    }

    /// Reads the records of a list: an array, a single object (one record), or an empty value.
    private static func readRecords(
        _ list: JSONValue, place: String, run: inout SectionRun, into batch: inout ImportBatch,
        detectTextLink: Bool = false,
        _ apply: (inout ArchiveRecord, inout SectionRun, inout ImportBatch) -> Void
    ) {
        var keys = KeyRoleCache(run.keys)
        var days = ArchiveDate.DayCache()
        switch list.type {
        case .array:
            var position = 0
            list.forEachElement { element in
                readRecord(
                    element, keys: &keys, days: &days, place: place, index: position, run: &run, into: &batch,
                    detectTextLink: detectTextLink, apply)
                position += 1
            }
        case .object:
            if !list.isEmpty {
                readRecord(
                    list, keys: &keys, days: &days, place: place, index: nil, run: &run, into: &batch,
                    detectTextLink: detectTextLink, apply)
            }
        case .null:
            break
        case .string where list.isEmpty:
            break
        default:
            run.records += 1
            run.wrongType += 1
            if run.firstWrongType == nil { run.firstWrongType = place }
        }
    }

    private static func readRecord(
        _ value: JSONValue, keys: inout KeyRoleCache, days: inout ArchiveDate.DayCache, place: String, index: Int?,
        run: inout SectionRun,
        into batch: inout ImportBatch, detectTextLink: Bool,
        _ apply: (inout ArchiveRecord, inout SectionRun, inout ImportBatch) -> Void
    ) {
        run.records += 1
        func position(_ field: String?) -> String {
            var text = place
            if let index { text += "[\(index)]" }
            if let field { text += "." + field }
            return text
        }
        guard value.type == .object else {
            run.wrongType += 1
            if run.firstWrongType == nil { run.firstWrongType = position(nil) }
            return
        }
        var record = ArchiveRecord()
        // The keys' bytes in the document (a `String` only for a diagnostic).
        var wrongKey: JSONKey?
        var invalidDateKey: JSONKey?
        var member = 0
        value.forEachMember { key, field in
            defer { member += 1 }
            guard wrongKey == nil,
                let role = key.withBytes({ keys.role(of: $0, at: member) }), role != .ignored
            else { return }
            switch field.type {
            case .string:
                field.withStringBytes { record.set(role, $0, detectTextLink: detectTextLink, days: &days) }
                if role == .date, record.dateInvalid, invalidDateKey == nil { invalidDateKey = key }
            case .null:
                break
            default:
                wrongKey = key
            }
        }
        if let wrongKey {
            run.wrongType += 1
            if run.firstWrongType == nil { run.firstWrongType = position(wrongKey.string) }
            return
        }
        if record.dateInvalid {
            run.invalidDates += 1
            if run.firstInvalidDate == nil { run.firstInvalidDate = position(invalidDateKey?.string) }
        }
        // In place: a record is a few hundred bytes, copied for the call when passed by value.
        apply(&record, &run, &batch)
    }

    // MARK: Direct messages

    private mutating func readMessages(_ pending: [PendingChats], into batch: inout ImportBatch) {
        var ownerName = batch.hasOwner ? batch.accounts[Int(batch.owner)].username : nil
        if ownerName == nil {
            if ownerNameGuess == nil { ownerNameGuess = guessOwnerName(pending) }
            ownerName = ownerNameGuess
        }
        let sink = MessageSink(ownerName: ownerName)
        let entry = self.entry
        let ordered =
            pending.filter { ArchiveSections.sections[$0.section].handler == .directMessages }
            + pending.filter { ArchiveSections.sections[$0.section].handler == .groupChats }
        for chats in ordered {
            var run = SectionRun(section: chats.section, place: chats.place)
            let inGroupSection = run.handler == .groupChats
            Self.forEachList(of: chats.value, entry: entry, run: &run, into: &batch) { map, mapPlace, run, batch in
                guard map.type == .object else {
                    if !map.isEmpty {
                        batch.warn(entry: entry, position: mapPlace, "expected a map of chats, found \(map.type)")
                    }
                    return
                }
                var chatNumber = 0
                map.forEachMember { key, messages in
                    chatNumber += 1
                    let chat = ChatName.parse(key.string, inGroupSection: inGroupSection)
                    // Resolved at the first usable message: an empty chat creates no account.
                    var target: ChatTarget??
                    // The position names the chat by number, never by the person's name.
                    Self.readRecords(
                        messages, place: mapPlace + "[chat \(chatNumber)]", run: &run, into: &batch,
                        detectTextLink: true
                    ) { record, run, batch in
                        if target == nil { target = .some(sink.target(for: chat, batch: &batch)) }
                        guard let resolved = target ?? nil else {
                            run.missingValue += 1
                            return
                        }
                        _ = sink.message(record, target: resolved, run: &run, batch: &batch)
                    }
                }
            }
            run.finish(entry: entry, into: &batch)
        }
    }

    /// The owner's name as the sender, other than the counterpart, of the most 1:1 chats.
    private func guessOwnerName(_ pending: [PendingChats]) -> String? {
        var tally = OwnerNameTally()
        for chats in pending {
            let inGroupSection = ArchiveSections.sections[chats.section].handler == .groupChats
            let lists = index.listKeys[chats.section]
            chats.value.forEachMember { key, map in
                guard key.withBytes({ ArchiveKeys.matches($0, any: lists) }) else { return }
                map.forEachMember { chatKey, messages in
                    let chat = ChatName.parse(chatKey.string, inGroupSection: inGroupSection)
                    tally.beginChat(counterpart: chat.name, isGroup: chat.groupID != nil)
                    let observe = { (message: JSONValue) in
                        tally.observe(sender: message.member("From", "Van", "Sender")?.string)
                    }
                    if messages.type == .array { messages.forEachElement(observe) } else { observe(messages) }
                }
            }
        }
        return tally.best()
    }

    // MARK: Counting skipped sections

    /// Records in an out-of-scope section: array elements; for an object, 1 if it holds scalar
    /// fields (a record such as `SettingsMap`), else the sum over its members (`WatchLiveMap`,
    /// `SendGifts → SendGifts`). Wrapper siblings (`App`) are not records.
    static func countRecords(_ value: JSONValue) -> Int {
        switch value.type {
        case .array:
            return value.count
        case .object:
            var hasScalar = false
            var sum = 0
            let wrappers = ArchiveSectionIndex.shared.wrapperSiblings
            value.forEachMember { key, member in
                switch member.type {
                case .array: sum += member.count
                case .object: sum += countRecords(member)
                case .null: break
                default:
                    if !member.isEmpty, !key.withBytes({ ArchiveKeys.matches($0, any: wrappers) }) { hasScalar = true }
                }
            }
            return hasScalar ? 1 : sum
        case .null:
            return 0
        default:
            return value.isEmpty ? 0 : 1
        }
    }

    // MARK: Layout

    private func decideLayout() -> String {
        let generation = rootsPresent.compactMap { index.roots[$0].generation }.max()
        guard let generation, !usedPartialPath else { return "json-partial" }
        let complete = (ArchiveSections.completeRoots[generation] ?? []).allSatisfy { name in
            index.rootIndex(named: name).map { rootsPresent.contains($0) } ?? false
        }
        guard complete else { return "json-partial" }
        switch generation {
        case .g12: return usedLegacyKey ? "json-g1" : "json-g2"
        case .g3: return "json-g3"
        case .g4: return "json-g4"
        }
    }
}

/// The roles of one list's record keys, by the member's position in its record: the records of a
/// list spell their keys the same way in the same order, so a key is looked up in `RecordKeys`
/// (normalised, then compared with every alias) only when its bytes differ from those of the key
/// at the same position in an earlier record. A cache only: the role is `keys.role(of:)` either way.
struct KeyRoleCache {
    private static let positions = 8
    private static let longest = 32
    /// Where the lengths start in `storage`, and its size.
    private static let lengthsStart = positions * longest
    private static let storageSize = lengthsStart + positions
    private static let none: UInt8 = 0xFF

    let keys: RecordKeys
    /// One buffer: per position, the key's bytes (at `position * longest`), then every position's
    /// length (`none`: nothing yet).
    private var storage: [UInt8]
    /// Every position's role (`.some(nil)`: the key has none).
    private var roles: [FieldRole??]

    init(_ keys: RecordKeys) {
        self.keys = keys
        storage = [UInt8](repeating: Self.none, count: Self.storageSize)
        roles = [FieldRole??](repeating: nil, count: Self.positions)
    }

    mutating func role(of key: UnsafeRawBufferPointer, at position: Int) -> FieldRole? {
        guard position < Self.positions, key.count <= Self.longest else { return keys.role(of: key) }
        let start = position * Self.longest
        let same = storage.withUnsafeBufferPointer { stored in
            guard Int(stored[Self.lengthsStart + position]) == key.count else { return false }
            for index in 0..<key.count where stored[start + index] != key[index] { return false }
            return true
        }
        if same, let cached = roles[position] { return cached }
        let role = keys.role(of: key)
        storage.withUnsafeMutableBufferPointer { stored in
            for index in 0..<key.count { stored[start + index] = key[index] }
            stored[Self.lengthsStart + position] = UInt8(key.count)
        }
        roles[position] = .some(role)
        return role
    }
}
