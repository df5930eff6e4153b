import WhichtokStore

/// Which events a builder reads: a time window and a set of event kinds.
///
/// An event passes when `since ≤ time < until` (UTC seconds) and its kind is in `kinds`. When a window
/// is set, events of unknown time (0) are left out. `kinds == nil` means the builder's default set.
package struct EventFilter: Sendable, Equatable {
    package var since: UInt32?
    package var until: UInt32?
    package var kinds: Set<EventKind>?

    package init(since: UInt32? = nil, until: UInt32? = nil, kinds: Set<EventKind>? = nil) {
        self.since = since
        self.until = until
        self.kinds = kinds
    }

    /// Whether no window and no kinds are set.
    package var isEmpty: Bool { since == nil && until == nil && kinds == nil }

    @inline(__always)
    func accepts(time: UInt32) -> Bool {
        if since == nil && until == nil { return true }
        if time == 0 { return false }
        if let since, time < since { return false }
        if let until, time >= until { return false }
        return true
    }

    /// A 256-entry table: whether each raw kind is accepted, given the builder's default kinds.
    func kindMask(defaults: Set<EventKind>) -> [Bool] {
        let chosen = kinds ?? defaults
        var mask = [Bool](repeating: false, count: 256)
        for kind in chosen { mask[Int(kind.rawValue)] = true }
        return mask
    }

    /// Records the filter in graph parameters.
    func record(in parameters: inout GraphParameters, defaults: Set<EventKind>) {
        parameters.since = since
        parameters.until = until
        parameters.kinds = (kinds ?? defaults).sorted()
    }
}

/// Weights per event kind, indexed by `EventKind.rawValue`.
package struct KindWeights: Sendable, Equatable {
    package var values: [Float]

    package init(_ pairs: [EventKind: Float]) {
        values = [Float](repeating: 0, count: EventKind.allCases.count)
        for (kind, weight) in pairs { values[Int(kind.rawValue)] = weight }
    }

    package subscript(kind: EventKind) -> Float {
        get { values[Int(kind.rawValue)] }
        set { values[Int(kind.rawValue)] = newValue }
    }

    /// The kinds with a positive weight.
    package var kinds: Set<EventKind> { Set(EventKind.allCases.filter { self[$0] > 0 }) }

    /// Interaction weights: the effort an interaction costs and how personally it is addressed.
    /// Replies, direct messages, duets and stitches (3) are addressed to a person and take effort;
    /// follows, comments and mentions (2) are deliberate but lighter; shares and favourites (1) are
    /// one tap but keep or pass a video on; likes (0.5) are one tap; views (0.1) are passive and
    /// numerous, so they count only in bulk.
    package static let interactionDefaults = KindWeights([
        .replied: 3, .messaged: 3, .duetted: 3, .stitched: 3,
        .followed: 2, .commented: 2, .mentioned: 2,
        .shared: 1, .favorited: 1, .liked: 0.5, .watched: 0.1,
    ])

    /// Co-engagement weights: how strongly an event says the account cares for the item. Making
    /// something with it (posting, duet, stitch: 4) > keeping or passing it on (favourite, share,
    /// comment, reply: 3) > following its author (2) and liking (2) > watching (1).
    package static let engagementDefaults = KindWeights([
        .posted: 4, .duetted: 4, .stitched: 4,
        .favorited: 3, .shared: 3, .commented: 3, .replied: 3,
        .followed: 2, .liked: 2, .watched: 1,
    ])
}

extension Store {
    /// The donor of each input: the `.donor` account that is the actor of most of the input's events
    /// (ties: smallest row); `.none` when the input has no donor events.
    func donorsByInput() -> [RowID] {
        var counts: [UInt64: Int] = [:]
        for i in 0..<events.count {
            let actor = events.actor[i]
            guard Int(actor) < accounts.count, accounts.flags(actor).contains(.donor) else { continue }
            counts[UInt64(events.source[i]) << 32 | UInt64(actor), default: 0] += 1
        }
        var best = [RowID](repeating: .none, count: inputs.count)
        var bestCount = [Int](repeating: 0, count: inputs.count)
        for (key, count) in counts {
            let source = Int(key >> 32)
            let actor = RowID(truncatingIfNeeded: key)
            guard source < inputs.count else { continue }
            if count > bestCount[source] || (count == bestCount[source] && actor < best[source]) {
                best[source] = actor
                bestCount[source] = count
            }
        }
        return best
    }

    /// The members of each group conversation: the accounts that sent `messaged` events to it plus the
    /// donors of the inputs those events came from. Sorted rows, CSR (`offsets` has count + 1 entries).
    func conversationMembers() -> (offsets: [Int], members: [RowID]) {
        let donors = donorsByInput()
        var pairs: [UInt64] = []
        for i in 0..<events.count
        where events.kind[i] == EventKind.messaged.rawValue && events.objectType[i] == ObjectType.conversation.rawValue
        {
            let conversation = UInt64(events.object[i])
            pairs.append(conversation << 32 | UInt64(events.actor[i]))
            let source = Int(events.source[i])
            if source < donors.count, donors[source] != .none {
                pairs.append(conversation << 32 | UInt64(donors[source]))
            }
        }
        pairs.sort()
        var offsets = [Int](repeating: 0, count: conversations.count + 1)
        var members: [RowID] = []
        var previous = UInt64.max
        for key in pairs where key != previous {
            previous = key
            let conversation = Int(key >> 32)
            guard conversation < conversations.count else { continue }
            members.append(RowID(truncatingIfNeeded: key))
            offsets[conversation + 1] += 1
        }
        for c in 0..<conversations.count { offsets[c + 1] += offsets[c] }
        return (offsets, members)
    }
}
