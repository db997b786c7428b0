// The Admin API's "status" (O5): how delivery and telemetry are doing on this node, from
// their own counters (thread-safe snapshots; nothing waits on Postgres).
#include "plugin/plugin.hpp"

#include "storage/delivery/delivery_worker.hpp"
#include "analytics/telemetry/telemetry_writer.hpp"

namespace roomrec::plugin {

Reply Plugin::on_status(Request &request) {
    ROOMREC_ON_SIGNALLING_THREAD();
    if (!request.admin) return reply_error(domain::ErrorCode::Forbidden, "status is a Janus Admin API request");
    common::JsonPtr data = make_event("status");
    json_object_set_new(data.get(), "node", json_string(config_.node_id.c_str()));
    json_object_set_new(data.get(), "rooms", json_integer(static_cast<json_int_t>(rooms_.size())));
    json_object_set_new(data.get(), "recordings", json_integer(static_cast<json_int_t>(recordings_.size())));
    if (delivery_) {
        const auto counters = delivery_->counters();
        json_object_set_new(data.get(), "delivery",
                            json_pack("{s:b, s:I, s:I, s:I, s:I, s:I}", "database_up", counters.database_up, "imported",
                                      json_int_t(counters.imported), "uploads", json_int_t(counters.uploads), "webhooks",
                                      json_int_t(counters.webhooks), "retries", json_int_t(counters.retries), "failed",
                                      json_int_t(counters.failed)));
    }
    if (telemetry_) {
        const auto counters = telemetry_->counters();
        json_object_set_new(data.get(), "telemetry",
                            json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "database_up", counters.db_up,
                                      "enqueued", json_int_t(counters.enqueued), "written", json_int_t(counters.written),
                                      "spooled", json_int_t(counters.spooled), "replayed", json_int_t(counters.replayed),
                                      "dropped_full", json_int_t(counters.dropped_full), "rejected",
                                      json_int_t(counters.rejected), "lost", json_int_t(counters.lost)));
    }
    return reply_with(std::move(data));
}

} // namespace roomrec::plugin
