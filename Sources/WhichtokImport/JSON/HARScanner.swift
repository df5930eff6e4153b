internal import CSimdJSON

/// One `log.entries[i]` of a HAR, as `HARScanner` found it. Its byte views point into the HAR's
/// buffer and the scanner's own buffers: valid only inside the `scan` call that produced it.
struct HAREntry {
    /// Whether the entry is a JSON object at all.
    var isObject: Bool
    var url: UnsafeRawBufferPointer?
    var started: UnsafeRawBufferPointer?
    var mimeType: UnsafeRawBufferPointer?
    var encoding: UnsafeRawBufferPointer?
    /// `response.status` and `response.content.size`, nil when absent or not a non-negative integer.
    var status: Int64?
    var size: Int64?
    var hasContent: Bool
    /// `response.content.text`, still JSON-escaped: `HARScanner.unescapeText` decodes it.
    var text: HARText?
    /// `request.postData.text` (a POST's body), still JSON-escaped like `text`.
    var requestText: HARText? = nil
}

/// The still-escaped text of a response body inside the HAR's buffer.
struct HARText: @unchecked Sendable {
    /// The first byte after the opening quote.
    let start: UnsafePointer<UInt8>
    /// At least the unescaped length (the raw token's length).
    let rawLength: Int
}

/// Walks a whole HAR file with simdjson's On-Demand API (`wtj_har_scan`): the few fields the
/// importer reads from each entry, with no copy of any response body. A DOM parse of a large
/// capture spends over half its time faulting in fresh memory for the unescaped copies of its
/// bodies; this walk leaves the bodies in place, and they are unescaped later, one by one, into a
/// reused buffer (`unescapeText`, simdjson's SIMD string parser). Figures: Benchmarks/RESULTS.md,
/// `make bench-har`.
///
/// Only the structure of the whole file and the UTF-8 of all of it are checked: a value the walk
/// skips (a header, a timing) is not validated the way a DOM parse validates it.
///
/// One scanner per thread.
final class HARScanner: @unchecked Sendable {
    private let handle: OpaquePointer?

    init() { handle = wtj_har_create() }

    deinit {
        if let handle { wtj_har_destroy(handle) }
    }

    struct Result {
        /// The root is an object with a `log` object holding an `entries` array.
        var hasEntries: Bool
        var creator: UnsafeRawBufferPointer?
        var entries: [HAREntry]
    }

    /// Walks the bytes of `bytes` in `range` (the bytes after it and the padding are readable) and
    /// calls `body` with what it found. Throws `JSONError` (with the offset of the first error,
    /// counted from the start of the range) when the file is not valid JSON.
    func scan<R>(_ bytes: PaddedBytes, range: Range<Int>, _ body: (Result) throws -> R) throws -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "range outside the buffer")
        return try bytes.withUnsafeBytes { whole in
            let buffer = UnsafeRawBufferPointer(rebasing: whole[range])
            let document = try JSONParser.document(in: buffer)
            guard let handle else { throw JSONError(offset: 0, message: "out of memory (creating the HAR reader)") }
            var out = wtj_har_result()
            let code = wtj_har_scan(handle, document.bytes, document.length, &out)
            guard code == Int32(WTJ_SUCCESS) else {
                throw JSONParser.error(code: code, in: buffer, from: buffer.count - document.length)
            }
            var entries: [HAREntry] = []
            entries.reserveCapacity(out.count)
            if let list = out.entries {
                for i in 0..<out.count {
                    let raw = list[i]
                    entries.append(
                        HAREntry(
                            isObject: raw.is_object != 0,
                            url: Self.view(raw.url, raw.url_length),
                            started: Self.view(raw.started, raw.started_length),
                            mimeType: Self.view(raw.mime_type, raw.mime_type_length),
                            encoding: Self.view(raw.encoding, raw.encoding_length),
                            status: raw.status >= 0 ? raw.status : nil,
                            size: raw.size >= 0 ? raw.size : nil,
                            hasContent: raw.has_content != 0,
                            text: raw.has_text != 0
                                ? raw.text_raw.map { HARText(start: $0, rawLength: raw.text_raw_length) } : nil,
                            requestText: raw.has_request_text != 0
                                ? raw.request_text_raw.map {
                                    HARText(start: $0, rawLength: raw.request_text_raw_length)
                                } : nil))
                }
            }
            return try body(
                Result(
                    hasEntries: out.has_entries != 0, creator: Self.view(out.creator, out.creator_length),
                    entries: entries))
        }
    }

    private static func view(_ pointer: UnsafePointer<CChar>?, _ length: Int) -> UnsafeRawBufferPointer? {
        pointer.map { UnsafeRawBufferPointer(start: UnsafeRawPointer($0), count: length) }
    }

    /// Unescapes `text` into `buffer` (replacing its content). False for an invalid escape.
    /// Valid only while the HAR's buffer is alive (inside `scan`'s body).
    func unescapeText(_ text: HARText, into buffer: PaddedBytes) -> Bool {
        guard let handle else { return false }
        buffer.removeAll()
        var ok = false
        buffer.appendInPlace(minimum: text.rawLength + PaddedBytes.padding) { free in
            guard let destination = free.baseAddress?.assumingMemoryBound(to: UInt8.self),
                let end = wtj_unescape(handle, text.start, destination)
            else { return 0 }
            let written = end - destination
            guard written >= 0, written <= text.rawLength else { return 0 }
            ok = true
            return written
        }
        return ok
    }
}
