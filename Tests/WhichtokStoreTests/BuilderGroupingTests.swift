import Testing
import WhichtokTestSupport

@testable import WhichtokStore

/// The builder's sort-based grouping (string table, comment content keys, account usernames)
/// against the dictionary-based code it replaced, written out here as the reference: the same
/// groups, the same spellings, the same order, on inputs full of collisions and equivalent text.
@Suite("Builder grouping: sort-based grouping agrees with the dictionaries it replaced")
struct BuilderGroupingTests {
    /// A seeded generator (SplitMix64) for the test's random inputs.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// Strings that sort and group in tricky ways: canonically equivalent spellings (composed,
    /// decomposed, the ASCII singletons KELVIN SIGN, GREEK QUESTION MARK and VARIA), byte prefixes
    /// of each other, NUL bytes, an empty string, and long shared prefixes (past the 8-byte key).
    static let pieces = [
        "", "K", "\u{212A}", ";", "\u{37E}", "`", "\u{1FEF}", "\u{E9}", "e\u{301}", "e", "a\u{30A}", "\u{E5}",
        "\u{212B}", "\u{0}", "z", "\u{1F600}", "longsharedprefix", "\u{0}\u{0}", "Z", "\u{2126}", "\u{3A9}",
    ]

    static func randomStrings(_ random: inout Random, count: Int) -> [String] {
        (0..<count).map { _ in
            (0..<random.below(4)).map { _ in pieces[random.below(pieces.count)] }.joined()
        }
    }

    /// The string table as the builder made it before: one spelling per `==` group (the smallest
    /// bytes) by dictionary, sorted by bytes, and each string's row by dictionary.
    static func reference(_ strings: [String]) -> (table: [String], rows: [RowID]) {
        var spelling: [String: String] = [:]
        for text in strings {
            if let kept = spelling[text], !text.precedesInBytes(kept) { continue }
            spelling[text] = text
        }
        let sorted = spelling.values.sorted { $0.precedesInBytes($1) }
        var rowOf: [String: RowID] = [:]
        for (i, text) in sorted.enumerated() { rowOf[text] = RowID(i) }
        return (sorted, strings.map { rowOf[$0] ?? .none })
    }

    @Test("the string table: one spelling per equivalent group, byte order, every string's row")
    func sortedSpellingsMatchReference() {
        var random = Random(state: 11)
        for round in 0..<300 {
            let strings = Self.randomStrings(&random, count: round % 7 == 0 ? 200 : random.below(40))
            let spellings = SortedSpellings(strings)
            let expected = Self.reference(strings)
            #expect(spellings.table.all == expected.table)
            #expect(spellings.table.all.map { Array($0.utf8) } == expected.table.map { Array($0.utf8) })
            #expect(spellings.row == expected.rows)
        }
    }

