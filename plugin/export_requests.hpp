// The "export" request (A7-A10): a custom CSV report or a session's PDF summary, mailed as an
// expiring link. Access is the reports' rule (plugin/report_access: 447/448), checked on the
// signalling thread; then the request (analytics/core/report_filters: 443/444) and the address
// (storage/core/email_message: 443); then the asker's quota (ExportQuota: 10 an hour, 457); then
// DeliveryBridge::request_export makes it durable (the exports row and its outbox job) and the
// reply carries its id. The delivery worker runs it later (analytics ReportExportProducer).
// Without delivery, links (or S3) and SMTP on this node: 464 (SMTP only for delivery "email";
// delivery "link" mails nothing: the asker gets the link from "export_status", which reads the
// exports row under the same access rule). Runs on the caller's thread
// (Janus's request or admin thread: it waits for Postgres), never on the signalling thread.
#pragma once

#include "plugin/core/export_quota.hpp"
#include "plugin/plugin_config.hpp"
#include "plugin/report_access.hpp"
#include "plugin/replies.hpp"
#include "plugin/request.hpp"

#include <mutex>
#include <string>
#include <variant>

namespace roomrec::plugin {

class DeliveryBridge;
class RoomRegistry;
class SignallingWorker;

class ExportRequests {
public:
    ExportRequests(const PluginConfig &config, RoomRegistry &rooms, SignallingWorker &worker, DeliveryBridge &delivery)
        : config_(config), rooms_(rooms), worker_(worker), delivery_(delivery) {}

    // {"roomrec": "export", "export": <id>, "state": "queued"} or an error.
    Reply on_export(Request &request);
    // {"roomrec": "export_status", "export", "state", "format", "delivery", ...}: where an
    // export of this room is, and a ready download export's link; 458 when the room has none
    // with that id.
    Reply on_export_status(Request &request);

private:
    // The reports' access rule for the request's room, checked on the signalling thread.
    std::variant<ReportGrant, Reply> access(Request &request, const std::string &room_id, int64_t now_s);

    const PluginConfig &config_;
    RoomRegistry &rooms_;
    SignallingWorker &worker_;
    DeliveryBridge &delivery_;
    std::mutex quota_mutex_; // Janus calls from several threads
    ExportQuota quota_;
};

// Why this node cannot make exports ("" when it can): delivery.postgres, links (or S3), and for
// an export via email (email_delivery) smtp.
std::string exports_unavailable(const PluginConfig &config, bool email_delivery = true);

// The stored report JSON of an export request body (validated: 443/444 otherwise), scoped to
// `room`: csv: the custom report request with its range resolved to fromDate/toDate (so a retry
// exports the same days) and the room as entry_ids (breakout_sessions: as parentEntryIds), plus
// "format": "csv"; pdf: {"format": "pdf", "session": S}. now_s: the current time.
std::variant<std::string, Reply> export_report_json(const json_t *body, const std::string &room, int64_t now_s);

} // namespace roomrec::plugin
