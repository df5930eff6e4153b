/// The columnar store: interned strings, entity tables with dense `RowID`s, and one event table.
///
/// Every table is a set of parallel arrays of trivial types. Rows are in canonical order (sorted by
/// content: accounts by username and ids, videos by TikTok id, …), so the same inputs give the same
/// store whatever order they were imported in. Build one with `StoreBuilder`; load and save it
/// with `Store.load(from:)` and `save(to:)`.
public struct Store: Sendable, Equatable {
    public internal(set) var strings = StringTable()
    public internal(set) var accounts = AccountTable()
    public internal(set) var videos = VideoTable()
    public internal(set) var hashtags = HashtagTable()
    public internal(set) var sounds = SoundTable()
    public internal(set) var effects = EffectTable()
    public internal(set) var comments = CommentTable()
    /// Video counters, one row per (video, observation time).
    public internal(set) var videoStats = VideoStatsTable()
    public internal(set) var conversations = ConversationTable()
    public internal(set) var events = EventTable()
    public internal(set) var inputs = InputTable()

    public init() {}

    /// An account's display label: its username, else its nickname (`donor-<hex>` for anonymous
    /// donors), else `id:<numeric id>`.
    public func label(ofAccount row: RowID) -> String {
        guard Int(row) < accounts.count else { return "?" }
        if let name = strings[accounts.username[Int(row)]] { return name }
        if let nick = strings[accounts.nickname[Int(row)]] { return nick }
        let id = accounts.numericID[Int(row)]
        return id != 0 ? "id:\(id)" : "account-\(row)"
    }

    /// Events per kind, every kind present.
    public func eventCounts() -> [EventKind: Int] {
        var counts = [Int](repeating: 0, count: EventKind.allCases.count)
        for kind in events.kind where Int(kind) < counts.count { counts[Int(kind)] += 1 }
        var result: [EventKind: Int] = [:]
        for kind in EventKind.allCases { result[kind] = counts[Int(kind.rawValue)] }
        return result
    }

    /// Bytes held by all columns (the loaded store's memory, not counting array headers).
    public var columnBytes: Int {
        var total = strings.bytes.count + strings.offsets.count * 4
        total += accounts.bytes + videos.bytes + hashtags.bytes + sounds.bytes + effects.bytes
        total += comments.bytes + conversations.bytes + events.bytes + inputs.bytes + videoStats.bytes
        return total
    }
}

public struct AccountTable: Sendable, Equatable {
    /// Lowercased username (string row) or `.none`.
    public internal(set) var username: [RowID] = []
    /// TikTok's numeric user id, 0 when unknown.
    public internal(set) var numericID: [UInt64] = []
    public internal(set) var secUID: [RowID] = []
    public internal(set) var nickname: [RowID] = []
    /// For anonymous donors: the SHA-256 (hex) of their export, else `.none`.
    public internal(set) var donorKey: [RowID] = []
    public internal(set) var flags: [UInt8] = []
    /// When `username` was last seen (UTC seconds), 0 when unknown. The username is the one seen
    /// last; with no times known, the smallest.
    public internal(set) var usernameSeen: [UInt32] = []
    /// Other usernames seen for the same account (renames), CSR: `aliasOffsets` has count + 1 entries.
    /// Ordered oldest first (by `aliasSeen`, then name), so the aliases and then `username` read as
    /// the rename history.
    public internal(set) var aliasOffsets: [UInt32] = [0]
    public internal(set) var aliases: [RowID] = []
    /// When each alias was last seen (UTC seconds), 0 when unknown; parallel to `aliases`.
    public internal(set) var aliasSeen: [UInt32] = []
    /// Follower and following counts of the latest observation, `unknownCount` when never seen.
    public internal(set) var followerCount: [UInt64] = []
    public internal(set) var followingCount: [UInt64] = []
    /// When those counts were observed (UTC seconds), 0 when unknown.
    public internal(set) var countsObserved: [UInt32] = []

    public var count: Int { username.count }
    public func flags(_ row: RowID) -> AccountFlags { AccountFlags(rawValue: flags[Int(row)]) }
    /// The usernames an account had, oldest first, each with when it was last seen: the aliases,
    /// then the current username.
    public func usernameHistory(of row: RowID) -> [(username: RowID, seen: UInt32)] {
        let range = Int(aliasOffsets[Int(row)])..<Int(aliasOffsets[Int(row) + 1])
        var history = range.map { (username: aliases[$0], seen: aliasSeen[$0]) }
        if username[Int(row)] != .none { history.append((username[Int(row)], usernameSeen[Int(row)])) }
        return history
    }
    var bytes: Int {
        count * (4 + 8 + 4 + 4 + 4 + 1 + 4 + 8 + 8 + 4) + aliasOffsets.count * 4 + aliases.count * 8
    }
}

