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

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#define WTJ_HAVE_AVX2_PATH 1
#endif

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
// A new allocation touches no page until it is written, so the capacity itself costs nothing. The
// padding added below is the string parser's 64 bytes past the last string.
extern "C" size_t wtj_har_index_bytes(size_t structurals, size_t length) noexcept {
    const size_t most = (length + 63) / 64 * 64 + 2 + 7;
    const size_t words = structurals + 64 > most ? most : structurals + 64;
    return words * sizeof(uint32_t) + simdjson::SIMDJSON_PADDING;
}

// The structurals simdjson's stage 1 will find, counted without writing them. What stage 1 takes
// for a structural (its documented behaviour, checked against stage 1 itself by HARMemoryTests with
// `wtj_har_stage1_count`), for any bytes, JSON or not:
// - a backslash escapes the byte after it unless it is itself escaped, so in a run of backslashes
//   they pair up from its start, and the byte after the run is escaped when the run is odd;
// - a quote that is not escaped opens a string or closes one; the bytes after an opening quote, up to
//   and including the closing quote, are the string's and never structural;
// - elsewhere, an operator is structural, and so is a "word" byte (neither operator nor blank:
//   quotes are words) that does not follow a word byte other than a quote: the opening quote of a
//   string, the first byte of a number, literal or anything else.
// Stage 1's SIMD kernels take a byte for an operator when `byte | 0x20` is ',' ':' '{' or '}': the
// six operators, and also form feed (0x0C) and 0x1A. Its scalar fallback takes those two for words;
// counted as operators here, the count is higher by at most one per such byte, never lower.
// The bytes are taken 64 at a time (one bit per byte), the last block padded with spaces as stage 1
// pads it.
namespace {
/// The classes of the bytes of one 64-byte block, one bit per byte.
struct block_classes {
    uint64_t op = 0, blank = 0, quote = 0, backslash = 0;
};

inline bool is_operator(uint8_t byte) noexcept {
    const uint8_t folded = byte | 0x20;
    return folded == ',' || folded == ':' || folded == '{' || folded == '}';
}
inline bool is_blank(uint8_t byte) noexcept { return byte == ' ' || byte == '\t' || byte == '\n' || byte == '\r'; }

/// `classes` of the 64 bytes at `p`, a byte at a time (for machines without SSE2).
inline block_classes classify_bytes(const uint8_t *p) noexcept {
    block_classes c;
    for (int i = 0; i < 64; ++i) {
        const uint64_t bit = uint64_t(1) << i;
        if (is_operator(p[i])) { c.op |= bit; }
        if (is_blank(p[i])) { c.blank |= bit; }
        if (p[i] == '"') { c.quote |= bit; }
        if (p[i] == '\\') { c.backslash |= bit; }
    }
    return c;
}

#if defined(__SSE2__)
/// The classes of the 64 bytes at `p`, sixteen at a time.
inline block_classes classify(const uint8_t *p) noexcept {
    block_classes c;
    for (int k = 0; k < 4; ++k) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + 16 * k));
        const __m128i folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
        const __m128i op = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(folded, _mm_set1_epi8(',')), _mm_cmpeq_epi8(folded, _mm_set1_epi8(':'))),
            _mm_or_si128(_mm_cmpeq_epi8(folded, _mm_set1_epi8('{')), _mm_cmpeq_epi8(folded, _mm_set1_epi8('}'))));
        const __m128i blank = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\t'))),
            _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))));
        const int shift = 16 * k;
        c.op |= uint64_t(uint16_t(_mm_movemask_epi8(op))) << shift;
        c.blank |= uint64_t(uint16_t(_mm_movemask_epi8(blank))) << shift;
        c.quote |= uint64_t(uint16_t(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('"'))))) << shift;
        c.backslash |= uint64_t(uint16_t(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))))) << shift;
    }
    return c;
}
#else
inline block_classes classify(const uint8_t *p) noexcept { return classify_bytes(p); }
#endif

/// Bit i set when an odd number of the bits 0…i of `bits` are set.
inline uint64_t running_parity(uint64_t bits) noexcept {
    for (int shift = 1; shift < 64; shift *= 2) { bits ^= bits << shift; }
    return bits;
}

/// The count so far, and what one block hands to the next.
struct structural_tally {
    size_t count = 0;
    /// The block before ended with a backslash that escapes this block's first byte.
    bool escape_pending = false;
    /// The block before ended inside a string (after its opening quote).
    bool in_string = false;
    /// The block before ended with a word byte other than a quote.
    bool after_word = false;

    /// The bytes of a block that a backslash escapes, given the block's backslashes.
    uint64_t escaped_bytes(uint64_t backslashes) noexcept {
        uint64_t escaped = escape_pending ? 1 : 0;
        escape_pending = false;
        // A backslash escaped from the block before escapes nothing itself.
        uint64_t rest = backslashes & ~escaped;
        if ((rest & (rest << 1)) == 0) {
            // No two side by side (the usual case: `\"` in a body): each escapes the byte after it.
            escape_pending = (rest >> 63) != 0;
            return escaped | rest << 1;
        }
        while (rest != 0) {
            const int start = __builtin_ctzll(rest);
            const uint64_t from_start = rest >> start;
            const int length = ~from_start == 0 ? 64 : __builtin_ctzll(~from_start);
            const int end = start + length;
            if (length % 2 == 1) {
                if (end < 64) {
                    escaped |= uint64_t(1) << end;
                } else {
                    escape_pending = true;
                }
            }
            const uint64_t run = length == 64 ? ~uint64_t(0) : ((uint64_t(1) << length) - 1) << start;
            rest &= ~run;
        }
        return escaped;
    }

