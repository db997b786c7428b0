// The C++ side of the plugin: Janus callbacks arrive here from entry.cpp.
#pragma once

#include "storage/core/delivery_event.hpp"
#include "analytics/core/telemetry_event.hpp"
#include "plugin/janus_api.hpp"
#include "common/json.hpp"
#include "plugin/plugin_config.hpp"
#include "plugin/replies.hpp"
#include "plugin/session.hpp"
#include "plugin/signalling_worker.hpp"

#include <atomic>
#include <cassert>
#include <functional>
#include <thread>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

// Debug builds check the threading contract: room state is touched only on the signalling thread.
#define ROOMREC_ON_SIGNALLING_THREAD() assert(worker_.on_worker_thread())

namespace roomrec::storage {
class DeliveryWorker;
}
namespace roomrec::analytics {
class TelemetryWriter;
}

namespace roomrec::plugin {

class TelemetryRetention;

inline constexpr const char *kPackage = "janus.plugin.roomrec";

struct Request {
    std::shared_ptr<Session> session; // null for the Admin API
    std::string transaction;
    common::JsonPtr body;
    common::JsonPtr jsep;
    bool admin = false;               // Janus Admin API: already authenticated by Janus
};

class Plugin {
public:
    Plugin(janus_callbacks *gateway, janus_plugin *descriptor, PluginConfig config);
    ~Plugin();

    void create_session(janus_plugin_session *handle, int *error);
    janus_plugin_result *handle_message(janus_plugin_session *handle, char *transaction, json_t *message, json_t *jsep);
    json_t *handle_admin_message(json_t *message);
    void setup_media(janus_plugin_session *handle);
    void incoming_rtp(janus_plugin_session *handle, janus_plugin_rtp *packet);
    void incoming_rtcp(janus_plugin_session *handle, janus_plugin_rtcp *packet);
    void hangup_media(janus_plugin_session *handle);
    void destroy_session(janus_plugin_session *handle, int *error);
    json_t *query_session(janus_plugin_session *handle);

    using Handler = Reply (Plugin::*)(Request &);
    struct RequestType {
        const char *name;
        Handler handler;
        std::span<const domain::ParamSpec> params;
        bool carries_jsep; // reply has JSEP: answered asynchronously with push_event
        bool admin_api;    // also reachable through the Janus Admin API
    };

private:
    static const RequestType *find_request(const char *name);
    std::variant<const RequestType *, domain::ValidationError> validate(const json_t *body, bool admin) const;

    // Signalling thread.
    std::shared_ptr<Session> session_of(janus_plugin_session *handle) const;
    bool push(const Session &session, const char *transaction, const Reply &reply); // false: Janus refused it
    void broadcast(LiveRoom &room, const common::JsonPtr &event, const std::string &except_participant = {});
    void notify(const char *event, common::JsonPtr details, const Session *session = nullptr);
    LiveRoom *room_of(const Session &session);
    bool admin_secret_ok(const Request &request) const;
    common::JsonPtr describe_participant(const LiveRoom &room, const domain::Member &member) const;
    common::JsonPtr describe_publication(const Session &session) const;
    static json_t *describe_subscriber_stream(const SubscriberStream &stream);
    void remove_participant(LiveRoom &room, Session &session, const char *reason);
    void drop_publication(Session &session);
    bool unpublish(Session &session); // drops a publication and tells the room; false if none
    void drop_subscription(Session &session);
    void unbind(Session &session);
    void reset_session(Session &session);
    void hang_up(Session &session);
    void publish_binding(Session &session);
    void close_room(LiveRoom &room, const char *reason);

    // Recording (recording_control.cpp).
    domain::PolicySettings policy_settings(const LiveRoom &room) const;
    void room_membership_changed(LiveRoom &room);
    void sync_recorded_streams(LiveRoom &room);
    void stop_recording(LiveRoom &room, domain::StopReason reason);
    void recording_tick(int64_t now_us);
    void on_link_event(const std::shared_ptr<ActiveRecording> &recording, const LinkEvent &event);
    void on_recording_stored(const std::shared_ptr<ActiveRecording> &recording, const LinkEvent &event,
                             const StoredRecording &stored);
    common::JsonPtr describe_recording(const LiveRoom &room, domain::Role role) const;
    void tell_recording(LiveRoom &room, const char *state, const std::function<bool(const domain::Member &)> &who,
                        const std::function<void(json_t *)> &extra = {});
    void request_recorded_keyframes(const ActiveRecording &recording);
    void recover_unfinished_recordings();
    // Delivery (delivery_bridge.cpp): lifecycle events to the durable spool, then S3/webhooks/rows.
    void start_delivery();
    void stop_delivery();
    void deliver(storage::DeliveryEvent event); // any thread but the media threads
    void deliver_recording(storage::DeliveryEventType type, const std::string &room_id, storage::RecordingFacts facts);
    static storage::RecordingFacts recording_facts(const RecordingManifest &manifest);
    void deliver_stored(const RecordingManifest &manifest, const StoredRecording &stored, const LinkEvent &event,
                        const LinkTally &tally);
    std::variant<std::pair<LiveRoom *, const domain::Member *>, Reply> recording_controller(Request &request,
                                                                                        const char *verb);
    Reply on_start_recording(Request &request);
    Reply on_stop_recording(Request &request);

