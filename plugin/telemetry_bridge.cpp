// The plugin's side of engagement telemetry (E1-E7, R8): starts the telemetry writer when
// a database is configured, gives each room session an id, and records attendance, breakout
// sessions and every room signal. record() only enqueues: the writer's own thread does COPY,
// spooling and replay, so neither the signalling nor any media thread ever waits on it.
#include "plugin/plugin.hpp"

#include "domain/device_class.hpp"
#include "plugin/janus_log_sink.hpp"
#include "common/random_id.hpp"
#include "plugin/telemetry_retention.hpp"
#include "analytics/telemetry/telemetry_admin.hpp"
#include "analytics/telemetry/telemetry_writer.hpp"

namespace roomrec::plugin {

void Plugin::start_telemetry() {
    const std::string &postgres = config_.telemetry_postgres();
    if (postgres.empty()) {
        JANUS_LOG(LOG_WARN, "[roomrec] no Postgres configured: engagement telemetry is not recorded\n");
        return;
    }
    analytics::TelemetrySettings settings;
    settings.conninfo = postgres;
    settings.node_id = config_.node_id;
    settings.spool_folder =
        config_.telemetry.spool_folder.empty() ? config_.recordings_root + "/.telemetry" : config_.telemetry.spool_folder;
    telemetry_ = std::make_unique<analytics::TelemetryWriter>(settings, janus_log_sink("telemetry: "));
    std::string error;
    if (!telemetry_->start(error)) {
        JANUS_LOG(LOG_ERR, "[roomrec] telemetry cannot start (%s): engagement is not recorded\n", error.c_str());
        telemetry_.reset();
        return;
    }
    if (config_.telemetry.retention_days > 0) {
        retention_ = std::make_unique<TelemetryRetention>(postgres, static_cast<int>(config_.telemetry.retention_days),
                                                          janus_log_sink("telemetry "));
        retention_->start();
    }
}

void Plugin::stop_telemetry() {
    if (retention_) retention_->stop();
    if (telemetry_) telemetry_->stop(); // what is queued goes to Postgres or the spool
}

void Plugin::record(const LiveRoom &room, analytics::TelemetryKind kind, const domain::Member *member,
                    const std::string &subject, int64_t value, common::JsonPtr body) {
    if (!telemetry_) return;
    analytics::TelemetryEvent event;
    event.room_id = room.settings.id;
    event.session_id = room.session_id;
    if (member) {
        event.participant_id = member->participant_id;
        event.user_id = member->client.user_id;
    }
    event.subject_id = subject;
    event.kind = kind;
    event.at_us = g_get_real_time();
    event.value = value;
    event.body_json = common::json_compact(body);
    telemetry_->enqueue(std::move(event)); // a refusal (full queue) is counted by the writer
}

// E1: who joined or left, as what, from which device and country.
void Plugin::record_attendance(const LiveRoom &room, analytics::TelemetryKind kind, const domain::Member &member,
                               const char *reason) {
    const domain::ClientInfo &client = member.client;
    common::JsonPtr body(json_pack("{s:s, s:s}", "role", domain::role_name(member.role), "display", client.display.c_str()));
    if (kind == analytics::TelemetryKind::Join) {
        const domain::DeviceInfo device = domain::classify_user_agent(client.user_agent);
        json_object_set_new(body.get(), "device", json_string(domain::device_class_name(device.device)));
        json_object_set_new(body.get(), "os", json_string(domain::os_family_name(device.os)));
        json_object_set_new(body.get(), "browser", json_string(domain::browser_family_name(device.browser)));
        json_object_set_new(body.get(), "client", json_string(domain::client_kind_name(client.kind)));
        for (const auto &[key, value] : {std::pair{"country", &client.country}, {"company", &client.company},
                                         {"industry", &client.industry}})
            if (!value->empty()) json_object_set_new(body.get(), key, json_string(value->c_str()));
    }
    if (reason != nullptr) json_object_set_new(body.get(), "reason", json_string(reason));
    record(room, kind, &member, "", 0, std::move(body));
}

// A room session begins with its first participant; a child room's session is a breakout (R8).
void Plugin::start_room_session(LiveRoom &room) {
    room.session_id = common::random_id();
    room.activity.emplace();
    room.last_heartbeat_us.clear();
    if (!room.settings.parent_id.empty())
        record(room, analytics::TelemetryKind::BreakoutOpen, nullptr, room.settings.parent_id, 0,
               common::JsonPtr(json_pack("{s:s}", "title", room.settings.title.c_str())));
}

// Everyone still in the room leaves with it; then the session's state goes.
void Plugin::end_room_session(LiveRoom &room, const char *reason) {
    if (room.session_id.empty()) return;
    for (const domain::Member *member : room.roster.members())
        record_attendance(room, analytics::TelemetryKind::Leave, *member, reason);
    if (!room.settings.parent_id.empty())
        record(room, analytics::TelemetryKind::BreakoutClose, nullptr, room.settings.parent_id, 0,
               common::JsonPtr(json_pack("{s:s}", "reason", reason)));
    room.session_id.clear();
    room.activity.reset();
    room.last_heartbeat_us.clear();
    room.plays.clear();
}

// Through plugin messages nobody may erase anyone: only operators, through the Admin API.
Reply Plugin::on_erase_user(Request &) {
    return reply_error(domain::ErrorCode::Forbidden, "erase_user is a Janus Admin API request");
}

// The right to erasure (privacy): every telemetry row of one user, in one statement. Rows of
// that user still queued or spooled on a node arrive later: erase after their sessions end.
common::JsonPtr Plugin::erase_user(const std::string &user_id) {
    const std::string &postgres = config_.telemetry_postgres();
    if (postgres.empty()) return reply_error(domain::ErrorCode::Internal, "no telemetry database is configured").data;
    if (user_id.empty()) return reply_error(domain::ErrorCode::MissingElement, "user must not be empty").data;
    storage::PgConnection connection(postgres);
    analytics::TelemetryAdmin admin(connection);
    std::string error;
    const auto erased = admin.erase_user(user_id, error);
    if (!erased) {
        JANUS_LOG(LOG_ERR, "[roomrec] erasing a user's telemetry failed: %s\n", error.c_str());
        return reply_error(domain::ErrorCode::Internal, "erasure failed: " + error).data;
    }
    JANUS_LOG(LOG_INFO, "[roomrec] erased %lld telemetry rows of a user on request\n", static_cast<long long>(erased->events));
    common::JsonPtr data = make_event("erased");
    json_object_set_new(data.get(), "user", json_string(user_id.c_str()));
    json_object_set_new(data.get(), "events", json_integer(erased->events));
    json_object_set_new(data.get(), "minutes", json_integer(erased->minutes));
    return data;
}

} // namespace roomrec::plugin
