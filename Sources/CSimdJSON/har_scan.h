// The HAR walk of har.cpp, which includes it inside `namespace wtj_ondemand { namespace od =
// simdjson::ondemand; ... }`. Not a public header.

static bool is(std::string_view key, const char *want) noexcept { return key == std::string_view(want); }

/// The length of the still-escaped string content at `raw` (just after its opening quote), up to
/// its closing quote, which stage 1 has found.
static size_t raw_string_length(const char *raw) noexcept {
    size_t i = 0;
    while (raw[i] != '"') { i += raw[i] == '\\' ? 2 : 1; }
    return i;
}

/// A string value's unescaped bytes (in the parser's string buffer), or nothing for another type.
/// The string buffer is asked for first (`meter`, at most the raw token's length); false when refused.
static bool take_string(od::value &value, meter &meter, const char *&bytes, size_t &length) noexcept {
    od::json_type type;
    if (value.type().get(type) != simdjson::SUCCESS || type != od::json_type::string) { return true; }
    if (!meter.need(value.raw_json_token().size())) { return false; }
    std::string_view text;
    if (value.get_string().get(text) == simdjson::SUCCESS) {
        bytes = text.data();
        length = text.size();
    }
    return true;
}

/// An integer value; -1 for another type, a negative or an out-of-range number.
static int64_t take_int(od::value &value) noexcept {
    od::json_type type;
    if (value.type().get(type) != simdjson::SUCCESS || type != od::json_type::number) { return -1; }
    int64_t number;
    if (value.get_int64().get(number) != simdjson::SUCCESS || number < 0) { return -1; }
    return number;
}

/// A string value still escaped, as it is in the input: the byte after its opening quote and the
/// raw token's length (an upper bound of the unescaped length). Nothing for another type.
static void take_raw_text(od::value &value, const uint8_t *&raw, size_t &length, int32_t &has) noexcept {
    od::json_type type;
    if (value.type().get(type) != simdjson::SUCCESS || type != od::json_type::string) { return; }
    std::string_view token = value.raw_json_token();
    if (token.size() >= 2 && token[0] == '"') {
        raw = reinterpret_cast<const uint8_t *>(token.data()) + 1;
        length = token.size() - 1;
        has = 1;
    }
}

/// Whether `value` is an object (without consuming it).
static bool is_object(od::value &value) noexcept {
    od::json_type type;
    return value.type().get(type) == simdjson::SUCCESS && type == od::json_type::object;
}

/// Calls `visit(key, value, stop)` for each member of `object` in order, until `visit` returns an
/// error or sets `stop`. Members `visit` does not consume are skipped. Each key is unescaped into the
/// string buffer once `meter` has granted its raw length (MEMALLOC when refused).
template <class Visit>
static simdjson::error_code each_member(od::object object, meter &meter, Visit &&visit) noexcept {
    for (auto member : object) {
        od::field field;
        if (auto error = std::move(member).get(field)) { return error; }
        if (!meter.need(raw_string_length(field.key().raw()) + 1)) { return simdjson::MEMALLOC; }
        std::string_view key;
        if (auto error = field.unescaped_key().get(key)) { return error; }
        bool stop = false;
        if (auto error = visit(key, field.value(), stop)) { return error; }
        if (stop) { break; }
    }
    return simdjson::SUCCESS;
}

/// `each_member` of a value that is an object; nothing for another type.
template <class Visit>
static simdjson::error_code each_member_of(od::value &value, meter &meter, Visit &&visit) noexcept {
    if (!is_object(value)) { return simdjson::SUCCESS; }
    od::object object;
    if (auto error = value.get_object().get(object)) { return error; }
    return each_member(object, meter, visit);
}

/// `content`: mimeType, text (kept raw: the caller unescapes it into a buffer of its own), encoding, size.
static simdjson::error_code scan_content(od::value &value, meter &meter, wtj_har_entry &entry) noexcept {
    entry.has_content = 1;
    bool mime = false, text = false, encoding = false, size = false;
    return each_member_of(value, meter, [&](std::string_view key, od::value &member, bool &) noexcept {
        if (!mime && is(key, "mimeType")) {
            mime = true;
            if (!take_string(member, meter, entry.mime_type, entry.mime_type_length)) { return simdjson::MEMALLOC; }
        } else if (!text && is(key, "text")) {
            text = true;
            take_raw_text(member, entry.text_raw, entry.text_raw_length, entry.has_text);
        } else if (!encoding && is(key, "encoding")) {
            encoding = true;
            if (!take_string(member, meter, entry.encoding, entry.encoding_length)) { return simdjson::MEMALLOC; }
        } else if (!size && is(key, "size")) {
            size = true;
            entry.size = take_int(member);
        }
        return simdjson::SUCCESS;
    });
}

/// `response`: status and content.
static simdjson::error_code scan_response(od::value &value, meter &meter, wtj_har_entry &entry) noexcept {
    bool status = false, content = false;
    return each_member_of(value, meter, [&](std::string_view key, od::value &member, bool &) noexcept {
        if (!status && is(key, "status")) {
            status = true;
            entry.status = take_int(member);
        } else if (!content && is(key, "content")) {
            content = true;
            if (is_object(member)) { return scan_content(member, meter, entry); }
        }
        return simdjson::SUCCESS;
    });
}