public struct VideoTable: Sendable, Equatable {
    /// TikTok's 64-bit id, 0 for an own post known only by author and creation time.
    public internal(set) var tiktokID: [UInt64] = []
    public internal(set) var author: [RowID] = []
    public internal(set) var created: [UInt32] = []
    public internal(set) var caption: [RowID] = []
    public internal(set) var sound: [RowID] = []
    /// Hashtags of each video, CSR.
    public internal(set) var hashtagOffsets: [UInt32] = [0]
    public internal(set) var hashtags: [RowID] = []
    /// Accounts mentioned in each video, CSR.
    public internal(set) var mentionOffsets: [UInt32] = [0]
    public internal(set) var mentions: [RowID] = []
    /// Duets and stitches, sparse (few videos are either): the video rows, ascending, with the
    /// video each was made from and how (`VideoDerivation.rawValue`).
    public internal(set) var derivedRows: [RowID] = []
    public internal(set) var derivedSources: [RowID] = []
    public internal(set) var derivedKinds: [UInt8] = []

    public var count: Int { tiktokID.count }
    public func hashtags(of row: RowID) -> ArraySlice<RowID> {
        hashtags[Int(hashtagOffsets[Int(row)])..<Int(hashtagOffsets[Int(row) + 1])]
    }
    public func mentions(of row: RowID) -> ArraySlice<RowID> {
        mentions[Int(mentionOffsets[Int(row)])..<Int(mentionOffsets[Int(row) + 1])]
    }
    /// The video `row` is a duet or stitch of, or `.none`.
    public func derivedFrom(_ row: RowID) -> RowID {
        sparseIndex(derivedRows, row).map { derivedSources[$0] } ?? .none
    }
    /// Whether `row` is a duet, a stitch or neither.
    public func derivation(of row: RowID) -> VideoDerivation {
        sparseIndex(derivedRows, row).flatMap { VideoDerivation(rawValue: derivedKinds[$0]) } ?? .none
    }
    var bytes: Int {
        count * (8 + 4 + 4 + 4 + 4) + (hashtagOffsets.count + hashtags.count + mentionOffsets.count + mentions.count)
            * 4
            + derivedRows.count * 9
    }
}

public struct HashtagTable: Sendable, Equatable {
    public internal(set) var name: [RowID] = []
    public internal(set) var tiktokID: [UInt64] = []
    public var count: Int { name.count }
    var bytes: Int { count * 12 }
}

public struct SoundTable: Sendable, Equatable {
    public internal(set) var tiktokID: [UInt64] = []
    public internal(set) var title: [RowID] = []
    public var count: Int { tiktokID.count }
    var bytes: Int { count * 12 }
}

public struct EffectTable: Sendable, Equatable {
    public internal(set) var tiktokID: [UInt64] = []
    public var count: Int { tiktokID.count }
    var bytes: Int { count * 8 }
}

public struct CommentTable: Sendable, Equatable {
    public internal(set) var tiktokID: [UInt64] = []
    public internal(set) var author: [RowID] = []
    public internal(set) var video: [RowID] = []
    /// The top-level comment a reply belongs to, else `.none`.
    public internal(set) var parent: [RowID] = []
    /// Replies to replies inside a thread, sparse: the reply rows, ascending, and the reply each
    /// answers (the others answer their `parent`).
    public internal(set) var replyRows: [RowID] = []
    public internal(set) var replyTargets: [RowID] = []
    public internal(set) var time: [UInt32] = []
    /// A fingerprint of the text; the text is not stored.
    public internal(set) var fingerprint: [UInt64] = []
    public var count: Int { tiktokID.count }
    /// Inside a thread, the reply `row` answers, else `.none` (it answers its `parent`).
    public func replyTo(_ row: RowID) -> RowID {
        sparseIndex(replyRows, row).map { replyTargets[$0] } ?? .none
    }
    /// The comment a reply answers (`replyTo`, else `parent`) and that comment's author; `.none`s
    /// for a top-level comment or an unknown author.
    public func answered(by row: RowID) -> (comment: RowID, author: RowID) {
        let answered = replyTo(row)
        let target = answered != .none ? answered : parent[Int(row)]
        guard target != .none else { return (.none, .none) }
        return (target, author[Int(target)])
    }
    var bytes: Int { count * (8 + 4 + 4 + 4 + 4 + 8) + replyRows.count * 8 }
}

/// The position of `row` in an ascending sparse row column, by binary search.
func sparseIndex(_ rows: [RowID], _ row: RowID) -> Int? {
    var low = 0
    var high = rows.count
    while low < high {
        let middle = (low + high) / 2
        if rows[middle] < row { low = middle + 1 } else { high = middle }
    }
    return low < rows.count && rows[low] == row ? low : nil
}

