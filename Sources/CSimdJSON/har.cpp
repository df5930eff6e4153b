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

// simdjson's stage 1, counted: the structurals it will write for these bytes, found the way it
// finds them (simdjson 3.0.1, src/generic/stage1/json_scanner.h, json_string_scanner.h), 64 bytes at
// a time, the last block padded with spaces as stage 1 pads it:
// - a quote is a quote unless an odd run of backslashes precedes it; `in_string` is the prefix XOR
//   of the quotes (opening quote in, closing quote out), carried from block to block;
// - a structural is an operator `{}[]:,`, or a "scalar" byte (neither operator nor whitespace:
//   quotes included) not preceded by a non-quote scalar byte, outside a string's tail (the bytes
//   after its opening quote, closing quote included).
// That is the opening quote of every string and the first byte of every other value, whatever the
// input holds (invalid JSON too). Checked against simdjson's own stage 1 by HARMemoryTests
// (`wtj_har_stage1_count`).
namespace {
struct block_masks {
    uint64_t op = 0, blank = 0, quote = 0, backslash = 0;
};

// Stage 1's classes, as its SIMD implementations (westmere, haswell, icelake) find them with two
// table look-ups: whitespace is ' ' '\t' '\n' '\r'; an operator is a byte that `| 0x20` turns into
// ',' ':' '{' or '}', which takes in '[' ']' and also form feed (0x0C) and 0x1A. (Its scalar
// fallback takes those two for scalars: counted here as operators, a count one higher at most per
// such byte, never lower.)
inline bool is_operator(uint8_t byte) noexcept {
    const uint8_t folded = byte | 0x20;
    return folded == ',' || folded == ':' || folded == '{' || folded == '}';
}
inline bool is_blank(uint8_t byte) noexcept { return byte == ' ' || byte == '\t' || byte == '\n' || byte == '\r'; }

#if defined(__SSE2__)
/// The classes of the 16 bytes at `p`, one bit per byte, at bit `shift` on.
inline void classify16(const uint8_t *p, int shift, block_masks &m) noexcept {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
    const __m128i folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
    __m128i op = _mm_cmpeq_epi8(folded, _mm_set1_epi8(','));
    op = _mm_or_si128(op, _mm_cmpeq_epi8(folded, _mm_set1_epi8(':')));
    op = _mm_or_si128(op, _mm_cmpeq_epi8(folded, _mm_set1_epi8('{')));
    op = _mm_or_si128(op, _mm_cmpeq_epi8(folded, _mm_set1_epi8('}')));
    __m128i blank = _mm_cmpeq_epi8(v, _mm_set1_epi8(' '));
    blank = _mm_or_si128(blank, _mm_cmpeq_epi8(v, _mm_set1_epi8('\t')));
    blank = _mm_or_si128(blank, _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
    blank = _mm_or_si128(blank, _mm_cmpeq_epi8(v, _mm_set1_epi8('\r')));
    m.op |= uint64_t(uint16_t(_mm_movemask_epi8(op))) << shift;
    m.blank |= uint64_t(uint16_t(_mm_movemask_epi8(blank))) << shift;
    m.quote |= uint64_t(uint16_t(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('"'))))) << shift;
    m.backslash |= uint64_t(uint16_t(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))))) << shift;
}
#endif

/// The classes of the 64 bytes at `p`, one bit per byte.
inline block_masks classify(const uint8_t *p) noexcept {
    block_masks m;
#if defined(__SSE2__)
    for (int k = 0; k < 4; ++k) { classify16(p + 16 * k, 16 * k, m); }
#else
    for (int i = 0; i < 64; ++i) {
        const uint64_t bit = uint64_t(1) << i;
        if (is_operator(p[i])) { m.op |= bit; }
        if (is_blank(p[i])) { m.blank |= bit; }
        if (p[i] == '"') { m.quote |= bit; }
        if (p[i] == '\\') { m.backslash |= bit; }
    }
#endif
    return m;
}

