#include "plugin/export_requests.hpp"

#include "analytics/core/report_filters.hpp"
#include "common/log.hpp"
#include "domain/request_schema.hpp"
#include "plugin/delivery_bridge.hpp"
#include "plugin/report_access.hpp"
#include "plugin/room_registry.hpp"
#include "plugin/signalling_worker.hpp"
#include "storage/core/email_message.hpp"

#include <glib.h>

#include <chrono>
#include <optional>

namespace roomrec::plugin {
namespace {

using domain::ErrorCode;

constexpr common::Logger kLog("exports");
constexpr auto kAccessTimeout = std::chrono::seconds(15);
constexpr int64_t kDaySeconds = 86400;

// The members of a csv export that are the custom report's request.
constexpr const char *kCsvFields[] = {"report", "range", "fromDate", "toDate", "filters", "bom", "descriptive_headers"};

json_t *id_array(const std::vector<std::string> &ids) {
    json_t *array = json_array();
    for (const auto &id : ids) json_array_append_new(array, json_string(id.c_str()));
    return array;
}

// Filters may narrow the export to this room only.
std::string other_room(const std::vector<std::string> &ids, const std::string &room, const char *name) {
    for (const auto &id : ids)
        if (id != room) return std::string("filters.") + name + " may name only this room";
    return "";
}

// 444 for what is over a limit (too many ids, too many days), 443 for the rest.
ErrorCode filter_error_code(const std::string &message) {
    return message.find("more than") != std::string::npos || message.find("at most") != std::string::npos
               ? ErrorCode::ElementTooLong
               : ErrorCode::InvalidElement;
}

} // namespace

std::string exports_unavailable(const PluginConfig &config, bool email_delivery) {
    const DeliveryConfig &delivery = config.delivery;
    if (delivery.postgres.empty()) return "exports are not available on this node: no delivery (delivery.postgres)";
    if (!delivery.to_s3 && !delivery.links.enabled)
        return "exports are not available on this node: no links (links.port) and no S3 storage";
    if (email_delivery && !delivery.smtp.enabled) return "exports are not available on this node: no SMTP (smtp.url)";
    return "";
}

std::variant<std::string, Reply> export_report_json(const json_t *body, const std::string &room, int64_t now_s) {
    const std::string format = domain::string_field(body, "format");
    common::JsonPtr stored = common::json_object_ptr();
    json_object_set_new(stored.get(), "format", json_string(format.c_str()));
    if (format == "pdf") {
        for (const char *field : kCsvFields)
            if (json_object_get(body, field))
                return reply_error(ErrorCode::InvalidElement, std::string(field) + " is for csv exports");
        json_object_set_new(stored.get(), "session", json_string(domain::string_field(body, "session").c_str()));
        return common::json_compact(stored, JSON_SORT_KEYS);
    }
    if (json_object_get(body, "session"))
        return reply_error(ErrorCode::InvalidElement,
                           "session is for pdf exports (a csv export filters sessions with filters.cue_point_ids)");
    if (!json_object_get(body, "report")) return reply_error(ErrorCode::MissingElement, "report is required");
    common::JsonPtr custom_json = common::json_object_ptr();
    for (const char *field : kCsvFields)
        if (json_t *value = json_object_get(body, field)) json_object_set(custom_json.get(), field, value);
    analytics::CustomReportRequest custom;
    std::string error;
    if (!analytics::parse_report_request_json(common::json_compact(custom_json), now_s, custom, error))
        return reply_error(filter_error_code(error), error);
    if (std::string why = other_room(custom.filters.entry_ids, room, "entry_ids"); !why.empty())
        return reply_error(ErrorCode::InvalidElement, why);
    if (std::string why = other_room(custom.filters.parent_entry_ids, room, "parentEntryIds"); !why.empty())
        return reply_error(ErrorCode::InvalidElement, why);
    // Scoped to the room: its own rows, or for breakouts the breakouts opened from it.
    if (custom.report == analytics::CustomReport::BreakoutSessions) {
        custom.filters.entry_ids.clear();
        custom.filters.parent_entry_ids = {room};
    } else {
        custom.filters.entry_ids = {room};
    }
    json_object_set_new(stored.get(), "report", json_string(analytics::custom_report_name(custom.report)));
    json_object_set_new(stored.get(), "fromDate",
                        json_string(analytics::format_utc_day(custom.from_s / kDaySeconds).c_str()));
    json_object_set_new(stored.get(), "toDate",
                        json_string(analytics::format_utc_day(custom.to_s / kDaySeconds - 1).c_str()));
    json_t *filters = json_object();
    const std::pair<const char *, const std::vector<std::string> *> lists[] = {
        {"entry_ids", &custom.filters.entry_ids},
        {"user_ids", &custom.filters.user_ids},
        {"cue_point_ids", &custom.filters.cue_point_ids},
        {"virtual_event_ids", &custom.filters.virtual_event_ids},
        {"parentEntryIds", &custom.filters.parent_entry_ids}};
    for (const auto &[name, ids] : lists)
        if (!ids->empty()) json_object_set_new(filters, name, id_array(*ids));
    json_object_set_new(stored.get(), "filters", filters);
    json_object_set_new(stored.get(), "bom", json_boolean(custom.csv.bom));
    json_object_set_new(stored.get(), "descriptive_headers", json_boolean(custom.csv.descriptive_headers));
    return common::json_compact(stored, JSON_SORT_KEYS);
}

std::variant<ReportGrant, Reply> ExportRequests::access(Request &request, const std::string &room_id, int64_t now_s) {
    if (request.admin) return ReportGrant{"operator", "admin", ""};
    auto probe = std::make_shared<Request>(); // copies: a call that times out may still run later
    probe->body = common::json_share(request.body.get());
    auto verdict = worker_.call<std::optional<std::variant<ReportGrant, Reply>>>(
        [this, probe, room_id, now_s]() -> std::optional<std::variant<ReportGrant, Reply>> {
            return check_report_access(config_, room_id, rooms_.find(room_id), *probe, now_s);
        },
        kAccessTimeout);
    if (!verdict || !*verdict) return reply_error(ErrorCode::Internal, "the plugin is busy or stopping");
    return std::move(**verdict);
}

Reply ExportRequests::on_export(Request &request) {
    const json_t *body = request.body.get();
    const std::string room_id = domain::string_field(body, "room");
    const int64_t now_us = g_get_real_time();
    const int64_t now_s = now_us / G_USEC_PER_SEC;

    // Access first: who may not export learns nothing about the request's mistakes.
    auto verdict = access(request, room_id, now_s);
    if (auto *refused = std::get_if<Reply>(&verdict)) return std::move(*refused);
    const ReportGrant grant = std::get<ReportGrant>(verdict);

    auto report_json = export_report_json(body, room_id, now_s);
    if (auto *refused = std::get_if<Reply>(&report_json)) return std::move(*refused);
    // "email" (default): the link is mailed; "link": the asker fetches it (export_status).
    const bool download = domain::string_field(body, "delivery") == "link";
    const std::string email = domain::string_field(body, "email");
    if (download && json_object_get(body, "email"))
        return reply_error(ErrorCode::InvalidElement, "email is for delivery \"email\"; a \"link\" export has none");
    if (!download && !json_object_get(body, "email")) return reply_error(ErrorCode::MissingElement, "email is required");
    if (!download)
        if (std::string why = storage::email_address_error(email); !why.empty())
            return reply_error(ErrorCode::InvalidElement, "email: " + why);
    if (std::string why = exports_unavailable(config_, !download); !why.empty())
        return reply_error(ErrorCode::ExportUnavailable, why);

    // Operators through the Admin API are not counted; everyone else is, per user (or per
    // room for a shared credential).
    const std::string quota_key = grant.user.empty() ? grant.who + " of " + room_id : "user " + grant.user;
    if (!request.admin) {
        std::lock_guard<std::mutex> lock(quota_mutex_);
        if (const auto wait_us = quota_.take(quota_key, now_us)) {
            Reply reply = reply_error(ErrorCode::RateLimited,
                                      "too many exports: at most " + std::to_string(ExportQuota::kPerHour) +
                                          " an hour; retry in " + std::to_string((*wait_us + 999999) / 1000000) + " s");
            json_object_set_new(reply.data.get(), "retry_after_ms", json_integer((*wait_us + 999) / 1000));
            return reply;
        }
    }
    storage::ExportRequest export_request;
    export_request.room_id = room_id;
    export_request.report_json = std::get<std::string>(report_json);
    export_request.requested_by = grant.user;
    export_request.email = email;
    std::string error;
    const auto id = delivery_.request_export(std::move(export_request), error);
    if (!id) {
        if (!request.admin) {
            std::lock_guard<std::mutex> lock(quota_mutex_);
            quota_.give_back(quota_key);
        }
        kLog.warning("export for room " + room_id + " not queued: " + error);
        // What the database said stays in the server log.
        return reply_error(ErrorCode::ExportUnavailable, "the export could not be queued; retry later");
    }
    kLog.info("export " + *id + " of room " + room_id + " queued for " + grant.who);
    common::JsonPtr answer = make_event("export");
    json_object_set_new(answer.get(), "export", json_string(id->c_str()));
    json_object_set_new(answer.get(), "state", json_string("queued"));
    json_object_set_new(answer.get(), "delivery", json_string(download ? "link" : "email"));
    return reply_with(std::move(answer));
}

Reply ExportRequests::on_export_status(Request &request) {
    const json_t *body = request.body.get();
    const std::string room_id = domain::string_field(body, "room");
    const std::string export_id = domain::string_field(body, "export");
    const int64_t now_s = g_get_real_time() / G_USEC_PER_SEC;
    auto verdict = access(request, room_id, now_s);
    if (auto *refused = std::get_if<Reply>(&verdict)) return std::move(*refused);
    std::string error;
    const auto status = delivery_.export_status(export_id, now_s, error);
    if (!status) {
        kLog.warning("export " + export_id + " of room " + room_id + " not read: " + error);
        return reply_error(ErrorCode::ExportUnavailable, "the export could not be read; retry later");
    }
    // Another room's export is as unknown as a missing one.
    if (!status->found || status->row.room_id != room_id)
        return reply_error(ErrorCode::NoSuchItem, "no such export in this room");
    const storage::ExportRows::Status &row = status->row;
    // A download export is "ready" while its link works (the row says "sent": handed out).
    std::string state = row.state;
    if (row.download && row.state == "sent") state = row.link_expires_unix > now_s ? "ready" : "expired";
    common::JsonPtr answer = make_event("export_status");
    json_object_set_new(answer.get(), "export", json_string(export_id.c_str()));
    json_object_set_new(answer.get(), "state", json_string(state.c_str()));
    json_object_set_new(answer.get(), "format", json_string(row.format.c_str()));
    json_object_set_new(answer.get(), "delivery", json_string(row.download ? "link" : "email"));
    if (row.rows >= 0) json_object_set_new(answer.get(), "rows", json_integer(row.rows));
    if (row.link_expires_unix > 0) {
        GDateTime *expires = g_date_time_new_from_unix_utc(row.link_expires_unix);
        gchar *text = g_date_time_format(expires, "%Y-%m-%dT%H:%M:%SZ");
        json_object_set_new(answer.get(), "expires_at", json_string(text));
        g_free(text);
        g_date_time_unref(expires);
    }
    if (state == "failed") json_object_set_new(answer.get(), "error", json_string(row.error.c_str()));
    if (state == "ready") {
        if (status->link.empty()) return reply_error(ErrorCode::ExportUnavailable, "the export's link cannot be made");
        json_object_set_new(answer.get(), "url", json_string(status->link.c_str()));
    }
    return reply_with(std::move(answer));
}

} // namespace roomrec::plugin
