/// The record of an input as its reader left it: the batch's observations (accounts, videos, …,
/// events on batch-local rows), in a compact encoding.
///
/// A store keeps one record per input so that its tables can be rebuilt without the input files
/// (see `InputRecords`). A record used to be the canonical store of that input alone
/// (`RecordCodec`, version 1), built as each input was read and built again with every other
/// input's; a batch record (version 2) is what `StoreBuilder.add(_:)` takes, so the build of all
/// the records does that work once. `StoreBuilder` gives the same store from a batch and from the
/// store built from that batch, so records of either version can sit side by side (a store made
/// before version 2 keeps its records as they are).
///
/// Layout, after the version byte: the input's name, SHA-256, layout and bytes read, then each
/// piece (the batch, then its `parts`): accounts, videos, counters, hashtags, sounds, effects,
/// comments, conversations, strings, each as a count and its rows field by field, then the events
/// as four columns of numbers (`RecordCodec.Cursor.deltas`) and two of bytes in runs (kind, object
/// type), no run longer than `longestRun`. A video's creation time is its difference from `id >> 32`. Numbers are LEB128, strings
/// their UTF-8 length and bytes, an optional string or row 0 for nil and one more than its value
/// otherwise. Decoding checks every length against what is left and every row against the table
/// it names, so that a forged record is refused with an error rather than reaching the builder.
enum BatchRecordCodec {
    static let version: UInt8 = 2

    /// The longest run of equal values written as one. A batch's events are not deduplicated, so a
    /// run of equal events would otherwise cost a few bytes however long it is; with runs this
    /// short every value costs at least 1/32 of a byte, and a real record stays well inside the
    /// values per byte `RecordCodec.Reader.allowance` lets a record decode to.
    static let longestRun = 64

    // MARK: Encoding

    static func encode(_ batch: ImportBatch) -> [UInt8] {
        // A record waits in a spool: copied to its size rather than held with room to spare.
        encoded(batch).bytes
    }

    /// Calls `body` with the record of `batch`, in memory that lasts for the call only (a record
    /// written as soon as it is encoded is never copied).
    static func withEncoded<R>(_ batch: ImportBatch, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try encoded(batch).withBytes(body)
    }

    /// About the size of the record of `batch` (more often over than under): room to encode it in.
    static func estimatedSize(of batch: ImportBatch) -> Int {
        var estimate = 64 + batch.inputName.utf8.count
        for piece in [batch] + batch.parts {
            estimate += 8 * piece.eventCount + 48 * (piece.accounts.count + piece.videos.count + piece.comments.count)
        }
        return estimate
    }

    private static func encoded(_ batch: ImportBatch) -> Writer {
        let pieces = [batch] + batch.parts
        var out = Writer(capacity: estimatedSize(of: batch))
        out.byte(version)
        out.string(batch.inputName)
        out.varint(UInt64(batch.sha256.count))
        for byte in batch.sha256 { out.byte(byte) }
        out.string(batch.layout)
        out.varint(UInt64(max(batch.bytesRead, 0)))
        out.varint(UInt64(pieces.count))
        for piece in pieces { encode(piece: piece, into: &out) }
        return out
    }

