import WhichtokStore

/// The alias tables: every place a section can live in a TikTok export, across the JSON
/// generations (G1–G4, partial/category exports) and the TXT exports (English and Dutch).
///
/// A future layout should be a table edit here: add a JSON path, a list key, a record key alias or
/// a TXT file name. Matching ignores ASCII case and blanks, `_` and `-` in keys, so one alias
/// covers JSON and TXT spellings (`VideoLink` = `Video Link`, `UserName` = `Username` =
/// `User Name`); different words are separate aliases (`originalPostUrl`, `original post link`).
///
/// See Docs/archive-format.md: 'Section paths', 'Records', 'TXT file names' and 'Dutch TXT exports'.
enum ArchiveSections {
    // MARK: Sections

    static let sections: [SectionSpec] = [
        // Video references: the owner watched / liked / favorited / reposted a video.
        SectionSpec(
            "Watch History", .videos(.watched), keys: .videoReference,
            json: ["Activity → Video Browsing History", "Your Activity → Watch History"],
            lists: ["VideoList"],
            txt: [
                .en("Video Browsing History", era: 2020), .en("Video Browsing", era: 2022),
                .en("Browsing History", era: 2024),
                .en("Watch History", era: 2026), .nl("Kijkgeschiedenis", era: 2026),
            ]),
        SectionSpec(
            "Likes", .videos(.liked), keys: .videoReference,
            json: ["Activity → Like List", "Your Activity → Like List", "Likes and Favorites → Like List"],
            lists: ["ItemFavoriteList"],
            txt: [.en("Like List"), .en("Likes", era: 2022), .nl("Likelijst")]),
        SectionSpec(
            "Favorite Videos", .videos(.favorited), keys: .videoReference,
            json: [
                "Activity → Favorite Videos", "Your Activity → Favorite Videos",
                "Likes and Favorites → Favorite Videos",
            ],
            lists: ["FavoriteVideoList"],
            txt: [.en("Favorite Videos"), .nl("Favoriete video's")]),
        SectionSpec(
            "Reposts", .videos(.shared, label: "repost"), keys: .videoReference,
            json: ["Your Activity → Reposts", "Activity → Reposts"],
            lists: ["RepostList"],
            txt: [.en("Reposts", era: 2026), .nl("Herplaatsingen", era: 2026)]),
        SectionSpec(
            "Share History", .shares, keys: .share,
            json: ["Activity → Share History", "Your Activity → Share History"],
            lists: ["ShareHistoryList"],
            txt: [.en("Share History", era: 2024), .en("Sharing", era: 2022), .nl("Geschiedenis delen")]),

        // Other favourites.
        SectionSpec(
            "Favorite Sounds", .favoriteSounds, keys: .soundReference,
            json: [
                "Activity → Favorite Sounds", "Your Activity → Favorite Sounds",
                "Likes and Favorites → Favorite Sounds",
            ],
            lists: ["FavoriteSoundList"],
            txt: [.en("Favorite Sounds"), .nl("Favoriete geluiden")]),
        SectionSpec(
            "Favorite Effects", .favoriteEffects, keys: .effectReference,
            json: [
                "Activity → Favorite Effects", "Your Activity → Favorite Effects",
                "Likes and Favorites → Favorite Effects",
            ],
            lists: ["FavoriteEffectsList", "FavoriteEffectList"],
            txt: [.en("Favorite Effects"), .nl("Favoriete effecten")]),
        SectionSpec(
            "Favorite Hashtags", .favoriteHashtags, keys: .hashtagReference,
            json: [
                "Activity → Favorite Hashtags", "Your Activity → Favorite Hashtags",
                "Likes and Favorites → Favorite Hashtags",
            ],
            lists: ["FavoriteHashtagList"],
            txt: [.en("Favorite HashTags", era: 2022), .nl("Favoriete hashtags")]),
        SectionSpec(
            "Favorite Collections", .favoriteCollections, keys: .collection,
            json: [
                "Your Activity → Favorite Collection", "Likes and Favorites → Favorite Collection",
                "Your Activity → Favorite Collections", "Likes and Favorites → Favorite Collections",
            ],
            lists: ["FavoriteCollectionList"],
            txt: [
                .en("Favorite Collections", era: 2026), .en("Favorite Collection"),
                .nl("Favoriete collecties", era: 2026),
            ]),

        // Activity.
        SectionSpec(
            "Searches", .searches, keys: .search,
            json: ["Activity → Search History", "Your Activity → Searches"],
            lists: ["SearchList"],
            txt: [.en("Searches", era: 2022), .en("Search History"), .nl("Zoekopdrachten")]),
        SectionSpec(
            "Hashtags", .hashtags, keys: .hashtag,
            json: ["Activity → Hashtag", "Your Activity → Hashtag"],
            lists: ["HashtagList"],
            txt: [.en("Hashtag", era: 2022), .en("Hashtags")]),
        SectionSpec(
            "Comments", .comments, keys: .comment,
            json: ["Comment → Comments"], partialJSON: ["Activity → Comments"],
            lists: ["CommentsList"],
            txt: [.en("Comments"), .nl("Reacties")]),

        // People.
        SectionSpec(
            "Following", .following, keys: .person,
            json: ["Activity → Following List", "Your Activity → Following", "Profile And Settings → Following"],
            partialJSON: ["Profile → Following List"],
            lists: ["Following"],
            txt: [.en("Following", era: 2022), .nl("Volgend")]),
        SectionSpec(
            "Followers", .followers, keys: .person,
            json: ["Activity → Follower List", "Your Activity → Follower", "Profile And Settings → Follower"],
            partialJSON: ["Profile → Follower List"],
            lists: ["FansList"],
            txt: [.en("Follower", era: 2022), .en("Followers"), .nl("Volger"), .nl("Volgers")]),
        SectionSpec(
            "Block List", .blockList, keys: .person,
            json: ["App Settings → Block", "App Settings → Block List", "Profile And Settings → Block List"],
            lists: ["BlockList"],
            txt: [.en("Block List", era: 2022), .nl("Blokkeringslijst")]),

        // The owner.
        SectionSpec(
            "Profile", .profile, keys: .profile,
            json: [
                "Profile → Profile Information", "Profile → Profile Info", "Profile And Settings → Profile Info",
                "Profile And Settings → Profile Information",
            ],
            lists: ["ProfileMap"],
            txt: [.en("Profile Info"), .en("Profile Information"), .nl("Profielinformatie")]),
        SectionSpec(
            "Posts", .posts, keys: .post,
            json: ["Video → Videos", "Post → Posts"],
            lists: ["VideoList"],
            txt: [
                .en("Videos", era: 2020), .en("Post", era: 2024), .en("Posts", era: 2026),
                .nl("Berichten", era: 2026),
            ]),

        // Messages.
        SectionSpec(
            "Direct Messages", .directMessages, keys: .message,
            json: [
                "Direct Messages → Chat History", "Direct Message → Direct Messages",
                "Direct Messages → Direct Messages", "Direct Message → Chat History",
            ],
            lists: ["ChatHistory"],
            txt: [.en("Direct Messages", era: 2024), .nl("Directe berichten", era: 2024)]),
        SectionSpec(
            "Group Chats", .groupChats, keys: .message,
            json: ["Direct Message → Group Chat", "Direct Messages → Group Chat"],
            lists: ["GroupChat", "GroupChatHistory"],
            txt: [.en("Group Chat", era: 2026), .nl("Groepschat", era: 2026)]),

        // Recognised, out of scope: counted in `skippedSections`, nothing kept.
        skipped("Tako Chat History", json: ["Direct Message → Tako Chat History"], txt: [.en("Tako Chat History")]),
        skipped(
            "Recently Deleted Posts",
            json: ["Video → RecentlyDeletedPosts", "Post → Recently Deleted Posts", "Post → RecentlyDeletedPosts"],
            txt: [.en("Recently Deleted Posts"), .nl("Onlangs verwijderde berichten")]),
        skipped("Stories", json: ["Post → Story", "Post → Stories"]),
        skipped(
            "Login History",
            json: ["Activity → Login History", "Your Activity → Login History"],
            txt: [.en("Login History"), .nl("Inloggeschiedenis")]),
        skipped("Status", json: ["Activity → Status", "Your Activity → Status"], txt: [.en("Status")]),
        skipped(
            "Purchases",
            json: ["Activity → Purchase History", "Your Activity → Purchases", "Your Activity → Purchase History"],
            txt: [.en("Purchases"), .nl("Aankopen")]),
        skipped(
            "Most Recent Location",
            json: ["Activity → Most Recent Location Data", "Your Activity → Most Recent Location Data"],
            txt: [.en("Most Recent Location Data"), .nl("Meest recente locatiegegevens")]),
        skipped(
            "Activity Summary",
            json: ["Your Activity → Activity Summary", "Activity → Activity Summary"],
            txt: [.en("Activity Summary", era: 2026), .nl("Samenvatting van activiteit", era: 2026)]),
        skipped(
            "Ads Visit History",
            json: ["Your Activity → Ads Visit History"],
            txt: [.en("Ads Visit History"), .nl("Geschiedenis van advertentielinks")]),
        skipped(
            "Ad Interests",
            json: ["Ads and data → Ad Interests", "Your Activity → Ad Interests"],
            txt: [.en("Ad Interests"), .nl("Advertentie-interesses")]),
        skipped(
            "Off TikTok Activity",
            json: [
                "Ads and data → Off TikTok Activity", "Your Activity → Off TikTok Activity",
                "Profile And Settings → Off TikTok Activity",
            ],
            txt: [.en("Off TikTok Activity"), .en("Off-TikTok Activities"), .nl("Activiteit buiten TikTok")]),
        skipped(
            "Instant Form Ads Responses",
            json: ["Ads and data → Instant Form Ads Responses", "Your Activity → Instant Form Ads Responses"],
            txt: [.en("Instant Form Ads Responses"), .nl("Reacties op direct formulier-advertenties")]),
        // Early 2022 TXT exports, `Ads and data/` (file names spelled with `_`; no JSON counterpart known).
        skipped(
            "Ads Based on Partner Data", json: [],
            txt: [.en("Ads Based On Data Received from Partners", era: 2022)]),
        skipped(
            "Third-party App and Website Usage", json: [],
            txt: [.en("Usage Data from Third-party Apps and Websites", era: 2022)]),
        skipped("Stickers", json: ["Your Activity → Stickers"], txt: [.en("Stickers")]),
        skipped("Donation", json: ["Your Activity → Donation"], txt: [.en("Donation", era: 2026), .nl("Donatie")]),
        skipped(
            "Fundraiser", json: ["Your Activity → Fundraiser"],
            txt: [.en("Fundraiser", era: 2026), .nl("Fondsenwerving")]),
        skipped("Mini Drama", json: ["Your Activity → Mini Drama Watch History"]),
        skipped(
            "Favorite Comments",
            json: [
                "Your Activity → Favorite Comment", "Likes and Favorites → Favorite Comment",
                "Likes and Favorites → Favorite Comments",
            ],
            txt: [.en("Favorite Comments", era: 2026), .nl("Favoriete reacties")]),
        skipped(
            "Favorite Locations",
            json: [
                "Your Activity → Favorite Location", "Likes and Favorites → Favorite Location",
                "Likes and Favorites → Favorite Locations",
            ],
            txt: [.en("Favorite Places", era: 2026), .nl("Favoriete plaatsen")]),
        skipped(
            "Favorite Playlists",
            json: ["Likes and Favorites → Favorite Playlists"],
            txt: [.en("Favorite Playlists"), .nl("Favoriete afspeellijsten")]),
        skipped(
            "Favorite Movies and TV",
            json: ["Likes and Favorites → Favorite Movies and TV", "Likes and Favorites → Favorite Drama"],
            txt: [.en("Favorite Movies and TV"), .nl("Favoriete films en tv-programma's")]),
        skipped("Collection", json: ["Your Activity → Collection", "Likes and Favorites → Collection"]),
        skipped(
            "Settings",
            json: ["App Settings → Settings", "Profile And Settings → Settings"],
            txt: [.en("Settings"), .nl("Instellingen")]),
        skipped(
            "Third-party Login Info",
            json: ["App Settings → UserThirdPlatformInformation"],
            txt: [.nl("Informatie van derden")]),
        skipped(
            "Autofill",
            json: ["Profile → Auto Fill", "Profile → Autofill", "Profile And Settings → Autofill"],
            txt: [.en("Autofill"), .en("Auto Fill"), .nl("Automatisch invullen")]),
        skipped(
            "AI-Moji",
            json: ["Profile → AI-Moji", "Profile And Settings → AI-Moji"],
            txt: [.en("AI-Moji")]),
        skipped("AI Self Image", json: ["Profile → AISelfImage", "Profile And Settings → AISelfImage"]),
        skipped(
            "Profile Views",
            json: ["Profile And Settings → ProfileViews", "Profile → ProfileViews"],
            txt: [.en("Profile Views"), .nl("Profielweergaven")]),
        skipped(
            "Location Reviews",
            json: ["Location Review", "Poi Review"], partialJSON: ["Activity → POI Review"],
            txt: [.en("Location Reviews", era: 2024), .nl("Locatierecensies")]),
        skipped(
            "LIVE",
            json: ["Tiktok Live"],
            txt: [
                .en("Watch Live History"), .en("Go Live History"), .en("Go Live settings"),
                .en("Watch Live settings"), .nl("Geschiedenis van LIVE bekijken"),
                .nl("Geschiedenis van LIVE gaan"), .nl("Instellingen voor LIVE gaan"),
                .nl("Instellingen voor LIVE bekijken"), .nl("Reactie op livestream"),
            ]),
        skipped(
            "Wallet",
            json: ["Income Plus Wallet Transactions", "Income+ Wallet", "Income+ Wallet Transactions"],
            txt: [
                .en("Transaction History"), .en("Coin Purchase History"),
                .nl("Transactiegeschiedenis"), .nl("Geschiedenis van Muntaankopen"),
            ]),
        skipped(
            "Shop",
            json: ["TikTok Shop", "Tiktok Shopping"],
            txt: [
                .en("Order History"), .en("Product Browsing History"), .en("Shopping Cart List"),
                .en("Product Reviews"), .en("Communication with shops"), .en("Current Payment Information"),
                .en("Customer support history"), .en("Order dispute history"),
                .en("Returns and Refunds History"), .en("Saved Address Information"), .en("Vouchers"),
                .en("Favorite Item"),
                .nl("Bestelgeschiedenis"), .nl("Geschiedenis van bladeren door producten"),
                .nl("Winkelwagenlijst"), .nl("Productrecensies"), .nl("Communicatie met winkels"),
                .nl("Informatie over huidige betaling"), .nl("Geschiedenis van klantenservice"),
                .nl("Geschiedenis van bestelkwesties"),
                .nl("Geschiedenis van retourzendingen en terugbetalingen"),
                .nl("Opgeslagen adresgegevens"), .nl("Favoriet item"),
            ]),
    ]

