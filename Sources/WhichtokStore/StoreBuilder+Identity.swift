extension StoreBuilder {

    /// Observations → union-find roots. Strong keys always join: a TikTok id (`strongID`) and any
    /// of `strongTexts` (each its own kind of key: secUID, donor key). A `weak` key (username,
    /// name, title) joins unless that would put two different `exclusiveID`s in one group; weak
    /// keys are applied in their sorted order, so the result never depends on observation order.
    ///
    /// No per-observation arrays and no dictionary of member lists: with those, comments (one
    /// weak key each) were most of a HAR import's merge.
    func resolve<Weak: Hashable & Comparable>(
        count: Int, strongID: (Int) -> UInt64?, strongTexts: [(Int) -> String?] = [],
        weak: (Int) -> Weak?, exclusiveID: (Int) -> UInt64?
    ) -> [Int32] {
        resolve(
            count: count, strongID: strongID, strongTexts: strongTexts,
            shared: Self.sharedWeakKeys(count: count, weak: weak), exclusiveID: exclusiveID)
    }

    /// `resolve` for text weak keys (usernames, names, titles): numbered by `StringNumbering`.
    func resolve(
        count: Int, strongID: (Int) -> UInt64?, strongTexts: [(Int) -> String?] = [],
        weak: (Int) -> String?, exclusiveID: (Int) -> UInt64?
    ) -> [Int32] {
        resolve(
            count: count, strongID: strongID, strongTexts: strongTexts,
            shared: Self.sharedWeakKeys(count: count, text: weak), exclusiveID: exclusiveID)
    }

    /// The weak keys that several observations share, in ascending key order, each with its
    /// members in index order: key `k`'s members are `members[start[k] ..< start[k + 1]]`.
    struct SharedKeys {
        var start: [Int32] = [0]
        var members: [Int32] = []
        var count: Int { start.count - 1 }
    }

    /// `sharedWeakKeys` for text: numbered by `StringNumbering` (the same numbers a dictionary
    /// gives, first appearance first), the first spelling of each kept for the sort by `<`.
    static func sharedWeakKeys(count: Int, text weak: (Int) -> String?) -> SharedKeys {
        var numbering = StringNumbering()
        var weakKeys: [String] = []
        return sharedWeakKeys(count: count) { i -> Int32? in
            guard let text = weak(i) else { return nil }
            let (number, isNew) = numbering.number(text)
            if isNew { weakKeys.append(text) }
            return number
        } less: { a, b in
            weakKeys[Int(a)] < weakKeys[Int(b)]
        }
    }

    /// Weak keys numbered in order of first appearance (a dictionary: `==` is what joins, for
    /// strings canonical equivalence), then the shared ones sorted by `<`.
    static func sharedWeakKeys<Weak: Hashable & Comparable>(count: Int, weak: (Int) -> Weak?) -> SharedKeys {
        var weakNumber: [Weak: Int32] = [:]
        weakNumber.reserveCapacity(count)
        var weakKeys: [Weak] = []
        return sharedWeakKeys(count: count) { i -> Int32? in
            guard let name = weak(i) else { return nil }
            if let k = weakNumber[name] { return k }
            weakNumber[name] = Int32(weakKeys.count)
            weakKeys.append(name)
            return Int32(weakKeys.count - 1)
        } less: { a, b in
            weakKeys[Int(a)] < weakKeys[Int(b)]
        }
    }

    /// The shared keys from each observation's key `number` (dense, in order of first appearance;
    /// nil for none) and the order of keys (`less`).
    static func sharedWeakKeys(
        count: Int, number: (Int) -> Int32?, less: (Int32, Int32) -> Bool
    ) -> SharedKeys {
        var weakOf = [Int32](repeating: -1, count: count)
        var memberCount: [Int32] = []
        for i in 0..<count {
            guard let k = number(i) else { continue }
            weakOf[i] = k
            if Int(k) < memberCount.count { memberCount[Int(k)] += 1 } else { memberCount.append(1) }
        }
        // A key with one member joins nothing: only keys shared by several observations matter.
        var shared = (0..<memberCount.count).filter { memberCount[$0] > 1 }
        var result = SharedKeys()
        guard !shared.isEmpty else { return result }
        shared.sort { less(Int32($0), Int32($1)) }
        // Where each shared key's members go.
        var slot = [Int32](repeating: -1, count: memberCount.count)
        result.start.reserveCapacity(shared.count + 1)
        for k in shared {
            slot[k] = result.start[result.start.count - 1]
            result.start.append(slot[k] + memberCount[k])
        }
        result.members = [Int32](repeating: 0, count: Int(result.start[shared.count]))
        for i in 0..<count where weakOf[i] >= 0 && slot[Int(weakOf[i])] >= 0 {
            let k = Int(weakOf[i])
            result.members[Int(slot[k])] = Int32(i)
            slot[k] += 1
        }
        return result
    }

    /// `resolve` with the shared weak keys already found.
    func resolve(
        count: Int, strongID: (Int) -> UInt64?, strongTexts: [(Int) -> String?] = [], shared: SharedKeys,
        exclusiveID: (Int) -> UInt64?
    ) -> [Int32] {
        var sets = UnionFind(count: count)
        var firstWithID = IDMap()
        // Per kind of text key: the number of each text, and the first observation with it.
        var textNumbers = [StringNumbering](repeating: StringNumbering(), count: strongTexts.count)
        var firstWithText = [[Int32]](repeating: [], count: strongTexts.count)
        for i in 0..<count {
            if let id = strongID(i) {
                if let j = firstWithID.insertIfAbsent(id, UInt32(i)) { sets.union(Int32(i), Int32(j)) }
            }
            for (kind, text) in strongTexts.enumerated() {
                guard let text = text(i) else { continue }
                let (number, isNew) = textNumbers[kind].number(text)
                if isNew {
                    firstWithText[kind].append(Int32(i))
                } else {
                    sets.union(Int32(i), firstWithText[kind][Int(number)])
                }
            }
        }
        guard shared.count > 0 else { return (0..<count).map { sets.find(Int32($0)) } }
        // The exclusive id of each root (at most one, by construction).
        var rootID = [UInt64?](repeating: nil, count: count)
        for i in 0..<count { if let id = exclusiveID(i) { rootID[Int(sets.find(Int32(i)))] = id } }
        var idRoots: [(id: UInt64, root: Int32)] = []
        var plainRoots: [Int32] = []
        for k in 0..<shared.count {
            idRoots.removeAll(keepingCapacity: true)
            plainRoots.removeAll(keepingCapacity: true)
            for member in shared.members[Int(shared.start[k])..<Int(shared.start[k + 1])] {
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

    func resolveHashtags() -> IdentityGroups {
        IdentityGroups(
            roots: resolve(
                count: hashtagObservations.count,
                strongID: { [hashtagObservations] i in hashtagObservations[i].tiktokID },
                weak: { [hashtagObservations] i in hashtagObservations[i].name },
                exclusiveID: { [hashtagObservations] i in hashtagObservations[i].tiktokID }))
    }

    func resolveSounds() -> IdentityGroups {
        IdentityGroups(
            roots: resolve(
                count: soundObservations.count,
                strongID: { [soundObservations] i in soundObservations[i].tiktokID },
                weak: { [soundObservations] i in soundObservations[i].title },
                exclusiveID: { [soundObservations] i in soundObservations[i].tiktokID }))
    }

    func resolveAccounts() -> [Int32] {
        resolve(
            count: accountObservations.count,
            strongID: { [accountObservations] i in accountObservations[i].numericID },
            strongTexts: [
                { [accountObservations] i in accountObservations[i].secUID },
                { [accountObservations] i in accountObservations[i].donorKey },
            ],
            weak: { [accountObservations] i in accountObservations[i].username },
            exclusiveID: { [accountObservations] i in accountObservations[i].numericID })
    }

    func resolveVideos(accountGroup: [Int]) -> IdentityGroups {
        var sets = UnionFind(count: videoObservations.count)
        // The (author, time) keys of own posts known without an id: only videos with an id under
        // one of those keys can be joined by it, so only those go into `byAuthorTime` (in a store
        // made of stores, most builds have none, and the map cost a lookup per video).
        var ownPostKeys = IDMap()
        var ownPosts: [(index: Int, key: UInt64)] = []
        for i in videoObservations.indices where videoObservations[i].tiktokID == 0 {
            let author = videoObservations[i].author
            guard author >= 0 else { continue }
            let key = UInt64(accountGroup[Int(author)]) << 32 | UInt64(videoObservations[i].created)
            _ = ownPostKeys.insertIfAbsent(key, UInt32(i))
            ownPosts.append((i, key))
        }
        let joinsOwnPosts = ownPostKeys.count > 0
        // Sized for every observation up front, up to a few MiB: growing them step by step was a
        // visible part of building each input's record; a large build still grows past that, so
        // that duplicates do not cost memory.
        let capacity = min(videoObservations.count, 1 << 16)
        var byID = IDMap(capacity: capacity)
        var byAuthorTime = IDMap(capacity: min(ownPostKeys.count, capacity))  // of videos with an id and an author
        // Fields read by index: a copy of each observation (its caption and arrays retained and
        // released) cost more than the lookups.
        for i in videoObservations.indices {
            let id = videoObservations[i].tiktokID
            let author = videoObservations[i].author
            guard id != 0 else { continue }
            if let j = byID.insertIfAbsent(id, UInt32(i)) { sets.union(Int32(i), Int32(j)) }
            if joinsOwnPosts, author >= 0 {
                let key = UInt64(accountGroup[Int(author)]) << 32 | (id >> 32)
                if ownPostKeys[key] != nil { _ = byAuthorTime.insertIfAbsent(key, UInt32(i)) }
            }
        }
        // Own posts join the video with an id under their key, else the first own post with it.
        for (i, key) in ownPosts {
            if let j = byAuthorTime[key] ?? ownPostKeys[key], j != UInt32(i) { sets.union(Int32(i), Int32(j)) }
        }
        return IdentityGroups(roots: (0..<videoObservations.count).map { sets.find(Int32($0)) })
    }

    /// Comments: one TikTok id is one comment. Without an id (archives), a comment is known by its
    /// author, time and text fingerprint, and joins a comment with an id that has the same three;
    /// two different ids are never joined that way.
    func resolveComments(accountGroup: [Int]) -> IdentityGroups {
        IdentityGroups(
            roots: resolve(
                count: commentObservations.count,
                strongID: { [commentObservations] i in
                    commentObservations[i].tiktokID == 0 ? nil : commentObservations[i].tiktokID
                },
                shared: sharedCommentKeys(accountGroup: accountGroup),
                exclusiveID: { [commentObservations] i in
                    commentObservations[i].tiktokID == 0 ? nil : commentObservations[i].tiktokID
                }))
    }

    /// The content keys (`CommentContentKey`) several comments share, found by sorting (key, index)
    /// pairs: the same groups and order as `sharedWeakKeys`, without hashing every comment's key
    /// (SipHash over three fields was a visible part of building a HAR's record).
    func sharedCommentKeys(accountGroup: [Int]) -> SharedKeys {
        struct Entry {
            var key: CommentContentKey
            var index: Int32
        }
        var entries: [Entry] = []
        entries.reserveCapacity(commentObservations.count)
        for i in commentObservations.indices {
            let author = commentObservations[i].author
            let time = commentObservations[i].time
            let fingerprint = commentObservations[i].fingerprint
            guard author >= 0, time != 0, fingerprint != 0 else { continue }
            entries.append(
                Entry(
                    key: CommentContentKey(
                        authorGroup: accountGroup[Int(author)], time: time, fingerprint: fingerprint),
                    index: Int32(i)))
        }
        entries.sort { $0.key != $1.key ? $0.key < $1.key : $0.index < $1.index }
        var result = SharedKeys()
        var first = 0
        while first < entries.count {
            var next = first + 1
            while next < entries.count, entries[next].key == entries[first].key { next += 1 }
            if next - first > 1 {
                for entry in entries[first..<next] { result.members.append(entry.index) }
                result.start.append(Int32(result.members.count))
            }
            first = next
        }
        return result
    }
}

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

/// Which entity each observation of a table is: dense group numbers for union-find roots (or for
/// plain values such as effect ids).
struct IdentityGroups {
    /// The group of each observation.
    var group: [Int]
    /// How many groups (entities) there are.
    var count: Int
    /// The value of each group, for groups made `byValue`.
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
