// The per-minute chart of the summary: live unique viewers as bars on the left axis and the live
// engagement rate (%) as a line on the right axis, HH:MM labels below. Sessions longer than
// kChartPoints minutes are downsampled (pdf_layout's downsample: most viewers per bucket,
// viewer-weighted mean engagement) and a note under the chart says so.
#pragma once

#include "analytics/core/session_summary.hpp"
#include "analytics/pdf/pdf_page_writer.hpp"

namespace roomrec::analytics {

inline constexpr size_t kChartPoints = 240;

// Draws the chart in the box (x, y, width, height) of the current page.
void draw_timeline_chart(PdfPageWriter &page, const SessionSummary &summary, const Rect &box);

} // namespace roomrec::analytics
