extension StoreBuilder {
    /// A video's sighting. Its caption and its hashtags and mentions (most videos have none) wait
    /// in `videoCaptions` and `videoLinks`, so that the observation is 40 bytes, not 72: a build
    /// from partial stores holds each video once per partial store.
    struct VideoObservation: Sendable {
        var tiktokID: UInt64
        var author: Int32
        var created: UInt32
        var sound: Int32
        var createTime: UInt32 = 0
        var derivedFrom: Int32 = -1
        /// Index in `videoCaptions`, -1 for none.
        var caption: Int32 = -1
        /// Where its hashtags and mentions start in `videoLinks` (how many hashtags, the hashtags,
        /// how many mentions, the mentions); `UInt32.max` for none of either.
        var links: UInt32 = .max
        var derivation: UInt8 = 0
    }

    /// Adds a video's sighting (rows on observation indices, -1 for none).
    mutating func addVideoObservation(
        tiktokID: UInt64, author: Int32, created: UInt32, caption: String?, sound: Int32, hashtags: [Int32],
        mentions: [Int32], createTime: UInt32, derivedFrom: Int32, derivation: UInt8
    ) {
        var observation = VideoObservation(
            tiktokID: tiktokID, author: author, created: created, sound: sound, createTime: createTime,
            derivedFrom: derivedFrom, derivation: derivation)
        if let caption {
            observation.caption = Int32(videoCaptions.count)
            videoCaptions.append(caption)
        }
        if !hashtags.isEmpty || !mentions.isEmpty {
            observation.links = UInt32(videoLinks.count)
            videoLinks.append(Int32(hashtags.count))
            videoLinks.append(contentsOf: hashtags)
            videoLinks.append(Int32(mentions.count))
            videoLinks.append(contentsOf: mentions)
        }
        videoObservations.append(observation)
    }

    /// The caption of video observation `i`.
    func caption(ofVideoObservation i: Int) -> String? {
        let index = videoObservations[i].caption
        return index >= 0 ? videoCaptions[Int(index)] : nil
    }

    /// The hashtags and mentions of video observation `i` (observation indices).
    func links(ofVideoObservation i: Int) -> (hashtags: ArraySlice<Int32>, mentions: ArraySlice<Int32>) {
        let start = videoObservations[i].links
        guard start != .max else { return ([], []) }
        let tags = Int(start) + 1
        let tagEnd = tags + Int(videoLinks[Int(start)])
        let mentions = tagEnd + 1
        return (videoLinks[tags..<tagEnd], videoLinks[mentions..<mentions + Int(videoLinks[tagEnd])])
    }

    struct CommentObservation: Sendable {
        var tiktokID: UInt64
        var author: Int32
        var video: Int32
        var parent: Int32
        var replyTo: Int32 = -1
        var time: UInt32
        var fingerprint: UInt64
    }
    /// A counter snapshot; `video` is a video observation.
    struct CounterObservation: Sendable {
        var video: Int32
        var observed: UInt32
        var values: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
        var exact: Bool
    }
    struct InputObservation: Sendable {
        var name: String
        var sha256: [UInt8]
        var layout: String
        var byteCount: UInt64
        var eventCount: UInt64
    }

    /// The observation index of row `row` of a store whose table starts at observation `base`; -1
    /// for none.
    static func observationIndex(_ row: RowID, _ base: UInt32) -> Int32 {
        row == .none ? -1 : Int32(truncatingIfNeeded: base &+ row)
    }

    // MARK: - Adding rows

    /// Sizes every observation table for adding `stores` (call once before adding them): growing
    /// the tables by doubling would hold the old and the new copy at once, the peak of a build.
    /// A table too small grows to `projecting` of the rows it needs, when given.
    mutating func reserve(forStores stores: some Collection<Store>, projecting: ((Int) -> Int)? = nil) {
        var more = ObservationCounts()
        for store in stores {
            more.accounts += store.accounts.count + store.accounts.aliases.count
            more.videos += store.videos.count
            more.counters += store.videoStats.count
            more.hashtags += store.hashtags.count
            more.sounds += store.sounds.count
            more.effects += store.effects.count
            more.comments += store.comments.count
            more.conversations += store.conversations.count
            more.strings += store.strings.count
            more.inputs += store.inputs.count
            more.events += store.events.count
        }
        reserve(more, projecting: projecting)
    }

