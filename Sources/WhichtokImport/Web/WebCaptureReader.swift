import WhichtokStore
import WhichtokSupport

/// Reads the web captures inside one input — browser HAR files (Chrome and Firefox, plain or
/// JSONP), Zeeschuimer NDJSON exports, saved TikTok HTML pages and page states saved as `.json` —
/// and TikTok Research API data (`ResearchReader`) into an `ImportBatch`.
///
/// A HAR is walked once with simdjson's On-Demand API (`HARScanner`), which copies no body; each
/// response body is then unescaped and decoded (base64 or plain) into a reused buffer and parsed
/// there (a large HAR's bodies in runs on several threads, see `readBodies`). Memory stays near the
/// HAR's size plus a few of its largest bodies; no body becomes a `String`. Entries that yield
/// nothing (other hosts, missing, truncated or empty bodies, challenge pages…) are counted by
/// reason in `batch.skippedEntries`; invalid JSON in a body is a warning naming the file, the entry
/// index and the URL (without its query), never the body. A HAR that is not JSON at all is an
/// error, which rejects the input.
///
/// Use one reader per input: `wants` picks entries, `read` takes them, `finish` completes.
public struct WebCaptureReader {
    let parser: JSONParser
    let bodyParser: JSONParser
    private let har = HARScanner()
    /// The current response body, decoded.
    private let body = PaddedBytes()
    /// The JSON of the current page's data scripts.
    private let scratch = PaddedBytes()
    var records = WebRecords()
    /// Research API data: pages of HARs, saved responses, objects and CSV rows.
    var research = ResearchReader()
    var layouts: Set<String> = []
    /// Whether any entry was a web capture (a HAR with `log.entries`, an NDJSON export, a page with data).
    public internal(set) var recognised = false
    /// Entries read, by kind (`item lists`, `pages`, …).
    var entriesRead: [String: Int] = [:]

    /// `parser` reads NDJSON lines; `bodyParser` reads HAR bodies and page states. They must be two
    /// different parsers.
    /// `bodyThreads`: how many threads read a large HAR's bodies, from `splitMinimum` entries
    /// with bodies and bytes of them on.
    public init(
        parser: JSONParser, bodyParser: JSONParser, bodyThreads: Int = 1,
        splitMinimum: (entries: Int, bytes: Int) = (256, 8 << 20)
    ) {
        self.parser = parser
        self.bodyParser = bodyParser
        self.bodyThreads = max(1, bodyThreads)
        self.splitMinimum = splitMinimum
    }

    // MARK: - Reading

    /// Reads one entry. Problems are diagnostics in `batch`, never thrown.
    public mutating func read(entryPath: String, bytes: PaddedBytes, into batch: inout ImportBatch) {
        guard let kind = Self.kind(entryPath: entryPath, bytes: bytes, parser: parser) else { return }
        // No lease: nothing is counted, so nothing is refused.
        try? read(entryPath: entryPath, bytes: bytes, kind: kind, memory: nil, into: &batch)
    }

    /// Reads one entry of a kind `kind(entryPath:bytes:parser:)` found. A HAR's walk and bodies
    /// take their memory from `memory` (see `readHAR`); a shortage that stops the reading is thrown.
    mutating func read(
        entryPath: String, bytes: PaddedBytes, kind: Kind, memory: MemoryLease?, into batch: inout ImportBatch
    ) throws(MemoryShortage) {
        switch kind {
        case .har: try readHAR(entryPath: entryPath, bytes: bytes, memory: memory, into: &batch)
        case .ndjson: readNDJSON(entryPath: entryPath, bytes: bytes, into: &batch)
        case .html: readPageFile(entryPath: entryPath, bytes: bytes, into: &batch)
        case .pageState: readPageState(entryPath: entryPath, bytes: bytes, into: &batch)
        case .research, .researchRequest: readResearchFile(entryPath: entryPath, bytes: bytes, kind: kind, into: &batch)
        case .researchCSV: research.readCSV(entryPath: entryPath, bytes: bytes, into: &batch)
        }
    }

