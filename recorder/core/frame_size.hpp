// Frame sizes and the bound a recorded stream's frames must fit (issue 11): a decoder
// allocates what a keyframe's header claims, so the claim is checked before anything decodes it.
#pragma once

#include "recorder/contract/control_messages.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace roomrec::recorder {

struct FrameSize {
    int width = 0;
    int height = 0;

    bool operator==(const FrameSize &) const = default;
};

// The largest frame a stream may have. A frame fits in either orientation: a bound of
// 1920x1080 accepts 1080x1920 (a phone held upright, a portrait screen), which costs the
// decoder exactly as much memory, and refuses 1920x1920 and 3000x500 (a long side or an
// area past the bound's).
struct SizeBound {
    int width = 0;
    int height = 0;

    bool fits(FrameSize size) const;
    bool operator==(const SizeBound &) const = default;
};

// "1920x1080" (also "1920X1080"): two decimal integers of kMinBoundSide-kMaxBoundSide.
// Nothing for anything else; error then says why.
std::optional<SizeBound> parse_size_bound(std::string_view text, std::string &error);

std::string to_string(SizeBound bound);

} // namespace roomrec::recorder
