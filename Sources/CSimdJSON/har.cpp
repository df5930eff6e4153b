// The HAR walk: simdjson's On-Demand API over a whole HAR file, see wtj_har_scan in
// include/CSimdJSON.h. Unlike the DOM parse, it copies no response body: each body is handed over
// raw and unescaped later, one at a time, into a buffer the caller reuses.

#define SIMDJSON_EXCEPTIONS 0
#include <simdjson.h>

#include <cstring>
#include <memory>
#include <new>
#include <string_view>
#include <utility>
#include <vector>

#include "CSimdJSON.h"

// `simdjson::ondemand` is the implementation this file is compiled for (without -march flags: the
// portable one), but the part that reads every byte, stage 1, and the string unescaping below use
// the implementation simdjson picks for this CPU at run time, so the walk runs as fast as an AVX2
// build would while the binary still runs on any x86-64 (Benchmarks/RESULTS.md, `make bench-har`).
namespace wtj_ondemand {
namespace od = simdjson::ondemand;

/// The memory one walk has asked its caller for (`wtj_har_reserve`), and what it has touched.
struct meter {
    wtj_har_reserve reserve = nullptr;
    void *context = nullptr;
    size_t granted = 0;
    size_t used = 0;
    bool refused = false;

    /// Counts `count` bytes about to be touched, asking for more when they pass what was granted
    /// (at least WTJ_HAR_RESERVE_STEP at a time, unless `exact`). False when refused.
    bool need(size_t count, bool exact = false) noexcept {
        if (reserve == nullptr) { return true; }
        if (refused) { return false; }
        if (count > SIZE_MAX - used) {
            refused = true;
            return false;
        }
        used += count;
        if (used <= granted) { return true; }
        size_t ask = used - granted;
        if (!exact && ask < WTJ_HAR_RESERVE_STEP) { ask = WTJ_HAR_RESERVE_STEP; }
        if (reserve(context, ask) == 0) {
            refused = true;
            return false;
        }
        granted += ask;
        return true;
    }
};

#include "har_scan.h"
}  // namespace wtj_ondemand

struct wtj_har {
    simdjson::ondemand::parser parser;
    std::vector<wtj_har_entry> entries;
    /// For unescaping bodies with the active implementation's string parser.
    std::unique_ptr<simdjson::internal::dom_parser_implementation> strings;
};

extern "C" wtj_har *wtj_har_create(void) noexcept {
    try {
        std::unique_ptr<wtj_har> har(new (std::nothrow) wtj_har());
        if (!har) { return nullptr; }
        const simdjson::implementation *active = simdjson::get_active_implementation();
        if (active->create_dom_parser_implementation(64, simdjson::DEFAULT_MAX_DEPTH, har->strings) != simdjson::SUCCESS) {
            return nullptr;
        }
        return har.release();
    } catch (...) {
        return nullptr;
    }
}

extern "C" void wtj_har_destroy(wtj_har *har) noexcept {
    try {
        delete har;
    } catch (...) {
    }
}

// What the walk touches, read from simdjson 3.0.1's headers (ondemand::parser::allocate and
// dom_parser_implementation::set_capacity, /usr/include/simdjson.h) and stage 1:
// - the structural index: `new uint32_t[ROUNDUP_N(capacity, 64) + 2 + 7]`, allocated for the whole
//   capacity but written by stage 1 only as far as the structurals it finds, plus the three words
//   after them (the length twice and a 0) and the writes its bit indexer makes ahead of the count
//   (at most 64): 4 bytes per structural, never more than the array;
// - the string buffer: `new uint8_t[ROUNDUP_N(5 * capacity / 3 + SIMDJSON_PADDING, 64)]`, written
//   only when a key or string is unescaped into it (On-Demand unescapes on request, each string
//   just after the one before, never reset during a walk): at most the raw token's length per
//   string, plus at most 64 bytes its SIMD string parser writes past the last;
// - a few KiB for the nesting depth (open_containers, is_array: fixed, not counted).
// A new allocation touches no page until it is written, so the capacity itself costs nothing.
extern "C" size_t wtj_har_index_bytes(size_t bound, size_t length) noexcept {
    const size_t most = (length + 63) / 64 * 64 + 2 + 7;
    const size_t words = bound > most - 64 ? most : bound + 64;
    return words * sizeof(uint32_t) + simdjson::SIMDJSON_PADDING;
}