    private static func encode(piece: ImportBatch, into out: inout Writer) {
        out.varint(UInt64(piece.accounts.count))
        for account in piece.accounts {
            out.optional(account.username)
            out.optional(account.numericID)
            out.optional(account.secUID)
            out.optional(account.nickname)
            out.byte(account.flags.rawValue)
            out.optional(account.donorKey)
            out.varint(UInt64(account.usernameSeen))
            out.varint(UInt64(account.otherUsernames.count))
            for other in account.otherUsernames {
                out.string(other.username)
                out.varint(UInt64(other.seen))
            }
            out.varint(account.followerCount &+ 1)
            out.varint(account.followingCount &+ 1)
            out.varint(UInt64(account.countsObserved))
            out.byte(account.countsExact ? 1 : 0)
        }
        out.varint(UInt64(piece.videos.count))
        for video in piece.videos {
            out.varint(video.tiktokID)
            out.row(video.author)
            // Almost always `id >> 32`: written as the difference, one byte.
            out.varint(RecordCodec.zigzag(UInt64(video.created) &- (video.tiktokID >> 32)))
            out.optional(video.caption)
            out.row(video.sound)
            out.varint(UInt64(video.hashtags.count))
            for hashtag in video.hashtags { out.row(hashtag) }
            out.varint(UInt64(video.mentions.count))
            for mention in video.mentions { out.row(mention) }
            out.varint(UInt64(video.createTime))
            out.row(video.derivedFrom)
            out.byte(video.derivation.rawValue)
        }
        out.varint(UInt64(piece.videoCounters.count))
        for counters in piece.videoCounters {
            out.row(counters.video)
            out.varint(UInt64(counters.observed))
            for value in [
                counters.plays, counters.likes, counters.comments, counters.shares, counters.saves, counters.reposts,
            ] {
                out.varint(value &+ 1)
            }
            out.byte(counters.exact ? 1 : 0)
        }
        out.varint(UInt64(piece.hashtags.count))
        for hashtag in piece.hashtags {
            out.optional(hashtag.name)
            out.optional(hashtag.tiktokID)
        }
        out.varint(UInt64(piece.sounds.count))
        for sound in piece.sounds {
            out.optional(sound.tiktokID)
            out.optional(sound.title)
        }
        out.varint(UInt64(piece.effects.count))
        for effect in piece.effects { out.varint(effect) }
        out.varint(UInt64(piece.comments.count))
        // Often hundreds of thousands: each comment's room is made sure of once.
        for comment in piece.comments {
            out.write(upTo: 11 + 4 * 5 + 5 + 10) { cursor in
                cursor.optional(comment.tiktokID)
                cursor.varint(UInt64(comment.author &+ 1))
                cursor.varint(UInt64(comment.video &+ 1))
                cursor.varint(UInt64(comment.parent &+ 1))
                cursor.varint(UInt64(comment.replyTo &+ 1))
                cursor.varint(UInt64(comment.time))
                cursor.varint(comment.textFingerprint)
            }
        }
        out.varint(UInt64(piece.conversations.count))
        for conversation in piece.conversations { out.varint(conversation) }
        out.varint(UInt64(piece.strings.count))
        for string in piece.strings { out.string(string) }

        // The events, column by column (rows plus one, so that `RowID.none` is 0).
        let count = piece.eventCount
        out.varint(UInt64(count))
        for column in [piece.eventActor, piece.eventObject, piece.eventTime, piece.eventDetail] {
            column.withUnsafeBufferPointer { values in
                out.write(upTo: 10 * values.count + 20) { cursor in
                    cursor.deltas(values, longestRun: longestRun) { UInt64($0 &+ 1) }
                }
            }
        }
        out.runs(piece.eventKind) { $0.rawValue }
        out.runs(piece.eventObjectType) { $0.rawValue }
    }

    /// Appends to a record, in memory of its own grown by doubling: each write makes sure of its
    /// room once and stores its bytes unchecked (appending to an array checked its room and
    /// uniqueness for every byte). Not copyable: two copies would share that memory.
    struct Writer: ~Copyable {
        private var base: UnsafeMutablePointer<UInt8>
        private var count = 0
        private var capacity: Int

        init(capacity: Int = 64) {
            self.capacity = max(capacity, 64)
            base = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
        }

        deinit { base.deallocate() }

        /// The bytes written, as an array of their size.
        var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

        /// Calls `body` with the bytes written.
        func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
            try body(UnsafeRawBufferPointer(start: base, count: count))
        }

        /// Room for `more` bytes after those written.
        @inline(__always)
        mutating func reserve(_ more: Int) {
            guard more > capacity - count else { return }
            var grown = capacity
            while grown - count < more { grown *= 2 }
            let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
            fresh.update(from: base, count: count)
            base.deallocate()
            base = fresh
            capacity = grown
        }

        @inline(__always)
        mutating func byte(_ value: UInt8) {
            reserve(1)
            base[count] = value
            count += 1
        }

        /// Up to `bound` bytes written by `body` through a `RecordCodec.Cursor`.
        @inline(__always)
        mutating func write(upTo bound: Int, _ body: (inout RecordCodec.Cursor) -> Void) {
            reserve(bound)
            var cursor = RecordCodec.Cursor(base: base + count, count: 0)
            body(&cursor)
            count += cursor.count
        }

        @inline(__always)
        mutating func varint(_ value: UInt64) { write(upTo: 10) { $0.varint(value) } }

        private mutating func bytes(_ utf8: UnsafeBufferPointer<UInt8>, lengthPlus extra: UInt64) {
            reserve(10 + utf8.count)
            var cursor = RecordCodec.Cursor(base: base + count, count: 0)
            cursor.varint(UInt64(utf8.count) + extra)
            count += cursor.count
            if let from = utf8.baseAddress, !utf8.isEmpty { (base + count).update(from: from, count: utf8.count) }
            count += utf8.count
        }

        mutating func string(_ text: String) {
            var text = text
            text.withUTF8 { bytes($0, lengthPlus: 0) }
        }

