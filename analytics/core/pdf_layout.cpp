#include "analytics/core/pdf_layout.hpp"

#include "common/utf8.hpp"

#include <algorithm>
#include <cmath>

namespace roomrec::analytics {

namespace {

double finite_or_zero(double value) {
    if (!std::isfinite(value)) return 0;
    return std::clamp(value, -kMaxSummaryNumber, kMaxSummaryNumber);
}

// The fewest decimals (0-6) that show multiples of step exactly.
int decimals_for(double step) {
    double scaled = step;
    for (int decimals = 0; decimals < 6; ++decimals, scaled *= 10)
        if (std::fabs(scaled - std::round(scaled)) < 1e-6 * std::max(1.0, std::fabs(scaled))) return decimals;
    return 6;
}

// Byte offsets where the code points of text start, plus text.size().
std::vector<size_t> code_point_starts(std::string_view text) {
    std::vector<size_t> starts;
    for (size_t at = 0; at < text.size();) {
        starts.push_back(at);
        const size_t length = common::utf8_sequence_length(text, at);
        at += length == 0 ? 1 : length;
    }
    starts.push_back(text.size());
    return starts;
}

// A code point that must not end a truncated text: a space, a joiner or a variation selector.
bool dangles(std::string_view text, size_t at, size_t length) {
    if (length == 0) return false;
    const char32_t code_point = common::utf8_code_point(text, at, length);
    return code_point == U' ' || code_point == U'\u200D' || common::is_variation_selector(code_point);
}

size_t rows_fitting(double space, double header_height, double row_height) {
    const double left = space - header_height;
    if (!(left >= row_height)) return 0;
    return static_cast<size_t>(std::min(std::floor(left / row_height), 1e9));
}

} // namespace

AxisTicks nice_ticks(double low, double high, int target, bool integers) {
    low = finite_or_zero(low);
    high = finite_or_zero(high);
    if (high < low) std::swap(low, high);
    if (low == high) {
        // A flat series: show it against zero (and 0..0 as 0..1).
        low = std::min(low, 0.0);
        high = std::max(high, 0.0);
        if (low == high) high = 1;
    }
    target = std::clamp(target, 1, 50);
    const double raw = (high - low) / target;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double residual = raw / magnitude;
    double step = (residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10) * magnitude;
    if (integers) step = std::max(step, 1.0);
    AxisTicks ticks;
    ticks.step = step;
    const double first = std::floor(low / step + 1e-9), last = std::ceil(high / step - 1e-9);
    const auto intervals = std::max<int64_t>(1, static_cast<int64_t>(last - first));
    ticks.min = first * step;
    for (int64_t i = 0; i <= intervals; ++i) ticks.values.push_back((first + static_cast<double>(i)) * step);
    ticks.max = ticks.values.back();
    return ticks;
}

std::string format_tick(double value, double step) {
    static const struct {
        double size;
        const char *suffix;
    } units[] = {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}};
    step = std::fabs(step);
    if (!(step > 0)) step = 1;
    for (const auto &unit : units)
        if (step >= unit.size) return format_decimal(value / unit.size, decimals_for(step / unit.size)) + unit.suffix;
    return format_decimal(value, decimals_for(step));
}

int64_t time_label_step(int64_t span_minutes, double plot_width, double label_width) {
    static const int64_t steps[] = {1, 2, 5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440};
    span_minutes = std::max<int64_t>(span_minutes, 1);
    const auto fits = [&](int64_t step) {
        const double labels = std::ceil(static_cast<double>(span_minutes) / static_cast<double>(step)) + 1;
        return labels * label_width * 1.5 <= plot_width;
    };
    for (int64_t step : steps)
        if (fits(step)) return step;
    int64_t step = 1440;
    while (step < span_minutes && !fits(step)) step += 1440;
    return step;
}

std::vector<int64_t> time_label_minutes(int64_t started_at, int64_t span_minutes, int64_t step) {
    step = std::max<int64_t>(step, 1);
    span_minutes = std::max<int64_t>(span_minutes, 0);
    const int64_t base = started_at / 60;
    std::vector<int64_t> minutes;
    for (int64_t minute = (step - base % step) % step; minute <= span_minutes; minute += step)
        minutes.push_back(minute);
    if (minutes.empty()) minutes.push_back(0);
    return minutes;
}

std::vector<ChartPoint> downsample(const std::vector<SummaryMinute> &timeline, int64_t span_minutes,
                                   size_t max_points) {
    if (span_minutes <= 0) return {};
    const auto most = static_cast<int64_t>(std::clamp<size_t>(max_points, 1, 1'000'000));
    const int64_t width = (span_minutes + most - 1) / most;
    const int64_t buckets = (span_minutes + width - 1) / width;
    std::vector<ChartPoint> points(static_cast<size_t>(buckets));
    std::vector<double> viewer_minutes(points.size(), 0), engaged(points.size(), 0);
    for (int64_t b = 0; b < buckets; ++b) {
        points[b].minute = b * width;
        points[b].minutes = std::min(width, span_minutes - b * width);
    }
    for (const SummaryMinute &minute : timeline) {
        if (minute.minute < 0 || minute.minute >= span_minutes) continue;
        const auto b = static_cast<size_t>(minute.minute / width);
        const auto viewers = static_cast<double>(minute.live_viewers);
        points[b].viewers = std::max(points[b].viewers, viewers);
        viewer_minutes[b] += viewers;
        engaged[b] += viewers * minute.engagement_rate;
    }
    for (size_t b = 0; b < points.size(); ++b)
        if (viewer_minutes[b] > 0) points[b].engagement = std::clamp(engaged[b] / viewer_minutes[b], 0.0, 100.0);
    return points;
}

