#ifndef WHICHTOK_CSIMDJSON_H
#define WHICHTOK_CSIMDJSON_H
/*
 * A plain C API over simdjson's DOM parser (libsimdjson-dev 3.0.1).
 *
 * After a successful parse, the caller gets simdjson's tape and string buffer and walks them itself.
 * Tape layout (simdjson 3.x DOM): each word is a type character in bits 56..63 and a payload in
 * bits 0..55.
 *   'r'       root; words[0]'s payload is the word count (the index just past the closing
 *             'r' word); the root value starts at words[1].
 *   '{' '['   payload bits 0..31: index just past the matching '}' / ']' word;
 *             bits 32..55: element/member count, saturated at 0xFFFFFF.
 *   '}' ']'   payload: index of the matching opening word.
 *   '"'       payload: byte offset into the string buffer, where a 32-bit native-endian length
 *             precedes the UTF-8 bytes (which are followed by a NUL).
 *   'l' 'u' 'd'  the next word is the int64 / uint64 / double value (bit pattern).
 *   't' 'f' 'n'  true, false, null.
 * Object members are a '"' key word followed by the value.
 *
 * Nothing here throws: every function returns an error code (simdjson's error_code values).
 */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define WTJ_NOEXCEPT noexcept
extern "C" {
#else
#define WTJ_NOEXCEPT
#endif

/** An opaque simdjson::dom::parser; it keeps (and grows) its buffers across documents. */
typedef struct wtj_parser wtj_parser;

/** The parsed document. Valid until the next wtj_parse or wtj_parser_destroy on the same parser. */
typedef struct wtj_tape {
    const uint64_t *words;
    size_t count;
    const uint8_t *strings;
} wtj_tape;

enum {
    WTJ_SUCCESS = 0,
    /** Document larger than WTJ_MAX_DOCUMENT_SIZE (simdjson's CAPACITY). */
    WTJ_ERROR_CAPACITY = 1,
    /** Out of memory (simdjson's MEMALLOC). */
    WTJ_ERROR_MEMALLOC = 2,
    /** Returned by the shim itself: null arguments, a C++ exception, or a malformed tape. */
    WTJ_ERROR_INTERNAL = 1000,
    /** Returned by wtj_har_scan: the caller's `reserve` refused memory the walk needed. */
    WTJ_ERROR_BUDGET = 1001,
    /** Readable bytes required after the input (simdjson's SIMDJSON_PADDING). */
    WTJ_REQUIRED_PADDING = 64,
    /** simdjson's default (and our) maximum nesting depth. */
    WTJ_MAX_DEPTH = 1024
};

/** The largest document simdjson can parse (SIMDJSON_MAXSIZE_BYTES). */
#define WTJ_MAX_DOCUMENT_SIZE 0xFFFFFFFFull

/** A new parser, or NULL if out of memory. */
wtj_parser *wtj_parser_create(void) WTJ_NOEXCEPT;
void wtj_parser_destroy(wtj_parser *parser) WTJ_NOEXCEPT;

/** The longest document `parser` can parse without allocating again (0 before the first parse). */
size_t wtj_parser_capacity(const wtj_parser *parser) WTJ_NOEXCEPT;

/**
 * Parses `length` bytes at `bytes` in place (no copy). Buffers too small for the document grow to
 * at least twice what they held (see shim.cpp). WTJ_REQUIRED_PADDING readable bytes must
 * follow them. On success returns WTJ_SUCCESS and fills `*out`; otherwise returns an error code.
 */
int wtj_parse(wtj_parser *parser, const uint8_t *bytes, size_t length, wtj_tape *out) WTJ_NOEXCEPT;

/*
 * The HAR walk (har.cpp): simdjson's On-Demand API reads the fields of a HAR 1.2 file that the
 * importer uses, and nothing else. Response bodies stay where they are in the input, still JSON-
 * escaped; wtj_unescape copies one at a time into a buffer of the caller's. Only the structure
 * of the whole file and the UTF-8 of all of it are checked (values the walk skips, such as the
 * headers, are not validated the way a DOM parse would).
 */

/** An opaque HAR walker (an On-Demand parser); it keeps its buffers across files. */
typedef struct wtj_har wtj_har;

/** What the walk found in one `log.entries[i]`. Strings are unescaped UTF-8, NULL when absent or not
 * strings, and valid until the next wtj_har_scan on the same walker. */
typedef struct wtj_har_entry {
    const char *url; size_t url_length;
    const char *started; size_t started_length;
    const char *mime_type; size_t mime_type_length;
    const char *encoding; size_t encoding_length;
    /** `response.content.text` as it is in the input: the byte after its opening quote, and an
     * upper bound of its unescaped length (the raw token's length). Only when has_text. */
    const uint8_t *text_raw; size_t text_raw_length;
    /** `response.status` and `response.content.size`; -1 when absent or not a non-negative integer. */
    int64_t status;
    int64_t size;
    /** 1 when the entry is an object / has a `content` object / a string `text`. */
    int32_t is_object;
    int32_t has_content;
    int32_t has_text;
    /** `request.postData.text` as it is in the input, like `text_raw` (a POST's JSON body, e.g. of
     * the Research API). Only when has_request_text. */
    int32_t has_request_text;
    const uint8_t *request_text_raw; size_t request_text_raw_length;
} wtj_har_entry;

typedef struct wtj_har_result {
    const wtj_har_entry *entries;
    size_t count;
    /** `log.creator.name`, or NULL. */
    const char *creator; size_t creator_length;
    /** 1 when the root holds a `log` object with an `entries` array. */
    int32_t has_entries;
} wtj_har_result;

/** A new walker, or NULL if out of memory. */
wtj_har *wtj_har_create(void) WTJ_NOEXCEPT;
void wtj_har_destroy(wtj_har *har) WTJ_NOEXCEPT;

/** Asked by the walk for `bytes` more bytes of memory before it touches them; returns 1 when they
 * may be had, 0 when not (the walk then stops with WTJ_ERROR_BUDGET). */
typedef int (*wtj_har_reserve)(void *context, size_t bytes);

/** Walks the HAR of `length` bytes at `bytes` (WTJ_REQUIRED_PADDING readable bytes after them).
 * Returns WTJ_SUCCESS and fills `*out`, or an error code (the input is not valid JSON, or too large).
 *
 * Unless `reserve` is NULL, every byte of memory the walk touches that grows with the input is asked
 * for first (`reserve(context, n)`, in steps of at least WTJ_HAR_RESERVE_STEP bytes): simdjson's
 * structural index, from `wtj_har_structural_count` before stage 1 runs; its string buffer, before
 * each key or value is unescaped into it; the entry list, before it grows. A refusal stops the walk
 * with WTJ_ERROR_BUDGET. */
int wtj_har_scan(
    wtj_har *har, const uint8_t *bytes, size_t length, wtj_har_reserve reserve, void *context,
    wtj_har_result *out) WTJ_NOEXCEPT;

/** The smallest step in which wtj_har_scan asks for memory (but the first, and a larger need). */
#define WTJ_HAR_RESERVE_STEP ((size_t)64 << 10)

/** The structural characters simdjson's stage 1 finds in `length` bytes at `bytes` (valid JSON or
 * not): the operators `{ } [ ] : ,` and the first byte of every string (its opening quote) and
 * other value, outside strings. One pass (with AVX2 where the CPU has it, else SSE2) that writes
 * nothing: counted before stage 1 runs, to ask for its index first. */
size_t wtj_har_structural_count(const uint8_t *bytes, size_t length) WTJ_NOEXCEPT;

/** `wtj_har_structural_count` with the instructions of at most `widest` (-1: none, a byte at a
 * time; 0: SSE2; 1: AVX2 where the CPU has it), for tests of each. */
size_t wtj_har_structural_count_with(const uint8_t *bytes, size_t length, int widest) WTJ_NOEXCEPT;

/** simdjson's own count of the same, from its stage 1 (for tests: allocates an index for `length`
 * bytes); SIZE_MAX when stage 1 fails (the bytes are not JSON) or cannot run. */
size_t wtj_har_stage1_count(const uint8_t *bytes, size_t length) WTJ_NOEXCEPT;

/** The bytes wtj_har_scan first asks for on a HAR of `length` bytes with `structurals`
 * structurals (wtj_har_structural_count): simdjson's structural index for that many, plus the
 * slack its writers may use past them, never more than the index it allocates. */
size_t wtj_har_index_bytes(size_t structurals, size_t length) WTJ_NOEXCEPT;

/** Unescapes the JSON string whose content starts at `raw` (just after its opening quote) into
 * `destination`, which has room for the raw length plus WTJ_REQUIRED_PADDING bytes. Returns the end
 * of what it wrote, or NULL for an invalid escape. */
uint8_t *wtj_unescape(wtj_har *har, const uint8_t *raw, uint8_t *destination) WTJ_NOEXCEPT;

/** simdjson's message for an error code (static storage). */
const char *wtj_error_message(int code) WTJ_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif
