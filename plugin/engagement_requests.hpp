// Engagement signals that are only recorded, never relayed: attention heartbeats every 10 s,
// attachment downloads, and recording playback from players (docs/API.md "Room signals").
#pragma once

#include "plugin/replies.hpp"
#include "plugin/request.hpp"

namespace roomrec::plugin {

class RoomRegistry;
class TelemetryBridge;

class EngagementRequests {
public:
    EngagementRequests(RoomRegistry &rooms, TelemetryBridge &telemetry) : rooms_(rooms), telemetry_(telemetry) {}

    Reply on_heartbeat(Request &request);
    Reply on_download(Request &request);
    Reply on_playback(Request &request);

private:
    RoomRegistry &rooms_;
    TelemetryBridge &telemetry_;
};

} // namespace roomrec::plugin
