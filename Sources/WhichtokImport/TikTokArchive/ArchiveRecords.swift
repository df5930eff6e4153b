import WhichtokStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A text field's bytes where the reader found them: in the JSON parser's string buffer or in the
/// TXT file. Valid only while those are, which is while the reader reads the document: a record is
/// applied (or dropped) before its reader moves on, so it is never kept. No `String` is made for a
/// value no row needs, and a record holds no reference to release.
struct ArchiveText {
    /// The start as a non-optional pointer, so that an optional text takes no more room than a
    /// text (a record holds several, and is copied and cleared for every record).
    private let start: UnsafeRawPointer
    private let count: Int

    init(_ bytes: UnsafeRawBufferPointer) {
        start = bytes.baseAddress ?? Self.nowhere
        count = bytes.baseAddress == nil ? 0 : bytes.count
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: start, count: count) }

    /// Where an empty text without an address starts (never read: its count is 0).
    private static var nowhere: UnsafeRawPointer { UnsafeRawPointer(("" as StaticString).utf8Start) }

    var string: String { String(decoding: bytes, as: UTF8.self) }
}

/// One record of a section, as the JSON and TXT readers both see it: fields already parsed from
/// bytes (dates and links never become `String`s, texts only when a row needs them), ready for
/// `ArchiveMapping.apply`. Valid while the document it was read from is (see `ArchiveText`).
struct ArchiveRecord {
    var time: UInt32 = 0
    /// A date field held something that is neither a date nor a placeholder.
    var dateInvalid = false
    /// A date field spelled out ` UTC` (a TXT era hint).
    var dateHadUTC = false
    /// The first link field with an id (for comments: `url`, `originalPostUrl`, … whichever has one).
    var link = ArchiveLink()
    var user: ArchiveText?
    /// Trimmed, like `method` and `sound`.
    var name: ArchiveText?
    var method: ArchiveText?
    var title: ArchiveText?
    var sound: ArchiveText?
    /// The text (comment, message) fingerprint; the text itself is never kept.
    var text = FNV1a64()
    /// The text, trimmed, is a single TikTok video link: its id (messages only).
    var textLink: ArchiveLink?
    /// A `VideoLink`-style key was used (G1 JSON, 2020 TXT).
    var usedLegacyKey = false

    /// Sets one field from its bytes. `detectTextLink` asks whether a text is a bare video link.
    mutating func set(_ role: FieldRole, _ bytes: UnsafeRawBufferPointer, detectTextLink: Bool = false) {
        var days = ArchiveDate.DayCache()
        set(role, bytes, detectTextLink: detectTextLink, days: &days)
    }

    /// `set(_:_:detectTextLink:)` for a reader of many records: `days` is the reader's
    /// `ArchiveDate.DayCache`, kept from one record to the next.
    @inline(__always)
    mutating func set(
        _ role: FieldRole, _ bytes: UnsafeRawBufferPointer, detectTextLink: Bool = false,
        days: inout ArchiveDate.DayCache
    ) {
        switch role {
        case .date:
            switch ArchiveDate.parse(bytes, hadUTCSuffix: &dateHadUTC, days: &days) {
            case .time(let seconds): time = seconds
            case .placeholder: time = 0
            case .invalid:
                time = 0
                dateInvalid = true
            }
        case .link, .legacyLink:
            if role == .legacyLink { usedLegacyKey = true }
            guard link.videoID == 0 else { return }
            let parsed = ArchiveLink.parse(bytes)
            if parsed.videoID != 0 || !link.hasAnyID { link = parsed }
        case .user: user = ArchiveText(bytes)
        case .name: name = ArchiveText(ArchiveBytes.trimmed(bytes))
        case .method: method = ArchiveText(ArchiveBytes.trimmed(bytes))
        case .title: title = ArchiveText(bytes)
        case .sound: sound = ArchiveText(ArchiveBytes.trimmed(bytes))
        case .text:
            text = FNV1a64()
            text.add(bytes)
            // Only a text that starts like a URL can be a bare video link.
            if detectTextLink, ArchiveBytes.hasPrefixLowercase(ArchiveBytes.trimmed(bytes), "http") {
                let parsed = ArchiveLink.parse(bytes)
                textLink = parsed.isBareURL && parsed.isTikTokHost && parsed.videoID != 0 ? parsed : nil
            } else {
                textLink = nil
            }
        case .ignored: break
        }
    }

