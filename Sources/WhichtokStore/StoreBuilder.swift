import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Merges import batches (and an existing store) into a new canonical `Store`.
///
/// Every entity in a batch or in the old store is an *observation*. `build()` resolves which
/// observations are the same thing (identity merging), picks each entity's attributes
/// deterministically, sorts every table by content, and sorts and deduplicates the events. Because
/// nothing depends on the order observations arrived in, importing the same inputs in any order, in
/// one run or several, gives the same store.
///
/// Identity rules:
/// - Accounts: one numeric id, secUid or anonymous-donor key is one account. A username
///   (case-insensitive) joins the observations that carry it, unless they carry two different numeric
///   ids: then the username is shared by two accounts (a rename), and id-less observations of that
///   username go to the account with the smallest id. Other usernames of an account are kept as aliases.
/// - Videos: one TikTok id is one video. An own post known only by (author, creation time) joins the
///   video of that author whose `id >> 32` is that time, if one is known.
/// - Hashtags by id or name, sounds by id (or title when no id is known), comments by TikTok id or by
///   (author, time, text fingerprint), inputs by SHA-256.
/// - Events are deduplicated on (actor, kind, object type, object, detail), and also on time for
///   kinds that can repeat (watched, shared, messaged, searched). A follow seen from both sides, or
///   one DM found in both participants' archives, is one event.
public struct StoreBuilder: Sendable {
    struct VideoObservation: Sendable {
        var tiktokID: UInt64
        var author: Int32
        var created: UInt32
        var caption: String?
        var sound: Int32
        var hashtags: [Int32]
        var mentions: [Int32]
        var createTime: UInt32 = 0
        var derivedFrom: Int32 = -1
        var derivation: UInt8 = 0
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

    private var accountObs: [ImportBatch.Account] = []
    private var videoObs: [VideoObservation] = []
    private var hashtagObs: [ImportBatch.Hashtag] = []
    private var soundObs: [ImportBatch.Sound] = []
    private var effectObs: [UInt64] = []
    private var commentObs: [CommentObservation] = []
    private var counterObs: [CounterObservation] = []
    private var conversationObs: [UInt64] = []
    private var stringObs: [String] = []
    private var inputObs: [InputObservation] = []

    private var evActor: [UInt32] = []
    private var evKind: [UInt8] = []
    private var evObjectType: [UInt8] = []
    private var evObject: [UInt32] = []
    private var evTime: [UInt32] = []
    private var evSource: [UInt32] = []
    private var evDetail: [UInt32] = []

    public init() {}

    /// Starts from an existing store: its rows become observations like any batch's.
    public init(store: Store) {
        self.init()
        add(store: store)
    }

    public var observedEvents: Int { evActor.count }

    // MARK: - Adding

    private mutating func add(store: Store) {
        let strings = store.strings
        // Accounts, and one more observation per alias so renames stay joined.
        let accounts = store.accounts
        for row in 0..<accounts.count {
            var account = ImportBatch.Account(
                username: strings[accounts.username[row]],
                numericID: accounts.numericID[row] == 0 ? nil : accounts.numericID[row],
                secUID: strings[accounts.secUID[row]],
                nickname: strings[accounts.nickname[row]],
                flags: AccountFlags(rawValue: accounts.flags[row]),
                donorKey: strings[accounts.donorKey[row]],
                usernameSeen: accounts.usernameSeen[row])
            account.followerCount = accounts.followerCount[row]
            account.followingCount = accounts.followingCount[row]
            account.countsObserved = accounts.countsObserved[row]
            accountObs.append(account)
        }
        for row in 0..<accounts.count {
            for index in Int(accounts.aliasOffsets[row])..<Int(accounts.aliasOffsets[row + 1]) {
                accountObs.append(
                    ImportBatch.Account(
                        username: strings[accounts.aliases[index]],
                        numericID: accounts.numericID[row] == 0 ? nil : accounts.numericID[row],
                        secUID: strings[accounts.secUID[row]],
                        donorKey: strings[accounts.donorKey[row]],
                        usernameSeen: accounts.aliasSeen[index]))
            }
        }
        let videos = store.videos
        for row in 0..<videos.count {
            videoObs.append(
                VideoObservation(
                    tiktokID: videos.tiktokID[row],
                    author: Self.obs(videos.author[row]),
                    created: videos.created[row],
                    caption: strings[videos.caption[row]],
                    sound: Self.obs(videos.sound[row]),
                    hashtags: videos.hashtags(of: RowID(row)).map { Int32($0) },
                    mentions: videos.mentions(of: RowID(row)).map { Int32($0) },
                    // The stored time is exact when it differs from what the id says.
                    createTime: videos.tiktokID[row] != 0 && UInt64(videos.created[row]) != videos.tiktokID[row] >> 32
                        ? videos.created[row] : 0,
                    derivedFrom: Self.obs(videos.derivedFrom(RowID(row))),
                    derivation: videos.derivation(of: RowID(row)).rawValue))
        }
        let stats = store.videoStats
        for row in 0..<stats.count {
            counterObs.append(
                CounterObservation(
                    video: Self.obs(stats.video[row]), observed: stats.observed[row],
                    values: (
                        stats.plays[row], stats.likes[row], stats.comments[row], stats.shares[row],
                        stats.saves[row], stats.reposts[row]
                    ),
                    exact: stats.flags[row] & VideoStatsTable.exactFlag != 0))
        }
        for row in 0..<store.hashtags.count {
            let id = store.hashtags.tiktokID[row]
            hashtagObs.append(
                ImportBatch.Hashtag(
                    name: strings[store.hashtags.name[row]], tiktokID: id == 0 ? nil : id))
        }
        for row in 0..<store.sounds.count {
            let id = store.sounds.tiktokID[row]
            soundObs.append(ImportBatch.Sound(tiktokID: id == 0 ? nil : id, title: strings[store.sounds.title[row]]))
        }
        effectObs.append(contentsOf: store.effects.tiktokID)
        let comments = store.comments
        for row in 0..<comments.count {
            commentObs.append(
                CommentObservation(
                    tiktokID: comments.tiktokID[row], author: Self.obs(comments.author[row]),
                    video: Self.obs(comments.video[row]), parent: Self.obs(comments.parent[row]),
                    replyTo: Self.obs(comments.replyTo(RowID(row))),
                    time: comments.time[row], fingerprint: comments.fingerprint[row]))
        }
        conversationObs.append(contentsOf: store.conversations.tiktokID)
        stringObs.append(contentsOf: strings.all)
        for row in 0..<store.inputs.count {
            inputObs.append(
                InputObservation(
                    name: strings[store.inputs.name[row]] ?? "",
                    sha256: store.inputs.sha256(of: RowID(row)),
                    layout: strings[store.inputs.layout[row]] ?? "",
                    byteCount: store.inputs.byteCount[row],
                    eventCount: store.inputs.eventCount[row]))
        }
        let events = store.events
        evActor.append(contentsOf: events.actor)
        evKind.append(contentsOf: events.kind)
        evObjectType.append(contentsOf: events.objectType)
        evObject.append(contentsOf: events.object)
        evTime.append(contentsOf: events.time)
        evSource.append(contentsOf: events.source)
        evDetail.append(contentsOf: events.denseDetails)
    }

    /// Sizes the event columns for `events` more observations (call once before adding many batches).
    public mutating func reserve(events: Int) {
        let total = evActor.count + events
        evActor.reserveCapacity(total)
        evKind.reserveCapacity(total)
        evObjectType.reserveCapacity(total)
        evObject.reserveCapacity(total)
        evTime.reserveCapacity(total)
        evSource.reserveCapacity(total)
        evDetail.reserveCapacity(total)
    }

