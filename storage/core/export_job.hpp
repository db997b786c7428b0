// The two outbox jobs of an export via email (A9), as JSON payloads: `export` (produce the
// CSV, store it, then enqueue the mail) and `email` (send the link). Payloads come back from
// a shared database, so reading one checks every field again. Pure.
#pragma once

#include "storage/core/email_message.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace roomrec::storage {

constexpr size_t kMaxExportReportBytes = 16 * 1024;

struct ExportRequest {
    std::string export_id; // random hex, set by DeliveryWorker::request_export
    std::string room_id;
    std::string report_json;  // the report request as a JSON object (name, range, filters; "format")
    std::string requested_by; // user id of who asked ("" for an operator)
    std::string email;        // where the link goes; "" for a download export (delivery "link")
};

// The file an export makes, from its report's "format": "csv" (also when absent) or "pdf".
// export_request_error refuses any other.
std::string export_format(const ExportRequest &request);
// Its MIME type: "text/csv; charset=utf-8" or "application/pdf".
const char *export_content_type(const std::string &format);

// "" when acceptable, else why (values never quoted).
std::string export_request_error(const ExportRequest &request);
std::string export_payload(const ExportRequest &request);
std::optional<ExportRequest> export_request_from_payload(const std::string &payload, std::string &error);

// The email job's payload names where the CSV lies (storage and file); the link is signed
// (local) or presigned (S3) when the mail is sent, so a delayed mail never carries a link
// that already expired. A payload with a ready link (an older build's) is still sent as is.
struct ExportEmail {
    std::string export_id, room_id, to;
    std::string storage;      // "local" | "s3" (empty with a ready link)
    std::string file;         // "<export id>.csv" under <room>/Exports/ (folder or S3 key)
    std::string link;         // absolute URL: set when the mail is sent
    int64_t expires_unix = 0; // when the link stops working: set with the link
    int64_t rows = 0;
    std::string format = "csv"; // the file's: csv or pdf (the mail says which)
};

// "" when the payload form is acceptable (storage and file, or a ready link), else why.
std::string export_email_error(const ExportEmail &email);
std::string export_email_payload(const ExportEmail &email);
std::optional<ExportEmail> export_email_from_payload(const std::string &payload, std::string &error);
// The mail's subject and text (From filled with `from`); needs the link and its expiry.
EmailContent export_email_content(const ExportEmail &email, const std::string &from);

// Outbox job ids: one export job and one email job per export (idempotency keys).
std::string export_job_id(const std::string &export_id);
std::string email_job_id(const std::string &export_id);

} // namespace roomrec::storage
