import WhichtokStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads TikTok TXT exports (Docs/archive-format.md, 'TXT exports'): blocks of `Key: value` lines
/// separated by blank lines, and the direct-message file (`>>> Chat History with <name>::` headers,
/// then `YYYY-MM-DD HH:MM:SS UTC <sender>: <text>` lines).
///
/// Works on the bytes in place: one pass, lines split on LF with a trailing CR dropped, a UTF-8
/// BOM skipped. Only usernames, search terms, methods, titles and sound names become `String`s.
enum ArchiveTXTReader {
    /// What a file told about the export's era, for the layout.
    struct Hints {
        var era: Int?
        var sawLegacyLabel = false
        var sawModernVideoLink = false
        var sawUTCDates = false
    }

    // MARK: Record files

    /// Reads a record file of `section` into the batch.
    static func readRecords(
        _ raw: UnsafeRawBufferPointer, section: Int, entry: String, hints: inout Hints, into batch: inout ImportBatch
    ) {
        var run = SectionRun(section: section, place: "")
        var keys = KeyRoleCache(run.keys)
        var state = RecordState(countOnly: run.handler == .skipped)
        var sawModernLink = false

        // A plain loop over a value cursor, not `forEachLine` with a closure: the record being
        // built would be captured and checked for exclusive access at every field.
        var lines = Lines(raw)
        while let (line, lineNumber) = lines.next() {
            let trimmed = ArchiveBytes.trimmed(line)
            if trimmed.isEmpty {
                state.flush(&run, &batch)
                continue
            }
            guard let colon = trimmed.firstIndex(of: 0x3A) else {
                // No `Key:`: a sentinel, a group header, or the next line of a multi-line text.
                if isEmptySentinel(trimmed) { continue }
                if state.lastRole == .text { state.record.appendTextLine(trimmed) }
                if state.countOnly { state.begin(at: lineNumber) }
                continue
            }
            if state.countOnly {
                state.begin(at: lineNumber)
                continue
            }
            let key = ArchiveBytes.trimmed(UnsafeRawBufferPointer(rebasing: trimmed[..<colon]))
            guard let role = keys.role(of: key, at: state.keyLines) else {
                if state.lastRole == .text { state.record.appendTextLine(trimmed) }
                continue
            }
            // `Key: value`, `Key:value`, `Key:: value`.
            var valueStart = colon + 1
            while valueStart < trimmed.count, trimmed[valueStart] == 0x3A { valueStart += 1 }
            let value = ArchiveBytes.trimmed(UnsafeRawBufferPointer(rebasing: trimmed[valueStart...]))
            let bit = UInt32(1) << role.rawValue
            if role != .ignored, state.seenRoles & bit != 0 {
                state.flush(&run, &batch)  // a field repeats: the next record began without a blank line
            }
            state.seenRoles |= bit
            state.keyLines += 1
            state.begin(at: lineNumber)
            state.lastRole = role
            if role == .link { sawModernLink = true }
            guard role != .ignored, !ArchiveBytes.isNullPlaceholder(value) else { continue }
            state.record.set(role, value, days: &state.days)
        }
        state.flush(&run, &batch)

        if run.usedLegacyKey { hints.sawLegacyLabel = true }
        if run.sawUTCDates { hints.sawUTCDates = true }
        if case .videos = run.handler, sawModernLink { hints.sawModernVideoLink = true }
        run.finish(entry: entry, into: &batch)
    }

    /// The record a TXT record file is building, and what is known about it.
    private struct RecordState {
        let countOnly: Bool
        var record = ArchiveRecord()
        /// Kept from one record to the next (not reset by `flush`).
        var days = ArchiveDate.DayCache()
        var seenRoles: UInt32 = 0
        /// Lines with a known key so far (the position of the next key, for the key cache).
        var keyLines = 0
        var hasFields = false
        var line = 0
        var lastRole: FieldRole?

        init(countOnly: Bool) { self.countOnly = countOnly }

        /// Notes that the record has a field (its first one at `lineNumber`).
        @inline(__always)
        mutating func begin(at lineNumber: Int) {
            if !hasFields {
                hasFields = true
                line = lineNumber
            }
        }

        /// Ends the record: counts it and maps it into the batch; the next one starts empty.
        mutating func flush(_ run: inout SectionRun, _ batch: inout ImportBatch) {
            defer {
                record = ArchiveRecord()
                seenRoles = 0
                keyLines = 0
                hasFields = false
                lastRole = nil
            }
            guard hasFields else { return }
            run.records += 1
            if countOnly { return }
            if record.dateInvalid {
                run.invalidDates += 1
                if run.firstInvalidDate == nil { run.firstInvalidDate = "line \(line)" }
            }
            ArchiveMapping.apply(record, run: &run, batch: &batch)
        }
    }

