extension StoreBuilder {
    // Each group's attributes are chosen from all its observations so that the choice never
    // depends on the order the observations arrived in: the smallest value, the latest sighting,
    // or a union. References to other tables (a video's author, a comment's parent…) are collected
    // as candidate groups and resolved to rows once the rows are ranked (see `ReferenceCandidates`).

    /// The attributes of each account group.
    struct AccountAttributes {
        /// Per group, entries `historyStart[g] ..< historyStart[g + 1]`: the current username first,
        /// then the aliases, oldest first, each with the last time it was seen (0 = unknown).
        var historyName: [String]
        var historySeen: [UInt32]
        var historyStart: [Int]
        var numericID: [UInt64]
        var secUID: [String?]
        var nickname: [String?]
        var donorKey: [String?]
        var flags: [UInt8]
        /// The counts to keep (see `CountsChoice`), nil when none was observed.
        var counts: [CountsChoice?]

        /// The range of group `g`'s history.
        func history(_ g: Int) -> Range<Int> { historyStart[g]..<historyStart[g + 1] }
    }

    /// Attributes per account group, chosen independently of observation order.
    func accountAttributes(of groups: IdentityGroups) -> AccountAttributes {
        // Each group's usernames (one spelling per canonically equivalent group, the first seen)
        // with the last time each was seen: nearly every group has one, kept in `firstName`; the
        // others go to `moreNames`. A dictionary per group was a visible part of small builds.
        var firstName = [String?](repeating: nil, count: groups.count)
        var firstSeen = [UInt32](repeating: 0, count: groups.count)
        var moreNames: [Int: [(name: String, seen: UInt32)]] = [:]
        var numericID = [UInt64](repeating: 0, count: groups.count)
        var secUID = [String?](repeating: nil, count: groups.count)
        var nickname = [String?](repeating: nil, count: groups.count)
        var donorKey = [String?](repeating: nil, count: groups.count)
        var flags = [UInt8](repeating: 0, count: groups.count)
        // The counts of the latest observation; among equally recent ones, exact before rounded,
        // then the larger values (so the choice never depends on the order of observations).
        var counts = [CountsChoice?](repeating: nil, count: groups.count)
        for i in accountObservations.indices {
            let g = groups.group[i]
            if let name = accountObservations[i].username {
                let seen = accountObservations[i].usernameSeen
                if let first = firstName[g] {
                    if first == name {
                        firstSeen[g] = max(firstSeen[g], seen)
                    } else if let k = moreNames[g]?.firstIndex(where: { $0.name == name }),
                        let earlier = moreNames[g]?[k].seen
                    {
                        moreNames[g]?[k].seen = max(earlier, seen)
                    } else {
                        moreNames[g, default: []].append((name, seen))
                    }
                } else {
                    firstName[g] = name
                    firstSeen[g] = seen
                }
            }
            let account = accountObservations[i]
            if account.hasCounts {
                let choice = CountsChoice(
                    observed: account.countsObserved, exact: account.countsExact,
                    followers: account.followerCount, following: account.followingCount)
                if let current = counts[g] {
                    if current < choice { counts[g] = choice }
                } else {
                    counts[g] = choice
                }
            }
            if let id = account.numericID, numericID[g] == 0 || id < numericID[g] { numericID[g] = id }
            secUID[g] = Self.minOptional(secUID[g], account.secUID)
            nickname[g] = Self.minOptional(nickname[g], account.nickname)
            donorKey[g] = Self.minOptional(donorKey[g], account.donorKey)
            flags[g] |= account.flags.rawValue
        }
        // The current username is the one seen last (of several seen last, the smallest; with no
        // times at all, the smallest as for archives). The others are aliases, oldest first.
        var historyName: [String] = []
        var historySeen: [UInt32] = []
        var historyStart = [Int](repeating: 0, count: groups.count + 1)
        historyName.reserveCapacity(groups.count)
        historySeen.reserveCapacity(groups.count)
        for g in 0..<groups.count {
            defer { historyStart[g + 1] = historyName.count }
            guard let first = firstName[g] else { continue }
            guard let more = moreNames[g] else {
                historyName.append(first)
                historySeen.append(firstSeen[g])
                continue
            }
            let names = [(name: first, seen: firstSeen[g])] + more
            let latest = names.lazy.map(\.seen).max() ?? 0
            var current = 0
            for k in names.indices where names[k].seen == latest {
                if names[current].seen != latest || names[k].name.precedesInBytes(names[current].name) { current = k }
            }
            historyName.append(names[current].name)
            historySeen.append(latest)
            let aliases = names.indices.filter { $0 != current }.map { names[$0] }
                .sorted { $0.seen != $1.seen ? $0.seen < $1.seen : $0.name.precedesInBytes($1.name) }
            for alias in aliases {
                historyName.append(alias.name)
                historySeen.append(alias.seen)
            }
        }
        return AccountAttributes(
            historyName: historyName, historySeen: historySeen, historyStart: historyStart, numericID: numericID,
            secUID: secUID, nickname: nickname, donorKey: donorKey, flags: flags, counts: counts)
    }