        mutating func optional(_ text: String?) {
            guard var text else { return varint(0) }
            text.withUTF8 { bytes($0, lengthPlus: 1) }
        }

        mutating func optional(_ value: UInt64?) { write(upTo: 11) { $0.optional(value) } }

        @inline(__always)
        mutating func row(_ row: RowID) { varint(UInt64(row &+ 1)) }

        /// Bytes as runs: each value, then how many times it repeats, at most `longestRun` (a
        /// section's events share their kind and object type).
        mutating func runs<T: Equatable>(_ values: [T], _ raw: (T) -> UInt8) {
            var i = 0
            while i < values.count {
                var j = i + 1
                while j < values.count, j - i < BatchRecordCodec.longestRun, values[j] == values[i] { j += 1 }
                byte(raw(values[i]))
                varint(UInt64(j - i))
                i = j
            }
        }
    }

    // MARK: Decoding

    typealias RecordError = RecordCodec.RecordError

    static func decode(
        _ bytes: ArraySlice<UInt8>, maxValues: Int = RecordCodec.maxValues
    ) -> Result<ImportBatch, RecordError> {
        var reader = Reader(base: RecordCodec.Reader(bytes: bytes, maxValues: maxValues))
        do throws(RecordError) {
            guard reader.base.byte() == version else { throw RecordError("unknown record encoding") }
            let name = try reader.string()
            let sha256 = Array(try reader.base.bytes(try reader.base.count()))
            var batch = ImportBatch(inputName: name, sha256: sha256)
            batch.layout = try reader.string()
            let bytesRead = try reader.base.varint()
            guard bytesRead <= UInt64(Int.max) else { throw RecordError("byte count out of range") }
            batch.bytesRead = Int(bytesRead)
            let pieces = try reader.base.values()
            guard pieces >= 1 else { throw RecordError("a record without its batch") }
            try decode(piece: &batch, from: &reader)
            for _ in 1..<pieces {
                var part = ImportBatch(inputName: name, sha256: sha256)
                try decode(piece: &part, from: &reader)
                batch.parts.append(part)
            }
            guard reader.base.isAtEnd else { throw RecordError("bytes after the record") }
            return .success(batch)
        } catch {
            return .failure(error)
        }
    }

    private static func decode(piece: inout ImportBatch, from reader: inout Reader) throws(RecordError) {
        // Rows are checked once every table is read (a video names accounts, a comment comments).
        var accounts: [ImportBatch.Account] = []
        let accountCount = try reader.base.values()
        accounts.reserveCapacity(reader.room(for: accountCount, bytesEach: 12))
        for _ in 0..<accountCount {
            var account = ImportBatch.Account(
                username: try reader.optionalString(), numericID: try reader.optionalNumber(),
                secUID: try reader.optionalString(), nickname: try reader.optionalString())
            account.flags = AccountFlags(rawValue: try reader.byte())
            account.donorKey = try reader.optionalString()
            account.usernameSeen = try reader.word()
            let others = try reader.base.values()
            for _ in 0..<others {
                account.otherUsernames.append(
                    ImportBatch.UsernameSighting(username: try reader.string(), seen: try reader.word()))
            }
            account.followerCount = try reader.base.varint() &- 1
            account.followingCount = try reader.base.varint() &- 1
            account.countsObserved = try reader.word()
            account.countsExact = try reader.flag()
            accounts.append(account)
        }
        var videos: [ImportBatch.Video] = []
        let videoCount = try reader.base.values()
        videos.reserveCapacity(reader.room(for: videoCount, bytesEach: 10))
        for _ in 0..<videoCount {
            var video = ImportBatch.Video(tiktokID: try reader.base.varint())
            video.author = try reader.row()
            let created = (video.tiktokID >> 32) &+ RecordCodec.unzigzag(try reader.base.varint())
            guard created <= UInt64(UInt32.max) else { throw RecordError("creation time out of range") }
            video.created = UInt32(created)
            video.caption = try reader.optionalString()
            video.sound = try reader.row()
            video.hashtags = try reader.rows()
            video.mentions = try reader.rows()
            video.createTime = try reader.word()
            video.derivedFrom = try reader.row()
            guard let derivation = VideoDerivation(rawValue: try reader.byte()) else {
                throw RecordError("unknown video derivation")
            }
            video.derivation = derivation
            videos.append(video)
        }
        var counters: [ImportBatch.VideoCounters] = []
        for _ in 0..<(try reader.base.values()) {
            var row = ImportBatch.VideoCounters(video: try reader.row(), observed: try reader.word())
            row.plays = try reader.base.varint() &- 1
            row.likes = try reader.base.varint() &- 1
            row.comments = try reader.base.varint() &- 1
            row.shares = try reader.base.varint() &- 1
            row.saves = try reader.base.varint() &- 1
            row.reposts = try reader.base.varint() &- 1
            row.exact = try reader.flag()
            counters.append(row)
        }
        var hashtags: [ImportBatch.Hashtag] = []
        for _ in 0..<(try reader.base.values()) {
            hashtags.append(
                ImportBatch.Hashtag(name: try reader.optionalString(), tiktokID: try reader.optionalNumber()))
        }
        var sounds: [ImportBatch.Sound] = []
        for _ in 0..<(try reader.base.values()) {
            sounds.append(ImportBatch.Sound(tiktokID: try reader.optionalNumber(), title: try reader.optionalString()))
        }
        var effects: [UInt64] = []
        for _ in 0..<(try reader.base.values()) { effects.append(try reader.base.varint()) }
        var comments: [ImportBatch.Comment] = []
        for _ in 0..<(try reader.base.values()) {
            comments.append(
                ImportBatch.Comment(
                    tiktokID: try reader.optionalNumber(), author: try reader.row(), video: try reader.row(),
                    parent: try reader.row(), replyTo: try reader.row(), time: try reader.word(),
                    textFingerprint: try reader.base.varint()))
        }
        var conversations: [UInt64] = []
        for _ in 0..<(try reader.base.values()) { conversations.append(try reader.base.varint()) }
        var strings: [String] = []
        for _ in 0..<(try reader.base.values()) { strings.append(try reader.string()) }

        // Six columns of this many values, each charged: a forged count cannot make them take
        // more memory than the record's allowance (runs are short, so a real record fits).
        let eventCount = try reader.base.values()
        try reader.base.charge(5 * eventCount)
        let actor = try reader.base.column(count: eventCount) { UInt32(truncatingIfNeeded: $0) &- 1 }
        let object = try reader.base.column(count: eventCount) { UInt32(truncatingIfNeeded: $0) &- 1 }
        let time = try reader.base.column(count: eventCount) { UInt32(truncatingIfNeeded: $0) &- 1 }
        let detail = try reader.base.column(count: eventCount) { UInt32(truncatingIfNeeded: $0) &- 1 }
        let kinds = try reader.runs(count: eventCount) { byte throws(RecordError) in
            guard let kind = EventKind(rawValue: byte) else { throw RecordError("unknown event kind") }
            return kind
        }
        let types = try reader.runs(count: eventCount) { byte throws(RecordError) in
            guard let type = ObjectType(rawValue: byte) else { throw RecordError("unknown object type") }
            return type
        }

        // Every row names a row of its table (or none).
        func check(_ row: RowID, below count: Int, _ what: String) throws(RecordError) {
            guard row == .none || Int(row) < count else { throw RecordError("\(what) out of range") }
        }
        for video in videos {
            try check(video.author, below: accounts.count, "video author")
            try check(video.sound, below: sounds.count, "video sound")
            try check(video.derivedFrom, below: videos.count, "video source")
            for hashtag in video.hashtags { try check(hashtag, below: hashtags.count, "video hashtag") }
            for mention in video.mentions { try check(mention, below: accounts.count, "video mention") }
        }
        for row in counters { try check(row.video, below: videos.count, "counted video") }
        for comment in comments {
            try check(comment.author, below: accounts.count, "comment author")
            try check(comment.video, below: videos.count, "comment video")
            try check(comment.parent, below: comments.count, "comment parent")
            try check(comment.replyTo, below: comments.count, "comment reply")
        }
        for i in 0..<eventCount {
            try check(actor[i], below: accounts.count, "event actor")
            let objects: Int
            switch types[i] {
            case .account: objects = accounts.count
            case .video: objects = videos.count
            case .hashtag: objects = hashtags.count
            case .sound: objects = sounds.count
            case .comment: objects = comments.count
            case .conversation: objects = conversations.count
            case .effect: objects = effects.count
            case .searchTerm, .collection: objects = strings.count
            }
            try check(object[i], below: objects, "event object")
            let value = detail[i]
            switch kinds[i] {
            case .shared where value != 0:
                guard Int(value) - 1 < strings.count else { throw RecordError("share method out of range") }
            case .messaged where value & EventDetail.fingerprintBit == 0:
                try check(value, below: videos.count, "message video")
            case .duetted, .stitched:
                try check(value, below: videos.count, "derived video")
            default: break
            }
        }
        piece.restore(
            accounts: accounts, videos: videos, videoCounters: counters, hashtags: hashtags, sounds: sounds,
            effects: effects, comments: comments, conversations: conversations, strings: strings,
            events: (actor, kinds, types, object, time, detail))
    }

    /// `RecordCodec.Reader` with the fields of a batch record.
    struct Reader {
        var base: RecordCodec.Reader

        /// Room to reserve for `count` rows of at least `bytesEach` bytes each: no more than the
        /// bytes left can hold, so that a forged count is found out before its memory is taken.
        func room(for count: Int, bytesEach: Int) -> Int {
            min(count, (base.bytes.endIndex - base.position) / bytesEach)
        }

        mutating func byte() throws(RecordError) -> UInt8 {
            guard let byte = base.byte() else { throw RecordError("record ends early") }
            return byte
        }

        mutating func flag() throws(RecordError) -> Bool {
            switch try byte() {
            case 0: return false
            case 1: return true
            default: throw RecordError("a flag that is neither 0 nor 1")
            }
        }

        mutating func word() throws(RecordError) -> UInt32 {
            let value = try base.varint()
            guard value <= UInt64(UInt32.max) else { throw RecordError("number out of range") }
            return UInt32(value)
        }

        mutating func row() throws(RecordError) -> RowID {
            let value = try base.varint()
            guard value <= UInt64(UInt32.max) else { throw RecordError("row out of range") }
            return UInt32(value) &- 1
        }

        mutating func rows() throws(RecordError) -> [RowID] {
            let count = try base.values()
            guard count > 0 else { return [] }
            var rows: [RowID] = []
            rows.reserveCapacity(room(for: count, bytesEach: 1))
            for _ in 0..<count { rows.append(try row()) }
            return rows
        }

        mutating func string() throws(RecordError) -> String {
            String(decoding: try base.bytes(try base.count()), as: UTF8.self)
        }

        mutating func optionalString() throws(RecordError) -> String? {
            let length = try base.varint()
            guard length > 0 else { return nil }
            guard length - 1 <= UInt64(base.bytes.endIndex - base.position) else {
                throw RecordError("record ends early")
            }
            return String(decoding: try base.bytes(Int(length - 1)), as: UTF8.self)
        }

        /// `count` values written by `Writer.runs`, each byte through `value`.
        mutating func runs<T>(count: Int, _ value: (UInt8) throws(RecordError) -> T) throws(RecordError) -> [T] {
            var values: [T] = []
            values.reserveCapacity(count)
            while values.count < count {
                let item = try value(try byte())
                let run = try base.varint()
                guard run > 0, run <= UInt64(count - values.count) else { throw RecordError("bad run length") }
                values.append(contentsOf: repeatElement(item, count: Int(run)))
            }
            return values
        }

        mutating func optionalNumber() throws(RecordError) -> UInt64? {
            try flag() ? try base.varint() : nil
        }
    }
}

