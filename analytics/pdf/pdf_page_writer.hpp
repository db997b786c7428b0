// The pages of the summary PDF: an A4 portrait cairo PDF surface written into a string, a
// vertical cursor, text drawing (cleaned, optionally truncated to a width) and the footer
// ("Generated <UTC time> by roomrec", "Page n of N") on every page.
#pragma once

#include "analytics/pdf/cairo_text_measure.hpp"
#include "common/cairo_handles.hpp"

#include <string>
#include <string_view>

namespace roomrec::analytics {

struct Color {
    double r = 0, g = 0, b = 0;
};
enum class TextAlign { Left, Right, Center };

class PdfPageWriter {
public:
    static constexpr double kPageWidth = 595.28; // A4 portrait, points
    static constexpr double kPageHeight = 841.89;
    static constexpr double kMargin = 42;
    static constexpr double kFooterHeight = 26;

    // Writes the PDF into `out` when finished; total_pages is what the footers say (0: "Page n").
    PdfPageWriter(std::string &out, std::string footer, int total_pages, const std::string &title,
                  const std::string &created_iso);
    PdfPageWriter(const PdfPageWriter &) = delete;
    PdfPageWriter &operator=(const PdfPageWriter &) = delete;

    cairo_t *cr() const { return cr_.get(); }
    double left() const { return kMargin; }
    double width() const { return kPageWidth - 2 * kMargin; }
    double top() const { return kMargin; }
    double bottom() const { return kPageHeight - kMargin - kFooterHeight; }
    int page() const { return page_; }

    double y = kMargin; // where the next block starts

    // Ends the page (footer) and starts the next, cursor at the top.
    void new_page();
    // Starts a new page unless `height` fits below the cursor.
    void ensure_space(double height);

    // Draws text (cleaned by cell_text(); truncated with "…" to max_width when > 0) with its
    // baseline at `baseline`, anchored at x by align; returns the width drawn.
    double text(double x, double baseline, std::string_view text, double size, FontWeight weight, Color color,
                TextAlign align = TextAlign::Left, double max_width = 0);
    double text_width(std::string_view text, double size, FontWeight weight) const;

    void fill_rect(double x, double y, double w, double h, Color color);
    void line(double x0, double y0, double x1, double y1, double width, Color color);

    // Footer of the last page, then the PDF; false with a message if cairo failed.
    bool finish(std::string &error);

private:
    void footer();

    std::string &out_;
    std::string footer_;
    int total_pages_;
    int page_ = 1;
    common::CairoSurfacePtr surface_;
    common::CairoPtr cr_;
};

} // namespace roomrec::analytics