    @Test("KELVIN SIGN, GREEK QUESTION MARK and VARIA are the only scalars equal to an ASCII string")
    func asciiSingletonsAreComplete() {
        var ascii: [String: UInt8] = [:]
        for byte in UInt8(0)..<0x80 { ascii[String(UnicodeScalar(byte))] = byte }
        var found: [UInt32] = []
        for value in UInt32(0x80)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value), ascii[String(scalar)] != nil else { continue }
            found.append(value)
            #expect(SortedSpellings.asciiSingletons.first { $0.0 == value }?.1 == ascii[String(scalar)])
        }
        #expect(found == SortedSpellings.asciiSingletons.map(\.0))
    }

    @Test("canonical order: keys sorted with their groups, equal keys in group order, as a stable sort gives")
    func orderKeepsGroupOrderOnTies() {
        var random = Random(state: 9)
        for _ in 0..<100 {
            let keys = (0..<random.below(200)).map { _ in
                StoreBuilder.VideoOrderKey(
                    tiktokID: UInt64(random.below(3)), author: RowID(random.below(3)), created: UInt32(random.below(2)))
            }
            let expected = Array(keys.indices).sorted { keys[$0] < keys[$1] || (!(keys[$1] < keys[$0]) && $0 < $1) }
            #expect(StoreBuilder.order(count: keys.count) { keys[$0] } == expected)
        }
    }

    @Test("packed order keys sort like the keys, field by field, ties in group order")
    func packedKeysSortLikeKeys() {
        var random = Random(state: 13)
        let rows: [RowID] = [0, 1, 2, .none]
        let ids: [UInt64] = [0, 1, 1 << 32, .max]
        for _ in 0..<100 {
            let n = random.below(150)
            func row() -> RowID { rows[random.below(rows.count)] }
            func id() -> UInt64 { ids[random.below(ids.count)] }
            let accounts = (0..<n).map { _ in
                StoreBuilder.AccountOrderKey(username: row(), numericID: id(), secUID: row(), donorKey: row())
            }
            #expect(
                StoreBuilder.order(count: n) { accounts[$0].packed } == StoreBuilder.order(count: n) { accounts[$0] })
            let hashtags = (0..<n).map { _ in StoreBuilder.HashtagOrderKey(name: row(), tiktokID: id()) }
            #expect(
                StoreBuilder.order(count: n) { hashtags[$0].packed } == StoreBuilder.order(count: n) { hashtags[$0] })
            let sounds = (0..<n).map { _ in StoreBuilder.SoundOrderKey(tiktokID: id(), title: row()) }
            #expect(StoreBuilder.order(count: n) { sounds[$0].packed } == StoreBuilder.order(count: n) { sounds[$0] })
            let videos = (0..<n).map { _ in
                StoreBuilder.VideoOrderKey(tiktokID: id(), author: row(), created: UInt32(truncatingIfNeeded: id()))
            }
            #expect(StoreBuilder.order(count: n) { videos[$0].packed } == StoreBuilder.order(count: n) { videos[$0] })
            let comments = (0..<n).map { _ in
                StoreBuilder.CommentOrderKey(
                    tiktokID: id(), author: row(), time: UInt32(truncatingIfNeeded: id() >> 32), fingerprint: id())
            }
            #expect(
                StoreBuilder.order(count: n) { comments[$0].packed } == StoreBuilder.order(count: n) { comments[$0] })
            let values = (0..<n).map { _ in id() }
            #expect(
                StoreBuilder.order(count: n) { PackedKey(values[$0]) } == StoreBuilder.order(count: n) { values[$0] })
        }
    }

    @Test("text keys: numbered as a dictionary numbers them, equivalent spellings one number")
    func stringNumberingMatchesDictionary() {
        var random = Random(state: 17)
        for round in 0..<100 {
            // Many equal and equivalent strings; enough distinct ones to grow the table.
            let strings =
                Self.randomStrings(&random, count: random.below(300))
                + (round % 10 == 0 ? (0..<2000).map { "user\($0 % 1500)" } : [])
            var numbering = StringNumbering()
            var reference: [String: Int32] = [:]
            for text in strings {
                let expected = reference[text]
                if expected == nil { reference[text] = Int32(reference.count) }
                let (number, isNew) = numbering.number(text)
                #expect(number == expected ?? Int32(reference.count - 1))
                #expect(isNew == (expected == nil))
            }
            #expect(numbering.count == reference.count)
            // The shared keys of text, as the generic (dictionary) version finds them.
            let optional = strings.map { $0.isEmpty ? nil : $0 }
            let text = StoreBuilder.sharedWeakKeys(count: optional.count, text: { optional[$0] })
            let hashed = StoreBuilder.sharedWeakKeys(count: optional.count, weak: { optional[$0] })
            #expect(text.start == hashed.start)
            #expect(text.members == hashed.members)
        }
    }

    @Test("comment content keys: the same shared groups and order as hashing them")
    func commentKeysMatchDictionary() {
        var random = Random(state: 3)
        for round in 0..<50 {
            var builder = StoreBuilder()
            let accounts = 1 + random.below(4)
            let accountGroup = (0..<accounts).map { _ in random.below(3) }
            for _ in 0..<(round == 0 ? 0 : random.below(300)) {
                // Few distinct values per field: many equal keys, and keys equal in all but one field.
                builder.commentObservations.append(
                    StoreBuilder.CommentObservation(
                        tiktokID: 0, author: Int32(random.below(accounts + 1)) - 1, video: -1, parent: -1,
                        time: UInt32(random.below(3)), fingerprint: UInt64(random.below(3)) << 40))
            }
            let comments = builder.commentObservations
            let hashed = StoreBuilder.sharedWeakKeys(count: comments.count) { i -> StoreBuilder.CommentContentKey? in
                let comment = comments[i]
                guard comment.author >= 0, comment.time != 0, comment.fingerprint != 0 else { return nil }
                return StoreBuilder.CommentContentKey(
                    authorGroup: accountGroup[Int(comment.author)], time: comment.time,
                    fingerprint: comment.fingerprint)
            }
            let sorted = builder.sharedCommentKeys(accountGroup: accountGroup)
            #expect(sorted.start == hashed.start)
            #expect(sorted.members == hashed.members)
        }
    }

    @Test("account usernames: equivalent spellings are one name, the current one and the aliases as before")
    func accountHistoryMatchesDictionary() {
        var random = Random(state: 5)
        let names = ["jos\u{E9}", "jose\u{301}", "jose", "k", "\u{212A}", "ana", "b\u{E5}", "ba\u{30A}"]
        for _ in 0..<200 {
            var builder = StoreBuilder()
            let count = random.below(30)
            for _ in 0..<count {
                builder.accountObservations.append(
                    ImportBatch.Account(
                        username: random.below(5) == 0 ? nil : names[random.below(names.count)],
                        usernameSeen: UInt32(random.below(3))))
            }
            let roots = (0..<count).map { i in Int32(random.below(i + 1)) }
            let groups = IdentityGroups(roots: roots)
            let attributes = builder.accountAttributes(of: groups)
            // The reference: a dictionary of names per group, as before.
            var usernames = [[String: UInt32]](repeating: [:], count: groups.count)
            for (i, account) in builder.accountObservations.enumerated() {
                let g = groups.group[i]
                if let name = account.username {
                    usernames[g][name] = max(usernames[g][name] ?? 0, account.usernameSeen)
                }
            }
            for g in 0..<groups.count {
                var expected: [(name: String, seen: UInt32)] = []
                let names = usernames[g]
                if !names.isEmpty {
                    let latest = names.values.max() ?? 0
                    var current: String?
                    for (name, seen) in names
                    where seen == latest && (current.map { name.precedesInBytes($0) } ?? true) {
                        current = name
                    }
                    if let current {
                        let aliases = names.filter { $0.key != current }.map { (name: $0.key, seen: $0.value) }
                            .sorted { $0.seen != $1.seen ? $0.seen < $1.seen : $0.name.precedesInBytes($1.name) }
                        expected = [(current, latest)] + aliases
                    }
                }
                let range = attributes.history(g)
                #expect(range.map { Array(attributes.historyName[$0].utf8) } == expected.map { Array($0.name.utf8) })
                #expect(range.map { attributes.historySeen[$0] } == expected.map(\.seen))
            }
        }
    }
}