    /// The name and TikTok id (0 = unknown) of each hashtag group: the smallest seen.
    struct HashtagAttributes {
        var name: [String?]
        var tiktokID: [UInt64]
    }

    func hashtagAttributes(of groups: IdentityGroups) -> HashtagAttributes {
        var name = [String?](repeating: nil, count: groups.count)
        var tiktokID = [UInt64](repeating: 0, count: groups.count)
        for (i, tag) in hashtagObservations.enumerated() {
            let g = groups.group[i]
            name[g] = Self.minOptional(name[g], tag.name)
            if let id = tag.tiktokID, tiktokID[g] == 0 || id < tiktokID[g] { tiktokID[g] = id }
        }
        return HashtagAttributes(name: name, tiktokID: tiktokID)
    }

    /// The title and TikTok id (0 = unknown) of each sound group: the smallest seen.
    struct SoundAttributes {
        var title: [String?]
        var tiktokID: [UInt64]
    }

    func soundAttributes(of groups: IdentityGroups) -> SoundAttributes {
        var title = [String?](repeating: nil, count: groups.count)
        var tiktokID = [UInt64](repeating: 0, count: groups.count)
        for (i, sound) in soundObservations.enumerated() {
            let g = groups.group[i]
            title[g] = Self.minOptional(title[g], sound.title)
            if let id = sound.tiktokID, tiktokID[g] == 0 || id < tiktokID[g] { tiktokID[g] = id }
        }
        return SoundAttributes(title: title, tiktokID: tiktokID)
    }

    /// The attributes of each video group; references are candidate groups of their tables.
    struct VideoAttributes {
        var tiktokID: [UInt64]
        var author: ReferenceCandidates
        var created: [UInt32]
        var caption: [String?]
        var sound: ReferenceCandidates
        /// Hashtag groups, with repeats.
        var hashtags: [[Int]]
        /// Account groups, with repeats.
        var mentions: [[Int]]
        /// The video a duet or stitch was made from, and how (`VideoDerivation`).
        var source: ReferenceCandidates
        var derivation: [UInt8]
    }

    func videoAttributes(
        of groups: IdentityGroups, accountGroup: [Int], hashtagGroup: [Int], soundGroup: [Int]
    ) -> VideoAttributes {
        var tiktokID = [UInt64](repeating: 0, count: groups.count)
        // References are collected as candidates and resolved to the smallest canonical row once
        // rows are ranked: group numbers follow observation order, ranks follow content.
        var author = ReferenceCandidates(count: groups.count)
        var created = [UInt32](repeating: 0, count: groups.count)
        var caption = [String?](repeating: nil, count: groups.count)
        var sound = ReferenceCandidates(count: groups.count)
        var tags = [[Int]](repeating: [], count: groups.count)
        var mentions = [[Int]](repeating: [], count: groups.count)
        var createTimes = [UInt32](repeating: 0, count: groups.count)
        var source = ReferenceCandidates(count: groups.count)
        var derivations = [UInt8](repeating: 0, count: groups.count)
        // Fields read by index, the caption and lists only when present (see resolveVideos).
        for i in videoObservations.indices {
            let g = groups.group[i]
            let id = videoObservations[i].tiktokID
            if id != 0 {
                tiktokID[g] = id
                created[g] = UInt32(truncatingIfNeeded: id >> 32)
            } else if tiktokID[g] == 0 {
                created[g] = videoObservations[i].created
            }
            let videoAuthor = videoObservations[i].author
            let videoSound = videoObservations[i].sound
            if videoAuthor >= 0 { author.add(g, accountGroup[Int(videoAuthor)]) }
            if videoObservations[i].caption >= 0 {
                caption[g] = Self.minOptional(caption[g], self.caption(ofVideoObservation: i))
            }
            if videoSound >= 0 { sound.add(g, soundGroup[Int(videoSound)]) }
            if videoObservations[i].links != .max {
                let linked = links(ofVideoObservation: i)
                for tag in linked.hashtags where tag >= 0 { tags[g].append(hashtagGroup[Int(tag)]) }
                for mention in linked.mentions where mention >= 0 { mentions[g].append(accountGroup[Int(mention)]) }
            }
            let createTime = videoObservations[i].createTime
            if createTime != 0, createTimes[g] == 0 || createTime < createTimes[g] {
                createTimes[g] = createTime
            }
            let derivedFrom = videoObservations[i].derivedFrom
            let derivation = videoObservations[i].derivation
            if derivedFrom >= 0, derivation != 0 {
                let original = groups.group[Int(derivedFrom)]
                if original != g {
                    source.add(g, original)
                    if derivations[g] == 0 || derivation < derivations[g] { derivations[g] = derivation }
                }
            }
        }
        // The creation time the web states wins over the estimate from the id.
        for g in 0..<groups.count where createTimes[g] != 0 { created[g] = createTimes[g] }
        return VideoAttributes(
            tiktokID: tiktokID, author: author, created: created, caption: caption, sound: sound, hashtags: tags,
            mentions: mentions, source: source, derivation: derivations)
    }

