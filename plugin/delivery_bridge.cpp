// The plugin's side of delivery (S2-S5, O5): starts the delivery worker when the jcfg
// names a Postgres database, and hands it each lifecycle event, durably, on the thread where
// the event happens (a link thread, the recovery thread, or the signalling thread for the
// once-per-session session.ended). The worker's own notices reach the Janus event handlers.
#include "plugin/plugin.hpp"

#include "storage/delivery/delivery_worker.hpp"
#include "plugin/janus_log_sink.hpp"
#include "common/random_id.hpp"

#include <curl/curl.h>

namespace roomrec::plugin {

void Plugin::start_delivery() {
    const DeliveryConfig &config = config_.delivery;
    if (config.postgres.empty()) {
        JANUS_LOG(LOG_WARN, "[roomrec] no delivery.postgres: recordings stay in %s, no webhooks, no metadata rows\n",
                  config_.recordings_root.c_str());
        return;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT); // once, before any thread uses libcurl
    storage::DeliverySettings settings;
    settings.node_id = config_.node_id;
    settings.postgres_conninfo = config.postgres;
    settings.spool_folder = config.spool_folder.empty() ? config_.recordings_root + "/.delivery" : config.spool_folder;
    if (config.to_s3) {
        storage::S3Settings s3;
        s3.endpoint = config.s3_endpoint;
        s3.bucket = config.s3_bucket;
        s3.region = config.s3_region;
        s3.access_key = config.s3_access_key;
        s3.secret_key = config.s3_secret_key;
        s3.key_prefix = config.s3_prefix;
        s3.part_size = static_cast<uint64_t>(config.s3_part_size_mib) << 20;
        s3.max_send_bytes_per_second = static_cast<uint64_t>(config.s3_max_send_mib_per_s) << 20;
        settings.s3 = s3;
    }
    settings.presign_seconds = config.s3_url_expiry_s;
    settings.keep_local_copy = config.keep_local_copy;
    settings.log = janus_log_sink("delivery: ");
    for (const auto &webhook : config.webhooks)
        settings.webhooks.push_back({webhook.name, webhook.url, webhook.secret, webhook.events});
    delivery_ = std::make_unique<storage::DeliveryWorker>(settings, [this](const std::string &what, const std::string &details) {
        auto parsed = std::make_shared<common::JsonPtr>(json_loads(details.c_str(), 0, nullptr));
        worker_.post([this, what, parsed]() mutable { notify(what.c_str(), std::move(*parsed)); });
    });
    std::string error;
    if (!delivery_->start(error)) {
        JANUS_LOG(LOG_ERR, "[roomrec] delivery cannot start (%s): recordings stay local, events are not delivered\n",
                  error.c_str());
        delivery_.reset();
        return;
    }
    JANUS_LOG(LOG_INFO, "[roomrec] delivery: %s storage, %zu webhook endpoint(s), spool %s\n", config.to_s3 ? "S3" : "local",
              config.webhooks.size(), settings.spool_folder.c_str());
}

void Plugin::stop_delivery() {
    if (delivery_) delivery_->stop();
}

void Plugin::deliver(storage::DeliveryEvent event) {
    if (!delivery_) return;
    event.id = common::random_id();
    event.node_id = config_.node_id;
    event.created_ms = g_get_real_time() / 1000;
    std::string error;
    if (!delivery_->submit(event, error))
        JANUS_LOG(LOG_ERR, "[roomrec] room %s: %s event not delivered: %s\n", event.room_id.c_str(),
                  storage::delivery_event_name(event.type), error.c_str());
}

storage::RecordingFacts Plugin::recording_facts(const RecordingManifest &manifest) {
    storage::RecordingFacts facts;
    facts.recording_id = manifest.recording_id;
    facts.title = manifest.title;
    facts.owner = manifest.owner;
    facts.initiator = manifest.initiator;
    facts.started_ms = manifest.started_unix * 1000;
    return facts;
}

void Plugin::deliver_recording(storage::DeliveryEventType type, const std::string &room_id, storage::RecordingFacts facts) {
    storage::DeliveryEvent event;
    event.type = type;
    event.room_id = room_id;
    event.recording = std::move(facts);
    deliver(std::move(event));
}

} // namespace roomrec::plugin
