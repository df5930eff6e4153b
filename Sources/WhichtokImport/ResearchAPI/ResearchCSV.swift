import WhichtokStore

/// CSV exports of Research API videos or comments, with the API's field names as columns, or
/// those of the R package traktok (`video_id`, `author_name`, `create_time` as a date-time text,
/// `hashtag_names` as a list written into one cell); Docs/research-api.md, 'CSV exports'.
///
/// RFC 4180: fields separated by commas (a header with none but semicolons or tabs switches to
/// those, as European spreadsheets write), quoted with `"` (`""` inside quotes is a quote; quoted
/// fields may hold separators and line breaks), records ended by LF or CRLF; a BOM is skipped.
enum ResearchCSV {
    /// The columns the reader uses, by role.
    private enum Column {
        case id, videoID, author, createTime, description, musicID, hashtags, mentions
        case views, likes, comments, shares, saves, parentID, text

        init?(_ header: String) {
            switch header {
            case "id": self = .id
            case "video_id": self = .videoID
            case "author_name", "username": self = .author
            case "create_time": self = .createTime
            case "video_description": self = .description
            case "music_id": self = .musicID
            case "hashtag_names": self = .hashtags
            case "video_mention_list": self = .mentions
            case "view_count": self = .views
            case "like_count": self = .likes
            case "comment_count": self = .comments
            case "share_count": self = .shares
            case "favourites_count", "favorites_count": self = .saves
            case "parent_comment_id": self = .parentID
            case "text": self = .text
            default: return nil
            }
        }
    }

    /// Whether the first line is the header of a videos or comments export.
    static func looksLikeResearch(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var firstLine: [String] = []
        forEachRecord(bytes, delimiter: delimiter(bytes)) { fields, _ in
            firstLine = fields
            return false
        }
        return table(firstLine) != nil
    }

    /// Which table a header describes, and the column of each role.
    private static func table(_ header: [String]) -> (comments: Bool, columns: [Column: Int])? {
        var columns: [Column: Int] = [:]
        for (index, name) in header.enumerated() {
            let cleaned = name.trimmingWhitespace().lowercased()
            if let column = Column(cleaned), columns[column] == nil { columns[column] = index }
        }
        let hasID = columns[.id] != nil
        if hasID && (columns[.parentID] != nil || (columns[.videoID] != nil && columns[.text] != nil)) {
            return (true, columns)
        }
        let videoFields: [Column] = [.author, .createTime, .description, .hashtags, .musicID, .views]
        if hasID || columns[.videoID] != nil, videoFields.contains(where: { columns[$0] != nil }) {
            return (false, columns)
        }
        return nil
    }