    // MARK: Direct-message files

    /// One message line (with its continuation lines) of a DM file.
    struct Message {
        var record: ArchiveRecord
        var line: Int
    }

    /// Walks a DM file: `onChat` for each `>>>` header, `onMessage` for each complete message.
    /// Messages before any header get `onChat` never called (the caller sees no current chat).
    static func scanChats(
        _ raw: UnsafeRawBufferPointer, inGroupFile: Bool,
        onChat: (ChatName) -> Void, onMessage: (inout Message) -> Void
    ) {
        // The message being read, handed on once a line shows it complete: in place, as a record
        // is a few hundred bytes that each copy would move.
        var pending = Message(record: ArchiveRecord(), line: 0)
        var hasPending = false
        var days = ArchiveDate.DayCache()
        forEachLine(of: raw) { line, lineNumber in
            let trimmed = ArchiveBytes.trimmed(line)
            if trimmed.isEmpty { return }
            if trimmed.count >= 3, trimmed[0] == 0x3E, trimmed[1] == 0x3E, trimmed[2] == 0x3E {  // ">>>"
                if hasPending { onMessage(&pending) }
                hasPending = false
                let name = ArchiveBytes.string(UnsafeRawBufferPointer(rebasing: trimmed[3...]))
                onChat(ChatName.parse(name, inGroupSection: inGroupFile))
                return
            }
            if isMessageLine(trimmed) {
                if hasPending { onMessage(&pending) }
                parseMessageLine(trimmed, lineNumber: lineNumber, days: &days, into: &pending)
                hasPending = true
                return
            }
            if isEmptySentinel(trimmed) { return }
            if hasPending { pending.record.appendTextLine(trimmed) }
        }
        if hasPending { onMessage(&pending) }
    }

    /// Whether a line starts like `YYYY-MM-DD HH:MM:SS`, as a message's first line does.
    static func isMessageLine(_ line: UnsafeRawBufferPointer) -> Bool {
        line.count >= 20 && ArchiveBytes.isDigit(line[0]) && line[4] == 0x2D && line[7] == 0x2D
            && line[13] == 0x3A && line[16] == 0x3A
    }

    /// Reads a message line, `YYYY-MM-DD HH:MM:SS[ UTC] <sender>: <text>` (`isMessageLine`), into
    /// `message`. `days`: the file's `ArchiveDate.DayCache`.
    static func parseMessageLine(
        _ line: UnsafeRawBufferPointer, lineNumber: Int, days: inout ArchiveDate.DayCache, into message: inout Message
    ) {
        message.line = lineNumber
        message.record = ArchiveRecord()
        var index = 19
        if line.count >= 23, ArchiveBytes.equalsLowercase(UnsafeRawBufferPointer(rebasing: line[19..<23]), " utc") {
            index = 23
        }
        message.record.set(.date, UnsafeRawBufferPointer(rebasing: line[0..<index]), days: &days)
        while index < line.count, line[index] == 0x20 { index += 1 }
        let rest = UnsafeRawBufferPointer(rebasing: line[index...])
        // The sender runs to the first ':' (usernames have none).
        if let colon = rest.firstIndex(of: 0x3A) {
            let sender = ArchiveBytes.trimmed(UnsafeRawBufferPointer(rebasing: rest[..<colon]))
            if !sender.isEmpty { message.record.set(.user, sender) }
            var textStart = colon + 1
            if textStart < rest.count, rest[textStart] == 0x20 { textStart += 1 }
            message.record.set(.text, UnsafeRawBufferPointer(rebasing: rest[textStart...]), detectTextLink: true)
        } else {
            message.record.set(.text, rest, detectTextLink: true)
        }
    }

    /// Reads a DM file into the batch (after the profile and the owner's name are known).
    static func readChats(
        _ raw: UnsafeRawBufferPointer, section: Int, entry: String, sink: MessageSink, into batch: inout ImportBatch
    ) {
        var run = SectionRun(section: section, place: "")
        let inGroupFile = run.handler == .groupChats
        var chat: ChatName?
        var target: ChatTarget??  // resolved at the chat's first message
        var strays = 0
        scanChats(raw, inGroupFile: inGroupFile) { header in
            chat = header
            target = nil
        } onMessage: { message in
            run.records += 1
            guard let chat else {
                strays += 1
                return
            }
            if target == nil { target = .some(sink.target(for: chat, batch: &batch)) }
            guard let current = target ?? nil else {
                run.missingValue += 1
                return
            }
            if message.record.dateInvalid {
                run.invalidDates += 1
                if run.firstInvalidDate == nil { run.firstInvalidDate = "line \(message.line)" }
            }
            _ = sink.message(message.record, target: current, run: &run, batch: &batch)
        }
        if strays > 0 {
            batch.warn(entry: entry, position: entry, "\(strays) messages outside any chat header skipped")
        }
        run.finish(entry: entry, into: &batch)
    }

