#include "storage/delivery/delivery_worker.hpp"

#include "common/json.hpp"
#include "common/log.hpp"
#include "common/random_id.hpp"
#include "common/wall_clock.hpp"
#include "storage/core/contained_path.hpp"
#include "storage/core/delivery_plan.hpp"
#include "storage/db/database.hpp"
#include "storage/db/export_rows.hpp"
#include "storage/db/migrations.hpp"
#include "storage/db/outbox_store.hpp"
#include "storage/db/recording_rows.hpp"
#include "storage/delivery/delete_job.hpp"
#include "storage/delivery/file_digest.hpp"
#include "storage/delivery/recording_mailer.hpp"
#include "storage/delivery/upload_job.hpp"
#include "storage/s3/resumable_upload.hpp"

#include <jansson.h>
#include <pqxx/pqxx>
#include <unistd.h>

#include <chrono>
#include <filesystem>

namespace roomrec::storage {
namespace {

constexpr common::Logger kLog("delivery");

constexpr int64_t kIdleWaitMs = 5000;         // re-check the outbox at least this often (other nodes add jobs)
constexpr int64_t kReconnectMaxWaitMs = 5000; // Postgres away: retry at least this often

int64_t steady_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::string details_json(std::initializer_list<std::pair<const char *, std::string>> fields) {
    const common::JsonPtr object = common::json_object_ptr();
    for (const auto &[key, value] : fields) json_object_set_new(object.get(), key, json_string(value.c_str()));
    const std::string text = common::json_compact(object);
    return text.empty() ? "{}" : text;
}

std::vector<WebhookTarget> targets_of(const std::vector<WebhookEndpoint> &endpoints) {
    std::vector<WebhookTarget> targets;
    for (const auto &endpoint : endpoints) targets.push_back({endpoint.name, endpoint.events});
    return targets;
}

std::vector<NewJob> new_jobs(const std::vector<PlannedJob> &planned) {
    std::vector<NewJob> jobs;
    for (const auto &job : planned)
        jobs.push_back({job.id, job.room_id, job.kind, job.affinity_node, job.payload_json});
    return jobs;
}

template <typename T> std::optional<T> known(const T &value, const T &unknown) {
    return value == unknown ? std::nullopt : std::optional<T>(value);
}

// Where each file beside the composite is, as the row keeps it.
std::vector<std::string> locations_of(const std::vector<RecordingFile> &files) {
    std::vector<std::string> locations;
    for (const RecordingFile &file : files) locations.push_back(file.location);
    return locations;
}

RecordingRow row_of(const PlannedRecordingRow &planned) {
    RecordingRow row;
    const auto &facts = planned.facts;
    row.room_id = planned.room_id;
    row.recording_id = facts.recording_id;
    row.node_id = planned.node_id;
    row.title = facts.title;
    row.owner = facts.owner;
    row.initiator = facts.initiator;
    row.started_ms = facts.started_ms;
    row.ended_ms = known<int64_t>(facts.ended_ms, 0);
    row.duration_ms = known<int64_t>(facts.duration_ms, 0);
    row.size_bytes = known<int64_t>(facts.size_bytes, 0);
    row.sha256 = known<std::string>(facts.sha256, "");
    row.storage = planned.storage;
    row.location = facts.location;
    row.state = planned.state;
    row.gaps = facts.gaps;
    row.gap_seconds = facts.gap_seconds;
    row.incomplete = known<std::string>(facts.incomplete, "");
    row.error = known<std::string>(facts.error, "");
    row.files = locations_of(facts.files);
    return row;
}

} // namespace

struct DeliveryWorker::Backends {
    explicit Backends(const DeliverySettings &settings)
        : database(settings.postgres_conninfo), outbox(database, settings.node_id, settings.retry, settings.lease_ms),
          s3(settings.s3 ? std::optional<S3Client>(std::in_place, *settings.s3) : std::nullopt),
          exports(settings.exports, settings.recordings_root, s3 ? &*s3 : nullptr,
                  settings.s3 ? settings.s3->key_prefix : std::string()),
          recording_mails(settings.exports.smtp) {}
    Database database;
    OutboxStore outbox;
    std::optional<S3Client> s3;
    WebhookSender webhooks;
    ExportJobs exports;
    RecordingMailer recording_mails;
    bool prepared = false; // prepare_database done since the last job whose outcome Postgres missed
};

DeliveryWorker::DeliveryWorker(DeliverySettings settings, Notice on_notice)
    : settings_(std::move(settings)), on_notice_(std::move(on_notice)), spool_(settings_.spool_folder) {}

DeliveryWorker::~DeliveryWorker() { stop(); }

struct DeliveryWorker::Requests {
    explicit Requests(const DeliverySettings &settings)
        : database(settings.postgres_conninfo), outbox(database, settings.node_id, settings.retry, settings.lease_ms),
          s3(settings.s3 ? std::optional<S3Client>(std::in_place, *settings.s3) : std::nullopt),
          exports(settings.exports, settings.recordings_root, s3 ? &*s3 : nullptr,
                  settings.s3 ? settings.s3->key_prefix : std::string()) {}
    Database database;
    OutboxStore outbox;
    std::optional<S3Client> s3; // presigns download exports' links
    ExportJobs exports;         // their links only (it runs no job)
    bool migrated = false; // a request may come before the worker's thread applied the schema
};

bool DeliveryWorker::start(std::string &error) {
    if (!spool_.open(error)) return false;
    backends_ = std::make_unique<Backends>(settings_);
    backends_->exports.set_producer(producer_);
    thread_ = std::thread([this] { run(); });
    return true;
}

bool DeliveryWorker::submit(const DeliveryEvent &event, std::string &error) {
    if (!spool_.put(event, error)) return false;
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    wake_.notify_one();
    return true;
}

void DeliveryWorker::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
}

