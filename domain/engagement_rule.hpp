// Attention heartbeat bits and the "engaged" rule (E2). The raw bits are stored as they
// came, so a different rule can be applied to old data later.
//
// Wire form: the heartbeat's "bits" is an integer 0..31, stored as-is (a Postgres smallint):
//   bit 0 (1)  tab focused      bit 3 (8)  camera on
//   bit 1 (2)  full screen      bit 4 (16) on stage
//   bit 2 (4)  sound on
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace roomrec::domain {

using HeartbeatBits = uint8_t;

enum HeartbeatBit : HeartbeatBits {
    kTabFocused = 1u << 0,
    kFullScreen = 1u << 1,
    kSoundOn = 1u << 2,
    kCameraOn = 1u << 3,
    kOnStage = 1u << 4,
};
constexpr HeartbeatBits kAllHeartbeatBits = 0x1f;
constexpr int kHeartbeatBitCount = 5;

// "tab_focused", "full_screen", "sound_on", "camera_on", "on_stage"; index = bit number.
const char *heartbeat_bit_name(int bit_number);

// Bits from the wire; nothing for negative values or bits this server does not know (a client
// that sends them is broken or newer, and its data would be silently misread).
std::optional<HeartbeatBits> parse_heartbeat_bits(int64_t wire);

// Names of the set bits joined with ',' in bit order ("tab_focused,sound_on"); "" for none.
std::string describe_heartbeat_bits(HeartbeatBits bits);

// A rule is the set of bits of which any one makes a heartbeat "engaged".
struct EngagementRule {
    // The room rule (E2): focused OR full screen OR camera on OR on stage. Sound alone
    // does not count: a muted-tab viewer with sound on may well be elsewhere.
    static constexpr HeartbeatBits kRoomRule = kTabFocused | kFullScreen | kCameraOn | kOnStage;

    HeartbeatBits any_of = kRoomRule;

    bool engaged(HeartbeatBits bits) const { return (bits & any_of) != 0; }
};

} // namespace roomrec::domain
