#include "domain/recording_name.hpp"

#include "common/utf8.hpp"

#include <ctime>
#include <stdexcept>

namespace roomrec::domain {
namespace {

bool forbidden_ascii(unsigned char c) {
    if (c < 0x20 || c == 0x7f) return true; // control characters
    switch (c) {
    case '/':
    case '\\':
    case ':':
    case '*':
    case '?':
    case '"':
    case '<':
    case '>':
    case '|': return true;
    default: return false;
    }
}

// C1 controls (U+0080..U+009F) and the Unicode line/paragraph separators are control-like too.
bool forbidden_sequence(const std::string &text, size_t i, size_t length) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    if (length == 2 && b0 == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) return true;
    if (length == 3 && b0 == 0xE2 && static_cast<unsigned char>(text[i + 1]) == 0x80) {
        const auto b2 = static_cast<unsigned char>(text[i + 2]);
        return b2 == 0xA8 || b2 == 0xA9 || (b2 >= 0x8E && b2 <= 0x8F) || (b2 >= 0xAA && b2 <= 0xAE);
    }
    return false;
}

std::string sanitized(const std::string &title) {
    std::string out;
    bool pending_space = false;
    bool after_kept = false; // a variation selector is kept only right after a kept character
    for (size_t i = 0; i < title.size();) {
        const size_t length = common::utf8_sequence_length(title, i);
        if (length == 0) { // invalid byte: dropped
            ++i;
            after_kept = false;
            continue;
        }
        const char32_t code_point = common::utf8_code_point(title, i, length);
        if (common::is_invisible_format(code_point) || (common::is_variation_selector(code_point) && !after_kept)) {
            i += length; // removed without a trace: not even a space
            after_kept = false;
            continue;
        }
        after_kept = false;
        const auto c = static_cast<unsigned char>(title[i]);
        const bool space = length == 1 && (c == ' ' || c == '\t');
        const bool drop = (length == 1 && forbidden_ascii(c)) || forbidden_sequence(title, i, length);
        if (space || drop) {
            pending_space = pending_space || space || (drop && c != '\0');
            i += length;
            continue;
        }
        if (out.empty() && length == 1 && c == '.') { // no hidden files, no ".." names
            i += 1;
            continue;
        }
        if (pending_space && !out.empty()) {
            if (out.size() + 1 + length > kMaxTitleBytes) break;
            out += ' ';
        }
        pending_space = false;
        if (out.size() + length > kMaxTitleBytes) break;
        out.append(title, i, length);
        i += length;
        after_kept = !common::is_variation_selector(code_point);
    }
    while (!out.empty() && (out.back() == ' ' || out.back() == '.')) out.pop_back(); // Windows trims these
    return out;
}

} // namespace

std::string sanitize_title(const std::string &title, const std::string &fallback) {
    std::string out = sanitized(title);
    if (out.empty()) out = sanitized(fallback);
    return out.empty() ? "Untitled" : out;
}

std::string recording_file_name(const std::string &title, int64_t unix_seconds, int64_t utc_offset_seconds,
                                const std::string &fallback) {
    const std::time_t when = static_cast<std::time_t>(unix_seconds + utc_offset_seconds);
    std::tm parts{};
    gmtime_r(&when, &parts);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H-%M-%S", &parts);
    return std::string("Rec - ") + stamp + " - " + sanitize_title(title, fallback) + ".mp4";
}

std::string track_file_name(const std::string &publisher, const std::string &source, const std::string &kind,
                            const std::string &extension, const std::string &fallback) {
    return sanitize_title(publisher, fallback) + " - " + source + " " + kind + "." + extension;
}

std::string unique_file_name(const std::string &name, const std::function<bool(const std::string &)> &taken) {
    if (!taken(name)) return name;
    const size_t dot = name.rfind('.');
    const std::string stem = dot == std::string::npos ? name : name.substr(0, dot);
    const std::string extension = dot == std::string::npos ? "" : name.substr(dot);
    for (int n = 2; n <= kMaxCollisions; ++n) {
        std::string candidate = stem + " (" + std::to_string(n) + ")" + extension;
        if (!taken(candidate)) return candidate;
    }
    throw std::runtime_error("no free file name for " + name);
}

} // namespace roomrec::domain
