// The HAR walk of har.cpp, which includes it inside `namespace wtj_ondemand { namespace od =
// simdjson::ondemand; ... }`. Not a public header.

static bool is(std::string_view key, const char *want) noexcept { return key == std::string_view(want); }

/// A string value's unescaped bytes (in the parser's string buffer), or nothing for another type.
static void take_string(od::value value, const char *&bytes, size_t &length) noexcept {
    std::string_view text;
    if (value.get_string().get(text) == simdjson::SUCCESS) {
        bytes = text.data();
        length = text.size();
    }
}

/// An integer value; -1 for another type, a negative or an out-of-range number.
static int64_t take_int(od::value value) noexcept {
    od::json_type type;
    if (value.type().get(type) != simdjson::SUCCESS || type != od::json_type::number) { return -1; }
    int64_t number;
    if (value.get_int64().get(number) != simdjson::SUCCESS || number < 0) { return -1; }
    return number;
}

/// Whether `value` is an object (without consuming it).
static bool is_object(od::value &value) noexcept {
    od::json_type type;
    return value.type().get(type) == simdjson::SUCCESS && type == od::json_type::object;
}

/// `content`: mimeType, text (kept raw: the caller unescapes it into a buffer of its own), encoding, size.
static simdjson::error_code scan_content(od::value value, wtj_har_entry &entry) noexcept {
    od::object content;
    if (auto error = value.get_object().get(content)) { return error; }
    bool mime = false, text = false, encoding = false, size = false;
    for (auto member : content) {
        od::field field;
        if (auto error = std::move(member).get(field)) { return error; }
        std::string_view key;
        if (auto error = field.unescaped_key().get(key)) { return error; }
        if (!mime && is(key, "mimeType")) {
            mime = true;
            take_string(field.value(), entry.mime_type, entry.mime_type_length);
        } else if (!text && is(key, "text")) {
            text = true;
            od::json_type type;
            if (field.value().type().get(type) == simdjson::SUCCESS && type == od::json_type::string) {
                std::string_view token = field.value().raw_json_token();
                if (token.size() >= 2 && token[0] == '"') {
                    entry.text_raw = reinterpret_cast<const uint8_t *>(token.data()) + 1;
                    entry.text_raw_length = token.size() - 1;
                    entry.has_text = 1;
                }
            }
        } else if (!encoding && is(key, "encoding")) {
            encoding = true;
            take_string(field.value(), entry.encoding, entry.encoding_length);
        } else if (!size && is(key, "size")) {
            size = true;
            entry.size = take_int(field.value());
        }
    }
    return simdjson::SUCCESS;
}

static simdjson::error_code scan_entry(od::value value, wtj_har_entry &entry) noexcept {
    if (!is_object(value)) { return simdjson::SUCCESS; }
    od::object object;
    if (auto error = value.get_object().get(object)) { return error; }
    entry.is_object = 1;
    bool started = false, request = false, response = false;
    for (auto member : object) {
        od::field field;
        if (auto error = std::move(member).get(field)) { return error; }
        std::string_view key;
        if (auto error = field.unescaped_key().get(key)) { return error; }
        if (!started && is(key, "startedDateTime")) {
            started = true;
            take_string(field.value(), entry.started, entry.started_length);
        } else if (!request && is(key, "request")) {
            request = true;
            od::value inner = field.value();
            if (!is_object(inner)) { continue; }
            od::object fields;
            if (auto error = inner.get_object().get(fields)) { return error; }
            for (auto m : fields) {
                od::field f;
                if (auto error = std::move(m).get(f)) { return error; }
                std::string_view k;
                if (auto error = f.unescaped_key().get(k)) { return error; }
                if (is(k, "url")) {
                    take_string(f.value(), entry.url, entry.url_length);
                    break;
                }
            }
        } else if (!response && is(key, "response")) {
            response = true;
            od::value inner = field.value();
            if (!is_object(inner)) { continue; }
            entry.has_response = 1;
            od::object fields;
            if (auto error = inner.get_object().get(fields)) { return error; }
            bool status = false, content = false;
            for (auto m : fields) {
                od::field f;
                if (auto error = std::move(m).get(f)) { return error; }
                std::string_view k;
                if (auto error = f.unescaped_key().get(k)) { return error; }
                if (!status && is(k, "status")) {
                    status = true;
                    entry.status = take_int(f.value());
                } else if (!content && is(k, "content")) {
                    content = true;
                    od::value c = f.value();
                    if (!is_object(c)) { continue; }
                    entry.has_content = 1;
                    if (auto error = scan_content(c, entry)) { return error; }
                }
            }
        }
    }
    return simdjson::SUCCESS;
}

/// Walks `{"log": {"creator": {"name"}, "entries": [...]}}`, filling `entries` and `out`.
static int scan_har(
    od::parser &parser, const uint8_t *bytes, size_t length, std::vector<wtj_har_entry> &entries,
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
    for (auto member : root) {
        od::field field;
        if (auto error = std::move(member).get(field)) { return error; }
        std::string_view key;
        if (auto error = field.unescaped_key().get(key)) { return error; }
        if (log_seen || !is(key, "log")) { continue; }
        log_seen = true;
        od::value value = field.value();
        if (!is_object(value)) { continue; }
        od::object log;
        if (auto error = value.get_object().get(log)) { return error; }
        bool creator_seen = false, entries_seen = false;
        for (auto m : log) {
            od::field f;
            if (auto error = std::move(m).get(f)) { return error; }
            std::string_view k;
            if (auto error = f.unescaped_key().get(k)) { return error; }
            if (!creator_seen && is(k, "creator")) {
                creator_seen = true;
                od::value creator = f.value();
                if (!is_object(creator)) { continue; }
                od::object fields;
                if (auto error = creator.get_object().get(fields)) { return error; }
                for (auto c : fields) {
                    od::field cf;
                    if (auto error = std::move(c).get(cf)) { return error; }
                    std::string_view ck;
                    if (auto error = cf.unescaped_key().get(ck)) { return error; }
                    if (is(ck, "name")) {
                        take_string(cf.value(), out->creator, out->creator_length);
                        break;
                    }
                }
            } else if (!entries_seen && is(k, "entries")) {
                entries_seen = true;
                od::value list = f.value();
                od::json_type type;
                if (list.type().get(type) != simdjson::SUCCESS || type != od::json_type::array) { continue; }
                od::array array;
                if (auto error = list.get_array().get(array)) { return error; }
                out->has_entries = 1;
                for (auto element : array) {
                    od::value item;
                    if (auto error = std::move(element).get(item)) { return error; }
                    wtj_har_entry entry{};
                    entry.status = -1;
                    entry.size = -1;
                    if (auto error = scan_entry(item, entry)) { return error; }
                    entries.push_back(entry);
                }
            }
        }
    }
    // Anything after the root value is invalid JSON.
    const char *rest;
    if (document.current_location().get(rest) == simdjson::SUCCESS) { return simdjson::TRAILING_CONTENT; }
    out->entries = entries.data();
    out->count = entries.size();
    return simdjson::SUCCESS;
}
