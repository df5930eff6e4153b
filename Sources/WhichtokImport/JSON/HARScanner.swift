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

/// The entries a walk found, read from the walker's own list one at a time (no copy of the list).
struct HAREntries: RandomAccessCollection {
    fileprivate let base: UnsafePointer<wtj_har_entry>?
    let count: Int

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    subscript(index: Int) -> HAREntry {
        precondition(index >= 0 && index < count, "entry index out of range")
        guard let raw = base?[index] else { preconditionFailure("no entries") }
        return HAREntry(
            isObject: raw.is_object != 0,
            url: HARScanner.view(raw.url, raw.url_length),
            started: HARScanner.view(raw.started, raw.started_length),
            mimeType: HARScanner.view(raw.mime_type, raw.mime_type_length),
            encoding: HARScanner.view(raw.encoding, raw.encoding_length),
            status: raw.status >= 0 ? raw.status : nil,
            size: raw.size >= 0 ? raw.size : nil,
            hasContent: raw.has_content != 0,
            text: raw.has_text != 0 ? raw.text_raw.map { HARText(start: $0, rawLength: raw.text_raw_length) } : nil,
            requestText: raw.has_request_text != 0
                ? raw.request_text_raw.map { HARText(start: $0, rawLength: raw.request_text_raw_length) } : nil)
    }
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
        var entries: HAREntries
    }

    /// Walks the bytes of `bytes` in `range` (the bytes after it and the padding are readable) and
    /// calls `body` with what it found. Throws `JSONError` (with the offset of the first error,
    /// counted from the start of the range) when the file is not valid JSON.
    ///
    /// With a `lease`, every byte the walk touches that grows with the file is taken from it first
    /// and held until `body` returns (see `wtj_har_scan`): simdjson's structural index, 4 bytes for
    /// each structural its stage 1 will find, counted in one pass before it runs (4 bytes per byte
    /// of a file of nothing but `0,`; a capture's bodies are strings, one structural each), then its
    /// string buffer and the entry list as they grow. Throws the `MemoryShortage` of a refusal, and
    /// the walk stops there.
    func scan<R>(
        _ bytes: PaddedBytes, range: Range<Int>, lease: MemoryLease? = nil, _ body: (Result) throws -> R
    ) throws -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "range outside the buffer")
        let taking = lease.map(WalkLease.init)
        defer { taking?.giveBack() }
        return try bytes.withUnsafeBytes { whole in
            let buffer = UnsafeRawBufferPointer(rebasing: whole[range])
            let document = try JSONParser.document(in: buffer)
            guard let handle else { throw JSONError(offset: 0, message: "out of memory (creating the HAR reader)") }
            var out = wtj_har_result()
            let code: Int32
            if let taking {
                code = withExtendedLifetime(taking) {
                    wtj_har_scan(
                        handle, document.bytes, document.length, WalkLease.reserve,
                        Unmanaged.passUnretained(taking).toOpaque(), &out)
                }
            } else {
                code = wtj_har_scan(handle, document.bytes, document.length, nil, nil, &out)
            }
            if code == Int32(WTJ_ERROR_BUDGET) { throw taking?.shortage ?? MemoryShortage.never }
            guard code == Int32(WTJ_SUCCESS) else {
                throw JSONParser.error(code: code, in: buffer, from: buffer.count - document.length)
            }
            return try body(
                Result(
                    hasEntries: out.has_entries != 0, creator: Self.view(out.creator, out.creator_length),
                    entries: HAREntries(base: out.entries, count: out.entries == nil ? 0 : out.count)))
        }
    }

    /// What one walk took from a lease, for `wtj_har_scan`'s `reserve`.
    private final class WalkLease {
        let lease: MemoryLease
        var taken = 0
        var shortage: MemoryShortage?

        init(_ lease: MemoryLease) { self.lease = lease }

        func giveBack() {
            lease.give(taken)
            taken = 0
        }

        static let reserve: wtj_har_reserve = { context, count in
            guard let context else { return 0 }
            let walk = Unmanaged<WalkLease>.fromOpaque(context).takeUnretainedValue()
            do throws(MemoryShortage) {
                try walk.lease.take(count)
            } catch {
                walk.shortage = error
                return 0
            }
            walk.taken += count
            return 1
        }
    }

    fileprivate static func view(_ pointer: UnsafePointer<CChar>?, _ length: Int) -> UnsafeRawBufferPointer? {
        pointer.map { UnsafeRawBufferPointer(start: UnsafeRawPointer($0), count: length) }
    }

    /// The structurals simdjson's stage 1 will find in `bytes`, counted before it runs, that a
    /// walk's first lease is sized by (`wtj_har_structural_count`), and the bytes of structural
    /// index it takes for them.
    static func structuralIndex(_ bytes: UnsafeRawBufferPointer) -> (structurals: Int, indexBytes: Int) {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return (0, 0) }
        let bound = wtj_har_structural_count(base, bytes.count)
        return (bound, wtj_har_index_bytes(bound, bytes.count))
    }

    /// `structuralIndex`'s count with the instructions of at most `widest` (-1: none, a byte at a
    /// time; 0: SSE2; 1: AVX2 where the CPU has it), for checking each.
    static func structuralCount(_ bytes: UnsafeRawBufferPointer, widest: Int32) -> Int {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
        return wtj_har_structural_count_with(base, bytes.count, widest)
    }

    /// simdjson's own count of the structurals in `bytes` (its stage 1), for checking
    /// `structuralIndex`; nil when stage 1 fails on them (not JSON).
    static func stage1Count(_ bytes: PaddedBytes) -> Int? {
        bytes.withUnsafeBytes { raw -> Int? in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
            let count = wtj_har_stage1_count(base, raw.count)
            return count == Int(bitPattern: UInt(UInt64.max)) ? nil : count
        }
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
