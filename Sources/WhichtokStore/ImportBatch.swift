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
    /// More rows of the same input, read on other threads (the later runs of a large HAR's
    /// bodies), with row numbers local to each part. `StoreBuilder` adds them as this input; their
    /// counts and warnings are already in this batch. Parts have no parts of their own.
    public var parts: [ImportBatch] = []
    /// Events of this batch and its parts.
    public var totalEventCount: Int { parts.reduce(eventCount) { $0 + $1.eventCount } }

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
        /// When `username` was last seen (UTC seconds), 0 when unknown (archives).
        public var usernameSeen: UInt32 = 0
        /// Other usernames seen for this account (renames), each with when it was last seen.
        public var otherUsernames: [UsernameSighting] = []
        /// Follower and following counts of the latest observation, `unknownCount` when not seen.
        public var followerCount: UInt64 = unknownCount
        public var followingCount: UInt64 = unknownCount
        /// When the counts were observed (UTC seconds), 0 when unknown.
        public var countsObserved: UInt32 = 0
        /// Whether the counts are exact (`statsV2`) rather than rounded for display (`stats`).
        public var countsExact = false

        public init(
            username: String? = nil, numericID: UInt64? = nil, secUID: String? = nil, nickname: String? = nil,
            flags: AccountFlags = [], donorKey: String? = nil, usernameSeen: UInt32 = 0
        ) {
            self.username = username
            self.numericID = numericID
            self.secUID = secUID
            self.nickname = nickname
            self.flags = flags
            self.donorKey = donorKey
            self.usernameSeen = usernameSeen
        }

        /// Whether any count was observed.
        public var hasCounts: Bool { followerCount != unknownCount || followingCount != unknownCount }
    }

    /// A username and the last time it was seen for an account (0 = unknown).
    public struct UsernameSighting: Sendable, Hashable {
        public var username: String
        public var seen: UInt32
        public init(username: String, seen: UInt32) {
            self.username = username
            self.seen = seen
        }
    }
    public internal(set) var accounts: [Account] = []
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
        /// The creation time the web states (`createTime`, UTC seconds), 0 when not stated. Wins over `id >> 32`.
        public var createTime: UInt32 = 0
        /// The video this one is a duet or stitch of, and which.
        public var derivedFrom: RowID = .none
        public var derivation: VideoDerivation = .none
    }
    public internal(set) var videos: [Video] = []

    /// A video's counters as observed at one moment (a web response's `stats`/`statsV2`).
    public struct VideoCounters: Sendable, Hashable {
        public var video: RowID
        /// When observed (UTC seconds; the HAR entry's `startedDateTime`), 0 when unknown.
        public var observed: UInt32
        /// Each `unknownCount` when absent.
        public var plays: UInt64 = unknownCount
        public var likes: UInt64 = unknownCount
        public var comments: UInt64 = unknownCount
        public var shares: UInt64 = unknownCount
        public var saves: UInt64 = unknownCount
        public var reposts: UInt64 = unknownCount
        /// Every value came from the exact `statsV2`, none from the display-rounded `stats`.
        public var exact = false

        public init(video: RowID, observed: UInt32) {
            self.video = video
            self.observed = observed
        }

        public var isEmpty: Bool {
            plays == unknownCount && likes == unknownCount && comments == unknownCount && shares == unknownCount
                && saves == unknownCount && reposts == unknownCount
        }
    }
    public internal(set) var videoCounters: [VideoCounters] = []

    // MARK: Small entities
    public struct Hashtag: Sendable, Hashable {
        /// Lowercased name without `#`.
        public var name: String?
        public var tiktokID: UInt64?
    }
    public internal(set) var hashtags: [Hashtag] = []

    public struct Sound: Sendable, Hashable {
        public var tiktokID: UInt64?
        public var title: String?
    }
    public internal(set) var sounds: [Sound] = []

    public internal(set) var effects: [UInt64] = []

    public struct Comment: Sendable, Hashable {
        public var tiktokID: UInt64?
        public var author: RowID
        public var video: RowID = .none
        public var parent: RowID = .none
        /// Inside a thread, the reply this reply answers (`reply_to_reply_id`), else `.none`.
        public var replyTo: RowID = .none
        public var time: UInt32
        /// A fingerprint of the text (the text itself is not kept).
        public var textFingerprint: UInt64
    }
    public internal(set) var comments: [Comment] = []

    /// Group conversations, by TikTok's group id.
    public internal(set) var conversations: [UInt64] = []

    /// Free strings that events point at: search terms, favourite collection names, share methods.
    public internal(set) var strings: [String] = []
    /// The last string `string(_:)` gave a row for, and that row (`.none`: none yet). Labels
    /// repeat (`repost` on every repost, a share method on most shares): comparing with the last
    /// one costs less than hashing it again, and gives the row the index would give.
    private var lastString = ""
    private var lastStringRow = RowID.none

    // MARK: Events (struct of arrays, batch-local rows)
    public internal(set) var eventActor: [RowID] = []
    public internal(set) var eventKind: [EventKind] = []
    public internal(set) var eventObjectType: [ObjectType] = []
    public internal(set) var eventObject: [RowID] = []
    public internal(set) var eventTime: [UInt32] = []
    /// Encoded as in the store, except that labels are batch string rows and message videos are batch video rows.
    public internal(set) var eventDetail: [UInt32] = []

    // MARK: Report
    /// Records read per recognised section (e.g. `Watch History` → 1234).
    public var sectionCounts: [String: Int] = [:]
    /// Sections recognised as out of scope (ads, shop, logins…), with their record counts. Nothing of them is kept.
    public var skippedSections: [String: Int] = [:]
    /// Sections or files that were not understood, named in the summary and never silently dropped:
    /// the first `unknownSectionsKept` distinct names in the order found. One odd export can hold
    /// thousands of unknown keys, so the rest are only counted, in `unknownSectionsOmitted`.
    public private(set) var unknownSections: [String] = []
    /// Names not understood beyond those kept in `unknownSections` (each time one was met).
    public private(set) var unknownSectionsOmitted = 0
    /// How many names of sections or files not understood a batch keeps.
    public static let unknownSectionsKept = 20
    /// Records that are normal in real exports but yield no event, by what they are, in the
    /// singular (`share without a video id`): counted in the summary line instead of warned
    /// about, since a warning in every donation says nothing the researcher should look at.
    public var recordsSetAside: [String: Int] = [:]
    /// Entries of a web capture (HAR entries, NDJSON lines, pages) that yielded records, by kind
    /// (`item lists`, `comment lists`, `pages`, …).
    public var webEntriesRead: [String: Int] = [:]
    /// Entries of a web capture (HAR entries, NDJSON lines, pages) that yielded nothing, by reason
    /// (`other host`, `body missing`, …).
    public var skippedEntries: [String: Int] = [:]
    public var diagnostics: [ImportDiagnostic] = []

    public init(inputName: String, sha256: [UInt8]) {
        self.inputName = inputName
        self.sha256 = sha256
    }

    public var eventCount: Int { eventActor.count }

    /// The maps that find a row by its key while the batch is read (`withoutLookups()` drops them).
    private struct Lookups: Sendable {
        var accountByUsername: [String: RowID] = [:]
        var accountByNumericID: [UInt64: RowID] = [:]
        var accountBySecUID: [String: RowID] = [:]
        var videoByID = IDMap()
        var videoByAuthorTime = IDMap()
        var hashtagByName: [String: RowID] = [:]
        var hashtagByID: [UInt64: RowID] = [:]
        var soundByID: [UInt64: RowID] = [:]
        var soundByTitle: [String: RowID] = [:]
        var effectByID: [UInt64: RowID] = [:]
        /// Comments with a TikTok id by that id; the others by author, time and text fingerprint.
        var commentByID = IDMap()
        var commentByContent = CommentContentMap()
        var conversationByID: [UInt64: RowID] = [:]
        /// Free strings by their text.
        var stringIndex: [String: RowID] = [:]
    }
    private var lookups = Lookups()

    /// This batch without the maps that find its rows by key while it is read (nor its parts'),
    /// for a batch that is complete and waits to be built: a builder reads the rows alone. Rows
    /// added to it afterwards would not find those already there.
    public func withoutLookups() -> ImportBatch {
        var batch = self
        batch.lookups = Lookups()
        batch.parts = parts.map { $0.withoutLookups() }
        return batch
    }

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
            if lookups.accountByUsername[name] == nil { lookups.accountByUsername[name] = row }
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
        return account(normalisedUsername: name)
    }

    /// `account(username:)` of the name written as `bytes` (UTF-8), without the detour through a
    /// `String` of the name as written (see `normalisedUsername(bytes:)`).
    public mutating func account(usernameBytes bytes: UnsafeRawBufferPointer) -> RowID? {
        guard let name = Self.normalisedUsername(bytes: bytes) else { return nil }
        return account(normalisedUsername: name)
    }

    /// `account(username:)` for what `normalisedUsername` returned for the name, for a reader that
    /// needed the normalised name itself (a message's sender, compared with the owner's name):
    /// normalising lowercases, which is not cheap for names beyond ASCII.
    public mutating func account(normalisedUsername name: String) -> RowID {
        if let row = lookups.accountByUsername[name] { return row }
        let row = RowID(accounts.count)
        accounts.append(Account(username: name))
        lookups.accountByUsername[name] = row
        return row
    }

    /// An account known by any of its identifiers; merges with rows of this batch that share one.
    ///
    /// A numeric id or secUID is one account. A username joins the row that carries it unless that
    /// row has another numeric id or secUID (the name passed to someone else). A second username for
    /// a row (a rename) is kept in `otherUsernames` with `seen`, the time it was observed.
    public mutating func account(
        username: String? = nil, numericID: UInt64? = nil, secUID: String? = nil,
        nickname: String? = nil, flags: AccountFlags = [], seen: UInt32 = 0
    ) -> RowID? {
        let name = username.flatMap(Self.normalisedUsername)
        let id = numericID.flatMap { $0 == 0 ? nil : $0 }
        let sec = secUID.flatMap { Self.isPlaceholder($0) ? nil : $0 }
        guard name != nil || id != nil || sec != nil else { return nil }
        var found = id.flatMap { lookups.accountByNumericID[$0] } ?? sec.flatMap { lookups.accountBySecUID[$0] }
        if found == nil, let name, let byName = lookups.accountByUsername[name] {
            let other = accounts[Int(byName)]
            let otherID = id != nil && other.numericID != nil && other.numericID != id
            let otherSec = sec != nil && other.secUID != nil && other.secUID != sec
            if !otherID && !otherSec { found = byName }
        }
        let row: RowID
        if let found {
            row = found
        } else {
            row = RowID(accounts.count)
            accounts.append(Account())
        }
        var record = accounts[Int(row)]
        if let name {
            if record.username == nil {
                record.username = name
                record.usernameSeen = seen
            } else if record.username == name {
                record.usernameSeen = max(record.usernameSeen, seen)
            } else if let index = record.otherUsernames.firstIndex(where: { $0.username == name }) {
                record.otherUsernames[index].seen = max(record.otherUsernames[index].seen, seen)
            } else {
                record.otherUsernames.append(UsernameSighting(username: name, seen: seen))
            }
        }
        if record.numericID == nil, let id { record.numericID = id }
        if record.secUID == nil, let sec { record.secUID = sec }
        if let nickname, !Self.isPlaceholder(nickname) { record.nickname = nickname }
        record.flags.formUnion(flags)
        accounts[Int(row)] = record
        if let name, lookups.accountByUsername[name] == nil { lookups.accountByUsername[name] = row }
        if let id, lookups.accountByNumericID[id] == nil { lookups.accountByNumericID[id] = row }
        if let sec, lookups.accountBySecUID[sec] == nil { lookups.accountBySecUID[sec] = row }
        return row
    }

    /// The row of the account with this numeric id, if the batch has one (no row is created).
    public func accountRow(numericID: UInt64) -> RowID? { lookups.accountByNumericID[numericID] }

    /// Notes that `row`'s current username was seen again at `seen`, with `flags`: the fast path
    /// for an account seen again under the same name (no strings are made).
    public mutating func sawAccount(_ row: RowID, at seen: UInt32, flags: AccountFlags = []) {
        guard Int(row) < accounts.count else { return }
        if accounts[Int(row)].usernameSeen < seen { accounts[Int(row)].usernameSeen = seen }
        if !flags.isSubset(of: accounts[Int(row)].flags) { accounts[Int(row)].flags.formUnion(flags) }
    }

    /// Records follower/following counts observed at `observed`; the latest observation (then an
    /// exact one) is kept. `unknownCount` leaves a count as it is.
    public mutating func setCounts(
        of row: RowID, followers: UInt64, following: UInt64, observed: UInt32, exact: Bool
    ) {
        guard Int(row) < accounts.count, followers != unknownCount || following != unknownCount else { return }
        var record = accounts[Int(row)]
        if record.hasCounts {
            let newer =
                observed > record.countsObserved || (observed == record.countsObserved && exact && !record.countsExact)
            let same = observed == record.countsObserved && exact == record.countsExact
            guard newer || same else { return }
            if same {
                // Same moment, same precision: fill in what is missing.
                if record.followerCount == unknownCount { record.followerCount = followers }
                if record.followingCount == unknownCount { record.followingCount = following }
                accounts[Int(row)] = record
                return
            }
        }
        record.followerCount = followers
        record.followingCount = following
        record.countsObserved = observed
        record.countsExact = exact
        accounts[Int(row)] = record
    }

    // MARK: - Videos

    /// A video by TikTok id. Its creation time is `id >> 32`. Returns nil for id 0.
    public mutating func video(id: UInt64) -> RowID? {
        guard id != 0 else { return nil }
        if let row = lookups.videoByID.insertIfAbsent(id, RowID(videos.count)) { return row }
        videos.append(Video(tiktokID: id, created: UInt32(truncatingIfNeeded: id >> 32)))
        return RowID(videos.count - 1)
    }

    /// A video known only by its author and creation time (an own post in an archive, whose link
    /// holds no id). The store matches it with a video of that author whose `id >> 32` is that time.
    public mutating func video(author: RowID, created: UInt32) -> RowID? {
        guard created != 0, author != .none else { return nil }
        let key = UInt64(author) << 32 | UInt64(created)
        if let row = lookups.videoByAuthorTime.insertIfAbsent(key, RowID(videos.count)) { return row }
        videos.append(Video(tiktokID: 0, author: author, created: created))
        return RowID(videos.count - 1)
    }

    /// Adds what is known about a video. Later calls fill in fields that are still empty and add
    /// hashtags and mentions.
    public mutating func describeVideo(
        _ row: RowID, author: RowID? = nil, caption: String? = nil, sound: RowID? = nil,
        hashtags: [RowID] = [], mentions: [RowID] = [], createTime: UInt32 = 0,
        derivedFrom: RowID = .none, derivation: VideoDerivation = .none
    ) {
        var video = videos[Int(row)]
        if video.author == .none, let author { video.author = author }
        if video.caption == nil, let caption, !caption.isEmpty { video.caption = caption }
        if video.sound == .none, let sound { video.sound = sound }
        if video.createTime == 0 { video.createTime = createTime }
        if video.derivedFrom == .none, derivedFrom != .none, derivedFrom != row, derivation != .none {
            video.derivedFrom = derivedFrom
            video.derivation = derivation
        }
        for tag in hashtags where !video.hashtags.contains(tag) { video.hashtags.append(tag) }
        for account in mentions where !video.mentions.contains(account) { video.mentions.append(account) }
        videos[Int(row)] = video
    }

    /// The row of the video with this id, if the batch has one (no row is created).
    public func videoRow(id: UInt64) -> RowID? { lookups.videoByID[id] }

    /// The rows of the hashtag and sound with these ids, if the batch has them.
    public func hashtagRow(id: UInt64) -> RowID? { lookups.hashtagByID[id] }
    public func soundRow(id: UInt64) -> RowID? { lookups.soundByID[id] }

    /// Whether a video already has an author (a web reader has described it).
    public func isDescribed(_ row: RowID) -> Bool {
        Int(row) < videos.count && videos[Int(row)].author != .none
    }

    /// Records a counter snapshot of a video; empty snapshots are dropped.
    public mutating func addCounters(_ counters: VideoCounters) {
        guard !counters.isEmpty, Int(counters.video) < videos.count else { return }
        videoCounters.append(counters)
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
        if let found = tagID.flatMap({ lookups.hashtagByID[$0] }) ?? cleaned.flatMap({ lookups.hashtagByName[$0] }) {
            row = found
        } else {
            row = RowID(hashtags.count)
            hashtags.append(Hashtag())
        }
        if hashtags[Int(row)].name == nil, let cleaned { hashtags[Int(row)].name = cleaned }
        if hashtags[Int(row)].tiktokID == nil, let tagID { hashtags[Int(row)].tiktokID = tagID }
        if let cleaned, lookups.hashtagByName[cleaned] == nil { lookups.hashtagByName[cleaned] = row }
        if let tagID, lookups.hashtagByID[tagID] == nil { lookups.hashtagByID[tagID] = row }
        return row
    }

    /// A sound by TikTok id and/or title. Without an id, the title is the key.
    public mutating func sound(id: UInt64? = nil, title: String? = nil) -> RowID? {
        let soundID = id.flatMap { $0 == 0 ? nil : $0 }
        let cleanTitle = title.flatMap { Self.isPlaceholder($0) ? nil : $0 }
        if let soundID {
            if let row = lookups.soundByID[soundID] {
                if sounds[Int(row)].title == nil { sounds[Int(row)].title = cleanTitle }
                return row
            }
            let row = RowID(sounds.count)
            sounds.append(Sound(tiktokID: soundID, title: cleanTitle))
            lookups.soundByID[soundID] = row
            return row
        }
        guard let cleanTitle else { return nil }
        if let row = lookups.soundByTitle[cleanTitle] { return row }
        let row = RowID(sounds.count)
        sounds.append(Sound(tiktokID: nil, title: cleanTitle))
        lookups.soundByTitle[cleanTitle] = row
        return row
    }

    public mutating func effect(id: UInt64) -> RowID? {
        guard id != 0 else { return nil }
        if let row = lookups.effectByID[id] { return row }
        let row = RowID(effects.count)
        effects.append(id)
        lookups.effectByID[id] = row
        return row
    }

    /// A group conversation by TikTok's group id.
    public mutating func conversation(groupID: UInt64) -> RowID? {
        guard groupID != 0 else { return nil }
        if let row = lookups.conversationByID[groupID] { return row }
        let row = RowID(conversations.count)
        conversations.append(groupID)
        lookups.conversationByID[groupID] = row
        return row
    }

    /// A free string (search term, collection name, share method). Returns nil for placeholders.
    public mutating func string(_ text: String) -> RowID? {
        if lastStringRow != .none, text == lastString { return lastStringRow }
        guard !Self.isPlaceholder(text) else { return nil }
        let row: RowID
        if let found = lookups.stringIndex[text] {
            row = found
        } else {
            row = RowID(strings.count)
            strings.append(text)
            lookups.stringIndex[text] = row
        }
        lastString = text
        lastStringRow = row
        return row
    }

    /// A comment. With a TikTok id the id is its identity; without one (archives), author, time and text.
    /// Later sightings of a comment with an id fill in what is still unknown (a parent first seen
    /// only as a reply's `reply_id` gets its author, time and text when its own record turns up).
    public mutating func comment(
        tiktokID: UInt64? = nil, author: RowID, video: RowID = .none, parent: RowID = .none,
        replyTo: RowID = .none, time: UInt32, textFingerprint: UInt64
    ) -> RowID {
        let id = tiktokID ?? 0
        let next = RowID(comments.count)
        var found: RowID?
        if id != 0 {
            found = lookups.commentByID.insertIfAbsent(id, next)
        } else {
            found = comments.withUnsafeBufferPointer { comments in
                lookups.commentByContent.insertIfAbsent(author: author, time: time, fingerprint: textFingerprint, next)
                {
                    let comment = comments[Int($0)]
                    return comment.textFingerprint == textFingerprint && comment.author == author
                        && comment.time == time
                }
            }
        }
        if let row = found {
            var record = comments[Int(row)]
            if record.video == .none { record.video = video }
            if record.parent == .none, parent != row { record.parent = parent }
            if record.replyTo == .none, replyTo != row { record.replyTo = replyTo }
            if record.author == .none { record.author = author }
            if record.time == 0 { record.time = time }
            if record.textFingerprint == 0 { record.textFingerprint = textFingerprint }
            comments[Int(row)] = record
            return row
        }
        comments.append(
            Comment(
                tiktokID: id == 0 ? nil : id, author: author, video: video, parent: parent, replyTo: replyTo,
                time: time, textFingerprint: textFingerprint))
        return next
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
        case .none: encoded = kind == .duetted || kind == .stitched ? RowID.none : 0
        case .label(let text): encoded = string(text).map { $0 + 1 } ?? 0
        case .messageFingerprint(let value): encoded = value | EventDetail.fingerprintBit
        case .messageVideo(let row): encoded = row
        case .derivedVideo(let row): encoded = row
        }
        eventActor.append(actor)
        eventKind.append(kind)
        eventObjectType.append(objectType)
        eventObject.append(object)
        eventTime.append(time)
        eventDetail.append(encoded)
    }

    /// Drops the events in `ranges` (in any order); rows stay as they are.
    public mutating func removeEvents(in ranges: [Range<Int>]) {
        guard !ranges.isEmpty else { return }
        var keep = [Bool](repeating: true, count: eventCount)
        for range in ranges {
            for i in range where i >= 0 && i < keep.count { keep[i] = false }
        }
        func filtered<T>(_ column: [T]) -> [T] {
            var out: [T] = []
            out.reserveCapacity(column.count)
            for (i, value) in column.enumerated() where keep[i] { out.append(value) }
            return out
        }
        eventActor = filtered(eventActor)
        eventKind = filtered(eventKind)
        eventObjectType = filtered(eventObjectType)
        eventObject = filtered(eventObject)
        eventTime = filtered(eventTime)
        eventDetail = filtered(eventDetail)
    }

    /// Room for `count` events in all, made once for a whole entry rather than by the doublings
    /// of appending (each copied the columns and touched new memory). Grows at least to twice
    /// the room there was, so that an input of many entries is not copied once per entry.
    public mutating func reserveEvents(_ count: Int) {
        guard count > eventActor.capacity else { return }
        let count = max(count, 2 * eventActor.capacity)
        eventActor.reserveCapacity(count)
        eventKind.reserveCapacity(count)
        eventObjectType.reserveCapacity(count)
        eventObject.reserveCapacity(count)
        eventTime.reserveCapacity(count)
        eventDetail.reserveCapacity(count)
    }

    // MARK: - Report

    /// Names a section or file that was not understood (kept if among the first
    /// `unknownSectionsKept` distinct names, else counted).
    public mutating func addUnknownSection(_ name: String) {
        if unknownSections.contains(name) { return }
        if unknownSections.count < Self.unknownSectionsKept {
            unknownSections.append(name)
        } else {
            unknownSectionsOmitted += 1
        }
    }

    /// Counts names not understood that were not kept (more than a summary names).
    public mutating func countUnknownSections(_ count: Int) {
        unknownSectionsOmitted += max(count, 0)
    }

    /// Takes over the report of another batch of the same input (its sections, unknown names,
    /// skipped entries and diagnostics), for a batch that is folded into this one.
    public mutating func addReport(of other: ImportBatch) {
        for (name, count) in other.sectionCounts { sectionCounts[name, default: 0] += count }
        for (name, count) in other.skippedSections { skippedSections[name, default: 0] += count }
        for name in other.unknownSections { addUnknownSection(name) }
        unknownSectionsOmitted += other.unknownSectionsOmitted
        for (kind, count) in other.recordsSetAside { recordsSetAside[kind, default: 0] += count }
        for (kind, count) in other.webEntriesRead { webEntriesRead[kind, default: 0] += count }
        for (reason, count) in other.skippedEntries { skippedEntries[reason, default: 0] += count }
        diagnostics.append(contentsOf: other.diagnostics)
    }

    /// Counts an entry of a web capture that yielded nothing.
    public mutating func skipEntry(_ reason: String) {
        skippedEntries[reason, default: 0] += 1
    }

    public mutating func warn(entry: String?, position: String? = nil, _ message: String) {
        diagnostics.append(
            ImportDiagnostic(
                severity: .warning, input: inputName, entry: entry, position: position, message: message))
    }

    public mutating func error(entry: String?, position: String? = nil, _ message: String) {
        diagnostics.append(
            ImportDiagnostic(
                severity: .error, input: inputName, entry: entry, position: position, message: message))
    }
}
