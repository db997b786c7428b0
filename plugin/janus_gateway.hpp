// What the plugin asks of the Janus core, as an interface: the real adapter forwards to
// janus_callbacks, and unit tests of the request handlers use a fake that records every call.
#pragma once

#include "plugin/janus_api.hpp"

#include <cstdint>

namespace roomrec::plugin {

class JanusGateway {
public:
    virtual ~JanusGateway() = default;

    // Sends a message (and optionally JSEP) to the handle's client; 0 when Janus accepted it.
    // Janus takes its own references: the caller keeps ownership of both.
    virtual int push_event(janus_plugin_session *handle, const char *transaction, json_t *message, json_t *jsep) = 0;
    // Media threads: no locks, no allocation behind these in the real adapter.
    virtual void relay_rtp(janus_plugin_session *handle, janus_plugin_rtp *packet) = 0;
    virtual void send_pli(janus_plugin_session *handle, int mindex) = 0;
    virtual void send_remb(janus_plugin_session *handle, uint32_t bitrate) = 0;
    virtual void close_pc(janus_plugin_session *handle) = 0;
    virtual bool events_enabled() = 0;
    // Takes ownership of event.
    virtual void notify_event(janus_plugin_session *handle, json_t *event) = 0;
};

} // namespace roomrec::plugin
