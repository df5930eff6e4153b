/// Everything one reader found in one input, with batch-local row numbers.
///
/// Readers never touch the store: they describe accounts, videos, hashtags, sounds, comments and
/// events here, and `StoreBuilder` later resolves identities against the whole store, deduplicates
/// and assigns canonical ids. A batch is a plain value, so inputs can be read on several threads at
/// once and merged afterwards in a fixed order.
///
/// Row numbers returned by the `account`, `video`, … functions are local to this batch.
public struct ImportBatch: Sendable {
    // MARK: Provenance
    /// The input's display name (path as given on the command line, or `outer.zip!inner.zip`).
    public var inputName: String
    /// The SHA-256 of the input's bytes (32 bytes), or of its entries' bytes for a directory.
    public var sha256: [UInt8]
    /// The detected layout, e.g. `json-g3`, `txt-2024`, `har`. Empty until a reader recognises it.
    public var layout: String = ""
    /// Bytes read from the input (after decompression).
    public var bytesRead: Int = 0

    // MARK: Accounts
    public struct Account: Sendable, Hashable {
        /// Lowercased username without `@`, if known.
        public var username: String?
        public var numericID: UInt64?
        public var secUID: String?
        public var nickname: String?
        public var flags: AccountFlags = []
        /// Identity of an anonymous donor (full SHA-256 hex of its export).
        public var donorKey: String?
    }
    public private(set) var accounts: [Account] = []
    private var accountByUsername: [String: RowID] = [:]
    private var accountByNumericID: [UInt64: RowID] = [:]
    private var accountBySecUID: [String: RowID] = [:]
    private var ownerRow: RowID?

    // MARK: Videos
    public struct Video: Sendable, Hashable {
        /// TikTok's 64-bit id, 0 when unknown (an own post known only by author and date).
        public var tiktokID: UInt64
        public var author: RowID = .none
        /// Creation time (UTC seconds); `id >> 32` when the id is known.
        public var created: UInt32 = 0
        public var caption: String?
        public var sound: RowID = .none
        public var hashtags: [RowID] = []
        public var mentions: [RowID] = []
    }
    public private(set) var videos: [Video] = []
    private var videoByID: [UInt64: RowID] = [:]
    private var videoByAuthorTime: [UInt64: RowID] = [:]

    // MARK: Small entities
    public struct Hashtag: Sendable, Hashable {
        /// Lowercased name without `#`.
        public var name: String?
        public var tiktokID: UInt64?
    }
    public private(set) var hashtags: [Hashtag] = []
    private var hashtagByName: [String: RowID] = [:]
    private var hashtagByID: [UInt64: RowID] = [:]

    public struct Sound: Sendable, Hashable {
        public var tiktokID: UInt64?
        public var title: String?
    }
    public private(set) var sounds: [Sound] = []
    private var soundByID: [UInt64: RowID] = [:]
    private var soundByTitle: [String: RowID] = [:]

    public private(set) var effects: [UInt64] = []
    private var effectByID: [UInt64: RowID] = [:]

    public struct Comment: Sendable, Hashable {
        public var tiktokID: UInt64?
        public var author: RowID
        public var video: RowID = .none
        public var parent: RowID = .none
        public var time: UInt32
        /// A fingerprint of the text (the text itself is not kept).
        public var textFingerprint: UInt64
    }
    public private(set) var comments: [Comment] = []
    private var commentByKey: [CommentKey: RowID] = [:]
    private struct CommentKey: Hashable {
        var tiktokID: UInt64
        var author: RowID
        var time: UInt32
        var fingerprint: UInt64
    }

    /// Group conversations, by TikTok's group id.
    public private(set) var conversations: [UInt64] = []
    private var conversationByID: [UInt64: RowID] = [:]

    /// Free strings that events point at: search terms, favourite collection names, share methods.
    public private(set) var strings: [String] = []
    private var stringIndex: [String: RowID] = [:]

    // MARK: Events (struct of arrays, batch-local rows)
    public private(set) var eventActor: [RowID] = []
    public private(set) var eventKind: [EventKind] = []
    public private(set) var eventObjectType: [ObjectType] = []
    public private(set) var eventObject: [RowID] = []
    public private(set) var eventTime: [UInt32] = []
    /// Encoded as in the store, except that labels are batch string rows and message videos are batch video rows.
    public private(set) var eventDetail: [UInt32] = []