    /// Feeds a DM file's chats to the owner-name tally.
    static func tallyChats(_ raw: UnsafeRawBufferPointer, inGroupFile: Bool, into tally: inout OwnerNameTally) {
        scanChats(raw, inGroupFile: inGroupFile) { chat in
            tally.beginChat(counterpart: chat.name, isGroup: chat.groupID != nil)
        } onMessage: { message in
            tally.observe(sender: message.record.user?.string)
        }
    }

    // MARK: Encoding

    /// Warns, once per file, about lines that are not valid UTF-8, with their count and the first
    /// one's number (never the text). The lines are still read, each invalid byte as U+FFFD: one
    /// bad byte in a name should not cost the researcher a whole watch history.
    static func checkUTF8(_ raw: UnsafeRawBufferPointer, entry: String, into batch: inout ImportBatch) {
        guard !ArchiveBytes.isValidUTF8(raw) else { return }
        var lines = 0
        var first = 0
        forEachLine(of: raw) { line, lineNumber in
            guard !ArchiveBytes.isValidUTF8(line) else { return }
            lines += 1
            if first == 0 { first = lineNumber }
        }
        guard lines > 0 else { return }
        batch.warn(
            entry: entry, position: "line \(first)",
            "\(lines) \(lines == 1 ? "line is" : "lines are") not valid UTF-8; read with U+FFFD in place of the invalid bytes"
        )
    }

    // MARK: Lines

    /// Calls `body` with each line (without CR/LF) and its 1-based number; skips a UTF-8 BOM.
    static func forEachLine(of raw: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer, Int) -> Void) {
        var lines = Lines(raw)
        while let (line, lineNumber) = lines.next() { body(line, lineNumber) }
    }

    /// The lines of a file (without CR/LF) with their 1-based numbers; a UTF-8 BOM is skipped.
    struct Lines {
        private let raw: UnsafeRawBufferPointer
        private var start = 0
        private var lineNumber = 0

        init(_ raw: UnsafeRawBufferPointer) {
            self.raw = raw
            if raw.count >= 3, raw[0] == 0xEF, raw[1] == 0xBB, raw[2] == 0xBF { start = 3 }
        }

        @inline(__always)
        mutating func next() -> (UnsafeRawBufferPointer, Int)? {
            guard start < raw.count, let base = raw.baseAddress else { return nil }
            let end: Int
            if let found = memchr(base + start, 0x0A, raw.count - start) {
                end = base.distance(to: UnsafeRawPointer(found))
            } else {
                end = raw.count
            }
            var lineEnd = end
            if lineEnd > start, raw[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            lineNumber += 1
            let line = UnsafeRawBufferPointer(rebasing: raw[start..<lineEnd])
            start = end + 1
            return (line, lineNumber)
        }
    }

    /// Whether a line is an "this section is empty" sentinel (English, Dutch, Spanish).
    static func isEmptySentinel(_ line: UnsafeRawBufferPointer) -> Bool {
        guard line.count < 120 else { return false }
        // Most lines (the next line of a comment) are told apart by their first byte, without a
        // String. A line that starts with a blank or beyond ASCII (a Unicode blank, say) takes the long way.
        if let first = line.first, first < 0x80, !ArchiveBytes.isSpace(first),
            !sentinelInitials[Int(ArchiveBytes.lower(first))]
        {
            return false
        }
        var text = ArchiveBytes.string(line).trimmingWhitespace().lowercasedFast()
        while text.hasSuffix(".") { text.removeLast() }
        if ArchiveSections.emptySentinels.contains(text) { return true }
        return ArchiveSections.emptySentinelPrefixes.contains { text.hasPrefix($0) }
    }

    /// The first letters (lowercase ASCII) of the sentinels and sentinel prefixes.
    private static let sentinelInitials: [Bool] = {
        var table = [Bool](repeating: false, count: 128)
        for text in ArchiveSections.emptySentinels + ArchiveSections.emptySentinelPrefixes {
            if let first = text.utf8.first, first < 0x80 { table[Int(ArchiveBytes.lower(first))] = true }
        }
        return table
    }()

    /// Whether a whole file is empty or holds only sentinel lines.
    static func isEmptyFile(_ raw: UnsafeRawBufferPointer) -> Bool {
        var empty = true
        forEachLine(of: raw) { line, _ in
            let trimmed = ArchiveBytes.trimmed(line)
            if empty, !trimmed.isEmpty, !isEmptySentinel(trimmed) { empty = false }
        }
        return empty
    }
}
