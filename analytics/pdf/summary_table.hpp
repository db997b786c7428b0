// A table of the summary (top attendees, recordings): a section heading, a header row repeated on
// every page, striped rows; columns sized by pdf_layout's column_widths, cells truncated with "…"
// to their column, rows that do not fit moved to the next page (paginate).
#pragma once

#include "analytics/core/pdf_layout.hpp"
#include "analytics/pdf/pdf_page_writer.hpp"

#include <string>
#include <vector>

namespace roomrec::analytics {

struct SummaryTable {
    std::string heading;
    std::vector<TableColumn> columns;
    std::vector<bool> right_aligned; // per column
    std::vector<std::vector<std::string>> rows;
    std::string empty_text; // shown under the heading when there is no row
};

// Draws the table from the page's cursor on, across pages as needed; leaves the cursor under it.
void draw_summary_table(PdfPageWriter &page, const SummaryTable &table);

} // namespace roomrec::analytics
