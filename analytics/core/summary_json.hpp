// The JSON a PDF summary is rendered from (docs/ANALYTICS.md, "PDF session summary", "Input"): one object with
// "room", "title", "session", "started_at", "ended_at", "overview", "timeline",
// "top_attendees" and "recordings". Everything is checked before anything is drawn: well-formed
// UTF-8 and JSON, every field present with its type, no negative number, percentages within
// 0-100, the limits of session_summary.hpp. An error names the field ("timeline[3].minute").
#pragma once

#include "analytics/core/session_summary.hpp"

#include <string>
#include <string_view>

namespace roomrec::analytics {

// Bigger input is refused before parsing.
inline constexpr size_t kMaxSummaryJsonBytes = 32 * 1024 * 1024;

// Fills `summary` from `text`, or returns false with a message in `error` (summary then holds
// nothing useful). Timeline points come out sorted by minute.
bool parse_session_summary(std::string_view text, SessionSummary &summary, std::string &error);

} // namespace roomrec::analytics