    // MARK: Roots (for the layout)

    /// JSON root keys that identify a generation (Docs/archive-format.md, 'JSON generations'). A root
    /// not listed here says nothing.
    static let rootGenerations: [(root: String, generation: JSONGeneration)] = [
        ("Activity", .g12), ("Video", .g12), ("Direct Messages", .g12),
        ("Income Plus Wallet Transactions", .g12), ("Poi Review", .g12), ("Tiktok Shopping", .g12),
        ("Your Activity", .g3), ("Post", .g3), ("Direct Message", .g3), ("Location Review", .g3),
        ("Likes and Favorites", .g4), ("Profile And Settings", .g4), ("Income+ Wallet", .g4),
    ]

    /// The roots a complete export of each generation has; missing one makes it `json-partial`.
    static let completeRoots: [JSONGeneration: [String]] = [
        .g12: ["Activity", "Profile", "Video"],
        .g3: ["Your Activity", "Profile", "Post"],
        .g4: ["Your Activity", "Profile And Settings", "Likes and Favorites"],
    ]

    /// Members beside a section's list key that carry no records (Docs/archive-format.md, 'Wrapper
    /// members').
    static let wrapperSiblings: [String] = ["App", "IsFastLane"]

    /// Folders of TXT exports: a `.txt` with an unknown name inside one of them is reported as an
    /// unknown section instead of being ignored.
    static let txtFolders: [String] = [
        "Activity", "Your Activity", "Likes and Favorites", "Profile", "Profile and Settings",
        "App Settings", "Ads and data", "Comments", "Comment", "Direct Messages", "Direct Message",
        "Posts", "Post", "Videos", "Video", "TikTok Live", "TikTok Shopping", "TikTok Shop",
        "Income+ Wallet Transactions", "Income+ Wallet", "Location Review", "Tiktok",
        // Dutch folder names (unverified guesses; file names are what identify sections).
        "Jouw activiteit", "Activiteit", "Likes en favorieten", "Profiel", "Profiel en instellingen",
        "Reacties", "Directe berichten", "Berichten",
    ]

