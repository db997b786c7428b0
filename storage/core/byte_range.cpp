#include "storage/core/byte_range.hpp"

#include <charconv>
#include <optional>

namespace roomrec::storage {
namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

std::optional<uint64_t> number(std::string_view text) {
    if (text.empty() || text.size() > 19) return std::nullopt;
    for (char c : text)
        if (c < '0' || c > '9') return std::nullopt;
    uint64_t value = 0;
    const auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
    if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size()) return std::nullopt;
    return value;
}

} // namespace

ByteRange parse_byte_range(std::string_view header, uint64_t size) {
    ByteRange whole;
    header = trim(header);
    constexpr std::string_view kUnit = "bytes=";
    if (header.substr(0, kUnit.size()) != kUnit) return whole;
    const std::string_view spec = trim(header.substr(kUnit.size()));
    if (spec.find(',') != std::string_view::npos) return whole; // several ranges: the whole file
    const size_t dash = spec.find('-');
    if (dash == std::string_view::npos) return whole;
    const std::string_view left = trim(spec.substr(0, dash)), right = trim(spec.substr(dash + 1));
    ByteRange range;
    range.kind = ByteRange::Kind::Partial;
    if (left.empty()) { // the last n bytes
        const auto suffix = number(right);
        if (!suffix) return whole;
        if (*suffix == 0 || size == 0) return ByteRange{ByteRange::Kind::Unsatisfiable};
        range.length = *suffix < size ? *suffix : size;
        range.first = size - range.length;
        return range;
    }
    const auto first = number(left);
    if (!first) return whole;
    uint64_t last = size == 0 ? 0 : size - 1;
    if (!right.empty()) {
        const auto given = number(right);
        if (!given || *given < *first) return whole; // invalid: ignored
        if (*given < last) last = *given;
    }
    if (*first >= size) return ByteRange{ByteRange::Kind::Unsatisfiable};
    range.first = *first;
    range.length = last - *first + 1;
    return range;
}

} // namespace roomrec::storage
