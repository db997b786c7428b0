#include "recorder/contract/wire_protocol.hpp"

namespace roomrec::recorder {

void write_wire_header(uint8_t *out, WireType type, uint16_t stream) {
    out[0] = static_cast<uint8_t>(type);
    out[1] = static_cast<uint8_t>(stream >> 8);
    out[2] = static_cast<uint8_t>(stream);
}

std::vector<uint8_t> encode_wire(WireType type, uint16_t stream, std::string_view payload) {
    std::vector<uint8_t> out(kWireHeader + payload.size());
    write_wire_header(out.data(), type, stream);
    std::copy(payload.begin(), payload.end(), out.begin() + kWireHeader);
    return out;
}

void write_arrival(uint8_t *out, int64_t arrival_us) {
    for (size_t i = 0; i < kArrivalBytes; ++i) out[i] = static_cast<uint8_t>(uint64_t(arrival_us) >> (56 - 8 * i));
}

std::optional<TimedPacket> split_arrival(std::string_view payload) {
    if (payload.size() < kArrivalBytes) return std::nullopt;
    uint64_t arrival = 0;
    for (size_t i = 0; i < kArrivalBytes; ++i) arrival = (arrival << 8) | static_cast<uint8_t>(payload[i]);
    return TimedPacket{static_cast<int64_t>(arrival), payload.substr(kArrivalBytes)};
}

std::optional<WireMessage> decode_wire(const uint8_t *data, size_t length) {
    if (data == nullptr || length < kWireHeader || length > kMaxWireMessage) return std::nullopt;
    const auto type = static_cast<WireType>(data[0]);
    switch (type) {
    case WireType::Config:
    case WireType::AddStream:
    case WireType::RemoveStream:
    case WireType::Rtp:
    case WireType::Rtcp:
    case WireType::TimedRtp:
    case WireType::TimedRtcp:
    case WireType::Stop:
    case WireType::Event: break;
    default: return std::nullopt;
    }
    WireMessage message{type, static_cast<uint16_t>((data[1] << 8) | data[2]),
                        std::string_view(reinterpret_cast<const char *>(data) + kWireHeader, length - kWireHeader)};
    return message;
}

} // namespace roomrec::recorder