    /// Counts the structurals of one block.
    void add(const block_classes &c) noexcept {
        const uint64_t quotes = c.quote & ~escaped_bytes(c.backslash);
        // Bit i: byte i comes after an opening quote whose string is not closed before byte i (the
        // opening quote itself included, the closing one not).
        const uint64_t opened = running_parity(quotes) ^ (in_string ? ~uint64_t(0) : 0);
        in_string = (opened >> 63) != 0;
        // A string's own bytes: after its opening quote, up to its closing quote included.
        const uint64_t string_bytes = opened ^ quotes;
        const uint64_t words = ~(c.op | c.blank);
        const uint64_t plain_words = words & ~quotes;
        const uint64_t after_plain_word = plain_words << 1 | (after_word ? 1 : 0);
        after_word = (plain_words >> 63) != 0;
        const uint64_t structural = (c.op | (words & ~after_plain_word)) & ~string_bytes;
        count += size_t(__builtin_popcountll(structural));
    }
};

#if defined(WTJ_HAVE_AVX2_PATH)
/// The whole blocks from `i` on, classified 32 bytes at a time with AVX2 (only called where the CPU
/// has it).
__attribute__((target("avx2"))) void count_avx2(
    const uint8_t *bytes, size_t length, size_t &i, structural_tally &tally) noexcept {
    const __m256i fold = _mm256_set1_epi8(0x20);
    structural_tally local = tally;  // in registers for the loop
    for (; i + 64 <= length; i += 64) {
        block_classes c;
        for (int half = 0; half < 2; ++half) {
            const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(bytes + i + 32 * half));
            const __m256i folded = _mm256_or_si256(v, fold);
            const __m256i op = _mm256_or_si256(
                _mm256_or_si256(
                    _mm256_cmpeq_epi8(folded, _mm256_set1_epi8(',')), _mm256_cmpeq_epi8(folded, _mm256_set1_epi8(':'))),
                _mm256_or_si256(
                    _mm256_cmpeq_epi8(folded, _mm256_set1_epi8('{')), _mm256_cmpeq_epi8(folded, _mm256_set1_epi8('}'))));
            const __m256i blank = _mm256_or_si256(
                _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(' ')), _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\t'))),
                _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('\n')), _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\r'))));
            const int shift = 32 * half;
            c.op |= uint64_t(uint32_t(_mm256_movemask_epi8(op))) << shift;
            c.blank |= uint64_t(uint32_t(_mm256_movemask_epi8(blank))) << shift;
            c.quote |= uint64_t(uint32_t(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('"'))))) << shift;
            c.backslash |= uint64_t(uint32_t(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('\\')))))
                           << shift;
        }
        local.add(c);
    }
    tally = local;
}
#endif
}  // namespace

extern "C" size_t wtj_har_structural_count_with(const uint8_t *bytes, size_t length, int widest) noexcept {
    if (bytes == nullptr || length == 0) { return 0; }
    structural_tally tally;
    size_t i = 0;
#if defined(WTJ_HAVE_AVX2_PATH)
    if (widest >= 1 && __builtin_cpu_supports("avx2")) {
        count_avx2(bytes, length, i, tally);
    }
#endif
    for (; i + 64 <= length; i += 64) { tally.add(widest >= 0 ? classify(bytes + i) : classify_bytes(bytes + i)); }
    if (i < length) {
        uint8_t last[64];
        std::memset(last, ' ', sizeof last);
        std::memcpy(last, bytes + i, length - i);
        tally.add(classify_bytes(last));
    }
    return tally.count;
}

extern "C" size_t wtj_har_structural_count(const uint8_t *bytes, size_t length) noexcept {
    return wtj_har_structural_count_with(bytes, length, 1);
}

extern "C" size_t wtj_har_stage1_count(const uint8_t *bytes, size_t length) noexcept {
    if (bytes == nullptr || length == 0 || length > simdjson::SIMDJSON_MAXSIZE_BYTES) { return SIZE_MAX; }
    try {
        std::unique_ptr<simdjson::internal::dom_parser_implementation> stage1;
        if (simdjson::get_active_implementation()->create_dom_parser_implementation(
                length, simdjson::DEFAULT_MAX_DEPTH, stage1) != simdjson::SUCCESS) {
            return SIZE_MAX;
        }
        // Its count is kept only when it succeeds (no unclosed string, control character in a string
        // or invalid UTF-8), though it writes its index all the same before it fails.
        if (stage1->stage1(bytes, length, simdjson::stage1_mode::regular) != simdjson::SUCCESS) { return SIZE_MAX; }
        return stage1->n_structural_indexes;
    } catch (...) {
        return SIZE_MAX;
    }
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
            !meter.need(wtj_har_index_bytes(wtj_har_structural_count(bytes, length), length), true)) {
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
