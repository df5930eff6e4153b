// A partial store holds each entity its inputs have once; a build from partial stores (the last
// level of an import, a merge) holds each entity once per partial store that has it, and most of
// them are the same in every one (the popular videos, the accounts many donors follow). A row that
// would tell `build()` nothing new is not observed again: every attribute the build picks is the
// smallest, the latest or a union of the group's observations, so such a row adds nothing to any
// of them, and being in one group already it joins nothing. References to it (rows, comments,
// counters, events) point at the earlier observation.
extension StoreBuilder {
    /// Adds an account's sighting from a store, unless an earlier store's sighting is the same
    /// in every field (strings byte for byte) and has a key that makes it an account (a numeric
    /// id, secUID, donor key or username: two sightings with none are two accounts); returns the
    /// index of the observation.
    mutating func addAccountObservation(fromStore account: ImportBatch.Account) -> Int32 {
        let key = Self.repeatKey(of: account)
        if let key, repeatableAccounts.count > 0, let seen = repeatableAccounts[key],
            Self.sameSighting(accountObservations[Int(seen)], account)
        {
            return Int32(seen)
        }
        accountObservations.append(account)
        let index = accountObservations.count - 1
        if let key { _ = repeatableAccounts.insertIfAbsent(key, UInt32(index)) }
        return Int32(index)
    }

    /// What `repeatableAccounts` finds a sighting by: a hash of its keys; nil when it has none.
    static func repeatKey(of account: ImportBatch.Account) -> UInt64? {
        guard account.numericID != nil || account.secUID != nil || account.donorKey != nil || account.username != nil
        else { return nil }
        // Two sightings of one account mostly share a username, one per account: its hash with the
        // numeric id is enough to find the sighting to compare with.
        var hash = IDMap.mix(account.numericID ?? 0)
        for text in [account.username, account.secUID, account.donorKey] {
            var text = text ?? ""
            hash = IDMap.mix(hash ^ text.withUTF8 { XXH64.hash(UnsafeRawBufferPointer($0)) })
        }
        return hash
    }

    /// Whether two account sightings are the same in every field, strings byte for byte.
    static func sameSighting(_ a: ImportBatch.Account, _ b: ImportBatch.Account) -> Bool {
        a.numericID == b.numericID && a.flags == b.flags && a.usernameSeen == b.usernameSeen
            && a.followerCount == b.followerCount && a.followingCount == b.followingCount
            && a.countsObserved == b.countsObserved && a.countsExact == b.countsExact
            && a.otherUsernames.isEmpty && b.otherUsernames.isEmpty && sameBytes(a.username, b.username)
            && sameBytes(a.secUID, b.secUID) && sameBytes(a.nickname, b.nickname) && sameBytes(a.donorKey, b.donorKey)
    }

    /// The observation index of each video row of `store`, about to be added on `base`: a row that
    /// would tell `build()` nothing new is the observation already made of it (see `repeats`);
    /// the others are new observations, numbered from `base.video` in row order, and `isNew` says
    /// which.
    ///
    /// Videos with hashtags, mentions or a source video are always new observations (few videos
    /// have them, and their lists would have to be compared through the groups of other tables).
    func videoObservationIndices(
        of store: Store, base: Bases, string: (RowID) -> String?
    ) -> (indices: [Int32], isNew: [Bool]) {
        let videos = store.videos
        var indices = [Int32](repeating: -1, count: videos.count)
        var isNew = [Bool](repeating: true, count: videos.count)
        var next = Int32(truncatingIfNeeded: base.video)
        for row in 0..<videos.count {
            if repeatableVideos.count > 0, let seen = repeatableVideos[videos.tiktokID[row]],
                repeats(Int(seen), row: row, of: store, base: base, string: string)
            {
                indices[row] = Int32(seen)
                isNew[row] = false
            } else {
                indices[row] = next
                next += 1
            }
        }
        return (indices, isNew)
    }

    /// Notes video observation `index` as one a later store's video can repeat, when it has an id
    /// and no lists or source (the first such observation of an id is the one repeated).
    mutating func noteRepeatableVideo(_ index: Int) {
        let video = videoObservations[index]
        guard video.tiktokID != 0, video.links == .max, video.derivedFrom < 0 else { return }
        _ = repeatableVideos.insertIfAbsent(video.tiktokID, UInt32(index))
    }