inline uint64_t prefix_xor(uint64_t x) noexcept {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    return x;
}

/// What stage 1 carries from one block to the next.
struct stage1_counter {
    uint64_t prev_escaped = 0;
    uint64_t prev_in_string = 0;
    uint64_t prev_scalar = 0;
    size_t count = 0;

    /// The bytes escaped by a backslash (simdjson's find_escaped: a block without backslashes
    /// only passes the carry on; the others, find_escaped_branchless).
    uint64_t escaped(uint64_t backslash) noexcept {
        if (backslash == 0) {
            const uint64_t escaped = prev_escaped;
            prev_escaped = 0;
            return escaped;
        }
        backslash &= ~prev_escaped;
        const uint64_t follows_escape = backslash << 1 | prev_escaped;
        const uint64_t even_bits = 0x5555555555555555ULL;
        const uint64_t odd_sequence_starts = backslash & ~even_bits & ~follows_escape;
        uint64_t sequences_starting_on_even_bits;
        prev_escaped = __builtin_add_overflow(odd_sequence_starts, backslash, &sequences_starting_on_even_bits) ? 1 : 0;
        const uint64_t invert_mask = sequences_starting_on_even_bits << 1;
        return (even_bits ^ invert_mask) & follows_escape;
    }

    /// The quotes of the block of `m` that are not escaped.
    uint64_t quotes(const block_masks &m) noexcept { return m.quote & ~escaped(m.backslash); }

    /// Counts the block of `m`, given its `quote`s and their prefix XOR.
    void add(const block_masks &m, uint64_t quote, uint64_t prefix) noexcept {
        const uint64_t in_string = prefix ^ prev_in_string;
        prev_in_string = uint64_t(int64_t(in_string) >> 63);
        const uint64_t scalar = ~(m.op | m.blank);
        const uint64_t nonquote_scalar = scalar & ~quote;
        const uint64_t follows_nonquote_scalar = nonquote_scalar << 1 | prev_scalar;
        prev_scalar = nonquote_scalar >> 63;
        const uint64_t starts = (m.op | (scalar & ~follows_nonquote_scalar)) & ~(in_string ^ quote);
        count += size_t(__builtin_popcountll(starts));
    }

    void add(const block_masks &m) noexcept {
        const uint64_t quote = quotes(m);
        add(m, quote, prefix_xor(quote));
    }
};
}  // namespace

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#define WTJ_HAVE_AVX2_PATH 1
namespace {
/// The whole blocks from `i` on, 64 bytes at a time with AVX2 and stage 1's own table look-ups
/// (haswell's json_character_block::classify). Only called where the CPU has AVX2, PCLMULQDQ
/// and POPCNT.
__attribute__((target("avx2,pclmul,popcnt"))) void count_avx2(const uint8_t *bytes, size_t length, size_t &i, stage1_counter &counter) noexcept {
    const __m256i blanks = _mm256_setr_epi8(
        ' ', 100, 100, 100, 17, 100, 113, 2, 100, '\t', '\n', 112, 100, '\r', 100, 100, ' ', 100, 100, 100, 17, 100,
        113, 2, 100, '\t', '\n', 112, 100, '\r', 100, 100);
    const __m256i operators = _mm256_setr_epi8(
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ':', '{', ',', '}', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ':', '{', ',', '}', 0, 0);
    const __m256i fold = _mm256_set1_epi8(0x20), quote = _mm256_set1_epi8('"'), backslash = _mm256_set1_epi8('\\');
    const __m128i ones = _mm_set1_epi8(static_cast<char>(0xFF));
    // A copy in registers, not through the reference, for the loop.
    stage1_counter local = counter;
    for (; i + 64 <= length; i += 64) {
        block_masks m;
        for (int half = 0; half < 2; ++half) {
            const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(bytes + i + 32 * half));
            const int shift = 32 * half;
            const __m256i op = _mm256_cmpeq_epi8(_mm256_shuffle_epi8(operators, v), _mm256_or_si256(v, fold));
            const __m256i blank = _mm256_cmpeq_epi8(_mm256_shuffle_epi8(blanks, v), v);
            m.op |= uint64_t(uint32_t(_mm256_movemask_epi8(op))) << shift;
            m.blank |= uint64_t(uint32_t(_mm256_movemask_epi8(blank))) << shift;
            m.quote |= uint64_t(uint32_t(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, quote)))) << shift;
            m.backslash |= uint64_t(uint32_t(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, backslash)))) << shift;
        }
        // The prefix XOR in one carry-less multiplication by all ones, as stage 1 does it.
        const uint64_t quotes = local.quotes(m);
        const __m128i product = _mm_clmulepi64_si128(_mm_set_epi64x(0, int64_t(quotes)), ones, 0);
        local.add(m, quotes, uint64_t(_mm_cvtsi128_si64(product)));
    }
    counter = local;
}

