internal import CLibXML2

/// The JSON states a server-rendered TikTok page embeds (Docs/web-captures.md, 'Page states'), found with
/// libxml2's HTML parser: network access off, errors and warnings silent, recovering from bad
/// markup. All raw libxml2 calls of the importer are in this file.
struct HTMLPage {
    enum StateKind: String, Sendable {
        /// `<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__">` (2023-11 →).
        case universal = "__UNIVERSAL_DATA_FOR_REHYDRATION__"
        /// `<script id="SIGI_STATE">` or `window['SIGI_STATE']=…;` (2021-12 → 2023).
        case sigi = "SIGI_STATE"
        /// `<script id="__NEXT_DATA__">` (≤ 2021/22).
        case next = "__NEXT_DATA__"
    }

    /// A state's JSON: `range` of the scratch buffer passed to `scan`.
    struct State {
        var kind: StateKind
        var range: Range<Int>
    }

    var states: [State] = []
    /// The page is TikTok's "Please wait…" JS challenge or a captcha (Docs/web-captures.md,
    /// 'Challenge pages'): skipped, not an error.
    var isChallenge = false

    /// `xmlInitParser` once per process, before any thread parses; `xmlCleanupParser` is never
    /// called (FoundationXML shares libxml2's global state).
    private static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    private static let options: Int32 = {
        let flags =
            HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_RECOVER.rawValue | HTML_PARSE_IGNORE_ENC.rawValue | HTML_PARSE_NODEFDTD.rawValue
        return Int32(bitPattern: UInt32(flags))
    }()

    /// Element ids of the JS challenge page and the captcha container.
    private static let challengeIDs: Set<String> = ["cs", "wci", "rci", "rs", "tiktok-verify-ele"]

    /// Parses `html` (UTF-8) and copies the JSON of each data script into `scratch` (emptied
    /// first), in document order.
    static func scan(_ html: UnsafeRawBufferPointer, into scratch: PaddedBytes) -> HTMLPage {
        _ = initialized
        scratch.removeAll()
        var page = HTMLPage()
        guard let base = html.baseAddress, html.count > 0, html.count <= Int(Int32.max),
            let document = htmlReadMemory(
                base.assumingMemoryBound(to: CChar.self), Int32(html.count), nil, "UTF-8", options)
        else { return page }
        defer { xmlFreeDoc(document) }
        var stack: [xmlNodePtr] = []
        if let root = xmlDocGetRootElement(document) { stack.append(root) }
        var children: [xmlNodePtr] = []
        while let node = stack.popLast() {
            guard node.pointee.type == XML_ELEMENT_NODE else { continue }
            let name = Self.text(node.pointee.name)
            let id = Self.attribute(node, "id")
            if let id, challengeIDs.contains(id) { page.isChallenge = true }
            if name == "script" {
                page.script(node, id: id, scratch: scratch)
            } else if name == "title", Self.childText(node).lowercased().contains("please wait") {
                page.isChallenge = true
            }
            children.removeAll(keepingCapacity: true)
            var child = node.pointee.children
            while let current = child {
                if current.pointee.type == XML_ELEMENT_NODE { children.append(current) }
                child = current.pointee.next
            }
            stack.append(contentsOf: children.reversed())
        }
        if !page.states.isEmpty { page.isChallenge = false }
        return page
    }

    /// Records a data script: by its id, or an inline `window['SIGI_STATE']=` assignment.
    private mutating func script(_ node: xmlNodePtr, id: String?, scratch: PaddedBytes) {
        let kind: StateKind?
        switch id {
        case StateKind.universal.rawValue: kind = .universal
        case StateKind.sigi.rawValue, "sigi-persisted-data": kind = .sigi
        case StateKind.next.rawValue: kind = .next
        default: kind = nil
        }
        let start = scratch.count
        Self.appendChildText(node, to: scratch)
        guard scratch.count > start else { return }
        if let kind {
            states.append(State(kind: kind, range: start..<scratch.count))
            return
        }
        let found: Range<Int>? = scratch.withUnsafeBytes { bytes in
            Self.inlineSIGI(UnsafeRawBufferPointer(rebasing: bytes[start...])).map {
                start + $0.lowerBound..<start + $0.upperBound
            }
        }
        if let found {
            states.append(State(kind: .sigi, range: found))
        } else {
            scratch.truncate(to: start)
        }
    }

    /// The JSON object assigned in `window['SIGI_STATE']={…};window['SIGI_RETRY']=…` (also with
    /// double quotes), found by matching braces outside strings.
    static func inlineSIGI(_ text: UnsafeRawBufferPointer) -> Range<Int>? {
        let markers: [[UInt8]] = [Array("window['SIGI_STATE']".utf8), Array("window[\"SIGI_STATE\"]".utf8)]
        guard let marker = markers.lazy.compactMap({ find($0, in: text) }).first else { return nil }
        var i = marker
        while i < text.count, text[i] != UInt8(ascii: "=") { i += 1 }
        i += 1
        while i < text.count, text[i] == 0x20 || text[i] == 0x09 || text[i] == 0x0A || text[i] == 0x0D { i += 1 }
        guard i < text.count, text[i] == UInt8(ascii: "{") else { return nil }
        let start = i
        var depth = 0
        var inString = false
        while i < text.count {
            let byte = text[i]
            if inString {
                if byte == UInt8(ascii: "\\") { i += 1 } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 { return start..<i + 1 }
            }
            i += 1
        }
        return nil
    }

    /// The index just after the first occurrence of `needle` in `haystack`.
    private static func find(_ needle: [UInt8], in haystack: UnsafeRawBufferPointer) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var i = 0
        while i + needle.count <= haystack.count {
            if haystack[i] == first {
                var matched = true
                for j in 1..<needle.count where haystack[i + j] != needle[j] {
                    matched = false
                    break
                }
                if matched { return i + needle.count }
            }
            i += 1
        }
        return nil
    }

    // MARK: - libxml2 tree access

    private static func text(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }

    /// The value of attribute `name` (its first text child), without allocating a libxml2 copy.
    private static func attribute(_ node: xmlNodePtr, _ name: String) -> String? {
        var attribute = node.pointee.properties
        while let current = attribute {
            if text(current.pointee.name).lowercased() == name {
                return text(current.pointee.children?.pointee.content)
            }
            attribute = current.pointee.next
        }
        return nil
    }

    /// Appends the text and CDATA children of `node` (a script's content) to `buffer`.
    private static func appendChildText(_ node: xmlNodePtr, to buffer: PaddedBytes) {
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_TEXT_NODE || current.pointee.type == XML_CDATA_SECTION_NODE,
                let content = current.pointee.content
            {
                let length = strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))
                buffer.append(UnsafeRawBufferPointer(start: content, count: length))
            }
            child = current.pointee.next
        }
    }

    private static func childText(_ node: xmlNodePtr) -> String {
        var result = ""
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_TEXT_NODE, let content = current.pointee.content {
                result += String(cString: content)
            }
            child = current.pointee.next
        }
        return result
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