    /// Sets the summary's counts of entries read. Returns whether any web capture was recognised.
    /// The reader is empty again afterwards.
    public mutating func finish(into batch: inout ImportBatch) -> Bool {
        research.finish(into: &batch)
        for (kind, count) in entriesRead { batch.webEntriesRead[kind, default: 0] += count }
        for (kind, count) in research.entriesRead { batch.webEntriesRead[kind, default: 0] += count }
        let result = recognised || research.recognised
        self = WebCaptureReader(
            parser: parser, bodyParser: bodyParser, bodyThreads: bodyThreads, splitMinimum: splitMinimum)
        return result
    }

    /// `har-chrome`, `har-firefox`, `har`, `zeeschuimer`, `html`, joined with `+` when several.
    public var layout: String { layouts.union(research.layouts).sorted().joined(separator: "+") }

    // MARK: - HAR

    /// One HAR file's tally of skipped entries, for the per-file warnings.
    private struct SkipTally: Sendable {
        var counts: [SkipReason: Int] = [:]
        var first: [SkipReason: Int] = [:]
        mutating func add(_ reason: SkipReason, entry: Int) {
            counts[reason, default: 0] += 1
            if first[reason] == nil { first[reason] = entry }
        }
        /// Adds a tally of later entries.
        mutating func add(_ other: SkipTally) {
            for (reason, count) in other.counts { counts[reason, default: 0] += count }
            for (reason, entry) in other.first where first[reason] == nil { first[reason] = entry }
        }
    }

    /// Reads a HAR. With `memory`, what the reading takes beside the HAR's bytes is taken from it
    /// first and held until the HAR is read: the walk's (`HARScanner.scan`), the body jobs' list,
    /// and the bodies' (`readBodies`). A walk that could never fit is thrown (`.never`: the input
    /// is rejected, naming the file), as is a wait that would never end (`.busy`); a body that
    /// could never fit is skipped, with a warning, and the rest is read.
    private mutating func readHAR(
        entryPath: String, bytes: PaddedBytes, memory: MemoryLease?, into batch: inout ImportBatch
    ) throws(MemoryShortage) {
        var range = 0..<bytes.count
        bytes.withUnsafeBytes { raw in
            var i = JSONParser.bomLength(raw)
            while i < raw.count, raw[i] == 0x20 || raw[i] == 0x0A || raw[i] == 0x0D || raw[i] == 0x09 { i += 1 }
            if let start = Self.jsonpStart(raw, at: i) {
                var end = raw.count
                while end > start, raw[end - 1] != UInt8(ascii: ")") { end -= 1 }
                range = start..<max(start, end - 1)
            }
        }
        var tally = SkipTally()
        do {
            try har.scan(bytes, range: range, lease: memory) { result in
                guard result.hasEntries else {
                    batch.error(entry: entryPath, position: nil, "not a HAR file: no log.entries array")
                    return
                }
                recognised = true
                let creator = result.creator.map { String(decoding: $0, as: UTF8.self) }
                // `whichtok scrape --base-url` records another host on purpose (a mirror, a proxy, a
                // test server): its captures are TikTok's answers whatever the host.
                let anyHost = creator == "whichtok"
                // The jobs' list, taken before it is made: a job per entry with a body, and its URL.
                var jobsMemory = 0
                if let memory {
                    jobsMemory = result.entries.reduce(0) { total, entry in
                        guard entry.text != nil else { return total }
                        return total &+ Self.jobBytes &+ (entry.url?.count ?? 0)
                    }
                    try memory.take(jobsMemory)
                }
                defer { memory?.give(jobsMemory) }
                var jobs: [BodyJob] = []
                for (index, entry) in result.entries.enumerated() {
                    switch Self.prepare(entry, index: index, anyHost: anyHost) {
                    case .skip(let reason):
                        tally.add(reason, entry: index)
                        batch.skipEntry(reason.rawValue)
                    case .body(let job):
                        jobs.append(job)
                    }
                }
                // A HAR of Research API calls is `research-har`; one with web calls too is both.
                let researchJobs = jobs.count { $0.endpoint == .research }
                if researchJobs > 0 { research.sawHAR() }
                if researchJobs == 0 || researchJobs < jobs.count { layouts.insert(Self.harLayout(creator)) }
                try readBodies(jobs, file: entryPath, memory: memory, tally: &tally, into: &batch)
            }
        } catch let shortage as MemoryShortage {
            throw shortage
        } catch let error as JSONError {
            batch.error(
                entry: entryPath, position: "offset \(error.offset + range.lowerBound)",
                "not a HAR file: invalid JSON (\(error.message))")
            return
        } catch {
            batch.error(entry: entryPath, position: nil, "could not read: \(error)")
            return
        }
        for reason in SkipReason.allCases {
            guard let message = reason.warning, let count = tally.counts[reason], let first = tally.first[reason] else {
                continue
            }
            let entries = count == 1 ? "1 entry" : "\(count) entries"
            batch.warn(entry: entryPath, position: "log.entries[\(first)]", "\(entries) skipped: \(message)")
        }
    }