    /// First lines of TXT files that hold no records (Docs/archive-format.md, 'Empty-section
    /// sentinels'), lowercased, final `.` dropped.
    static let emptySentinels: [String] = [
        "you have no data in this section",
        "dit gedeelte bevat geen gegevens",
        "er staan geen gegevens in dit gedeelte",
        "je hebt geen informatie over platforms van derden",
    ]
    /// Sentinel prefixes (Spanish: "No hay datos…").
    static let emptySentinelPrefixes: [String] = ["no hay datos", "no tienes datos"]

    /// DM file headers: `>>> Chat History with <name>::` (Dutch spelling is a guess).
    static let chatHeaderPrefixes: [String] = ["Chat History with ", "Chatgeschiedenis met ", "Chatgeschiedenis with "]

    // MARK: Builders

    private static func skipped(
        _ name: String, json: [String], partialJSON: [String] = [], txt: [TXTName] = []
    ) -> SectionSpec {
        SectionSpec(name, .skipped, keys: .none, json: json, partialJSON: partialJSON, lists: [], txt: txt)
    }
}

// MARK: - Record keys

/// What a record field means to the mapping.
enum FieldRole: UInt8 {
    case date, link, legacyLink, user, name, method, title, sound, text, ignored
}

/// The record key aliases of one kind of record.
struct RecordKeys: Sendable {
    /// Where an alias's normalised bytes are in `bytes`.
    private struct Alias: Sendable {
        let start: Int
        let count: Int
        let role: FieldRole
    }

