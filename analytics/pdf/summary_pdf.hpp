// The PDF session summary (A9): A4 portrait, vector, text drawn with DejaVu Sans through cairo
// (selectable, extractable with pdftotext). Page 1: the title (room title, session time span in
// UTC, duration), the overview numbers as tiles and the per-minute timeline chart; then the top
// 10 attendees by minutes viewed and the recording figures, on page 1 or the next pages as they
// fit. Every page: "Generated <UTC time> by roomrec" and "Page n of N".
#pragma once

#include "analytics/core/session_summary.hpp"

#include <cstdint>
#include <string>

namespace roomrec::analytics {

inline constexpr size_t kSummaryTopAttendees = 10;

// The PDF's bytes in `pdf`, or false with a message in `error`. generated_at: Unix seconds (UTC)
// printed in the footers and stored as the creation date.
bool render_summary_pdf(const SessionSummary &summary, int64_t generated_at, std::string &pdf, std::string &error);

} // namespace roomrec::analytics
