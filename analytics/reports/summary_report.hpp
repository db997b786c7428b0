// A room session's PDF summary from the report engine: the overview, timeline, attendees (every
// page, up to the summary's limit) and recordings reports of one session, asked through
// ReportQueries on the caller's connection, mapped by summary_input, checked by summary_json
// and drawn by analytics/pdf. Used by `roomrec-report summary` and by PDF exports.
#pragma once

#include "analytics/reports/report_queries.hpp"

#include <cstdint>
#include <string>

namespace roomrec::analytics {

// data = the PDF input object (docs/ANALYTICS.md, "PDF session summary"); session "" = the room's latest.
ReportResult summary_input_report(ReportQueries &queries, const std::string &room, const std::string &session);

struct SummaryPdf {
    bool ok = false;
    domain::ErrorCode code = domain::ErrorCode::Internal; // when !ok (as ReportQueries::run)
    std::string message;
    std::string session; // the session summarised
    std::string pdf;     // the file's bytes
};

// generated_at: Unix seconds printed in the footers.
SummaryPdf summary_pdf_report(ReportQueries &queries, const std::string &room, const std::string &session,
                              int64_t generated_at);

} // namespace roomrec::analytics