    private static func harLayout(_ creator: String?) -> String {
        guard let name = creator?.lowercased() else { return "har" }
        if name.contains("firefox") { return "har-firefox" }
        if name.contains("webinspector") || name.contains("chrome") || name.contains("chromium") { return "har-chrome" }
        return "har"
    }

    /// An entry whose body is to be read.
    private struct BodyJob: Sendable {
        var index: Int
        var url: WebURL
        var endpoint: WebEndpoint
        var status: Int64
        var observed: UInt32
        var declaredSize: Int64
        var text: HARText
        var base64: Bool
        /// The request body (a Research API call's JSON, which names its subject).
        var requestText: HARText?
    }

    /// What one job takes in the jobs' list beside its URL's bytes: the job (twice: the list, and
    /// the copy a run of bodies is handed) and the URL's three buffers (host, path, query).
    private static let jobBytes = 2 * MemoryLayout<BodyJob>.stride + 3 * 64

    private enum Prepared {
        case skip(SkipReason)
        case body(BodyJob)
    }

    /// The checks that need no body (Docs/web-captures.md, 'Bodies'): URL, host, endpoint, HTTP
    /// status, a body at all.
    private static func prepare(_ entry: HAREntry, index: Int, anyHost: Bool) -> Prepared {
        guard entry.isObject, let url = entry.url.flatMap({ WebURL(bytes: $0) }) else { return .skip(.noURL) }
        guard url.isTikTok || url.isResearchAPI || anyHost else { return .skip(.otherHost) }
        let endpoint = WebEndpoint(url: url, mimeType: entry.mimeType)
        switch endpoint {
        case .notData: return .skip(.notData)
        case .unknownAPI: return .skip(.unknownEndpoint)
        default: break
        }
        let status = entry.status ?? 0
        // A Research API error (429 `rate_limit_exceeded`, …) is read for its code.
        guard (200..<300).contains(status) || (endpoint == .research && status >= 400) else {
            return .skip(.httpStatus)
        }
        guard entry.hasContent, let text = entry.text else { return .skip(.bodyMissing) }
        let base64 = entry.encoding.map { $0.elementsEqual("base64".utf8) } ?? false
        let observed = entry.started.flatMap { ISOTime.parse($0) } ?? 0
        return .body(
            BodyJob(
                index: index, url: url, endpoint: endpoint, status: status, observed: observed,
                declaredSize: entry.size ?? -1, text: text, base64: base64, requestText: entry.requestText))
    }

    /// What became of one body once unescaped, decoded and (for an API response) parsed.
    private enum Decoded {
        case parsed(JSONValue)
        case invalid(JSONError)
        /// Decoded, not parsed (a page).
        case page
        case empty
        case badBase64
        case badEscape
    }