    // MARK: Report
    /// Records read per recognised section (e.g. `Watch History` → 1234).
    public var sectionCounts: [String: Int] = [:]
    /// Sections recognised as out of scope (ads, shop, logins…), with their record counts. Nothing of them is kept.
    public var skippedSections: [String: Int] = [:]
    /// Sections or files that were not understood: named in the summary, never silently dropped.
    public var unknownSections: [String] = []
    public var diagnostics: [ImportDiagnostic] = []

    public init(inputName: String, sha256: [UInt8]) {
        self.inputName = inputName
        self.sha256 = sha256
    }

    public var eventCount: Int { eventActor.count }

    // MARK: - Accounts

    /// The archive owner's row; created on first use. Readers use it as the actor of the owner's events
    /// even before they know the owner's username.
    public var owner: RowID {
        mutating get {
            if let ownerRow { return ownerRow }
            let row = RowID(accounts.count)
            accounts.append(Account(flags: [.donor]))
            ownerRow = row
            return row
        }
    }

    /// Whether a reader has used `owner`.
    public var hasOwner: Bool { ownerRow != nil }

    /// Names the archive owner. Empty or placeholder names are ignored.
    public mutating func setOwner(username: String) {
        let row = owner
        guard let name = Self.normalisedUsername(username) else { return }
        if accounts[Int(row)].username == nil {
            accounts[Int(row)].username = name
            if accountByUsername[name] == nil { accountByUsername[name] = row }
        }
    }