    /// Continues a multi-line text (TXT): a newline and the next line join the fingerprint.
    mutating func appendTextLine(_ bytes: UnsafeRawBufferPointer) {
        text.add(byte: 0x0A)
        text.add(bytes)
        textLink = nil
    }
}

/// The bookkeeping of one occurrence of a section (a JSON section object or a TXT file), turned into
/// at most one warning per kind of problem when the section ends.
struct SectionRun {
    let section: Int
    /// Where the section is, for diagnostics: `Your Activity → Like List` or a TXT entry path.
    let place: String
    /// From the section's table row (kept here so records don't copy the row).
    let name: String
    let handler: SectionHandler
    let keys: RecordKeys
    var records = 0
    var wrongType = 0
    var firstWrongType: String?
    var invalidDates = 0
    var firstInvalidDate: String?
    var missingValue = 0
    /// Shares of a TikTok page that is not a video (`https://www.tiktok.com/`, `…/foryou`), usually
    /// dated `1969-12-31 23:59:59`: normal in real exports, so counted, not warned about.
    var sharesWithoutVideo = 0
    var usedLegacyKey = false
    var sawUTCDates = false

    init(section: Int, place: String) {
        self.section = section
        self.place = place
        let spec = ArchiveSections.sections[section]
        name = spec.name
        handler = spec.handler
        keys = spec.keys
    }

    /// The summary's name for `sharesWithoutVideo`.
    static let sharesWithoutVideoLabel = "share without a video id"

    /// Adds the counts and warnings to the batch.
    func finish(entry: String, into batch: inout ImportBatch) {
        if handler == .skipped {
            batch.skippedSections[name, default: 0] += records
            return
        }
        batch.sectionCounts[name, default: 0] += records
        if sharesWithoutVideo > 0 {
            batch.recordsSetAside[Self.sharesWithoutVideoLabel, default: 0] += sharesWithoutVideo
        }
        if wrongType > 0 {
            batch.warn(
                entry: entry, position: firstWrongType ?? place,
                "\(wrongType) \(wrongType == 1 ? "record" : "records") of \(name) skipped: a field has the wrong type")
        }
        if invalidDates > 0 {
            batch.warn(
                entry: entry, position: firstInvalidDate ?? place,
                "\(invalidDates) unparsable \(invalidDates == 1 ? "date" : "dates") in \(name), kept with an unknown time"
            )
        }
        if missingValue > 0 {
            let what: String
            switch handler {
            case .videos, .shares, .favoriteSounds, .favoriteEffects, .favoriteHashtags:
                what = "\(missingValue) \(missingValue == 1 ? "link" : "links") without \(handler.missingValueNoun)"
            default:
                what = "\(missingValue) \(missingValue == 1 ? "record" : "records") without \(handler.missingValueNoun)"
            }
            batch.warn(entry: entry, position: place.isEmpty ? nil : place, "\(what) skipped")
        }
    }
}

