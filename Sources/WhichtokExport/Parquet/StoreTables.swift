import WhichtokStore
import WhichtokSupport

extension ParquetTable {
    /// The store's tables as whichtok exports them to Parquet, in file order. Each table's `id` is the
    /// store row; the other tables refer to rows by those ids. Pass an empty store for the schemas
    /// alone (the data dictionary).
    package static func storeTables(_ store: Store) -> [ParquetTable] {
        [
            events(store), accounts(store), aliases(store), videos(store), videoHashtags(store),
            videoMentions(store), videoStats(store), hashtags(store), sounds(store), effects(store),
            comments(store), conversations(store), inputs(store),
        ]
    }

    static func events(_ store: Store) -> ParquetTable {
        let events = store.events
        return ParquetTable(
            name: "events",
            columns: [
                Column(
                    ParquetField("actor", .int64), "The account that acted (accounts.id).", .no),
                Column(
                    ParquetField("kind", .string, dictionary: true),
                    "What happened: " + EventKind.allCases.map(\.name).joined(separator: ", ")
                        + " (the names of `whichtok stats`).", .no),
                Column(
                    ParquetField("object_type", .string, dictionary: true),
                    "The table `object` points into: "
                        + ObjectType.allCases.map(\.name).joined(separator: ", ") + ".", .no),
                Column(
                    ParquetField("object", .int64, optional: true),
                    "The object's id in the table named by object_type (accounts, videos, hashtags, sounds, "
                        + "comments, conversations, effects); null for search_term and collection.", .no),
                Column(
                    ParquetField("object_text", .string, optional: true, dictionary: true),
                    "The search term or the collection name, for those object types; else null.", .yes),
                Column(
                    ParquetField("time", .timestampMillis, optional: true),
                    "When it happened (UTC), to the second; null when the source gives no time.", .yes),
                Column(
                    ParquetField("input", .int64, optional: true),
                    "The input the event was first read from (inputs.id).", .no),
                Column(
                    ParquetField("share_method", .string, optional: true, dictionary: true),
                    "shared: how it was shared (e.g. copy, whatsapp), when the archive says.", .no),
                Column(
                    ParquetField("message_video", .int64, optional: true),
                    "messaged: the video the message links to (videos.id).", .no),
                Column(
                    ParquetField("message_fingerprint", .int64, optional: true),
                    "messaged: a 31-bit fingerprint of the message text (equal texts, equal fingerprints); "
                        + "the text itself is not stored.", .yes),
                Column(
                    ParquetField("derived_video", .int64, optional: true),
                    "duetted, stitched: the new video (videos.id); the object is the video it was made from.", .no),
            ],
            rowCount: events.count
        ) { rows in
            let columns = StoreColumnBuilder(store: store, rows: rows)
            var objects = ParquetInt64ColumnBuilder(capacity: rows.count)
            var objectTexts = ParquetStringColumnBuilder(capacity: rows.count)
            var shareMethods = ParquetStringColumnBuilder(capacity: rows.count)
            var messageVideos = ParquetInt64ColumnBuilder(capacity: rows.count)
            var fingerprints = ParquetInt64ColumnBuilder(capacity: rows.count)
            var derived = ParquetInt64ColumnBuilder(capacity: rows.count)
            // Details are sparse and ascending: walk them beside the rows.
            var cursor = events.detailIndex.firstIndex(notBelow: UInt32(truncatingIfNeeded: rows.lowerBound))
            func appendReference(_ value: RowID, _ count: Int) {
                objects.append(StoreColumnBuilder.reference(value, count: count))
                objectTexts.append(nil)
            }
            for row in rows {
                var detail: UInt32 = 0
                while cursor < events.detailIndex.count && Int(events.detailIndex[cursor]) < row { cursor += 1 }
                if cursor < events.detailIndex.count && Int(events.detailIndex[cursor]) == row {
                    detail = events.detailValue[cursor]
                }
                let object = events.object[row]
                switch ObjectType(rawValue: events.objectType[row]) {
                case .searchTerm, .collection:
                    objects.append(nil)
                    columns.appendString(object, to: &objectTexts)
                case .account: appendReference(object, store.accounts.count)
                case .video: appendReference(object, store.videos.count)
                case .hashtag: appendReference(object, store.hashtags.count)
                case .sound: appendReference(object, store.sounds.count)
                case .comment: appendReference(object, store.comments.count)
                case .conversation: appendReference(object, store.conversations.count)
                case .effect: appendReference(object, store.effects.count)
                case nil: appendReference(.none, 0)
                }
                let kind = EventKind(rawValue: events.kind[row])
                if kind == .shared && detail != 0 {
                    columns.appendString(detail - 1, to: &shareMethods)
                } else {
                    shareMethods.append(nil)
                }
                if kind == .messaged && detail & (1 << 31) == 0 {
                    messageVideos.append(StoreColumnBuilder.reference(detail, count: store.videos.count))
                } else {
                    messageVideos.append(nil)
                }
                fingerprints.append(kind == .messaged && detail & (1 << 31) != 0 ? Int64(detail & 0x7fff_ffff) : nil)
                if kind == .duetted || kind == .stitched {
                    derived.append(StoreColumnBuilder.reference(detail, count: store.videos.count))
                } else {
                    derived.append(nil)
                }
            }
            return [
                columns.references(events.actor, count: store.accounts.count),
                columns.texts { EventKind(rawValue: events.kind[$0])?.name ?? "unknown" },
                columns.texts { ObjectType(rawValue: events.objectType[$0])?.name ?? "unknown" },
                objects.build(), objectTexts.build(), columns.times(events.time),
                columns.references(events.source, count: store.inputs.count),
                shareMethods.build(), messageVideos.build(), fingerprints.build(), derived.build(),
            ]
        }
    }

