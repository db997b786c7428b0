// Messages between the plugin and the roomrec-recorder worker, one per SOCK_SEQPACKET record:
//   [type: 1 byte][stream id: 2 bytes, big endian][payload]
// Control payloads are JSON objects, typed and checked by control_messages.hpp; RTP/RTCP
// payloads are the packets as received.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roomrec::recorder {

enum class WireType : uint8_t {
    Config = 1,       // plugin → worker, stream 0: a WorkerConfig
    AddStream = 2,    // plugin → worker: a StreamSpec
    RemoveStream = 3, // plugin → worker: {}
    Rtp = 4,          // plugin → worker: one RTP packet
    Rtcp = 5,         // plugin → worker: one RTCP compound packet (sender reports give A/V sync)
    Stop = 6,         // plugin → worker, stream 0: finish the file and exit
    TimedRtp = 7,     // plugin → worker: [arrival][RTP packet] (kArrivalBytes)
    TimedRtcp = 8,    // plugin → worker: [arrival][RTCP compound packet]
    Event = 16,       // worker → plugin, stream 0: a WorkerEvent
};

constexpr size_t kWireHeader = 3;
// A timed packet's arrival: when the plugin received it, in µs of CLOCK_MONOTONIC
// (g_get_monotonic_time), big endian. Packets queued while the worker starts then keep their
// spacing instead of arriving at once.
constexpr size_t kArrivalBytes = 8;
constexpr size_t kMaxWireMessage = 64 * 1024;

struct WireMessage {
    WireType type;
    uint16_t stream = 0;
    std::string_view payload; // points into the decoded buffer
};

std::vector<uint8_t> encode_wire(WireType type, uint16_t stream, std::string_view payload);

// Writes the header into out[0..2] for a payload that is already in place after it.
void write_wire_header(uint8_t *out, WireType type, uint16_t stream);

void write_arrival(uint8_t *out, int64_t arrival_us);

// A timed packet's arrival (µs) and the packet after it; nothing if the payload is too short.
struct TimedPacket {
    int64_t arrival_us;
    std::string_view packet;
};
std::optional<TimedPacket> split_arrival(std::string_view payload);

// Nothing for a record that is too short, too long or of an unknown type.
std::optional<WireMessage> decode_wire(const uint8_t *data, size_t length);

} // namespace roomrec::recorder
