#include "plugin/core/rtp_rewriter.hpp"

namespace roomrec::plugin {

RtpFields RtpRewriter::rewrite(RtpFields in, int64_t arrival_us) {
    const bool fresh = !started_ || switched_ || in.ssrc != source_ssrc_;
    if (!started_) {
        // The first packet passes through unchanged: nothing to be continuous with.
        started_ = true;
        switched_ = false;
        source_ssrc_ = in.ssrc;
        seq_offset_ = 0;
        ts_offset_ = 0;
    } else if (switched_ || in.ssrc != source_ssrc_) {
        // Continue right after the last packet sent, advancing the clock by the real gap.
        const int64_t gap_us = arrival_us > last_arrival_us_ ? arrival_us - last_arrival_us_ : 0;
        uint32_t ts_step = static_cast<uint32_t>(gap_us * clock_rate_ / 1000000);
        if (ts_step == 0) ts_step = 1;
        seq_offset_ = static_cast<uint16_t>(last_seq_ + 1 - in.seq);
        ts_offset_ = last_ts_ + ts_step - in.timestamp;
        source_ssrc_ = in.ssrc;
        switched_ = false;
    }
    RtpFields out;
    out.ssrc = in.ssrc;
    out.seq = static_cast<uint16_t>(in.seq + seq_offset_);
    out.timestamp = in.timestamp + ts_offset_;
    // Track the newest packet only, so reordered ones keep their place.
    if (fresh || static_cast<int16_t>(out.seq - last_seq_) > 0) {
        last_seq_ = out.seq;
        last_ts_ = out.timestamp;
        last_arrival_us_ = arrival_us;
    }
    return out;
}

void RtpRewriter::continue_from(uint16_t last_seq, uint32_t last_timestamp, int64_t last_arrival_us) {
    started_ = true;
    switched_ = true;
    last_seq_ = last_seq;
    last_ts_ = last_timestamp;
    last_arrival_us_ = last_arrival_us;
}

bool read_rtp_fields(const uint8_t *packet, size_t length, RtpFields &fields) {
    if (packet == nullptr || length < 12 || (packet[0] >> 6) != 2) return false;
    fields.seq = static_cast<uint16_t>((packet[2] << 8) | packet[3]);
    fields.timestamp = (uint32_t(packet[4]) << 24) | (uint32_t(packet[5]) << 16) | (uint32_t(packet[6]) << 8) |
                       packet[7];
    fields.ssrc = (uint32_t(packet[8]) << 24) | (uint32_t(packet[9]) << 16) | (uint32_t(packet[10]) << 8) | packet[11];
    return true;
}

void write_rtp_fields(uint8_t *packet, const RtpFields &fields) {
    packet[2] = static_cast<uint8_t>(fields.seq >> 8);
    packet[3] = static_cast<uint8_t>(fields.seq);
    for (int i = 0; i < 4; ++i) {
        packet[4 + i] = static_cast<uint8_t>(fields.timestamp >> (24 - 8 * i));
        packet[8 + i] = static_cast<uint8_t>(fields.ssrc >> (24 - 8 * i));
    }
}

void write_rtp_payload_type(uint8_t *packet, uint8_t payload_type) {
    packet[1] = static_cast<uint8_t>((packet[1] & 0x80) | (payload_type & 0x7f));
}

} // namespace roomrec::plugin
