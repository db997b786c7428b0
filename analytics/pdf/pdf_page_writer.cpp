#include "analytics/pdf/pdf_page_writer.hpp"

#include <cairo-pdf.h>

namespace roomrec::analytics {

namespace {

cairo_status_t append(void *closure, const unsigned char *data, unsigned int length) {
    static_cast<std::string *>(closure)->append(reinterpret_cast<const char *>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

const Color kFooterGrey{0.45, 0.48, 0.52};

} // namespace

PdfPageWriter::PdfPageWriter(std::string &out, std::string footer, int total_pages, const std::string &title,
                             const std::string &created_iso)
    : out_(out), footer_(std::move(footer)), total_pages_(total_pages),
      surface_(cairo_pdf_surface_create_for_stream(append, &out_, kPageWidth, kPageHeight)),
      cr_(cairo_create(surface_.get())) {
    const std::string clean_title = cell_text(title);
    cairo_pdf_surface_set_metadata(surface_.get(), CAIRO_PDF_METADATA_TITLE, clean_title.c_str());
    cairo_pdf_surface_set_metadata(surface_.get(), CAIRO_PDF_METADATA_CREATOR, "roomrec");
    cairo_pdf_surface_set_metadata(surface_.get(), CAIRO_PDF_METADATA_CREATE_DATE, created_iso.c_str());
}

void PdfPageWriter::footer() {
    const double baseline = kPageHeight - kMargin + 4;
    line(left(), baseline - 12, left() + width(), baseline - 12, 0.5, {0.8, 0.82, 0.85});
    text(left(), baseline, footer_, 7.5, FontWeight::Normal, kFooterGrey);
    std::string number = "Page " + std::to_string(page_);
    if (total_pages_ > 0) number += " of " + std::to_string(total_pages_);
    text(left() + width(), baseline, number, 7.5, FontWeight::Normal, kFooterGrey, TextAlign::Right);
}

void PdfPageWriter::new_page() {
    footer();
    cairo_show_page(cr_.get());
    ++page_;
    y = top();
}

void PdfPageWriter::ensure_space(double height) {
    if (y + height > bottom()) new_page();
}

double PdfPageWriter::text_width(std::string_view text, double size, FontWeight weight) const {
    return CairoTextMeasure(cr_.get(), size, weight).width(text);
}

double PdfPageWriter::text(double x, double baseline, std::string_view raw, double size, FontWeight weight, Color color,
                           TextAlign align, double max_width) {
    std::string shown = cell_text(raw);
    if (max_width > 0) shown = truncate_to_width(shown, max_width, CairoTextMeasure(cr_.get(), size, weight));
    if (shown.empty()) return 0;
    const double advance = text_width(shown, size, weight);
    if (align == TextAlign::Right) x -= advance;
    if (align == TextAlign::Center) x -= advance / 2;
    cairo_t *cr = cr_.get();
    select_summary_font(cr, size, weight);
    cairo_set_source_rgb(cr, color.r, color.g, color.b);
    cairo_move_to(cr, x, baseline);
    cairo_show_text(cr, shown.c_str());
    cairo_new_path(cr);
    return advance;
}

void PdfPageWriter::fill_rect(double x, double y0, double w, double h, Color color) {
    cairo_t *cr = cr_.get();
    cairo_set_source_rgb(cr, color.r, color.g, color.b);
    cairo_rectangle(cr, x, y0, w, h);
    cairo_fill(cr);
}

void PdfPageWriter::line(double x0, double y0, double x1, double y1, double width, Color color) {
    cairo_t *cr = cr_.get();
    cairo_set_source_rgb(cr, color.r, color.g, color.b);
    cairo_set_line_width(cr, width);
    cairo_move_to(cr, x0, y0);
    cairo_line_to(cr, x1, y1);
    cairo_stroke(cr);
}

bool PdfPageWriter::finish(std::string &error) {
    footer();
    cairo_show_page(cr_.get());
    const cairo_status_t drawing = cairo_status(cr_.get());
    cr_.reset();
    cairo_surface_finish(surface_.get());
    const cairo_status_t surface = cairo_surface_status(surface_.get());
    const cairo_status_t status = drawing != CAIRO_STATUS_SUCCESS ? drawing : surface;
    if (status != CAIRO_STATUS_SUCCESS) {
        error = std::string("cairo: ") + cairo_status_to_string(status);
        return false;
    }
    return true;
}

} // namespace roomrec::analytics
