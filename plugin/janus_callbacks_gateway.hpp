// The real JanusGateway: each call forwards to the core's janus_callbacks table.
#pragma once

#include "plugin/janus_gateway.hpp"

namespace roomrec::plugin {

class JanusCallbacksGateway final : public JanusGateway {
public:
    JanusCallbacksGateway(janus_callbacks *callbacks, janus_plugin *descriptor)
        : callbacks_(callbacks), descriptor_(descriptor) {}

    int push_event(janus_plugin_session *handle, const char *transaction, json_t *message, json_t *jsep) override {
        return callbacks_->push_event(handle, descriptor_, transaction, message, jsep);
    }
    void relay_rtp(janus_plugin_session *handle, janus_plugin_rtp *packet) override {
        callbacks_->relay_rtp(handle, packet);
    }
    void send_pli(janus_plugin_session *handle, int mindex) override { callbacks_->send_pli_stream(handle, mindex); }
    void send_remb(janus_plugin_session *handle, uint32_t bitrate) override { callbacks_->send_remb(handle, bitrate); }
    void close_pc(janus_plugin_session *handle) override { callbacks_->close_pc(handle); }
    bool events_enabled() override { return callbacks_->events_is_enabled(); }
    void notify_event(janus_plugin_session *handle, json_t *event) override {
        callbacks_->notify_event(descriptor_, handle, event);
    }

private:
    janus_callbacks *const callbacks_;
    janus_plugin *const descriptor_;
};

} // namespace roomrec::plugin
