#include "storage/delivery/export_jobs.hpp"

#include "common/file_mode.hpp"
#include "common/json.hpp"
#include "common/log.hpp"
#include "common/wall_clock.hpp"
#include "common/random_id.hpp"
#include "storage/core/contained_path.hpp"
#include "storage/core/signed_link.hpp"
#include "storage/db/export_rows.hpp"
#include "storage/s3/resumable_upload.hpp"

#include <jansson.h>
#include <pqxx/pqxx>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace roomrec::storage {
namespace {

constexpr common::Logger kLog("delivery");

std::string details(std::initializer_list<std::pair<const char *, std::string>> fields) {
    const common::JsonPtr object = common::json_object_ptr();
    for (const auto &[key, value] : fields) json_object_set_new(object.get(), key, json_string(value.c_str()));
    const std::string text = common::json_compact(object);
    return text.empty() ? "{}" : text;
}

} // namespace

ExportJobs::ExportJobs(const ExportSettings &settings, const std::string &recordings_root, S3Client *s3,
                       const std::string &s3_prefix)
    : settings_(settings), recordings_root_(recordings_root), s3_(s3), s3_prefix_(s3_prefix) {
    if (settings_.smtp) smtp_.emplace(*settings_.smtp);
}

ExportJobResult ExportJobs::run_export(const ClaimedJob &job, const std::atomic<bool> *cancel,
                                       const std::function<bool()> &keep_lease) {
    ExportJobResult result;
    std::string error;
    const auto request = export_request_from_payload(job.payload_json, error);
    if (!request) {
        result.permanent = true;
        result.error = error;
        return result;
    }
    if (producer_ == nullptr) { // another node may have one; this one may get one after a restart
        result.error = "export " + request->export_id + ": no export producer on this node";
        return result;
    }
    if (!s3_ && (settings_.link_secret.empty() || settings_.public_url.empty())) {
        result.permanent = true;
        result.error = "export " + request->export_id + ": local storage needs links (links.secret, links.public_url)";
        return result;
    }
    if (recordings_root_.empty()) {
        result.permanent = true;
        result.error = "export " + request->export_id + ": no recordings root";
        return result;
    }
    // Names checked by export_request_error: the path is built from a room id and hex.
    const std::string relative = request->room_id + "/Exports";
    const std::string folder = recordings_root_ + "/" + relative;
    const std::string format = export_format(*request); // csv or pdf (export_request_error)
    const std::string file = request->export_id + "." + format;
    const std::string temp = folder + "/." + file + ".part";
    const std::string final_path = folder + "/" + file;
    if (!common::make_folders_below(recordings_root_, relative, settings_.dir_mode, error)) {
        result.error = "export " + request->export_id + ": " + error;
        return result;
    }
    const ExportProducer::Outcome produced = producer_->produce(*request, temp, error);
    if (produced.status != ExportProducer::Status::Done) {
        unlink(temp.c_str());
        result.permanent = produced.status == ExportProducer::Status::Refused;
        result.error = "export " + request->export_id + ": " + error;
        return result;
    }
    if (!common::set_file_mode(temp, settings_.file_mode, error)) {
        unlink(temp.c_str());
        result.error = "export " + request->export_id + ": " + error;
        return result;
    }
    ExportEmail email;
    email.export_id = request->export_id;
    email.room_id = request->room_id;
    email.to = request->email;
    email.rows = produced.rows;
    email.file = file;
    email.format = format;
    std::string location;
    if (s3_) {
        const std::string key = relative + "/" + file;
        Metadata metadata;
        metadata.content_type = export_content_type(format);
        metadata.user = {{"export-id", request->export_id}, {"room", request->room_id}};
        UploadProgress progress; // a file is produced again on a retry: its upload starts over
        const S3Outcome sent = upload_file(
            *s3_, key, temp, metadata, progress, [&](const UploadProgress &) { return keep_lease(); }, cancel);
        unlink(temp.c_str());
        if (!sent.ok) {
            result.permanent = !sent.retryable;
            result.error = "export " + request->export_id + ": upload: " + sent.error;
            return result;
        }
        email.storage = "s3";
        location = s3_prefix_ + key;
    } else {
        if (std::rename(temp.c_str(), final_path.c_str()) != 0) {
            unlink(temp.c_str());
            result.error = "export " + request->export_id + ": cannot move the file into " + folder;
            return result;
        }
        email.storage = "local";
        location = final_path;
    }
    const std::string export_id = request->export_id;
    const std::string storage = email.storage;
    const int64_t rows = produced.rows;
    result.notice = "export_stored";
    result.notice_details = details(
        {{"room", request->room_id}, {"export", export_id}, {"storage", storage}, {"rows", std::to_string(rows)}});
    if (request->email.empty()) { // a download export: ready now; its links expire with the file
        const int64_t expires = common::unix_time_s() + link_ttl(storage);
        result.done = true;
        result.also = [export_id, storage, location, rows, expires](pqxx::transaction_base &transaction,
                                                                    std::string &) {
            ExportRows::stored(transaction, export_id, storage, location, rows);
            ExportRows::sent(transaction, export_id, expires);
            return true;
        };
        return result;
    }
    error = export_email_error(email);
    if (!error.empty()) {
        result.permanent = true;
        result.error = "export " + request->export_id + ": " + error;
        return result;
    }
    result.done = true;
    result.followups.push_back(
        {email_job_id(request->export_id), request->room_id, "email", "", export_email_payload(email)});
    result.also = [export_id, storage, location, rows](pqxx::transaction_base &transaction, std::string &) {
        ExportRows::stored(transaction, export_id, storage, location, rows);
        return true;
    };
    return result;
}

