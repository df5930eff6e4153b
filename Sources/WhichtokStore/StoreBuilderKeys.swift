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
