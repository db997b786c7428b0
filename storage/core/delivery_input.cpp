#include "storage/core/delivery_input.hpp"

#include <jansson.h>

namespace roomrec::storage {

namespace {

// Length of the well-formed UTF-8 sequence at text[at], or 0 (overlong forms, surrogates and
// code points above U+10FFFF are not well-formed).
size_t utf8_sequence_length(std::string_view text, size_t at) {
    const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(at);
    if (lead < 0x80) return 1;
    size_t length;
    unsigned low = 0x80, high = 0xBF; // allowed range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) length = 2;
    else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) low = 0xA0;
        if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) low = 0x90;
        if (lead == 0xF4) high = 0x8F;
    } else return 0;
    if (at + length > text.size()) return 0;
    if (byte(at + 1) < low || byte(at + 1) > high) return 0;
    for (size_t i = 2; i < length; ++i)
        if ((byte(at + i) & 0xC0) != 0x80) return 0;
    return length;
}

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7F; }

std::string named(std::string_view what, const char *problem) { return std::string(what) + ": " + problem; }

} // namespace

bool valid_utf8(std::string_view text) {
    for (size_t at = 0; at < text.size();) {
        const size_t length = utf8_sequence_length(text, at);
        if (length == 0) return false;
        at += length;
    }
    return true;
}

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
    json_t *value = json_loadb(text.data(), text.size(), JSON_REJECT_DUPLICATES, &parse_error);
    if (value == nullptr) return named(what, "not valid JSON: ") + parse_error.text;
    const bool object = json_is_object(value);
    json_decref(value);
    return object ? "" : named(what, "not a JSON object");
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
