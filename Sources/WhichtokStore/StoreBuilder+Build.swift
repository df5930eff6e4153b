extension StoreBuilder {
    /// Resolves identities, canonicalises and deduplicates. Consumes the builder: its event
    /// observations are mapped onto canonical rows, grouped by actor, and become the event table.
    ///
    /// Each step is a function of its own: identity groups per table, each group's attributes,
    /// the strings that survive, each table's canonical order, then the tables and the events on
    /// canonical rows.
    public consuming func build() -> Store { build(groupingParts: nil) }

    /// `build()`, with the events grouped by actor in at most `groupingParts` parts (for tests:
    /// the store is the same however many).
    consuming func build(groupingParts: Int?) -> Store {
        var store: Store
        let accounts: Int
        let bounds: [Int]
        do {
            repeatableVideos = IDMap()
            repeatableAccounts = IDMap()
            let plan = tablesAndOrders()
            // Only the events (and the strings they name) are left to map: the other observations
            // go first, and the plan's groups and orders once the events are on canonical rows.
            accountObservations = []
            videoObservations = []
            videoCaptions = []
            videoLinks = []
            hashtagObservations = []
            soundObservations = []
            effectObservations = []
            commentObservations = []
            counterObservations = []
            conversationObservations = []
            inputObservations = []
            store = plan.store
            accounts = plan.orders.account.rank.count
            let rows = Self.eventRows(
                groups: plan.groups, inputGroup: plan.inputGroup, orders: plan.orders, stringRows: plan.stringRows)
            stringObservations = []
            bounds = groupEventsByActor(rows, accounts: accounts, parts: groupingParts)
        }
        store.events = sortedEvents(accounts: accounts, bounds: bounds)
        return store
    }

    /// Every table but the events, and what mapping the events needs.
    struct Plan {
        var store: Store
        var groups: ObservationGroups
        var inputGroup: [Int]
        var orders: CanonicalOrders
        var stringRows: [RowID]
    }

    /// The steps of `build()` before the events: identity groups per table, each group's
    /// attributes, the strings that survive, each table's canonical order, then the tables.
    func tablesAndOrders() -> Plan {
        let accountGroups = IdentityGroups(roots: resolveAccounts())
        let effectGroups = IdentityGroups(byValue: effectObservations)
        let conversationGroups = IdentityGroups(byValue: conversationObservations)
        // Videos (need account groups for own posts known by author and time) on one core;
        // comments (need accounts for their identity by author, time and text), hashtags,
        // sounds and the accounts' attributes on another. A small build (one small input's
        // record) does both here: handing half of it to another thread cost more than it saved.
        let accountGroup = accountGroups.group
        let parallel = videoObservations.count + commentObservations.count > 20_000
        let (videoGroups, (commentGroups, hashtagGroups, soundGroups, accounts)) = Parallel.both(
            parallel, { resolveVideos(accountGroup: accountGroup) },
            {
                (
                    resolveComments(accountGroup: accountGroup), resolveHashtags(), resolveSounds(),
                    accountAttributes(of: accountGroups)
                )
            })
        let groups = ObservationGroups(
            account: accountGroups, video: videoGroups, hashtag: hashtagGroups, sound: soundGroups,
            comment: commentGroups, effect: effectGroups, conversation: conversationGroups)
        // The videos' attributes on one core, the others' on another.
        let (videos, (comments, hashtags, sounds, inputs)) = Parallel.both(
            parallel,
            {
                videoAttributes(
                    of: videoGroups, accountGroup: accountGroup, hashtagGroup: hashtagGroups.group,
                    soundGroup: soundGroups.group)
            },
            {
                (
                    commentAttributes(of: commentGroups, accountGroup: accountGroup, videoGroup: videoGroups.group),
                    hashtagAttributes(of: hashtagGroups), soundAttributes(of: soundGroups), mergedInputs()
                )
            })
        let strings = survivingStrings(
            accounts: accounts, hashtags: hashtags, sounds: sounds, videos: videos, inputs: inputs.inputs)
        let orders = CanonicalOrders(
            groups: groups, accounts: accounts, hashtags: hashtags, sounds: sounds, videos: videos,
            comments: comments, inputs: inputs.inputs, strings: strings, parallel: parallel)

        // The video table (most of the rows) on one core, the others on another.
        let videoGroup = videoGroups.group
        let (videoTables, otherTables) = Parallel.both(
            parallel,
            {
                (
                    Self.videoTable(videos, orders: orders, strings: strings),
                    buildVideoStats(videoRank: orders.video.rank, videoGroup: videoGroup)
                )
            },
            { () -> Store in
                var store = Store()
                store.accounts = Self.accountTable(accounts, orders: orders, strings: strings)
                for g in orders.hashtag.order {
                    store.hashtags.name.append(strings.hashtagName[g])
                    store.hashtags.tiktokID.append(hashtags.tiktokID[g])
                }
                for g in orders.sound.order {
                    store.sounds.tiktokID.append(sounds.tiktokID[g])
                    store.sounds.title.append(strings.soundTitle[g])
                }
                for g in orders.effect.order { store.effects.tiktokID.append(effectGroups.value[g]) }
                for g in orders.conversation.order {
                    store.conversations.tiktokID.append(conversationGroups.value[g])
                }
                store.comments = Self.commentTable(comments, orders: orders)
                store.inputs = Self.inputTable(inputs.inputs, orders: orders, strings: strings)
                return store
            })
        var store = otherTables
        store.strings = strings.table
        (store.videos, store.videoStats) = videoTables
        return Plan(
            store: store, groups: groups, inputGroup: inputs.group, orders: orders, stringRows: strings.eventStrings)
    }

    /// The identity groups of every table's observations (inputs aside).
    struct ObservationGroups {
        var account: IdentityGroups
        var video: IdentityGroups
        var hashtag: IdentityGroups
        var sound: IdentityGroups
        var comment: IdentityGroups
        var effect: IdentityGroups
        var conversation: IdentityGroups
    }

    // MARK: - Strings

    /// The string table of the new store and the row of every string that survives.
    struct SurvivingStrings {
        var table: StringTable
        /// The rows of the strings events point at, by their observation (`.none` for the others).
        var eventStrings: [RowID]
        /// Parallel to `AccountAttributes.historyName`.
        var history: [RowID]
        /// One per group of their table (`.none` for nil), or per input.
        var secUID: [RowID]
        var nickname: [RowID]
        var donorKey: [RowID]
        var hashtagName: [RowID]
        var soundTitle: [RowID]
        var caption: [RowID]
        var inputName: [RowID]
        var inputLayout: [RowID]

        /// The row of account group `g`'s current username.
        func username(_ g: Int, _ accounts: AccountAttributes) -> RowID {
            let range = accounts.history(g)
            return range.isEmpty ? .none : history[range.lowerBound]
        }
    }

    /// Everything that survives, sorted and unique: the chosen attributes of every table and the
    /// strings that events point at (search terms, collection names, share methods). Each string is
    /// given its row as it is gathered: no lookups by text afterwards.
    func survivingStrings(
        accounts: AccountAttributes, hashtags: HashtagAttributes, sounds: SoundAttributes, videos: VideoAttributes,
        inputs: [InputObservation]
    ) -> SurvivingStrings {
        var referenced: [String] = []
        referenced.reserveCapacity(
            accounts.historyName.count + 3 * accounts.numericID.count + hashtags.name.count + sounds.title.count
                + videos.caption.count + 2 * inputs.count)
        // Where each optional string went in `referenced` (-1 for nil).
        func gather(_ column: [String?]) -> [Int32] {
            column.map { text in
                guard let text else { return -1 }
                referenced.append(text)
                return Int32(referenced.count - 1)
            }
        }
        referenced.append(contentsOf: accounts.historyName)
        let secUID = gather(accounts.secUID)
        let nickname = gather(accounts.nickname)
        let donorKey = gather(accounts.donorKey)
        let hashtagName = gather(hashtags.name)
        let soundTitle = gather(sounds.title)
        let caption = gather(videos.caption)
        let inputsStart = referenced.count
        for input in inputs {
            referenced.append(input.name)
            referenced.append(input.layout)
        }
        var eventStringUsed = [Bool](repeating: false, count: stringObservations.count)
        // Those of the spilled events, noted as they went, and those of the events still here.
        var named: [UInt32] = []
        events.appendNamedStrings(to: &named)
        for strings in [spilledEventStrings, named] {
            for i in strings where Int(i) < eventStringUsed.count { eventStringUsed[Int(i)] = true }
        }
        let eventsStart = referenced.count
        for (i, used) in eventStringUsed.enumerated() where used { referenced.append(stringObservations[i]) }
        // One spelling per group of canonically equivalent strings (Swift's `==`): the one with the
        // smallest UTF-8 bytes; the survivors ordered by their UTF-8 bytes. Swift's `<` is not a
        // strict weak order across equivalent spellings (`"e\u{301}" == "\u{E9}"` and
        // `"\u{E9}" < "\u{E9}z"`, yet not `"e\u{301}" < "\u{E9}z"`), so sorting by it made the
        // table depend on the order the strings arrived in. For text in composed form (NFC, nearly
        // all of it) the byte order is the order `<` gives.
        let sorted = SortedSpellings(referenced)
        let row = sorted.row
        func rows(_ slots: [Int32]) -> [RowID] { slots.map { $0 < 0 ? .none : row[Int($0)] } }
        // Canonically equivalent spellings share a row, so each observation's row is its own.
        var eventStrings = [RowID](repeating: .none, count: stringObservations.count)
        var k = eventsStart
        for (i, used) in eventStringUsed.enumerated() where used {
            eventStrings[i] = row[k]
            k += 1
        }
        return SurvivingStrings(
            table: sorted.table, eventStrings: eventStrings, history: Array(row[0..<accounts.historyName.count]),
            secUID: rows(secUID), nickname: rows(nickname), donorKey: rows(donorKey),
            hashtagName: rows(hashtagName), soundTitle: rows(soundTitle), caption: rows(caption),
            inputName: (0..<inputs.count).map { row[inputsStart + 2 * $0] },
            inputLayout: (0..<inputs.count).map { row[inputsStart + 2 * $0 + 1] })
    }

    /// The distinct values, ascending: `Array(Set(values)).sorted()` without hashing every value
    /// into a set. Integers only, where equal values are identical (strings are not: canonically
    /// equivalent ones are equal, and `<` does not order every such pair consistently).
    static func sortedUnique<T: FixedWidthInteger>(_ values: [T]) -> [T] {
        guard values.count > 1 else { return values }
        var sorted = values
        sorted.sort()
        var kept = 1
        for index in 1..<sorted.count where sorted[index] != sorted[kept - 1] {
            sorted[kept] = sorted[index]
            kept += 1
        }
        sorted.removeLast(sorted.count - kept)
        return sorted
    }

    // MARK: - Canonical order

    /// A table's canonical order: `order[row]` is the group at that row, `rank[group]` its row.
    struct TableOrder {
        var order: [Int]
        var rank: [RowID]

        /// Groups sorted by a content key.
        init<K: Comparable>(count: Int, key: (Int) -> K) {
            order = StoreBuilder.order(count: count, key: key)
            rank = StoreBuilder.rank(order)
        }

        /// Groups sorted by a content key packed into words (see `PackedKey`).
        init(count: Int, packed: (Int) -> PackedKey) {
            order = StoreBuilder.order(count: count, packed: packed)
            rank = StoreBuilder.rank(order)
        }
    }

    /// The canonical order of every table: by content, where string rows compare like the strings.
    struct CanonicalOrders {
        var account: TableOrder
        var hashtag: TableOrder
        var sound: TableOrder
        var effect: TableOrder
        var conversation: TableOrder
        var video: TableOrder
        var comment: TableOrder
        var input: TableOrder

        /// `parallel`: the videos' order (the largest table) on one core, the others' on another.
        init(
            groups: ObservationGroups, accounts: AccountAttributes, hashtags: HashtagAttributes,
            sounds: SoundAttributes, videos: VideoAttributes, comments: CommentAttributes, inputs: [InputObservation],
            strings: SurvivingStrings, parallel: Bool = false
        ) {
            let account = TableOrder(count: groups.account.count) { g in
                AccountOrderKey(
                    username: strings.username(g, accounts), numericID: accounts.numericID[g],
                    secUID: strings.secUID[g], donorKey: strings.donorKey[g]
                ).packed
            }
            self.account = account
            let accountRank = account.rank
            let videoCount = groups.video.count
            let (video, others) = Parallel.both(
                parallel,
                {
                    TableOrder(count: videoCount) { g in
                        VideoOrderKey(
                            tiktokID: videos.tiktokID[g], author: videos.author.pick(g, rank: accountRank),
                            created: videos.created[g]
                        ).packed
                    }
                },
                { () -> [TableOrder] in
                    let hashtag = TableOrder(count: groups.hashtag.count) { g in
                        HashtagOrderKey(name: strings.hashtagName[g], tiktokID: hashtags.tiktokID[g]).packed
                    }
                    let sound = TableOrder(count: groups.sound.count) { g in
                        SoundOrderKey(tiktokID: sounds.tiktokID[g], title: strings.soundTitle[g]).packed
                    }
                    // Effects and group conversations are their TikTok ids, one group per id.
                    let effectGroups = groups.effect
                    let effect = TableOrder(count: effectGroups.count) { g in PackedKey(effectGroups.value[g]) }
                    let conversationGroups = groups.conversation
                    let conversation = TableOrder(count: conversationGroups.count) { g in
                        PackedKey(conversationGroups.value[g])
                    }
                    let comment = TableOrder(count: groups.comment.count) { g in
                        CommentOrderKey(
                            tiktokID: comments.tiktokID[g], author: comments.author.pick(g, rank: accountRank),
                            time: comments.time[g], fingerprint: comments.fingerprint[g]
                        ).packed
                    }
                    let input = TableOrder(count: inputs.count) { g in InputOrderKey(sha256: inputs[g].sha256) }
                    return [hashtag, sound, effect, conversation, comment, input]
                })
            self.video = video
            (hashtag, sound, effect, conversation, comment, input) = (
                others[0], others[1], others[2], others[3], others[4], others[5]
            )
        }
    }

    /// Group indices sorted by a content key.
    /// Keys are sorted side by side with their groups (not group indices compared through an array
    /// of keys, which cost a bounds-checked lookup of two keys per comparison); equal keys keep
    /// group order, as the stable sort of indices did.
    static func order<K: Comparable>(count: Int, key: (Int) -> K) -> [Int] {
        var entries = [(key: K, group: Int)]()
        entries.reserveCapacity(count)
        for g in 0..<count { entries.append((key(g), g)) }
        entries.sort { $0.key != $1.key ? $0.key < $1.key : $0.group < $1.group }
        return entries.map(\.group)
    }

    /// `order(count:key:)` for keys packed into words: one comparison of five words (the group
    /// last) instead of comparing keys field by field twice.
    static func order(count: Int, packed: (Int) -> PackedKey) -> [Int] {
        var entries = [(key: PackedKey, group: Int)]()
        entries.reserveCapacity(count)
        for g in 0..<count { entries.append((packed(g), g)) }
        entries.sort { a, b in
            (a.key.w0, a.key.w1, a.key.w2, a.key.w3, a.group) < (b.key.w0, b.key.w1, b.key.w2, b.key.w3, b.group)
        }
        return entries.map(\.group)
    }

    /// Inverse permutation: rank[group] = final row.
    static func rank(_ order: [Int]) -> [RowID] {
        var rank = [RowID](repeating: .none, count: order.count)
        for (position, group) in order.enumerated() { rank[group] = RowID(position) }
        return rank
    }

    // MARK: - Tables

    static func accountTable(
        _ attributes: AccountAttributes, orders: CanonicalOrders, strings: SurvivingStrings
    ) -> AccountTable {
        var accounts = AccountTable()
        let count = orders.account.order.count
        accounts.username.reserveCapacity(count)
        accounts.usernameSeen.reserveCapacity(count)
        accounts.followerCount.reserveCapacity(count)
        accounts.followingCount.reserveCapacity(count)
        accounts.countsObserved.reserveCapacity(count)
        accounts.numericID.reserveCapacity(count)
        accounts.secUID.reserveCapacity(count)
        accounts.nickname.reserveCapacity(count)
        accounts.donorKey.reserveCapacity(count)
        accounts.flags.reserveCapacity(count)
        accounts.aliasOffsets.reserveCapacity(count + 1)
        for g in orders.account.order {
            let history = attributes.history(g)
            accounts.username.append(history.isEmpty ? .none : strings.history[history.lowerBound])
            accounts.usernameSeen.append(history.isEmpty ? 0 : attributes.historySeen[history.lowerBound])
            let counts = attributes.counts[g]
            accounts.followerCount.append(counts?.followers ?? unknownCount)
            accounts.followingCount.append(counts?.following ?? unknownCount)
            accounts.countsObserved.append(counts?.observed ?? 0)
            accounts.numericID.append(attributes.numericID[g])
            accounts.secUID.append(strings.secUID[g])
            accounts.nickname.append(strings.nickname[g])
            accounts.donorKey.append(strings.donorKey[g])
            accounts.flags.append(attributes.flags[g])
            for alias in history.dropFirst() {
                accounts.aliases.append(strings.history[alias])
                accounts.aliasSeen.append(attributes.historySeen[alias])
            }
            accounts.aliasOffsets.append(UInt32(accounts.aliases.count))
        }
        return accounts
    }

    static func videoTable(_ attributes: VideoAttributes, orders: CanonicalOrders, strings: SurvivingStrings)
        -> VideoTable
    {
        let accountRank = orders.account.rank
        let hashtagRank = orders.hashtag.rank
        let videoRank = orders.video.rank
        var videos = VideoTable()
        let count = orders.video.order.count
        videos.tiktokID.reserveCapacity(count)
        videos.author.reserveCapacity(count)
        videos.created.reserveCapacity(count)
        videos.caption.reserveCapacity(count)
        videos.sound.reserveCapacity(count)
        videos.hashtagOffsets.reserveCapacity(count + 1)
        videos.mentionOffsets.reserveCapacity(count + 1)
        for g in orders.video.order {
            videos.tiktokID.append(attributes.tiktokID[g])
            videos.author.append(attributes.author.pick(g, rank: accountRank))
            videos.created.append(attributes.created[g])
            videos.caption.append(strings.caption[g])
            videos.sound.append(attributes.sound.pick(g, rank: orders.sound.rank))
            appendSortedUnique(attributes.hashtags[g], rank: hashtagRank, to: &videos.hashtags)
            videos.hashtagOffsets.append(UInt32(videos.hashtags.count))
            appendSortedUnique(attributes.mentions[g], rank: accountRank, to: &videos.mentions)
            videos.mentionOffsets.append(UInt32(videos.mentions.count))
            let source = attributes.source.pick(g, rank: videoRank)
            if source != .none {
                videos.derivedRows.append(RowID(videos.tiktokID.count - 1))
                videos.derivedSources.append(source)
                videos.derivedKinds.append(attributes.derivation[g])
            }
        }
        return videos
    }

    /// Appends `sortedUnique` of the ranks of `groups`; no intermediate arrays for the usual zero
    /// or one group.
    static func appendSortedUnique(_ groups: [Int], rank: [RowID], to column: inout [RowID]) {
        switch groups.count {
        case 0: return
        case 1: column.append(rank[groups[0]])
        default: column.append(contentsOf: sortedUnique(groups.map { rank[$0] }))
        }
    }

    static func commentTable(_ attributes: CommentAttributes, orders: CanonicalOrders) -> CommentTable {
        let accountRank = orders.account.rank
        let videoRank = orders.video.rank
        let commentRank = orders.comment.rank
        var comments = CommentTable()
        let count = orders.comment.order.count
        comments.tiktokID.reserveCapacity(count)
        comments.author.reserveCapacity(count)
        comments.video.reserveCapacity(count)
        comments.parent.reserveCapacity(count)
        comments.time.reserveCapacity(count)
        comments.fingerprint.reserveCapacity(count)
        for g in orders.comment.order {
            comments.tiktokID.append(attributes.tiktokID[g])
            comments.author.append(attributes.author.pick(g, rank: accountRank))
            comments.video.append(attributes.video.pick(g, rank: videoRank))
            let parent = attributes.parent.pick(g, rank: commentRank)
            let replyTo = attributes.replyTo.pick(g, rank: commentRank)
            comments.parent.append(parent)
            if replyTo != .none, replyTo != parent {
                comments.replyRows.append(RowID(comments.parent.count - 1))
                comments.replyTargets.append(replyTo)
            }
            comments.time.append(attributes.time[g])
            comments.fingerprint.append(attributes.fingerprint[g])
        }
        return comments
    }

    static func inputTable(_ inputs: [InputObservation], orders: CanonicalOrders, strings: SurvivingStrings)
        -> InputTable
    {
        var table = InputTable()
        for g in orders.input.order {
            let input = inputs[g]
            table.name.append(strings.inputName[g])
            table.sha256.append(contentsOf: input.sha256.count == 32 ? input.sha256 : [UInt8](repeating: 0, count: 32))
            table.layout.append(strings.inputLayout[g])
            table.byteCount.append(input.byteCount)
            table.eventCount.append(input.eventCount)
        }
        return table
    }
}

extension String {
    /// Whether this string's UTF-8 bytes sort before `other`'s: a strict total order on spellings,
    /// for canonical orders that must not depend on Unicode equivalence.
    func precedesInBytes(_ other: String) -> Bool { utf8.lexicographicallyPrecedes(other.utf8) }
}