/// What a section's records become in the batch (the mapping notes, one place).
enum ArchiveMapping {
    /// Applies one record of a list section. Messages go through `message(_:…)` instead.
    static func apply(_ record: ArchiveRecord, run: inout SectionRun, batch: inout ImportBatch) {
        if record.usedLegacyKey { run.usedLegacyKey = true }
        if record.dateHadUTC { run.sawUTCDates = true }
        switch run.handler {
        case .videos(let kind, let label):
            guard let video = videoRow(record.link, batch: &batch) else {
                run.missingValue += 1
                return
            }
            batch.addEvent(
                actor: batch.owner, kind: kind, objectType: .video, object: video, time: record.time,
                detail: label.map { .label($0) } ?? .none)
        case .shares:
            guard let video = videoRow(record.link, batch: &batch) else {
                // A TikTok link without a video id is a shared page (the feed, a search), not a
                // broken record; anything else is worth a warning.
                if record.link.isTikTokHost, record.link.videoID == 0 {
                    run.sharesWithoutVideo += 1
                } else {
                    run.missingValue += 1
                }
                return
            }
            var detail = EventDetail.none
            if let method = record.method?.string, !ImportBatch.isPlaceholder(method) {
                detail = .label(method.lowercasedFast())
            }
            batch.addEvent(
                actor: batch.owner, kind: .shared, objectType: .video, object: video, time: record.time, detail: detail)
        case .favoriteSounds:
            guard record.link.soundID != 0, let sound = batch.sound(id: record.link.soundID) else {
                run.missingValue += 1
                return
            }
            batch.addEvent(actor: batch.owner, kind: .favorited, objectType: .sound, object: sound, time: record.time)
        case .favoriteEffects:
            guard let effect = batch.effect(id: record.link.effectID) else {
                run.missingValue += 1
                return
            }
            batch.addEvent(actor: batch.owner, kind: .favorited, objectType: .effect, object: effect, time: record.time)
        case .favoriteHashtags:
            let id = record.link.hashtagID
            guard id != 0, let hashtag = batch.hashtag(id: id) else {
                run.missingValue += 1
                return
            }
            batch.addEvent(
                actor: batch.owner, kind: .favorited, objectType: .hashtag, object: hashtag, time: record.time)
        case .favoriteCollections:
            guard let name = record.name?.string, let collection = batch.string(name) else {
                run.missingValue += 1
                return
            }
            batch.addEvent(
                actor: batch.owner, kind: .favorited, objectType: .collection, object: collection, time: record.time)
        case .searches:
            guard let term = record.name?.string, let string = batch.string(term) else {
                run.missingValue += 1
                return
            }
            batch.addEvent(
                actor: batch.owner, kind: .searched, objectType: .searchTerm, object: string, time: record.time)
        case .hashtags:
            let id = record.link.hashtagID
            guard batch.hashtag(name: record.name?.string, id: id == 0 ? nil : id) != nil else {
                run.missingValue += 1
                return
            }
        case .following:
            guard let user = record.user, let account = batch.account(usernameBytes: user.bytes) else {
                run.missingValue += 1
                return
            }
            batch.addEvent(
                actor: batch.owner, kind: .followed, objectType: .account, object: account, time: record.time)
        case .followers:
            guard let user = record.user, let account = batch.account(usernameBytes: user.bytes) else {
                run.missingValue += 1
                return
            }
            batch.addEvent(
                actor: account, kind: .followed, objectType: .account, object: batch.owner, time: record.time)
        case .blockList:
            break  // Counted only: no event kind for blocking, and no accounts are created.
        case .comments:
            let video = videoRow(record.link, batch: &batch) ?? .none
            let owner = batch.owner
            let comment = batch.comment(
                author: owner, video: video, time: record.time, textFingerprint: record.text.value)
            batch.addEvent(actor: owner, kind: .commented, objectType: .comment, object: comment, time: record.time)
        case .posts:
            post(record, run: &run, batch: &batch)
        case .profile:
            guard let user = record.user?.string, ImportBatch.normalisedUsername(user) != nil else {
                run.missingValue += 1
                return
            }
            batch.setOwner(username: user)
        case .directMessages, .groupChats, .skipped:
            break
        }
    }

    /// An own post: `owner posted video`, the video described with caption, sound and hashtags.
    private static func post(_ record: ArchiveRecord, run: inout SectionRun, batch: inout ImportBatch) {
        let owner = batch.owner
        let row: RowID?
        if record.link.videoID != 0 {
            row = videoRow(record.link, batch: &batch)
        } else {
            row = batch.video(author: owner, created: record.time)
        }
        guard let row else {
            run.missingValue += 1
            return
        }
        let caption = record.title.map(\.string).flatMap { ImportBatch.isPlaceholder($0) ? nil : $0 }
        let sound = record.sound.flatMap { batch.sound(title: $0.string) }
        var hashtags: [RowID] = []
        if let caption {
            for name in CaptionHashtags.names(in: caption) {
                if let tag = batch.hashtag(name: name), !hashtags.contains(tag) { hashtags.append(tag) }
            }
        }
        batch.describeVideo(row, author: owner, caption: caption, sound: sound, hashtags: hashtags)
        batch.addEvent(actor: owner, kind: .posted, objectType: .video, object: row, time: record.time)
    }

    /// The video a link points at (and its author for `tiktok.com/@user/video/<id>` links).
    static func videoRow(_ link: ArchiveLink, batch: inout ImportBatch) -> RowID? {
        guard link.videoID != 0, let row = batch.video(id: link.videoID) else { return nil }
        if let author = link.author, let account = batch.account(usernameBytes: author.bytes) {
            batch.describeVideo(row, author: account)
        }
        return row
    }