int64_t ExportJobs::link_ttl(const std::string &storage) const {
    return storage == "s3" ? std::min<int64_t>(settings_.link_ttl_s, kMaxPresignSeconds) : settings_.link_ttl_s;
}

bool ExportJobs::make_link(ExportEmail &email, int64_t now, std::string &error) const {
    return link_until(email, now, now + link_ttl(email.storage), error);
}

bool ExportJobs::link_until(ExportEmail &email, int64_t now, int64_t expires, std::string &error) const {
    if (expires <= now) {
        error = "the export's link has expired";
        return false;
    }
    if (email.storage == "s3") {
        if (!s3_) {
            error = "the CSV is in S3 and this node has no S3 client";
            return false;
        }
        const auto url = s3_->presign_get(email.room_id + "/Exports/" + email.file, expires - now);
        if (!url) {
            error = "cannot presign the export's link";
            return false;
        }
        email.link = *url;
        email.expires_unix = expires;
        return true;
    }
    if (settings_.link_secret.empty() || settings_.public_url.empty()) {
        error = "this node has no links (links.secret, links.public_url) to sign the export's link";
        return false;
    }
    const FileLink link{email.room_id, LinkKind::Exports, email.file, expires, ""};
    const auto signed_path = sign_link(settings_.link_secret, link, error);
    if (!signed_path) return false;
    email.link = settings_.public_url + *signed_path;
    email.expires_unix = link.expires;
    return true;
}

bool send_job_mail(SmtpSender &smtp, const std::string &to, const EmailContent &content, const std::string &what,
                   ExportJobResult &result) {
    std::string error;
    const auto message = build_email(content, common::unix_time_s(), common::random_id(), error);
    if (!message) {
        result.permanent = true;
        result.error = what + ": " + error;
        return false;
    }
    const MailOutcome sent = smtp.send(to, *message);
    if (sent.result != MailResult::Sent) {
        result.permanent = sent.result == MailResult::Permanent;
        result.error = what + ": " + sent.error;
        return false;
    }
    return true;
}