    /// The attributes of each comment group; references are candidate groups of their tables.
    struct CommentAttributes {
        var tiktokID: [UInt64]
        var author: ReferenceCandidates
        var video: ReferenceCandidates
        var parent: ReferenceCandidates
        var replyTo: ReferenceCandidates
        var time: [UInt32]
        var fingerprint: [UInt64]
    }

    func commentAttributes(of groups: IdentityGroups, accountGroup: [Int], videoGroup: [Int]) -> CommentAttributes {
        var tiktokID = [UInt64](repeating: 0, count: groups.count)
        var author = ReferenceCandidates(count: groups.count)
        var video = ReferenceCandidates(count: groups.count)
        var parent = ReferenceCandidates(count: groups.count)
        var replyTo = ReferenceCandidates(count: groups.count)
        var time = [UInt32](repeating: 0, count: groups.count)
        var fingerprint = [UInt64](repeating: 0, count: groups.count)
        for (i, comment) in commentObservations.enumerated() {
            let g = groups.group[i]
            if comment.tiktokID != 0 { tiktokID[g] = comment.tiktokID }
            if comment.author >= 0 { author.add(g, accountGroup[Int(comment.author)]) }
            if comment.video >= 0 { video.add(g, videoGroup[Int(comment.video)]) }
            if comment.parent >= 0, groups.group[Int(comment.parent)] != g {
                parent.add(g, groups.group[Int(comment.parent)])
            }
            if comment.replyTo >= 0, groups.group[Int(comment.replyTo)] != g {
                replyTo.add(g, groups.group[Int(comment.replyTo)])
            }
            if comment.time != 0, time[g] == 0 || comment.time < time[g] { time[g] = comment.time }
            if comment.fingerprint != 0, fingerprint[g] == 0 || comment.fingerprint < fingerprint[g] {
                fingerprint[g] = comment.fingerprint
            }
        }
        return CommentAttributes(
            tiktokID: tiktokID, author: author, video: video, parent: parent, replyTo: replyTo, time: time,
            fingerprint: fingerprint)
    }

    /// The inputs, one per SHA-256, and the group of each input observation.
    struct MergedInputs {
        var group: [Int]
        /// The smallest name and layout seen, the largest byte and event counts.
        var inputs: [InputObservation]
    }

    /// Inputs by SHA-256: reading the same bytes again (under another name) is the same input.
    func mergedInputs() -> MergedInputs {
        var group = [Int](repeating: 0, count: inputObservations.count)
        var index: [[UInt8]: Int] = [:]
        var inputs: [InputObservation] = []
        for (i, input) in inputObservations.enumerated() {
            if let g = index[input.sha256] {
                group[i] = g
                var merged = inputs[g]
                if input.name < merged.name { merged.name = input.name }
                if merged.layout.isEmpty || (!input.layout.isEmpty && input.layout < merged.layout) {
                    merged.layout = input.layout
                }
                merged.byteCount = max(merged.byteCount, input.byteCount)
                merged.eventCount = max(merged.eventCount, input.eventCount)
                inputs[g] = merged
            } else {
                index[input.sha256] = inputs.count
                group[i] = inputs.count
                inputs.append(input)
            }
        }
        return MergedInputs(group: group, inputs: inputs)
    }

    static func minOptional(_ a: String?, _ b: String?) -> String? {
        guard let b else { return a }
        guard let a else { return b }
        return b < a ? b : a
    }
}

/// The candidates for one reference of each group (a video's author, a comment's parent…): usually
/// one. `pick` resolves them to the smallest canonical row, so the choice depends on content only.
struct ReferenceCandidates {
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
