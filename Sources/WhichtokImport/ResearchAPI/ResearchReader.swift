import WhichtokStore

/// Reads TikTok Research API data in the forms researchers keep it (Docs/research-api.md): pages
/// of a HAR of the API calls (with the request body that names the subject), saved responses
/// (`{"data", "error"}`, one file per page, alone, in a wrapper or beside a request file), JSON
/// arrays and NDJSON lines of video or comment objects, and CSV exports with the API's column
/// names. Owned by `WebCaptureReader`, which routes entries here.
///
/// A page about an account it does not name (followers, following, liked, pinned, reposted, user
/// info) takes its subject from the request body: in a HAR the entry's `postData`, in a saved
/// response a `request` beside `response`/`data`, or a sibling `NAME.request.json`. Without one,
/// its self-contained records (listed accounts, videos with their authors) are kept and the page
/// is reported as "unknown subject".
struct ResearchReader {
    var records = ResearchRecords()
    /// `research-har`, `research-json`, `research-ndjson`, `research-csv`.
    private(set) var layouts: Set<String> = []
    /// Pages, objects and rows that yielded records, by kind, for the summary.
    private(set) var entriesRead: [String: Int] = [:]
    /// Subjects named by sibling request files, by the path they share with their response.
    private var requestSubjects: [String: String] = [:]
    /// Sibling request files read (by stem: their path) and the stems of saved responses read.
    private var requestFiles: [String: String] = [:]
    private var responseStems: Set<String> = []
    /// Pages of saved responses whose subject may come from a request file read later.
    private var pending: [Pending] = []
    /// Error codes already warned about, per file.
    private var warnedErrors: Set<String> = []
    private var unknownSubjectWarnings = 0

    private struct Pending {
        var stem: String
        var file: String
        var list: ResearchList
        var rows: [RowID]
        var info: ResearchUserInfo?
    }

    var recognised: Bool { !layouts.isEmpty }

    enum Outcome: Equatable {
        /// The page yielded records.
        case read
        /// An error envelope (`error.code` not `ok`): nothing is read from it.
        case error
        case nothing
    }

    // MARK: - Pages

    /// One response: an envelope `{"data", "error"}` or a bare `data` object. `subject` is the
    /// username its request names; without one, `siblingStem` names the path whose request file
    /// may name it (saved files), else the page is reported as of unknown subject.
    mutating func page(
        _ root: JSONValue, subject: String?, siblingStem: String?, file: String, position: String?,
        into batch: inout ImportBatch
    ) -> Outcome {
        if let error = root["error"], error.type == .object, let code = error["code"]?.nonEmptyString, code != "ok" {
            if warnedErrors.insert(file + "\u{0}" + code).inserted {
                batch.warn(
                    entry: file, position: position,
                    "Research API error \(code): nothing read from this page (and others of this file with this error)")
            }
            return .error
        }
        let data = root["data"] ?? root
        guard let (list, items) = ResearchList.of(data: data) else { return .nothing }
        let before = records.recordCount
        let subjectRow = subject.flatMap { batch.account(username: $0, seen: records.observed) }
        let rows = records.items(items, list: list, author: subjectRow, into: &batch)
        let info = list == .userInfo ? ResearchUserInfo(data) : nil
        var deferred = false
        if list.needsSubject {
            if let subjectRow {
                records.relate(list, subject: subjectRow, rows: rows, info: info, into: &batch)
            } else if let siblingStem {
                pending.append(Pending(stem: siblingStem, file: file, list: list, rows: rows, info: info))
                deferred = list == .userInfo
            } else {
                unknownSubject(list, file: file, position: position, rows: rows.count, into: &batch)
            }
        }
        return records.recordCount > before || deferred ? .read : .nothing
    }

    private mutating func unknownSubject(
        _ list: ResearchList, file: String, position: String?, rows: Int, into batch: inout ImportBatch
    ) {
        batch.recordsSetAside["page of unknown subject", default: 0] += 1
        unknownSubjectWarnings += 1
        guard unknownSubjectWarnings <= 5 else { return }
        let kept = list == .userInfo ? "nothing is kept" : "its \(rows) records are kept without the subject's events"
        batch.warn(
            entry: file, position: position,
            "unknown subject: \(list.noun) does not name its account, and no request body, wrapper or sibling request file does; \(kept)"
        )
    }

    /// The username a request body (an object) asks about; nil without one (`open_id` alone has no
    /// place in the store).
    static func subject(ofRequest request: JSONValue?) -> String? {
        guard let request, request.type == .object else { return nil }
        if let name = request["username"]?.nonEmptyString { return name }
        for key in ["body", "json", "data"] {
            if let inner = request[key], inner.type == .object, let name = inner["username"]?.nonEmptyString {
                return name
            }
        }
        return nil
    }

    // MARK: - Saved files

    /// A `.json` file of Research API data: an envelope, a wrapper `{"request", "response"}`, a
    /// bare `data` object, or an array of video or comment objects.
    mutating func readFile(entryPath: String, root: JSONValue, into batch: inout ImportBatch) {
        layouts.insert("research-json")
        records.observed = 0
        if root.type == .array {
            var read = 0
            root.forEachElement { element in
                if let list = Self.objectKind(element), object(element, list: list, into: &batch) { read += 1 }
            }
            if read > 0 {
                entriesRead["research objects", default: 0] += read
            } else {
                batch.skipEntry(SkipReason.noRecords.rawValue)
            }
            return
        }
        responseStems.insert(Self.stem(of: entryPath))
        var envelope = root
        var subject = Self.subject(ofRequest: root["request"])
        if let response = root["response"], response.type == .object {
            envelope = response
            subject = subject ?? Self.subject(ofRequest: response["request"])
        }
        let outcome = page(
            envelope, subject: subject, siblingStem: subject == nil ? Self.stem(of: entryPath) : nil, file: entryPath,
            position: nil, into: &batch)
        switch outcome {
        case .read: entriesRead["research pages", default: 0] += 1
        case .error: batch.skipEntry(SkipReason.researchError.rawValue)
        case .nothing: batch.skipEntry(SkipReason.noRecords.rawValue)
        }
    }