std::string cell_text(std::string_view text) {
    std::string cleaned = common::without_invisible(common::to_valid_utf8(text));
    std::string out;
    out.reserve(cleaned.size());
    for (size_t at = 0; at < cleaned.size();) {
        const size_t length = std::max<size_t>(1, common::utf8_sequence_length(cleaned, at));
        const char32_t code_point = common::utf8_code_point(cleaned, at, length);
        const bool control = code_point < 0x20 || (code_point >= 0x7f && code_point <= 0x9f) || code_point == 0x2028 ||
                             code_point == 0x2029;
        if (control) out += ' ';
        else out.append(cleaned, at, length);
        at += length;
    }
    return out;
}

std::string truncate_to_width(std::string_view text, double max_width, const TextMeasure &measure) {
    static const std::string ellipsis = "\u2026";
    if (!(max_width > 0)) return {};
    if (measure.width(text) <= max_width) return std::string(text);
    if (measure.width(ellipsis) > max_width) return {};
    const std::vector<size_t> starts = code_point_starts(text);
    const auto candidate = [&](size_t count) {
        size_t end = starts[count];
        while (count > 0 && dangles(text, starts[count - 1], starts[count] - starts[count - 1])) end = starts[--count];
        return std::string(text.substr(0, end)) + ellipsis;
    };
    // The longest prefix that fits: widths grow with the prefix, so search.
    size_t fits = 0, too_long = starts.size() - 1;
    while (too_long - fits > 1) {
        const size_t middle = fits + (too_long - fits) / 2;
        if (measure.width(candidate(middle)) <= max_width) fits = middle;
        else too_long = middle;
    }
    return candidate(fits);
}

std::vector<double> column_widths(const std::vector<TableColumn> &columns,
                                  const std::vector<std::vector<std::string>> &rows, double total_width, double padding,
                                  const TextMeasure &measure) {
    std::vector<double> widths(columns.size(), 0);
    if (columns.empty() || !(total_width > 0)) return widths;
    padding = std::max(0.0, std::isfinite(padding) ? padding : 0.0);
    double fixed = 0;
    size_t flexible = 0;
    for (size_t c = 0; c < columns.size(); ++c) {
        if (columns[c].flexible) {
            ++flexible;
            continue;
        }
        double widest = measure.width(columns[c].header);
        for (const auto &row : rows)
            if (c < row.size()) widest = std::max(widest, measure.width(row[c]));
        widths[c] = widest + 2 * padding;
        fixed += widths[c];
    }
    double flexible_minimum = 0;
    for (const auto &column : columns)
        if (column.flexible) flexible_minimum += std::max(0.0, column.min_width);
    // Room left for the fixed columns once each flexible column has its minimum.
    const double fixed_room = flexible ? std::max(0.0, total_width - flexible_minimum) : total_width;
    const double scale = fixed > fixed_room ? fixed_room / fixed : (flexible ? 1.0 : total_width / fixed);
    double used = 0;
    for (size_t c = 0; c < columns.size(); ++c) {
        if (columns[c].flexible) continue;
        widths[c] = fixed > 0 ? widths[c] * scale : total_width / static_cast<double>(columns.size());
        used += widths[c];
    }
    for (size_t c = 0; c < columns.size(); ++c)
        if (columns[c].flexible) widths[c] = std::max(0.0, total_width - used) / static_cast<double>(flexible);
    return widths;
}

std::vector<PageSlice> paginate(size_t rows, double row_height, double header_height, double first_space,
                                double page_space) {
    if (!(row_height > 0) || !std::isfinite(row_height)) row_height = 1;
    if (!(header_height >= 0) || !std::isfinite(header_height)) header_height = 0;
    std::vector<PageSlice> slices;
    size_t page = 0, first = 0;
    while (first < rows) {
        size_t fit = rows_fitting(page == 0 ? first_space : page_space, header_height, row_height);
        if (page > 0) fit = std::max<size_t>(fit, 1);
        if (fit > 0) {
            const size_t count = std::min(fit, rows - first);
            slices.push_back({page, first, count});
            first += count;
        }
        ++page;
    }
    return slices;
}

std::vector<Rect> tile_grid(size_t count, const Rect &area, size_t columns, double tile_height, double gap) {
    columns = std::max<size_t>(columns, 1);
    const double width = std::max(0.0,
                                  (area.width - gap * static_cast<double>(columns - 1)) / static_cast<double>(columns));
    std::vector<Rect> tiles;
    tiles.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        const size_t row_index = i / columns; // whole rows: integer division meant
        const auto column = static_cast<double>(i % columns), row = static_cast<double>(row_index);
        tiles.push_back({area.x + column * (width + gap), area.y + row * (tile_height + gap), width, tile_height});
    }
    return tiles;
}

} // namespace roomrec::analytics
