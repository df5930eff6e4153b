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

extern "C" int wtj_har_scan(wtj_har *har, const uint8_t *bytes, size_t length, wtj_har_result *out) noexcept {
    if (har == nullptr || bytes == nullptr || out == nullptr) { return WTJ_ERROR_INTERNAL; }
    *out = wtj_har_result{};
    if (length > simdjson::SIMDJSON_MAXSIZE_BYTES) { return WTJ_ERROR_CAPACITY; }
    try {
        har->entries.clear();
        return wtj_ondemand::scan_har(har->parser, bytes, length, har->entries, out);
    } catch (...) {
        *out = wtj_har_result{};
        return WTJ_ERROR_INTERNAL;
    }
}

extern "C" uint8_t *wtj_unescape(wtj_har *har, const uint8_t *raw, uint8_t *destination) noexcept {
    if (har == nullptr || raw == nullptr || destination == nullptr || !har->strings) { return nullptr; }
    return har->strings->parse_string(raw, destination);
}
