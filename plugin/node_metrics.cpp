#include "plugin/node_metrics.hpp"

#include "common/json.hpp"
#include "common/log.hpp"
#include "common/prometheus_text.hpp"
#include "plugin/delivery_bridge.hpp"
#include "plugin/rate_limit_counters.hpp"
#include "plugin/recording_controller.hpp"
#include "plugin/report_bridge.hpp"
#include "plugin/room_registry.hpp"
#include "plugin/signalling_worker.hpp"
#include "plugin/telemetry_bridge.hpp"

#include <chrono>
#include <iterator>

namespace roomrec::plugin {
namespace {

constexpr common::Logger kLog("metrics");
// A scrape waits this long for the signalling thread at most; without the answer it reports
// roomrec_signalling_responsive 0 and leaves the room gauges out.
constexpr auto kSnapshotTimeout = std::chrono::seconds(2);

// What only the signalling thread may read, copied in one task.
struct RoomSnapshot {
    size_t rooms = 0, live_sessions = 0, participants = 0, subscriber_handles = 0;
    size_t audio_streams = 0, video_streams = 0, recordings_running = 0;
    uint64_t tap_dropped = 0; // by every recording since the node started
    common::JsonPtr rate_limited;
};

double number(const json_t *object, const char *key) {
    const json_t *value = json_object_get(object, key);
    return json_is_boolean(value) ? (json_is_true(value) ? 1 : 0) : json_number_value(value);
}

void room_gauges(common::PrometheusText &out, const RoomSnapshot &snapshot) {
    const auto gauge = [&](const char *name, const char *help, double value) {
        out.family(name, "gauge", help);
        out.sample(name, value);
    };
    gauge("roomrec_rooms", "Rooms this node holds (configured, created or opened as breakouts).", snapshot.rooms);
    gauge("roomrec_room_sessions_live", "Rooms whose session runs (someone joined since it last closed).",
          snapshot.live_sessions);
    gauge("roomrec_participants", "Participants joined in this node's rooms.", snapshot.participants);
    gauge("roomrec_subscriber_handles", "Subscriber handles attached in this node's rooms.",
          snapshot.subscriber_handles);
    out.family("roomrec_published_streams", "gauge", "Streams participants publish, by kind.");
    out.sample("roomrec_published_streams", snapshot.audio_streams, {{"kind", "audio"}});
    out.sample("roomrec_published_streams", snapshot.video_streams, {{"kind", "video"}});
    gauge("roomrec_recordings_running", "Recordings running or being stored on this node.",
          snapshot.recordings_running);
    out.family("roomrec_signals_rate_limited_total", "counter",
               "Room signals refused by a per-user rate limit (457), by kind.");
    const char *kind;
    const json_t *value;
    json_object_foreach(snapshot.rate_limited.get(), kind, value)
        out.sample("roomrec_signals_rate_limited_total", json_number_value(value), {{"kind", kind}});
}

void delivery_metrics(common::PrometheusText &out, DeliveryBridge &delivery) {
    const common::JsonPtr counters = delivery.describe_counters();
    if (!counters) return; // no delivery configured
    out.family("roomrec_delivery_database_up", "gauge", "1 when the delivery worker last reached Postgres.");
    out.sample("roomrec_delivery_database_up", number(counters.get(), "database_up"));
    out.family("roomrec_delivery_jobs_completed_total", "counter",
               "Delivery work this node completed, by kind (imported: spool events moved to Postgres).");
    for (const char *kind : {"imported", "uploads", "webhooks", "exports", "emails", "deletes"})
        out.sample("roomrec_delivery_jobs_completed_total", number(counters.get(), kind), {{"kind", kind}});
    out.family("roomrec_delivery_retries_total", "counter", "Delivery attempts that failed and will be retried.");
    out.sample("roomrec_delivery_retries_total", number(counters.get(), "retries"));
    out.family("roomrec_delivery_failed_total", "counter", "Delivery jobs given up for good (delivery_failed).");
    out.sample("roomrec_delivery_failed_total", number(counters.get(), "failed"));
    std::string error;
    const auto depth = delivery.outbox_depth(error);
    out.family("roomrec_outbox_readable", "gauge", "1 when the outbox could be measured for this scrape.");
    out.sample("roomrec_outbox_readable", depth ? 1 : 0);
    if (!depth) {
        kLog.warning("the outbox could not be measured: " + error);
        return;
    }
    out.family("roomrec_outbox_jobs", "gauge", "Outbox jobs of every node waiting (pending) or running, by kind.");
    out.family("roomrec_outbox_oldest_due_seconds", "gauge",
               "How long the outbox job due longest has been waiting, by kind and state (0: none due).");
    for (const auto &row : *depth) {
        out.sample("roomrec_outbox_jobs", static_cast<double>(row.jobs), {{"kind", row.kind}, {"state", row.state}});
        out.sample("roomrec_outbox_oldest_due_seconds", row.oldest_due_s, {{"kind", row.kind}, {"state", row.state}});
    }
}

void telemetry_metrics(common::PrometheusText &out, const TelemetryBridge &telemetry) {
    const common::JsonPtr counters = telemetry.describe_counters();
    if (!counters) return; // no telemetry database
    out.family("roomrec_telemetry_database_up", "gauge", "1 when the telemetry writer last reached Postgres.");
    out.sample("roomrec_telemetry_database_up", number(counters.get(), "database_up"));
    out.family("roomrec_telemetry_events_total", "counter",
               "Telemetry events by outcome: enqueued, written (to Postgres), spooled (to disk while Postgres "
               "was away), replayed (from the spool), dropped_full (queue full), rejected (invalid), lost.");
    for (const char *outcome : {"enqueued", "written", "spooled", "replayed", "dropped_full", "rejected", "lost"})
        out.sample("roomrec_telemetry_events_total", number(counters.get(), outcome), {{"outcome", outcome}});
    out.family("roomrec_telemetry_queued_bytes", "gauge", "Bytes the telemetry events waiting in memory hold.");
    out.sample("roomrec_telemetry_queued_bytes", number(counters.get(), "queued_bytes"));
    out.family("roomrec_telemetry_lag_seconds", "gauge",
               "Age of the oldest telemetry event not yet in Postgres (being batched, or spooled while Postgres "
               "is away); 0 when none waits.");
    out.sample("roomrec_telemetry_lag_seconds", number(counters.get(), "lag_ms") / 1000.0);
}

void report_metrics(common::PrometheusText &out, const ReportBridge &reports) {
    const auto latencies = reports.latencies();
    out.family("roomrec_report_duration_seconds", "histogram",
               "Time from a report request to its answer (queue wait included), by report.");
    out.family("roomrec_reports_failed_total", "counter", "Report requests answered with an error, by report.");
    const std::vector<double> bounds(std::begin(ReportBridge::kLatencyBounds), std::end(ReportBridge::kLatencyBounds));
    for (const auto &[name, latency] : latencies) {
        out.histogram("roomrec_report_duration_seconds", bounds, latency.cumulative, latency.sum_s, latency.count,
                      {{"report", name}});
        out.sample("roomrec_reports_failed_total", static_cast<double>(latency.failed), {{"report", name}});
    }
}

} // namespace

std::string NodeMetrics::prometheus_text() {
    common::PrometheusText out;
    out.family("roomrec_node_info", "gauge", "Always 1; names this node.");
    out.sample("roomrec_node_info", 1, {{"node", sources_.node_id}});

    Sources &s = sources_;
    const auto snapshot = s.worker.call<std::shared_ptr<RoomSnapshot>>(
        [&s] {
        auto copy = std::make_shared<RoomSnapshot>();
        copy->rooms = s.rooms.size();
        for (auto &[id, room] : s.rooms.all()) {
            copy->live_sessions += room.policy ? 1 : 0;
            copy->participants += room.participants.size();
            copy->subscriber_handles += room.subscribers.size();
            for (const auto &[participant, session] : room.participants)
                for (const auto &stream : session->publication.load()->by_mindex)
                    if (stream) (stream->plan.kind == MediaKind::Video ? copy->video_streams : copy->audio_streams)++;
        }
        copy->recordings_running = s.recording.active();
        // Both parts on the signalling thread, where a recording moves from one to the other.
        copy->tap_dropped = s.recording.counts().tap_dropped_finished.load() + s.recording.tap_dropped_running();
        copy->rate_limited = s.rate_limited.describe();
        return copy;
        },
        std::chrono::duration_cast<std::chrono::milliseconds>(kSnapshotTimeout));
    out.family("roomrec_signalling_responsive", "gauge",
               "1 when the signalling thread answered this scrape within 2 s (the room gauges need it).");
    out.sample("roomrec_signalling_responsive", snapshot ? 1 : 0);
    if (snapshot) room_gauges(out, **snapshot);

    const auto counter = [&](const char *name, const char *help, double value) {
        out.family(name, "counter", help);
        out.sample(name, value);
    };
    counter("roomrec_rtp_packets_received_total", "RTP packets publishers sent this node.",
            static_cast<double>(s.media.received.load(std::memory_order_relaxed)));
    counter("roomrec_rtp_packets_forwarded_total", "RTP packets this node relayed to subscribers.",
            static_cast<double>(s.media.forwarded.load(std::memory_order_relaxed)));
    const RecordingController::Counts &recordings = s.recording.counts();
    counter("roomrec_recordings_stored_total", "Recordings stored (available) since this node started.",
            static_cast<double>(recordings.stored.load()));
    counter("roomrec_recordings_failed_total", "Recordings that could not be stored since this node started.",
            static_cast<double>(recordings.failed.load()));
    counter("roomrec_recorder_restarts_total", "Recorder workers that died and were restarted (a gap each).",
            static_cast<double>(recordings.restarts.load()));
    if (snapshot)
        counter("roomrec_recording_tap_dropped_packets_total",
                "Packets the recording taps dropped because a recorder fell behind.",
                static_cast<double>((*snapshot)->tap_dropped));

    delivery_metrics(out, s.delivery);
    telemetry_metrics(out, s.telemetry);
    report_metrics(out, s.reports);
    return out.text();
}

} // namespace roomrec::plugin
