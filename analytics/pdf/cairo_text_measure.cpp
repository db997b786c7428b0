#include "analytics/pdf/cairo_text_measure.hpp"

#include <string>

namespace roomrec::analytics {

void select_summary_font(cairo_t *cr, double size, FontWeight weight) {
    // The toy API resolves the family through fontconfig to one font file (fonts-dejavu-core):
    // no fallback per glyph, so characters DejaVu Sans lacks (CJK, emoji) show as boxes.
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           weight == FontWeight::Bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

double CairoTextMeasure::width(std::string_view utf8) const {
    const std::string text(utf8); // cairo wants a NUL-terminated string
    cairo_save(cr_);
    select_summary_font(cr_, size_, weight_);
    cairo_text_extents_t extents;
    cairo_text_extents(cr_, text.c_str(), &extents);
    cairo_restore(cr_);
    return extents.x_advance;
}

} // namespace roomrec::analytics
