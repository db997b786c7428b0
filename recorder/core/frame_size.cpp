#include "recorder/core/frame_size.hpp"

#include <algorithm>
#include <charconv>

namespace roomrec::recorder {

bool SizeBound::fits(FrameSize size) const {
    if (size.width <= 0 || size.height <= 0) return false;
    const auto [short_side, long_side] = std::minmax(size.width, size.height);
    const auto [bound_short, bound_long] = std::minmax(width, height);
    return short_side <= bound_short && long_side <= bound_long;
}

std::optional<SizeBound> parse_size_bound(std::string_view text, std::string &error) {
    const size_t cross = text.find_first_of("xX");
    auto side = [](std::string_view digits) -> std::optional<int> {
        int value = 0;
        if (digits.empty() || digits.size() > 5) return std::nullopt;
        const auto [end, problem] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (problem != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
        return value;
    };
    const auto width = cross == std::string_view::npos ? std::nullopt : side(text.substr(0, cross));
    const auto height = cross == std::string_view::npos ? std::nullopt : side(text.substr(cross + 1));
    if (!width || !height) {
        error = "must be WIDTHxHEIGHT, e.g. 1920x1080";
        return std::nullopt;
    }
    for (const int value : {*width, *height})
        if (value < kMinBoundSide || value > kMaxBoundSide) {
            error = "each side must be " + std::to_string(kMinBoundSide) + "-" + std::to_string(kMaxBoundSide);
            return std::nullopt;
        }
    return SizeBound{*width, *height};
}

std::string to_string(SizeBound bound) { return std::to_string(bound.width) + "x" + std::to_string(bound.height); }

} // namespace roomrec::recorder