    /// Adds a store's rows and events as observations, like a batch's: adding the stores built from
    /// several sets of inputs and building gives the store of all those inputs.
    package mutating func add(store: Store) {
        let base = nextBases(source: UInt32(inputObservations.count))
        func index(_ row: RowID, _ tableBase: UInt32) -> Int32 { Self.observationIndex(row, tableBase) }
        // Each string of the store made once: the string observations and every row's attributes
        // share it (a store's strings are hundreds of thousands of observations in the last level
        // of a large build; one copy per use was most of the observations' memory).
        let all = store.strings.all
        func string(_ row: RowID) -> String? { row == .none || Int(row) >= all.count ? nil : all[Int(row)] }
        // Accounts (a sighting an earlier store gave alike is not observed again: see
        // `addAccountObservation(fromStore:)`), and one more observation per alias so renames stay joined.
        let accounts = store.accounts
        var accountIndex = [Int32](repeating: -1, count: accounts.count)
        for row in 0..<accounts.count {
            var account = ImportBatch.Account(
                username: string(accounts.username[row]),
                numericID: accounts.numericID[row] == 0 ? nil : accounts.numericID[row],
                secUID: string(accounts.secUID[row]),
                nickname: string(accounts.nickname[row]),
                flags: AccountFlags(rawValue: accounts.flags[row]),
                donorKey: string(accounts.donorKey[row]),
                usernameSeen: accounts.usernameSeen[row])
            account.followerCount = accounts.followerCount[row]
            account.followingCount = accounts.followingCount[row]
            account.countsObserved = accounts.countsObserved[row]
            accountIndex[row] = addAccountObservation(fromStore: account)
        }
        let firstNew = Int32(truncatingIfNeeded: base.account)
        let repeatsAccounts = accountIndex.indices.contains { accountIndex[$0] != firstNew + Int32($0) }
        func account(_ row: RowID) -> Int32 {
            Int(row) < accountIndex.count ? accountIndex[Int(row)] : index(row, base.account)
        }
        for row in 0..<accounts.count {
            for index in Int(accounts.aliasOffsets[row])..<Int(accounts.aliasOffsets[row + 1]) {
                accountObservations.append(
                    ImportBatch.Account(
                        username: string(accounts.aliases[index]),
                        numericID: accounts.numericID[row] == 0 ? nil : accounts.numericID[row],
                        secUID: string(accounts.secUID[row]),
                        donorKey: string(accounts.donorKey[row]),
                        usernameSeen: accounts.aliasSeen[index]))
            }
        }
        let videos = store.videos
        // A video already observed as it is here is not observed again (`videoObservationIndices`).
        let (videoIndex, videoIsNew) = videoObservationIndices(of: store, base: base, string: string)
        let repeatsVideos = videoIsNew.contains(false)
        func video(_ row: RowID) -> Int32 {
            Int(row) < videoIndex.count ? videoIndex[Int(row)] : index(row, base.video)
        }
        for row in 0..<videos.count where videoIsNew[row] {
            addVideoObservation(
                tiktokID: videos.tiktokID[row],
                author: account(videos.author[row]),
                created: videos.created[row],
                caption: string(videos.caption[row]),
                sound: index(videos.sound[row], base.sound),
                hashtags: videos.hashtags(of: RowID(row)).map { index($0, base.hashtag) },
                mentions: videos.mentions(of: RowID(row)).map { account($0) },
                // The stored time is exact when it differs from what the id says.
                createTime: videos.tiktokID[row] != 0 && UInt64(videos.created[row]) != videos.tiktokID[row] >> 32
                    ? videos.created[row] : 0,
                derivedFrom: video(videos.derivedFrom(RowID(row))),
                derivation: videos.derivation(of: RowID(row)).rawValue)
            noteRepeatableVideo(videoObservations.count - 1)
        }
        let stats = store.videoStats
        for row in 0..<stats.count {
            counterObservations.append(
                CounterObservation(
                    video: video(stats.video[row]), observed: stats.observed[row],
                    values: (
                        stats.plays[row], stats.likes[row], stats.comments[row], stats.shares[row],
                        stats.saves[row], stats.reposts[row]
                    ),
                    exact: stats.flags[row] & VideoStatsTable.exactFlag != 0))
        }
        for row in 0..<store.hashtags.count {
            let id = store.hashtags.tiktokID[row]
            hashtagObservations.append(
                ImportBatch.Hashtag(
                    name: string(store.hashtags.name[row]), tiktokID: id == 0 ? nil : id))
        }
        for row in 0..<store.sounds.count {
            let id = store.sounds.tiktokID[row]
            soundObservations.append(
                ImportBatch.Sound(tiktokID: id == 0 ? nil : id, title: string(store.sounds.title[row])))
        }
        effectObservations.append(contentsOf: store.effects.tiktokID)
        let comments = store.comments
        for row in 0..<comments.count {
            commentObservations.append(
                CommentObservation(
                    tiktokID: comments.tiktokID[row], author: account(comments.author[row]),
                    video: video(comments.video[row]),
                    parent: index(comments.parent[row], base.comment),
                    replyTo: index(comments.replyTo(RowID(row)), base.comment),
                    time: comments.time[row], fingerprint: comments.fingerprint[row]))
        }
        conversationObservations.append(contentsOf: store.conversations.tiktokID)
        stringObservations.append(contentsOf: all)
        for row in 0..<store.inputs.count {
            inputObservations.append(
                InputObservation(
                    name: string(store.inputs.name[row]) ?? "",
                    sha256: store.inputs.sha256(of: RowID(row)),
                    layout: string(store.inputs.layout[row]) ?? "",
                    byteCount: store.inputs.byteCount[row],
                    eventCount: store.inputs.eventCount[row]))
        }
        let table = store.events
        let start = events.count
        events.grow(by: table.count)
        let details = table.denseDetails
        events.withColumns { columns in
            for i in 0..<table.count {
                let event = EventColumns.Event(
                    actor: table.actor[i], kind: table.kind[i], objectType: table.objectType[i],
                    object: table.object[i], time: table.time[i], source: table.source[i], detail: details[i])
                columns[start + i] =
                    repeatsAccounts || repeatsVideos
                    ? Self.shifted(event, base: base, accountIndex: accountIndex, videoIndex: videoIndex)
                    : base.shifted(event)
            }
        }
    }

