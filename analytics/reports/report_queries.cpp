#include "analytics/reports/report_queries.hpp"

#include "storage/db/migrations.hpp"

#include <pqxx/pqxx>

#include <functional>

namespace roomrec::analytics {
namespace {

using Statement = std::function<pqxx::result(pqxx::transaction_base &, const ReportRequest &)>;

struct Handler {
    const char *name;
    Statement statement;
};

// Every statement binds its values as parameters; the SQL text is fixed.
const Handler kHandlers[] =
    {
        {"sessions",
         [](pqxx::transaction_base &t, const ReportRequest &r) {
    return t.exec_params("SELECT report_sessions($1)::text, ''", r.room);
         }},
        {"overview",
         [](pqxx::transaction_base &t, const ReportRequest &r) {
    return t.exec_params("SELECT x::text, x->>'session' FROM report_overview($1, $2) x", r.room, r.session);
         }},
              {"timeline",
               [](pqxx::transaction_base &t, const ReportRequest &r) {
    return t.exec_params("SELECT x::text, x->>'session' FROM report_timeline($1, $2) x", r.room, r.session);
               }},
    {"attendees",
     [](pqxx::transaction_base &t, const ReportRequest &r) {
    return t.exec_params("SELECT x::text, x->>'session' FROM report_attendees($1, $2, $3, $4, $5) x", r.room, r.session,
                         r.search, static_cast<int>(r.offset), static_cast<int>(r.limit));
     }},
    {"attendee",
     [](pqxx::transaction_base &t, const ReportRequest &r) {
    return t.exec_params("SELECT x::text, x->>'session' FROM report_attendee($1, $2, $3) x", r.room, r.session, r.user);
     }},
    {"heatmap",
     [](pqxx::transaction_base &t, const ReportRequest &r) {
    return t.exec_params("SELECT x::text, x->>'session' FROM report_heatmap($1, $2, '', $3, $4) x", r.room, r.session,
                         static_cast<int>(r.offset), static_cast<int>(r.limit));
     }},
    {"stage",
     [](pqxx::transaction_base &t, const ReportRequest &r) {
    return t.exec_params("SELECT x::text, x->>'session' FROM report_stage($1, $2) x", r.room, r.session);
     }},
    {"media",
     [](pqxx::transaction_base &t, const ReportRequest &r) {
    return t.exec_params("SELECT x::text, x->>'session' FROM report_media($1, $2) x", r.room, r.session);
     }},
    {"recordings",
     [](pqxx::transaction_base &t, const ReportRequest &r) {
    return t.exec_params("SELECT x::text, x->>'session' FROM report_recordings($1, $2) x", r.room, r.session);
     }},
    {"geography",
     [](pqxx::transaction_base &t, const ReportRequest &r) {
    return t.exec_params("SELECT x::text, x->>'session' FROM report_geography($1, $2) x", r.room, r.session);
     }},
    };

const Handler *find_handler(const std::string &name) {
    for (const auto &handler : kHandlers)
        if (name == handler.name) return &handler;
    return nullptr;
}

ReportResult failure(domain::ErrorCode code, std::string message) {
    ReportResult result;
    result.code = code;
    result.message = std::move(message);
    return result;
}

// Postgres cancelled the statement: its statement_timeout, or a cancel request.
constexpr const char *kQueryCanceled = "57014";

ReportResult unavailable(std::string message, std::string detail) {
    ReportResult result = failure(domain::ErrorCode::ReportUnavailable, std::move(message));
    result.detail = std::move(detail);
    return result;
}

// The server's message, first line only: "room r1 has no session s9".
std::string first_line(const std::string &text) {
    std::string message = text.substr(0, text.find('\n'));
    if (message.rfind("ERROR:", 0) == 0) message = message.substr(6);
    while (!message.empty() && message.front() == ' ') message.erase(0, 1);
    return message;
}

} // namespace

domain::ErrorCode report_error_code(const std::string &sqlstate) {
    if (sqlstate == "RR445") return domain::ErrorCode::NoSuchRoom;
    if (sqlstate == "RR463") return domain::ErrorCode::NoSuchSession;
    if (sqlstate == "RR451") return domain::ErrorCode::NoSuchParticipant;
    return domain::ErrorCode::Internal;
}

ReportQueries::ReportQueries(storage::Database &database, int64_t statement_timeout_ms, QueryCanceller *canceller)
    : database_(database), statement_timeout_ms_(statement_timeout_ms), canceller_(canceller) {}

bool ReportQueries::prepare(std::string &error) {
    if (migrated_) return true;
    if (!storage::apply_migrations(database_, error)) return false;
    migrated_ = true;
    return true;
}

ReportResult ReportQueries::run(const ReportRequest &request) {
    const Handler *handler = find_handler(request.name);
    if (!handler) return failure(domain::ErrorCode::InvalidElement, "unknown report \"" + request.name + "\"");
    std::string error;
    if (!prepare(error))
        return unavailable(database_.connected() ? "the report database is not ready, retry"
                                                 : "the report database is unreachable, retry",
                           error);
    ReportResult result;
    std::string refused_state, refused_message;
    bool cancelled = false;
    const bool ran = database_.run("running report " + request.name, error,
                                   [&](pqxx::connection &connection, std::string &) {
        pqxx::read_transaction transaction(connection);
        // LOCAL: the limit ends with this transaction, whatever else shares the connection.
        if (statement_timeout_ms_ > 0)
            transaction.exec_params("SELECT set_config('statement_timeout', $1, true)",
                                    std::to_string(statement_timeout_ms_));
        QueryCanceller::Scope running(canceller_, connection);
        if (!running.attached()) {
            cancelled = true;
            return false;
        }
        try {
            const pqxx::result rows = handler->statement(transaction, request);
            if (rows.empty() || rows[0][0].is_null()) {
                refused_state = "RR463";
                refused_message = "no such session";
                return false;
            }
            result.data.reset(json_loads(rows[0][0].c_str(), JSON_DECODE_ANY, nullptr));
            result.session = rows[0][1].is_null() ? "" : rows[0][1].c_str();
        } catch (const pqxx::sql_error &refused) {
            refused_state = refused.sqlstate();
            refused_message = refused.what();
            if (refused_state == kQueryCanceled) return false;
            if (report_error_code(refused_state) == domain::ErrorCode::Internal) throw;
            return false;
        }
        return true;
    });
    if (ran && result.data) {
        result.ok = true;
        return result;
    }
    if (cancelled || (refused_state == kQueryCanceled && canceller_ && canceller_->cancelled()))
        return unavailable("the report worker is stopping, retry", ""); // not a failure: nothing to log
    if (refused_state == kQueryCanceled)
        return unavailable("the report took too long (over " + std::to_string(statement_timeout_ms_) +
                               " ms); retry later",
                           "running report " + request.name + ": " + first_line(refused_message));
    if (!refused_state.empty() && report_error_code(refused_state) != domain::ErrorCode::Internal)
        return failure(report_error_code(refused_state), first_line(refused_message));
    if (!database_.connected()) return unavailable("the report database is unreachable, retry", error);
    ReportResult failed = failure(domain::ErrorCode::Internal, "report failed");
    failed.detail = error.empty() ? "the report gave no answer" : error;
    return failed;
}

} // namespace roomrec::analytics