    /// The aliases normalised (`ArchiveKeys.normalised`), back to back.
    private let bytes: [UInt8]
    private let aliases: [Alias]
    /// The longest normalised alias: a key that normalises to more bytes is unknown.
    private let longest: Int

    init(_ aliases: [(String, FieldRole)]) {
        var bytes: [UInt8] = []
        var list: [Alias] = []
        for (text, role) in aliases {
            let key = ArchiveKeys.normalised(text)
            list.append(Alias(start: bytes.count, count: key.count, role: role))
            bytes += key
        }
        self.bytes = bytes
        self.aliases = list
        longest = list.map(\.count).max() ?? 0
    }

    /// The role of a record key (case, blanks, `_` and `-` ignored), nil if unknown. The first
    /// alias that matches wins.
    ///
    /// Runs for every field of every record: the key is normalised once into a buffer on the
    /// stack, then compared with the aliases of its length.
    func role(of key: UnsafeRawBufferPointer) -> FieldRole? {
        guard longest > 0 else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: longest) { buffer -> FieldRole? in
            var length = 0
            for byte in key where !ArchiveKeys.isSeparator(byte) {
                guard length < longest else { return nil }
                buffer[length] = ArchiveBytes.lower(byte)
                length += 1
            }
            guard length > 0 else { return nil }
            return bytes.withUnsafeBufferPointer { all -> FieldRole? in
                for alias in aliases where alias.count == length {
                    var equal = true
                    for offset in 0..<length where all[alias.start + offset] != buffer[offset] {
                        equal = false
                        break
                    }
                    if equal { return alias.role }
                }
                return nil
            }
        }
    }

    static let none = RecordKeys([])

    private static let date: [(String, FieldRole)] = [("Date", .date), ("Datum", .date)]

    static let videoReference = RecordKeys(
        date + [
            ("Link", .link), ("URL", .link), ("VideoLink", .legacyLink), ("Title", .ignored), ("Titel", .ignored),
        ])
    static let soundReference = RecordKeys(date + [("Link", .link), ("SoundLink", .link), ("MusicLink", .link)])
    static let effectReference = RecordKeys(date + [("EffectLink", .link), ("Link", .link)])
    static let hashtagReference = RecordKeys(date + [("Link", .link), ("HashtagLink", .link)])
    static let collection = RecordKeys(
        date + [
            ("FavoriteCollection", .name), ("Collection", .name), ("CollectionName", .name),
            ("Favoriete collectie", .name), ("Collectie", .name),
        ])
    static let share = RecordKeys(
        date + [
            ("Link", .link), ("URL", .link), ("Method", .method), ("Methode", .method),
            ("SharedContent", .ignored), ("Gedeelde inhoud", .ignored),
        ])
    static let search = RecordKeys(date + [("SearchTerm", .name), ("Zoekterm", .name), ("Term", .name)])
    static let person = RecordKeys(date + [("UserName", .user), ("Gebruikersnaam", .user)])
    static let comment = RecordKeys(
        date + [
            ("Comment", .text), ("Reactie", .text),
            ("Url", .link), ("Link", .link), ("originalPostUrl", .link), ("original post link", .link),
            ("video", .link), ("Originele link naar bericht", .link),
            ("Photo", .ignored), ("Foto", .ignored), ("sticker", .ignored),
        ])
    static let hashtag = RecordKeys([
        ("HashtagName", .name), ("Hashtag naam", .name), ("HashtagLink", .link), ("Link", .link),
    ])
    static let post = RecordKeys(
        date + [
            ("Link", .link), ("VideoLink", .legacyLink), ("Title", .title), ("Titel", .title),
            ("Sound", .sound), ("Geluid", .sound),
            ("Likes", .ignored), ("Like(s)", .ignored), ("CoverImage", .ignored),
        ])
    static let profile = RecordKeys([("userName", .user), ("Gebruikersnaam", .user)])
    static let message = RecordKeys(
        date + [
            ("From", .user), ("Van", .user), ("Sender", .user), ("Content", .text), ("Inhoud", .text),
            ("Message", .text), ("Bericht", .text),
        ])
}

