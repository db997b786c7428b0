// The "report" request (A1-A6, A10): validates the report and its parameters, checks access
// on the signalling thread (plugin/report_access), and hands the query to the report worker
// (plugin/report_bridge). From a handle the answer is pushed later as an event with the
// request's transaction; through the Admin API the call waits for it (the admin thread may).
// Runs on the caller's thread (Janus's request or admin thread), never on the signalling thread.
#pragma once

#include "domain/rate_limiter.hpp"
#include "plugin/plugin_config.hpp"
#include "plugin/replies.hpp"
#include "plugin/report_bridge.hpp"
#include "plugin/request.hpp"

namespace roomrec::plugin {

class RoomMessenger;
class RoomRegistry;
class SignallingWorker;

class ReportRequests {
public:
    ReportRequests(const PluginConfig &config, RoomRegistry &rooms, RoomMessenger &messenger, SignallingWorker &worker,
                   ReportBridge &reports)
        : config_(config), rooms_(rooms), messenger_(messenger), worker_(worker), reports_(reports),
          limits_(report_rate_settings(config)) {}

    // A reply with no data means "queued: the answer comes as an event".
    Reply on_report(Request &request);

private:
    static domain::RateLimitSettings report_rate_settings(const PluginConfig &config);

    const PluginConfig &config_;
    RoomRegistry &rooms_;
    RoomMessenger &messenger_;
    SignallingWorker &worker_;
    ReportBridge &reports_;
    // Report requests per credential (ReportGrant::credential), so one client cannot keep the
    // report worker and its database busy for everyone; signalling thread only.
    domain::RateLimiter limits_;
};

// The answer's shape: {"roomrec":"report","report":NAME,"room":R,"session":S,"data":{...}}, or
// an error event.
Reply report_answer(const analytics::ReportRequest &request, analytics::ReportResult result);

} // namespace roomrec::plugin
