// Everything the plugin says: replies and events to one handle, events to a whole room, and
// notifications to the Janus event handlers (signalling thread).
#pragma once

#include "plugin/janus_gateway.hpp"
#include "plugin/replies.hpp"
#include "plugin/session.hpp"

#include <string>

namespace roomrec::plugin {

class RoomMessenger {
public:
    RoomMessenger(JanusGateway &gateway, std::string node_id, bool notify_events)
        : gateway_(gateway), node_id_(std::move(node_id)), notify_events_(notify_events) {}

    // False when the session is gone or Janus refused the message (e.g. its SDP).
    bool push(const Session &session, const char *transaction, const Reply &reply);
    void broadcast(LiveRoom &room, const common::JsonPtr &event, const std::string &except_participant = {});
    // To the Janus event handlers, with the node and, when given, the session's room and participant.
    void notify(const char *event, common::JsonPtr details, const Session *session = nullptr);

private:
    JanusGateway &gateway_;
    const std::string node_id_;
    const bool notify_events_;
};

} // namespace roomrec::plugin
