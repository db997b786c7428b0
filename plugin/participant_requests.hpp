// Participant requests: join (as a participant, or routed to the subscriber requests), publish,
// unpublish, leave, kick, close and stage.
#pragma once

#include "plugin/plugin_config.hpp"
#include "plugin/replies.hpp"
#include "plugin/request.hpp"

#include <variant>

namespace roomrec::plugin {

class RecordingController;
class RoomLifecycle;
class RoomMessenger;
class RoomRegistry;
class SubscriberRequests;
class TelemetryBridge;

// The room a lead's request acts on: the joined host's or moderator's (action checked against
// its role, *actor_role set), or for an administrator the body's "room" (acting as host).
// Kick, unban, close, stage and breakout go through it.
std::variant<LiveRoom *, domain::ValidationError> acting_room(RoomRegistry &rooms, const Request &request,
                                                              domain::Action action, domain::Role *actor_role);

class ParticipantRequests {
public:
    ParticipantRequests(const PluginConfig &config, RoomRegistry &rooms, RoomMessenger &messenger,
                        RoomLifecycle &lifecycle, RecordingController &recording, TelemetryBridge &telemetry,
                        SubscriberRequests &subscribers)
        : config_(config), rooms_(rooms), messenger_(messenger), lifecycle_(lifecycle), recording_(recording),
          telemetry_(telemetry), subscribers_(subscribers) {}

    Reply on_join(Request &request);
    Reply on_publish(Request &request);
    Reply on_unpublish(Request &request);
    Reply on_leave(Request &request);
    Reply on_kick(Request &request);
    Reply on_unban(Request &request);
    Reply on_close(Request &request);
    Reply on_stage(Request &request);

private:
    Reply on_join_participant(Request &request, LiveRoom &room);
    Reply negotiate_publication(Request &request);

    const PluginConfig &config_;
    RoomRegistry &rooms_;
    RoomMessenger &messenger_;
    RoomLifecycle &lifecycle_;
    RecordingController &recording_;
    TelemetryBridge &telemetry_;
    SubscriberRequests &subscribers_;
};

} // namespace roomrec::plugin
