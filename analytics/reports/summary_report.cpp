#include "analytics/reports/summary_report.hpp"

#include "analytics/core/summary_json.hpp"
#include "analytics/pdf/summary_pdf.hpp"
#include "analytics/reports/summary_input.hpp"

namespace roomrec::analytics {
namespace {

ReportResult ask(ReportQueries &queries, const std::string &name, const std::string &room, const std::string &session,
                 int64_t offset = 0) {
    ReportRequest request;
    request.name = name;
    request.room = room;
    request.session = session;
    request.offset = offset;
    request.limit = kMaxLimit;
    return queries.run(request);
}

// The session's title, from the room's session list ("" when not listed).
std::string session_title(const json_t *sessions, const std::string &session) {
    size_t i;
    const json_t *row;
    json_array_foreach(json_object_get(sessions, "sessions"), i, row) {
        const json_t *id = json_object_get(row, "session");
        const json_t *title = json_object_get(row, "title");
        if (json_is_string(id) && session == json_string_value(id) && json_is_string(title))
            return json_string_value(title);
    }
    return "";
}

} // namespace

ReportResult summary_input_report(ReportQueries &queries, const std::string &room, const std::string &session) {
    ReportResult overview = ask(queries, "overview", room, session);
    if (!overview.ok) return overview;
    // The others about the session the overview resolved ("" = latest could move meanwhile).
    const std::string resolved = overview.session;
    ReportResult sessions = ask(queries, "sessions", room, "");
    if (!sessions.ok) return sessions;
    ReportResult timeline = ask(queries, "timeline", room, resolved);
    if (!timeline.ok) return timeline;
    ReportResult recordings = ask(queries, "recordings", room, resolved);
    if (!recordings.ok) return recordings;
    // Every attendee (the PDF says "10 of N"), a page at a time, up to what a summary holds.
    common::JsonPtr attendees(json_array());
    for (int64_t offset = 0; offset < static_cast<int64_t>(kMaxSummaryAttendees); offset += kMaxLimit) {
        ReportResult page = ask(queries, "attendees", room, resolved, offset);
        if (!page.ok) return page;
        const json_t *rows = json_object_get(page.data.get(), "attendees");
        json_array_extend(attendees.get(), const_cast<json_t *>(rows));
        const json_int_t total = json_integer_value(json_object_get(page.data.get(), "total"));
        if (json_array_size(rows) < static_cast<size_t>(kMaxLimit) || offset + kMaxLimit >= total) break;
    }
    if (json_array_size(attendees.get()) > kMaxSummaryAttendees) {
        common::JsonPtr kept(json_array());
        for (size_t i = 0; i < kMaxSummaryAttendees; ++i)
            json_array_append(kept.get(), json_array_get(attendees.get(), i));
        attendees = std::move(kept);
    }
    SummarySources sources{room,
                           session_title(sessions.data.get(), resolved),
                           overview.data.get(),
                           timeline.data.get(),
                           attendees.get(),
                           recordings.data.get()};
    ReportResult result;
    result.ok = true;
    result.session = resolved;
    result.data = summary_input(sources);
    return result;
}

SummaryPdf summary_pdf_report(ReportQueries &queries, const std::string &room, const std::string &session,
                              int64_t generated_at) {
    SummaryPdf out;
    ReportResult input = summary_input_report(queries, room, session);
    if (!input.ok) {
        out.code = input.code;
        out.message = input.message;
        return out;
    }
    out.session = input.session;
    SessionSummary summary;
    std::string error;
    if (!parse_session_summary(common::json_compact(input.data), summary, error) ||
        !render_summary_pdf(summary, generated_at, out.pdf, error)) {
        out.code = domain::ErrorCode::Internal;
        out.message = "the summary of session " + input.session + " cannot be drawn: " + error;
        out.pdf.clear();
        return out;
    }
    out.ok = true;
    return out;
}

} // namespace roomrec::analytics