std::optional<std::string> DeliveryWorker::request_export(ExportRequest request, std::string &error) {
    request.export_id = common::random_id();
    error = export_request_error(request);
    if (!error.empty()) return std::nullopt;
    // A local export is served by this node's link server: it must be produced here.
    const NewJob job{export_job_id(request.export_id), request.room_id, "export",
                     settings_.s3 ? std::string() : settings_.node_id, export_payload(request)};
    {
        std::lock_guard lock(requests_mutex_);
        if (!requests_ready(error)) return std::nullopt;
        const bool stored = requests_->database.run("storing the export request", error,
                                                    [&](pqxx::connection &connection, std::string &refused) {
            pqxx::work transaction(connection);
            ExportRows::insert(transaction, request, settings_.node_id);
            if (!requests_->outbox.enqueue(transaction, {job}, refused)) return false;
            transaction.commit();
            return true;
        });
        if (!stored) return std::nullopt;
    }
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    wake_.notify_one();
    return request.export_id;
}

// Caller holds requests_mutex_. The requests' connection, made on first use; the schema is
// brought up to date before its first statement (a request may come before the worker's thread
// applied it).
bool DeliveryWorker::requests_ready(std::string &error) {
    if (!requests_) requests_ = std::make_unique<Requests>(settings_);
    if (!requests_->migrated && !apply_migrations(requests_->database, error)) return false;
    requests_->migrated = true;
    return true;
}

std::optional<std::vector<OutboxDepth>> DeliveryWorker::outbox_depth(std::string &error) {
    std::lock_guard lock(requests_mutex_);
    if (!requests_ready(error)) return std::nullopt;
    return requests_->outbox.depth(error);
}

bool DeliveryWorker::run_library(const std::string &doing, const LibraryWork &work, std::string &error) {
    bool stored = false;
    {
        std::lock_guard lock(requests_mutex_);
        if (!requests_ready(error)) return false;
        stored = requests_->database.run(doing, error, [&](pqxx::connection &connection, std::string &refused) {
            pqxx::work transaction(connection);
            if (!work(transaction, requests_->outbox, refused)) return false;
            transaction.commit();
            return true;
        });
    }
    if (stored) { // a delete job may wait
        {
            std::lock_guard lock(mutex_);
            woken_ = true;
        }
        wake_.notify_one();
    }
    return stored;
}

std::optional<DeliveryWorker::ExportStatus> DeliveryWorker::export_status(const std::string &export_id, int64_t now_s,
                                                                          std::string &error) {
    ExportStatus answer;
    std::lock_guard lock(requests_mutex_);
    if (!requests_ready(error)) return std::nullopt;
    const bool read = requests_->database.run("reading an export", error, [&](pqxx::connection &connection,
                                                                             std::string &) {
        pqxx::read_transaction transaction(connection);
        const auto row = ExportRows::status(transaction, export_id);
        answer.found = row.has_value();
        if (row) answer.row = *row;
        return true;
    });
    if (!read) return std::nullopt;
    const ExportRows::Status &row = answer.row;
    if (answer.found && row.download && row.state == "sent" && row.link_expires_unix > now_s) {
        ExportEmail file;
        file.room_id = row.room_id;
        file.storage = row.storage;
        file.file = export_id + "." + row.format;
        std::string why;
        if (requests_->exports.link_until(file, now_s, row.link_expires_unix, why))
            answer.link = file.link;
        else
            kLog.warning("export " + export_id + ": no download link: " + why);
    }
    return answer;
}

