#include "storage/core/delivery_input.hpp"

#include "common/json.hpp"
#include "common/utf8.hpp"

namespace roomrec::storage {

using common::utf8_sequence_length;
using common::valid_utf8;

namespace {

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7F; }

std::string named(std::string_view what, const char *problem) { return std::string(what) + ": " + problem; }

} // namespace

std::string identifier_error(std::string_view what, std::string_view value, size_t max_bytes) {
    if (value.empty()) return named(what, "empty");
    if (value.size() > max_bytes) return named(what, "too long") + " (at most " + std::to_string(max_bytes) + " bytes)";
    for (unsigned char c : value)
        if (is_control(c)) return named(what, "contains a control character");
    if (!valid_utf8(value)) return named(what, "not valid UTF-8");
    return "";
}

std::string text_error(std::string_view what, std::string_view value, size_t max_bytes) {
    if (value.size() > max_bytes) return named(what, "too long") + " (at most " + std::to_string(max_bytes) + " bytes)";
    if (value.find('\0') != std::string_view::npos) return named(what, "contains a NUL byte");
    if (!valid_utf8(value)) return named(what, "not valid UTF-8");
    return "";
}

std::string json_object_error(std::string_view what, std::string_view text, size_t max_bytes) {
    if (text.size() > max_bytes) return named(what, "too long") + " (at most " + std::to_string(max_bytes) + " bytes)";
    json_error_t parse_error;
    const common::JsonPtr value(json_loadb(text.data(), text.size(), JSON_REJECT_DUPLICATES, &parse_error));
    if (!value) return named(what, "not valid JSON: ") + common::to_valid_utf8(parse_error.text);
    return json_is_object(value.get()) ? "" : named(what, "not a JSON object");
}

std::string one_of_error(std::string_view what, std::string_view value,
                         std::initializer_list<std::string_view> allowed) {
    std::string list;
    for (auto name : allowed) {
        if (value == name) return "";
        list += (list.empty() ? "" : ", ") + std::string(name);
    }
    return named(what, "must be one of ") + list;
}

std::string sha256_hex_error(std::string_view what, std::string_view value) {
    if (value.size() != 64) return named(what, "must be 64 lowercase hex digits");
    for (char c : value)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return named(what, "must be 64 lowercase hex digits");
    return "";
}

bool is_plain_id(std::string_view text) {
    if (text.empty() || text.size() > 64) return false;
    for (const char c : text)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.'))
            return false;
    return true;
}

std::string string_member(const json_t *object, const char *name) {
    const json_t *value = json_object_get(object, name);
    return json_is_string(value) ? std::string(json_string_value(value), json_string_length(value)) : std::string();
}

std::string storable_text(std::string_view text, size_t max_bytes) {
    std::string out;
    for (size_t at = 0; at < text.size();) {
        size_t length = utf8_sequence_length(text, at);
        const unsigned char c = static_cast<unsigned char>(text[at]);
        const bool replace = length == 0 || (length == 1 && is_control(c) && c != '\n' && c != '\t');
        if (replace) length = 1;
        if (out.size() + (replace ? 1 : length) > max_bytes) break;
        if (replace) out += '?';
        else out.append(text.substr(at, length));
        at += length;
    }
    return out;
}

} // namespace roomrec::storage