    /// Reads the bodies of `jobs` in entry order. A large HAR is cut into `bodyThreads` runs of
    /// about equal body bytes: this thread reads the first into `batch`, other threads one each
    /// into batches of their own, which become `batch.parts` in order (the builder adds them as
    /// the same input). Warnings and counts come out as when one thread reads them all.
    ///
    /// Why runs and not a pipeline: a second thread that decoded and parsed while this one mapped
    /// records was tried on the HAR of `make bench-har` and was no faster (the records were read from
    /// another core's cache); runs, each decoded, parsed and mapped on one core, are faster
    /// (Benchmarks/RESULTS.md).
    ///
    /// With `memory`, each run holds, while it reads, what its largest body takes (`bodyMemory`),
    /// taken before any run starts: the parser and buffers a run reads with keep what its largest
    /// body made them grow to. A body that could never fit beside what the reading holds is
    /// skipped (`SkipReason.tooLargeForMemory`); when the runs together could never fit, the bodies
    /// are cut into fewer runs (one always fits).
    private mutating func readBodies(
        _ all: [BodyJob], file: String, memory: MemoryLease?, tally: inout SkipTally, into batch: inout ImportBatch
    ) throws(MemoryShortage) {
        var jobs = all
        let room = memory.map { $0.mostItCouldHold - $0.held } ?? Int.max
        if memory != nil {
            jobs.removeAll { job in
                guard Self.bodyMemory(job) > room else { return false }
                tally.add(.tooLargeForMemory, entry: job.index)
                batch.skipEntry(SkipReason.tooLargeForMemory.rawValue)
                return true
            }
        }
        let totalBytes = jobs.reduce(0) { $0 + $1.text.rawLength }
        var runs = min(bodyThreads, max(1, jobs.count / max(1, splitMinimum.entries / 2)))
        if runs > 1, jobs.count >= splitMinimum.entries, totalBytes >= splitMinimum.bytes {
            while runs > 1, Self.runsMemory(jobs, cuts: Self.cuts(jobs, runs: runs, totalBytes: totalBytes)) > room {
                runs -= 1
            }
        } else {
            runs = 1
        }
        var cuts = runs > 1 ? Self.cuts(jobs, runs: runs, totalBytes: totalBytes) : [0, jobs.count]
        var reserved = memory == nil ? 0 : Self.runsMemory(jobs, cuts: cuts)
        do {
            try memory?.take(reserved)
        } catch .never where runs > 1 {
            // A reading that may not wait (one read alone) meets memory others still hold (archives
            // found inside inputs, kept for the next round): one run, if that is free.
            runs = 1
            cuts = [0, jobs.count]
            reserved = Self.runsMemory(jobs, cuts: cuts)
            try memory?.take(reserved)
        }
        defer { memory?.give(reserved) }
        guard runs > 1 else {
            readJobs(jobs[...], file: file, tally: &tally, into: &batch)
            return
        }
        let inputName = batch.inputName
        let others = (1..<(cuts.count - 1)).map { run in
            let slice = Array(jobs[cuts[run]..<cuts[run + 1]])
            return BackgroundJob<PartResult> {
                var reader = WebCaptureReader(parser: JSONParser(), bodyParser: JSONParser())
                var part = ImportBatch(inputName: inputName, sha256: [])
                var partTally = SkipTally()
                reader.readJobs(slice[...], file: file, tally: &partTally, into: &part)
                return PartResult(
                    batch: part, tally: partTally, entriesRead: reader.entriesRead,
                    firstDescriptions: reader.records.firstDescriptions)
            }
        }
        readJobs(jobs[..<cuts[1]], file: file, tally: &tally, into: &batch)
        for other in others {
            let result = other.join()
            var part = result.batch
            // A video an earlier run described was, for one thread, only seen again here: its
            // posted, mentioned and duetted events come from that earlier run alone.
            let earlier = [batch] + batch.parts
            part.removeEvents(
                in: result.firstDescriptions.compactMap { video, events in
                    earlier.contains { $0.videoRow(id: video).map($0.isDescribed) == true } ? events : nil
                })
            // Counts and warnings belong to the input, in entry order; the part keeps only rows.
            tally.add(result.tally)
            for (kind, count) in result.entriesRead { entriesRead[kind, default: 0] += count }
            for (reason, count) in part.skippedEntries { batch.skippedEntries[reason, default: 0] += count }
            for (kind, count) in part.recordsSetAside { batch.recordsSetAside[kind, default: 0] += count }
            batch.diagnostics.append(contentsOf: part.diagnostics)
            part.skippedEntries = [:]
            part.recordsSetAside = [:]
            part.diagnostics = []
            batch.parts.append(part)
        }
    }

    /// Where `jobs` are cut into `runs` runs: where the running total of body bytes passes each
    /// k/runs of the whole (`totalBytes`). The first cut is 0, the last `jobs.count`.
    private static func cuts(_ jobs: [BodyJob], runs: Int, totalBytes: Int) -> [Int] {
        var cuts = [0]
        var bytes = 0
        for (index, job) in jobs.enumerated() where cuts.count < runs {
            bytes += job.text.rawLength
            if bytes >= totalBytes / runs * cuts.count { cuts.append(index + 1) }
        }
        cuts.append(jobs.count)
        return cuts
    }