    /// The `detail` of a message: the video it links to, or the fingerprint of its text.
    static func messageDetail(_ record: ArchiveRecord, batch: inout ImportBatch) -> EventDetail {
        if let link = record.textLink, let video = videoRow(link, batch: &batch) { return .messageVideo(video) }
        return .messageFingerprint(UInt32(truncatingIfNeeded: record.text.value) & 0x7fff_ffff)
    }
}

// MARK: - Direct messages

/// Who a chat is with: a counterpart (1:1) or a group conversation.
enum ChatTarget {
    /// A 1:1 chat; nil when the export names nobody (`Chat History with :`).
    case direct(counterpart: RowID?)
    case group(RowID)
}

/// The parts of a chat key: `Chat History with <name>:` (any number of colons), `Group_Chat_<id>`.
struct ChatName {
    /// The counterpart's username as written, or nil (empty or placeholder).
    var name: String?
    /// The group id of `Group_Chat_<id>` (or of a bare id in a group-chat section).
    var groupID: UInt64?

    /// `ArchiveSections.chatHeaderPrefixes` lowercased.
    private static let loweredHeaderPrefixes = ArchiveSections.chatHeaderPrefixes.map { $0.lowercased() }

    /// Parses a chat key. `inGroupSection`: the key comes from a group-chat section or file.
    static func parse(_ key: String, inGroupSection: Bool) -> ChatName {
        var text = Substring(key.trimmingWhitespace())
        let loweredKey = String(text).lowercasedFast()
        for (prefix, lowered) in zip(ArchiveSections.chatHeaderPrefixes, Self.loweredHeaderPrefixes)
        where loweredKey.hasPrefix(lowered) {
            text = text.dropFirst(prefix.count)
            break
        }
        while let last = text.last, last == ":" || last == " " { text.removeLast() }
        while let first = text.first, first == " " { text.removeFirst() }
        let name = String(text)
        let lowered = name.lowercasedFast()
        for prefix in ["group_chat_", "group chat ", "groupchat_", "groepschat_"] where lowered.hasPrefix(prefix) {
            let digits = name.dropFirst(prefix.count)
            if let id = UInt64(digits), id != 0 { return ChatName(name: nil, groupID: id) }
        }
        if inGroupSection, let id = UInt64(name), id != 0 { return ChatName(name: nil, groupID: id) }
        return ChatName(name: ImportBatch.isPlaceholder(name) ? nil : name, groupID: nil)
    }
}

/// Guesses the owner's username from 1:1 chats when no profile names the owner: the sender other
/// than the counterpart, in the most chats. Used only to attribute the owner's own messages (the
/// owner is not named from it).
struct OwnerNameTally {
    private var chatsBySender: [String: Int] = [:]
    private var currentCounterpart: String?
    private var currentSenders: Set<String> = []
    private var inDirectChat = false

    mutating func beginChat(counterpart: String?, isGroup: Bool) {
        endChat()
        inDirectChat = !isGroup && counterpart != nil
        currentCounterpart = counterpart.flatMap(ImportBatch.normalisedUsername)
    }

    mutating func observe(sender: String?) {
        guard inDirectChat, let sender, let name = ImportBatch.normalisedUsername(sender),
            name != currentCounterpart
        else { return }
        currentSenders.insert(name)
    }

    mutating func endChat() {
        for name in currentSenders { chatsBySender[name, default: 0] += 1 }
        currentSenders.removeAll(keepingCapacity: true)
        inDirectChat = false
    }

    /// The name seen in the most chats, or nil when there is none or a tie.
    mutating func best() -> String? {
        endChat()
        var best: (name: String, chats: Int)?
        var tie = false
        for (name, chats) in chatsBySender {
            if let current = best, current.chats == chats {
                tie = true
                if name < current.name { best = (name, chats) }
            } else if best.map({ chats > $0.chats }) ?? true {
                best = (name, chats)
                tie = false
            }
        }
        return tie ? nil : best?.name
    }
}

/// Sends messages to the batch: resolves senders (the owner by profile name or by the tally),
/// recipients (the other party of a 1:1 chat) and the message detail.
struct MessageSink {
    /// The owner's username from the profile or the tally, normalised.
    let ownerName: String?
    /// The rows the last senders' names resolved to. A sink serves one batch.
    private let recentSenders = RecentSenders()