// MARK: - Table types

/// How a section's records become batch records.
enum SectionHandler: Equatable {
    /// `owner <kind> video`, with an optional share label.
    case videos(EventKind, label: String? = nil)
    case shares
    case favoriteSounds, favoriteEffects, favoriteHashtags, favoriteCollections
    case searches, hashtags, comments
    case following, followers, blockList
    case profile, posts
    case directMessages, groupChats
    case skipped

    /// The noun for "N records without a …" notes.
    var missingValueNoun: String {
        switch self {
        case .videos, .shares, .comments: "a video id"
        case .favoriteSounds: "a sound id"
        case .favoriteEffects: "an effect id"
        case .favoriteHashtags: "a hashtag id"
        case .favoriteCollections: "a collection name"
        case .searches: "a search term"
        case .hashtags: "a hashtag name or id"
        case .following, .followers, .blockList, .profile: "a username"
        case .posts: "a date or video id"
        case .directMessages, .groupChats: "a sender"
        case .skipped: "a value"
        }
    }
}

/// A TXT file name (without `.txt`) with the export era it hints at and its language.
struct TXTName {
    let name: String
    let era: Int?
    let dutch: Bool

    static func en(_ name: String, era: Int? = nil) -> TXTName { TXTName(name: name, era: era, dutch: false) }
    static func nl(_ name: String, era: Int? = nil) -> TXTName { TXTName(name: name, era: era, dutch: true) }
}