    /// Reads every row into the batch; returns the rows that yielded records. Rows without an
    /// exact id (empty, `NA`, or a number a spreadsheet rounded to `7.2e+18`) are counted as set
    /// aside.
    static func read(
        _ bytes: UnsafeRawBufferPointer, entry: String, records: inout ResearchRecords, into batch: inout ImportBatch
    ) -> Int {
        var header: (comments: Bool, columns: [Column: Int])?
        var read = 0
        var unterminated = false
        forEachRecord(bytes, delimiter: delimiter(bytes), unterminated: &unterminated) { fields, line in
            guard let table = header else {
                header = table(fields)
                return header != nil
            }
            if fields.count == 1, fields[0].isEmpty { return true }
            func field(_ column: Column) -> String? {
                guard let index = table.columns[column], index < fields.count else { return nil }
                let value = fields[index]
                return value.isEmpty || value == "NA" ? nil : value
            }
            func id(_ column: Column) -> UInt64? {
                field(column).flatMap { text in
                    var copy = text
                    return copy.withUTF8 { JSONValue.parseDigits(UnsafeRawBufferPointer($0)) }
                }
            }
            func count(_ column: Column) -> UInt64 { id(column) ?? unknownCount }
            func time() -> UInt32 {
                guard var text = field(.createTime) else { return 0 }
                return text.withUTF8 { ResearchValues.time(text: UnsafeRawBufferPointer($0)) } ?? 0
            }
            if table.comments {
                guard let commentID = id(.id), commentID != 0 else {
                    batch.recordsSetAside["row without an exact comment id", default: 0] += 1
                    return true
                }
                var comment = ResearchComment(id: commentID)
                comment.videoID = id(.videoID)
                comment.parentID = id(.parentID)
                comment.createTime = time()
                if let text = field(.text) {
                    var copy = text
                    comment.textFingerprint = copy.withUTF8 { FNV1a64.hash(UnsafeRawBufferPointer($0)) }
                }
                records.comment(comment, into: &batch)
                read += 1
                return true
            }
            guard let videoID = id(.id) ?? id(.videoID), videoID != 0 else {
                batch.recordsSetAside["row without an exact video id", default: 0] += 1
                return true
            }
            var video = ResearchVideo(id: videoID)
            video.createTime = time()
            video.username = field(.author)
            video.description = field(.description)
            video.musicID = id(.musicID)
            video.hashtags = field(.hashtags).map(ResearchValues.names(inList:)) ?? []
            video.mentions = field(.mentions).map(ResearchValues.names(inList:)) ?? []
            video.views = count(.views)
            video.likes = count(.likes)
            video.comments = count(.comments)
            video.shares = count(.shares)
            video.saves = count(.saves)
            if records.video(video, into: &batch) != nil { read += 1 }
            return true
        }
        if unterminated {
            batch.warn(entry: entry, position: nil, "a quoted field is not closed before the end of the file")
        }
        return read
    }

    /// `,` unless the first line has none outside quotes but has `;` or tabs.
    private static func delimiter(_ bytes: UnsafeRawBufferPointer) -> UInt8 {
        var counts: [UInt8: Int] = [:]
        var quoted = false
        for byte in bytes {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if !quoted, byte == 0x0A { break }
            if !quoted, byte == UInt8(ascii: ",") || byte == UInt8(ascii: ";") || byte == 0x09 {
                counts[byte, default: 0] += 1
            }
        }
        if counts[UInt8(ascii: ","), default: 0] > 0 { return UInt8(ascii: ",") }
        return counts.max { $0.value < $1.value }?.key ?? UInt8(ascii: ",")
    }

    private static func forEachRecord(
        _ bytes: UnsafeRawBufferPointer, delimiter: UInt8, _ body: ([String], Int) -> Bool
    ) {
        var unterminated = false
        forEachRecord(bytes, delimiter: delimiter, unterminated: &unterminated, body)
    }

    /// Calls `body` with each record's fields and its first line number (1-based) until it returns
    /// false.
    private static func forEachRecord(
        _ bytes: UnsafeRawBufferPointer, delimiter: UInt8, unterminated: inout Bool, _ body: ([String], Int) -> Bool
    ) {
        var i = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        var line = 1
        var fields: [String] = []
        var field: [UInt8] = []
        var recordLine = 1
        var quoted = false
        var wasQuoted = false
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        while i < bytes.count {
            let byte = bytes[i]
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        i += 2
                        continue
                    }
                    quoted = false
                } else {
                    if byte == 0x0A { line += 1 }
                    field.append(byte)
                }
                i += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                if field.isEmpty && !wasQuoted {
                    quoted = true
                    wasQuoted = true
                } else {
                    field.append(byte)
                }
            case delimiter:
                endField()
            case 0x0D where i + 1 < bytes.count && bytes[i + 1] == 0x0A:
                break
            case 0x0A:
                endField()
                line += 1
                if !body(fields, recordLine) { return }
                fields.removeAll(keepingCapacity: true)
                recordLine = line
            default:
                field.append(byte)
            }
            i += 1
        }
        if quoted { unterminated = true }
        if !field.isEmpty || !fields.isEmpty || wasQuoted {
            endField()
            _ = body(fields, recordLine)
        }
    }
}
