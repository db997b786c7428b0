#include "analytics/pdf/timeline_chart.hpp"

#include "analytics/core/pdf_layout.hpp"

#include <algorithm>

namespace roomrec::analytics {

namespace {

const Color kBars{0.55, 0.70, 0.93};
const Color kLine{0.90, 0.40, 0.10};
const Color kGrid{0.88, 0.89, 0.91};
const Color kAxisText{0.35, 0.38, 0.42};
const Color kInk{0.12, 0.16, 0.20};
constexpr double kLabelSize = 7;

std::string time_label(int64_t started_at, int64_t minute, int64_t step) {
    const int64_t at = (started_at / 60 + minute) * 60;
    if (step >= 1440) return format_utc_minute(at).substr(5, 5); // "MM-DD" at midnight
    return format_utc_clock(at);
}

} // namespace

void draw_timeline_chart(PdfPageWriter &page, const SessionSummary &summary, const Rect &box) {
    cairo_t *cr = page.cr();
    const int64_t span = summary_span_minutes(summary);
    const std::vector<ChartPoint> points = downsample(summary.timeline, span, kChartPoints);
    const double legend = 16, below = 16;
    const double axis_width = 34;
    const Rect plot{box.x + axis_width, box.y + legend, box.width - 2 * axis_width, box.height - legend - below};

    // Legend: what the bars and the line are.
    double x = plot.x;
    page.fill_rect(x, box.y + 2, 9, 7, kBars);
    x += 13 + page.text(x + 13, box.y + 9, "Live unique viewers (left axis)", kLabelSize, FontWeight::Normal, kInk);
    x += 14;
    page.line(x, box.y + 5.5, x + 12, box.y + 5.5, 1.6, kLine);
    page.text(x + 16, box.y + 9, "Engagement rate % (right axis)", kLabelSize, FontWeight::Normal, kInk);

    double most = 0;
    for (const ChartPoint &point : points) most = std::max(most, point.viewers);
    const AxisTicks viewers = nice_ticks(0, most, 5, true);
    const AxisTicks percent = nice_ticks(0, 100, 5);
    const auto y_of = [&](double value, const AxisTicks &ticks) {
        return plot.y + plot.height - (value - ticks.min) / (ticks.max - ticks.min) * plot.height;
    };
    const auto x_of = [&](double minute) { return plot.x + minute / static_cast<double>(span) * plot.width; };

    for (double value : viewers.values) {
        const double gy = y_of(value, viewers);
        page.line(plot.x, gy, plot.x + plot.width, gy, 0.5, kGrid);
        page.text(plot.x - 4, gy + 2.5, format_tick(value, viewers.step), kLabelSize, FontWeight::Normal, kAxisText,
                  TextAlign::Right);
    }
    for (double value : percent.values)
        page.text(plot.x + plot.width + 4, y_of(value, percent) + 2.5, format_tick(value, percent.step) + " %",
                  kLabelSize, FontWeight::Normal, kAxisText);

    // Bars: one per bucket, a small gap between them when they are wide enough to show it.
    for (const ChartPoint &point : points) {
        if (point.viewers <= 0) continue;
        double x0 = x_of(static_cast<double>(point.minute));
        double x1 = x_of(static_cast<double>(point.minute + point.minutes));
        if (x1 - x0 > 3) {
            const double gap = (x1 - x0) * 0.12;
            x0 += gap;
            x1 -= gap;
        } else {
            x1 += 0.25; // narrow bars touch: overlap a little so no hairline seam shows between them
        }
        const double top = y_of(point.viewers, viewers);
        page.fill_rect(x0, top, std::max(x1 - x0, 0.3), plot.y + plot.height - top, kBars);
    }

    // The engagement line, broken where nobody watched; dots when there are few points.
    cairo_set_source_rgb(cr, kLine.r, kLine.g, kLine.b);
    cairo_set_line_width(cr, 1.6);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    bool drawing = false;
    for (const ChartPoint &point : points) {
        if (!point.engagement) {
            drawing = false;
            continue;
        }
        const double px = x_of(static_cast<double>(point.minute) + static_cast<double>(point.minutes) / 2);
        const double py = y_of(*point.engagement, percent);
        if (drawing) cairo_line_to(cr, px, py);
        else cairo_move_to(cr, px, py);
        drawing = true;
    }
    cairo_stroke(cr);
    if (points.size() <= 60 || std::none_of(points.begin(), points.end(), [](const auto &p) { return p.engagement; }))
        for (const ChartPoint &point : points) {
            if (!point.engagement) continue;
            const double px = x_of(static_cast<double>(point.minute) + static_cast<double>(point.minutes) / 2);
            cairo_arc(cr, px, y_of(*point.engagement, percent), 1.6, 0, 6.2832);
            cairo_fill(cr);
        }

    // The frame's bottom and left axes.
    page.line(plot.x, plot.y + plot.height, plot.x + plot.width, plot.y + plot.height, 0.8, kAxisText);

    // Time labels on round clock times, spaced so they never overlap.
    const double label_width = page.text_width("00:00", kLabelSize, FontWeight::Normal);
    const int64_t step = time_label_step(span, plot.width, label_width);
    for (int64_t minute : time_label_minutes(summary.started_at, span, step)) {
        const double lx = x_of(static_cast<double>(minute));
        page.line(lx, plot.y + plot.height, lx, plot.y + plot.height + 3, 0.6, kAxisText);
        page.text(lx, plot.y + plot.height + 11, time_label(summary.started_at, minute, step), kLabelSize,
                  FontWeight::Normal, kAxisText, TextAlign::Center);
    }
    if (summary.timeline.empty())
        page.text(plot.x + plot.width / 2, plot.y + plot.height / 2, "No live viewers in this session", 9,
                  FontWeight::Normal, kAxisText, TextAlign::Center);
}

} // namespace roomrec::analytics
