#include "plugin/delivery_bridge.hpp"

#include "common/log.hpp"
#include "common/random_id.hpp"
#include "storage/delivery/delivery_worker.hpp"

#include <curl/curl.h>
#include <glib.h>

namespace roomrec::plugin {
namespace {
constexpr common::Logger kLog("delivery");
} // namespace

DeliveryBridge::DeliveryBridge(const PluginConfig &config, Listener &listener) : config_(config), listener_(listener) {}

DeliveryBridge::~DeliveryBridge() { stop(); }

void DeliveryBridge::start() {
    const DeliveryConfig &config = config_.delivery;
    if (config.postgres.empty()) {
        kLog.warning(common::format_text("no delivery.postgres: recordings stay in %s, no webhooks, no metadata rows",
                                         config_.recordings_root.c_str()));
        return;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT); // once, before any thread uses libcurl
    storage::DeliverySettings settings;
    settings.node_id = config_.node_id;
    settings.postgres_conninfo = config.postgres;
    settings.recordings_root = config_.recordings_root;
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
    for (const auto &webhook : config.webhooks)
        settings.webhooks.push_back({webhook.name, webhook.url, webhook.secret, webhook.events});
    worker_ = std::make_unique<storage::DeliveryWorker>(settings,
                                                        [this](const std::string &what, const std::string &details) {
        listener_.on_delivery_notice(what, common::JsonPtr(json_loads(details.c_str(), 0, nullptr)));
    });
    std::string error;
    if (!worker_->start(error)) {
        kLog.error(common::format_text("delivery cannot start (%s): recordings stay local, events are not delivered",
                                       error.c_str()));
        worker_.reset();
        return;
    }
    kLog.info(common::format_text("delivery: %s storage, %zu webhook endpoint(s), spool %s",
                                  config.to_s3 ? "S3" : "local", config.webhooks.size(),
                                  settings.spool_folder.c_str()));
}

void DeliveryBridge::stop() {
    if (worker_) worker_->stop();
}

void DeliveryBridge::deliver(storage::DeliveryEvent event) {
    if (!worker_) return;
    event.id = common::random_id();
    event.node_id = config_.node_id;
    event.created_ms = g_get_real_time() / 1000;
    std::string error;
    if (!worker_->submit(event, error))
        kLog.error(common::format_text("room %s: %s event not delivered: %s", event.room_id.c_str(),
                                       storage::delivery_event_name(event.type), error.c_str()));
}

storage::RecordingFacts DeliveryBridge::recording_facts(const RecordingManifest &manifest) {
    storage::RecordingFacts facts;
    facts.recording_id = manifest.recording_id;
    facts.title = manifest.title;
    facts.owner = manifest.owner;
    facts.initiator = manifest.initiator;
    facts.started_ms = manifest.started_unix * 1000;
    return facts;
}

void DeliveryBridge::deliver_recording(storage::DeliveryEventType type, const std::string &room_id,
                                       storage::RecordingFacts facts) {
    storage::DeliveryEvent event;
    event.type = type;
    event.room_id = room_id;
    event.recording = std::move(facts);
    deliver(std::move(event));
}

common::JsonPtr DeliveryBridge::describe_counters() const {
    if (!worker_) return nullptr;
    const auto counters = worker_->counters();
    return common::JsonPtr(json_pack("{s:b, s:I, s:I, s:I, s:I, s:I}", "database_up", counters.database_up, "imported",
                                     json_int_t(counters.imported), "uploads", json_int_t(counters.uploads), "webhooks",
                                     json_int_t(counters.webhooks), "retries", json_int_t(counters.retries), "failed",
                                     json_int_t(counters.failed)));
}

} // namespace roomrec::plugin