    /// Gives an owner without a profile its anonymous identity (`donor-<first 8 hex digits>`).
    /// Called by the importer when a reader finished without naming the owner.
    public mutating func finishOwner() {
        guard let row = ownerRow, accounts[Int(row)].username == nil else { return }
        let hex = sha256.map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
        }.joined()
        accounts[Int(row)].donorKey = hex
        accounts[Int(row)].nickname = "donor-" + String(hex.prefix(8))
        accounts[Int(row)].flags.insert(.anonymousDonor)
    }

    /// An account by username (case-insensitive, `@` stripped). Returns nil for empty and placeholder names.
    public mutating func account(username: String) -> RowID? {
        guard let name = Self.normalisedUsername(username) else { return nil }
        if let row = accountByUsername[name] { return row }
        let row = RowID(accounts.count)
        accounts.append(Account(username: name))
        accountByUsername[name] = row
        return row
    }

    /// An account known by any of its identifiers; merges with rows of this batch that share one.
    public mutating func account(
        username: String? = nil, numericID: UInt64? = nil, secUID: String? = nil,
        nickname: String? = nil, flags: AccountFlags = []
    ) -> RowID? {
        let name = username.flatMap(Self.normalisedUsername)
        let id = numericID.flatMap { $0 == 0 ? nil : $0 }
        let sec = secUID.flatMap { Self.isPlaceholder($0) ? nil : $0 }
        guard name != nil || id != nil || sec != nil else { return nil }
        let found = id.flatMap { accountByNumericID[$0] } ?? sec.flatMap { accountBySecUID[$0] }
            ?? name.flatMap { accountByUsername[$0] }
        let row: RowID
        if let found {
            row = found
        } else {
            row = RowID(accounts.count)
            accounts.append(Account())
        }
        var record = accounts[Int(row)]
        if record.username == nil, let name { record.username = name }
        if record.numericID == nil, let id { record.numericID = id }
        if record.secUID == nil, let sec { record.secUID = sec }
        if let nickname, !Self.isPlaceholder(nickname) { record.nickname = nickname }
        record.flags.formUnion(flags)
        accounts[Int(row)] = record
        if let name, accountByUsername[name] == nil { accountByUsername[name] = row }
        if let id, accountByNumericID[id] == nil { accountByNumericID[id] = row }
        if let sec, accountBySecUID[sec] == nil { accountBySecUID[sec] = row }
        return row
    }

    // MARK: - Videos

    /// A video by TikTok id. Its creation time is `id >> 32`. Returns nil for id 0.
    public mutating func video(id: UInt64) -> RowID? {
        guard id != 0 else { return nil }
        if let row = videoByID[id] { return row }
        let row = RowID(videos.count)
        videos.append(Video(tiktokID: id, created: UInt32(truncatingIfNeeded: id >> 32)))
        videoByID[id] = row
        return row
    }

    /// A video known only by its author and creation time (an own post in an archive, whose link
    /// holds no id). The store matches it with a video of that author whose `id >> 32` is that time.
    public mutating func video(author: RowID, created: UInt32) -> RowID? {
        guard created != 0, author != .none else { return nil }
        let key = UInt64(author) << 32 | UInt64(created)
        if let row = videoByAuthorTime[key] { return row }
        let row = RowID(videos.count)
        videos.append(Video(tiktokID: 0, author: author, created: created))
        videoByAuthorTime[key] = row
        return row
    }

    /// Adds what is known about a video. Later calls fill in fields that are still empty and add
    /// hashtags and mentions.
    public mutating func describeVideo(
        _ row: RowID, author: RowID? = nil, caption: String? = nil, sound: RowID? = nil,
        hashtags: [RowID] = [], mentions: [RowID] = []
    ) {
        var video = videos[Int(row)]
        if video.author == .none, let author { video.author = author }
        if video.caption == nil, let caption, !caption.isEmpty { video.caption = caption }
        if video.sound == .none, let sound { video.sound = sound }
        for tag in hashtags where !video.hashtags.contains(tag) { video.hashtags.append(tag) }
        for account in mentions where !video.mentions.contains(account) { video.mentions.append(account) }
        videos[Int(row)] = video
    }

    // MARK: - Hashtags, sounds, effects, conversations, strings

    /// A hashtag by name (case-insensitive, `#` stripped) and/or TikTok id.
    public mutating func hashtag(name: String? = nil, id: UInt64? = nil) -> RowID? {
        let cleaned = name.flatMap { raw -> String? in
            var text = Substring(raw.trimmingWhitespace())
            while text.first == "#" { text = text.dropFirst() }
            return text.isEmpty || Self.isPlaceholder(String(text)) ? nil : text.lowercased()
        }
        let tagID = id.flatMap { $0 == 0 ? nil : $0 }
        guard cleaned != nil || tagID != nil else { return nil }
        let row: RowID
        if let found = tagID.flatMap({ hashtagByID[$0] }) ?? cleaned.flatMap({ hashtagByName[$0] }) {
            row = found
        } else {
            row = RowID(hashtags.count)
            hashtags.append(Hashtag())
        }
        if hashtags[Int(row)].name == nil, let cleaned { hashtags[Int(row)].name = cleaned }
        if hashtags[Int(row)].tiktokID == nil, let tagID { hashtags[Int(row)].tiktokID = tagID }
        if let cleaned, hashtagByName[cleaned] == nil { hashtagByName[cleaned] = row }
        if let tagID, hashtagByID[tagID] == nil { hashtagByID[tagID] = row }
        return row
    }

    /// A sound by TikTok id and/or title. Without an id, the title is the key.
    public mutating func sound(id: UInt64? = nil, title: String? = nil) -> RowID? {
        let soundID = id.flatMap { $0 == 0 ? nil : $0 }
        let cleanTitle = title.flatMap { Self.isPlaceholder($0) ? nil : $0 }
        if let soundID {
            if let row = soundByID[soundID] {
                if sounds[Int(row)].title == nil { sounds[Int(row)].title = cleanTitle }
                return row
            }
            let row = RowID(sounds.count)
            sounds.append(Sound(tiktokID: soundID, title: cleanTitle))
            soundByID[soundID] = row
            return row
        }
        guard let cleanTitle else { return nil }
        if let row = soundByTitle[cleanTitle] { return row }
        let row = RowID(sounds.count)
        sounds.append(Sound(tiktokID: nil, title: cleanTitle))
        soundByTitle[cleanTitle] = row
        return row
    }

    public mutating func effect(id: UInt64) -> RowID? {
        guard id != 0 else { return nil }
        if let row = effectByID[id] { return row }
        let row = RowID(effects.count)
        effects.append(id)
        effectByID[id] = row
        return row
    }

    /// A group conversation by TikTok's group id.
    public mutating func conversation(groupID: UInt64) -> RowID? {
        guard groupID != 0 else { return nil }
        if let row = conversationByID[groupID] { return row }
        let row = RowID(conversations.count)
        conversations.append(groupID)
        conversationByID[groupID] = row
        return row
    }

    /// A free string (search term, collection name, share method). Returns nil for placeholders.
    public mutating func string(_ text: String) -> RowID? {
        guard !Self.isPlaceholder(text) else { return nil }
        if let row = stringIndex[text] { return row }
        let row = RowID(strings.count)
        strings.append(text)
        stringIndex[text] = row
        return row
    }

    /// A comment. With a TikTok id the id is its identity; without one (archives), author, time and text.
    public mutating func comment(
        tiktokID: UInt64? = nil, author: RowID, video: RowID = .none, parent: RowID = .none,
        time: UInt32, textFingerprint: UInt64
    ) -> RowID {
        let id = tiktokID ?? 0
        let key = id != 0
            ? CommentKey(tiktokID: id, author: .none, time: 0, fingerprint: 0)
            : CommentKey(tiktokID: 0, author: author, time: time, fingerprint: textFingerprint)
        if let row = commentByKey[key] {
            if comments[Int(row)].video == .none { comments[Int(row)].video = video }
            if comments[Int(row)].parent == .none { comments[Int(row)].parent = parent }
            return row
        }
        let row = RowID(comments.count)
        comments.append(Comment(
            tiktokID: id == 0 ? nil : id, author: author, video: video, parent: parent,
            time: time, textFingerprint: textFingerprint))
        commentByKey[key] = row
        return row
    }

    // MARK: - Events

    /// Records one event. `time` is UTC seconds, 0 when unknown.
    public mutating func addEvent(
        actor: RowID, kind: EventKind, objectType: ObjectType, object: RowID, time: UInt32,
        detail: EventDetail = .none
    ) {
        guard actor != .none, object != .none else { return }
        let encoded: UInt32
        switch detail {
        case .none: encoded = 0
        case .label(let text): encoded = string(text).map { $0 + 1 } ?? 0
        case .messageFingerprint(let value): encoded = value | EventDetail.fingerprintBit
        case .messageVideo(let row): encoded = row
        }
        eventActor.append(actor)
        eventKind.append(kind)
        eventObjectType.append(objectType)
        eventObject.append(object)
        eventTime.append(time)
        eventDetail.append(encoded)
    }

    public mutating func reserveEvents(_ count: Int) {
        eventActor.reserveCapacity(count)
        eventKind.reserveCapacity(count)
        eventObjectType.reserveCapacity(count)
        eventObject.reserveCapacity(count)
        eventTime.reserveCapacity(count)
        eventDetail.reserveCapacity(count)
    }

    // MARK: - Report

    public mutating func warn(entry: String?, position: String? = nil, _ message: String) {
        diagnostics.append(ImportDiagnostic(
            severity: .warning, input: inputName, entry: entry, position: position, message: message))
    }

    public mutating func error(entry: String?, position: String? = nil, _ message: String) {
        diagnostics.append(ImportDiagnostic(
            severity: .error, input: inputName, entry: entry, position: position, message: message))
    }

    // MARK: - Value conventions shared by readers

    /// The archive placeholders that mean "no value": `""`, `"N/A"`, `"None"`, `"N.v.t."`, `"null"`, blanks.
    public static func isPlaceholder(_ text: String) -> Bool {
        let trimmed = text.trimmingWhitespace()
        // Every placeholder is short ASCII: most values are rejected without lowercasing.
        guard trimmed.utf8.count <= 6 else { return false }
        if trimmed.isEmpty { return true }
        switch trimmed.lowercased() {
        case "n/a", "none", "n.v.t.", "null", "nil", "-": return true
        default: return false
        }
    }

    /// Lowercases, strips a leading `@` and surrounding blanks; nil for placeholders.
    public static func normalisedUsername(_ raw: String) -> String? {
        var text = Substring(raw.trimmingWhitespace())
        if text.first == "@" { text = text.dropFirst() }
        let name = String(text)
        if isPlaceholder(name) { return nil }
        // ASCII without capitals (the usual username) needs no new string.
        if name.utf8.allSatisfy({ $0 < 0x80 && !(0x41...0x5A).contains($0) }) { return name }
        return name.lowercased()
    }
}