DeliveryWorker::Counters DeliveryWorker::counters() const {
    std::lock_guard lock(mutex_);
    return counters_;
}

void DeliveryWorker::wait_for_work(int64_t max_ms) {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(max_ms), [this] { return woken_ || stopping_.load(); });
    woken_ = false;
}

void DeliveryWorker::run() {
    int64_t reconnect_wait_ms = 250;
    int64_t next_sweep_ms = 0;
    bool reported_down = false;
    while (!stopping_.load()) {
        std::string error;
        if (!backends_->database.ensure_connected(error) || (!backends_->prepared && !prepare_database(error))) {
            if (!reported_down) kLog.warning("Postgres is not reachable; deliveries wait in the spool: " + error);
            reported_down = true;
            {
                std::lock_guard lock(mutex_);
                counters_.database_up = false;
            }
            wait_for_work(reconnect_wait_ms);
            reconnect_wait_ms = std::min(reconnect_wait_ms * 2, kReconnectMaxWaitMs);
            continue;
        }
        if (reported_down) kLog.info("Postgres is reachable again");
        reported_down = false;
        reconnect_wait_ms = 250;
        {
            std::lock_guard lock(mutex_);
            counters_.database_up = true;
        }
        const bool imported_all = import_spool();
        if (stopping_.load()) break;
        if (steady_ms() >= next_sweep_ms) { // stored exports whose links expired long ago
            backends_->exports.sweep(backends_->database, settings_.node_id);
            next_sweep_ms = steady_ms() + std::max<int64_t>(settings_.exports.sweep_interval_s, 1) * 1000;
        }
        if (run_one_job()) continue; // there may be more due now
        const int64_t due = backends_->outbox.ms_until_next_due();
        const int64_t until_sweep = std::max<int64_t>(next_sweep_ms - steady_ms(), 10);
        wait_for_work(imported_all
                          ? std::min(until_sweep, due < 0 ? kIdleWaitMs : std::clamp<int64_t>(due, 10, kIdleWaitMs))
                          : 1000);
    }
}

// At start: the schema, and this node's jobs that a crash left running. Again once Postgres is
// back after it missed a job's outcome: that job is still claimed by this node, and runs again
// now rather than when its lease runs out. This thread runs one job at a time and none now, so
// no job of this node is really running.
bool DeliveryWorker::prepare_database(std::string &error) {
    if (!apply_migrations(backends_->database, error)) return false;
    const int64_t released = backends_->outbox.release_own_jobs(error);
    if (released < 0) return false;
    if (released > 0) kLog.info(std::to_string(released) + " unfinished job(s) of this node resume now");
    backends_->prepared = true;
    return true;
}

// Spooled events → Postgres: the row and the jobs in one transaction, then the file goes.
// False if an entry must wait (Postgres failed mid-way).
bool DeliveryWorker::import_spool() {
    for (const std::string &name : spool_.pending()) {
        if (stopping_.load()) return false;
        std::string error;
        const auto text = spool_.read(name);
        auto event = text ? delivery_event_from_json(*text, error) : std::nullopt;
        if (!event) {
            kLog.error("spooled event " + name + " is unreadable (" + (text ? error : "cannot read") +
                       "); moved to rejected/");
            spool_.reject(name);
            continue;
        }
        // The file's size and checksum go into the row (S5) and the webhook.
        // A file outside the root is not read; its upload job is refused when it runs.
        if (event->type == DeliveryEventType::RecordingAvailable && event->recording->sha256.empty()) {
            const ContainedPath file = resolve_contained_path(settings_.recordings_root, event->recording->file_path);
            if (!file.error.empty()) kLog.error("spooled event " + name + ": not digested: " + file.error);
            else if (const auto digest = file_digest(file.path)) {
                event->recording->sha256 = digest->sha256;
                event->recording->size_bytes = digest->size_bytes;
            }
        }
        const DeliveryPlan plan = plan_delivery(*event, settings_.s3.has_value(), targets_of(settings_.webhooks),
                                                settings_.files_shared, settings_.library_url);
        const std::optional<RecordingRow> row = plan.row ? std::optional(row_of(*plan.row)) : std::nullopt;
        const std::vector<NewJob> jobs = new_jobs(plan.jobs);
        // Values Postgres would refuse every time must not hold up the events behind them.
        std::string refused = row ? recording_row_error(*row) : "";
        for (const auto &job : jobs)
            if (refused.empty()) refused = new_job_error(job);
        if (!refused.empty()) {
            kLog.error("spooled event " + name + " cannot be stored (" + refused + "); moved to rejected/");
            spool_.reject(name);
            continue;
        }
        const bool stored = backends_->database.run("storing its row and jobs", error,
                                                    [&](pqxx::connection &connection, std::string &refused) {
            pqxx::work transaction(connection);
            if (row && !RecordingRows::upsert(transaction, *row, refused)) return false;
            if (!backends_->outbox.enqueue(transaction, jobs, refused)) return false;
            transaction.commit();
            return true;
        });
        if (!stored) {
            kLog.warning("event " + event->id + " stays spooled: " + error);
            return false;
        }
        spool_.remove(name);
        std::lock_guard lock(mutex_);
        counters_.imported++;
    }
    return true;
}

