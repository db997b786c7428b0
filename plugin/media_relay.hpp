// The media-thread path (R5, R6): relay one publisher packet to its subscribers, and turn
// a subscriber's PLI/FIR into a rate-limited keyframe request. No locks, no I/O, no allocation
// beyond the snapshot reference count.
#pragma once

#include "plugin/janus_api.hpp"
#include "plugin/media_streams.hpp"

namespace roomrec::plugin {

void relay_to_subscribers(janus_callbacks *gateway, PublishedStream &stream, const janus_plugin_rtp &packet,
                          int64_t now_us);

// Sends a PLI to the stream's publisher unless one went out within the configured interval.
bool request_keyframe(janus_callbacks *gateway, PublishedStream &stream, int64_t now_us);

// Handles RTCP a subscriber sends about one of its streams.
void handle_subscriber_rtcp(janus_callbacks *gateway, const SubscriberStream &stream, janus_plugin_rtcp &packet,
                            int64_t now_us);

} // namespace roomrec::plugin