    /// What the runs between `cuts` hold at once: each its largest body's `bodyMemory`.
    private static func runsMemory(_ jobs: [BodyJob], cuts: [Int]) -> Int {
        var total = 0
        for run in 0..<(cuts.count - 1) where cuts[run] < cuts[run + 1] {
            let largest = jobs[cuts[run]..<cuts[run + 1]].reduce(0) { max($0, bodyMemory($1)) }
            total = total.addingReportingOverflow(largest).overflow ? Int.max : total + largest
        }
        return total
    }

    /// The memory reading one body may take: the body unescaped and decoded (`body`, at most its
    /// escaped length), the text it is first unescaped into when it is base64 or the JSON a page's
    /// scripts are copied into (`scratch`), and the parse's work space, counted as for any JSON
    /// document (`InputReader.documentWorkspace`). A Research API call's request body is parsed
    /// too, before the response, by the same parser: the larger of the two is counted.
    private static func bodyMemory(_ job: BodyJob) -> Int {
        let text = max(job.text.rawLength, job.requestText?.rawLength ?? 0)
        let (padded, overflow) = text.addingReportingOverflow(PaddedBytes.padding)
        guard !overflow else { return Int.max }
        let copies = job.base64 || job.endpoint == .page || job.endpoint == .research ? 2 : 1
        let (buffers, tooMany) = padded.multipliedReportingOverflow(by: copies)
        let (total, tooLarge) = buffers.addingReportingOverflow(InputReader.documentWorkspace(count: padded))
        return tooMany || tooLarge ? Int.max : total
    }

    /// What a thread reading one run of bodies hands back.
    private struct PartResult: Sendable {
        var batch: ImportBatch
        var tally: SkipTally
        var entriesRead: [String: Int]
        var firstDescriptions: [(video: UInt64, events: Range<Int>)]
    }

    /// How many threads read a large HAR's bodies (see `readBodies`), and from how many entries
    /// with bodies and how many bytes of them on.
    private let bodyThreads: Int
    private let splitMinimum: (entries: Int, bytes: Int)

    private mutating func readJobs(
        _ jobs: ArraySlice<BodyJob>, file: String, tally: inout SkipTally, into batch: inout ImportBatch
    ) {
        for job in jobs {
            // Before the response is parsed: the request names the subject of a Research API page.
            let subject = job.endpoint == .research ? researchSubject(job) : nil
            let reason = decode(job) { decoded in
                readBody(job, decoded, subject: subject, file: file, into: &batch)
            }
            if let reason {
                tally.add(reason, entry: job.index)
                batch.skipEntry(reason.rawValue)
            }
        }
    }

    /// Unescapes and decodes one body into `body`, parses it unless it is a page, and calls
    /// `read` with the outcome (parsed values are valid only inside `read`).
    private func decode<R>(_ job: BodyJob, _ read: (Decoded) -> R) -> R {
        if job.base64 {
            guard har.unescapeText(job.text, into: scratch) else { return read(.badEscape) }
            body.removeAll()
            guard scratch.withUnsafeBytes({ Base64.decode($0, into: body) }) else { return read(.badBase64) }
        } else {
            guard har.unescapeText(job.text, into: body) else { return read(.badEscape) }
        }
        guard body.count > 0 else { return read(.empty) }
        guard job.endpoint != .page else { return read(.page) }
        do {
            return try bodyParser.parse(body) { root in read(.parsed(root)) }
        } catch let error as JSONError {
            return read(.invalid(error))
        } catch {
            return read(.invalid(JSONError(offset: 0, message: "\(error)")))
        }
    }