/// The same with AVX-512 (icelake's classify: the comparisons give the bit masks directly). Only
/// called where the CPU has AVX-512 BW, PCLMULQDQ and POPCNT.
__attribute__((target("avx512f,avx512bw,pclmul,popcnt"))) void count_avx512(
    const uint8_t *bytes, size_t length, size_t &i, stage1_counter &counter) noexcept {
    const __m512i blanks = _mm512_broadcast_i32x4(
        _mm_setr_epi8(' ', 100, 100, 100, 17, 100, 113, 2, 100, '\t', '\n', 112, 100, '\r', 100, 100));
    const __m512i operators =
        _mm512_broadcast_i32x4(_mm_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ':', '{', ',', '}', 0, 0));
    const __m512i fold = _mm512_set1_epi8(0x20), quote = _mm512_set1_epi8('"'), backslash = _mm512_set1_epi8('\\');
    const __m128i ones = _mm_set1_epi8(static_cast<char>(0xFF));
    stage1_counter local = counter;
    for (; i + 64 <= length; i += 64) {
        const __m512i v = _mm512_loadu_si512(bytes + i);
        block_masks m;
        m.op = _mm512_cmpeq_epi8_mask(_mm512_shuffle_epi8(operators, v), _mm512_or_si512(v, fold));
        m.blank = _mm512_cmpeq_epi8_mask(_mm512_shuffle_epi8(blanks, v), v);
        m.quote = _mm512_cmpeq_epi8_mask(v, quote);
        m.backslash = _mm512_cmpeq_epi8_mask(v, backslash);
        const uint64_t quotes = local.quotes(m);
        const __m128i product = _mm_clmulepi64_si128(_mm_set_epi64x(0, int64_t(quotes)), ones, 0);
        local.add(m, quotes, uint64_t(_mm_cvtsi128_si64(product)));
    }
    counter = local;
}
}  // namespace
#endif

extern "C" size_t wtj_har_structural_count_with(const uint8_t *bytes, size_t length, int widest) noexcept {
    if (bytes == nullptr || length == 0) { return 0; }
    stage1_counter counter;
    size_t i = 0;
#if defined(WTJ_HAVE_AVX2_PATH)
    const bool clmul = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("popcnt");
    if (widest >= 2 && clmul && __builtin_cpu_supports("avx512bw")) {
        count_avx512(bytes, length, i, counter);
    } else if (widest >= 1 && clmul && __builtin_cpu_supports("avx2")) {
        count_avx2(bytes, length, i, counter);
    }
#endif
    for (; i + 64 <= length; i += 64) { counter.add(classify(bytes + i)); }
    if (i < length) {
        uint8_t last[64];
        std::memset(last, ' ', sizeof last);
        std::memcpy(last, bytes + i, length - i);
        counter.add(classify(last));
    }
    return counter.count;
}

extern "C" size_t wtj_har_structural_count(const uint8_t *bytes, size_t length) noexcept {
    return wtj_har_structural_count_with(bytes, length, 2);
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
