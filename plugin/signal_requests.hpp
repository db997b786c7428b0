// Reactions, raised hands (a lead may lower someone else's), shared attachments, and chat with replies, likes, deletions and moderation threads;
// reactions, hands, chat messages and likes are rate-limited per user. Each is checked against the room session's RoomActivity, relayed to the
// room, answered, and recorded as telemetry; requests from joined participants only
// (docs/API.md "Room signals").
#pragma once

#include "plugin/replies.hpp"
#include "plugin/request.hpp"

#include <string>

namespace roomrec::plugin {

class RateLimitCounters;
class RoomMessenger;
class RoomRegistry;
class TelemetryBridge;

class SignalRequests {
public:
    SignalRequests(RoomRegistry &rooms, RoomMessenger &messenger, TelemetryBridge &telemetry,
                   RateLimitCounters &rate_limited)
        : rooms_(rooms), messenger_(messenger), telemetry_(telemetry), rate_limited_(rate_limited) {}

    Reply on_react(Request &request);
    Reply on_hand(Request &request);
    Reply on_chat(Request &request);
    Reply on_moderate(Request &request);
    Reply on_attachment(Request &request);

private:
    Reply lower_hand_of(LiveRoom &room, const domain::Member &by, const std::string &owner_id, bool raised);
    void tell_moderation(LiveRoom &room, const std::string &message, const char *state, const std::string &owner,
                         const domain::Member *by);

    RoomRegistry &rooms_;
    RoomMessenger &messenger_;
    TelemetryBridge &telemetry_;
    RateLimitCounters &rate_limited_;
};

} // namespace roomrec::plugin
