/// The kinds of event the store records. Raw values are part of the snapshot format: append only.
public enum EventKind: UInt8, CaseIterable, Sendable, Comparable {
    case watched = 0
    case liked, favorited, shared, commented, replied, mentioned, followed, messaged,
        searched, posted, duetted, stitched

    /// The name used by the CLI (`stats --json`) and reports.
    public var name: String {
        switch self {
        case .watched: "watched"
        case .liked: "liked"
        case .favorited: "favorited"
        case .shared: "shared"
        case .commented: "commented"
        case .replied: "replied"
        case .mentioned: "mentioned"
        case .followed: "followed"
        case .messaged: "messaged"
        case .searched: "searched"
        case .posted: "posted"
        case .duetted: "duetted"
        case .stitched: "stitched"
        }
    }

    public static func < (a: EventKind, b: EventKind) -> Bool { a.rawValue < b.rawValue }
}

/// What an event's `object` column points into. Raw values are part of the snapshot format.
public enum ObjectType: UInt8, CaseIterable, Sendable, Comparable {
    case account = 0
    case video, hashtag, sound, comment, conversation, effect, searchTerm, collection

    public var name: String {
        switch self {
        case .account: "account"
        case .video: "video"
        case .hashtag: "hashtag"
        case .sound: "sound"
        case .comment: "comment"
        case .conversation: "conversation"
        case .effect: "effect"
        case .searchTerm: "search_term"
        case .collection: "collection"
        }
    }

    public static func < (a: ObjectType, b: ObjectType) -> Bool { a.rawValue < b.rawValue }
}

/// A dense row number in one of the store's tables. `none` marks an absent reference.
public typealias RowID = UInt32

extension RowID {
    /// The absent reference in id columns.
    public static let none: RowID = .max
}

/// Account flags, stored as a bit set.
public struct AccountFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The owner of a donated archive.
    public static let donor = AccountFlags(rawValue: 1 << 0)
    public static let verified = AccountFlags(rawValue: 1 << 1)
    /// An archive owner known only by the archive's hash (`donor-<hex>`): a partial export without a profile.
    public static let anonymousDonor = AccountFlags(rawValue: 1 << 2)
    public static let privateAccount = AccountFlags(rawValue: 1 << 3)
}

/// How an event's `detail` column is read. The meaning depends on the event kind:
/// - `shared`: an interned string (the share method), or 0 when unknown;
/// - `messaged`: a message fingerprint (bit 31 set) or, when the message is a video link, the video row;
/// - `duetted`, `stitched`: the new video's row (the object is the source video), or `RowID.none`;
/// - every other kind: 0.
public enum EventDetail: Sendable, Hashable {
    case none
    /// A short label, interned (share method).
    case label(String)
    /// The 31-bit fingerprint of a message text; the text itself is never stored.
    case messageFingerprint(UInt32)
    /// A message whose content is a link to this video (a batch-local or store video row).
    case messageVideo(RowID)
    /// The duet or stitch itself (a batch-local or store video row); the event's object is its source.
    case derivedVideo(RowID)

    static let fingerprintBit: UInt32 = 1 << 31
}

/// How a video was made from another one (`VideoTable.derivation`). Raw values are part of the
/// snapshot format.
public enum VideoDerivation: UInt8, Sendable, CaseIterable {
    case none = 0
    case duet, stitch
}

/// A counter that was not observed (`VideoStatsTable`, `AccountTable` follower counts).
public let unknownCount: UInt64 = .max
