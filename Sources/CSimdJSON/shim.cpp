// C shim over simdjson's DOM parser. See include/CSimdJSON.h for the API and the tape layout.
//
// Exceptions: simdjson's throwing API is compiled out (SIMDJSON_EXCEPTIONS=0) and only its
// error-code API is used. libsimdjson itself allocates with `new (std::nothrow)`; as a last guard
// every entry point is noexcept and catches anything, so no C++ exception can reach Swift.

#define SIMDJSON_EXCEPTIONS 0
#include <simdjson.h>

#include <new>
#include <stdint.h>
#include <sys/mman.h>

#include "CSimdJSON.h"

#if SIMDJSON_EXCEPTIONS
#error "simdjson must be compiled without its exception API here"
#endif

static_assert(simdjson::SUCCESS == WTJ_SUCCESS, "error code mismatch");
static_assert(simdjson::CAPACITY == WTJ_ERROR_CAPACITY, "error code mismatch");
static_assert(simdjson::MEMALLOC == WTJ_ERROR_MEMALLOC, "error code mismatch");
static_assert(simdjson::NUM_ERROR_CODES < WTJ_ERROR_INTERNAL, "error code clash");
static_assert(simdjson::SIMDJSON_PADDING == WTJ_REQUIRED_PADDING, "padding mismatch");
static_assert(simdjson::DEFAULT_MAX_DEPTH == WTJ_MAX_DEPTH, "depth mismatch");
static_assert(simdjson::SIMDJSON_MAXSIZE_BYTES == WTJ_MAX_DOCUMENT_SIZE, "size limit mismatch");

struct wtj_parser {
    simdjson::dom::parser parser;
};

extern "C" wtj_parser *wtj_parser_create(void) noexcept {
    try {
        return new (std::nothrow) wtj_parser();
    } catch (...) {
        return nullptr;
    }
}

extern "C" void wtj_parser_destroy(wtj_parser *parser) noexcept {
    try {
        delete parser;
    } catch (...) {
    }
}

// Asks for huge pages (Linux transparent huge pages, in their default `madvise` mode) for the
// 2 MiB-aligned part of a buffer: the parser's buffers are written from their start for each
// document, and a large document touches tens of MB of them, one page fault per 4 KiB otherwise.
// Only a hint. The same as CMalloc's `whichtok_advise_huge_pages`, which this C++ target cannot
// include.
static void advise_huge_pages(const void *start, size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const uintptr_t huge = uintptr_t(2) << 20;
    const uintptr_t first = (uintptr_t(start) + huge - 1) & ~(huge - 1);
    const uintptr_t end = (uintptr_t(start) + bytes) & ~(huge - 1);
    if (start != nullptr && end > first) { (void)madvise(reinterpret_cast<void *>(first), end - first, MADV_HUGEPAGE); }
#else
    (void)start;
    (void)bytes;
#endif
}

// The parser's three large buffers, as simdjson 3.0 sizes them for its capacities: the structural
// indexes (4 bytes per byte of capacity), the tape (8 bytes per byte) and the strings (5/3 byte
// per byte); each hint covers no more than the buffer.
static void advise_huge_pages(simdjson::dom::parser &parser) noexcept {
    const size_t held = parser.capacity();
    const size_t document = parser.doc.capacity();
    if (parser.implementation) { advise_huge_pages(parser.implementation->structural_indexes.get(), held * 4); }
    advise_huge_pages(parser.doc.tape.get(), document * 8);
    advise_huge_pages(parser.doc.string_buf.get(), document / 3 * 5);
}

