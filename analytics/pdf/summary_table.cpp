#include "analytics/pdf/summary_table.hpp"

namespace roomrec::analytics {

namespace {

constexpr double kHeadingHeight = 24;
constexpr double kHeaderHeight = 18;
constexpr double kRowHeight = 16;
constexpr double kCellSize = 8;
constexpr double kPadding = 5;
const Color kInk{0.12, 0.16, 0.20};
const Color kHeaderInk{0.30, 0.34, 0.39};
const Color kHeaderFill{0.92, 0.94, 0.97};
const Color kStripe{0.97, 0.98, 0.99};

void heading(PdfPageWriter &page, const std::string &text) {
    page.text(page.left(), page.y + 14, text, 12, FontWeight::Bold, kInk);
    page.y += kHeadingHeight;
}

void row(PdfPageWriter &page, const SummaryTable &table, const std::vector<std::string> &cells,
         const std::vector<double> &widths, double height, FontWeight weight, Color ink) {
    double x = page.left();
    for (size_t c = 0; c < widths.size(); ++c) {
        const std::string &cell = c < cells.size() ? cells[c] : std::string();
        const bool right = c < table.right_aligned.size() && table.right_aligned[c];
        const double inner = widths[c] - 2 * kPadding;
        if (inner > 0)
            page.text(right ? x + widths[c] - kPadding : x + kPadding, page.y + height / 2 + 3, cell, kCellSize, weight,
                      ink, right ? TextAlign::Right : TextAlign::Left, inner);
        x += widths[c];
    }
    page.y += height;
}

} // namespace

void draw_summary_table(PdfPageWriter &page, const SummaryTable &table) {
    if (table.rows.empty()) {
        page.ensure_space(kHeadingHeight + kRowHeight);
        heading(page, table.heading);
        page.text(page.left(), page.y + 10, table.empty_text, 9, FontWeight::Normal, kHeaderInk);
        page.y += kRowHeight;
        return;
    }
    // Bold text is the wider: sizing with it leaves room for the header row too.
    const CairoTextMeasure measure(page.cr(), kCellSize, FontWeight::Bold);
    const std::vector<double> widths = column_widths(table.columns, table.rows, page.width(), kPadding, measure);
    std::vector<std::string> headers;
    for (const auto &column : table.columns) headers.push_back(column.header);

    const std::vector<PageSlice> slices = paginate(table.rows.size(), kRowHeight, kHeaderHeight,
                                                   page.bottom() - page.y - kHeadingHeight,
                                                   page.bottom() - page.top() - kHeadingHeight);
    size_t current = 0;
    for (size_t s = 0; s < slices.size(); ++s) {
        const PageSlice &slice = slices[s];
        while (current < slice.page) {
            page.new_page();
            ++current;
        }
        heading(page, s == 0 ? table.heading : table.heading + " (continued)");
        page.fill_rect(page.left(), page.y, page.width(), kHeaderHeight, kHeaderFill);
        row(page, table, headers, widths, kHeaderHeight, FontWeight::Bold, kHeaderInk);
        for (size_t r = slice.first; r < slice.first + slice.count; ++r) {
            if ((r - slice.first) % 2 == 1) page.fill_rect(page.left(), page.y, page.width(), kRowHeight, kStripe);
            row(page, table, table.rows[r], widths, kRowHeight, FontWeight::Normal, kInk);
        }
    }
    page.y += 8;
}

} // namespace roomrec::analytics
