#include "plugin/delivery_bridge.hpp"

#include "common/log.hpp"
#include "common/random_id.hpp"
#include "storage/delivery/delivery_worker.hpp"

#include <curl/curl.h>
#include <glib.h>

namespace roomrec::plugin {
namespace {
constexpr common::Logger kLog("delivery");
// Where scripts/stage-web.sh puts web/library/ under links.public_url.
constexpr const char *kLibraryPage = "/library/";
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
    settings.files_shared = config.shared_recordings;
    settings.lease_ms = config.lease_s * 1000;
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
        presigner_ = std::make_unique<storage::S3Client>(s3);
    }
    settings.presign_seconds = config.s3_url_expiry_s;
    settings.exports.file_mode = config_.file_mode;
    settings.exports.dir_mode = config_.dir_mode;
    if (config.links.enabled) {
        settings.exports.link_secret = config.links.secret;
        settings.exports.public_url = config.links.public_url;
    }
    settings.exports.link_ttl_s = config.links.export_link_ttl_s;
    if (config.smtp.enabled) {
        storage::SmtpSettings smtp;
        smtp.url = config.smtp.url;
        smtp.from = config.smtp.from;
        smtp.username = config.smtp.username;
        smtp.password = config.smtp.password;
        smtp.starttls = config.smtp.starttls == "none"       ? storage::StartTls::None
                        : config.smtp.starttls == "required" ? storage::StartTls::Required
                                                             : storage::StartTls::Try;
        smtp.ca_file = config.smtp.ca_file;
        smtp.timeout_s = static_cast<long>(config.smtp.timeout_s);
        settings.exports.smtp = smtp;
        // Recording mails link the recordings library page, which a recipient must reach: only
        // an explicit links.public_url (the default http://<address>:<port> is this machine's).
        if (config.links.public_url_set) settings.library_url = config.links.public_url + kLibraryPage;
    }
    settings.keep_local_copy = config.keep_local_copy;
    for (const auto &webhook : config.webhooks)
        settings.webhooks.push_back({webhook.name, webhook.url, webhook.secret, webhook.events});
    worker_ = std::make_unique<storage::DeliveryWorker>(settings,
                                                        [this](const std::string &what, const std::string &details) {
        listener_.on_delivery_notice(what, common::JsonPtr(json_loads(details.c_str(), 0, nullptr)));
    });
    worker_->set_export_producer(export_producer_);
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

void DeliveryBridge::start_links() {
    const LinksConfig &config = config_.delivery.links;
    if (!config.enabled) return;
    storage::LinkServerSettings settings;
    settings.address = config.address;
    settings.port = static_cast<uint16_t>(config.port);
    settings.secret = config.secret;
    settings.recordings_root = config_.recordings_root;
    settings.web_root = config.web_root;
    settings.metrics_token = config.metrics_token;
    links_ = std::make_unique<storage::LinkServer>(settings, playback_listener_, metrics_source_);
    std::string error;
    if (!links_->start(error)) {
        kLog.error(common::format_text("links: %s: signed links will not work", error.c_str()));
        links_.reset();
    }
}

void DeliveryBridge::stop() {
    if (links_) links_->stop(); // first: its playback listener may go away after us
    if (worker_) worker_->stop();
}

std::optional<std::string> DeliveryBridge::request_export(storage::ExportRequest request, std::string &error) {
    if (!worker_) {
        error = "exports need delivery (delivery.postgres)";
        return std::nullopt;
    }
    return worker_->request_export(std::move(request), error);
}

std::optional<std::vector<storage::OutboxDepth>> DeliveryBridge::outbox_depth(std::string &error) {
    if (!worker_) {
        error = "no delivery (delivery.postgres)";
        return std::nullopt;
    }
    return worker_->outbox_depth(error);
}

bool DeliveryBridge::library(const std::string &doing, const LibraryWork &work, std::string &error) {
    if (!worker_) {
        error = "the recordings library needs delivery (delivery.postgres)";
        return false;
    }
    return worker_->run_library(doing, work, error);
}

std::optional<std::string> DeliveryBridge::presign_recording(const std::string &location, int64_t seconds) const {
    if (!presigner_) return std::nullopt;
    std::string key = location; // the row holds the full key; the client adds its prefix
    const std::string &prefix = config_.delivery.s3_prefix;
    if (!prefix.empty() && key.rfind(prefix, 0) == 0) key = key.substr(prefix.size());
    return presigner_->presign_get(key, seconds);
}

std::optional<storage::DeliveryWorker::ExportStatus> DeliveryBridge::export_status(const std::string &export_id,
                                                                                  int64_t now_s, std::string &error) {
    if (!worker_) {
        error = "exports need delivery (delivery.postgres)";
        return std::nullopt;
    }
    return worker_->export_status(export_id, now_s, error);
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
    facts.owner_email = manifest.owner_email;
    facts.initiator_email = manifest.initiator_email;
    facts.started_ms = manifest.started_unix * 1000;
    return facts;
}

void DeliveryBridge::deliver_recording(storage::DeliveryEventType type, const std::string &room_id,
                                       storage::RecordingFacts facts, const std::string &reason) {
    storage::DeliveryEvent event;
    event.type = type;
    event.room_id = room_id;
    event.reason = reason;
    event.recording = std::move(facts);
    deliver(std::move(event));
}

common::JsonPtr DeliveryBridge::describe_counters() const {
    if (!worker_) return nullptr;
    const auto counters = worker_->counters();
    return common::JsonPtr(json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "database_up",
                                     counters.database_up, "imported", json_int_t(counters.imported), "uploads",
                                     json_int_t(counters.uploads), "webhooks", json_int_t(counters.webhooks), "exports",
                                     json_int_t(counters.exports), "emails", json_int_t(counters.emails), "deletes",
                                     json_int_t(counters.deletes), "retries", json_int_t(counters.retries), "failed",
                                     json_int_t(counters.failed)));
}

} // namespace roomrec::plugin