    // Room signals and engagement telemetry (room_signals.cpp, room_questions.cpp,
    // engagement_requests.cpp, telemetry_bridge.cpp).
    struct Signaller {
        LiveRoom *room;
        const domain::Member *member;
        domain::ChatActor actor;
    };
    std::variant<Signaller, Reply> signaller(Request &request);
    Reply on_react(Request &request);
    Reply on_hand(Request &request);
    Reply on_chat(Request &request);
    Reply on_moderate(Request &request);
    Reply on_poll(Request &request);
    Reply on_qa(Request &request);
    Reply on_heartbeat(Request &request);
    Reply on_download(Request &request);
    Reply on_playback(Request &request);
    Reply on_erase_user(Request &request);
    Reply on_status(Request &request);
    common::JsonPtr erase_user(const std::string &user_id); // Admin API thread: waits on Postgres
    void tell_moderation(LiveRoom &room, const std::string &message, const char *state, const std::string &owner,
                         const domain::Member *by);
    void start_telemetry();
    void stop_telemetry();
    // Hands one event to the telemetry writer: never blocks (a full queue refuses and counts).
    void record(const LiveRoom &room, analytics::TelemetryKind kind, const domain::Member *member,
                const std::string &subject = "", int64_t value = 0, common::JsonPtr body = nullptr);
    void record_attendance(const LiveRoom &room, analytics::TelemetryKind kind, const domain::Member &member,
                           const char *reason);
    void start_room_session(LiveRoom &room);
    void end_room_session(LiveRoom &room, const char *reason);
    void forget_session(janus_plugin_session *handle);
    void housekeeping();

    // Requests (one file each group: room_requests.cpp, participant_requests.cpp, subscriber_requests.cpp).
    Reply on_create(Request &request);
    Reply on_destroy(Request &request);
    Reply on_list(Request &request);
    Reply on_exists(Request &request);
    Reply on_listparticipants(Request &request);
    Reply on_join(Request &request);
    Reply on_join_participant(Request &request, LiveRoom &room);
    Reply on_join_subscriber(Request &request, LiveRoom &room);
    Reply on_publish(Request &request);
    Reply negotiate_publication(Request &request);
    Reply on_unpublish(Request &request);
    Reply on_leave(Request &request);
    Reply on_kick(Request &request);
    Reply on_close(Request &request);
    Reply on_stage(Request &request);
    Reply on_start(Request &request);
    Reply on_subscribe(Request &request);
    Reply on_unsubscribe(Request &request);

    Reply offer_streams(Session &session, const std::vector<std::pair<std::string, std::string>> &wanted,
                        const char *event_kind);

    friend struct RequestTable;

    janus_callbacks *gateway_;
    janus_plugin *descriptor_;
    const PluginConfig config_;
    std::map<std::string, LiveRoom> rooms_;
    std::unordered_map<janus_plugin_session *, std::shared_ptr<Session>> sessions_;
    std::vector<std::shared_ptr<Session>> graveyard_;
    RecordingStore store_;
    std::vector<std::shared_ptr<ActiveRecording>> recordings_; // running or finalizing (signalling thread)
    std::atomic<bool> stopping_{false};
    std::unique_ptr<storage::DeliveryWorker> delivery_; // null without delivery.postgres
    std::unique_ptr<analytics::TelemetryWriter> telemetry_; // null without a telemetry database
    std::unique_ptr<TelemetryRetention> retention_;          // null without one, or with retention_days = 0
    std::thread recovery_; // finalizes what a crash left behind (M4)
    SignallingWorker worker_; // declared last: it stops before the state it uses is destroyed
};

} // namespace roomrec::plugin