    static func accounts(_ store: Store) -> ParquetTable {
        let accounts = store.accounts
        return ParquetTable(
            name: "accounts",
            columns: [
                Column(ParquetField("id", .int64), "The account's row; events.actor and others refer to it.", .no),
                Column(
                    ParquetField("username", .string, optional: true),
                    "The username last seen (lowercase); older ones are in aliases.", .pseudonymised),
                Column(
                    ParquetField("tiktok_id", .uint64, optional: true), "TikTok's numeric user id, when known.",
                    .pseudonymised),
                Column(
                    ParquetField("sec_uid", .string, optional: true), "TikTok's secUid, when known.", .pseudonymised),
                Column(
                    ParquetField("nickname", .string, optional: true), "The display name, when known.", .pseudonymised),
                Column(
                    ParquetField("donor_key", .string, optional: true),
                    "For a donor known only by an archive without a profile: the archive's SHA-256.", .pseudonymised),
                Column(ParquetField("donor", .boolean), "The owner of a donated archive.", .no),
                Column(ParquetField("verified", .boolean), "TikTok marks the account verified.", .no),
                Column(
                    ParquetField("anonymous_donor", .boolean),
                    "A donor known only by the archive's hash (donor-<hex>).", .no),
                Column(ParquetField("private", .boolean), "The account is private.", .no),
                Column(
                    ParquetField("username_seen", .timestampMillis, optional: true),
                    "When the username was last seen (UTC).", .yes),
                Column(
                    ParquetField("follower_count", .int64, optional: true),
                    "Followers at the latest observation; null when never seen.", .no),
                Column(
                    ParquetField("following_count", .int64, optional: true),
                    "Accounts followed at the latest observation; null when never seen.", .no),
                Column(
                    ParquetField("counts_observed", .timestampMillis, optional: true),
                    "When those counts were observed (UTC).", .no),
            ],
            rowCount: accounts.count
        ) { rows in
            let columns = StoreColumnBuilder(store: store, rows: rows)
            func flag(_ flag: AccountFlags) -> ParquetColumn {
                columns.booleans { AccountFlags(rawValue: accounts.flags[$0]).contains(flag) }
            }
            return [
                columns.ids(), columns.strings(accounts.username), columns.tiktokIDs(accounts.numericID),
                columns.strings(accounts.secUID), columns.strings(accounts.nickname),
                columns.strings(accounts.donorKey),
                flag(.donor), flag(.verified), flag(.anonymousDonor), flag(.privateAccount),
                columns.times(accounts.usernameSeen), columns.counts(accounts.followerCount),
                columns.counts(accounts.followingCount), columns.times(accounts.countsObserved),
            ]
        }
    }

