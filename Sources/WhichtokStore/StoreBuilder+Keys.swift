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
    }

    /// Hashtags by name, then TikTok id.
    struct HashtagOrderKey: Comparable {
        var name: RowID
        var tiktokID: UInt64
        static func < (a: Self, b: Self) -> Bool { (a.name, a.tiktokID) < (b.name, b.tiktokID) }
    }

    /// Sounds by TikTok id, then title.
    struct SoundOrderKey: Comparable {
        var tiktokID: UInt64
        var title: RowID
        static func < (a: Self, b: Self) -> Bool { (a.tiktokID, a.title) < (b.tiktokID, b.title) }
    }

    /// Videos by TikTok id, then author and creation time (for own posts known without an id).
    struct VideoOrderKey: Comparable {
        var tiktokID: UInt64
        var author: RowID
        var created: UInt32
        static func < (a: Self, b: Self) -> Bool {
            (a.tiktokID, a.author, a.created) < (b.tiktokID, b.author, b.created)
        }
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
