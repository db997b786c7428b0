#include "plugin/admin_requests.hpp"

#include "plugin/delivery_bridge.hpp"
#include "plugin/rate_limit_counters.hpp"
#include "plugin/recording_controller.hpp"
#include "plugin/room_registry.hpp"
#include "plugin/signalling_worker.hpp"
#include "plugin/telemetry_bridge.hpp"

namespace roomrec::plugin {

Reply AdminRequests::on_status(Request &request) {
    ROOMREC_ON_SIGNALLING_THREAD();
    if (!request.admin) return reply_error(domain::ErrorCode::Forbidden, "status is a Janus Admin API request");
    common::JsonPtr data = make_event("status");
    json_object_set_new(data.get(), "node", json_string(config_.node_id.c_str()));
    json_object_set_new(data.get(), "rooms", json_integer(static_cast<json_int_t>(rooms_.size())));
    json_object_set_new(data.get(), "recordings", json_integer(static_cast<json_int_t>(recording_.active())));
    json_object_set_new(data.get(), "rate_limited", rate_limited_.describe().release());
    if (common::JsonPtr delivery = delivery_.describe_counters())
        json_object_set_new(data.get(), "delivery", delivery.release());
    if (common::JsonPtr telemetry = telemetry_.describe_counters())
        json_object_set_new(data.get(), "telemetry", telemetry.release());
    return reply_with(std::move(data));
}

// Through plugin messages nobody may erase anyone: only operators, through the Admin API.
Reply AdminRequests::on_erase_user(Request &request) {
    if (!request.admin) return reply_error(domain::ErrorCode::Forbidden, "erase_user is a Janus Admin API request");
    return reply_with(telemetry_.erase_user(domain::string_field(request.body.get(), "user")));
}

} // namespace roomrec::plugin
