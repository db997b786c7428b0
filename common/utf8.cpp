#include "common/utf8.hpp"

#include <cstdio>

namespace roomrec::common {

// The ranges of RFC 3629's table: limiting the second byte after E0, ED, F0 and F4 is what
// refuses overlong forms, surrogates and code points above U+10FFFF without decoding.
size_t utf8_sequence_length(std::string_view text, size_t at) {
    const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(at);
    if (lead < 0x80) return 1;
    size_t length;
    unsigned char low = 0x80, high = 0xBF; // allowed range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) low = 0xA0;
        if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) low = 0x90;
        if (lead == 0xF4) high = 0x8F;
    } else {
        return 0; // a continuation byte, C0/C1 (always overlong) or F5..FF
    }
    if (length > text.size() - at) return 0;
    if (byte(at + 1) < low || byte(at + 1) > high) return 0;
    for (size_t i = 2; i < length; ++i)
        if ((byte(at + i) & 0xC0) != 0x80) return 0;
    return length;
}

bool valid_utf8(std::string_view text) {
    for (size_t at = 0; at < text.size();) {
        const size_t length = utf8_sequence_length(text, at);
        if (length == 0) return false;
        at += length;
    }
    return true;
}

char32_t utf8_code_point(std::string_view text, size_t at, size_t length) {
    const auto byte = [&](size_t i) { return static_cast<char32_t>(static_cast<unsigned char>(text[at + i])); };
    switch (length) {
    case 1: return byte(0);
    case 2: return (byte(0) & 0x1F) << 6 | (byte(1) & 0x3F);
    case 3: return (byte(0) & 0x0F) << 12 | (byte(1) & 0x3F) << 6 | (byte(2) & 0x3F);
    default: return (byte(0) & 0x07) << 18 | (byte(1) & 0x3F) << 12 | (byte(2) & 0x3F) << 6 | (byte(3) & 0x3F);
    }
}

bool is_invisible_format(char32_t c) {
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F || c == 0x061C ||
           (c >= 0x200B && c <= 0x200D) || (c >= 0x2060 && c <= 0x2064) || c == 0xFEFF || c == 0x00AD || c == 0x180E ||
           (c >= 0xE0000 && c <= 0xE007F) || c == 0x115F || c == 0x1160 || c == 0x3164 || c == 0xFFA0;
}

bool is_variation_selector(char32_t c) { return (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF); }

std::string invisible_text_error(std::string_view text) {
    bool after_visible = false; // a variation selector needs a character to modify
    for (size_t at = 0; at < text.size();) {
        const size_t length = utf8_sequence_length(text, at);
        if (length == 0) {
            ++at;
            after_visible = false;
            continue;
        }
        const char32_t c = utf8_code_point(text, at, length);
        at += length;
        const bool lone_selector = is_variation_selector(c) && !after_visible;
        if (is_invisible_format(c) || lone_selector) {
            char name[16];
            std::snprintf(name, sizeof name, "U+%04X", static_cast<unsigned>(c));
            const char *what = lone_selector ? "a variation selector that modifies nothing"
                                             : "an invisible or bidi control character";
            return std::string(what) + " (" + name + ")";
        }
        after_visible = !is_variation_selector(c) && c > 0x20 && c != 0x7F;
    }
    return "";
}

std::string without_invisible(std::string_view text) {
    std::string out;
    bool after_visible = false;
    for (size_t at = 0; at < text.size();) {
        const size_t length = utf8_sequence_length(text, at);
        if (length == 0) {
            out += text[at++];
            after_visible = false;
            continue;
        }
        const char32_t c = utf8_code_point(text, at, length);
        if (!is_invisible_format(c) && !(is_variation_selector(c) && !after_visible)) out.append(text, at, length);
        after_visible = !is_invisible_format(c) && !is_variation_selector(c) && c > 0x20 && c != 0x7F;
        at += length;
    }
    return out;
}

std::string to_valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t at = 0; at < text.size();) {
        const size_t length = utf8_sequence_length(text, at);
        if (length == 0) {
            out += "\xEF\xBF\xBD";
            ++at;
        } else {
            out.append(text, at, length);
            at += length;
        }
    }
    return out;
}

} // namespace roomrec::common
