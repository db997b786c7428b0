// What GET /metrics serves (issue 15): the node's rooms, participants and streams, forwarded
// packets, recordings (running, stored, failed, recorder restarts, tap drops), the delivery
// outbox (jobs by kind and state, how long the oldest due job waits), telemetry (events by
// outcome, bytes queued) and report latencies, in the Prometheus text format; docs/OPERATIONS.md
// lists each metric. Runs on the link server's thread: room state is read by one short task on
// the signalling thread (bounded wait), the outbox by one query on the delivery requests'
// connection; the media threads only add to counters.
#pragma once

#include "plugin/media_relay.hpp"
#include "storage/links/link_server.hpp"

#include <string>

namespace roomrec::plugin {

class DeliveryBridge;
class RateLimitCounters;
class RecordingController;
class ReportBridge;
class RoomRegistry;
class SignallingWorker;
class TelemetryBridge;

class NodeMetrics final : public storage::LinkServer::MetricsSource {
public:
    struct Sources {
        const std::string &node_id;
        SignallingWorker &worker;
        RoomRegistry &rooms;
        const RecordingController &recording;
        const RateLimitCounters &rate_limited;
        DeliveryBridge &delivery;
        const TelemetryBridge &telemetry;
        const ReportBridge &reports;
        const MediaCounters &media;
    };

    explicit NodeMetrics(Sources sources) : sources_(sources) {}

    std::string prometheus_text() override;

private:
    Sources sources_;
};

} // namespace roomrec::plugin