/// Counter snapshots of videos: one row per (video, observation time), sorted by video, then time.
/// Values are `unknownCount` when not observed. Counters live here, not on events.
public struct VideoStatsTable: Sendable, Equatable {
    public internal(set) var video: [RowID] = []
    /// When observed (UTC seconds), 0 when unknown.
    public internal(set) var observed: [UInt32] = []
    public internal(set) var plays: [UInt64] = []
    public internal(set) var likes: [UInt64] = []
    public internal(set) var comments: [UInt64] = []
    public internal(set) var shares: [UInt64] = []
    public internal(set) var saves: [UInt64] = []
    public internal(set) var reposts: [UInt64] = []
    /// Bit 0: exact (`statsV2`); clear when some value came from the display-rounded `stats`.
    public internal(set) var flags: [UInt8] = []

    public static let exactFlag: UInt8 = 1

    public var count: Int { video.count }
    /// The rows of one video's snapshots (rows are sorted by video).
    public func rows(of video: RowID) -> Range<Int> {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if self.video[middle] < video { low = middle + 1 } else { high = middle }
        }
        var end = low
        while end < count, self.video[end] == video { end += 1 }
        return low..<end
    }
    var bytes: Int { count * (4 + 4 + 6 * 8 + 1) }
}

public struct ConversationTable: Sendable, Equatable {
    /// TikTok's group-chat id.
    public internal(set) var tiktokID: [UInt64] = []
    public var count: Int { tiktokID.count }
    var bytes: Int { count * 8 }
}

/// One row per event, sorted by (actor, kind, object type, object, detail, time, source).
public struct EventTable: Sendable, Equatable {
    public internal(set) var actor: [RowID] = []
    /// `EventKind.rawValue`.
    public internal(set) var kind: [UInt8] = []
    /// `ObjectType.rawValue`.
    public internal(set) var objectType: [UInt8] = []
    public internal(set) var object: [RowID] = []
    /// UTC seconds since 1970 (valid to 2106), 0 when unknown.
    public internal(set) var time: [UInt32] = []
    /// The input (row of `inputs`) the event was first read from.
    public internal(set) var source: [RowID] = []
    /// Kind-specific details (see `EventDetail`: share method as string row + 1, message fingerprint
    /// with bit 31 set, or linked video row), stored sparsely because only shares and messages have
    /// one: `detailIndex` lists, ascending, the events whose detail is not 0, and `detailValue` their
    /// details. Read them with `detail(_:)`, `shareMethod(_:)` and `messageVideo(_:)`.
    public internal(set) var detailIndex: [UInt32] = []
    public internal(set) var detailValue: [UInt32] = []

    public var count: Int { actor.count }
    var bytes: Int { count * (4 + 1 + 1 + 4 + 4 + 4) + detailIndex.count * 8 }

    /// The raw detail of event `index` (0 when it has none). O(log d).
    public func detail(_ index: Int) -> UInt32 {
        let target = UInt32(truncatingIfNeeded: index)
        var low = 0
        var high = detailIndex.count
        while low < high {
            let mid = (low + high) / 2
            if detailIndex[mid] < target { low = mid + 1 } else { high = mid }
        }
        return low < detailIndex.count && detailIndex[low] == target ? detailValue[low] : 0
    }

    /// The share method of a `shared` event, as a string row, or `.none`.
    public func shareMethod(_ index: Int) -> RowID {
        guard kind[index] == EventKind.shared.rawValue else { return .none }
        let value = detail(index)
        return value == 0 ? .none : value - 1
    }

    /// The video a `messaged` event links to, or `.none`.
    public func messageVideo(_ index: Int) -> RowID {
        guard kind[index] == EventKind.messaged.rawValue else { return .none }
        let value = detail(index)
        return value & EventDetail.fingerprintBit == 0 ? value : .none
    }

    /// Every event's detail, dense (for code that walks all events).
    public var denseDetails: [UInt32] {
        var dense = [UInt32](repeating: 0, count: count)
        for (position, index) in detailIndex.enumerated() where Int(index) < dense.count {
            dense[Int(index)] = detailValue[position]
        }
        return dense
    }
}

/// Provenance: one row per imported input (deduplicated by SHA-256).
public struct InputTable: Sendable, Equatable {
    public internal(set) var name: [RowID] = []
    /// 32 bytes per input.
    public internal(set) var sha256: [UInt8] = []
    public internal(set) var layout: [RowID] = []
    public internal(set) var byteCount: [UInt64] = []
    /// Events the input contributed (before deduplication against other inputs).
    public internal(set) var eventCount: [UInt64] = []
    public var count: Int { name.count }
    public func sha256(of row: RowID) -> [UInt8] {
        Array(sha256[Int(row) * 32..<Int(row) * 32 + 32])
    }
    var bytes: Int { count * (4 + 32 + 4 + 8 + 8) }
}
