// The delivery worker's `export` and `email` jobs (A9). An export job has its file (a CSV, or
// a PDF summary: the report's "format") written by the ExportProducer into a hidden temp file
// beside its destination, stores it (<root>/<room>/Exports/<export id>.<csv|pdf>, or S3 key
// <room>/Exports/<export id>.<csv|pdf> uploaded like recordings) and, in the transaction that
// completes it, marks the exports row stored and enqueues the email job naming the file. The
// email job makes the link when it runs (a signed link under links.public_url, or an S3
// presigned GET; expiry = send time + ttl, written to the exports row) and sends it over SMTP;
// a node without SMTP or links, an outage or a 4xx answer retries it on the outbox's schedule,
// only a 5xx answer fails it for good. A download export (no email: `export` with delivery
// "link") has no email job: stored, its row is marked sent with link_expires_at = now + ttl, and
// its links are made on request (link_until, DeliveryWorker::export_status).
#pragma once

#include "storage/core/email_message.hpp"
#include "storage/db/database.hpp"
#include "storage/db/outbox_store.hpp"
#include "storage/delivery/export_producer.hpp"
#include "storage/mail/smtp_sender.hpp"
#include "storage/s3/s3_client.hpp"

#include <atomic>
#include <optional>
#include <string>
#include <vector>

namespace roomrec::storage {

struct ExportSettings {
    std::string link_secret;            // signs local links; empty: local exports cannot be mailed
    std::string public_url;             // "https://files.example.com" (links are <public_url>/v1/files/...)
    int64_t link_ttl_s = 7 * 24 * 3600; // local links; S3 presigned URLs are capped at 7 days
    std::optional<SmtpSettings> smtp;   // none: email jobs wait for a node that has it (retried)
    unsigned file_mode = 0640, dir_mode = 0750;
    int64_t sweep_interval_s = 3600;     // how often stored exports are swept
    int64_t keep_after_expiry_s = 86400; // a CSV is deleted this long after its link expired
};

struct ExportJobResult {
    bool done = false;
    bool permanent = false;
    std::string error;
    std::vector<NewJob> followups;
    OutboxStore::AlsoWrite also; // written with the job's completion
    std::string notice, notice_details;
};

// Composes a job's mail (core/email_message: injection-safe) and sends it to `to`. False with
// `result` saying why: a mail that cannot be composed or a 5xx answer fails for good, anything
// else is retried. `what` names the job in the error (never the address).
bool send_job_mail(SmtpSender &smtp, const std::string &to, const EmailContent &content, const std::string &what,
                   ExportJobResult &result);

class ExportJobs {
public:
    ExportJobs(const ExportSettings &settings, const std::string &recordings_root, S3Client *s3,
               const std::string &s3_prefix);

    void set_producer(ExportProducer *producer) { producer_ = producer; }
    ExportJobResult run_export(const ClaimedJob &job, const std::atomic<bool> *cancel,
                               const std::function<bool()> &keep_lease);
    ExportJobResult run_email(const ClaimedJob &job);
    // Deletes the stored CSVs whose link expired more than keep_after_expiry_s ago (local files
    // of this node, S3 objects) and marks their rows expired. The number swept, or -1 (Postgres away).
    int sweep(Database &database, const std::string &node_id);
    // A job of either kind failed for good: the exports row says so.
    void failed_for_good(Database &database, const ClaimedJob &job, const std::string &error);

    // A stored file's link (email.link, email.expires_unix): signed under links.public_url
    // (local) or presigned (S3), valid until `expires` (a download export's link_expires_at).
    bool link_until(ExportEmail &email, int64_t now, int64_t expires, std::string &error) const;

private:
    // Signs (local) or presigns (S3) the email's link, valid from `now` for the ttl.
    bool make_link(ExportEmail &email, int64_t now, std::string &error) const;
    int64_t link_ttl(const std::string &storage) const; // seconds a new link works

    const ExportSettings &settings_;
    const std::string &recordings_root_;
    S3Client *s3_;
    std::string s3_prefix_;
    ExportProducer *producer_ = nullptr;
    std::optional<SmtpSender> smtp_;
};

} // namespace roomrec::storage
