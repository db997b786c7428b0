// One report = one SQL function of analytics/schema/003_reports.sql, called with its
// parameters bound (never spliced into SQL text), whose jsonb answer becomes the report's data.
// The handler table maps every name of report_catalog to its statement. Runs on the caller's
// thread and connection (the report worker's, or the CLI's); not thread-safe.
#pragma once

#include "analytics/reports/report_catalog.hpp"
#include "common/json.hpp"
#include "storage/db/database.hpp"

#include <string>

namespace roomrec::analytics {

struct ReportResult {
    bool ok = false;
    domain::ErrorCode code = domain::ErrorCode::Internal; // when !ok
    std::string message;                                  // when !ok
    std::string session;                                  // the session reported on ("" for sessions)
    common::JsonPtr data;                                 // when ok
};

class ReportQueries {
public:
    explicit ReportQueries(storage::Database &database);

    // Applies the built-in schema once (the CLI may be the first to touch a database).
    bool prepare(std::string &error);
    // A validated request (report_catalog) answered from Postgres. Errors: 445 no such room,
    // 463 no such session, 451 no such attendee, 462 Postgres unreachable, 499 anything else.
    ReportResult run(const ReportRequest &request);

private:
    storage::Database &database_;
    bool migrated_ = false;
};

// The SQLSTATE a report function raises for "no such room/session/attendee" mapped to the API's
// error code; Internal for anything else.
domain::ErrorCode report_error_code(const std::string &sqlstate);

} // namespace roomrec::analytics
