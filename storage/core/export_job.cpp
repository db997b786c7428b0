#include "storage/core/export_job.hpp"

#include "common/json.hpp"
#include "storage/core/delivery_input.hpp"
#include "storage/core/signed_link.hpp"

#include <jansson.h>

namespace roomrec::storage {
namespace {

std::string export_id_error(const std::string &id) {
    if (id.empty() || id.size() > 64) return "export id: must be 1-64 characters";
    for (char c : id)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return "export id: must be lowercase hex";
    return "";
}

common::JsonPtr parse_object(const std::string &payload, const char *what, std::string &error) {
    json_error_t parse_error;
    common::JsonPtr object(json_loadb(payload.data(), payload.size(), JSON_REJECT_DUPLICATES, &parse_error));
    if (!object || !json_is_object(object.get())) {
        error = std::string(what) + ": not a JSON object";
        return nullptr;
    }
    return object;
}

} // namespace

std::string export_format(const ExportRequest &request) {
    const common::JsonPtr report(json_loads(request.report_json.c_str(), 0, nullptr));
    const json_t *format = json_object_get(report.get(), "format");
    if (format == nullptr) return "csv";
    return json_is_string(format) ? json_string_value(format) : "";
}

const char *export_content_type(const std::string &format) {
    return format == "pdf" ? "application/pdf" : "text/csv; charset=utf-8";
}

std::string export_request_error(const ExportRequest &request) {
    if (std::string why = export_id_error(request.export_id); !why.empty()) return why;
    if (std::string why = link_room_error(request.room_id); !why.empty()) return "export room: " + why;
    if (std::string why = json_object_error("export report", request.report_json, kMaxExportReportBytes); !why.empty())
        return why;
    if (const std::string format = export_format(request); format != "csv" && format != "pdf")
        return "export format: must be csv or pdf";
    if (!request.requested_by.empty())
        if (std::string why = identifier_error("export requested_by", request.requested_by); !why.empty()) return why;
    if (request.email.empty()) return ""; // a download export: its link is asked for (export_status)
    if (std::string why = email_address_error(request.email); !why.empty()) return "export email: " + why;
    return "";
}

std::string export_payload(const ExportRequest &request) {
    const common::JsonPtr object = common::json_object_ptr();
    json_object_set_new(object.get(), "export_id", json_string(request.export_id.c_str()));
    json_object_set_new(object.get(), "room", json_string(request.room_id.c_str()));
    json_object_set_new(object.get(), "report", json_loads(request.report_json.c_str(), 0, nullptr));
    json_object_set_new(object.get(), "requested_by", json_string(request.requested_by.c_str()));
    json_object_set_new(object.get(), "email", json_string(request.email.c_str()));
    return common::json_compact(object, JSON_SORT_KEYS);
}

std::optional<ExportRequest> export_request_from_payload(const std::string &payload, std::string &error) {
    const common::JsonPtr object = parse_object(payload, "export job payload", error);
    if (!object) return std::nullopt;
    ExportRequest request;
    request.export_id = string_member(object.get(), "export_id");
    request.room_id = string_member(object.get(), "room");
    const json_t *report = json_object_get(object.get(), "report");
    request.report_json = json_is_object(report) ? common::json_compact(report, JSON_SORT_KEYS) : "";
    request.requested_by = string_member(object.get(), "requested_by");
    request.email = string_member(object.get(), "email");
    error = export_request_error(request);
    if (!error.empty()) return std::nullopt;
    return request;
}

std::string export_email_error(const ExportEmail &email) {
    if (std::string why = export_id_error(email.export_id); !why.empty()) return why;
    if (std::string why = link_room_error(email.room_id); !why.empty()) return "export room: " + why;
    if (std::string why = email_address_error(email.to); !why.empty()) return "export email: " + why;
    if (email.rows < 0) return "export rows: negative";
    if (email.format != "csv" && email.format != "pdf") return "export format: must be csv or pdf";
    if (email.link.empty()) {
        if (email.storage != "local" && email.storage != "s3") return "export storage: must be local or s3";
        if (std::string why = link_file_error(email.file); !why.empty()) return "export file: " + why;
        return "";
    }
    if (email.link.rfind("http://", 0) != 0 && email.link.rfind("https://", 0) != 0)
        return "export link: must be an http(s) URL";
    if (std::string why = text_error("export link", email.link, 4096); !why.empty()) return why;
    for (char c : email.link)
        if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
            return "export link: must be printable ASCII without spaces";
    if (email.expires_unix <= 0) return "export link expiry: missing";
    return "";
}

std::string export_email_payload(const ExportEmail &email) {
    const common::JsonPtr object = common::json_object_ptr();
    json_object_set_new(object.get(), "export_id", json_string(email.export_id.c_str()));
    json_object_set_new(object.get(), "room", json_string(email.room_id.c_str()));
    json_object_set_new(object.get(), "to", json_string(email.to.c_str()));
    if (email.link.empty()) {
        json_object_set_new(object.get(), "storage", json_string(email.storage.c_str()));
        json_object_set_new(object.get(), "file", json_string(email.file.c_str()));
    } else {
        json_object_set_new(object.get(), "link", json_string(email.link.c_str()));
        json_object_set_new(object.get(), "expires", json_integer(email.expires_unix));
    }
    json_object_set_new(object.get(), "rows", json_integer(email.rows));
    json_object_set_new(object.get(), "format", json_string(email.format.c_str()));
    return common::json_compact(object, JSON_SORT_KEYS);
}

std::optional<ExportEmail> export_email_from_payload(const std::string &payload, std::string &error) {
    const common::JsonPtr object = parse_object(payload, "email job payload", error);
    if (!object) return std::nullopt;
    ExportEmail email;
    email.export_id = string_member(object.get(), "export_id");
    email.room_id = string_member(object.get(), "room");
    email.to = string_member(object.get(), "to");
    email.storage = string_member(object.get(), "storage");
    email.file = string_member(object.get(), "file");
    email.link = string_member(object.get(), "link");
    email.expires_unix = json_integer_value(json_object_get(object.get(), "expires"));
    email.rows = json_integer_value(json_object_get(object.get(), "rows"));
    // Mail jobs queued before PDFs existed carry no format: theirs was a CSV.
    if (const json_t *format = json_object_get(object.get(), "format"))
        email.format = json_is_string(format) ? json_string_value(format) : "";
    error = export_email_error(email);
    if (!error.empty()) return std::nullopt;
    return email;
}

EmailContent export_email_content(const ExportEmail &email, const std::string &from) {
    EmailContent content;
    content.from = from;
    content.to = email.to;
    content.subject = "Your export of room " + email.room_id + " is ready";
    if (email.format == "pdf")
        content.body = "Your session summary of room " + email.room_id +
                       " is ready.\n\nDownload the PDF file here; the link works until " +
                       email_date(email.expires_unix) + ":\n\n" + email.link + "\n";
    else
        content.body = "Your export of room " + email.room_id + " is ready (" + std::to_string(email.rows) +
                       " rows).\n\nDownload the CSV file here; the link works until " + email_date(email.expires_unix) +
                       ":\n\n" + email.link + "\n";
    return content;
}

std::string export_job_id(const std::string &export_id) { return "export-" + export_id; }
std::string email_job_id(const std::string &export_id) { return "email-" + export_id; }

} // namespace roomrec::storage