    static func aliases(_ store: Store) -> ParquetTable {
        let accounts = store.accounts
        return ParquetTable(
            name: "aliases",
            columns: [
                Column(ParquetField("account", .int64), "The account (accounts.id).", .no),
                Column(
                    ParquetField("username", .string),
                    "An earlier username of the account (renames), oldest first.", .pseudonymised),
                Column(
                    ParquetField("seen", .timestampMillis, optional: true),
                    "When that username was last seen (UTC).", .yes),
            ],
            rowCount: accounts.aliases.count
        ) { rows in
            let columns = StoreColumnBuilder(store: store, rows: rows)
            let owners = csrOwners(accounts.aliasOffsets, positions: rows)
            return [
                ParquetColumn(.int64(owners.map { Int64($0) })), columns.strings(accounts.aliases),
                columns.times(accounts.aliasSeen),
            ]
        }
    }

    static func videos(_ store: Store) -> ParquetTable {
        let videos = store.videos
        return ParquetTable(
            name: "videos",
            columns: [
                Column(ParquetField("id", .int64), "The video's row.", .no),
                Column(
                    ParquetField("tiktok_id", .uint64, optional: true),
                    "TikTok's video id; null for an own post known only by author and time.", .no),
                Column(ParquetField("author", .int64, optional: true), "The author (accounts.id).", .no),
                Column(ParquetField("created", .timestampMillis, optional: true), "When it was posted (UTC).", .no),
                Column(ParquetField("caption", .string, optional: true), "The caption, when known.", .no),
                Column(ParquetField("sound", .int64, optional: true), "Its sound (sounds.id).", .no),
                Column(
                    ParquetField("derived_from", .int64, optional: true),
                    "For a duet or stitch: the video it was made from (videos.id).", .no),
                Column(
                    ParquetField("derivation", .string, optional: true, dictionary: true), "duet or stitch.", .no),
            ],
            rowCount: videos.count
        ) { rows in
            let columns = StoreColumnBuilder(store: store, rows: rows)
            return [
                columns.ids(), columns.tiktokIDs(videos.tiktokID),
                columns.references(videos.author, count: store.accounts.count),
                columns.times(videos.created), columns.strings(videos.caption),
                columns.references(videos.sound, count: store.sounds.count),
                columns.integers {
                    StoreColumnBuilder.reference(videos.derivedFrom(RowID($0)), count: videos.count)
                },
                columns.texts {
                    switch videos.derivation(of: RowID($0)) {
                    case .duet: "duet"
                    case .stitch: "stitch"
                    case .none: nil
                    }
                },
            ]
        }
    }

    static func videoHashtags(_ store: Store) -> ParquetTable {
        let videos = store.videos
        return ParquetTable(
            name: "video_hashtags",
            columns: [
                Column(ParquetField("video", .int64), "The video (videos.id).", .no),
                Column(ParquetField("hashtag", .int64), "A hashtag of its caption (hashtags.id).", .no),
                Column(ParquetField("position", .int32), "The hashtag's place among the video's (0 first).", .no),
            ],
            rowCount: videos.hashtags.count
        ) { rows in
            let owners = csrOwners(videos.hashtagOffsets, positions: rows)
            return [
                ParquetColumn(.int64(owners.map { Int64($0) })),
                ParquetColumn(.int64(rows.map { Int64(videos.hashtags[$0]) })),
                ParquetColumn(
                    .int32(
                        zip(rows, owners).map { Int32(clamping: $0 - Int(videos.hashtagOffsets[$1])) })),
            ]
        }
    }