// Room for a document of `length` bytes. simdjson alone grows its buffers to exactly the length of
// each document longer than any before, so a parser fed longer and longer documents allocates (and
// faults in) its buffers again each time. Grown here instead to at least twice what they held,
// which touches no more memory (the buffers are written from their start, only as far as a
// document needs), only reserves more address space; when that much cannot be had, exactly
// `length`.
static int grow_room(simdjson::dom::parser &parser, size_t length) noexcept {
    const size_t wanted = length < simdjson::dom::MINIMAL_DOCUMENT_CAPACITY ? simdjson::dom::MINIMAL_DOCUMENT_CAPACITY : length;
    if (parser.capacity() >= wanted && parser.doc.capacity() >= wanted) { return WTJ_SUCCESS; }
    const size_t held = parser.capacity();
    const size_t most = simdjson::SIMDJSON_MAXSIZE_BYTES;
    const size_t doubled = held > most / 2 ? most : held * 2;
    if (doubled > wanted) {
        if (parser.doc.allocate(doubled) == simdjson::SUCCESS &&
            parser.allocate(doubled, parser.max_depth()) == simdjson::SUCCESS) {
            return WTJ_SUCCESS;
        }
    }
    // Exactly what this document needs (or what is left after a failed doubling).
    if (parser.doc.capacity() < wanted) {
        auto error = parser.doc.allocate(wanted);
        if (error != simdjson::SUCCESS) { return int(error); }
    }
    if (parser.capacity() < wanted) {
        auto error = parser.allocate(wanted, parser.max_depth());
        if (error != simdjson::SUCCESS) { return int(error); }
    }
    return WTJ_SUCCESS;
}

// `grow_room`, and huge pages asked for the buffers it allocated.
static int ensure_room(simdjson::dom::parser &parser, size_t length) noexcept {
    const size_t held = parser.capacity();
    const size_t document = parser.doc.capacity();
    const int result = grow_room(parser, length);
    if (parser.capacity() != held || parser.doc.capacity() != document) { advise_huge_pages(parser); }
    return result;
}

extern "C" size_t wtj_parser_capacity(const wtj_parser *parser) noexcept {
    if (parser == nullptr) { return 0; }
    const size_t held = parser->parser.capacity();
    const size_t document = parser->parser.doc.capacity();
    return held < document ? held : document;
}

extern "C" int wtj_parse(wtj_parser *parser, const uint8_t *bytes, size_t length, wtj_tape *out) noexcept {
    if (parser == nullptr || bytes == nullptr || out == nullptr) { return WTJ_ERROR_INTERNAL; }
    *out = wtj_tape{nullptr, 0, nullptr};
    if (length > simdjson::SIMDJSON_MAXSIZE_BYTES) { return WTJ_ERROR_CAPACITY; }
    try {
        int room = ensure_room(parser->parser, length);
        if (room != WTJ_SUCCESS) { return room; }
        simdjson::dom::element root;
        // realloc_if_needed = false: parse in place; the caller guarantees the padding.
        auto error = parser->parser.parse(bytes, length, false).get(root);
        if (error != simdjson::SUCCESS) { return int(error); }
        const simdjson::dom::document &doc = parser->parser.doc;
        const uint64_t *tape = doc.tape.get();
        if (tape == nullptr || doc.string_buf.get() == nullptr) { return WTJ_ERROR_INTERNAL; }
        if ((tape[0] >> 56) != 'r') { return WTJ_ERROR_INTERNAL; }
        // The opening root word's payload is the word count: the index just past the closing
        // root word. (simdjson 3.0.1's own dump_raw_tape misreads this as the closing word's index.)
        const uint64_t count = tape[0] & simdjson::internal::JSON_VALUE_MASK;
        if (count < 3 || (tape[count - 1] >> 56) != 'r') { return WTJ_ERROR_INTERNAL; }
        out->words = tape;
        out->count = size_t(count);
        out->strings = doc.string_buf.get();
        return WTJ_SUCCESS;
    } catch (...) {
        return WTJ_ERROR_INTERNAL;
    }
}

extern "C" const char *wtj_error_message(int code) noexcept {
    if (code == WTJ_ERROR_INTERNAL) { return "internal error in the simdjson shim"; }
    if (code < 0 || code >= int(simdjson::NUM_ERROR_CODES)) { return "unknown simdjson error"; }
    return simdjson::error_message(simdjson::error_code(code));
}
