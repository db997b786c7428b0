#include "plugin/plugin.hpp"

#include "common/log.hpp"
#include "plugin/config_summary.hpp"
#include "plugin/core/sender_report.hpp"
#include "plugin/media_relay.hpp"
#include "plugin/room_descriptions.hpp"
#include "plugin/room_pinning.hpp"

#include <chrono>
#include <filesystem>
#include <optional>

namespace roomrec::plugin {
namespace {

constexpr common::Logger kLog("plugin");
constexpr auto kCallTimeout = std::chrono::seconds(15);
// The recording policy's timers (host leave, caps) fire within this of their deadline.
constexpr auto kHousekeepingPeriod = std::chrono::milliseconds(100);
} // namespace

Plugin::Plugin(JanusGateway &gateway, PluginConfig config)
    : gateway_(gateway), config_(std::move(config)), messenger_(gateway_, config_.node_id, config_.notify_events),
      library_playback_(telemetry_), delivery_(config_, *this), telemetry_(config_), reports_(config_),
      recording_(config_, rooms_, messenger_, gateway_, delivery_, worker_, *this),
      lifecycle_(rooms_, messenger_, gateway_, recording_, telemetry_, delivery_),
      room_requests_(config_, rooms_, messenger_, lifecycle_), subscriber_requests_(config_, rooms_, lifecycle_),
      participant_requests_(config_, rooms_, messenger_, lifecycle_, recording_, telemetry_, subscriber_requests_),
      breakout_requests_(config_, rooms_, messenger_, lifecycle_),
      signal_requests_(rooms_, messenger_, telemetry_, rate_limited_),
      question_requests_(rooms_, messenger_, telemetry_, rate_limited_), engagement_requests_(rooms_, telemetry_),
      admin_requests_(config_, rooms_, recording_, delivery_, telemetry_, rate_limited_),
      report_requests_(config_, rooms_, messenger_, worker_, reports_),
      export_requests_(config_, rooms_, worker_, delivery_), library_requests_(config_, rooms_, worker_, delivery_),
      dispatcher_(worker_, sessions_, messenger_),
      metrics_({config_.node_id, worker_, rooms_, recording_, rate_limited_, delivery_, telemetry_, reports_,
                media_counters_}),
      worker_([this] { housekeeping(); }, kHousekeepingPeriod) {
    bind_requests();
    const std::optional<size_t> static_rooms_open = worker_.call<size_t>(
        [this] {
            for (const auto &settings : config_.static_rooms) {
                if (const domain::ClusterNode *home = home_elsewhere(config_, settings.id)) {
                    kLog.info(common::format_text("static room %s lives on node %s: not opened here",
                                                  settings.id.c_str(), home->id.c_str()));
                    continue;
                }
                rooms_.add(settings);
            }
            return rooms_.size();
        },
        kCallTimeout);
    std::error_code failure;
    // A root made here gets dir_mode; an existing one keeps what its operator gave it.
    if (std::filesystem::create_directories(config_.recordings_root, failure))
        std::filesystem::permissions(config_.recordings_root, std::filesystem::perms(config_.dir_mode),
                                     std::filesystem::perm_options::replace, failure);
    if (failure)
        kLog.error(common::format_text("recordings_root %s is not usable (%s): recordings will fail",
                                       config_.recordings_root.c_str(), failure.message().c_str()));
    if (!config_.reports_postgres().empty()) {
        export_producer_ = std::make_unique<analytics::ReportExportProducer>(config_.reports_postgres());
        delivery_.set_export_producer(export_producer_.get());
    }
    delivery_.start(); // before recovery: what it finalizes is delivered too
    telemetry_.start();
    delivery_.set_playback_listener(&library_playback_);
    delivery_.set_metrics_source(&metrics_);
    delivery_.start_links(); // after telemetry: it records the library's playback
    reports_.start();
    recording_.start_recovery();
    kLog.info(describe_configuration(config_));
    const std::string cluster =
        config_.cluster.empty() ? "" : common::format_text(" (one of %zu cluster nodes)", config_.cluster.size());
    kLog.info(common::format_text("node %s ready with %zu static room(s)%s", config_.node_id.c_str(),
                                  static_rooms_open.value_or(0), cluster.c_str()));
}

Plugin::~Plugin() {
    // Janus frees its sessions at shutdown without a destroy_session for their handles, then
    // destroys the plugins: from here no handle may be pushed an event or named to Janus (it
    // would look the freed sessions up: GLib-CRITICAL, "[ERR] no session object").
    sessions_.clear();
    // Recordings end with the plugin: each worker finishes its file, which is then stored.
    recording_.shutdown([this] {
        for (auto &[id, room] : rooms_.all()) lifecycle_.close_room(room, "shutdown");
    });
    delivery_.stop();  // what it has not delivered waits in the spool and the outbox for the next start
    telemetry_.stop(); // after the rooms closed: the last leave events are queued
    reports_.stop();   // queued report requests are answered (462) through the still running worker
    worker_.call<bool>(
        [this] {
        rooms_.clear();
        sessions_.clear();
        return true;
        },
        kCallTimeout);
    worker_.stop();
}

void Plugin::bind_requests() {
    auto to = [](auto &owner, Reply (std::remove_reference_t<decltype(owner)>::*handler)(Request &)) {
        return [&owner, handler](Request &request) { return (owner.*handler)(request); };
    };
    dispatcher_.bind("create", to(room_requests_, &RoomRequests::on_create));
    dispatcher_.bind("destroy", to(room_requests_, &RoomRequests::on_destroy));
    dispatcher_.bind("list", to(room_requests_, &RoomRequests::on_list));
    dispatcher_.bind("exists", to(room_requests_, &RoomRequests::on_exists));
    dispatcher_.bind("listparticipants", to(room_requests_, &RoomRequests::on_listparticipants));
    dispatcher_.bind("join", to(participant_requests_, &ParticipantRequests::on_join));
    dispatcher_.bind("publish", to(participant_requests_, &ParticipantRequests::on_publish));
    dispatcher_.bind("unpublish", to(participant_requests_, &ParticipantRequests::on_unpublish));
    dispatcher_.bind("leave", to(participant_requests_, &ParticipantRequests::on_leave));
    dispatcher_.bind("kick", to(participant_requests_, &ParticipantRequests::on_kick));
    dispatcher_.bind("unban", to(participant_requests_, &ParticipantRequests::on_unban));
    dispatcher_.bind("close", to(participant_requests_, &ParticipantRequests::on_close));
    dispatcher_.bind("stage", to(participant_requests_, &ParticipantRequests::on_stage));
    dispatcher_.bind("breakout", to(breakout_requests_, &BreakoutRequests::on_breakout));
    dispatcher_.bind("start", to(subscriber_requests_, &SubscriberRequests::on_start));
    dispatcher_.bind("subscribe", to(subscriber_requests_, &SubscriberRequests::on_subscribe));
    dispatcher_.bind("unsubscribe", to(subscriber_requests_, &SubscriberRequests::on_unsubscribe));
    dispatcher_.bind("start_recording", to(recording_, &RecordingController::on_start_recording));
    dispatcher_.bind("stop_recording", to(recording_, &RecordingController::on_stop_recording));
    dispatcher_.bind("react", to(signal_requests_, &SignalRequests::on_react));
    dispatcher_.bind("hand", to(signal_requests_, &SignalRequests::on_hand));
    dispatcher_.bind("chat", to(signal_requests_, &SignalRequests::on_chat));
    dispatcher_.bind("moderate", to(signal_requests_, &SignalRequests::on_moderate));
    dispatcher_.bind("attachment", to(signal_requests_, &SignalRequests::on_attachment));
    dispatcher_.bind("poll", to(question_requests_, &QuestionRequests::on_poll));
    dispatcher_.bind("qa", to(question_requests_, &QuestionRequests::on_qa));
    dispatcher_.bind("heartbeat", to(engagement_requests_, &EngagementRequests::on_heartbeat));
    dispatcher_.bind("download", to(engagement_requests_, &EngagementRequests::on_download));
    dispatcher_.bind("playback", to(engagement_requests_, &EngagementRequests::on_playback));
    dispatcher_.bind("erase_user", to(admin_requests_, &AdminRequests::on_erase_user));
    dispatcher_.bind("status", to(admin_requests_, &AdminRequests::on_status));
    dispatcher_.bind("report", to(report_requests_, &ReportRequests::on_report));
    dispatcher_.bind("export", to(export_requests_, &ExportRequests::on_export));
    dispatcher_.bind("library", to(library_requests_, &LibraryRequests::on_library));
    dispatcher_.bind("export_status", to(export_requests_, &ExportRequests::on_export_status));
    dispatcher_.check_complete();
}

void Plugin::on_room_session_started(LiveRoom &room) { telemetry_.start_room_session(room); }

void Plugin::on_room_session_expired(LiveRoom &room, const char *reason) { lifecycle_.close_room(room, reason); }

void Plugin::on_delivery_notice(const std::string &what, common::JsonPtr details) {
    auto shared = std::make_shared<common::JsonPtr>(std::move(details));
    worker_.post([this, what, shared]() mutable { messenger_.notify(what.c_str(), std::move(*shared)); });
}

void Plugin::create_session(janus_plugin_session *handle, int *error) {
    sessions_.add(handle, std::make_shared<Session>(handle));
    *error = 0;
}

void Plugin::destroy_session(janus_plugin_session *handle, int *error) {
    std::shared_ptr<Session> session = sessions_.remove(handle);
    if (!session) {
        *error = -1;
        return;
    }
    *error = 0;
    // The room lets go of it on the signalling thread; the last reference frees it.
    worker_.post([this, session] { lifecycle_.unbind(*session); });
}

void Plugin::housekeeping() {
    ROOMREC_ON_SIGNALLING_THREAD();
    const int64_t now = g_get_monotonic_time();
    recording_.tick(now);
    // Publishers hear the bitrate cap every second, as REMB can be lost and encoders start low.
    if (now - last_remb_us_ < G_USEC_PER_SEC) return;
    last_remb_us_ = now;
    if (config_.publisher_bitrate_max > 0)
        for (const auto &session : sessions_.snapshot())
            if (session->gate->media_up && !session->publication.load()->by_mindex.empty())
                gateway_.send_remb(session->handle.get(), static_cast<uint32_t>(config_.publisher_bitrate_max));
}

void Plugin::setup_media(janus_plugin_session *handle) {
    const std::shared_ptr<Session> session = sessions_.find(handle);
    if (!session) return;
    session->media_generation.store(session->generation.load());
    session->gate->media_up.store(true, std::memory_order_release);
    // A new subscriber needs a keyframe from every video source to start decoding.
    const int64_t now = g_get_monotonic_time();
    const auto subscription = session->subscription.load();
    for (const auto &stream : subscription->by_mindex)
        if (stream)
            if (const auto source = stream->source.lock()) request_keyframe(gateway_, *source, now);
    common::JsonPtr details = common::json_object_ptr();
    json_object_set_new(details.get(), "media", json_string("up"));
    worker_.post([this, session, details = std::make_shared<common::JsonPtr>(std::move(details))]() mutable {
        if (!session->destroyed) messenger_.notify("webrtcup", std::move(*details), session.get());
    });
}

void Plugin::hangup_media(janus_plugin_session *handle) {
    const std::shared_ptr<Session> session = sessions_.find(handle);
    if (!session) return;
    session->gate->media_up.store(false, std::memory_order_release);
    const uint64_t media_generation = session->media_generation.load();
    worker_.post([this, session, media_generation] {
        // A PeerConnection the plugin already hung up, or one from before a re-join: its
        // late hangup must not touch what the handle does now.
        if (session->destroyed || media_generation != session->generation.load()) return;
        if (session->kind == SessionKind::Participant) {
            lifecycle_.unpublish(*session);
        } else if (session->kind == SessionKind::Subscriber) {
            lifecycle_.drop_subscription(*session);
        }
    });
}

void Plugin::incoming_rtp(janus_plugin_session *handle, janus_plugin_rtp *packet) {
    Session *session = SessionTable::media_session(handle);
    if (session == nullptr || packet == nullptr) return;
    const auto publication = session->publication.load(std::memory_order_acquire);
    const auto stream = publication->at(packet->mindex);
    if (!stream) return;
    relay_to_subscribers(gateway_, *stream, *packet, g_get_monotonic_time(), media_counters_);
    if (const auto tap = stream->tap.load(std::memory_order_acquire))
        tap->link->tap(recorder::WireType::Rtp, tap->stream_id, reinterpret_cast<const uint8_t *>(packet->buffer),
                       packet->length);
}

void Plugin::incoming_rtcp(janus_plugin_session *handle, janus_plugin_rtcp *packet) {
    Session *session = SessionTable::media_session(handle);
    if (session == nullptr || packet == nullptr) return;
    // A publisher's sender reports tie its audio and video clocks together: the recorder
    // needs them for lip sync.
    if (const auto published = session->publication.load(std::memory_order_acquire)->at(packet->mindex)) {
        const auto *data = reinterpret_cast<const uint8_t *>(packet->buffer);
        if (starts_with_sender_report(data, packet->length))
            published->last_sender_report.store(data, packet->length, g_get_monotonic_time());
        if (const auto tap = published->tap.load(std::memory_order_acquire))
            tap->link->tap(recorder::WireType::Rtcp, tap->stream_id, reinterpret_cast<const uint8_t *>(packet->buffer),
                           packet->length);
        return;
    }
    const auto subscription = session->subscription.load(std::memory_order_acquire);
    if (const auto stream = subscription->at(packet->mindex))
        handle_subscriber_rtcp(gateway_, *stream, *packet, g_get_monotonic_time());
}

janus_plugin_result *Plugin::handle_message(janus_plugin_session *handle, char *transaction, json_t *message,
                                            json_t *jsep) {
    return dispatcher_.handle_message(handle, transaction, message, jsep);
}

json_t *Plugin::handle_admin_message(json_t *message) { return dispatcher_.handle_admin_message(message); }

// Janus calls this holding the handle's mutex on its request thread, and push_event needs that
// mutex: so it reads only the atomic snapshots and never waits for the signalling thread.
json_t *Plugin::query_session(janus_plugin_session *handle) {
    const std::shared_ptr<Session> session = sessions_.find(handle);
    if (!session) return nullptr;
    const auto binding = session->binding.load();
    common::JsonPtr out = common::json_object_ptr();
    json_object_set_new(out.get(), "kind", json_string(session_kind_name(binding->kind)));
    json_object_set_new(out.get(), "media_up", json_boolean(session->gate->media_up.load()));
    if (binding->kind == SessionKind::Unbound) return out.release();
    json_object_set_new(out.get(), "room", json_string(binding->room_id.c_str()));
    json_object_set_new(out.get(), "participant", json_string(binding->participant_id.c_str()));
    if (!binding->role.empty()) {
        json_object_set_new(out.get(), "role", json_string(binding->role.c_str()));
        json_object_set_new(out.get(), "on_stage", json_boolean(binding->on_stage));
    }
    json_object_set_new(out.get(), "publishing", describe_publication(*session).release());
    json_t *subscribed = json_array();
    for (const auto &stream : session->subscription.load()->by_mindex) {
        json_t *entry = describe_subscriber_stream(*stream);
        json_object_set_new(entry, "packets_out", json_integer(static_cast<json_int_t>(stream->packets_out.load())));
        json_array_append_new(subscribed, entry);
    }
    json_object_set_new(out.get(), "subscribed", subscribed);
    return out.release();
}

} // namespace roomrec::plugin