    /// A sibling request file (`NAME.request.json`): the request body, or an object with it under
    /// `body`.
    mutating func readRequestFile(entryPath: String, root: JSONValue) {
        layouts.insert("research-json")
        let stem = Self.stem(of: entryPath)
        requestFiles[stem] = entryPath
        guard let subject = Self.subject(ofRequest: root) else { return }
        requestSubjects[stem] = subject
    }

    /// The path a response shares with its request file: without `.request.json`,
    /// `.response.json` or `.json`.
    static func stem(of path: String) -> String {
        let lower = path.lowercased()
        for suffix in [".request.json", ".response.json", ".json"] where lower.hasSuffix(suffix) {
            return String(path.utf8.dropLast(suffix.utf8.count)) ?? path
        }
        return path
    }

    /// Whether an entry is a sibling request file, by name.
    static func isRequestFile(_ path: String) -> Bool { path.lowercased().hasSuffix(".request.json") }

    // MARK: - Objects (arrays, NDJSON lines)

    /// Whether an object is a Research API video or comment: snake_case fields of the API
    /// (`create_time`, `video_description`, `parent_comment_id`, …), none of the web's (`cid`,
    /// `aweme_id`, `desc`, `createTime`) or of Zeeschuimer's envelope.
    static func objectKind(_ object: JSONValue) -> ResearchList? {
        guard object.type == .object else { return nil }
        var web = false
        var id = false
        var videoID = false
        var text = false
        var parent = false
        var videoField = false
        object.forEachMember { key, _ in
            if key.isKey("cid") || key.isKey("aweme_id") || key.isKey("desc") || key.isKey("createTime")
                || key.isKey("source_platform") || key.isKey("item_id") || key.isKey("data")
            {
                web = true
            } else if key.isKey("id") {
                id = true
            } else if key.isKey("video_id") {
                videoID = true
            } else if key.isKey("text") {
                text = true
            } else if key.isKey("parent_comment_id") {
                parent = true
            } else if key.isKey("username") || key.isKey("create_time") || key.isKey("video_description")
                || key.isKey("region_code") || key.isKey("hashtag_names") || key.isKey("music_id")
                || key.isKey("view_count")
            {
                videoField = true
            }
        }
        guard !web else { return nil }
        if id && (parent || (videoID && text)) { return .comments }
        if (id || videoID) && videoField { return .videos }
        return nil
    }

    /// One video or comment object; whether it yielded a record.
    mutating func object(_ object: JSONValue, list: ResearchList, into batch: inout ImportBatch) -> Bool {
        switch list {
        case .comments:
            guard let comment = ResearchComment(object) else { return false }
            records.comment(comment, into: &batch)
            return true
        default:
            guard let video = ResearchVideo(object) else { return false }
            return records.video(video, into: &batch) != nil
        }
    }

    /// An NDJSON line that `objectKind` recognised.
    mutating func line(_ object: JSONValue, list: ResearchList, into batch: inout ImportBatch) -> Bool {
        layouts.insert("research-ndjson")
        records.observed = 0
        let read = self.object(object, list: list, into: &batch)
        if read { entriesRead["research objects", default: 0] += 1 }
        return read
    }

    /// Notes a HAR with Research API pages.
    mutating func sawHAR() { layouts.insert("research-har") }

    /// Counts a page that yielded records.
    mutating func countPage() { entriesRead["research pages", default: 0] += 1 }

    // MARK: - CSV

    /// A CSV export of videos or comments (`ResearchCSV`).
    mutating func readCSV(entryPath: String, bytes: PaddedBytes, into batch: inout ImportBatch) {
        layouts.insert("research-csv")
        records.observed = 0
        let rows = bytes.withUnsafeBytes { ResearchCSV.read($0, entry: entryPath, records: &records, into: &batch) }
        if rows > 0 {
            entriesRead["research rows", default: 0] += rows
        } else {
            batch.skipEntry(SkipReason.noRecords.rawValue)
        }
    }

    // MARK: - Finishing

    /// Gives pending pages their subjects from the request files read since, and reports the rest
    /// as of unknown subject.
    mutating func finish(into batch: inout ImportBatch) {
        records.observed = 0
        for page in pending {
            if let name = requestSubjects[page.stem], let subject = batch.account(username: name, seen: 0) {
                records.relate(page.list, subject: subject, rows: page.rows, info: page.info, into: &batch)
            } else {
                unknownSubject(page.list, file: page.file, position: nil, rows: page.rows.count, into: &batch)
            }
        }
        for (stem, path) in requestFiles.sorted(by: { $0.key < $1.key }) where !responseStems.contains(stem) {
            batch.warn(entry: path, position: nil, "a request file without its response beside it: nothing to read")
        }
        pending = []
        requestSubjects = [:]
        requestFiles = [:]
        responseStems = []
    }
}
