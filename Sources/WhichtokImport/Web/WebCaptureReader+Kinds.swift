import WhichtokStore

/// Which entries of an input are web captures, and of which kind: by name, first bytes and, for
/// `.json` files, shape.
extension WebCaptureReader {
    // MARK: - Choosing entries

    enum Kind {
        case har, ndjson, html
        /// A page's state saved bare as `.json`: `SIGI_STATE` or `__UNIVERSAL_DATA_FOR_REHYDRATION__`.
        case pageState
        /// Research API data saved as `.json` (Docs/research-api.md, 'Responses').
        case research
        /// A sibling request file of a saved Research API response (`NAME.request.json`).
        case researchRequest
        /// A CSV export of Research API videos or comments.
        case researchCSV
    }

    /// The kind of web capture an entry is, by name and, for `.json` names, its first bytes
    /// (`{"log":` or Firefox's JSONP `onInputData(`) or, given a parser, its shape (a page state or
    /// Research API data; `user_data*.json` names are left to the archive reader unparsed).
    static func kind(entryPath: String, bytes: PaddedBytes, parser: JSONParser? = nil) -> Kind? {
        let lower = entryPath.lowercased()
        let base = lower.split(separator: "/").last.map(String.init) ?? lower
        if base.hasPrefix("._") || lower.hasPrefix("__macosx/") || Names.contains(lower, "/__macosx/") { return nil }
        if lower.hasSuffix(".har") { return .har }
        if lower.hasSuffix(".ndjson") || lower.hasSuffix(".jsonl") { return .ndjson }
        if lower.hasSuffix(".html") || lower.hasSuffix(".htm") { return .html }
        if lower.hasSuffix(".csv") {
            return bytes.withUnsafeBytes { ResearchCSV.looksLikeResearch($0) } ? .researchCSV : nil
        }
        if lower.hasSuffix(".json") {
            if bytes.withUnsafeBytes({ Self.looksLikeHAR($0) }) { return .har }
            if ResearchReader.isRequestFile(lower) { return .researchRequest }
            guard let parser, base != "user_data.json", base != "user_data_tiktok.json",
                !bytes.withUnsafeBytes(Self.startsWithArchiveRoot)
            else { return nil }
            return (try? parser.parse(bytes) { Self.shape(of: $0) }) ?? nil
        }
        return nil
    }

    /// Whether a JSON object's first key is a root of TikTok's export (`Activity`, `Your Activity`,
    /// …): an export under another name goes to the archive reader without a parse to see its shape.
    static func startsWithArchiveRoot(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = JSONParser.bomLength(bytes)
        func skipBlanks() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 {
                i += 1
            }
        }
        skipBlanks()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return false }
        i += 1
        skipBlanks()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return false }
        i += 1
        let start = i
        while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\") { i += 1 }
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return false }
        return ArchiveSectionIndex.shared.root(matching: UnsafeRawBufferPointer(rebasing: bytes[start..<i])) != nil
    }

    /// What a parsed `.json` file is, by its keys: a page state (`__DEFAULT_SCOPE__`, `webapp.*`
    /// scopes; `ItemModule`, `UserModule`, `ItemList`), Research API data (`data` with `error`, a
    /// `response` wrapper, a bare `data` object with a list, an array of API objects), or neither.
    static func shape(of root: JSONValue) -> Kind? {
        if root.type == .array {
            var kind: Kind?
            root.forEachElement { element in
                if kind == nil, element.type == .object {
                    kind = ResearchReader.objectKind(element) != nil ? .research : nil
                }
            }
            return kind
        }
        guard root.type == .object else { return nil }
        var state = false
        var data = false
        var error = false
        var wrapper = false
        root.forEachMember { key, value in
            if key.isKey("__DEFAULT_SCOPE__") || key.hasPrefixIgnoringCase("webapp.") || key.isKey("ItemModule")
                || key.isKey("UserModule") || key.isKey("ItemList")
            {
                state = true
            } else if key.isKey("data") {
                data = value.type == .object && ResearchList.of(data: value) != nil
            } else if key.isKey("error") {
                error = value.type == .object && value["code"] != nil
            } else if key.isKey("response") {
                wrapper = value.type == .object && (value["data"] != nil || value["error"] != nil)
            }
        }
        if state { return .pageState }
        if data || error || wrapper { return .research }
        if let (list, _) = ResearchList.of(data: root), list != .userInfo,
            root["has_more"] != nil || root["cursor"] != nil
        {
            return .research
        }
        return nil
    }

    /// Whether an entry is a web capture this reader takes (by name and first bytes; see `kind`).
    public static func wants(entryPath: String, bytes: PaddedBytes) -> Bool {
        kind(entryPath: entryPath, bytes: bytes) != nil
    }

    /// `{ "log"` or `onInputData(` after a BOM and blanks.
    static func looksLikeHAR(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = JSONParser.bomLength(bytes)
        func skipBlanks() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 {
                i += 1
            }
        }
        skipBlanks()
        if jsonpStart(bytes, at: i) != nil { return true }
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return false }
        i += 1
        skipBlanks()
        let key = Array("\"log\"".utf8)
        return i + key.count <= bytes.count && (0..<key.count).allSatisfy { bytes[i + $0] == key[$0] }
    }

    /// For Firefox's JSONP export (`onInputData(<json>);`): the offset of the JSON.
    static func jsonpStart(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Int? {
        let prefix = Array("onInputData(".utf8)
        guard index + prefix.count <= bytes.count, (0..<prefix.count).allSatisfy({ bytes[index + $0] == prefix[$0] })
        else {
            return nil
        }
        return index + prefix.count
    }
}
