import Testing
import WhichtokStore

/// Unwraps a value from a call `#require` cannot wrap (a mutating one, such as adding an account to
/// a batch), recording a test failure at the caller when it is nil.
public func must<T>(_ value: T?, sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
    try #require(value, sourceLocation: sourceLocation)
}

/// Building blocks of hand-made stores. Each test target adds its own data as extensions (Alice's
/// archive, awkward labels…); what they all need is here once.
public enum Fixture {
    /// A stand-in SHA-256 of an input: 32 bytes that differ for each seed.
    public static func digest(_ seed: UInt8) -> [UInt8] {
        (0..<32).map { UInt8(truncatingIfNeeded: Int($0) &* 7 &+ Int(seed)) }
    }

    /// The store that imports `batches` in one run, in this order.
    public static func build(_ batches: [ImportBatch]) -> Store {
        var builder = StoreBuilder()
        for batch in batches { builder.add(batch) }
        return builder.build()
    }
}

/// Look-ups by the values a test knows (a name, a TikTok id), linear: stores in tests are small.
extension Store {
    /// The row of the account with this numeric TikTok id.
    public func account(id: UInt64) -> Int? { accounts.numericID.firstIndex(of: id) }
    /// The row of the account with this (lowercased) username.
    public func account(named name: String) -> Int? {
        (0..<accounts.count).first { strings[accounts.username[$0]] == name }
    }
    public func video(id: UInt64) -> Int? { videos.tiktokID.firstIndex(of: id) }
    public func hashtag(id: UInt64) -> Int? { hashtags.tiktokID.firstIndex(of: id) }
    /// The rows of the events of one kind, in store order.
    public func events(_ kind: EventKind) -> [Int] { (0..<events.count).filter { events.kind[$0] == kind.rawValue } }
    /// The username of the account in row `row`.
    public func username(_ row: Int) -> String? { strings[accounts.username[row]] }
}