    static func videoMentions(_ store: Store) -> ParquetTable {
        let videos = store.videos
        return ParquetTable(
            name: "video_mentions",
            columns: [
                Column(ParquetField("video", .int64), "The video (videos.id).", .no),
                Column(
                    ParquetField("account", .int64), "An account its caption mentions (accounts.id).", .no),
            ],
            rowCount: videos.mentions.count
        ) { rows in
            let owners = csrOwners(videos.mentionOffsets, positions: rows)
            return [
                ParquetColumn(.int64(owners.map { Int64($0) })),
                ParquetColumn(.int64(rows.map { Int64(videos.mentions[$0]) })),
            ]
        }
    }

    static func videoStats(_ store: Store) -> ParquetTable {
        let stats = store.videoStats
        return ParquetTable(
            name: "video_stats",
            columns: [
                Column(ParquetField("video", .int64), "The video (videos.id).", .no),
                Column(
                    ParquetField("observed", .timestampMillis, optional: true),
                    "When the counters were seen (UTC).", .no),
                Column(ParquetField("plays", .int64, optional: true), "Plays; null when not observed.", .no),
                Column(ParquetField("likes", .int64, optional: true), "Likes.", .no),
                Column(ParquetField("comments", .int64, optional: true), "Comments.", .no),
                Column(ParquetField("shares", .int64, optional: true), "Shares.", .no),
                Column(ParquetField("saves", .int64, optional: true), "Saves (favourites).", .no),
                Column(ParquetField("reposts", .int64, optional: true), "Reposts.", .no),
                Column(
                    ParquetField("exact", .boolean),
                    "The counters are exact (false: some were rounded for display, e.g. 1.2M).", .no),
            ],
            rowCount: stats.count
        ) { rows in
            let columns = StoreColumnBuilder(store: store, rows: rows)
            return [
                columns.references(stats.video, count: store.videos.count), columns.times(stats.observed),
                columns.counts(stats.plays), columns.counts(stats.likes), columns.counts(stats.comments),
                columns.counts(stats.shares), columns.counts(stats.saves), columns.counts(stats.reposts),
                columns.booleans { stats.flags[$0] & VideoStatsTable.exactFlag != 0 },
            ]
        }
    }

    static func hashtags(_ store: Store) -> ParquetTable {
        let hashtags = store.hashtags
        return ParquetTable(
            name: "hashtags",
            columns: [
                Column(ParquetField("id", .int64), "The hashtag's row.", .no),
                Column(ParquetField("name", .string, optional: true), "The hashtag, without '#'.", .no),
                Column(ParquetField("tiktok_id", .uint64, optional: true), "TikTok's challenge id, when known.", .no),
            ],
            rowCount: hashtags.count
        ) { rows in
            let columns = StoreColumnBuilder(store: store, rows: rows)
            return [columns.ids(), columns.strings(hashtags.name), columns.tiktokIDs(hashtags.tiktokID)]
        }
    }

    static func sounds(_ store: Store) -> ParquetTable {
        let sounds = store.sounds
        return ParquetTable(
            name: "sounds",
            columns: [
                Column(ParquetField("id", .int64), "The sound's row.", .no),
                Column(ParquetField("tiktok_id", .uint64, optional: true), "TikTok's music id, when known.", .no),
                Column(ParquetField("title", .string, optional: true), "The title, when known.", .no),
            ],
            rowCount: sounds.count
        ) { rows in
            let columns = StoreColumnBuilder(store: store, rows: rows)
            return [columns.ids(), columns.tiktokIDs(sounds.tiktokID), columns.strings(sounds.title)]
        }
    }

