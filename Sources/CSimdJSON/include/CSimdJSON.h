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

/**
 * Parses `length` bytes at `bytes` in place (no copy). WTJ_REQUIRED_PADDING readable bytes must
 * follow them. On success returns WTJ_SUCCESS and fills `*out`; otherwise returns an error code.
 */
int wtj_parse(wtj_parser *parser, const uint8_t *bytes, size_t length, wtj_tape *out) WTJ_NOEXCEPT;

/** simdjson's message for an error code (static storage). */
const char *wtj_error_message(int code) WTJ_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif
