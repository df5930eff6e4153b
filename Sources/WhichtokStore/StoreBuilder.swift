internal import CMalloc
import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Merges import batches and stores into a new canonical `Store`.
///
/// Every entity in a batch or in a store added is an *observation*. Every store is made from
/// its inputs' records: `StoreAssembly` adds each record (an input's batch, or in a store made
/// before batch records the store of that input alone) to this builder, then builds the partial
/// stores they give together, so a store built from stores is the store of all their inputs, and
/// a batch and the store built from it give the same store. `build()` resolves which
/// observations are the same thing (identity merging), picks each entity's attributes
/// deterministically, sorts every table by content, and sorts and deduplicates the events. Because
/// nothing depends on the order observations arrived in, importing the same inputs in any order, in
/// one run or several, gives the same store.
///
/// Identity rules:
/// - Accounts: one numeric id, secUid or anonymous-donor key is one account. A username
///   (case-insensitive) joins the observations that carry it, unless they carry two different numeric
///   ids: then the username is shared by two accounts (a rename), and id-less observations of that
///   username go to the account with the smallest id. Other usernames of an account are kept as aliases.
/// - Videos: one TikTok id is one video. An own post known only by (author, creation time) joins the
///   video of that author whose `id >> 32` is that time, if one is known.
/// - Hashtags by id or name, sounds by id (or title when no id is known), comments by TikTok id or by
///   (author, time, text fingerprint), inputs by SHA-256.
/// - Events are deduplicated on (actor, kind, object type, object, detail), and also on time for
///   kinds that can repeat (watched, shared, messaged, searched). A follow seen from both sides, or
///   one DM found in both participants' archives, is one event.
public struct StoreBuilder: Sendable {
    // One entry per sighting of an entity, from each batch and the old store, on observation
    // indices: `build()` decides which sightings are the same entity.
    var accountObservations: [ImportBatch.Account] = []
    var videoObservations: [VideoObservation] = []
    /// The captions and the hashtags and mentions of video observations (see `VideoObservation`).
    var videoCaptions: [String] = []
    var videoLinks: [Int32] = []
    var hashtagObservations: [ImportBatch.Hashtag] = []
    var soundObservations: [ImportBatch.Sound] = []
    var effectObservations: [UInt64] = []
    var commentObservations: [CommentObservation] = []
    var counterObservations: [CounterObservation] = []
    var conversationObservations: [UInt64] = []
    var stringObservations: [String] = []
    var inputObservations: [InputObservation] = []
    /// The first observation of each video id, and of each account's keys, that a store added
    /// later can repeat (see `videoObservationIndices`, `addAccountObservation(fromStore:)`).
    var repeatableVideos = IDMap()
    var repeatableAccounts = IDMap()

    /// Event observations, on observation indices (see `fillEvents`).
    var events = EventObservations()

    /// Where event observations wait while the other observations are resolved, if anywhere
    /// (see `spillEvents()`).
    var eventSpill: EventSpill?
    /// The string observations that spilled events name (search terms, collections, what was
    /// shared): the strings `build()` keeps for events.
    var spilledEventStrings: [UInt32] = []

    public init() {}

    /// Starts from an existing store: its rows become observations like any batch's.
    public init(store: Store) {
        self.init()
        add(store: store)
    }

    public var observedEvents: Int { events.count }

    // MARK: - Adding batches

    /// Sizes the event columns for `events` more observations (call once before adding many batches).
    public mutating func reserve(events: Int) { reserve(events: events, projecting: nil) }

    /// Sizes the event columns for `events` more observations; columns too small grow to
    /// `projecting` of the rows they need, when given.
    mutating func reserve(events: Int, projecting: ((Int) -> Int)?) {
        self.events.reserve(more: events, projecting: projecting)
    }

