// Per-subscriber RTP sequence/timestamp rewriting (R6): a subscriber sees one continuous
// stream even when the source behind it changes (new SSRC after a renegotiation, or a switch).
#pragma once

#include <cstddef>
#include <cstdint>

namespace roomrec::plugin {

struct RtpFields {
    uint32_t ssrc = 0;
    uint16_t seq = 0;
    uint32_t timestamp = 0;
};

class RtpRewriter {
public:
    // clock_rate is the RTP clock (90000 for video, 48000 for Opus).
    explicit RtpRewriter(uint32_t clock_rate) : clock_rate_(clock_rate) {}

    // Maps an incoming packet to the outgoing numbering; arrival_us is a monotonic clock.
    RtpFields rewrite(RtpFields in, int64_t arrival_us);

    // The next packet starts a new source even if its SSRC is unchanged.
    void mark_switch() { switched_ = true; }

    // Makes the next packet follow on from numbering another rewriter sent last (a reused
    // outgoing stream must stay continuous for its receiver).
    void continue_from(uint16_t last_seq, uint32_t last_timestamp, int64_t last_arrival_us);

private:
    uint32_t clock_rate_;
    bool started_ = false;
    bool switched_ = false;
    uint32_t source_ssrc_ = 0;
    uint16_t seq_offset_ = 0;
    uint32_t ts_offset_ = 0;
    uint16_t last_seq_ = 0;
    uint32_t last_ts_ = 0;
    int64_t last_arrival_us_ = 0;
};

// Reads and writes the fixed RTP header in place; false if the buffer is not RTP v2.
bool read_rtp_fields(const uint8_t *packet, size_t length, RtpFields &fields);
void write_rtp_fields(uint8_t *packet, const RtpFields &fields);
void write_rtp_payload_type(uint8_t *packet, uint8_t payload_type);

} // namespace roomrec::plugin
