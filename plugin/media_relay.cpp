#include "plugin/media_relay.hpp"

#include <cstring>

namespace roomrec::plugin {
namespace {
// Janus never hands plugins packets beyond its MTU-sized buffers; anything larger is dropped.
constexpr size_t kMaxRtpPacket = 1600;
} // namespace

void relay_to_subscribers(JanusGateway &gateway, PublishedStream &stream, const janus_plugin_rtp &packet,
                          int64_t now_us, MediaCounters &counters) {
    stream.packets_in.fetch_add(1, std::memory_order_relaxed);
    counters.received.fetch_add(1, std::memory_order_relaxed);
    const auto subscribers = stream.subscribers.load(std::memory_order_acquire);
    if (subscribers->empty() || packet.length > kMaxRtpPacket) return;
    RtpFields fields;
    if (!read_rtp_fields(reinterpret_cast<const uint8_t *>(packet.buffer), packet.length, fields)) return;

    uint8_t buffer[kMaxRtpPacket];
    uint64_t forwarded = 0;
    for (const auto &subscriber : *subscribers) {
        if (!subscriber->gate->open()) continue;
        std::memcpy(buffer, packet.buffer, packet.length);
        const RtpFields out_fields = subscriber->rewriter.rewrite(fields, now_us);
        write_rtp_fields(buffer, out_fields);
        subscriber->record_sent(out_fields, now_us);
        write_rtp_payload_type(buffer, subscriber->payload_type);
        janus_plugin_rtp out = packet;
        out.mindex = subscriber->mindex;
        out.buffer = reinterpret_cast<char *>(buffer);
        gateway.relay_rtp(subscriber->subscriber.get(), &out);
        subscriber->packets_out.fetch_add(1, std::memory_order_relaxed);
        ++forwarded;
    }
    if (forwarded > 0) counters.forwarded.fetch_add(forwarded, std::memory_order_relaxed);
}

bool request_keyframe(JanusGateway &gateway, PublishedStream &stream, int64_t now_us) {
    if (stream.plan.kind != MediaKind::Video || !stream.keyframes.try_acquire(now_us)) return false;
    gateway.send_pli(stream.publisher.get(), stream.plan.index);
    return true;
}

void handle_subscriber_rtcp(JanusGateway &gateway, const SubscriberStream &stream, janus_plugin_rtcp &packet,
                            int64_t now_us) {
    if (!packet.video) return;
    if (!janus_rtcp_has_pli(packet.buffer, packet.length) && !janus_rtcp_has_fir(packet.buffer, packet.length)) return;
    if (const auto source = stream.source.lock()) request_keyframe(gateway, *source, now_us);
}

} // namespace roomrec::plugin
