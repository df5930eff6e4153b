extension Store {
    /// Checks that parallel columns have equal lengths and every reference points inside its table,
    /// so that a crafted or damaged file can never make later code index out of range.
    /// Returns a description of the first problem, or nil.
    public func consistencyProblem() -> String? {
        guard strings.isWellFormed() else { return "string offsets are not monotone" }
        let s = RowID(strings.count)
        func refs(_ column: [RowID], _ limit: RowID, _ name: String, allowNone: Bool = true) -> String? {
            for value in column where !(value < limit || (allowNone && value == .none)) {
                return "\(name) refers to row \(value) of \(limit)"
            }
            return nil
        }
        /// A sparse row column: ascending, no repeats, inside its table.
        func sparse(_ rows: [RowID], _ limit: RowID, _ name: String) -> String? {
            for (i, row) in rows.enumerated() where row >= limit || (i > 0 && row <= rows[i - 1]) {
                return "\(name) is not ascending inside its table"
            }
            return nil
        }
        func csr(_ offsets: [UInt32], rows: Int, values: Int, _ name: String) -> String? {
            guard offsets.count == rows + 1, offsets.first == 0, Int(offsets.last ?? 0) == values else {
                return "\(name) offsets do not match"
            }
            for i in 1..<offsets.count where offsets[i] < offsets[i - 1] { return "\(name) offsets are not monotone" }
            return nil
        }
        let a = accounts
        guard
            [
                a.numericID.count, a.secUID.count, a.nickname.count, a.donorKey.count, a.flags.count,
                a.usernameSeen.count, a.followerCount.count, a.followingCount.count, a.countsObserved.count,
            ]
            .allSatisfy({ $0 == a.count }), a.aliasSeen.count == a.aliases.count
        else { return "account columns differ in length" }
        let v = videos
        guard [v.author.count, v.created.count, v.caption.count, v.sound.count].allSatisfy({ $0 == v.count }),
            v.derivedSources.count == v.derivedRows.count, v.derivedKinds.count == v.derivedRows.count
        else { return "video columns differ in length" }
        for value in v.derivedKinds where VideoDerivation(rawValue: value) == nil || value == 0 {
            return "videos.derivedKinds has value \(value)"
        }
        let st = videoStats
        guard
            [
                st.observed.count, st.plays.count, st.likes.count, st.comments.count, st.shares.count,
                st.saves.count, st.reposts.count, st.flags.count,
            ].allSatisfy({ $0 == st.count })
        else { return "video stats columns differ in length" }
        for i in 1..<max(st.count, 1) where st.video[i] < st.video[i - 1] {
            return "videoStats rows are not sorted by video"
        }
        guard hashtags.tiktokID.count == hashtags.count, sounds.title.count == sounds.count else {
            return "hashtag or sound columns differ in length"
        }
        let c = comments
        guard
            [c.author.count, c.video.count, c.parent.count, c.time.count, c.fingerprint.count]
                .allSatisfy({ $0 == c.count }), c.replyTargets.count == c.replyRows.count
        else { return "comment columns differ in length" }
        let e = events
        guard
            [e.kind.count, e.objectType.count, e.object.count, e.time.count, e.source.count]
                .allSatisfy({ $0 == e.count }), e.detailIndex.count == e.detailValue.count
        else { return "event columns differ in length" }
        for (position, index) in e.detailIndex.enumerated() {
            guard Int(index) < e.count, position == 0 || e.detailIndex[position - 1] < index else {
                return "event details are out of order"
            }
        }
        let details = e.denseDetails
        let i = inputs
        guard i.sha256.count == i.count * 32, i.layout.count == i.count, i.byteCount.count == i.count,
            i.eventCount.count == i.count
        else { return "input columns differ in length" }
        let checks: [String?] = [
            refs(a.username, s, "accounts.username"), refs(a.secUID, s, "accounts.secUID"),
            refs(a.nickname, s, "accounts.nickname"), refs(a.donorKey, s, "accounts.donorKey"),
            csr(a.aliasOffsets, rows: a.count, values: a.aliases.count, "accounts.aliases"),
            refs(a.aliases, s, "accounts.aliases", allowNone: false),
            refs(v.author, RowID(a.count), "videos.author"), refs(v.caption, s, "videos.caption"),
            refs(v.sound, RowID(sounds.count), "videos.sound"),
            csr(v.hashtagOffsets, rows: v.count, values: v.hashtags.count, "videos.hashtags"),
            refs(v.hashtags, RowID(hashtags.count), "videos.hashtags", allowNone: false),
            csr(v.mentionOffsets, rows: v.count, values: v.mentions.count, "videos.mentions"),
            refs(v.mentions, RowID(a.count), "videos.mentions", allowNone: false),
            refs(hashtags.name, s, "hashtags.name"), refs(sounds.title, s, "sounds.title"),
            refs(c.author, RowID(a.count), "comments.author"), refs(c.video, RowID(v.count), "comments.video"),
            refs(c.parent, RowID(c.count), "comments.parent"),
            sparse(c.replyRows, RowID(c.count), "comments.replyRows"),
            refs(c.replyTargets, RowID(c.count), "comments.replyTargets", allowNone: false),
            sparse(v.derivedRows, RowID(v.count), "videos.derivedRows"),
            refs(v.derivedSources, RowID(v.count), "videos.derivedSources", allowNone: false),
            refs(st.video, RowID(v.count), "videoStats.video", allowNone: false),
            refs(e.actor, RowID(a.count), "events.actor", allowNone: false),
            refs(e.source, RowID(i.count), "events.source", allowNone: false),
            refs(i.name, s, "inputs.name"), refs(i.layout, s, "inputs.layout"),
        ]
        if let problem = checks.compactMap({ $0 }).first { return problem }
        let limits: [RowID] = [
            RowID(a.count), RowID(v.count), RowID(hashtags.count), RowID(sounds.count), RowID(c.count),
            RowID(conversations.count), RowID(effects.count), s, s,
        ]
        for index in 0..<e.count {
            guard e.kind[index] < EventKind.allCases.count else {
                return "event \(index) has unknown kind \(e.kind[index])"
            }
            let type = Int(e.objectType[index])
            guard type < limits.count else { return "event \(index) has unknown object type \(type)" }
            guard e.object[index] < limits[type] else { return "event \(index) refers to a missing object" }
            if e.kind[index] == EventKind.shared.rawValue, details[index] != 0, details[index] - 1 >= s {
                return "event \(index) refers to a missing share method"
            }
            if e.kind[index] == EventKind.messaged.rawValue, details[index] & EventDetail.fingerprintBit == 0,
                details[index] >= RowID(v.count)
            {
                return "event \(index) refers to a missing video"
            }
            if e.kind[index] == EventKind.duetted.rawValue || e.kind[index] == EventKind.stitched.rawValue,
                details[index] != .none, details[index] >= RowID(v.count)
            {
                return "event \(index) refers to a missing video"
            }
        }
        return nil
    }
}
