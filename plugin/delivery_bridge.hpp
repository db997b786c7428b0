// The plugin's side of delivery: starts the delivery worker when the jcfg names a Postgres
// database, and hands it each lifecycle event, durably, on the thread where the event happens
// (a link thread, the recovery thread, or the signalling thread for the once-per-session
// session.ended). The worker's own notices go to the listener, on the delivery thread.
#pragma once

#include "common/json.hpp"
#include "plugin/plugin_config.hpp"
#include "plugin/recording/recording_store.hpp"
#include "storage/core/delivery_event.hpp"
#include "storage/core/export_job.hpp"
#include "storage/delivery/delivery_worker.hpp"
#include "storage/links/link_server.hpp"

#include <pqxx/transaction_base>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace roomrec::storage {
class DeliveryWorker;
class OutboxStore;
class S3Client;
class ExportProducer;
} // namespace roomrec::storage

namespace roomrec::plugin {

class DeliveryBridge {
public:
    class Listener {
    public:
        virtual ~Listener() = default;
        // Delivery thread: e.g. recording_uploaded, delivery_failed, for the Janus event handlers.
        virtual void on_delivery_notice(const std::string &what, common::JsonPtr details) = 0;
    };

    DeliveryBridge(const PluginConfig &config, Listener &listener);
    ~DeliveryBridge();
    DeliveryBridge(const DeliveryBridge &) = delete;
    DeliveryBridge &operator=(const DeliveryBridge &) = delete;

    // Before start(): who writes export CSVs (analytics), who records library playback.
    void set_export_producer(storage::ExportProducer *producer) { export_producer_ = producer; }
    void set_playback_listener(storage::LinkServer::Listener *listener) { playback_listener_ = listener; }
    // Before start_links(): what the link endpoint's /metrics serves.
    void set_metrics_source(storage::LinkServer::MetricsSource *metrics) { metrics_source_ = metrics; }
    // Any thread but the media and signalling threads (it waits for Postgres): the outbox's
    // waiting and running jobs; nothing (and why) without delivery or with Postgres away.
    std::optional<std::vector<storage::OutboxDepth>> outbox_depth(std::string &error);

    void start(); // without delivery.postgres, or if the worker cannot start: events are dropped, logged
    void stop();  // what is not delivered waits in the spool and the outbox for the next start
    bool running() const { return worker_ != nullptr; }

    // Any thread but the media threads: a durable write to the spool, then the worker's.
    void deliver(storage::DeliveryEvent event);
    // `reason`: why a stored or failed recording stopped (domain::stop_reason_name, "interrupted").
    void deliver_recording(storage::DeliveryEventType type, const std::string &room_id, storage::RecordingFacts facts,
                           const std::string &reason = "");
    static storage::RecordingFacts recording_facts(const RecordingManifest &manifest);
    // Any thread but the media threads (it waits for Postgres): an export via email, durable
    // when it returns its id (the exports row and its job are committed); nothing and why
    // without delivery or when refused.
    std::optional<std::string> request_export(storage::ExportRequest request, std::string &error);
    // Any thread but the media threads (it waits for Postgres): the recordings library's work
    // in one transaction (storage::DeliveryWorker::run_library); false and why without delivery.
    using LibraryWork =
        std::function<bool(pqxx::transaction_base &transaction, storage::OutboxStore &outbox, std::string &refused)>;
    bool library(const std::string &doing, const LibraryWork &work, std::string &error);
    // A presigned GET of a stored S3 recording (its row's location: the full key), valid for
    // `seconds`; nothing without S3.
    std::optional<std::string> presign_recording(const std::string &location, int64_t seconds) const;
    // Same threads: an export's row and a ready download export's link (storage::DeliveryWorker);
    // nothing and why without delivery or with Postgres away.
    std::optional<storage::DeliveryWorker::ExportStatus> export_status(const std::string &export_id, int64_t now_s,
                                                                      std::string &error);
    // The delivery counters for the Admin API status, or null without delivery.
    common::JsonPtr describe_counters() const;

    // The link endpoint (links.port): after telemetry started, as playback reports go there.
    // It serves stored files whether or not delivery has a database.
    void start_links();

private:
    const PluginConfig &config_;
    Listener &listener_;
    std::unique_ptr<storage::DeliveryWorker> worker_; // null without delivery.postgres
    std::unique_ptr<storage::LinkServer> links_;      // null without links
    std::unique_ptr<storage::S3Client> presigner_;    // null without S3 (signs only: no I/O)
    storage::ExportProducer *export_producer_ = nullptr;
    storage::LinkServer::Listener *playback_listener_ = nullptr;
    storage::LinkServer::MetricsSource *metrics_source_ = nullptr;
};

} // namespace roomrec::plugin