/// One logical section: where it lives and how its records are read.
struct SectionSpec {
    /// The logical name used in `sectionCounts` / `skippedSections`.
    let name: String
    let handler: SectionHandler
    let keys: RecordKeys
    /// JSON paths (`"Root → Section"`, or `"Root"` for a root skipped as a whole).
    let json: [[String]]
    /// Paths seen only in partial/category exports (their use makes the layout `json-partial`).
    let partialJSON: [[String]]
    /// Keys of the list (or map) holding the records inside the section object.
    let lists: [String]
    let txt: [TXTName]

    init(
        _ name: String, _ handler: SectionHandler, keys: RecordKeys, json: [String], partialJSON: [String] = [],
        lists: [String], txt: [TXTName] = []
    ) {
        self.name = name
        self.handler = handler
        self.keys = keys
        self.json = json.map(Self.split)
        self.partialJSON = partialJSON.map(Self.split)
        self.lists = lists
        self.txt = txt
    }

    private static func split(_ path: String) -> [String] {
        path.split(separator: "→").map { String($0).trimmingWhitespace() }
    }
}

enum JSONGeneration: Int, Comparable {
    case g12 = 2
    case g3 = 3
    case g4 = 4
    static func < (a: JSONGeneration, b: JSONGeneration) -> Bool { a.rawValue < b.rawValue }
}

// MARK: - Key matching

/// Case- and separator-insensitive key comparison on bytes.
enum ArchiveKeys {
    /// Lowercased ASCII with blanks, `_` and `-` dropped.
    static func normalised(_ text: String) -> [UInt8] {
        text.utf8.compactMap { isSeparator($0) ? nil : ArchiveBytes.lower($0) }
    }

    @inline(__always)
    static func isSeparator(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x5F || byte == 0x2D || byte == 0x09
    }