    /// Gives `table` room for `more` rows: for exactly as many, or for `projecting` of the rows it
    /// needs, when given (and more).
    static func makeRoom<T>(_ table: inout [T], more: Int, projecting: ((Int) -> Int)?) {
        let needed = table.count + more
        guard table.capacity < needed else { return }
        table.reserveCapacity(max(needed, projecting?(needed) ?? needed))
        // Filled once, from the start: huge pages, a page fault per 2 MiB (see
        // `EventObservations.adviseHugePages`). Only the addresses of the room are used.
        let capacity = table.capacity
        table.withUnsafeMutableBufferPointer { rows in
            guard let base = rows.baseAddress else { return }
            EventObservations.adviseHugePages(
                UnsafeMutableRawBufferPointer(start: base, count: capacity * MemoryLayout<T>.stride))
        }
    }

    /// Sizes every observation table for `batches` (call once before adding them): growing a
    /// million video observations by doubling copied and faulted in each table twice over.
    public mutating func reserve(for batches: [ImportBatch]) {
        var more = ObservationCounts()
        for batch in batches { more.add(Self.counts(of: batch)) }
        reserve(more)
    }

    /// The observations `add(batch)` adds.
    static func counts(of batch: ImportBatch) -> ObservationCounts {
        var more = ObservationCounts()
        for piece in [batch] + batch.parts {
            more.accounts += piece.accounts.count + piece.accounts.reduce(0) { $0 + $1.otherUsernames.count }
            more.videos += piece.videos.count
            more.counters += piece.videoCounters.count
            more.hashtags += piece.hashtags.count
            more.sounds += piece.sounds.count
            more.effects += piece.effects.count
            more.comments += piece.comments.count
            more.conversations += piece.conversations.count
            more.strings += piece.strings.count
            more.events += piece.eventCount
        }
        more.inputs = 1
        return more
    }

    /// How many observations of each kind are about to be added.
    struct ObservationCounts {
        var accounts = 0, videos = 0, counters = 0, hashtags = 0, sounds = 0, effects = 0
        var comments = 0, conversations = 0, strings = 0, inputs = 0, events = 0

        mutating func add(_ other: ObservationCounts) {
            accounts += other.accounts
            videos += other.videos
            counters += other.counters
            hashtags += other.hashtags
            sounds += other.sounds
            effects += other.effects
            comments += other.comments
            conversations += other.conversations
            strings += other.strings
            inputs += other.inputs
            events += other.events
        }
    }

    /// Grows every observation table by `more` at once (a table too small grows to `projecting`
    /// of the rows it needs, when given).
    mutating func reserve(_ more: ObservationCounts, projecting: ((Int) -> Int)? = nil) {
        Self.makeRoom(&accountObservations, more: more.accounts, projecting: projecting)
        Self.makeRoom(&videoObservations, more: more.videos, projecting: projecting)
        Self.makeRoom(&counterObservations, more: more.counters, projecting: projecting)
        Self.makeRoom(&hashtagObservations, more: more.hashtags, projecting: projecting)
        Self.makeRoom(&soundObservations, more: more.sounds, projecting: projecting)
        Self.makeRoom(&effectObservations, more: more.effects, projecting: projecting)
        Self.makeRoom(&commentObservations, more: more.comments, projecting: projecting)
        Self.makeRoom(&conversationObservations, more: more.conversations, projecting: projecting)
        Self.makeRoom(&stringObservations, more: more.strings, projecting: projecting)
        Self.makeRoom(&inputObservations, more: more.inputs, projecting: projecting)
        // Spilled events leave memory after each store: room for one store's at a time.
        reserve(events: more.events, projecting: eventSpill == nil ? projecting : nil)
    }

    /// Where the rows of one batch or store start in the observation tables (`source`: its
    /// inputs'; a batch's one input is its row 0).
    struct Bases: Sendable {
        var account: UInt32, video: UInt32, hashtag: UInt32, sound: UInt32, effect: UInt32
        var comment: UInt32, conversation: UInt32, string: UInt32, source: UInt32