extension ImportBatch {
    /// Sets the observations of a batch decoded from its record. Its lookups stay empty: such a
    /// batch is only added to a builder, never read into.
    mutating func restore(
        accounts: [Account], videos: [Video], videoCounters: [VideoCounters], hashtags: [Hashtag], sounds: [Sound],
        effects: [UInt64], comments: [Comment], conversations: [UInt64], strings: [String],
        events: (
            actor: [RowID], kind: [EventKind], objectType: [ObjectType], object: [RowID], time: [UInt32],
            detail: [UInt32]
        )
    ) {
        self.accounts = accounts
        self.videos = videos
        self.videoCounters = videoCounters
        self.hashtags = hashtags
        self.sounds = sounds
        self.effects = effects
        self.comments = comments
        self.conversations = conversations
        self.strings = strings
        (eventActor, eventKind, eventObjectType, eventObject, eventTime, eventDetail) = events
    }

    /// This batch and its parts with their accounts only.
    func accountsOnly() -> ImportBatch {
        var copy = self
        copy.restore(
            accounts: accounts, videos: [], videoCounters: [], hashtags: [], sounds: [], effects: [], comments: [],
            conversations: [], strings: [], events: ([], [], [], [], [], []))
        copy.parts = parts.map { $0.accountsOnly() }
        return copy
    }
}

extension RecordCodec.Cursor {
    /// An optional number: 0 for nil, else 1 and the number (`BatchRecordCodec.Writer.optional`).
    @inline(__always)
    mutating func optional(_ value: UInt64?) {
        guard let value else {
            base[count] = 0
            count += 1
            return
        }
        base[count] = 1
        count += 1
        varint(value)
    }
}