/// One `log.entries[i]`: startedDateTime, request.url and the response.
static simdjson::error_code scan_entry(od::value &value, meter &meter, wtj_har_entry &entry) noexcept {
    entry.is_object = is_object(value) ? 1 : 0;
    bool started = false, request = false, response = false;
    return each_member_of(value, meter, [&](std::string_view key, od::value &member, bool &) noexcept {
        if (!started && is(key, "startedDateTime")) {
            started = true;
            if (!take_string(member, meter, entry.started, entry.started_length)) { return simdjson::MEMALLOC; }
        } else if (!request && is(key, "request")) {
            request = true;
            bool url = false, post = false;
            return each_member_of(member, meter, [&](std::string_view k, od::value &field, bool &) noexcept {
                if (!url && is(k, "url")) {
                    url = true;
                    if (!take_string(field, meter, entry.url, entry.url_length)) { return simdjson::MEMALLOC; }
                } else if (!post && is(k, "postData")) {
                    post = true;
                    return each_member_of(field, meter, [&](std::string_view pk, od::value &text, bool &stop) noexcept {
                        if (is(pk, "text")) {
                            stop = true;
                            take_raw_text(text, entry.request_text_raw, entry.request_text_raw_length,
                                          entry.has_request_text);
                        }
                        return simdjson::SUCCESS;
                    });
                }
                return simdjson::SUCCESS;
            });
        } else if (!response && is(key, "response")) {
            response = true;
            if (is_object(member)) { return scan_response(member, meter, entry); }
        }
        return simdjson::SUCCESS;
    });
}

/// `log.entries`: one wtj_har_entry each.
static simdjson::error_code scan_entries(
    od::value &list, std::vector<wtj_har_entry> &entries, meter &meter, wtj_har_result *out) noexcept {
    od::json_type type;
    if (list.type().get(type) != simdjson::SUCCESS || type != od::json_type::array) { return simdjson::SUCCESS; }
    od::array array;
    if (auto error = list.get_array().get(array)) { return error; }
    out->has_entries = 1;
    // Slots of `entries` granted by `meter` in this walk (a list kept from an earlier walk is
    // counted again as it is filled).
    size_t counted = 0;
    for (auto element : array) {
        od::value item;
        if (auto error = std::move(element).get(item)) { return error; }
        wtj_har_entry entry{};
        entry.status = -1;
        entry.size = -1;
        if (auto error = scan_entry(item, meter, entry)) { return error; }
        if (entries.size() == counted) {
            // Grown as a vector grows, but asked for first: the new block beside the old one.
            const size_t more = counted < 64 ? 64 : counted;
            if (more > SIZE_MAX / sizeof(wtj_har_entry) - counted ||
                !meter.need((counted + more) * sizeof(wtj_har_entry))) {
                return simdjson::MEMALLOC;
            }
            counted += more;
            if (entries.capacity() < counted) { entries.reserve(counted); }
        }
        entries.push_back(entry);
    }
    return simdjson::SUCCESS;
}

/// Walks `{"log": {"creator": {"name"}, "entries": [...]}}`, filling `entries` and `out`.
static int scan_har(
    od::parser &parser, const uint8_t *bytes, size_t length, std::vector<wtj_har_entry> &entries, meter &meter,
    wtj_har_result *out) noexcept {
    od::document document;
    if (auto error = parser.iterate(bytes, length, length + simdjson::SIMDJSON_PADDING).get(document)) { return error; }
    od::json_type root_type;
    if (auto error = document.type().get(root_type)) { return error; }
    // Valid JSON that is not an object is no HAR: the caller says so (has_entries stays 0).
    if (root_type != od::json_type::object) { return simdjson::SUCCESS; }
    od::object root;
    if (auto error = document.get_object().get(root)) { return error; }
    bool log_seen = false;
    auto error = each_member(root, meter, [&](std::string_view key, od::value &log, bool &) noexcept {
        if (log_seen || !is(key, "log")) { return simdjson::SUCCESS; }
        log_seen = true;
        bool creator_seen = false, entries_seen = false;
        return each_member_of(log, meter, [&](std::string_view k, od::value &member, bool &) noexcept {
            if (!creator_seen && is(k, "creator")) {
                creator_seen = true;
                return each_member_of(member, meter, [&](std::string_view ck, od::value &field, bool &stop) noexcept {
                    if (is(ck, "name")) {
                        if (!take_string(field, meter, out->creator, out->creator_length)) { return simdjson::MEMALLOC; }
                        stop = true;
                    }
                    return simdjson::SUCCESS;
                });
            }
            if (!entries_seen && is(k, "entries")) {
                entries_seen = true;
                return scan_entries(member, entries, meter, out);
            }
            return simdjson::SUCCESS;
        });
    });
    if (error) { return error; }
    // Anything after the root value is invalid JSON.
    const char *rest;
    if (document.current_location().get(rest) == simdjson::SUCCESS) { return simdjson::TRAILING_CONTENT; }
    out->entries = entries.data();
    out->count = entries.size();
    return simdjson::SUCCESS;
}