    static func effects(_ store: Store) -> ParquetTable {
        let effects = store.effects
        return ParquetTable(
            name: "effects",
            columns: [
                Column(ParquetField("id", .int64), "The effect's row.", .no),
                Column(ParquetField("tiktok_id", .uint64, optional: true), "TikTok's effect id.", .no),
            ],
            rowCount: effects.count
        ) { rows in
            let columns = StoreColumnBuilder(store: store, rows: rows)
            return [columns.ids(), columns.tiktokIDs(effects.tiktokID)]
        }
    }

    static func comments(_ store: Store) -> ParquetTable {
        let comments = store.comments
        return ParquetTable(
            name: "comments",
            columns: [
                Column(ParquetField("id", .int64), "The comment's row.", .no),
                Column(ParquetField("tiktok_id", .uint64, optional: true), "TikTok's comment id, when known.", .no),
                Column(ParquetField("author", .int64, optional: true), "Who wrote it (accounts.id).", .no),
                Column(ParquetField("video", .int64, optional: true), "The video it is on (videos.id).", .no),
                Column(
                    ParquetField("parent", .int64, optional: true),
                    "For a reply: the top-level comment of its thread (comments.id).", .no),
                Column(
                    ParquetField("reply_to", .int64, optional: true),
                    "For a reply to a reply: the comment it answers (comments.id); else null (it answers parent).",
                    .no),
                Column(ParquetField("time", .timestampMillis, optional: true), "When it was written (UTC).", .yes),
                Column(
                    ParquetField("text_fingerprint", .uint64, optional: true),
                    "A fingerprint of the text (equal texts, equal fingerprints); the text is not stored.", .yes),
            ],
            rowCount: comments.count
        ) { rows in
            let columns = StoreColumnBuilder(store: store, rows: rows)
            return [
                columns.ids(), columns.tiktokIDs(comments.tiktokID),
                columns.references(comments.author, count: store.accounts.count),
                columns.references(comments.video, count: store.videos.count),
                columns.references(comments.parent, count: comments.count),
                columns.integers {
                    StoreColumnBuilder.reference(comments.replyTo(RowID($0)), count: comments.count)
                },
                columns.times(comments.time), columns.tiktokIDs(comments.fingerprint),
            ]
        }
    }

    static func conversations(_ store: Store) -> ParquetTable {
        let conversations = store.conversations
        return ParquetTable(
            name: "conversations",
            columns: [
                Column(ParquetField("id", .int64), "The group conversation's row.", .no),
                Column(
                    ParquetField("tiktok_id", .uint64, optional: true), "TikTok's group-chat id.", .pseudonymised),
            ],
            rowCount: conversations.count
        ) { rows in
            let columns = StoreColumnBuilder(store: store, rows: rows)
            return [columns.ids(), columns.tiktokIDs(conversations.tiktokID)]
        }
    }

    static func inputs(_ store: Store) -> ParquetTable {
        let inputs = store.inputs
        return ParquetTable(
            name: "inputs",
            columns: [
                Column(ParquetField("id", .int64), "The input's row; events.input refers to it.", .no),
                Column(ParquetField("name", .string, optional: true), "The file name imported.", .pseudonymised),
                Column(
                    ParquetField("sha256", .string), "The SHA-256 of the input (hex): what identifies it.",
                    .pseudonymised),
                Column(
                    ParquetField("layout", .string, optional: true, dictionary: true),
                    "What kind of input it was (archive layout, HAR).", .no),
                Column(ParquetField("bytes", .int64), "Its size in bytes.", .no),
                Column(
                    ParquetField("events", .int64),
                    "Events read from it (before deduplication against other inputs).", .no),
            ],
            rowCount: inputs.count
        ) { rows in
            let columns = StoreColumnBuilder(store: store, rows: rows)
            return [
                columns.ids(), columns.strings(inputs.name), columns.texts { hex(inputs.sha256(of: RowID($0))) },
                columns.strings(inputs.layout), columns.integers { Int64(clamping: inputs.byteCount[$0]) },
                columns.integers { Int64(clamping: inputs.eventCount[$0]) },
            ]
        }
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