    /// `source`; returns where they start.
    mutating func addRows(of batch: ImportBatch, source: UInt32) -> Bases {
        let bases = nextBases(source: source)
        let accountBase = Int32(bases.account)
        let videoBase = Int32(bases.video)
        let hashtagBase = Int32(bases.hashtag)
        let soundBase = Int32(bases.sound)
        let commentBase = Int32(bases.comment)

        func shift(_ row: RowID, _ base: Int32) -> Int32 { row == .none ? -1 : base + Int32(truncatingIfNeeded: row) }
        accountObservations.append(contentsOf: batch.accounts)
        // Each other username (a rename) is one more observation of the same ids, after the batch's
        // rows so that batch rows keep their offsets.
        for account in batch.accounts {
            for other in account.otherUsernames {
                accountObservations.append(
                    ImportBatch.Account(
                        username: other.username, numericID: account.numericID, secUID: account.secUID,
                        donorKey: account.donorKey, usernameSeen: other.seen))
            }
        }
        for video in batch.videos {
            addVideoObservation(
                tiktokID: video.tiktokID, author: shift(video.author, accountBase), created: video.created,
                caption: video.caption, sound: shift(video.sound, soundBase),
                hashtags: video.hashtags.map { shift($0, hashtagBase) },
                mentions: video.mentions.map { shift($0, accountBase) },
                createTime: video.createTime, derivedFrom: shift(video.derivedFrom, videoBase),
                derivation: video.derivation.rawValue)
        }
        for counters in batch.videoCounters {
            counterObservations.append(
                CounterObservation(
                    video: shift(counters.video, videoBase), observed: counters.observed,
                    values: (
                        counters.plays, counters.likes, counters.comments, counters.shares, counters.saves,
                        counters.reposts
                    ),
                    exact: counters.exact))
        }
        hashtagObservations.append(contentsOf: batch.hashtags)
        soundObservations.append(contentsOf: batch.sounds)
        effectObservations.append(contentsOf: batch.effects)
        for comment in batch.comments {
            commentObservations.append(
                CommentObservation(
                    tiktokID: comment.tiktokID ?? 0, author: shift(comment.author, accountBase),
                    video: shift(comment.video, videoBase), parent: shift(comment.parent, commentBase),
                    replyTo: shift(comment.replyTo, commentBase),
                    time: comment.time, fingerprint: comment.textFingerprint))
        }
        conversationObservations.append(contentsOf: batch.conversations)
        stringObservations.append(contentsOf: batch.strings)
        return bases
    }

    /// Writes the events of `batch` at `start` of the columns, on the batch's bases.
    static func fillEvents(of batch: ImportBatch, bases: Bases, at start: Int, into columns: EventColumns) {
        for i in 0..<batch.eventCount {
            columns[start + i] = bases.shifted(
                EventColumns.Event(
                    actor: batch.eventActor[i], kind: batch.eventKind[i].rawValue,
                    objectType: batch.eventObjectType[i].rawValue, object: batch.eventObject[i],
                    time: batch.eventTime[i], source: 0, detail: batch.eventDetail[i]))
        }
    }
}