    /// Whether video `row` of `store` says nothing that video observation `index` does not: the
    /// same id, times and caption (byte for byte), no lists or source, and an author and sound
    /// whose observations are certain to be the same entities (see `sameAccount`, `sameSound`).
    private func repeats(_ index: Int, row: Int, of store: Store, base: Bases, string: (RowID) -> String?) -> Bool {
        let videos = store.videos
        let seen = videoObservations[index]
        let id = videos.tiktokID[row]
        guard seen.tiktokID == id, id != 0, seen.links == .max, seen.derivedFrom < 0,
            seen.created == videos.created[row]
        else { return false }
        let stated = UInt64(videos.created[row]) != id >> 32 ? videos.created[row] : 0
        guard seen.createTime == stated, videos.hashtags(of: RowID(row)).isEmpty,
            videos.mentions(of: RowID(row)).isEmpty, videos.derivedFrom(RowID(row)) == .none
        else { return false }
        let caption = string(videos.caption[row])
        if seen.caption >= 0 {
            guard let caption, Self.sameBytes(videoCaptions[Int(seen.caption)], caption) else { return false }
        } else if caption != nil {
            return false
        }
        let sameAuthor = Self.same(seen.author, videos.author[row], rows: store.accounts.count) {
            sameAccount($0, row: $1, of: store, string: string)
        }
        guard sameAuthor else { return false }
        return Self.same(seen.sound, videos.sound[row], rows: store.sounds.count) {
            sameSound($0, row: $1, of: store, string: string)
        }
    }

    /// Whether observation `seen` (-1 for none) and row `row` of a table of `rows` rows (`.none`
    /// for none) are both none, or `same` says they are one entity.
    private static func same(_ seen: Int32, _ row: RowID, rows: Int, _ same: (Int, Int) -> Bool) -> Bool {
        guard seen >= 0 else { return row == .none }
        return row != .none && Int(row) < rows && same(Int(seen), Int(row))
    }

    /// Whether account observation `index` and account `row` of `store` are certain to be one
    /// account: the same numeric id, secUID, donor key and username, byte for byte, and at least
    /// one of them. Equal strong keys join; with none, the same username puts both in the group
    /// of that username (`resolve`: id-less observations of a username all go to one group).
    private func sameAccount(_ index: Int, row: Int, of store: Store, string: (RowID) -> String?) -> Bool {
        let seen = accountObservations[index]
        let accounts = store.accounts
        let id = accounts.numericID[row]
        guard seen.numericID == (id == 0 ? nil : id) else { return false }
        let secUID = string(accounts.secUID[row])
        let donorKey = string(accounts.donorKey[row])
        let username = string(accounts.username[row])
        guard id != 0 || secUID != nil || donorKey != nil || username != nil else { return false }
        return Self.sameBytes(seen.secUID, secUID) && Self.sameBytes(seen.donorKey, donorKey)
            && Self.sameBytes(seen.username, username)
    }

    /// Whether sound observation `index` and sound `row` of `store` are certain to be one sound:
    /// the same id and title, byte for byte, and at least one of them.
    private func sameSound(_ index: Int, row: Int, of store: Store, string: (RowID) -> String?) -> Bool {
        let seen = soundObservations[index]
        let id = store.sounds.tiktokID[row]
        let title = string(store.sounds.title[row])
        guard id != 0 || title != nil else { return false }
        return seen.tiktokID == (id == 0 ? nil : id) && Self.sameBytes(seen.title, title)
    }

    /// Equal as bytes: `==` on strings is canonical equivalence, and two spellings of one text
    /// can both be kept (the first seen of an account's usernames, the smallest caption).
    static func sameBytes(_ a: String?, _ b: String?) -> Bool {
        switch (a, b) {
        case (nil, nil): true
        case (let a?, let b?): a.utf8.elementsEqual(b.utf8)
        default: false
        }
    }

    /// `event` of a store, on observation indices, with its account rows (actor and object) and
    /// video rows (object and detail) on the observation indices `accountIndex` and `videoIndex`
    /// give them rather than `base.account` and `base.video` onwards.
    @inline(__always)
    static func shifted(
        _ event: EventColumns.Event, base: Bases, accountIndex: [Int32], videoIndex: [Int32]
    ) -> EventColumns.Event {
        var shifted = base.shifted(event)
        if Int(event.actor) < accountIndex.count { shifted.actor = UInt32(bitPattern: accountIndex[Int(event.actor)]) }
        if event.objectType == ObjectType.video.rawValue, Int(event.object) < videoIndex.count {
            shifted.object = UInt32(bitPattern: videoIndex[Int(event.object)])
        } else if event.objectType == ObjectType.account.rawValue, Int(event.object) < accountIndex.count {
            shifted.object = UInt32(bitPattern: accountIndex[Int(event.object)])
        }
        let kind = event.kind
        let detail = event.detail
        let namesVideo =
            kind == EventKind.messaged.rawValue
            ? detail & EventDetail.fingerprintBit == 0
            : (kind == EventKind.duetted.rawValue || kind == EventKind.stitched.rawValue) && detail != .none
        if namesVideo, Int(detail) < videoIndex.count { shifted.detail = UInt32(bitPattern: videoIndex[Int(detail)]) }
        return shifted
    }
}