/// A warning or error about one input, naming the entry inside it and the position.
public struct ImportDiagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable { case warning, error }
    public var severity: Severity
    public var input: String
    public var entry: String?
    public var position: String?
    public var message: String

    public init(severity: Severity, input: String, entry: String?, position: String?, message: String) {
        self.severity = severity
        self.input = input
        self.entry = entry
        self.position = position
        self.message = message
    }

    /// `whichtok: error: a.zip:user_data.json: offset 1234: expected ',' or '}'`
    public var description: String {
        var place = input
        // A plain file is its own only entry: `a.json`, not `a.json:a.json`.
        if let entry, !entry.isEmpty, entry != input, !input.hasSuffix("/" + entry) { place += ":" + entry }
        if let position, !position.isEmpty { place += ": " + position }
        return "whichtok: \(severity.rawValue): \(place): \(message)"
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines (Foundation-free).
    public func trimmingWhitespace() -> String {
        // Fast path: nothing to trim at either end (checked on UTF-8 bytes, ASCII and NBSP-free).
        let bytes = utf8
        if let first = bytes.first, let last = bytes.last,
           first > 0x20, first < 0x80, last > 0x20, last < 0x80 {
            return self
        }
        if bytes.isEmpty { return self }
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        guard let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[start...end])
    }
}
