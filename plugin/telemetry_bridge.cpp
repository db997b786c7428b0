#include "plugin/telemetry_bridge.hpp"

#include "analytics/telemetry/telemetry_admin.hpp"
#include "analytics/telemetry/telemetry_writer.hpp"
#include "common/log.hpp"
#include "common/random_id.hpp"
#include "domain/device_class.hpp"
#include "plugin/replies.hpp"
#include "plugin/telemetry_retention.hpp"

namespace roomrec::plugin {
namespace {
constexpr common::Logger kLog("telemetry");
} // namespace

TelemetryBridge::TelemetryBridge(const PluginConfig &config) : config_(config) {}

TelemetryBridge::~TelemetryBridge() { stop(); }

void TelemetryBridge::start() {
    const std::string &postgres = config_.telemetry_postgres();
    if (postgres.empty()) {
        kLog.warning("no Postgres configured: engagement telemetry is not recorded");
        return;
    }
    analytics::TelemetrySettings settings;
    settings.conninfo = postgres;
    settings.node_id = config_.node_id;
    settings.spool_folder = config_.telemetry.spool_folder.empty() ? config_.recordings_root + "/.telemetry"
                                                                   : config_.telemetry.spool_folder;
    settings.queue_max_bytes = static_cast<size_t>(config_.telemetry.queue_max_mib) << 20;
    writer_ = std::make_unique<analytics::TelemetryWriter>(settings);
    std::string error;
    if (!writer_->start(error)) {
        kLog.error(common::format_text("telemetry cannot start (%s): engagement is not recorded", error.c_str()));
        writer_.reset();
        return;
    }
    if (config_.telemetry.retention_days > 0) {
        retention_ = std::make_unique<TelemetryRetention>(postgres, static_cast<int>(config_.telemetry.retention_days));
        retention_->start();
    }
}

void TelemetryBridge::stop() {
    if (retention_) retention_->stop();
    if (writer_) writer_->stop(); // what is queued goes to Postgres or the spool
}

void TelemetryBridge::record(const LiveRoom &room, analytics::TelemetryKind kind, const domain::Member *member,
                             const std::string &subject, int64_t value, common::JsonPtr body) {
    if (!writer_ && !config_.telemetry_observer) return;
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
    if (config_.telemetry_observer) config_.telemetry_observer(event);
    if (writer_) writer_->enqueue(std::move(event)); // a refusal (full queue) is counted by the writer
}

void TelemetryBridge::record_event(analytics::TelemetryEvent event) {
    event.at_us = g_get_real_time();
    if (config_.telemetry_observer) config_.telemetry_observer(event);
    if (writer_) writer_->enqueue(std::move(event)); // a refusal (full queue) is counted by the writer
}

void TelemetryBridge::record_attendance(LiveRoom &room, analytics::TelemetryKind kind, const domain::Member &member,
                                        const char *reason) {
    const domain::ClientInfo &client = member.client;
    if (kind == analytics::TelemetryKind::Leave) close_member(room, member, reason);
    common::JsonPtr body(
        json_pack("{s:s, s:s}", "role", domain::role_name(member.role), "display", client.display.c_str()));
    if (kind == analytics::TelemetryKind::Join) {
        const domain::DeviceInfo device = domain::classify_user_agent(client.user_agent);
        json_object_set_new(body.get(), "device", json_string(domain::device_class_name(device.device)));
        json_object_set_new(body.get(), "os", json_string(domain::os_family_name(device.os)));
        json_object_set_new(body.get(), "browser", json_string(domain::browser_family_name(device.browser)));
        json_object_set_new(body.get(), "client", json_string(domain::client_kind_name(client.kind)));
        json_object_set_new(body.get(), "title", json_string(room.settings.title.c_str()));
        for (const auto &[key, value] : {std::pair{"country", &client.country},
                                         {"company", &client.company},
                                         {"industry", &client.industry},
                                         {"email", &client.email},
                                         {"parent", &room.settings.parent_id}})
            if (!value->empty()) json_object_set_new(body.get(), key, json_string(value->c_str()));
    }
    if (reason != nullptr) json_object_set_new(body.get(), "reason", json_string(reason));
    record(room, kind, &member, "", 0, std::move(body));
}

void TelemetryBridge::close_member(LiveRoom &room, const domain::Member &member, const char *reason) {
    if (room.activity)
        if (const auto refused = room.activity->leave_refusals(member.client.user_id))
            record(room, analytics::TelemetryKind::ReactionRefused, &member, "", *refused);
    if (const auto presenting = room.presenting.find(member.participant_id); presenting != room.presenting.end()) {
        record(room, analytics::TelemetryKind::PresentStop, &member, "stage", 0,
               common::JsonPtr(json_pack("{s:s, s:s, s:s}", "mid", presenting->second.first.c_str(), "codec",
                                         presenting->second.second.c_str(), "reason", reason ? reason : "left")));
        room.presenting.erase(presenting);
    }
    if (member.on_stage)
        record(room, analytics::TelemetryKind::StageOff, &member, "", 0,
               common::JsonPtr(json_pack("{s:s}", "reason", reason ? reason : "left")));
}

void TelemetryBridge::record_refused_reaction(LiveRoom &room, const domain::Member &member) {
    if (!room.activity) return;
    if (const auto refused = room.activity->count_refusal(member.client.user_id, g_get_monotonic_time()))
        record(room, analytics::TelemetryKind::ReactionRefused, &member, "", *refused);
}

void TelemetryBridge::sync_presentation(LiveRoom &room, const Session &session) {
    const domain::Member *member = room.roster.find(session.participant_id);
    if (member == nullptr || room.session_id.empty()) return;
    const PublishedStream *stage = nullptr;
    for (const auto &stream : session.publication.load()->by_mindex)
        if (stream && stream->plan.source == StreamSource::Stage) stage = stream.get();
    const auto was = room.presenting.find(member->participant_id);
    if (was != room.presenting.end() && (stage == nullptr || stage->plan.mid != was->second.first)) {
        record(room, analytics::TelemetryKind::PresentStop, member, "stage", 0,
               common::JsonPtr(
                   json_pack("{s:s, s:s}", "mid", was->second.first.c_str(), "codec", was->second.second.c_str())));
        room.presenting.erase(was);
    }
    if (stage != nullptr && !room.presenting.count(member->participant_id)) {
        room.presenting[member->participant_id] = {stage->plan.mid, stage->codec.name};
        record(room, analytics::TelemetryKind::PresentStart, member, "stage", 0,
               common::JsonPtr(
                   json_pack("{s:s, s:s}", "mid", stage->plan.mid.c_str(), "codec", stage->codec.name.c_str())));
    }
}

void TelemetryBridge::record_stage(LiveRoom &room, const domain::Member &member, bool on_stage,
                                   const domain::Member *by) {
    common::JsonPtr body = common::json_object_ptr();
    if (by) json_object_set_new(body.get(), "by", json_string(by->client.user_id.c_str()));
    record(room, on_stage ? analytics::TelemetryKind::StageOn : analytics::TelemetryKind::StageOff, &member, "", 0,
           std::move(body));
}

void TelemetryBridge::start_room_session(LiveRoom &room) {
    room.session_id = common::random_id();
    // The room's own reaction limit overrides the jcfg's for this room.
    domain::ActivityLimits limits = config_.activity;
    domain::SignalLimit &reactions = limits.signals[domain::SignalKind::Reaction];
    if (room.settings.reaction_burst > 0) reactions.burst = room.settings.reaction_burst;
    if (room.settings.reactions_per_minute > 0) reactions.per_minute = room.settings.reactions_per_minute;
    // Chat, poll and question ids carry a piece of the random session id: unique beyond it.
    room.activity.emplace(limits, room.session_id);
    room.last_heartbeat_us.clear();
    room.presenting.clear();
    if (!room.settings.parent_id.empty()) {
        // Who opened it: the lead whose breakout request did, else (a room created with a
        // parent) its first joiner, whose join starts the session.
        const auto members = room.roster.members();
        common::JsonPtr body(json_pack("{s:s}", "title", room.settings.title.c_str()));
        if (!room.opened_by.empty())
            json_object_set_new(body.get(), "opened_by", json_string(room.opened_by.c_str()));
        else if (!members.empty())
            json_object_set_new(body.get(), "opened_by", json_string(members.front()->client.user_id.c_str()));
        record(room, analytics::TelemetryKind::BreakoutOpen, nullptr, room.settings.parent_id, 0, std::move(body));
    }
}

void TelemetryBridge::end_room_session(LiveRoom &room, const char *reason) {
    if (room.session_id.empty()) return;
    for (const domain::Member *member : room.roster.members())
        record_attendance(room, analytics::TelemetryKind::Leave, *member, reason);
    // Refusals of users who are no longer in the roster (none in practice: a leave flushes them).
    if (room.activity)
        for (const auto &[user, count] : room.activity->flush_refusals()) {
            domain::Member gone;
            gone.client.user_id = user;
            record(room, analytics::TelemetryKind::ReactionRefused, &gone, "", count);
        }
    if (!room.settings.parent_id.empty())
        record(room, analytics::TelemetryKind::BreakoutClose, nullptr, room.settings.parent_id, 0,
               common::JsonPtr(json_pack("{s:s}", "reason", reason)));
    room.session_id.clear();
    room.activity.reset();
    room.last_heartbeat_us.clear();
    room.plays.clear();
    room.presenting.clear();
}

// The right to erasure (privacy): every telemetry row of one user, in one statement. Rows of
// that user still queued or spooled on a node arrive later: erase after their sessions end.
common::JsonPtr TelemetryBridge::erase_user(const std::string &user_id) const {
    const std::string &postgres = config_.telemetry_postgres();
    if (postgres.empty()) return reply_error(domain::ErrorCode::Internal, "no telemetry database is configured").data;
    if (user_id.empty()) return reply_error(domain::ErrorCode::MissingElement, "user must not be empty").data;
    storage::Database connection(postgres);
    analytics::TelemetryAdmin admin(connection);
    std::string error;
    const auto erased = admin.erase_user(user_id, error);
    if (!erased) {
        kLog.error(common::format_text("erasing a user's telemetry failed: %s", error.c_str()));
        return reply_error(domain::ErrorCode::Internal, "erasure failed: " + error).data;
    }
    kLog.info(
        common::format_text("erased %lld telemetry rows of a user on request", static_cast<long long>(erased->events)));
    common::JsonPtr data = make_event("erased");
    json_object_set_new(data.get(), "user", json_string(user_id.c_str()));
    json_object_set_new(data.get(), "events", json_integer(erased->events));
    json_object_set_new(data.get(), "minutes", json_integer(erased->minutes));
    return data;
}

common::JsonPtr TelemetryBridge::describe_counters() const {
    if (!writer_) return nullptr;
    const auto counters = writer_->counters();
    return common::JsonPtr(json_pack(
        "{s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "database_up", counters.db_up, "enqueued",
        json_int_t(counters.enqueued), "written", json_int_t(counters.written), "spooled", json_int_t(counters.spooled),
        "replayed", json_int_t(counters.replayed), "dropped_full", json_int_t(counters.dropped_full), "dropped_bytes",
        json_int_t(counters.dropped_bytes), "queued_bytes", json_int_t(counters.queued_bytes), "rejected",
        json_int_t(counters.rejected), "lost", json_int_t(counters.lost), "lag_ms", json_int_t(counters.lag_us / 1000)));
}

} // namespace roomrec::plugin
