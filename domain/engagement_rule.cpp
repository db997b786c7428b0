#include "domain/engagement_rule.hpp"

namespace roomrec::domain {

namespace {
constexpr const char *kBitNames[kHeartbeatBitCount] = {"tab_focused", "full_screen", "sound_on", "camera_on",
                                                       "on_stage"};
}

const char *heartbeat_bit_name(int bit_number) {
    if (bit_number < 0 || bit_number >= kHeartbeatBitCount) return "unknown";
    return kBitNames[bit_number];
}

std::optional<HeartbeatBits> parse_heartbeat_bits(int64_t wire) {
    if (wire < 0 || wire > kAllHeartbeatBits) return std::nullopt;
    return static_cast<HeartbeatBits>(wire);
}

std::string describe_heartbeat_bits(HeartbeatBits bits) {
    std::string text;
    for (int bit = 0; bit < kHeartbeatBitCount; ++bit) {
        if ((bits & (1u << bit)) == 0) continue;
        if (!text.empty()) text += ',';
        text += kBitNames[bit];
    }
    return text;
}

} // namespace roomrec::domain