namespace {

const WebhookEndpoint *find_endpoint(const std::vector<WebhookEndpoint> &endpoints, const std::string &name) {
    for (const auto &endpoint : endpoints)
        if (endpoint.name == name) return &endpoint;
    return nullptr;
}

RecordingUpdate update_of(const PlannedRecordingRow &row) {
    RecordingUpdate update;
    update.recording_id = row.facts.recording_id;
    update.state = row.state;
    update.storage = row.storage;
    update.location = row.facts.location;
    update.sha256 = row.facts.sha256;
    update.size_bytes = row.facts.size_bytes;
    update.files = locations_of(row.facts.files);
    return update;
}

} // namespace

// Claims one due job and runs it; false when none is due.
bool DeliveryWorker::run_one_job() {
    std::string error;
    const auto job = backends_->outbox.claim(error);
    if (!job) {
        if (!error.empty()) kLog.warning("cannot claim a job: " + error);
        return false;
    }
    const common::LogScope scope({.room = job->room_id});
    struct Outcome {
        bool done = false;
        bool permanent = false;
        std::string error;
        std::vector<NewJob> followups;
        std::optional<RecordingUpdate> update;
        std::vector<std::string> delete_after; // local copies to remove once the job is done (composite first)
        std::string notice, notice_details;
        OutboxStore::AlsoWrite also;
    } outcome;
    const auto take = [&outcome](ExportJobResult result) {
        outcome.done = result.done;
        outcome.permanent = result.permanent;
        outcome.error = std::move(result.error);
        outcome.followups = std::move(result.followups);
        outcome.also = std::move(result.also);
        outcome.notice = std::move(result.notice);
        outcome.notice_details = std::move(result.notice_details);
    };

    if (job->kind == "webhook") {
        const auto delivery = webhook_of_payload(job->payload_json, error);
        const WebhookEndpoint *endpoint = delivery ? find_endpoint(settings_.webhooks, delivery->endpoint) : nullptr;
        if (!delivery || endpoint == nullptr) {
            outcome.permanent = true;
            outcome.error = delivery ? "webhook endpoint '" + delivery->endpoint + "' is not configured on this node"
                                     : error;
        } else {
            const WebhookAnswer answer = backends_->webhooks.post(*endpoint, delivery->event_id, delivery->type,
                                                                  delivery->body, common::unix_time_ms() / 1000);
            const HttpVerdict verdict = webhook_verdict(answer.http_status);
            outcome.done = verdict == HttpVerdict::Delivered;
            outcome.permanent = verdict == HttpVerdict::Reject;
            outcome.error = "webhook '" + endpoint->name + "': " + answer.error;
        }
    } else if (job->kind == "upload") {
        const auto event = event_of_upload_payload(job->payload_json, error);
        if (!event || !backends_->s3) {
            outcome.permanent = true;
            outcome.error = event ? "S3 is not configured on this node" : error;
        } else {
            UploadProgress progress;
            if (!job->progress_json.empty()) {
                // Unreadable progress: start over (the old upload id expires on the server).
                if (auto saved = upload_progress_from_json(job->progress_json, error)) progress = *saved;
            }
            const auto persist = [this, &job](const UploadProgress &done) {
                return backends_->outbox.save_progress(job->id, upload_progress_to_json(done)) &&
                       backends_->outbox.renew_lease(job->id);
            };
            const UploadSettings where{settings_.recordings_root, settings_.s3->bucket, settings_.s3->key_prefix,
                                       settings_.presign_seconds};
            UploadOutcome sent = run_upload(job->id, *event, progress, *backends_->s3, where, persist, &stopping_);
            outcome.done = sent.done;
            outcome.permanent = sent.permanent;
            outcome.error = sent.error;
            if (sent.done) {
                const DeliveryPlan plan = plan_uploaded(*event, sent.object, targets_of(settings_.webhooks),
                                                        settings_.library_url);
                outcome.followups = new_jobs(plan.jobs);
                outcome.update = update_of(*plan.row);
                if (!settings_.keep_local_copy) outcome.delete_after = std::move(sent.local_paths);
                outcome.notice = "recording_uploaded";
                outcome.notice_details = details_json({{"room", event->room_id},
                                                       {"recording", event->recording->recording_id},
                                                       {"bucket", sent.object.bucket},
                                                       {"key", sent.object.key}});
            }
        }
    } else if (job->kind == "export") {
        take(backends_->exports.run_export(*job, &stopping_,
                                           [this, &job] { return backends_->outbox.renew_lease(job->id); }));
    } else if (job->kind == "email") {
        take(backends_->exports.run_email(*job));
    } else if (job->kind == "recording_mail") {
        take(backends_->recording_mails.run(*job));
    } else if (job->kind == "delete") {
        const auto request = delete_of_payload(job->payload_json, error);
        const DeleteOutcome deleted = request ? run_delete(*request, settings_.recordings_root,
                                                           backends_->s3 ? &*backends_->s3 : nullptr)
                                              : DeleteOutcome{false, true, error};
        outcome.done = deleted.done;
        outcome.permanent = deleted.permanent;
        outcome.error = deleted.error;
    } else {
        outcome.permanent = true;
        outcome.error = "unknown job kind '" + job->kind + "'";
    }

    if (outcome.done) {
        if (!backends_->outbox.complete(job->id, outcome.followups, outcome.update ? &*outcome.update : nullptr, error,
                                        outcome.also)) {
            // Lost the lease (another node has it now) or Postgres went away: the job runs again.
            kLog.warning("job " + job->id + " done but not recorded as done: " + error);
            if (!backends_->database.connected()) backends_->prepared = false;
            return true;
        }
        // Checked again: the paths were resolved before a possibly long upload.
        for (size_t i = 0; i < outcome.delete_after.size(); ++i) {
            const ContainedPath file =
                i == 0 ? resolve_contained_path(settings_.recordings_root, outcome.delete_after[i])
                       : resolve_contained_track_path(settings_.recordings_root, outcome.delete_after[i]);
            if (!file.error.empty()) {
                kLog.error("job " + job->id + ": the uploaded copy is not deleted: " + file.error);
                continue;
            }
            unlink(file.path.c_str());
            // The tracks' folder goes with its last file (never the composite's Recordings folder).
            if (i > 0) rmdir(std::filesystem::path(file.path).parent_path().c_str());
        }
        {
            std::lock_guard lock(mutex_);
            (job->kind == "upload"                                   ? counters_.uploads
             : job->kind == "export"                                 ? counters_.exports
             : job->kind == "email" || job->kind == "recording_mail" ? counters_.emails
             : job->kind == "delete"                                 ? counters_.deletes
                                                                     : counters_.webhooks)++;
        }
        if (!outcome.notice.empty() && on_notice_) on_notice_(outcome.notice, outcome.notice_details);
        return true;
    }
    if (!backends_->outbox.fail(job->id, outcome.error, outcome.permanent, error)) {
        kLog.warning("job " + job->id + " failed and its failure is not recorded: " + error);
        if (!backends_->database.connected()) backends_->prepared = false;
    }
    // The outbox decides whether a retryable failure has gone on too long; ask it what it did.
    const bool given_up = outcome.permanent || backends_->outbox.state_of(job->id) == "failed";
    {
        std::lock_guard lock(mutex_);
        (given_up ? counters_.failed : counters_.retries)++;
    }
    kLog.log(given_up ? common::LogLevel::Error : common::LogLevel::Warning,
             "job " + job->id + (given_up ? " failed for good: " : " will be retried: ") + outcome.error);
    if (given_up && (job->kind == "export" || job->kind == "email"))
        backends_->exports.failed_for_good(backends_->database, *job, outcome.error);
    if (given_up && on_notice_)
        on_notice_(
            "delivery_failed",
            details_json({{"job", job->id}, {"kind", job->kind}, {"room", job->room_id}, {"error", outcome.error}}));
    return !stopping_.load();
}

} // namespace roomrec::storage
