// Operator requests: this node's status, and the right to erasure of one user's telemetry
// (both through the Janus Admin API only).
#pragma once

#include "plugin/plugin_config.hpp"
#include "plugin/replies.hpp"
#include "plugin/request.hpp"

namespace roomrec::plugin {

class DeliveryBridge;
class RateLimitCounters;
class RecordingController;
class RoomRegistry;
class TelemetryBridge;

class AdminRequests {
public:
    AdminRequests(const PluginConfig &config, RoomRegistry &rooms, RecordingController &recording,
                  DeliveryBridge &delivery, TelemetryBridge &telemetry, const RateLimitCounters &rate_limited)
        : config_(config), rooms_(rooms), recording_(recording), delivery_(delivery), telemetry_(telemetry),
          rate_limited_(rate_limited) {}

    // Signalling thread: counters are thread-safe snapshots; nothing waits on Postgres.
    Reply on_status(Request &request);
    // The caller's thread (Janus's admin thread): it waits on Postgres.
    Reply on_erase_user(Request &request);

private:
    const PluginConfig &config_;
    RoomRegistry &rooms_;
    RecordingController &recording_;
    DeliveryBridge &delivery_;
    TelemetryBridge &telemetry_;
    const RateLimitCounters &rate_limited_;
};

} // namespace roomrec::plugin