    /// Sizes every observation table for `batches` (call once before adding them): growing a
    /// million video observations by doubling copied and faulted in each table twice over.
    public mutating func reserve(for batches: [ImportBatch]) {
        var accounts = 0
        var videos = 0
        var counters = 0
        var hashtags = 0
        var sounds = 0
        var effects = 0
        var comments = 0
        var conversations = 0
        var strings = 0
        var events = 0
        for batch in batches.flatMap({ [$0] + $0.parts }) {
            accounts += batch.accounts.count + batch.accounts.reduce(0) { $0 + $1.otherUsernames.count }
            videos += batch.videos.count
            counters += batch.videoCounters.count
            hashtags += batch.hashtags.count
            sounds += batch.sounds.count
            effects += batch.effects.count
            comments += batch.comments.count
            conversations += batch.conversations.count
            strings += batch.strings.count
            events += batch.eventCount
        }
        accountObs.reserveCapacity(accountObs.count + accounts)
        videoObs.reserveCapacity(videoObs.count + videos)
        counterObs.reserveCapacity(counterObs.count + counters)
        hashtagObs.reserveCapacity(hashtagObs.count + hashtags)
        soundObs.reserveCapacity(soundObs.count + sounds)
        effectObs.reserveCapacity(effectObs.count + effects)
        commentObs.reserveCapacity(commentObs.count + comments)
        conversationObs.reserveCapacity(conversationObs.count + conversations)
        stringObs.reserveCapacity(stringObs.count + strings)
        inputObs.reserveCapacity(inputObs.count + batches.count)
        reserve(events: events)
    }

    private static func obs(_ row: RowID) -> Int32 { row == .none ? -1 : Int32(truncatingIfNeeded: row) }

    /// Where one batch's rows start in the observation tables, and its input's number.
    struct Bases: Sendable {
        var account: UInt32, video: UInt32, hashtag: UInt32, sound: UInt32, effect: UInt32
        var comment: UInt32, conversation: UInt32, string: UInt32, source: UInt32
    }

    /// Adds everything a reader found in one input.
    public mutating func add(_ batch: ImportBatch) {
        let source = addInput(batch)
        for piece in [batch] + batch.parts {
            let bases = addRows(of: piece, source: source)
            let start = evActor.count
            // No exact reserveCapacity here: growing to the exact size batch after batch would copy
            // the columns once per batch (quadratic). `reserve(events:)` sizes them once up front.
            growEvents(by: piece.eventCount)
            withEventColumns { columns in Self.fillEvents(of: piece, bases: bases, at: start, into: columns) }
        }
    }

    /// The input of `batch` (with its parts' events); returns its number.
    private mutating func addInput(_ batch: ImportBatch) -> UInt32 {
        inputObs.append(
            InputObservation(
                name: batch.inputName, sha256: batch.sha256, layout: batch.layout,
                byteCount: UInt64(max(batch.bytesRead, 0)), eventCount: UInt64(batch.totalEventCount)))
        return UInt32(inputObs.count - 1)
    }

