#include "plugin/report_requests.hpp"

#include "common/log.hpp"
#include "domain/request_schema.hpp"
#include "plugin/report_access.hpp"
#include "plugin/room_messenger.hpp"
#include "plugin/room_registry.hpp"
#include "plugin/signalling_worker.hpp"

#include <glib.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <string_view>

namespace roomrec::plugin {
namespace {

constexpr common::Logger kLog("reports");
constexpr auto kAccessTimeout = std::chrono::seconds(15);
constexpr auto kAdminTimeout = std::chrono::seconds(60);

// Members of the request that are not report parameters.
constexpr std::string_view kEnvelope[] = {"request", "room", "report", "session", "admin_secret", "token", "secret"};

// "too many report requests: at most 20 at once, then 120 per minute; retry in 3 s", with
// retry_after_ms like every other 457.
Reply over_limit(const PluginConfig &config, int64_t wait_us) {
    Reply reply = reply_error(domain::ErrorCode::RateLimited,
                              "too many report requests: at most " + std::to_string(config.reports.burst) +
                                  " at once, then " + std::to_string(config.reports.per_minute) +
                                  " per minute; retry in " + std::to_string((wait_us + 999'999) / 1'000'000) + " s");
    json_object_set_new(reply.data.get(), "retry_after_ms", json_integer((wait_us + 999) / 1000));
    return reply;
}

} // namespace

domain::RateLimitSettings ReportRequests::report_rate_settings(const PluginConfig &config) {
    domain::RateLimitSettings settings;
    settings.burst = static_cast<int>(config.reports.burst);
    settings.refill_interval_us = 60'000'000 / std::max<int64_t>(config.reports.per_minute, 1);
    return settings;
}

Reply report_answer(const analytics::ReportRequest &request, analytics::ReportResult result) {
    if (!result.ok) return reply_error(result.code, result.message);
    common::JsonPtr answer = make_event("report");
    json_object_set_new(answer.get(), "report", json_string(request.name.c_str()));
    json_object_set_new(answer.get(), "room", json_string(request.room.c_str()));
    json_object_set_new(answer.get(), "session", json_string(result.session.c_str()));
    json_object_set_new(answer.get(), "data", result.data.release());
    return reply_with(std::move(answer));
}

Reply ReportRequests::on_report(Request &request) {
    const json_t *body = request.body.get();
    analytics::ReportRequest report;
    report.name = domain::string_field(body, "report");
    report.room = domain::string_field(body, "room");
    report.session = domain::string_field(body, "session");
    if (auto error = analytics::read_report_params(body, kEnvelope, report))
        return reply_error(error->code, error->message);
    if (!analytics::find_report(report.name)->per_session && !report.session.empty())
        return reply_error(domain::ErrorCode::InvalidElement, "report " + report.name + " takes no session");

    // The room (owner, secrets) lives on the signalling thread.
    if (!request.admin) {
        const int64_t now_s = g_get_real_time() / G_USEC_PER_SEC;
        // Copies only: a call that times out may still run later.
        auto probe = std::make_shared<Request>();
        probe->body = common::json_share(request.body.get());
        const std::string room_id = report.room, name = report.name;
        auto refusal = worker_.call<std::optional<Reply>>(
            [this, probe, room_id, name, now_s]() -> std::optional<Reply> {
                auto verdict = check_report_access(config_, room_id, rooms_.find(room_id), *probe, now_s);
                if (auto *refused = std::get_if<Reply>(&verdict)) return std::move(*refused);
                const ReportGrant &grant = std::get<ReportGrant>(verdict);
                const int64_t now_us = g_get_monotonic_time();
                const auto limited = limits_.try_acquire(grant.credential, now_us);
                if (limited == domain::RateVerdict::Limited)
                    return over_limit(config_, limits_.retry_after_us(grant.credential, now_us));
                if (limited == domain::RateVerdict::TooManyUsers) // fail closed
                    return reply_error(domain::ErrorCode::RateLimited,
                                       "too many report requests from too many users; retry in a few seconds");
                kLog.info("report " + name + " for " + grant.who);
                return std::nullopt;
            },
            kAccessTimeout);
        if (!refusal) return reply_error(domain::ErrorCode::Internal, "the plugin is busy or stopping");
        if (*refusal) return std::move(**refusal);
    }
    if (!reports_.enabled())
        return reply_error(domain::ErrorCode::ReportUnavailable, "reports are not configured (no Postgres)");

    if (request.admin) {
        auto promise = std::make_shared<std::promise<Reply>>();
        auto answer = promise->get_future();
        if (!reports_.submit(report, [promise, report](analytics::ReportResult result) {
                promise->set_value(report_answer(report, std::move(result)));
            }))
            return reply_error(domain::ErrorCode::ReportUnavailable, "the report queue is full, retry");
        if (answer.wait_for(kAdminTimeout) != std::future_status::ready)
            return reply_error(domain::ErrorCode::ReportUnavailable, "the report took too long, retry");
        return answer.get();
    }

    auto session = request.session;
    const std::string transaction = request.transaction;
    const bool queued = reports_.submit(report, [this, session, transaction, report](analytics::ReportResult result) {
        auto reply = std::make_shared<Reply>(report_answer(report, std::move(result)));
        // push_event belongs to the signalling thread.
        worker_.post([this, session, transaction, reply] {
            if (!session->destroyed) messenger_.push(*session, transaction.c_str(), *reply);
        });
    });
    if (!queued) return reply_error(domain::ErrorCode::ReportUnavailable, "the report queue is full, retry");
    return Reply{};
}

} // namespace roomrec::plugin
