// TextMeasure (analytics/core/pdf_layout.hpp) with cairo: the advance of a UTF-8 text in DejaVu
// Sans at a size and weight, as cairo's toy text API will draw it.
#pragma once

#include "analytics/core/pdf_layout.hpp"

#include <cairo.h>

namespace roomrec::analytics {

enum class FontWeight { Normal, Bold };

// Selects the summary's font (DejaVu Sans) at size and weight on cr.
void select_summary_font(cairo_t *cr, double size, FontWeight weight);

class CairoTextMeasure : public TextMeasure {
public:
    // cr must outlive the measure; its font is left as it was.
    CairoTextMeasure(cairo_t *cr, double size, FontWeight weight) : cr_(cr), size_(size), weight_(weight) {}
    double width(std::string_view utf8) const override;

private:
    cairo_t *cr_;
    double size_;
    FontWeight weight_;
};

} // namespace roomrec::analytics