namespace {
inline bool is_operator(uint8_t byte) noexcept {
    return byte == '{' || byte == '}' || byte == '[' || byte == ']' || byte == ':' || byte == ',' || byte == '"';
}
inline bool is_blank(uint8_t byte) noexcept { return byte == ' ' || byte == '\t' || byte == '\n' || byte == '\r'; }
}  // namespace

#if defined(__SSE2__)
#include <emmintrin.h>
namespace {
inline __m128i operators(__m128i v) noexcept {
    __m128i m = _mm_cmpeq_epi8(v, _mm_set1_epi8('{'));
    m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('}')));
    m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('[')));
    m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8(']')));
    m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8(':')));
    m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8(',')));
    return _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
}
inline __m128i blanks(__m128i v) noexcept {
    __m128i m = _mm_cmpeq_epi8(v, _mm_set1_epi8(' '));
    m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('\t')));
    m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
    return _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('\r')));
}
}  // namespace
#endif

// Stage 1's structurals are its operators `{}[]:,`, each string's opening quote, and the first
// byte of each scalar: a byte that is no operator, quote or whitespace, outside strings, and not
// preceded by such a byte (for invalid input too: `1 2 3` has three). Counted here without telling
// strings apart, which only adds: every operator and quote, and every byte that is none of those
// nor whitespace and follows one of them, whitespace, or the start.
extern "C" size_t wtj_har_structural_bound(const uint8_t *bytes, size_t length) noexcept {
    if (bytes == nullptr || length == 0) { return 0; }
    size_t count = (is_operator(bytes[0]) || !is_blank(bytes[0])) ? 1 : 0;
    size_t i = 1;
#if defined(__SSE2__)
    // 16 bytes at a time, each compared with the byte before it; counts add up in bytes (at most 2
    // per byte per round), summed every 127 rounds.
    const __m128i zero = _mm_setzero_si128();
    while (i + 16 <= length) {
        __m128i sums = zero;
        for (int round = 0; round < 127 && i + 16 <= length; ++round, i += 16) {
            const __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i *>(bytes + i));
            const __m128i before = _mm_loadu_si128(reinterpret_cast<const __m128i *>(bytes + i - 1));
            const __m128i op = operators(here);
            const __m128i separator = _mm_or_si128(op, blanks(here));
            const __m128i after = _mm_or_si128(operators(before), blanks(before));
            const __m128i starts = _mm_andnot_si128(separator, after);
            sums = _mm_sub_epi8(sums, op);
            sums = _mm_sub_epi8(sums, starts);
        }
        const __m128i total = _mm_sad_epu8(sums, zero);
        count += size_t(_mm_cvtsi128_si32(total)) + size_t(_mm_cvtsi128_si32(_mm_srli_si128(total, 8)));
    }
#endif
    for (; i < length; ++i) {
        const uint8_t here = bytes[i], before = bytes[i - 1];
        if (is_operator(here)) {
            ++count;
        } else if (!is_blank(here) && (is_operator(before) || is_blank(before))) {
            ++count;
        }
    }
    return count;
}

extern "C" int wtj_har_scan(
    wtj_har *har, const uint8_t *bytes, size_t length, wtj_har_reserve reserve, void *context,
    wtj_har_result *out) noexcept {
    if (har == nullptr || bytes == nullptr || out == nullptr) { return WTJ_ERROR_INTERNAL; }
    *out = wtj_har_result{};
    if (length > simdjson::SIMDJSON_MAXSIZE_BYTES) { return WTJ_ERROR_CAPACITY; }
    try {
        har->entries.clear();
        wtj_ondemand::meter meter;
        meter.reserve = reserve;
        meter.context = context;
        // Before stage 1 writes a single index: the structural index it can fill.
        if (reserve != nullptr &&
            !meter.need(wtj_har_index_bytes(wtj_har_structural_bound(bytes, length), length), true)) {
            return WTJ_ERROR_BUDGET;
        }
        int code = wtj_ondemand::scan_har(har->parser, bytes, length, har->entries, meter, out);
        if (meter.refused) {
            *out = wtj_har_result{};
            return WTJ_ERROR_BUDGET;
        }
        return code;
    } catch (...) {
        *out = wtj_har_result{};
        return WTJ_ERROR_INTERNAL;
    }
}

extern "C" uint8_t *wtj_unescape(wtj_har *har, const uint8_t *raw, uint8_t *destination) noexcept {
    if (har == nullptr || raw == nullptr || destination == nullptr || !har->strings) { return nullptr; }
    return har->strings->parse_string(raw, destination);
}