    /// Whether `key` equals the normalised alias `alias`, ignoring case and separators.
    static func matches(_ key: UnsafeRawBufferPointer, _ alias: [UInt8]) -> Bool {
        var aliasIndex = 0
        for byte in key {
            if isSeparator(byte) { continue }
            guard aliasIndex < alias.count, ArchiveBytes.lower(byte) == alias[aliasIndex] else { return false }
            aliasIndex += 1
        }
        return aliasIndex == alias.count
    }

    static func matches(_ key: UnsafeRawBufferPointer, any aliases: [[UInt8]]) -> Bool {
        aliases.contains { matches(key, $0) }
    }
}

// MARK: - Lookup indexes built from the tables

/// The tables arranged for lookups: JSON roots → sections, TXT base names → sections.
struct ArchiveSectionIndex: Sendable {
    struct SectionEntry: Sendable {
        let key: [UInt8]
        let section: Int
        let partial: Bool
    }

    struct RootEntry: Sendable {
        let key: [UInt8]
        /// The root as the table spells it.
        let name: String
        /// A section table index when the whole root is one (skipped) section.
        var wholeSection: Int?
        var sections: [SectionEntry] = []
        var generation: JSONGeneration?
    }

    struct TXTEntry: Sendable {
        let section: Int
        let era: Int?
        let dutch: Bool
    }

    var roots: [RootEntry] = []
    var txtNames: [String: TXTEntry] = [:]
    var txtFolders: Set<String> = []
    var listKeys: [[[UInt8]]] = []
    var wrapperSiblings: [[UInt8]] = []

    static let shared = ArchiveSectionIndex()

    private init() {
        let sections = ArchiveSections.sections
        listKeys = sections.map { $0.lists.map(ArchiveKeys.normalised) }
        wrapperSiblings = ArchiveSections.wrapperSiblings.map(ArchiveKeys.normalised)
        for (index, spec) in sections.enumerated() {
            for (path, partial) in spec.json.map({ ($0, false) }) + spec.partialJSON.map({ ($0, true) }) {
                guard let first = path.first else { continue }
                let rootIndex = rootIndex(for: first)
                if path.count == 1 {
                    roots[rootIndex].wholeSection = index
                } else {
                    roots[rootIndex].sections.append(
                        SectionEntry(key: ArchiveKeys.normalised(path[1]), section: index, partial: partial))
                }
            }
            for name in spec.txt {
                txtNames[Self.txtKey(name.name)] = TXTEntry(section: index, era: name.era, dutch: name.dutch)
            }
        }
        for (root, generation) in ArchiveSections.rootGenerations {
            roots[rootIndex(for: root)].generation = generation
        }
        txtFolders = Set(ArchiveSections.txtFolders.map(Self.txtKey))
    }

    private mutating func rootIndex(for name: String) -> Int {
        let key = ArchiveKeys.normalised(name)
        if let found = roots.firstIndex(where: { $0.key == key }) { return found }
        roots.append(RootEntry(key: key, name: name))
        return roots.count - 1
    }

    func root(matching key: UnsafeRawBufferPointer) -> Int? {
        roots.firstIndex { ArchiveKeys.matches(key, $0.key) }
    }

    func section(in root: Int, matching key: UnsafeRawBufferPointer) -> SectionEntry? {
        roots[root].sections.first { ArchiveKeys.matches(key, $0.key) }
    }

    /// A section key known under some root (the first in table order); for regrouped exports.
    func sectionUnderAnyRoot(matching key: UnsafeRawBufferPointer) -> SectionEntry? {
        for root in roots {
            if let found = root.sections.first(where: { ArchiveKeys.matches(key, $0.key) }) { return found }
        }
        return nil
    }

    func rootIndex(named name: String) -> Int? {
        let key = ArchiveKeys.normalised(name)
        return roots.firstIndex { $0.key == key }
    }

    /// A TXT base name as looked up: lowercased, separators dropped, `’` read as `'`.
    static func txtKey(_ name: String) -> String {
        let straightened = name.replacingApostrophes()
        return String(decoding: ArchiveKeys.normalised(straightened), as: UTF8.self)
    }
}

extension String {
    /// The string with typographic apostrophes (`’`, `‘`) replaced by `'`.
    fileprivate func replacingApostrophes() -> String {
        guard unicodeScalars.contains(where: { $0 == "\u{2019}" || $0 == "\u{2018}" }) else { return self }
        var scalars = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            scalars.append(scalar == "\u{2019}" || scalar == "\u{2018}" ? "'" : scalar)
        }
        return String(scalars)
    }
}
