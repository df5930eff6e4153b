internal import CSimdJSON

/// Invalid JSON: where (byte offset from the start of the input, BOM included) and what.
public struct JSONError: Error, Sendable, CustomStringConvertible {
    /// Byte offset in the input of the first error.
    public var offset: Int
    /// A short message, e.g. "expected ',' or '}'".
    public var message: String

    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "offset \(offset): \(message)" }
}

/// Parses JSON with simdjson's DOM parser. One per thread: it keeps simdjson's buffers across
/// documents. Not to be shared across threads.
public final class JSONParser {
    /// simdjson's largest document (SIMDJSON_MAXSIZE_BYTES, 4 GiB - 1).
    static let maxDocumentSize = 0xFFFF_FFFF
    static let maxDepth = Int(WTJ_MAX_DEPTH)
    /// The most memory simdjson's DOM may take per byte of a document, beside the document: its
    /// structural indexes, tape and string buffer, all sized by the document's length. Measured as
    /// about 11.7 for a document of dense numbers (a 120 MB one took 1.4 GB); the budget counts 12.
    package static let workspaceBytesPerByte = 12
    /// Readable bytes simdjson needs after the input; `PaddedBytes.padding` must be at least this.
    static let requiredPadding = Int(WTJ_REQUIRED_PADDING)

    private var handle: OpaquePointer?
    private var busy = false

    public init() {
        handle = wtj_parser_create()
    }

    deinit {
        if let handle { wtj_parser_destroy(handle) }
    }

    /// The longest document the parser's buffers hold without growing.
    var capacity: Int { handle.map { Int(wtj_parser_capacity($0)) } ?? 0 }

    /// Gives back the buffers kept from the documents parsed so far (the next parse allocates
    /// them again). Not during a parse.
    public func releaseMemory() {
        guard !busy else { return }
        if let handle { wtj_parser_destroy(handle) }
        handle = wtj_parser_create()
    }

    /// Parses `bytes` and calls `body` with the root value. Values are valid only inside `body`
    /// (they point into the parser's buffers); never let them escape. Throws `JSONError` for
    /// invalid JSON; rethrows what `body` throws. A UTF-8 BOM at the start is skipped.
    public func parse<R>(_ bytes: PaddedBytes, _ body: (JSONValue) throws -> R) throws -> R {
        // A nested parse on the same parser would overwrite the tape the outer body is reading.
        if busy { return try JSONParser().parse(bytes, body) }
        busy = true
        defer { busy = false }
        let tape = try bytes.withUnsafeBytes { try parseTape($0) }
        return try body(JSONValue(tape: tape, index: 1))
    }

    /// Parses the bytes of `bytes` in `range` in place (a HAR's JSONP wrapper, one NDJSON line):
    /// the bytes after the range and the buffer's padding are readable, as simdjson needs. Error
    /// offsets count from the start of the range.
    public func parse<R>(_ bytes: PaddedBytes, range: Range<Int>, _ body: (JSONValue) throws -> R) throws -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "range outside the buffer")
        if busy { return try JSONParser().parse(bytes, range: range, body) }
        busy = true
        defer { busy = false }
        let tape = try bytes.withUnsafeBytes { try parseTape(UnsafeRawBufferPointer(rebasing: $0[range])) }
        return try body(JSONValue(tape: tape, index: 1))
    }

    /// Convenience for tests and small inputs: copies `text` into a `PaddedBytes`.
    public func parse<R>(_ text: String, _ body: (JSONValue) throws -> R) throws -> R {
        try parse(PaddedBytes(text), body)
    }

    /// Where the document in `buffer` starts (after a BOM), as simdjson takes it; throws for an
    /// empty document or one over simdjson's size limit.
    static func document(in buffer: UnsafeRawBufferPointer) throws -> (bytes: UnsafePointer<UInt8>, length: Int) {
        let start = bomLength(buffer)
        if let error = sizeError(length: buffer.count - start) { throw error }
        guard let base = buffer.baseAddress, buffer.count > start else {
            throw JSONError(offset: 0, message: "empty input")
        }
        return (base.assumingMemoryBound(to: UInt8.self) + start, buffer.count - start)
    }

    private func parseTape(_ buffer: UnsafeRawBufferPointer) throws -> JSONTape {
        let document = try Self.document(in: buffer)
        guard let handle else { throw JSONError(offset: 0, message: "out of memory (creating the JSON parser)") }
        var out = wtj_tape()
        let code = wtj_parse(handle, document.bytes, document.length, &out)
        if code == Int32(WTJ_SUCCESS), let words = out.words, let strings = out.strings, out.count >= 3 {
            return JSONTape(words: words, wordCount: out.count, strings: strings)
        }
        throw Self.error(code: code, in: buffer, from: buffer.count - document.length)
    }

    /// The error to report for a simdjson error `code` on `buffer`: the position and message of
    /// the first error our own scanner finds, else simdjson's message.
    static func error(code: Int32, in buffer: UnsafeRawBufferPointer, from start: Int) -> JSONError {
        if code == Int32(WTJ_ERROR_MEMALLOC) {
            return JSONError(offset: 0, message: "out of memory (document of \(buffer.count) bytes)")
        }
        if let found = JSONErrorScanner.firstError(buffer, from: start, maxDepth: Self.maxDepth) {
            return found
        }
        let message = wtj_error_message(code).map { String(cString: $0) } ?? "simdjson error \(code)"
        return JSONError(offset: 0, message: message)
    }

    /// 3 if `buffer` starts with a UTF-8 byte order mark, else 0.
    static func bomLength(_ buffer: UnsafeRawBufferPointer) -> Int {
        if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { return 3 }
        return 0
    }

    /// The error for a document simdjson cannot take (over 4 GiB), or nil.
    static func sizeError(length: Int) -> JSONError? {
        guard length > maxDocumentSize else { return nil }
        return JSONError(
            offset: 0,
            message: "document is \(length) bytes, over the 4 GiB (\(maxDocumentSize) bytes) limit of simdjson")
    }
}