    /// The records of one body; returns why it yielded nothing, or nil when it yielded records.
    private mutating func readBody(
        _ job: BodyJob, _ decoded: Decoded, subject: String?, file: String, into batch: inout ImportBatch
    ) -> SkipReason? {
        switch decoded {
        case .badBase64:
            return .badBase64
        case .badEscape:
            batch.warn(
                entry: file, position: "log.entries[\(job.index)]",
                "invalid escape in the response text of \(job.url.shown); entry skipped")
            return .invalidJSON
        case .empty:
            return job.status == 200 ? .botAnswer : .emptyBody
        case .page:
            if body.withUnsafeBytes(Self.isBinary) { return .binaryBody }
            records.observed = job.observed
            return readPage(place: "\(file): log.entries[\(job.index)]", url: job.url, html: body, into: &batch)
        case .invalid where job.endpoint == .research && !(200..<300).contains(job.status):
            // A proxy's or gateway's error page instead of the API's JSON error.
            return .httpStatus
        case .invalid(let error):
            // Before truncation: the parser stops early in binary too, which is not a body cut short.
            if body.withUnsafeBytes(Self.isBinary) { return .binaryBody }
            if Self.isTruncation(error, length: body.count, declaredSize: job.declaredSize) { return .bodyTruncated }
            batch.warn(
                entry: file, position: "log.entries[\(job.index)]",
                "invalid JSON in the response body of \(job.url.shown) (offset \(error.offset): \(error.message)); entry skipped"
            )
            return .invalidJSON
        case .parsed(let root) where job.endpoint == .research:
            research.records.observed = job.observed
            switch research.page(
                root, subject: subject, siblingStem: nil, file: file, position: "log.entries[\(job.index)]",
                into: &batch)
            {
            case .read:
                entriesRead[job.endpoint.label, default: 0] += 1
                return nil
            case .error: return .researchError
            case .nothing: return .noRecords
            }
        case .parsed(let root):
            records.observed = job.observed
            let before = records.recordCount
            readResponse(root, endpoint: job.endpoint, url: job.url, into: &batch)
            guard records.recordCount == before else {
                entriesRead[job.endpoint.label, default: 0] += 1
                return nil
            }
            return Self.isErrorStatus(root) ? .errorStatus : .noRecords
        }
    }

    /// Whether a decoded body is binary (an image, protobuf, compressed data) rather than text:
    /// its first bytes hold a control character other than tab, CR, LF and form feed, or are not
    /// UTF-8. Only the start is looked at (a sequence cut at the end of it is allowed): a JSON or
    /// HTML body cut short is still text there.
    static func isBinary(_ body: UnsafeRawBufferPointer) -> Bool {
        let window = UnsafeRawBufferPointer(rebasing: body.prefix(512))
        let isControl = { (byte: UInt8) in
            (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0C && byte != 0x0D) || byte == 0x7F
        }
        if window.contains(where: isControl) { return true }
        // A multi-byte sequence cut by the window is not a fault: drop an incomplete tail.
        var end = window.count
        if end == 512 {
            var back = 0
            while back < 3, end - back > 0, window[end - back - 1] & 0xC0 == 0x80 { back += 1 }
            if end - back > 0, window[end - back - 1] >= 0xC0 { end -= back + 1 }
        }
        return !ArchiveBytes.isValidUTF8(UnsafeRawBufferPointer(rebasing: window[..<end]))
    }

    /// A body cut short (Firefox keeps 1 MiB): the JSON ends early, or the HAR says the response
    /// was longer than the text it kept.
    static func isTruncation(_ error: JSONError, length: Int, declaredSize: Int64) -> Bool {
        if declaredSize > Int64(length) { return true }
        if error.offset >= length - 1 { return true }
        return error.message == "unexpected end of input" || error.message == "unterminated string"
    }

    /// `statusCode`/`status_code` not 0, or a captcha (`verifyConfig`, `type: "verify"`).
    static func isErrorStatus(_ root: JSONValue) -> Bool {
        if let code = root.member("statusCode", "status_code")?.int64, code != 0 { return true }
        if root["verifyConfig"] != nil || root["type"]?.stringEquals("verify") == true { return true }
        return false
    }

