/// Finds the JSON TikTok embeds in its server-rendered pages.
enum PageData {
    static let rehydrationID = "__UNIVERSAL_DATA_FOR_REHYDRATION__"

    /// The text of `<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" …>…</script>`, or nil.
    ///
    /// TikTok escapes `/`, `<` and `>` inside that JSON (`\u002F`, `\u003C`), so the first
    /// `</script>` after the tag ends it.
    static func rehydrationJSON(in html: [UInt8]) -> ArraySlice<UInt8>? {
        let marker = Array(("id=\"" + rehydrationID + "\"").utf8)
        guard let at = find(marker, in: html, from: 0) else { return nil }
        guard let tagEnd = find([UInt8(ascii: ">")], in: html, from: at + marker.count) else { return nil }
        let start = tagEnd + 1
        guard let end = find(Array("</script>".utf8), in: html, from: start) else { return nil }
        return html[start..<end]
    }

    /// Signs of TikTok's bot defences in an HTML page without the data: the web-application
    /// firewall's JavaScript challenge ("Please wait…", `_wafchallengeid`) or a captcha container.
    static func looksLikeChallenge(_ html: [UInt8]) -> Bool {
        let needles = ["_wafchallengeid", "tiktok-verify-ele", "captcha", "verify-bar", "id=\"cs\"", "Please wait"]
        return needles.contains { find(Array($0.utf8), in: html, from: 0) != nil }
    }

    /// The first position of `needle` in `haystack` at or after `start`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, needle.count <= haystack.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first {
                var matched = 1
                while matched < needle.count && haystack[index + matched] == needle[matched] { matched += 1 }
                if matched == needle.count { return index }
            }
            index += 1
        }
        return nil
    }
}
