// The C++ side of the plugin: Janus callbacks arrive here from entry.cpp. Plugin owns one of
// each part and wires them; the parts talk to each other through narrow references and
// Listener interfaces, and to Janus only through JanusGateway.
#pragma once

#include "analytics/reports/report_export_producer.hpp"
#include "plugin/admin_requests.hpp"
#include "plugin/breakout_requests.hpp"
#include "plugin/delivery_bridge.hpp"
#include "plugin/engagement_requests.hpp"
#include "plugin/export_requests.hpp"
#include "plugin/library_requests.hpp"
#include "plugin/janus_gateway.hpp"
#include "plugin/library_playback.hpp"
#include "plugin/node_metrics.hpp"
#include "plugin/participant_requests.hpp"
#include "plugin/plugin_config.hpp"
#include "plugin/question_requests.hpp"
#include "plugin/rate_limit_counters.hpp"
#include "plugin/recording_controller.hpp"
#include "plugin/report_bridge.hpp"
#include "plugin/report_requests.hpp"
#include "plugin/request_dispatcher.hpp"
#include "plugin/room_lifecycle.hpp"
#include "plugin/room_messenger.hpp"
#include "plugin/room_registry.hpp"
#include "plugin/room_requests.hpp"
#include "plugin/session_table.hpp"
#include "plugin/signal_requests.hpp"
#include "plugin/signalling_worker.hpp"
#include "plugin/subscriber_requests.hpp"
#include "plugin/telemetry_bridge.hpp"

namespace roomrec::plugin {

class Plugin final : private RecordingController::Listener, private DeliveryBridge::Listener {
public:
    Plugin(JanusGateway &gateway, PluginConfig config);
    ~Plugin() override;
    Plugin(const Plugin &) = delete;
    Plugin &operator=(const Plugin &) = delete;

    void create_session(janus_plugin_session *handle, int *error);
    janus_plugin_result *handle_message(janus_plugin_session *handle, char *transaction, json_t *message, json_t *jsep);
    json_t *handle_admin_message(json_t *message);
    void setup_media(janus_plugin_session *handle);
    void incoming_rtp(janus_plugin_session *handle, janus_plugin_rtp *packet);
    void incoming_rtcp(janus_plugin_session *handle, janus_plugin_rtcp *packet);
    void hangup_media(janus_plugin_session *handle);
    void destroy_session(janus_plugin_session *handle, int *error);
    json_t *query_session(janus_plugin_session *handle);

private:
    // RecordingController::Listener
    void on_room_session_started(LiveRoom &room) override;
    void on_room_session_expired(LiveRoom &room, const char *reason) override;
    // DeliveryBridge::Listener
    void on_delivery_notice(const std::string &what, common::JsonPtr details) override;

    void bind_requests();
    void housekeeping(); // signalling thread, every kHousekeepingPeriod

    JanusGateway &gateway_;
    const PluginConfig config_;
    SessionTable sessions_;
    RoomRegistry rooms_;
    RoomMessenger messenger_;
    RateLimitCounters rate_limited_;
    // Before delivery_ (whose link server calls it) and bound to telemetry_, which it uses
    // only once started.
    LibraryPlaybackRecorder library_playback_;
    // Before delivery_, whose worker calls it (null without a reports database).
    std::unique_ptr<analytics::ReportExportProducer> export_producer_;
    DeliveryBridge delivery_;
    TelemetryBridge telemetry_;
    ReportBridge reports_;
    RecordingController recording_;
    RoomLifecycle lifecycle_;
    RoomRequests room_requests_;
    SubscriberRequests subscriber_requests_;
    ParticipantRequests participant_requests_;
    BreakoutRequests breakout_requests_;
    SignalRequests signal_requests_;
    QuestionRequests question_requests_;
    EngagementRequests engagement_requests_;
    AdminRequests admin_requests_;
    ReportRequests report_requests_;
    ExportRequests export_requests_;
    LibraryRequests library_requests_;
    RequestDispatcher dispatcher_;
    MediaCounters media_counters_; // media threads add, metrics read
    NodeMetrics metrics_;          // the link endpoint's /metrics (its thread)
    int64_t last_remb_us_ = 0; // signalling thread
    // Declared last: its thread starts once every part it calls exists, and it is destroyed
    // (after an explicit stop) before any of them.
    SignallingWorker worker_;
};

} // namespace roomrec::plugin
