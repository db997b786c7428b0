// The media-thread path (R5, R6): relay one publisher packet to its subscribers, and turn
// a subscriber's PLI/FIR into a rate-limited keyframe request. No locks, no I/O, no allocation
// beyond the snapshot reference count.
#pragma once

#include "plugin/janus_gateway.hpp"
#include "plugin/media_streams.hpp"

#include <atomic>
#include <cstdint>

namespace roomrec::plugin {

// The node's packet counts since it started (metrics). One relaxed add per incoming packet each,
// whatever the number of subscribers.
struct MediaCounters {
    std::atomic<uint64_t> received{0};  // RTP packets publishers sent the node
    std::atomic<uint64_t> forwarded{0}; // RTP packets relayed to subscribers
};

void relay_to_subscribers(JanusGateway &gateway, PublishedStream &stream, const janus_plugin_rtp &packet,
                          int64_t now_us, MediaCounters &counters);

// Sends a PLI to the stream's publisher unless one went out within the configured interval.
bool request_keyframe(JanusGateway &gateway, PublishedStream &stream, int64_t now_us);

// Handles RTCP a subscriber sends about one of its streams.
void handle_subscriber_rtcp(JanusGateway &gateway, const SubscriberStream &stream, janus_plugin_rtcp &packet,
                            int64_t now_us);

} // namespace roomrec::plugin
