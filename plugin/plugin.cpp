// Janus callbacks: session lifecycle, media hand-off and request dispatch.
#include "plugin/plugin.hpp"

#include "storage/delivery/delivery_worker.hpp"
#include "analytics/telemetry/telemetry_writer.hpp"
#include "plugin/telemetry_retention.hpp"
#include "plugin/media_relay.hpp"

#include <chrono>
#include <cstring>
#include <filesystem>

namespace roomrec::plugin {
namespace {

// Destroyed sessions stay allocated this long: a media thread may still hold the raw pointer
// Janus gave it just before the handle was stopped.
constexpr int64_t kGraveyardUs = 5 * G_USEC_PER_SEC;
constexpr auto kCallTimeout = std::chrono::seconds(15);

Session *raw_session(janus_plugin_session *handle) {
    if (handle == nullptr || g_atomic_int_get(&handle->stopped)) return nullptr;
    auto *session = static_cast<Session *>(handle->plugin_handle);
    return session != nullptr && !session->destroyed.load(std::memory_order_acquire) ? session : nullptr;
}

janus_plugin_result *sync_result(common::JsonPtr data) {
    return janus_plugin_result_new(JANUS_PLUGIN_OK, nullptr, data.release());
}

} // namespace

Plugin::Plugin(janus_callbacks *gateway, janus_plugin *descriptor, PluginConfig config)
    : gateway_(gateway), descriptor_(descriptor), config_(std::move(config)),
      store_(config_.recordings_root, config_.ffmpeg_path), worker_([this] { housekeeping(); }) {
    worker_.call<bool>([this] {
        for (const auto &settings : config_.static_rooms) rooms_[settings.id].settings = settings;
        return true;
    }, kCallTimeout);
    std::error_code failure;
    std::filesystem::create_directories(config_.recordings_root, failure);
    if (failure)
        JANUS_LOG(LOG_ERR, "[roomrec] recordings_root %s is not usable (%s): recordings will fail\n",
                  config_.recordings_root.c_str(), failure.message().c_str());
    start_delivery(); // before recovery: what it finalizes is delivered too
    start_telemetry();
    recovery_ = std::thread([this] { recover_unfinished_recordings(); });
    JANUS_LOG(LOG_INFO, "[roomrec] node %s ready with %zu static room(s)\n", config_.node_id.c_str(),
              config_.static_rooms.size());
}

Plugin::~Plugin() {
    stopping_ = true;
    if (recovery_.joinable()) recovery_.join();
    // Recordings end with the plugin (C7): each worker finishes its file, which is then stored.
    std::vector<std::shared_ptr<RecorderLink>> links;
    worker_.call<bool>([this, &links] {
        for (auto &[id, room] : rooms_) close_room(room, "shutdown");
        for (const auto &recording : recordings_)
            links.push_back(recording->link);
        return true;
    }, kCallTimeout);
    for (const auto &link : links) link->join(); // the signalling thread still runs what they post
    stop_delivery(); // what it has not delivered waits in the spool and the outbox for the next start
    stop_telemetry(); // after close_room: the last leave events are queued
    worker_.call<bool>([this] {
        rooms_.clear();
        sessions_.clear();
        graveyard_.clear();
        recordings_.clear();
        return true;
    }, kCallTimeout);
    worker_.stop();
}

void Plugin::create_session(janus_plugin_session *handle, int *error) {
    auto session = std::make_shared<Session>(handle);
    handle->plugin_handle = session.get();
    if (!worker_.post([this, handle, session] { sessions_[handle] = session; })) {
        handle->plugin_handle = nullptr;
        session->handle.forget(); // Janus keeps its reference: nothing was set up
        *error = -1;
        return;
    }
    *error = 0;
}

void Plugin::destroy_session(janus_plugin_session *handle, int *error) {
    *error = 0;
    // Janus marks the handle stopped before this call, so raw_session() would refuse it.
    auto *session = handle != nullptr ? static_cast<Session *>(handle->plugin_handle) : nullptr;
    if (session == nullptr) {
        *error = -1;
        return;
    }
    session->destroyed.store(true, std::memory_order_release);
    session->gate->closed.store(true, std::memory_order_release);
    worker_.post([this, handle] { forget_session(handle); });
}

void Plugin::forget_session(janus_plugin_session *handle) {
    ROOMREC_ON_SIGNALLING_THREAD();
    const auto it = sessions_.find(handle);
    if (it == sessions_.end()) return;
    std::shared_ptr<Session> session = it->second;
    session->destroyed = true;
    session->gate->closed = true;
    unbind(*session);
    session->destroyed_at_us = g_get_monotonic_time();
    graveyard_.push_back(session);
    sessions_.erase(it);
}

void Plugin::housekeeping() {
    ROOMREC_ON_SIGNALLING_THREAD();
    const int64_t now = g_get_monotonic_time();
    std::erase_if(graveyard_, [now](const auto &session) { return now - session->destroyed_at_us > kGraveyardUs; });
    recording_tick(now);
    // Publishers hear the bitrate cap regularly, as REMB can be lost and encoders start low.
    if (config_.publisher_bitrate_max > 0)
        for (const auto &[handle, session] : sessions_)
            if (session->gate->media_up && !session->publication.load()->by_mindex.empty())
                gateway_->send_remb(handle, static_cast<guint32>(config_.publisher_bitrate_max));
}

void Plugin::setup_media(janus_plugin_session *handle) {
    Session *session = raw_session(handle);
    if (session == nullptr) return;
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
    worker_.post([this, handle, details = std::make_shared<common::JsonPtr>(std::move(details))]() mutable {
        if (auto owned = session_of(handle)) notify("webrtcup", std::move(*details), owned.get());
    });
}

void Plugin::hangup_media(janus_plugin_session *handle) {
    Session *session = raw_session(handle);
    if (session == nullptr) return;
    session->gate->media_up.store(false, std::memory_order_release);
    const uint64_t media_generation = session->media_generation.load();
    worker_.post([this, handle, media_generation] {
        auto owned = session_of(handle);
        // A PeerConnection the plugin already hung up, or one from before a re-join: its
        // late hangup must not touch what the handle does now.
        if (!owned || media_generation != owned->generation.load()) return;
        if (owned->kind == SessionKind::Participant) {
            unpublish(*owned);
        } else if (owned->kind == SessionKind::Subscriber) {
            drop_subscription(*owned);
        }
    });
}

void Plugin::incoming_rtp(janus_plugin_session *handle, janus_plugin_rtp *packet) {
    Session *session = raw_session(handle);
    if (session == nullptr || packet == nullptr) return;
    const auto publication = session->publication.load(std::memory_order_acquire);
    const auto stream = publication->at(packet->mindex);
    if (!stream) return;
    relay_to_subscribers(gateway_, *stream, *packet, g_get_monotonic_time());
    if (const auto tap = stream->tap.load(std::memory_order_acquire))
        tap->link->tap(recorder::WireType::Rtp, tap->stream_id, reinterpret_cast<const uint8_t *>(packet->buffer),
                       packet->length);
}

void Plugin::incoming_rtcp(janus_plugin_session *handle, janus_plugin_rtcp *packet) {
    Session *session = raw_session(handle);
    if (session == nullptr || packet == nullptr) return;
    // A publisher's sender reports tie its audio and video clocks together: the recorder
    // needs them for lip sync (M3).
    if (const auto published = session->publication.load(std::memory_order_acquire)->at(packet->mindex)) {
        if (const auto tap = published->tap.load(std::memory_order_acquire))
            tap->link->tap(recorder::WireType::Rtcp, tap->stream_id, reinterpret_cast<const uint8_t *>(packet->buffer),
                           packet->length);
        return;
    }
    const auto subscription = session->subscription.load(std::memory_order_acquire);
    if (const auto stream = subscription->at(packet->mindex))
        handle_subscriber_rtcp(gateway_, *stream, *packet, g_get_monotonic_time());
}

std::shared_ptr<Session> Plugin::session_of(janus_plugin_session *handle) const {
    ROOMREC_ON_SIGNALLING_THREAD();
    const auto it = sessions_.find(handle);
    return it == sessions_.end() || it->second->destroyed ? nullptr : it->second;
}

janus_plugin_result *Plugin::handle_message(janus_plugin_session *handle, char *transaction, json_t *message,
                                            json_t *jsep) {
    // Janus hands over ownership of all three.
    common::JsonPtr body(message);
    common::JsonPtr offer(jsep);
    std::string transaction_id = transaction != nullptr ? transaction : "";
    g_free(transaction);

    if (raw_session(handle) == nullptr)
        return janus_plugin_result_new(JANUS_PLUGIN_ERROR, "no session for this handle", nullptr);
    const auto checked = validate(body.get(), false);
    if (const auto *invalid = std::get_if<domain::ValidationError>(&checked))
        return sync_result(std::move(reply_error(*invalid).data));
    const RequestType *type = std::get<const RequestType *>(checked);

    auto request = std::make_shared<Request>();
    request->transaction = std::move(transaction_id);
    request->body = std::move(body);
    request->jsep = std::move(offer);
    auto run = [this, handle, type, request]() -> Reply {
        request->session = session_of(handle);
        if (!request->session) return reply_error(domain::ErrorCode::NotJoined, "the handle is gone");
        try {
            return (this->*type->handler)(*request);
        } catch (const std::exception &error) {
            JANUS_LOG(LOG_ERR, "[roomrec] %s failed: %s\n", type->name, error.what());
            return reply_error(domain::ErrorCode::Internal, "internal error");
        }
    };
    if (type->carries_jsep) {
        worker_.post([this, run, request, type] {
            const Reply reply = run();
            if (!request->session || push(*request->session, request->transaction.c_str(), reply) || !reply.jsep) return;
            // Janus refused our SDP (e.g. the old PeerConnection never finished closing): take
            // the change back so nobody sees streams that will never flow, and tell the client.
            JANUS_LOG(LOG_WARN, "[roomrec] %s: Janus refused the SDP, change undone\n", type->name);
            if (reply.undo) reply.undo();
            push(*request->session, request->transaction.c_str(),
                 reply_error(domain::ErrorCode::InvalidSdp, "Janus could not apply the SDP; try again"));
        });
        return janus_plugin_result_new(JANUS_PLUGIN_OK_WAIT, "negotiating", nullptr);
    }
    // A request the client was told timed out must not take effect later.
    auto cancelled = std::make_shared<std::atomic<bool>>(false);
    auto reply = worker_.call<std::shared_ptr<Reply>>([run, cancelled] {
        if (cancelled->load()) return std::make_shared<Reply>(reply_error(domain::ErrorCode::Internal, "cancelled"));
        return std::make_shared<Reply>(run());
    }, kCallTimeout);
    if (!reply) {
        cancelled->store(true);
        return sync_result(std::move(reply_error(domain::ErrorCode::Internal, "the plugin is busy or stopping").data));
    }
    return sync_result(std::move((*reply)->data));
}

json_t *Plugin::handle_admin_message(json_t *message) {
    const auto checked = validate(message, true);
    if (const auto *invalid = std::get_if<domain::ValidationError>(&checked)) return reply_error(*invalid).data.release();
    const RequestType *type = std::get<const RequestType *>(checked);
    // Erasure waits on Postgres: on Janus's admin thread, never on the signalling thread.
    if (type->handler == &Plugin::on_erase_user)
        return erase_user(domain::string_field(message, "user")).release();
    auto request = std::make_shared<Request>();
    request->body = common::json_share(message); // borrowed from Janus
    request->admin = true;
    auto reply = worker_.call<std::shared_ptr<Reply>>([this, type, request] {
        try {
            return std::make_shared<Reply>((this->*type->handler)(*request));
        } catch (const std::exception &error) {
            return std::make_shared<Reply>(reply_error(domain::ErrorCode::Internal, error.what()));
        }
    }, kCallTimeout);
    if (!reply) return reply_error(domain::ErrorCode::Internal, "the plugin is busy or stopping").data.release();
    return (*reply)->data.release();
}

// Janus calls this holding the handle's mutex on its request thread, and push_event needs that
// mutex: so it reads only the atomic snapshots and never waits for the signalling thread.
json_t *Plugin::query_session(janus_plugin_session *handle) {
    Session *session = raw_session(handle);
    if (session == nullptr) return nullptr;
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

bool Plugin::push(const Session &session, const char *transaction, const Reply &reply) {
    ROOMREC_ON_SIGNALLING_THREAD();
    if (session.destroyed) return false;
    return gateway_->push_event(session.handle.get(), descriptor_, transaction && *transaction ? transaction : nullptr,
                                reply.data.get(), reply.jsep.get()) == 0;
}

void Plugin::broadcast(LiveRoom &room, const common::JsonPtr &event, const std::string &except_participant) {
    ROOMREC_ON_SIGNALLING_THREAD();
    for (const auto &[id, session] : room.participants)
        if (id != except_participant) push(*session, nullptr, reply_with(common::json_share(event.get())));
}

void Plugin::notify(const char *event, common::JsonPtr details, const Session *session) {
    if (!config_.notify_events || !gateway_->events_is_enabled()) return;
    common::JsonPtr info = common::json_object_ptr();
    json_object_set_new(info.get(), "event", json_string(event));
    json_object_set_new(info.get(), "node", json_string(config_.node_id.c_str()));
    if (session != nullptr && session->kind != SessionKind::Unbound) {
        json_object_set_new(info.get(), "room", json_string(session->room_id.c_str()));
        json_object_set_new(info.get(), "participant", json_string(session->participant_id.c_str()));
    }
    if (details) json_object_update(info.get(), details.get());
    // notify_event takes ownership of the JSON.
    gateway_->notify_event(descriptor_, session ? session->handle.get() : nullptr, info.release());
}

LiveRoom *Plugin::room_of(const Session &session) {
    ROOMREC_ON_SIGNALLING_THREAD();
    if (session.kind == SessionKind::Unbound) return nullptr;
    const auto it = rooms_.find(session.room_id);
    return it == rooms_.end() ? nullptr : &it->second;
}

} // namespace roomrec::plugin