    /// Adds several inputs: their rows one after another, then their events on all cores (each
    /// batch's events go to a range of their own). The same as adding them one by one, in order.
    public mutating func add(contentsOf batches: [ImportBatch]) {
        reserve(for: batches)
        var pieces: [ImportBatch] = []
        var bases: [Bases] = []
        var starts: [Int] = []
        var next = evActor.count
        for batch in batches {
            let source = addInput(batch)
            for piece in [batch] + batch.parts {
                pieces.append(piece)
                bases.append(addRows(of: piece, source: source))
                starts.append(next)
                next += piece.eventCount
            }
        }
        growEvents(by: next - evActor.count)
        let claimed = Atomic<Int>(0)
        let batchBases = bases
        let batchStarts = starts
        let allPieces = pieces
        withEventColumns { columns in
            let workers = allPieces.count > 1 ? min(max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))), 8) : 1
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let b = claimed.add(1, ordering: .relaxed).oldValue
                    guard b < allPieces.count else { break }
                    Self.fillEvents(of: allPieces[b], bases: batchBases[b], at: batchStarts[b], into: columns)
                }
            }
        }
    }

    /// Appends `count` zeroed events, to be overwritten by `fillEvents`.
    private mutating func growEvents(by count: Int) {
        guard count > 0 else { return }
        evActor.append(contentsOf: repeatElement(0, count: count))
        evKind.append(contentsOf: repeatElement(0, count: count))
        evObjectType.append(contentsOf: repeatElement(0, count: count))
        evObject.append(contentsOf: repeatElement(0, count: count))
        evTime.append(contentsOf: repeatElement(0, count: count))
        evSource.append(contentsOf: repeatElement(0, count: count))
        evDetail.append(contentsOf: repeatElement(0, count: count))
    }

    /// The event columns' storage, for filling ranges of them from several threads.
    struct EventColumns: @unchecked Sendable {
        let actor, object, time, source, detail: UnsafeMutablePointer<UInt32>
        let kind, objectType: UnsafeMutablePointer<UInt8>
    }

    private mutating func withEventColumns(_ body: (EventColumns) -> Void) {
        evActor.withUnsafeMutableBufferPointer { actor in
            evKind.withUnsafeMutableBufferPointer { kind in
                evObjectType.withUnsafeMutableBufferPointer { objectType in
                    evObject.withUnsafeMutableBufferPointer { object in
                        evTime.withUnsafeMutableBufferPointer { time in
                            evSource.withUnsafeMutableBufferPointer { source in
                                evDetail.withUnsafeMutableBufferPointer { detail in
                                    guard let a = actor.baseAddress, let k = kind.baseAddress,
                                        let t = objectType.baseAddress, let o = object.baseAddress,
                                        let tm = time.baseAddress, let s = source.baseAddress,
                                        let d = detail.baseAddress
                                    else { return }
                                    body(
                                        EventColumns(
                                            actor: a, object: o, time: tm, source: s, detail: d, kind: k, objectType: t)
                                    )
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Every row of `batch` (an input or one of its parts) except its events, on input number
    /// `source`; returns where they start.
    private mutating func addRows(of batch: ImportBatch, source: UInt32) -> Bases {
        let bases = Bases(
            account: UInt32(accountObs.count), video: UInt32(videoObs.count), hashtag: UInt32(hashtagObs.count),
            sound: UInt32(soundObs.count), effect: UInt32(effectObs.count), comment: UInt32(commentObs.count),
            conversation: UInt32(conversationObs.count), string: UInt32(stringObs.count), source: source)
        let accountBase = Int32(bases.account)
        let videoBase = Int32(bases.video)
        let hashtagBase = Int32(bases.hashtag)
        let soundBase = Int32(bases.sound)
        let commentBase = Int32(bases.comment)

        func shift(_ row: RowID, _ base: Int32) -> Int32 { row == .none ? -1 : base + Int32(truncatingIfNeeded: row) }
        accountObs.append(contentsOf: batch.accounts)
        // Each other username (a rename) is one more observation of the same ids, after the batch's
        // rows so that batch rows keep their offsets.
        for account in batch.accounts {
            for other in account.otherUsernames {
                accountObs.append(
                    ImportBatch.Account(
                        username: other.username, numericID: account.numericID, secUID: account.secUID,
                        donorKey: account.donorKey, usernameSeen: other.seen))
            }
        }
        for video in batch.videos {
            videoObs.append(
                VideoObservation(
                    tiktokID: video.tiktokID, author: shift(video.author, accountBase), created: video.created,
                    caption: video.caption, sound: shift(video.sound, soundBase),
                    hashtags: video.hashtags.map { shift($0, hashtagBase) },
                    mentions: video.mentions.map { shift($0, accountBase) },
                    createTime: video.createTime, derivedFrom: shift(video.derivedFrom, videoBase),
                    derivation: video.derivation.rawValue))
        }
        for counters in batch.videoCounters {
            counterObs.append(
                CounterObservation(
                    video: shift(counters.video, videoBase), observed: counters.observed,
                    values: (
                        counters.plays, counters.likes, counters.comments, counters.shares, counters.saves,
                        counters.reposts
                    ),
                    exact: counters.exact))
        }
        hashtagObs.append(contentsOf: batch.hashtags)
        soundObs.append(contentsOf: batch.sounds)
        effectObs.append(contentsOf: batch.effects)
        for comment in batch.comments {
            commentObs.append(
                CommentObservation(
                    tiktokID: comment.tiktokID ?? 0, author: shift(comment.author, accountBase),
                    video: shift(comment.video, videoBase), parent: shift(comment.parent, commentBase),
                    replyTo: shift(comment.replyTo, commentBase),
                    time: comment.time, fingerprint: comment.textFingerprint))
        }
        conversationObs.append(contentsOf: batch.conversations)
        stringObs.append(contentsOf: batch.strings)
        return bases
    }

    /// Writes the events of `batch` at `start` of the columns, on the batch's bases.
    private static func fillEvents(of batch: ImportBatch, bases: Bases, at start: Int, into columns: EventColumns) {
        let count = batch.eventCount
        for i in 0..<count {
            let kind = batch.eventKind[i]
            let type = batch.eventObjectType[i]
            let at = start + i
            columns.actor[at] = batch.eventActor[i] &+ bases.account
            columns.kind[at] = kind.rawValue
            columns.objectType[at] = type.rawValue
            let object = batch.eventObject[i]
            switch type {
            case .account: columns.object[at] = object &+ bases.account
            case .video: columns.object[at] = object &+ bases.video
            case .hashtag: columns.object[at] = object &+ bases.hashtag
            case .sound: columns.object[at] = object &+ bases.sound
            case .comment: columns.object[at] = object &+ bases.comment
            case .conversation: columns.object[at] = object &+ bases.conversation
            case .effect: columns.object[at] = object &+ bases.effect
            case .searchTerm, .collection: columns.object[at] = object &+ bases.string
            }
            columns.time[at] = batch.eventTime[i]
            columns.source[at] = bases.source
            var detail = batch.eventDetail[i]
            if kind == .shared, detail != 0 {
                detail = detail &+ bases.string
            } else if kind == .messaged, detail & EventDetail.fingerprintBit == 0 {
                detail = detail &+ bases.video
            } else if kind == .duetted || kind == .stitched, detail != .none {
                detail = detail &+ bases.video
            }
            columns.detail[at] = detail
        }
    }

    // MARK: - Building

    /// Resolves identities, canonicalises and deduplicates. The builder can be discarded afterwards.
    public func build() -> Store {
        // 1. Accounts.
        let accountRoot = resolveAccounts()
        let accountGroups = Groups(roots: accountRoot)
        // Attributes per account group, chosen independently of observation order.
        // Per group: each username with the last time it was seen (0 = unknown).
        var usernames: [[String: UInt32]] = Array(repeating: [:], count: accountGroups.count)
        var accountNumeric = [UInt64](repeating: 0, count: accountGroups.count)
        var accountSec = [String?](repeating: nil, count: accountGroups.count)
        var accountNick = [String?](repeating: nil, count: accountGroups.count)
        var accountDonor = [String?](repeating: nil, count: accountGroups.count)
        var accountFlags = [UInt8](repeating: 0, count: accountGroups.count)
        // The counts of the latest observation; among equally recent ones, exact before rounded,
        // then the larger values (so the choice never depends on the order of observations).
        var accountCounts = [CountsChoice?](repeating: nil, count: accountGroups.count)
        for (i, account) in accountObs.enumerated() {
            let g = accountGroups.group[i]
            if let name = account.username { usernames[g][name] = max(usernames[g][name] ?? 0, account.usernameSeen) }
            if account.hasCounts {
                let choice = CountsChoice(
                    observed: account.countsObserved, exact: account.countsExact,
                    followers: account.followerCount, following: account.followingCount)
                if let current = accountCounts[g] {
                    if current < choice { accountCounts[g] = choice }
                } else {
                    accountCounts[g] = choice
                }
            }
            if let id = account.numericID, accountNumeric[g] == 0 || id < accountNumeric[g] { accountNumeric[g] = id }
            accountSec[g] = Self.minOptional(accountSec[g], account.secUID)
            accountNick[g] = Self.minOptional(accountNick[g], account.nickname)
            accountDonor[g] = Self.minOptional(accountDonor[g], account.donorKey)
            accountFlags[g] |= account.flags.rawValue
        }
        // The current username is the one seen last (of several seen last, the smallest; with no
        // times at all, the smallest as for archives). The others are aliases, oldest first.
        // history[g][0] is the current username, history[g][1...] the aliases in order.
        let history: [[(name: String, seen: UInt32)]] = usernames.map { names in
            guard !names.isEmpty else { return [] }
            let latest = names.values.max() ?? 0
            var current: String?
            for (name, seen) in names where seen == latest && (current == nil || name < current ?? "") {
                current = name
            }
            guard let current else { return [] }
            let aliases = names.filter { $0.key != current }.map { (name: $0.key, seen: $0.value) }
                .sorted { ($0.seen, $0.name) < ($1.seen, $1.name) }
            return [(current, latest)] + aliases
        }

        let effectGroups = Groups(byValue: effectObs)
        let conversationGroups = Groups(byValue: conversationObs)

        // 3. Videos (need account groups for own posts known by author and time) on one core;
        // comments (need accounts for their identity by author, time and text), hashtags and
        // sounds on another.
        let accountGroup = accountGroups.group
        let (videoGroups, (commentGroups, hashtagGroups, soundGroups)) = Self.inParallel(
            { resolveVideos(accountGroup: accountGroup) },
            { (resolveComments(accountGroup: accountGroup), resolveHashtags(), resolveSounds()) })
        var hashtagName = [String?](repeating: nil, count: hashtagGroups.count)
        var hashtagID = [UInt64](repeating: 0, count: hashtagGroups.count)
        for (i, tag) in hashtagObs.enumerated() {
            let g = hashtagGroups.group[i]
            hashtagName[g] = Self.minOptional(hashtagName[g], tag.name)
            if let id = tag.tiktokID, hashtagID[g] == 0 || id < hashtagID[g] { hashtagID[g] = id }
        }
        var soundTitle = [String?](repeating: nil, count: soundGroups.count)
        var soundID = [UInt64](repeating: 0, count: soundGroups.count)
        for (i, sound) in soundObs.enumerated() {
            let g = soundGroups.group[i]
            soundTitle[g] = Self.minOptional(soundTitle[g], sound.title)
            if let id = sound.tiktokID, soundID[g] == 0 || id < soundID[g] { soundID[g] = id }
        }
        var videoID = [UInt64](repeating: 0, count: videoGroups.count)
        // References are collected as candidates and resolved to the smallest canonical row once
        // rows are ranked: group numbers follow observation order, ranks follow content.
        var videoAuthor = Choices(count: videoGroups.count)
        var videoCreated = [UInt32](repeating: 0, count: videoGroups.count)
        var videoCaption = [String?](repeating: nil, count: videoGroups.count)
        var videoSound = Choices(count: videoGroups.count)
        var videoTags = [[Int]](repeating: [], count: videoGroups.count)
        var videoMentions = [[Int]](repeating: [], count: videoGroups.count)
        var videoCreateTime = [UInt32](repeating: 0, count: videoGroups.count)
        var videoSource = Choices(count: videoGroups.count)
        var videoDerivation = [UInt8](repeating: 0, count: videoGroups.count)
        // Fields read by index, the caption and lists only when present (see resolveVideos).
        for i in videoObs.indices {
            let g = videoGroups.group[i]
            let id = videoObs[i].tiktokID
            if id != 0 {
                videoID[g] = id
                videoCreated[g] = UInt32(truncatingIfNeeded: id >> 32)
            } else if videoID[g] == 0 {
                videoCreated[g] = videoObs[i].created
            }
            let author = videoObs[i].author
            let sound = videoObs[i].sound
            if author >= 0 { videoAuthor.add(g, accountGroups.group[Int(author)]) }
            if videoObs[i].caption != nil { videoCaption[g] = Self.minOptional(videoCaption[g], videoObs[i].caption) }
            if sound >= 0 { videoSound.add(g, soundGroups.group[Int(sound)]) }
            if !videoObs[i].hashtags.isEmpty {
                for tag in videoObs[i].hashtags where tag >= 0 { videoTags[g].append(hashtagGroups.group[Int(tag)]) }
            }
            if !videoObs[i].mentions.isEmpty {
                for mention in videoObs[i].mentions where mention >= 0 {
                    videoMentions[g].append(accountGroups.group[Int(mention)])
                }
            }
            let createTime = videoObs[i].createTime
            if createTime != 0, videoCreateTime[g] == 0 || createTime < videoCreateTime[g] {
                videoCreateTime[g] = createTime
            }
            let derivedFrom = videoObs[i].derivedFrom
            let derivation = videoObs[i].derivation
            if derivedFrom >= 0, derivation != 0 {
                let source = videoGroups.group[Int(derivedFrom)]
                if source != g {
                    videoSource.add(g, source)
                    if videoDerivation[g] == 0 || derivation < videoDerivation[g] { videoDerivation[g] = derivation }
                }
            }
        }
        // The creation time the web states wins over the estimate from the id.
        for g in 0..<videoGroups.count where videoCreateTime[g] != 0 { videoCreated[g] = videoCreateTime[g] }

        // 4. Comments.
        var commentID = [UInt64](repeating: 0, count: commentGroups.count)
        var commentAuthor = Choices(count: commentGroups.count)
        var commentVideo = Choices(count: commentGroups.count)
        var commentParent = Choices(count: commentGroups.count)
        var commentReplyTo = Choices(count: commentGroups.count)
        var commentTime = [UInt32](repeating: 0, count: commentGroups.count)
        var commentPrint = [UInt64](repeating: 0, count: commentGroups.count)
        for (i, comment) in commentObs.enumerated() {
            let g = commentGroups.group[i]
            if comment.tiktokID != 0 { commentID[g] = comment.tiktokID }
            if comment.author >= 0 { commentAuthor.add(g, accountGroups.group[Int(comment.author)]) }
            if comment.video >= 0 { commentVideo.add(g, videoGroups.group[Int(comment.video)]) }
            if comment.parent >= 0, commentGroups.group[Int(comment.parent)] != g {
                commentParent.add(g, commentGroups.group[Int(comment.parent)])
            }
            if comment.replyTo >= 0, commentGroups.group[Int(comment.replyTo)] != g {
                commentReplyTo.add(g, commentGroups.group[Int(comment.replyTo)])
            }
            if comment.time != 0, commentTime[g] == 0 || comment.time < commentTime[g] { commentTime[g] = comment.time }
            if comment.fingerprint != 0, commentPrint[g] == 0 || comment.fingerprint < commentPrint[g] {
                commentPrint[g] = comment.fingerprint
            }
        }

        // 5. Inputs by SHA-256.
        var inputGroupOf = [Int](repeating: 0, count: inputObs.count)
        var inputIndex: [[UInt8]: Int] = [:]
        var inputs: [InputObservation] = []
        for (i, input) in inputObs.enumerated() {
            if let g = inputIndex[input.sha256] {
                inputGroupOf[i] = g
                var merged = inputs[g]
                if input.name < merged.name { merged.name = input.name }
                if merged.layout.isEmpty || (!input.layout.isEmpty && input.layout < merged.layout) {
                    merged.layout = input.layout
                }
                merged.byteCount = max(merged.byteCount, input.byteCount)
                merged.eventCount = max(merged.eventCount, input.eventCount)
                inputs[g] = merged
            } else {
                inputIndex[input.sha256] = inputs.count
                inputGroupOf[i] = inputs.count
                inputs.append(input)
            }
        }

        // 6. Strings: everything that survives, sorted and unique.
        var referenced: [String] = []
        for names in usernames { referenced.append(contentsOf: names.keys) }
        referenced.append(contentsOf: accountSec.compactMap { $0 })
        referenced.append(contentsOf: accountNick.compactMap { $0 })
        referenced.append(contentsOf: accountDonor.compactMap { $0 })
        referenced.append(contentsOf: hashtagName.compactMap { $0 })
        referenced.append(contentsOf: soundTitle.compactMap { $0 })
        referenced.append(contentsOf: videoCaption.compactMap { $0 })
        for input in inputs {
            referenced.append(input.name)
            referenced.append(input.layout)
        }
        var eventStringUsed = [Bool](repeating: false, count: stringObs.count)
        for i in 0..<evKind.count {
            let type = evObjectType[i]
            if type == ObjectType.searchTerm.rawValue || type == ObjectType.collection.rawValue {
                if Int(evObject[i]) < stringObs.count { eventStringUsed[Int(evObject[i])] = true }
            }
            if evKind[i] == EventKind.shared.rawValue, evDetail[i] != 0, Int(evDetail[i] - 1) < stringObs.count {
                eventStringUsed[Int(evDetail[i] - 1)] = true
            }
        }
        for (i, used) in eventStringUsed.enumerated() where used { referenced.append(stringObs[i]) }
        let sortedStrings = Array(Set(referenced)).sorted()
        let strings = StringTable(sortedUnique: sortedStrings)
        var stringRow: [String: RowID] = [:]
        stringRow.reserveCapacity(sortedStrings.count)
        for (i, text) in sortedStrings.enumerated() { stringRow[text] = RowID(i) }
        func row(_ text: String?) -> RowID { text.flatMap { stringRow[$0] } ?? .none }

        // 7. Canonical order of each table (by content; string rows compare like the strings).
        let accountOrder = Self.order(count: accountGroups.count) { g in
            AccountKey(
                username: history[g].first.map { row($0.name) } ?? .none, numericID: accountNumeric[g],
                secUID: row(accountSec[g]), donorKey: row(accountDonor[g]))
        }
        let accountRank = Self.rank(accountOrder)
        let hashtagOrder = Self.order(count: hashtagGroups.count) { g in
            PairKey(a: UInt64(row(hashtagName[g])), b: hashtagID[g])
        }
        let hashtagRank = Self.rank(hashtagOrder)
        let soundOrder = Self.order(count: soundGroups.count) { g in
            PairKey(a: soundID[g], b: UInt64(row(soundTitle[g])))
        }
        let soundRank = Self.rank(soundOrder)
        let effectOrder = Self.order(count: effectGroups.count) { g in PairKey(a: effectGroups.value[g], b: 0) }
        let effectRank = Self.rank(effectOrder)
        let conversationOrder = Self.order(count: conversationGroups.count) { g in
            PairKey(a: conversationGroups.value[g], b: 0)
        }
        let conversationRank = Self.rank(conversationOrder)
        let videoOrder = Self.order(count: videoGroups.count) { g in
            TripleKey(a: videoID[g], b: UInt64(videoAuthor.pick(g, rank: accountRank)), c: UInt64(videoCreated[g]))
        }
        let videoRank = Self.rank(videoOrder)
        let commentOrder = Self.order(count: commentGroups.count) { g in
            QuadKey(
                a: commentID[g], b: UInt64(commentAuthor.pick(g, rank: accountRank)), c: UInt64(commentTime[g]),
                d: commentPrint[g])
        }
        let commentRank = Self.rank(commentOrder)
        let inputOrder = Self.order(count: inputs.count) { g in BytesKey(bytes: inputs[g].sha256) }
        let inputRank = Self.rank(inputOrder)

        // 8. Fill the tables.
        var store = Store()
        store.strings = strings
        var accounts = AccountTable()
        for g in accountOrder {
            accounts.username.append(history[g].first.map { row($0.name) } ?? .none)
            accounts.usernameSeen.append(history[g].first?.seen ?? 0)
            let counts = accountCounts[g]
            accounts.followerCount.append(counts?.followers ?? unknownCount)
            accounts.followingCount.append(counts?.following ?? unknownCount)
            accounts.countsObserved.append(counts?.observed ?? 0)
            accounts.numericID.append(accountNumeric[g])
            accounts.secUID.append(row(accountSec[g]))
            accounts.nickname.append(row(accountNick[g]))
            accounts.donorKey.append(row(accountDonor[g]))
            accounts.flags.append(accountFlags[g])
            for alias in history[g].dropFirst() {
                accounts.aliases.append(row(alias.name))
                accounts.aliasSeen.append(alias.seen)
            }
            accounts.aliasOffsets.append(UInt32(accounts.aliases.count))
        }
        store.accounts = accounts

        var videos = VideoTable()
        for g in videoOrder {
            videos.tiktokID.append(videoID[g])
            videos.author.append(videoAuthor.pick(g, rank: accountRank))
            videos.created.append(videoCreated[g])
            videos.caption.append(row(videoCaption[g]))
            videos.sound.append(videoSound.pick(g, rank: soundRank))
            videos.hashtags.append(contentsOf: Set(videoTags[g].map { hashtagRank[$0] }).sorted())
            videos.hashtagOffsets.append(UInt32(videos.hashtags.count))
            videos.mentions.append(contentsOf: Set(videoMentions[g].map { accountRank[$0] }).sorted())
            videos.mentionOffsets.append(UInt32(videos.mentions.count))
            let source = videoSource.pick(g, rank: videoRank)
            if source != .none {
                videos.derivedRows.append(RowID(videos.tiktokID.count - 1))
                videos.derivedSources.append(source)
                videos.derivedKinds.append(videoDerivation[g])
            }
        }
        store.videos = videos
        store.videoStats = buildVideoStats(videoRank: videoRank, videoGroup: videoGroups.group)

        for g in hashtagOrder {
            store.hashtags.name.append(row(hashtagName[g]))
            store.hashtags.tiktokID.append(hashtagID[g])
        }
        for g in soundOrder {
            store.sounds.tiktokID.append(soundID[g])
            store.sounds.title.append(row(soundTitle[g]))
        }
        for g in effectOrder { store.effects.tiktokID.append(effectGroups.value[g]) }
        for g in conversationOrder { store.conversations.tiktokID.append(conversationGroups.value[g]) }
        for g in commentOrder {
            store.comments.tiktokID.append(commentID[g])
            store.comments.author.append(commentAuthor.pick(g, rank: accountRank))
            store.comments.video.append(commentVideo.pick(g, rank: videoRank))
            let parent = commentParent.pick(g, rank: commentRank)
            let replyTo = commentReplyTo.pick(g, rank: commentRank)
            store.comments.parent.append(parent)
            if replyTo != .none, replyTo != parent {
                store.comments.replyRows.append(RowID(store.comments.parent.count - 1))
                store.comments.replyTargets.append(replyTo)
            }
            store.comments.time.append(commentTime[g])
            store.comments.fingerprint.append(commentPrint[g])
        }
        for g in inputOrder {
            let input = inputs[g]
            store.inputs.name.append(row(input.name))
            store.inputs.sha256.append(
                contentsOf: input.sha256.count == 32 ? input.sha256 : [UInt8](repeating: 0, count: 32))
            store.inputs.layout.append(row(input.layout))
            store.inputs.byteCount.append(input.byteCount)
            store.inputs.eventCount.append(input.eventCount)
        }

        // 9. Events: map to canonical rows, sort, deduplicate.
        store.events = mapEvents(
            accountRank: accountRank, accountGroup: accountGroups.group,
            videoRank: videoRank, videoGroup: videoGroups.group,
            hashtagRank: hashtagRank, hashtagGroup: hashtagGroups.group,
            soundRank: soundRank, soundGroup: soundGroups.group,
            commentRank: commentRank, commentGroup: commentGroups.group,
            conversationRank: conversationRank, conversationGroup: conversationGroups.group,
            effectRank: effectRank, effectGroup: effectGroups.group,
            stringRow: stringRow,
            inputRank: inputRank, inputGroup: inputGroupOf)
        return store
    }

    // MARK: - Counters

    /// Counter snapshots on canonical video rows, sorted by (video, time); one row per (video,
    /// time): an exact snapshot before a rounded one, then the larger values.
    private func buildVideoStats(videoRank: [RowID], videoGroup: [Int]) -> VideoStatsTable {
        struct Row: Comparable {
            var video: RowID
            var observed: UInt32
            var rounded: UInt8
            var values: [UInt64]
            static func < (a: Row, b: Row) -> Bool {
                if a.video != b.video { return a.video < b.video }
                if a.observed != b.observed { return a.observed < b.observed }
                if a.rounded != b.rounded { return a.rounded < b.rounded }
                return b.values.lexicographicallyPrecedes(a.values)
            }
        }
        var rows: [Row] = []
        rows.reserveCapacity(counterObs.count)
        for counters in counterObs where counters.video >= 0 && Int(counters.video) < videoGroup.count {
            let v = counters.values
            rows.append(
                Row(
                    video: videoRank[videoGroup[Int(counters.video)]], observed: counters.observed,
                    rounded: counters.exact ? 0 : 1, values: [v.0, v.1, v.2, v.3, v.4, v.5]))
        }
        rows.sort()
        var table = VideoStatsTable()
        var previous: (RowID, UInt32)?
        for row in rows {
            if let previous, previous == (row.video, row.observed) { continue }
            previous = (row.video, row.observed)
            table.video.append(row.video)
            table.observed.append(row.observed)
            table.plays.append(row.values[0])
            table.likes.append(row.values[1])
            table.comments.append(row.values[2])
            table.shares.append(row.values[3])
            table.saves.append(row.values[4])
            table.reposts.append(row.values[5])
            table.flags.append(row.rounded == 0 ? VideoStatsTable.exactFlag : 0)
        }
        return table
    }

    // MARK: - Identity resolution

    /// Observations → union-find roots. Strong keys always join: a TikTok id (`strongID`) and any
    /// of `strongTexts` (each its own kind of key: secUID, donor key). A `weak` key (username,
    /// name, title) joins unless that would put two different `exclusiveID`s in one group; weak
    /// keys are applied in their sorted order, so the result never depends on observation order.
    ///
    /// No per-observation arrays and no dictionary of member lists: with those, comments (one
    /// weak key each) were most of a HAR import's merge.
    private func resolve<Weak: Hashable & Comparable>(
        count: Int, strongID: (Int) -> UInt64?, strongTexts: [(Int) -> String?] = [],
        weak: (Int) -> Weak?, exclusiveID: (Int) -> UInt64?
    ) -> [Int32] {
        var sets = UnionFind(count: count)
        var firstWithID = IDMap()
        var firstWithText = [[String: Int32]](repeating: [:], count: strongTexts.count)
        for i in 0..<count {
            if let id = strongID(i) {
                if let j = firstWithID.insertIfAbsent(id, UInt32(i)) { sets.union(Int32(i), Int32(j)) }
            }
            for (kind, text) in strongTexts.enumerated() {
                guard let text = text(i) else { continue }
                if let j = firstWithText[kind][text] {
                    sets.union(Int32(i), j)
                } else {
                    firstWithText[kind][text] = Int32(i)
                }
            }
        }
        // Weak keys numbered in order of first appearance, their members listed in index order.
        var weakNumber: [Weak: Int32] = [:]
        weakNumber.reserveCapacity(count)
        var weakKeys: [Weak] = []
        var weakOf = [Int32](repeating: -1, count: count)
        var memberCount: [Int32] = []
        for i in 0..<count {
            guard let name = weak(i) else { continue }
            if let k = weakNumber[name] {
                weakOf[i] = k
                memberCount[Int(k)] += 1
            } else {
                weakNumber[name] = Int32(weakKeys.count)
                weakOf[i] = Int32(weakKeys.count)
                weakKeys.append(name)
                memberCount.append(1)
            }
        }
        // A key with one member joins nothing: only keys shared by several observations matter.
        var shared = (0..<weakKeys.count).filter { memberCount[$0] > 1 }
        guard !shared.isEmpty else { return (0..<count).map { sets.find(Int32($0)) } }
        shared.sort { weakKeys[$0] < weakKeys[$1] }
        var memberStart = [Int32](repeating: 0, count: weakKeys.count + 1)
        for k in 0..<weakKeys.count { memberStart[k + 1] = memberStart[k] + (memberCount[k] > 1 ? memberCount[k] : 0) }
        var members = [Int32](repeating: 0, count: Int(memberStart[weakKeys.count]))
        var filled = memberStart
        for i in 0..<count where weakOf[i] >= 0 && memberCount[Int(weakOf[i])] > 1 {
            let k = Int(weakOf[i])
            members[Int(filled[k])] = Int32(i)
            filled[k] += 1
        }
        // The exclusive id of each root (at most one, by construction).
        var rootID = [UInt64?](repeating: nil, count: count)
        for i in 0..<count { if let id = exclusiveID(i) { rootID[Int(sets.find(Int32(i)))] = id } }
        var idRoots: [(id: UInt64, root: Int32)] = []
        var plainRoots: [Int32] = []
        for k in shared {
            idRoots.removeAll(keepingCapacity: true)
            plainRoots.removeAll(keepingCapacity: true)
            for member in members[Int(memberStart[k])..<Int(memberStart[k + 1])] {
                let root = sets.find(member)
                if let id = rootID[Int(root)] {
                    if !idRoots.contains(where: { $0.root == root }) { idRoots.append((id, root)) }
                } else if !plainRoots.contains(root) {
                    plainRoots.append(root)
                }
            }
            let target: Int32
            if let smallest = idRoots.min(by: { $0.id < $1.id }) {
                // With one id this is simply that account; with several, the smallest id takes the rest.
                target = smallest.root
            } else if let first = plainRoots.min() {
                target = first
            } else {
                continue
            }
            for root in plainRoots where root != target {
                sets.union(root, target)
                let newRoot = sets.find(target)
                if let id = rootID[Int(target)] ?? rootID[Int(root)] { rootID[Int(newRoot)] = id }
            }
        }
        return (0..<count).map { sets.find(Int32($0)) }
    }

    private func resolveHashtags() -> Groups {
        Groups(
            roots: resolve(
                count: hashtagObs.count,
                strongID: { [hashtagObs] i in hashtagObs[i].tiktokID },
                weak: { [hashtagObs] i in hashtagObs[i].name },
                exclusiveID: { [hashtagObs] i in hashtagObs[i].tiktokID }))
    }

    private func resolveSounds() -> Groups {
        Groups(
            roots: resolve(
                count: soundObs.count,
                strongID: { [soundObs] i in soundObs[i].tiktokID },
                weak: { [soundObs] i in soundObs[i].title },
                exclusiveID: { [soundObs] i in soundObs[i].tiktokID }))
    }

    /// Runs `a` here and `b` on another core at the same time; returns both results.
    static func inParallel<A: Sendable, B: Sendable>(_ a: @Sendable () -> A, _ b: @Sendable () -> B) -> (A, B) {
        let results = ResultPair<A, B>()
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            if part == 0 { results.first = a() } else { results.second = b() }
        }
        guard let first = results.first, let second = results.second else {
            preconditionFailure("concurrentPerform returned before both parts ran")
        }
        return (first, second)
    }

    private func resolveAccounts() -> [Int32] {
        resolve(
            count: accountObs.count,
            strongID: { [accountObs] i in accountObs[i].numericID },
            strongTexts: [{ [accountObs] i in accountObs[i].secUID }, { [accountObs] i in accountObs[i].donorKey }],
            weak: { [accountObs] i in accountObs[i].username },
            exclusiveID: { [accountObs] i in accountObs[i].numericID })
    }

    private func resolveVideos(accountGroup: [Int]) -> Groups {
        var sets = UnionFind(count: videoObs.count)
        var byID = IDMap()
        var byAuthorTime = IDMap()  // of videos with an id and an author
        // Fields read by index: a copy of each observation (its caption and arrays retained and
        // released) cost more than the lookups.
        for i in videoObs.indices {
            let id = videoObs[i].tiktokID
            let author = videoObs[i].author
            guard id != 0 else { continue }
            if let j = byID.insertIfAbsent(id, UInt32(i)) { sets.union(Int32(i), Int32(j)) }
            if author >= 0 {
                let key = UInt64(accountGroup[Int(author)]) << 32 | (id >> 32)
                _ = byAuthorTime.insertIfAbsent(key, UInt32(i))
            }
        }
        var ownPosts = IDMap()
        for i in videoObs.indices where videoObs[i].tiktokID == 0 {
            let author = videoObs[i].author
            guard author >= 0 else { continue }
            let key = UInt64(accountGroup[Int(author)]) << 32 | UInt64(videoObs[i].created)
            if let j = byAuthorTime[key] {
                sets.union(Int32(i), Int32(j))
            } else if let j = ownPosts.insertIfAbsent(key, UInt32(i)) {
                sets.union(Int32(i), Int32(j))
            }
        }
        return Groups(roots: (0..<videoObs.count).map { sets.find(Int32($0)) })
    }

    /// Comments: one TikTok id is one comment. Without an id (archives), a comment is known by its
    /// author, time and text fingerprint, and joins a comment with an id that has the same three;
    /// two different ids are never joined that way.
    private func resolveComments(accountGroup: [Int]) -> Groups {
        Groups(
            roots: resolve(
                count: commentObs.count,
                strongID: { [commentObs] i in commentObs[i].tiktokID == 0 ? nil : commentObs[i].tiktokID },
                weak: { [commentObs] i -> TripleKey? in
                    let comment = commentObs[i]
                    guard comment.author >= 0, comment.time != 0, comment.fingerprint != 0 else { return nil }
                    return TripleKey(
                        a: UInt64(accountGroup[Int(comment.author)]), b: UInt64(comment.time), c: comment.fingerprint)
                },
                exclusiveID: { [commentObs] i in commentObs[i].tiktokID == 0 ? nil : commentObs[i].tiktokID }))
    }

    // MARK: - Events

    private func mapEvents(
        accountRank: [RowID], accountGroup: [Int],
        videoRank: [RowID], videoGroup: [Int],
        hashtagRank: [RowID], hashtagGroup: [Int],
        soundRank: [RowID], soundGroup: [Int],
        commentRank: [RowID], commentGroup: [Int],
        conversationRank: [RowID], conversationGroup: [Int],
        effectRank: [RowID], effectGroup: [Int],
        stringRow: [String: RowID],
        inputRank: [RowID], inputGroup: [Int]
    ) -> EventTable {
        let n = evActor.count
        // Keys are made in two halves on two cores; an event that maps to no row (never the case
        // for a consistent builder) gets the largest key, sorts last and is dropped below.
        var keys = [EventSortKey](unsafeUninitializedCapacity: n) { buffer, count in
            let target = SendableKeys(base: buffer.baseAddress)
            let half = n / 2
            DispatchQueue.concurrentPerform(iterations: n > 100_000 ? 2 : 1) { part in
                guard let base = target.base else { return }
                let range = n > 100_000 ? (part == 0 ? 0..<half : half..<n) : 0..<n
                for i in range {
                    (base + i).initialize(
                        to: eventKey(
                            i, accountRank: accountRank, accountGroup: accountGroup, videoRank: videoRank,
                            videoGroup: videoGroup, hashtagRank: hashtagRank, hashtagGroup: hashtagGroup,
                            soundRank: soundRank, soundGroup: soundGroup, commentRank: commentRank,
                            commentGroup: commentGroup, conversationRank: conversationRank,
                            conversationGroup: conversationGroup, effectRank: effectRank, effectGroup: effectGroup,
                            stringRow: stringRow, inputRank: inputRank, inputGroup: inputGroup))
                }
            }
            count = n
        }
        Self.sortInParallel(&keys, accounts: accountRank.count)

        var table = EventTable()
        table.actor.reserveCapacity(keys.count)
        table.kind.reserveCapacity(keys.count)
        table.objectType.reserveCapacity(keys.count)
        table.object.reserveCapacity(keys.count)
        table.time.reserveCapacity(keys.count)
        table.source.reserveCapacity(keys.count)
        var index = 0
        while index < keys.count, keys[index] != Self.droppedKey {
            let key = keys[index]
            let kind = UInt8(truncatingIfNeeded: key.head >> 8)
            let repeats = Self.repeatableKinds[Int(kind) & 0xff]
            var time = UInt32(truncatingIfNeeded: key.tail >> 32)
            var source = UInt32(truncatingIfNeeded: key.tail)
            var next = index + 1
            // Equal neighbours are the same event; keep the earliest known time and first input.
            while next < keys.count, keys[next].head == key.head, keys[next].object == key.object,
                !repeats || keys[next].tail >> 32 == key.tail >> 32
            {
                let otherTime = UInt32(truncatingIfNeeded: keys[next].tail >> 32)
                let otherSource = UInt32(truncatingIfNeeded: keys[next].tail)
                if time == 0 || (otherTime != 0 && otherTime < time) {
                    time = otherTime
                    source = otherSource
                } else if otherTime == time {
                    source = min(source, otherSource)
                }
                next += 1
            }
            table.actor.append(UInt32(truncatingIfNeeded: key.head >> 32))
            table.kind.append(kind)
            table.objectType.append(UInt8(truncatingIfNeeded: key.head))
            table.object.append(UInt32(truncatingIfNeeded: key.object >> 32))
            let detail = UInt32(truncatingIfNeeded: key.object)
            if detail != 0 {
                table.detailIndex.append(UInt32(table.actor.count - 1))
                table.detailValue.append(detail)
            }
            table.time.append(time)
            table.source.append(source)
            index = next
        }
        return table
    }

    /// The largest key: an event without a row (sorts last; `mapEvents` drops it).
    static let droppedKey = EventSortKey(head: .max, object: .max, tail: .max)

    /// Observation `i` as a key on canonical rows (see `mapEvents`).
    @inline(__always)
    private func eventKey(
        _ i: Int,
        accountRank: [RowID], accountGroup: [Int], videoRank: [RowID], videoGroup: [Int],
        hashtagRank: [RowID], hashtagGroup: [Int], soundRank: [RowID], soundGroup: [Int],
        commentRank: [RowID], commentGroup: [Int], conversationRank: [RowID], conversationGroup: [Int],
        effectRank: [RowID], effectGroup: [Int], stringRow: [String: RowID], inputRank: [RowID], inputGroup: [Int]
    ) -> EventSortKey {
        func through(_ rank: [RowID], _ group: [Int], _ obs: UInt32) -> RowID {
            Int(obs) < group.count ? rank[group[Int(obs)]] : .none
        }
        func stringRowOfObservation(_ obs: UInt32) -> RowID {
            Int(obs) < stringObs.count ? (stringRow[stringObs[Int(obs)]] ?? .none) : .none
        }
        let actor = through(accountRank, accountGroup, evActor[i])
        let object: RowID
        switch ObjectType(rawValue: evObjectType[i]) {
        case .account: object = through(accountRank, accountGroup, evObject[i])
        case .video: object = through(videoRank, videoGroup, evObject[i])
        case .hashtag: object = through(hashtagRank, hashtagGroup, evObject[i])
        case .sound: object = through(soundRank, soundGroup, evObject[i])
        case .comment: object = through(commentRank, commentGroup, evObject[i])
        case .conversation: object = through(conversationRank, conversationGroup, evObject[i])
        case .effect: object = through(effectRank, effectGroup, evObject[i])
        case .searchTerm, .collection: object = stringRowOfObservation(evObject[i])
        case nil: object = .none
        }
        guard actor != .none, object != .none else { return Self.droppedKey }
        var detail = evDetail[i]
        if evKind[i] == EventKind.shared.rawValue, detail != 0 {
            let row = stringRowOfObservation(detail - 1)
            detail = row == .none ? 0 : row + 1
        } else if evKind[i] == EventKind.messaged.rawValue, detail & EventDetail.fingerprintBit == 0 {
            detail = through(videoRank, videoGroup, detail)
        } else if evKind[i] == EventKind.duetted.rawValue || evKind[i] == EventKind.stitched.rawValue {
            detail = detail == .none ? .none : through(videoRank, videoGroup, detail)
        }
        let source = Int(evSource[i]) < inputGroup.count ? inputRank[inputGroup[Int(evSource[i])]] : .none
        return EventSortKey(
            head: UInt64(actor) << 32 | UInt64(evKind[i]) << 8 | UInt64(evObjectType[i]),
            object: UInt64(object) << 32 | UInt64(detail),
            tail: UInt64(evTime[i]) << 32 | UInt64(source))
    }

    /// Sorts event keys on all cores. Actor is the first sort field: a counting sort by actor puts
    /// each actor's keys in a range of their own, and the ranges (a few thousand keys each, which
    /// fit in a core's cache) are then sorted by workers that take the next unsorted actor as they
    /// finish. The result is the same as one sort. Small ranges sorted in cache, handed out as
    /// workers free up, beat two halves sorted whole (Benchmarks/RESULTS.md, "Store merge").
    static func sortInParallel(_ keys: inout [EventSortKey], accounts: Int) {
        let n = keys.count
        guard n > 50_000, accounts > 1 else {
            keys.sort()
            return
        }
        // Actors at or beyond `accounts` (never produced, but kept safe) share the last bucket.
        var start = [Int](repeating: 0, count: accounts + 2)
        for key in keys { start[min(Int(key.head >> 32), accounts) + 1] += 1 }
        for a in 0...accounts { start[a + 1] += start[a] }
        var next = start
        let sorted = [EventSortKey](unsafeUninitializedCapacity: n) { buffer, count in
            guard let target = buffer.baseAddress else { return }
            for key in keys {
                let a = min(Int(key.head >> 32), accounts)
                (target + next[a]).initialize(to: key)
                next[a] += 1
            }
            count = n
        }
        keys = sorted
        let bounds = start
        let nextActor = Atomic<Int>(0)
        keys.withUnsafeMutableBufferPointer { buffer in
            let base = SendableKeys(base: buffer.baseAddress)
            let workers = min(max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))), 8)
            DispatchQueue.concurrentPerform(iterations: max(1, workers)) { _ in
                while true {
                    let a = nextActor.add(1, ordering: .relaxed).oldValue
                    guard a <= accounts else { break }
                    let count = bounds[a + 1] - bounds[a]
                    guard count > 1, let start = base.base else { continue }
                    var range = UnsafeMutableBufferPointer(start: start + bounds[a], count: count)
                    range.sort()
                }
            }
        }
    }

    /// Kinds whose repeats at different times are different events.
    static let repeatableKinds: [Bool] = (0..<256).map { raw in
        guard let kind = EventKind(rawValue: UInt8(raw)) else { return false }
        switch kind {
        case .watched, .shared, .messaged, .searched: return true
        default: return false
        }
    }

    // MARK: - Helpers

    static func minOptional(_ a: String?, _ b: String?) -> String? {
        guard let b else { return a }
        guard let a else { return b }
        return b < a ? b : a
    }

    /// Group indices sorted by a content key.
    static func order<K: Comparable>(count: Int, key: (Int) -> K) -> [Int] {
        let keys = (0..<count).map(key)
        return (0..<count).sorted { keys[$0] < keys[$1] }
    }

    /// Inverse permutation: rank[group] = final row.
    static func rank(_ order: [Int]) -> [RowID] {
        var rank = [RowID](repeating: .none, count: order.count)
        for (position, group) in order.enumerated() { rank[group] = RowID(position) }
        return rank
    }
}

// MARK: - Small value types used while building

struct UnionFind {
    var parent: [Int32]
    init(count: Int) { parent = (0..<count).map { Int32($0) } }
    mutating func find(_ x: Int32) -> Int32 {
        var x = x
        while parent[Int(x)] != x {
            parent[Int(x)] = parent[Int(parent[Int(x)])]
            x = parent[Int(x)]
        }
        return x
    }
    mutating func union(_ a: Int32, _ b: Int32) {
        let ra = find(a)
        let rb = find(b)
        if ra == rb { return }
        if ra < rb { parent[Int(rb)] = ra } else { parent[Int(ra)] = rb }
    }
}

/// Dense group numbers for union-find roots (or for plain values).
struct Groups {
    var group: [Int]
    var count: Int
    var value: [UInt64] = []

    /// Groups numbered in order of first appearance. Roots are observation indices (0..<count).
    init(roots: [Int32]) {
        var number = [Int32](repeating: -1, count: roots.count)
        var next = 0
        group = roots.map { root in
            let r = Int(root)
            guard r >= 0, r < number.count else { preconditionFailure("root outside the observations") }
            if number[r] >= 0 { return Int(number[r]) }
            number[r] = Int32(next)
            next += 1
            return next - 1
        }
        count = next
    }

    init(byValue values: [UInt64]) {
        var number = IDMap()
        var value: [UInt64] = []
        group = values.map { v in
            if let g = number.insertIfAbsent(v, UInt32(value.count)) { return Int(g) }
            value.append(v)
            return value.count - 1
        }
        count = value.count
        self.value = value
    }
}

/// The results of `StoreBuilder.inParallel`: each part writes only its own field, and both are
/// read after `concurrentPerform` has returned.
final class ResultPair<A, B>: @unchecked Sendable {
    var first: A?
    var second: B?
}

/// The keys being sorted, shared by the sorting workers; each sorts only ranges it claimed.
struct SendableKeys: @unchecked Sendable {
    let base: UnsafeMutablePointer<EventSortKey>?
}

struct EventSortKey: Comparable {
    var head: UInt64
    var object: UInt64
    var tail: UInt64
    static func < (a: EventSortKey, b: EventSortKey) -> Bool {
        if a.head != b.head { return a.head < b.head }
        if a.object != b.object { return a.object < b.object }
        return a.tail < b.tail
    }
}

/// The candidates for one reference of each group (a video's author, a comment's parent…): usually
/// one. `pick` resolves them to the smallest canonical row, so the choice depends on content only.
struct Choices {
    private var first: [Int32]
    private var more: [Int: [Int32]] = [:]

    init(count: Int) { first = [Int32](repeating: -1, count: count) }

    mutating func add(_ group: Int, _ candidate: Int) {
        let value = Int32(truncatingIfNeeded: candidate)
        if first[group] < 0 {
            first[group] = value
        } else if first[group] != value, more[group]?.contains(value) != true {
            more[group, default: []].append(value)
        }
    }

    func pick(_ group: Int, rank: [RowID]) -> RowID {
        guard first[group] >= 0 else { return .none }
        var best = rank[Int(first[group])]
        // Most groups have one candidate: no lookup at all when none has more.
        guard !more.isEmpty, let others = more[group] else { return best }
        for candidate in others { best = min(best, rank[Int(candidate)]) }
        return best
    }
}

/// Follower counts of one observation, ordered so that the maximum is the one to keep: the latest,
/// then exact before rounded, then the larger values.
struct CountsChoice: Comparable {
    var observed: UInt32
    var exact: Bool
    var followers: UInt64
    var following: UInt64
    static func < (a: CountsChoice, b: CountsChoice) -> Bool {
        if a.observed != b.observed { return a.observed < b.observed }
        if a.exact != b.exact { return !a.exact }
        // Unknown (UInt64.max) loses to any known value.
        func rank(_ value: UInt64) -> UInt64 { value == unknownCount ? 0 : value &+ 1 }
        return (rank(a.followers), rank(a.following)) < (rank(b.followers), rank(b.following))
    }
}

struct AccountKey: Comparable {
    var username: RowID
    var numericID: UInt64
    var secUID: RowID
    var donorKey: RowID
    static func < (a: AccountKey, b: AccountKey) -> Bool {
        (a.username, a.numericID, a.secUID, a.donorKey) < (b.username, b.numericID, b.secUID, b.donorKey)
    }
}

struct PairKey: Comparable {
    var a: UInt64
    var b: UInt64
    static func < (x: PairKey, y: PairKey) -> Bool { (x.a, x.b) < (y.a, y.b) }
}

struct TripleKey: Comparable, Hashable {
    var a: UInt64
    var b: UInt64
    var c: UInt64
    static func < (x: TripleKey, y: TripleKey) -> Bool { (x.a, x.b, x.c) < (y.a, y.b, y.c) }
}

struct QuadKey: Comparable {
    var a: UInt64
    var b: UInt64
    var c: UInt64
    var d: UInt64
    static func < (x: QuadKey, y: QuadKey) -> Bool { (x.a, x.b, x.c, x.d) < (y.a, y.b, y.c, y.d) }
}

struct BytesKey: Comparable {
    var bytes: [UInt8]
    static func < (x: BytesKey, y: BytesKey) -> Bool { x.bytes.lexicographicallyPrecedes(y.bytes) }
}
