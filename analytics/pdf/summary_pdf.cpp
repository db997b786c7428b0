#include "analytics/pdf/summary_pdf.hpp"

#include "analytics/core/pdf_layout.hpp"
#include "analytics/pdf/pdf_page_writer.hpp"
#include "analytics/pdf/summary_table.hpp"
#include "analytics/pdf/timeline_chart.hpp"

namespace roomrec::analytics {

namespace {

const Color kInk{0.12, 0.16, 0.20};
const Color kMuted{0.40, 0.44, 0.49};
const Color kTileFill{0.95, 0.96, 0.98};
const Color kAccent{0.15, 0.39, 0.92};

std::string percent(double value) { return format_decimal(value, 1) + " %"; }

void draw_title(PdfPageWriter &page, const SessionSummary &summary) {
    const std::string &title = summary.title.empty() ? summary.room : summary.title;
    page.fill_rect(page.left(), page.y, 4, 44, kAccent);
    page.text(page.left() + 12, page.y + 17, title, 18, FontWeight::Bold, kInk, TextAlign::Left, page.width() - 12);
    std::string span = format_utc_minute(summary.started_at) + " \u2013 ";
    const std::string end = format_utc_minute(summary.ended_at);
    span += end.substr(0, 10) == span.substr(0, 10) ? end.substr(11) : end;
    span += " UTC  \u00b7  " + format_duration(summary.ended_at - summary.started_at);
    page.text(page.left() + 12, page.y + 32, span, 10, FontWeight::Normal, kInk);
    std::string ids = "Session summary  \u00b7  room " + summary.room;
    if (!summary.session.empty()) ids += "  \u00b7  session " + summary.session;
    page.text(page.left() + 12, page.y + 44, ids, 8, FontWeight::Normal, kMuted, TextAlign::Left, page.width() - 12);
    page.y += 62;
}

struct Tile {
    std::string label, value, detail;
};

void draw_overview(PdfPageWriter &page, const SummaryOverview &o) {
    const std::vector<Tile> tiles = {
        {"Live viewers", format_count(o.live_unique_viewers), "unique"},
        {"Recording viewers", format_count(o.recording_unique_viewers), "unique"},
        {"Avg minutes viewed", format_decimal(o.average_minutes_viewed, 1), "per live viewer"},
        {"Avg live engagement", percent(o.average_engagement_rate), "time-weighted"},
        {"Reactions", format_count(o.reactions), "by " + percent(o.reaction_users_percent) + " of users"},
        {"Chat messages", format_count(o.chat_messages), ""},
        {"Polls", format_count(o.polls), ""},
        {"Q&A threads", format_count(o.qa_threads), ""},
        {"Downloads", format_count(o.downloads), ""},
        {"Recording plays", format_count(o.recording_plays), ""},
    };
    page.text(page.left(), page.y + 14, "Overview", 12, FontWeight::Bold, kInk);
    page.y += 22;
    const double height = 50, gap = 6;
    const auto rects = tile_grid(tiles.size(), {page.left(), page.y, page.width(), 0}, 5, height, gap);
    cairo_t *cr = page.cr();
    for (size_t i = 0; i < tiles.size(); ++i) {
        const Rect &r = rects[i];
        cairo_set_source_rgb(cr, kTileFill.r, kTileFill.g, kTileFill.b);
        cairo_rectangle(cr, r.x, r.y, r.width, r.height);
        cairo_fill(cr);
        const double inner = r.width - 14;
        page.text(r.x + 7, r.y + 13, tiles[i].label, 7, FontWeight::Normal, kMuted, TextAlign::Left, inner);
        page.text(r.x + 7, r.y + 32, tiles[i].value, 15, FontWeight::Bold, kInk, TextAlign::Left, inner);
        page.text(r.x + 7, r.y + 44, tiles[i].detail, 6.5, FontWeight::Normal, kMuted, TextAlign::Left, inner);
    }
    page.y = rects.back().y + height + 16;
}

void draw_timeline(PdfPageWriter &page, const SessionSummary &summary) {
    page.text(page.left(), page.y + 14, "Live viewers and engagement per minute", 12, FontWeight::Bold, kInk);
    page.y += 22;
    const double height = 200;
    draw_timeline_chart(page, summary, {page.left(), page.y, page.width(), height});
    page.y += height + 4;
    const int64_t span = summary_span_minutes(summary);
    if (span > static_cast<int64_t>(kChartPoints)) {
        const int64_t bucket = (span + kChartPoints - 1) / kChartPoints;
        page.text(page.left(), page.y + 8,
                  "Each bar covers " + std::to_string(bucket) +
                      " minutes: the most live viewers in them; the line is their viewer-weighted average "
                      "engagement.",
                  7, FontWeight::Normal, kMuted, TextAlign::Left, page.width());
        page.y += 10;
    }
    page.y += 14;
}

SummaryTable attendee_table(const SessionSummary &summary) {
    SummaryTable table;
    const auto top = top_attendees(summary.attendees, kSummaryTopAttendees);
    table.heading = "Top attendees";
    if (summary.attendees.size() > top.size())
        table.heading += " (" + std::to_string(top.size()) + " of " +
                         format_count(static_cast<int64_t>(summary.attendees.size())) + ", by minutes viewed)";
    table.columns = {{"#", false, 0},          {"Name", true, 120},     {"Role", false, 0}, {"Minutes", false, 0},
                     {"Engagement", false, 0}, {"Reactions", false, 0}, {"Chat", false, 0}};
    table.right_aligned = {true, false, false, true, true, true, true};
    table.empty_text = "Nobody attended this session live.";
    for (size_t i = 0; i < top.size(); ++i) {
        const SummaryAttendee &a = top[i];
        table.rows.push_back({std::to_string(i + 1), a.name, a.role, format_decimal(a.minutes_viewed, 1),
                              percent(a.engagement_rate), format_count(a.reactions), format_count(a.chat_messages)});
    }
    return table;
}

SummaryTable recording_table(const SessionSummary &summary) {
    SummaryTable table;
    table.heading = "Recordings";
    table.columns = {{"Recording", true, 120},
                     {"Impressions", false, 0},
                     {"Plays", false, 0},
                     {"Minutes viewed", false, 0},
                     {"Avg completion", false, 0}};
    table.right_aligned = {false, true, true, true, true};
    table.empty_text = "No recording of this session.";
    for (const SummaryRecording &r : summary.recordings)
        table.rows.push_back({r.title.empty() ? r.id : r.title, format_count(r.impressions), format_count(r.plays),
                              format_decimal(r.minutes_viewed, 1), percent(r.average_completion)});
    return table;
}

bool render(const SessionSummary &summary, int64_t generated_at, int total_pages, std::string &pdf, int &pages,
            std::string &error) {
    pdf.clear();
    const std::string created = format_utc_minute(generated_at).replace(10, 1, "T") +
                                format_utc_second(generated_at).substr(16, 3) + "Z";
    PdfPageWriter page(pdf, "Generated " + format_utc_second(generated_at) + " by roomrec", total_pages,
                       (summary.title.empty() ? summary.room : summary.title) + " \u2013 session summary", created);
    draw_title(page, summary);
    draw_overview(page, summary.overview);
    draw_timeline(page, summary);
    draw_summary_table(page, attendee_table(summary));
    page.y += 6;
    draw_summary_table(page, recording_table(summary));
    pages = page.page();
    return page.finish(error);
}

} // namespace

bool render_summary_pdf(const SessionSummary &summary, int64_t generated_at, std::string &pdf, std::string &error) {
    // Twice: the first run counts the pages the footers of the second say ("Page 1 of 2").
    int pages = 0;
    if (!render(summary, generated_at, 0, pdf, pages, error)) return false;
    return render(summary, generated_at, pages, pdf, pages, error);
}

} // namespace roomrec::analytics
