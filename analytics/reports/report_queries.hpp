// One report = one SQL function of analytics/schema/003_reports.sql, called with its
// parameters bound (never spliced into SQL text), whose jsonb answer becomes the report's data.
// The handler table maps every name of report_catalog to its statement. Runs on the caller's
// thread and connection (the report worker's, or the CLI's); not thread-safe.
#pragma once

#include "analytics/reports/query_canceller.hpp"
#include "analytics/reports/report_catalog.hpp"
#include "common/json.hpp"
#include "storage/db/database.hpp"

#include <string>

namespace roomrec::analytics {

struct ReportResult {
    bool ok = false;
    domain::ErrorCode code = domain::ErrorCode::Internal; // when !ok
    std::string message;                                  // when !ok: safe to show a client
    std::string detail;   // when !ok, for the server's log only: what Postgres said (never sent to clients)
    std::string session;  // the session reported on ("" for sessions)
    common::JsonPtr data; // when ok
};

class ReportQueries {
public:
    // statement_timeout_ms: the longest a report may run (0: no limit); past it the report
    // answers 462. canceller: lets another thread cancel the running report (may be null).
    explicit ReportQueries(storage::Database &database, int64_t statement_timeout_ms = 0,
                           QueryCanceller *canceller = nullptr);

    // Applies the built-in schema once (the CLI may be the first to touch a database).
    bool prepare(std::string &error);
    // A validated request (report_catalog) answered from Postgres. Errors: 445 no such room,
    // 463 no such session, 451 no such attendee, 462 Postgres unreachable, the report took
    // longer than the statement timeout or was cancelled, 499 anything else. The message of
    // 462 and 499 is generic; what went wrong is in `detail`.
    ReportResult run(const ReportRequest &request);

private:
    storage::Database &database_;
    const int64_t statement_timeout_ms_;
    QueryCanceller *const canceller_;
    bool migrated_ = false;
};

// The SQLSTATE a report function raises for "no such room/session/attendee" mapped to the API's
// error code; Internal for anything else.
domain::ErrorCode report_error_code(const std::string &sqlstate);

} // namespace roomrec::analytics
