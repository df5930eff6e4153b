extension StoreBuilder {
    // The content keys that put each table's groups in canonical order (see `CanonicalOrders`).
    // String fields are rows of the new string table, which is sorted, so they compare like the
    // strings; reference fields are canonical rows of the table they point at.

    /// Accounts by current username, then numeric id, secUID and donor key.
    struct AccountOrderKey: Comparable {
        var username: RowID
        var numericID: UInt64
        var secUID: RowID
        var donorKey: RowID
        static func < (a: Self, b: Self) -> Bool {
            (a.username, a.numericID, a.secUID, a.donorKey) < (b.username, b.numericID, b.secUID, b.donorKey)
        }
        var packed: PackedKey { PackedKey(UInt64(username), numericID, UInt64(secUID), UInt64(donorKey)) }
    }

    /// Hashtags by name, then TikTok id.
    struct HashtagOrderKey: Comparable {
        var name: RowID
        var tiktokID: UInt64
        static func < (a: Self, b: Self) -> Bool { (a.name, a.tiktokID) < (b.name, b.tiktokID) }
        var packed: PackedKey { PackedKey(UInt64(name), tiktokID) }
    }

    /// Sounds by TikTok id, then title.
    struct SoundOrderKey: Comparable {
        var tiktokID: UInt64
        var title: RowID
        static func < (a: Self, b: Self) -> Bool { (a.tiktokID, a.title) < (b.tiktokID, b.title) }
        var packed: PackedKey { PackedKey(tiktokID, UInt64(title)) }
    }

    /// Videos by TikTok id, then author and creation time (for own posts known without an id).
    struct VideoOrderKey: Comparable {
        var tiktokID: UInt64
        var author: RowID
        var created: UInt32
        static func < (a: Self, b: Self) -> Bool {
            (a.tiktokID, a.author, a.created) < (b.tiktokID, b.author, b.created)
        }
        var packed: PackedKey { PackedKey(tiktokID, UInt64(author), UInt64(created)) }
    }

    /// Comments by TikTok id, then author, time and text fingerprint (for comments without an id).
    struct CommentOrderKey: Comparable {
        var tiktokID: UInt64
        var author: RowID
        var time: UInt32
        var fingerprint: UInt64
        static func < (a: Self, b: Self) -> Bool {
            (a.tiktokID, a.author, a.time, a.fingerprint) < (b.tiktokID, b.author, b.time, b.fingerprint)
        }
        var packed: PackedKey { PackedKey(tiktokID, UInt64(author), UInt64(time), fingerprint) }
    }

    /// Inputs by the SHA-256 of their bytes.
    struct InputOrderKey: Comparable {
        var sha256: [UInt8]
        static func < (a: Self, b: Self) -> Bool { a.sha256.lexicographicallyPrecedes(b.sha256) }
    }

    /// What identifies a comment without a TikTok id: its author's account group, its time and
    /// its text fingerprint (the weak key of `resolveComments`).
    struct CommentContentKey: Comparable, Hashable {
        var authorGroup: Int
        var time: UInt32
        var fingerprint: UInt64
        static func < (a: Self, b: Self) -> Bool {
            (a.authorGroup, a.time, a.fingerprint) < (b.authorGroup, b.time, b.fingerprint)
        }
    }
}

/// An order key as up to four words, each field widened to 64 bits, that compare in the order of
/// the key's fields: `PackedKey` order is the key's order.
struct PackedKey {
    var w0: UInt64
    var w1: UInt64 = 0
    var w2: UInt64 = 0
    var w3: UInt64 = 0

    init(_ w0: UInt64, _ w1: UInt64 = 0, _ w2: UInt64 = 0, _ w3: UInt64 = 0) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }
}
