import WhichtokStore

/// The web captures that are files of their own rather than HAR entries: page states saved as
/// `.json`, Research API files, and Zeeschuimer NDJSON exports.
extension WebCaptureReader {
    // MARK: - Saved page states and Research API files

    /// A page state saved as a `.json` file, read as the same object inside a page is (no
    /// observation time): `__UNIVERSAL_DATA_FOR_REHYDRATION__` whole or its scopes, or `SIGI_STATE`.
    mutating func readPageState(entryPath: String, bytes: PaddedBytes, into batch: inout ImportBatch) {
        records.observed = 0
        let before = records.recordCount
        do {
            try bodyParser.parse(bytes) { root in
                if root["__DEFAULT_SCOPE__"] != nil {
                    records.universalData(root, into: &batch)
                } else if root["ItemModule"] != nil || root["UserModule"] != nil || root["ItemList"] != nil {
                    records.sigiState(root, into: &batch)
                } else {
                    records.universalScopes(root, into: &batch)
                }
            }
        } catch {
            batch.warn(entry: entryPath, position: nil, "could not read the page state: \(error)")
            return
        }
        recognised = true
        layouts.insert("page-state")
        if records.recordCount > before {
            entriesRead[WebEndpoint.page.label, default: 0] += 1
        } else {
            batch.skipEntry(SkipReason.noRecords.rawValue)
        }
    }

    /// A saved Research API response, wrapper, object array or sibling request file.
    mutating func readResearchFile(
        entryPath: String, bytes: PaddedBytes, kind: Kind, into batch: inout ImportBatch
    ) {
        do {
            try bodyParser.parse(bytes) { root in
                if kind == .researchRequest {
                    research.readRequestFile(entryPath: entryPath, root: root)
                } else {
                    research.readFile(entryPath: entryPath, root: root, into: &batch)
                }
            }
        } catch let error as JSONError {
            batch.warn(
                entry: entryPath, position: "offset \(error.offset)", "not valid JSON (\(error.message)); not read")
        } catch {
            batch.warn(entry: entryPath, position: nil, "could not read: \(error)")
        }
    }

    // MARK: - Zeeschuimer NDJSON

    /// One JSON object per line in Zeeschuimer's envelope (Docs/web-captures.md, 'Zeeschuimer
    /// exports'): `source_platform` (`tiktok.com`, `tiktok-comments`), `timestamp_collected` (ms),
    /// `source_url`, `data` (an item or a comment). Lines are parsed in place.
    mutating func readNDJSON(entryPath: String, bytes: PaddedBytes, into batch: inout ImportBatch) {
        var lines: [Range<Int>] = []
        bytes.withUnsafeBytes { raw in
            var start = 0
            for i in 0..<raw.count where raw[i] == 0x0A {
                lines.append(start..<i)
                start = i + 1
            }
            if start < raw.count { lines.append(start..<raw.count) }
        }
        var warnings = 0
        var sawEnvelope = false
        var sawResearch = false
        var invalidLines = 0
        for (number, line) in lines.enumerated() {
            let blank = bytes.withUnsafeBytes { raw in raw[line].allSatisfy { $0 == 0x20 || $0 == 0x0D || $0 == 0x09 } }
            if blank { continue }
            do {
                var researchLine = false
                let reason: SkipReason? = try parser.parse(bytes, range: line) { root in
                    guard root.type == .object else { return .noRecords }
                    if root["source_platform"] != nil || root["item_id"] != nil || root["data"] != nil {
                        sawEnvelope = true
                    } else if let list = ResearchReader.objectKind(root) {
                        // A Research API video or comment (counted by the research reader).
                        sawResearch = true
                        researchLine = true
                        return research.line(root, list: list, into: &batch) ? nil : .noRecords
                    }
                    return readZeeschuimerLine(root, into: &batch)
                }
                if let reason {
                    batch.skipEntry(reason.rawValue)
                } else if !researchLine {
                    entriesRead["items and comments", default: 0] += 1
                }
            } catch let error as JSONError {
                invalidLines += 1
                batch.skipEntry(SkipReason.invalidJSON.rawValue)
                if warnings < 5 {
                    warnings += 1
                    batch.warn(
                        entry: entryPath, position: "line \(number + 1), offset \(error.offset)",
                        "invalid JSON (\(error.message)); line skipped")
                }
            } catch {
                batch.skipEntry(SkipReason.invalidJSON.rawValue)
            }
        }
        if invalidLines > warnings {
            batch.warn(entry: entryPath, position: nil, "\(invalidLines) lines of invalid JSON skipped in all")
        }
        if sawEnvelope {
            recognised = true
            layouts.insert("zeeschuimer")
        } else if !sawResearch {
            batch.error(
                entry: entryPath, position: nil,
                "not a Zeeschuimer export or Research API objects: no line has Zeeschuimer's envelope (source_platform, data) or the API's fields (id, create_time, …)"
            )
        }
    }

    private mutating func readZeeschuimerLine(_ root: JSONValue, into batch: inout ImportBatch) -> SkipReason? {
        if let platform = root["source_platform"]?.string, !platform.lowercased().contains("tiktok") {
            return .otherPlatform
        }
        let data = root["data"] ?? root
        let collected = root.member("timestamp_collected", "last_updated")?.counterValue ?? 0
        records.observed = collected > 0 && collected / 1000 <= UInt64(UInt32.max) ? UInt32(collected / 1000) : 0
        let before = records.recordCount
        if data["cid"] != nil, data.member("aweme_id", "awemeId") != nil {
            records.comment(data, into: &batch)
        } else if let video = records.item(data, into: &batch) {
            // The API URL that carried the item: a liked list names whose likes these are.
            if let source = root["source_url"]?.string, let url = WebURL(source), url.isTikTok,
                WebEndpoint(url: url, mimeType: nil) == .likedList,
                let secUID = url.parameter("secUid"), let owner = batch.account(secUID: secUID)
            {
                batch.addEvent(actor: owner, kind: .liked, objectType: .video, object: video, time: 0)
            }
        }
        return records.recordCount > before ? nil : .noRecords
    }
}
