// Layout maths of the PDF session summary, free of any drawing library so it can be tested:
// nice axis ticks, time-axis labels, downsampling of long timelines, table columns and text
// truncation (through a text-measure interface the renderer implements with cairo), pagination
// and the tile grid. Units are PDF points unless a name says otherwise.
#pragma once

#include "analytics/core/session_summary.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roomrec::analytics {

// ---- Axes

struct AxisTicks {
    double min = 0;
    double max = 1;
    double step = 1;
    std::vector<double> values; // min, min + step, ..., max
};

// Ticks on 1-2-5 steps (times a power of ten) covering [low, high] with about `target` intervals. `integers`: steps of at least 1 (viewer counts). A flat or empty
// range (low == high, including 0..0) is shown against 0 (0..0 as 0..1); non-finite input is
// taken as 0; magnitudes are capped at kMaxSummaryNumber. At most target + 2 intervals.
AxisTicks nice_ticks(double low, double high, int target = 5, bool integers = false);

// A tick's label: "0", "250", "12,500", "2.5", "0.25", "1.5M", "2B", "1,000T" (millions and up
// are shortened; the step decides the decimals).
std::string format_tick(double value, double step);

// ---- Time axis

// Minutes between two time labels: the smallest of 1, 2, 5, 10, 15, 30, 60, 120, 180, 240, 360,
// 720, 1440, 2880, ... (whole days) at which `span_minutes` / step labels of `label_width` fit in
// `plot_width` with a gap of half a label between them.
int64_t time_label_step(int64_t span_minutes, double plot_width, double label_width);

// The minute offsets (from the session's start) that get a label: those whose wall-clock minute
// (UTC) is a multiple of step, within [0, span_minutes]; just minute 0 when none is.
std::vector<int64_t> time_label_minutes(int64_t started_at, int64_t span_minutes, int64_t step);

// ---- Timeline downsampling

struct ChartPoint {
    int64_t minute = 0;  // first minute of the bucket
    int64_t minutes = 1; // minutes the bucket covers
    double viewers = 0;  // the bucket's MAXIMUM of live viewers (a minute without a point: 0)
    // The bucket's viewer-weighted MEAN engagement rate (the rate over its viewer-minutes);
    // none when nobody watched in the bucket.
    std::optional<double> engagement;
};

// The timeline over [0, span_minutes) in at most max_points buckets of equal whole minutes
// (ceil(span / max_points)); every minute of the span is covered, points outside it are ignored.
std::vector<ChartPoint> downsample(const std::vector<SummaryMinute> &timeline, int64_t span_minutes, size_t max_points);

// ---- Text

// How wide a text is when drawn in the current font (the renderer measures with cairo).
class TextMeasure {
public:
    virtual ~TextMeasure() = default;
    virtual double width(std::string_view utf8) const = 0;
};

// Text as a table cell shows it: control characters (tab, newline, ...) become spaces, the
// invisible formatting characters of common/utf8.hpp (bidi overrides, zero-width) are dropped,
// ill-formed UTF-8 becomes U+FFFD.
std::string cell_text(std::string_view text);

// text itself when it fits in max_width, else its longest prefix (whole code points, trailing
// spaces and joiners dropped) followed by "…" that fits; "" when not even "…" fits.
std::string truncate_to_width(std::string_view text, double max_width, const TextMeasure &measure);

// ---- Tables

struct TableColumn {
    std::string header;
    bool flexible = false; // takes the width the others leave (names)
    double min_width = 0;  // of a flexible column
};

// Widths of the columns, summing to total_width: a fixed column gets its widest text (header
// or cell) plus 2 * padding; flexible columns share what is left equally, at least min_width
// each. If that does not fit, fixed columns shrink in proportion (their text is then truncated).
std::vector<double> column_widths(const std::vector<TableColumn> &columns,
                                  const std::vector<std::vector<std::string>> &rows, double total_width, double padding,
                                  const TextMeasure &measure);

// ---- Pagination

struct PageSlice {
    size_t page = 0;  // 0: the page the table starts on
    size_t first = 0; // first row on it
    size_t count = 0; // rows on it (each page repeats the header)
};

// Splits `rows` rows of row_height under a header of header_height: the first page has
// first_space left, every next page page_space. A page that cannot hold the header and one row
// gets none (the table starts on the next page); every page holds at least one row, however
// small page_space is.
std::vector<PageSlice> paginate(size_t rows, double row_height, double header_height, double first_space,
                                double page_space);

// ---- Tiles

struct Rect {
    double x = 0, y = 0, width = 0, height = 0;
};

// `count` tiles of tile_height in rows of `columns` (left to right, then down) filling the
// width of `area` with `gap` between them.
std::vector<Rect> tile_grid(size_t count, const Rect &area, size_t columns, double tile_height, double gap);

} // namespace roomrec::analytics