    init(ownerName: String?) {
        self.ownerName = ownerName
    }

    func sender(_ name: String?, batch: inout ImportBatch) -> RowID? {
        guard let name else { return nil }
        return resolve(ImportBatch.normalisedUsername(name), batch: &batch)
    }

    /// `sender(_:batch:)` of the name written as `bytes`, for a message: the same few names
    /// repeat in every chat, so the rows of the last ones are looked up by their bytes first.
    func sender(bytes: UnsafeRawBufferPointer, batch: inout ImportBatch) -> RowID? {
        if let row = recentSenders.row(of: bytes) { return row }
        let row = resolve(ImportBatch.normalisedUsername(bytes: bytes), batch: &batch)
        recentSenders.remember(bytes, row)
        return row
    }

    private func resolve(_ normalised: String?, batch: inout ImportBatch) -> RowID? {
        guard let normalised else { return nil }
        if normalised == ownerName { return batch.owner }
        return batch.account(normalisedUsername: normalised)
    }

    func target(for chat: ChatName, batch: inout ImportBatch) -> ChatTarget? {
        if let id = chat.groupID {
            return batch.conversation(groupID: id).map(ChatTarget.group)
        }
        guard let name = chat.name else { return .direct(counterpart: nil) }
        return .direct(counterpart: sender(name, batch: &batch))
    }

    /// Adds one message; returns false when it could not be attributed.
    func message(
        _ record: ArchiveRecord, target: ChatTarget, run: inout SectionRun, batch: inout ImportBatch
    ) -> Bool {
        if record.dateHadUTC { run.sawUTCDates = true }
        guard let user = record.user, let from = sender(bytes: user.bytes, batch: &batch) else {
            run.missingValue += 1
            return false
        }
        switch target {
        case .group(let conversation):
            let detail = ArchiveMapping.messageDetail(record, batch: &batch)
            batch.addEvent(
                actor: from, kind: .messaged, objectType: .conversation, object: conversation, time: record.time,
                detail: detail)
        case .direct(let counterpart):
            let owner = batch.owner
            let recipient: RowID
            if let counterpart {
                recipient = from == counterpart ? owner : counterpart
            } else {
                // Nobody named (a deleted account?): a message from someone else is to the owner;
                // the owner's own messages have no known recipient.
                guard from != owner else {
                    run.missingValue += 1
                    return false
                }
                recipient = owner
            }
            let detail = ArchiveMapping.messageDetail(record, batch: &batch)
            batch.addEvent(
                actor: from, kind: .messaged, objectType: .account, object: recipient, time: record.time,
                detail: detail)
        }
        return true
    }
}

/// The rows the last few senders' names resolved to in one batch, by the names' exact bytes (a
/// copy: the sink outlives each TXT file's bytes). A name resolves to the same row for the whole
/// batch (the batch never moves a name to another row), so a hit gives what resolving again would.
/// A handful of entries, most recently used first: a chat has two senders, a group a few more.
final class RecentSenders {
    private struct Entry {
        var bytes: [UInt8]
        var row: RowID?
    }

    private static let size = 8
    private var entries: [Entry] = []

    /// The row remembered for a name written exactly as `bytes` (`.some(nil)`: not a usable name),
    /// or nil when it is not among the last ones.
    func row(of bytes: UnsafeRawBufferPointer) -> RowID?? {
        for index in entries.indices where Self.equal(entries[index].bytes, bytes) {
            let row = entries[index].row
            if index != 0 { entries.swapAt(index, 0) }
            return .some(row)
        }
        return nil
    }

    func remember(_ bytes: UnsafeRawBufferPointer, _ row: RowID?) {
        let entry = Entry(bytes: Array(bytes), row: row)
        if entries.count < Self.size {
            entries.insert(entry, at: 0)
        } else {
            entries.removeLast()
            entries.insert(entry, at: 0)
        }
    }

    @inline(__always)
    private static func equal(_ stored: [UInt8], _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard stored.count == bytes.count else { return false }
        return stored.withUnsafeBytes { stored in
            guard let a = stored.baseAddress, let b = bytes.baseAddress else { return true }
            return memcmp(a, b, bytes.count) == 0
        }
    }
}
