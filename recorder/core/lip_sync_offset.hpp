// Which lip-sync offsets a stream takes (M3). rtpbin lines a participant's streams up by their
// RTCP sender reports and proposes a new offset for a stream whenever a report comes. Every
// change shows in the file (a video frame moved, audio cut or padded), and a browser's
// proposals flip from report to report (6.3, 14.7, 6.3, 14.9 ms: its audio's and video's
// reports disagree a little) while the first ones are off until the jitter buffers have
// learnt the senders' clocks. So a stream takes its first offset, then follows the mean of
// the proposals, moving only when the mean has moved by kSmallChangeNs, and at once to a
// proposal kLargeChangeNs away (a real shift of the sender's clocks).
#pragma once

#include <cstdint>
#include <optional>

namespace roomrec::recorder {

class LipSyncOffset {
public:
    static constexpr int64_t kSmallChangeNs = 5000000;
    static constexpr int64_t kLargeChangeNs = 40000000;

    // rtpbin proposes `offset_ns` for the stream: returns the offset the stream keeps.
    int64_t take(int64_t offset_ns);

private:
    std::optional<int64_t> taken_;
    double mean_ns_ = 0; // of the proposals, smoothed
};

} // namespace roomrec::recorder