ExportJobResult ExportJobs::run_email(const ClaimedJob &job) {
    ExportJobResult result;
    std::string error;
    auto email = export_email_from_payload(job.payload_json, error);
    if (!email) {
        result.permanent = true;
        result.error = error;
        return result;
    }
    if (!smtp_) { // another node may send it, or this one once configured: the mail is kept
        result.error = "export " + email->export_id + ": SMTP is not configured on this node (smtp.url)";
        return result;
    }
    if (email->link.empty() && !make_link(*email, common::unix_time_s(), error)) {
        result.error = "export " + email->export_id + ": " + error;
        return result;
    }
    if (!send_job_mail(*smtp_, email->to, export_email_content(*email, settings_.smtp->from),
                       "export " + email->export_id, result))
        return result;
    result.done = true;
    const std::string export_id = email->export_id;
    const int64_t expires = email->expires_unix;
    result.also = [export_id, expires](pqxx::transaction_base &transaction, std::string &) {
        ExportRows::sent(transaction, export_id, expires);
        return true;
    };
    result.notice = "export_sent";
    result.notice_details = details({{"room", email->room_id}, {"export", export_id}});
    return result;
}

int ExportJobs::sweep(Database &database, const std::string &node_id) {
    constexpr int kBatch = 100;
    std::vector<ExportRows::Expiring> found;
    std::string error;
    if (!database.run("finding expired exports", error, [&](pqxx::connection &connection, std::string &) {
            pqxx::read_transaction transaction(connection);
            found = ExportRows::expiring(transaction, node_id, settings_.keep_after_expiry_s, kBatch);
            return true;
        })) {
        kLog.warning(error);
        return -1;
    }
    int swept = 0;
    for (const auto &row : found) {
        if (row.storage == "local") {
            // The location comes from a shared database: only a file under <root>/*/Exports/ goes.
            const ContainedPath file = resolve_contained_path(recordings_root_, row.location, "Exports");
            if (!file.error.empty()) {
                kLog.warning("export " + row.export_id + " not swept: " + file.error);
                continue;
            }
            if (unlink(file.path.c_str()) != 0 && errno != ENOENT) {
                kLog.warning("export " + row.export_id + " not swept: cannot delete its CSV");
                continue;
            }
        } else {
            // The location is <prefix><room>/Exports/<file>; this node's client adds its prefix.
            if (!s3_ || row.location.compare(0, s3_prefix_.size(), s3_prefix_) != 0) {
                kLog.warning("export " + row.export_id +
                             " not swept: its S3 object is not under this node's bucket prefix");
                continue;
            }
            const S3Outcome deleted = s3_->delete_object(row.location.substr(s3_prefix_.size()));
            if (!deleted.ok) {
                kLog.warning("export " + row.export_id + " not swept: " + deleted.error);
                continue;
            }
        }
        if (!database.run("marking export " + row.export_id + " expired", error,
                          [&](pqxx::connection &connection, std::string &) {
            pqxx::work transaction(connection);
            ExportRows::expired(transaction, row.export_id);
            transaction.commit();
            return true;
            })) {
            kLog.warning(error);
            return swept;
        }
        swept++;
    }
    if (swept > 0) kLog.info(std::to_string(swept) + " expired export(s) swept");
    return swept;
}

void ExportJobs::failed_for_good(Database &database, const ClaimedJob &job, const std::string &error) {
    const common::JsonPtr payload(json_loads(job.payload_json.c_str(), 0, nullptr));
    const json_t *id = payload ? json_object_get(payload.get(), "export_id") : nullptr;
    if (!json_is_string(id)) return;
    const std::string export_id = json_string_value(id);
    std::string why;
    if (!database.run("marking export " + export_id + " failed", why, [&](pqxx::connection &connection, std::string &) {
            pqxx::work transaction(connection);
            ExportRows::failed(transaction, export_id, error);
            transaction.commit();
            return true;
        }))
        kLog.warning(why);
}

} // namespace roomrec::storage
