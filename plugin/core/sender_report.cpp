#include "plugin/core/sender_report.hpp"

namespace roomrec::plugin {
namespace {

constexpr size_t kSenderReportMin = 28; // header, SSRC, NTP (8), RTP (4), packet and octet counts
constexpr uint8_t kSenderReportType = 200;

uint32_t read32(const uint8_t *p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

void write32(uint8_t *p, uint32_t value) {
    p[0] = uint8_t(value >> 24);
    p[1] = uint8_t(value >> 16);
    p[2] = uint8_t(value >> 8);
    p[3] = uint8_t(value);
}

} // namespace

bool starts_with_sender_report(const uint8_t *data, size_t length) {
    return data != nullptr && length >= kSenderReportMin && (data[0] >> 6) == 2 && data[1] == kSenderReportType;
}

std::vector<uint8_t> advance_sender_report(const uint8_t *data, size_t length, int64_t ahead_us, uint32_t clock_rate) {
    if (!starts_with_sender_report(data, length) || ahead_us < 0) return {};
    std::vector<uint8_t> out(data, data + length);
    // NTP: 32.32 fixed-point seconds.
    const uint64_t ntp = (uint64_t(read32(&out[8])) << 32) | read32(&out[12]);
    const uint64_t ahead_ntp = (uint64_t(ahead_us / 1000000) << 32) +
                               ((uint64_t(ahead_us % 1000000) << 32) + 500000) / 1000000;
    const uint64_t moved = ntp + ahead_ntp;
    write32(&out[8], uint32_t(moved >> 32));
    write32(&out[12], uint32_t(moved));
    const uint64_t ahead_ticks = (uint64_t(ahead_us) * clock_rate + 500000) / 1000000;
    write32(&out[16], read32(&out[16]) + uint32_t(ahead_ticks));
    return out;
}

} // namespace roomrec::plugin