    /// Dispatches a parsed API response to the record readers (Docs/web-captures.md, 'Endpoints').
    private mutating func readResponse(
        _ root: JSONValue, endpoint: WebEndpoint, url: WebURL, into batch: inout ImportBatch
    ) {
        switch endpoint {
        case .itemList, .legacy:
            _ = records.itemList(root, into: &batch)
        case .likedList:
            let videos = records.itemList(root, into: &batch)
            if let secUID = url.parameter("secUid"), let owner = batch.account(secUID: secUID) {
                for video in videos {
                    batch.addEvent(actor: owner, kind: .liked, objectType: .video, object: video, time: 0)
                }
            }
        case .itemDetail, .userDetail, .challengeDetail, .musicDetail:
            records.details(root, into: &batch)
        case .mixDetail:
            if let creator = root["mixInfo"]?["creator"] {
                records.user(creator, stats: nil, statsV2: nil, into: &batch)
            }
            _ = records.itemList(root, into: &batch)
        case .comments:
            root["comments"]?.forEachElement { records.comment($0, into: &batch) }
        case .userList:
            readUserList(root, url: url, into: &batch)
        case .userSearch:
            root["user_list"]?.forEachElement { card in
                if let info = card["user_info"] { records.user(info, stats: nil, statsV2: nil, into: &batch) }
            }
        case .page, .research, .unknownAPI, .notData:
            break
        }
    }

    /// `userList[]{user, stats, statsV2}`: with `scene=67` the followers of `secUid`, with
    /// `scene=21` the accounts it follows (Docs/web-captures.md, 'Follow lists'; the follow time is
    /// unknown).
    private mutating func readUserList(_ root: JSONValue, url: WebURL, into batch: inout ImportBatch) {
        let scene = url.parameter("scene")
        let listed = url.parameter("secUid").flatMap { batch.account(secUID: $0) }
        guard let list = root["userList"] ?? root["user_list"] else { return }
        list.forEachElement { element in
            let user = element["user"] ?? element["user_info"] ?? element
            guard let row = records.user(user, stats: element["stats"], statsV2: element["statsV2"], into: &batch),
                let listed, row != listed
            else { return }
            switch scene {
            case "67": batch.addEvent(actor: row, kind: .followed, objectType: .account, object: listed, time: 0)
            case "21": batch.addEvent(actor: listed, kind: .followed, objectType: .account, object: row, time: 0)
            default: break
            }
        }
    }

    // MARK: - Pages

    /// The page in `html` (a HAR body or a saved file): its data scripts, each parsed in `scratch`.
    /// `place` names it in warnings.
    private mutating func readPage(place: String, url: WebURL?, html: PaddedBytes, into batch: inout ImportBatch)
        -> SkipReason?
    {
        let page = html.withUnsafeBytes { HTMLPage.scan($0, into: scratch) }
        guard !page.states.isEmpty else { return page.isChallenge ? .challengePage : .pageWithoutData }
        let before = records.recordCount
        var invalid = false
        for state in page.states {
            do {
                try bodyParser.parse(scratch, range: state.range) { root in
                    switch state.kind {
                    case .universal: records.universalData(root, into: &batch)
                    case .sigi: records.sigiState(root, into: &batch)
                    case .next: records.nextData(root, into: &batch)
                    }
                }
            } catch let error as JSONError {
                invalid = true
                let shown = url.map { " of \($0.shown)" } ?? ""
                batch.warn(
                    entry: nil, position: nil,
                    "\(place): invalid JSON in the \(state.kind.rawValue) script\(shown) (offset \(error.offset): \(error.message))"
                )
            } catch {
                invalid = true
            }
        }
        guard records.recordCount > before else { return invalid ? .invalidJSON : .noRecords }
        entriesRead[WebEndpoint.page.label, default: 0] += 1
        return nil
    }

    /// A saved `.html` page (no observation time).
    private mutating func readPageFile(entryPath: String, bytes: PaddedBytes, into batch: inout ImportBatch) {
        records.observed = 0
        if let reason = readPage(place: entryPath, url: nil, html: bytes, into: &batch) {
            batch.skipEntry(reason.rawValue)
            if reason == .challengePage, let message = reason.warning {
                batch.warn(entry: entryPath, position: nil, "skipped: \(message)")
            }
        } else {
            recognised = true
            layouts.insert("html")
        }
    }

    /// The username a Research API request body (`postData.text`) asks about.
    private func researchSubject(_ job: BodyJob) -> String? {
        guard let text = job.requestText, har.unescapeText(text, into: scratch), scratch.count > 0 else { return nil }
        return (try? bodyParser.parse(scratch) { ResearchReader.subject(ofRequest: $0) }) ?? nil
    }
}