        /// `event`, on the rows of the batch or store, on observation indices (an object of no
        /// known type on none).
        @inline(__always)
        func shifted(_ event: EventColumns.Event) -> EventColumns.Event {
            var shifted = event
            shifted.actor &+= account
            switch ObjectType(rawValue: event.objectType) {
            case .account: shifted.object &+= account
            case .video: shifted.object &+= video
            case .hashtag: shifted.object &+= hashtag
            case .sound: shifted.object &+= sound
            case .comment: shifted.object &+= comment
            case .conversation: shifted.object &+= conversation
            case .effect: shifted.object &+= effect
            case .searchTerm, .collection: shifted.object &+= string
            case nil: shifted.object = .none
            }
            shifted.source &+= source
            let kind = event.kind
            let detail = event.detail
            if kind == EventKind.shared.rawValue, detail != 0 {
                shifted.detail &+= string
            } else if kind == EventKind.messaged.rawValue, detail & EventDetail.fingerprintBit == 0 {
                shifted.detail &+= video
            } else if kind == EventKind.duetted.rawValue || kind == EventKind.stitched.rawValue, detail != .none {
                shifted.detail &+= video
            }
            return shifted
        }
    }

    /// Where rows added next start in the observation tables, with `source` for the inputs'.
    func nextBases(source: UInt32) -> Bases {
        Bases(
            account: UInt32(accountObservations.count), video: UInt32(videoObservations.count),
            hashtag: UInt32(hashtagObservations.count), sound: UInt32(soundObservations.count),
            effect: UInt32(effectObservations.count), comment: UInt32(commentObservations.count),
            conversation: UInt32(conversationObservations.count), string: UInt32(stringObservations.count),
            source: source)
    }

    /// Adds everything a reader found in one input.
    public mutating func add(_ batch: ImportBatch) {
        let source = addInput(batch)
        for piece in [batch] + batch.parts {
            let bases = addRows(of: piece, source: source)
            let start = events.count
            // No exact reserveCapacity here: growing to the exact size batch after batch would copy
            // the columns once per batch (quadratic). `reserve(events:)` sizes them once up front.
            events.grow(by: piece.eventCount)
            events.withColumns { columns in Self.fillEvents(of: piece, bases: bases, at: start, into: columns) }
        }
    }

    /// The input of `batch` (with its parts' events); returns its number.
    mutating func addInput(_ batch: ImportBatch) -> UInt32 {
        inputObservations.append(
            InputObservation(
                name: batch.inputName, sha256: batch.sha256, layout: batch.layout,
                byteCount: UInt64(max(batch.bytesRead, 0)), eventCount: UInt64(batch.totalEventCount)))
        return UInt32(inputObservations.count - 1)
    }

    /// Adds several inputs: their rows one after another, then their events on all cores (each
    /// batch's events go to a range of their own). The same as adding them one by one, in order.
    public mutating func add(contentsOf batches: [ImportBatch]) {
        reserve(for: batches)
        var pieces: [ImportBatch] = []
        var bases: [Bases] = []
        var starts: [Int] = []
        var next = events.count
        for batch in batches {
            let source = addInput(batch)
            for piece in [batch] + batch.parts {
                pieces.append(piece)
                bases.append(addRows(of: piece, source: source))
                starts.append(next)
                next += piece.eventCount
            }
        }
        events.grow(by: next - events.count)
        let claimed = Atomic<Int>(0)
        let batchBases = bases
        let batchStarts = starts
        let allPieces = pieces
        events.withColumns { columns in
            let workers = allPieces.count > 1 ? min(max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))), 8) : 1
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let b = claimed.add(1, ordering: .relaxed).oldValue
                    guard b < allPieces.count else { break }
                    Self.fillEvents(of: allPieces[b], bases: batchBases[b], at: batchStarts[b], into: columns)
                }
            }
        }
    }

    /// Moves the event observations added so far to `eventSpill` (when there is one), keeping the
    /// columns' room for the next ones; `build()` reads them back once the other observations are
    /// resolved. The strings they name are noted.
    mutating func spillEvents() {
        guard let eventSpill, !events.isEmpty else { return }
        events.appendNamedStrings(to: &spilledEventStrings)
        eventSpill.write(events)
        events.removeAllKeepingCapacity()
    }
}
