// A publisher's last RTCP sender report, brought forward to a later moment for a recorder that
// starts listening between two reports (browsers send them only every 1-7 s, audio the least
// often). The recorder ties audio and video together by the reports' NTP/RTP pairs: without one
// per stream from the first packet it mixes them by arrival and shifts a stream when the first
// reports arrive (a visible jump, skipped frames or lost audio).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace roomrec::plugin {

// True if a (compound) RTCP packet starts with a sender report, as a sender's compound must.
bool starts_with_sender_report(const uint8_t *data, size_t length);

// The same compound packet (its SDES CNAME pairs the streams) with the sender report's NTP and
// RTP times both moved ahead by `ahead_us`: the same clock mapping, as of a later instant. The
// RTP clock of the stream is `clock_rate` Hz; its wrap-around is modular, as RTP's is. Empty if
// the packet does not start with a sender report.
std::vector<uint8_t> advance_sender_report(const uint8_t *data, size_t length, int64_t ahead_us, uint32_t clock_rate);

} // namespace roomrec::plugin
