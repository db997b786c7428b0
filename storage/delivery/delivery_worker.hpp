// The delivery worker (S2-S5, DESIGN: one delivery thread driven by the durable outbox).
// Its thread moves spooled lifecycle events into Postgres (the recording's row and its outbox
// jobs, one transaction each), then claims due jobs — uploads to S3 and signed webhooks — and
// completes them only when they succeeded. Several Janus nodes may share one outbox: an upload
// runs on the node that has the file (any node, when every node mounts one shared recordings
// volume), a webhook on any node (all nodes configure the same endpoint names). Postgres, S3 or a receiver being away only delays delivery.
#pragma once

#include "storage/core/delivery_event.hpp"
#include "storage/core/retry_schedule.hpp"
#include "storage/db/export_rows.hpp"
#include "storage/delivery/delivery_spool.hpp"
#include "storage/delivery/export_jobs.hpp"
#include "storage/delivery/export_producer.hpp"
#include "storage/delivery/webhook_sender.hpp"
#include "storage/s3/s3_client.hpp"

#include <pqxx/transaction_base>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace roomrec::storage {

class OutboxStore;

struct DeliverySettings {
    std::string node_id;
    std::string postgres_conninfo; // never logged: it may hold a password
    std::string spool_folder;
    // Every file delivery uploads, digests or deletes must resolve to a path under this folder
    // (storage/core/contained_path): file paths come from a shared database anyone with write
    // access to it could change. Empty refuses every file.
    std::string recordings_root;
    bool files_shared = false; // recordings_root is one volume every node mounts: no upload is pinned to a node
    std::optional<S3Settings> s3; // recordings go to S3 when set (else they stay in the local folder)
    int64_t presign_seconds = 7 * 24 * 3600;
    bool keep_local_copy = false; // after a verified upload
    std::vector<WebhookEndpoint> webhooks;
    RetryPolicy retry;
    int64_t lease_ms = 120000; // a node that stops renewing loses its job after this
    ExportSettings exports;    // exports via email: links, SMTP, file modes
    // "<links.public_url>/library/" when recording mails are on (SMTP and an explicit
    // links.public_url), else "": recordings stored after their session ended are mailed to their
    // owner and initiator with this page's link (storage/core/recording_mail).
    std::string library_url;
};

class DeliveryWorker {
public:
    // on_notice runs on the worker's thread: "recording_uploaded" / "delivery_failed" and the like,
    // with a JSON object of details, for the plugin's event handlers (O5).
    using Notice = std::function<void(const std::string &what, const std::string &details_json)>;

    DeliveryWorker(DeliverySettings settings, Notice on_notice);
    ~DeliveryWorker();
    DeliveryWorker(const DeliveryWorker &) = delete;
    DeliveryWorker &operator=(const DeliveryWorker &) = delete;

    // Opens the spool and starts the thread (Postgres may be away: it keeps trying).
    bool start(std::string &error);
    // Any thread but the media threads: durable when it returns true, then delivered eventually.
    bool submit(const DeliveryEvent &event, std::string &error);
    // Ends the thread; an upload in progress stops between requests and resumes at the next start.
    void stop();

    // Before start(): what writes export CSVs (the analytics layer's report engine). Without
    // one, export jobs wait for a node that has one.
    void set_export_producer(ExportProducer *producer) { producer_ = producer; }
    // Any thread but the media threads (it waits for Postgres): the export's row and its job
    // committed in one transaction, then the worker produces, stores and mails it. The new
    // export id, or nothing and why (a refused request, Postgres away).
    std::optional<std::string> request_export(ExportRequest request, std::string &error);

    // Any thread but the media threads (it waits for Postgres): the recordings library's reads
    // and writes in one transaction on the requests' connection, committed when `work` returns
    // true (false: `refused` says why, nothing is written). The OutboxStore enqueues in that
    // transaction (a deletion's 'delete' job). False and why otherwise (Postgres away).
    using LibraryWork =
        std::function<bool(pqxx::transaction_base &transaction, OutboxStore &outbox, std::string &refused)>;
    bool run_library(const std::string &doing, const LibraryWork &work, std::string &error);

    // Any thread but the media threads (it waits for Postgres): the outbox's waiting and running
    // jobs (metrics), on the requests' connection. Nothing and why when Postgres is away.
    std::optional<std::vector<OutboxDepth>> outbox_depth(std::string &error);

    // Any thread but the media threads (it waits for Postgres): an export's row, and for a
    // download export that is ready, its link (valid until its link_expires_at). Nothing and
    // why when Postgres is away; `found` false when there is no such export.
    struct ExportStatus {
        bool found = false;
        ExportRows::Status row;
        std::string link; // a ready download export's link
    };
    std::optional<ExportStatus> export_status(const std::string &export_id, int64_t now_s, std::string &error);

    struct Counters {
        uint64_t imported = 0, uploads = 0, webhooks = 0, exports = 0, emails = 0, deletes = 0, retries = 0,
                 failed = 0;
        bool database_up = false;
    };
    Counters counters() const;

private:
    void run();
    bool prepare_database(std::string &error);
    bool requests_ready(std::string &error);
    bool import_spool();
    bool run_one_job();
    void wait_for_work(int64_t max_ms);

    const DeliverySettings settings_;
    const Notice on_notice_;
    DeliverySpool spool_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool woken_ = false;
    std::atomic<bool> stopping_{false};
    Counters counters_;
    std::thread thread_;

    struct Backends; // Postgres, S3 and HTTP handles: the thread's own
    std::unique_ptr<Backends> backends_;
    ExportProducer *producer_ = nullptr;
    struct Requests; // request_export's own connection, for the callers' threads
    std::mutex requests_mutex_;
    std::unique_ptr<Requests> requests_;
};

} // namespace roomrec::storage
