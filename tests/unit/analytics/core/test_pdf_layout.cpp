// Layout maths of the PDF summary: axis ticks, time labels, downsampling, truncation against a
// fake text measure, column widths, pagination and the tile grid, with the edge cases the
// renderer meets (empty and one-minute timelines, 24 h sessions, zero viewers, 100 % engagement,
// 10,000 attendees, Arabic, CJK and emoji names).
#include "analytics/core/pdf_layout.hpp"

#include "common/utf8.hpp"

#include <algorithm>
#include <cmath>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::analytics;

namespace {

// Every code point is 5 points wide, so widths are easy to reason about.
class FakeMeasure : public TextMeasure {
public:
    double width(std::string_view text) const override {
        ++calls;
        double points = 0;
        for (size_t at = 0; at < text.size();) {
            const size_t length = roomrec::common::utf8_sequence_length(text, at);
            at += length == 0 ? 1 : length;
            points += 5;
        }
        return points;
    }
    mutable size_t calls = 0;
};

void assert_ticks(const AxisTicks &ticks, double min, double max, double step) {
    if (ticks.min != min || ticks.max != max || ticks.step != step)
        fail_msg("ticks %g..%g step %g, expected %g..%g step %g", ticks.min, ticks.max, ticks.step, min, max, step);
    assert_true(ticks.values.size() >= 2);
    assert_true(ticks.values.front() == min && ticks.values.back() == max);
    for (size_t i = 1; i < ticks.values.size(); ++i)
        assert_true(std::fabs(ticks.values[i] - ticks.values[i - 1] - step) < step * 1e-9);
}

} // namespace

static void ticks_are_nice_one_two_five_steps(void **) {
    assert_ticks(nice_ticks(0, 12, 5, true), 0, 15, 5); // 12 / 5 = 2.4: the next nice step is 5
    assert_ticks(nice_ticks(0, 100, 5), 0, 100, 20);
    assert_ticks(nice_ticks(0, 37), 0, 40, 10);
    assert_ticks(nice_ticks(0, 1), 0, 1, 0.2);
    assert_ticks(nice_ticks(3, 97), 0, 100, 20);
    assert_ticks(nice_ticks(-7, 7, 4), -10, 10, 5);
    assert_ticks(nice_ticks(100, 0), 0, 100, 20); // reversed
    assert_ticks(nice_ticks(0, 1440, 6), 0, 1500, 500);
}

static void flat_zero_and_huge_ranges_still_get_an_axis(void **) {
    assert_ticks(nice_ticks(0, 0, 5, true), 0, 1, 1); // zero viewers
    assert_ticks(nice_ticks(0, 0), 0, 1, 0.2);
    assert_ticks(nice_ticks(7, 7, 5, true), 0, 8, 2); // flat 7 is shown against 0
    assert_ticks(nice_ticks(100, 100), 0, 100, 20);   // 100 % engagement all along
    assert_ticks(nice_ticks(0, 3, 5, true), 0, 3, 1); // integers: no 0.5 viewers
    const AxisTicks huge = nice_ticks(0, 1e300);      // capped at 1e15
    assert_ticks(huge, 0, 1e15, 2e14);
    const AxisTicks nan = nice_ticks(NAN, INFINITY);
    assert_ticks(nan, 0, 1, 0.2);
    assert_ticks(nice_ticks(0, 1e-9), 0, 1e-9, 2e-10);
    for (int target = -3; target <= 60; ++target) {
        const AxisTicks ticks = nice_ticks(0, 12345, target);
        assert_true(ticks.values.size() - 1 <= static_cast<size_t>(std::clamp(target, 1, 50)) + 2);
        assert_true(ticks.max >= 12345);
    }
}

static void tick_labels(void **) {
    assert_string_equal(format_tick(0, 5).c_str(), "0");
    assert_string_equal(format_tick(250, 50).c_str(), "250");
    assert_string_equal(format_tick(12500, 2500).c_str(), "12,500");
    assert_string_equal(format_tick(0.6000000000000001, 0.2).c_str(), "0.6");
    assert_string_equal(format_tick(0.75, 0.25).c_str(), "0.75");
    assert_string_equal(format_tick(1.5e6, 5e6 / 10).c_str(), "1,500,000");
    assert_string_equal(format_tick(4e6, 1e6).c_str(), "4M");
    assert_string_equal(format_tick(2.5e9, 5e8).c_str(), "2,500M"); // the step picks the unit
    assert_string_equal(format_tick(3e9, 1e9).c_str(), "3B");
    assert_string_equal(format_tick(1e15, 2e14).c_str(), "1,000T");
    assert_string_equal(format_tick(-10, 5).c_str(), "-10");
}

static void time_labels_are_spaced_to_fit(void **) {
    // 40 minutes on 400 points with 25-point labels: 1-minute steps would need 41 * 37.5 points.
    assert_int_equal(time_label_step(40, 400, 25), 5);
    assert_int_equal(time_label_step(1, 400, 25), 1);
    assert_int_equal(time_label_step(1440, 400, 25), 180);
    assert_int_equal(time_label_step(1440, 2000, 25), 30);
    assert_int_equal(time_label_step(100000, 400, 25), 8 * 1440); // whole days
    assert_int_equal(time_label_step(0, 0, 25), 1440);            // nothing fits: one label
    for (int64_t span : {1, 7, 40, 61, 600, 1440, 5000, 100000}) {
        const int64_t step = time_label_step(span, 450, 26);
        const auto labels = time_label_minutes(0, span, step);
        assert_true(!labels.empty());
        assert_true(static_cast<double>(labels.size()) * 26 * 1.5 <= 450 || labels.size() == 1);
    }
}

static void time_labels_fall_on_round_clock_times(void **) {
    // Started 09:03:20 UTC: 10-minute labels at 09:10 (minute 7), 09:20, ...
    const int64_t started = 1795510800 + 3 * 60 + 20; // 2026-11-24 09:03:20
    const auto labels = time_label_minutes(started, 40, 10);
    assert_int_equal(labels.size(), 4);
    assert_int_equal(labels[0], 7);
    assert_int_equal(labels[3], 37);
    assert_string_equal(format_utc_clock(started + labels[0] * 60).c_str(), "09:10");
    // Aligned start: minute 0 and the end are labelled.
    const auto aligned = time_label_minutes(1795510800, 40, 10);
    assert_int_equal(aligned.size(), 5);
    assert_int_equal(aligned[0], 0);
    assert_int_equal(aligned[4], 40);
    // A 3-minute session with 5-minute steps and no round time in it: minute 0 alone.
    const auto short_one = time_label_minutes(started, 3, 5);
    assert_int_equal(short_one.size(), 1);
    assert_int_equal(short_one[0], 2); // 09:05 is minute 1.67 -> offset 2 of whole minutes
}

static void downsampling_keeps_peaks_and_weights_engagement(void **) {
    assert_int_equal(downsample({}, 0, 240).size(), 0);
    // Empty timeline of a 40-minute session: 40 zero buckets, no engagement.
    auto empty = downsample({}, 40, 240);
    assert_int_equal(empty.size(), 40);
    for (const auto &point : empty) assert_true(point.viewers == 0 && !point.engagement);
    // One minute.
    auto one = downsample({{0, 3, 100}}, 1, 240);
    assert_int_equal(one.size(), 1);
    assert_true(one[0].viewers == 3 && *one[0].engagement == 100);
    // 1,440 minutes into at most 240 buckets of 6 minutes: the max viewers, the weighted rate.
    std::vector<SummaryMinute> day;
    for (int64_t m = 0; m < 1440; ++m) day.push_back({m, m % 6 == 2 ? 10 : 1, m % 6 == 2 ? 50.0 : 100.0});
    auto points = downsample(day, 1440, 240);
    assert_int_equal(points.size(), 240);
    assert_int_equal(points[1].minute, 6);
    assert_int_equal(points[1].minutes, 6);
    assert_true(points[1].viewers == 10);
    // (10 * 50 + 5 * 1 * 100) / 15 viewer-minutes = 66.67 %
    assert_true(std::fabs(*points[1].engagement - 1000.0 / 15) < 1e-9);
    // 1,441 minutes: buckets of 7, the last one shorter; every minute covered once.
    auto odd = downsample({}, 1441, 240);
    assert_int_equal(odd.size(), 206);
    int64_t covered = 0;
    for (const auto &point : odd) covered += point.minutes;
    assert_int_equal(covered, 1441);
    assert_int_equal(odd.back().minutes, 1441 - 205 * 7);
    // Zero viewers all along: no engagement line; points outside the span are ignored.
    auto zero = downsample({{0, 0, 0}, {5, 0, 100}, {-1, 9, 9}, {99, 9, 9}}, 10, 240);
    for (const auto &point : zero) assert_true(point.viewers == 0 && !point.engagement);
    // The longest session in 240 points.
    assert_int_equal(downsample({{99999, 1, 1}}, kMaxSummaryMinutes, 240).size(), 240);
    assert_int_equal(downsample({}, 10, 0).size(), 1);
}

static void cells_lose_controls_and_invisible_characters(void **) {
    assert_string_equal(cell_text("Ann\tLee\nX\r").c_str(), "Ann Lee X ");
    assert_string_equal(cell_text("evil\xe2\x80\xae"
                                  "gnp.exe")
                            .c_str(),
                        "evilgnp.exe"); // RLO dropped
    assert_string_equal(cell_text("bad \xff byte").c_str(), "bad \xef\xbf\xbd byte");
    assert_string_equal(cell_text("\xc2\x85"
                                  "x")
                            .c_str(),
                        " x"); // C1 NEL
    assert_string_equal(cell_text("Zo\xc3\xab \xf0\x9f\x8e\xa7").c_str(), "Zo\xc3\xab \xf0\x9f\x8e\xa7");
}

static void long_names_are_cut_with_an_ellipsis(void **) {
    FakeMeasure measure;
    assert_string_equal(truncate_to_width("Alice", 25, measure).c_str(), "Alice");
    assert_string_equal(truncate_to_width("Alice Smith", 25, measure).c_str(), "Alic\xe2\x80\xa6");
    assert_string_equal(truncate_to_width("Alice Smith", 35, measure).c_str(), "Alice\xe2\x80\xa6"); // no "Alice …"
    assert_string_equal(truncate_to_width("Alice", 4, measure).c_str(), "");
    assert_string_equal(truncate_to_width("Alice", 5, measure).c_str(), "\xe2\x80\xa6");
    assert_string_equal(truncate_to_width("Alice", NAN, measure).c_str(), "");
    assert_string_equal(truncate_to_width("", 10, measure).c_str(), "");
    // Arabic, CJK and emoji are cut at whole code points (the cut never splits a sequence).
    const std::string arabic = "\xd9\x85\xd8\xad\xd9\x85\xd8\xaf \xd8\xb9\xd9\x84\xd9\x8a"; // محمد علي
    const std::string cut = truncate_to_width(arabic, 25, measure);
    assert_string_equal(cut.c_str(), "\xd9\x85\xd8\xad\xd9\x85\xd8\xaf\xe2\x80\xa6");
    const std::string cjk = "\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e\xe5\x90\x8c\xe5\xad\xa6"; // 王小明同学
    assert_string_equal(truncate_to_width(cjk, 15, measure).c_str(), "\xe7\x8e\x8b\xe5\xb0\x8f\xe2\x80\xa6");
    // Family emoji (man ZWJ woman ZWJ girl): no dangling joiner before the ellipsis.
    const std::string family = "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7";
    const std::string emoji_cut = truncate_to_width(family, 15, measure);
    assert_string_equal(emoji_cut.c_str(), "\xf0\x9f\x91\xa8\xe2\x80\xa6");
    for (const std::string &name : {arabic, cjk, family, std::string(5000, 'x')})
        for (double width = 0; width < 60; width += 2.5) {
            const std::string out = truncate_to_width(name, width, measure);
            assert_true(roomrec::common::valid_utf8(out));
            assert_true(measure.width(out) <= width);
        }
    // Binary search: a 5,000-character name costs a few measurements, not 5,000.
    measure.calls = 0;
    (void)truncate_to_width(std::string(5000, 'x'), 100, measure);
    assert_true(measure.calls < 20);
}

static void columns_fill_the_table_width(void **) {
    FakeMeasure measure;
    const std::vector<TableColumn> columns = {{"Name", true, 60}, {"Role", false, 0}, {"Minutes", false, 0}};
    const std::vector<std::vector<std::string>> rows = {{"Alice", "host", "40"}, {"Bob", "moderator", "7.5"}};
    // Role: "moderator" 45 + 8; Minutes: "Minutes" 35 + 8; the name takes the rest.
    auto widths = column_widths(columns, rows, 300, 4, measure);
    assert_int_equal(widths.size(), 3);
    assert_true(widths[1] == 53 && widths[2] == 43 && widths[0] == 204);
    // Too narrow: the name keeps its minimum, the others shrink in proportion; the sum holds.
    widths = column_widths(columns, rows, 100, 4, measure);
    assert_true(widths[0] == 60);
    assert_true(std::fabs(widths[1] + widths[2] - 40) < 1e-9);
    assert_true(std::fabs(widths[1] / widths[2] - 53.0 / 43) < 1e-9);
    // Narrower than the minimum: the name gets everything.
    widths = column_widths(columns, rows, 50, 4, measure);
    assert_true(widths[0] == 50 && widths[1] == 0 && widths[2] == 0);
    // No flexible column: the fixed ones stretch to the width; no rows: headers decide.
    widths = column_widths({{"A", false, 0}, {"BBB", false, 0}}, {}, 100, 0, measure);
    assert_true(widths[0] == 25 && widths[1] == 75);
    assert_int_equal(column_widths(columns, rows, 0, 4, measure)[0], 0);
    assert_int_equal(column_widths({}, rows, 100, 4, measure).size(), 0);
    // Short rows do not crash.
    widths = column_widths(columns, {{"only a name"}}, 300, 4, measure);
    assert_true(std::fabs(widths[0] + widths[1] + widths[2] - 300) < 1e-9);
}

static void rows_that_do_not_fit_go_to_the_next_page(void **) {
    // Header 20, rows 18: the first page has 200 (10 rows), the next ones 700 (37 rows).
    auto slices = paginate(100, 18, 20, 200, 700);
    assert_int_equal(slices.size(), 4);
    assert_true(slices[0].page == 0 && slices[0].first == 0 && slices[0].count == 10);
    assert_true(slices[1].page == 1 && slices[1].first == 10 && slices[1].count == 37);
    assert_true(slices[3].page == 3 && slices[3].first == 84 && slices[3].count == 16);
    // Not even the header and one row on the first page: the table starts on the next.
    slices = paginate(5, 18, 20, 37, 700);
    assert_int_equal(slices.size(), 1);
    assert_true(slices[0].page == 1 && slices[0].count == 5);
    // Exactly fitting.
    slices = paginate(10, 18, 20, 200, 700);
    assert_int_equal(slices.size(), 1);
    assert_int_equal(paginate(0, 18, 20, 200, 700).size(), 0);
    // 10,000 attendees: every row on exactly one page, in order.
    slices = paginate(10000, 18, 20, 200, 700);
    size_t next = 0;
    for (const auto &slice : slices) {
        assert_int_equal(slice.first, next);
        next += slice.count;
    }
    assert_int_equal(next, 10000);
    assert_int_equal(slices.size(), 1 + (10000 - 10 + 36) / 37);
    // Pages too small for any row, nonsense heights: still one row a page, no endless loop.
    assert_int_equal(paginate(3, 18, 20, 0, 5).size(), 3);
    assert_int_equal(paginate(3, NAN, NAN, NAN, NAN).size(), 3);
    assert_int_equal(paginate(3, 0, 0, 1e300, 1e300)[0].count, 3);
}

static void tiles_fill_rows_left_to_right(void **) {
    const auto tiles = tile_grid(10, {40, 100, 515, 0}, 5, 50, 5);
    assert_int_equal(tiles.size(), 10);
    assert_true(tiles[0].x == 40 && tiles[0].y == 100 && tiles[0].width == 99 && tiles[0].height == 50);
    assert_true(tiles[4].x == 40 + 4 * 104 && tiles[4].y == 100);
    assert_true(tiles[5].x == 40 && tiles[5].y == 155);
    assert_true(tiles[9].x + tiles[9].width == 40 + 515);
    assert_int_equal(tile_grid(0, {0, 0, 100, 0}, 5, 50, 5).size(), 0);
    assert_true(tile_grid(3, {0, 0, 100, 0}, 0, 50, 5)[2].y == 110);  // 0 columns: one
    assert_true(tile_grid(3, {0, 0, 10, 0}, 5, 50, 5)[0].width == 0); // narrower than the gaps
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ticks_are_nice_one_two_five_steps),
        cmocka_unit_test(flat_zero_and_huge_ranges_still_get_an_axis),
        cmocka_unit_test(tick_labels),
        cmocka_unit_test(time_labels_are_spaced_to_fit),
        cmocka_unit_test(time_labels_fall_on_round_clock_times),
        cmocka_unit_test(downsampling_keeps_peaks_and_weights_engagement),
        cmocka_unit_test(cells_lose_controls_and_invisible_characters),
        cmocka_unit_test(long_names_are_cut_with_an_ellipsis),
        cmocka_unit_test(columns_fill_the_table_width),
        cmocka_unit_test(rows_that_do_not_fit_go_to_the_next_page),
        cmocka_unit_test(tiles_fill_rows_left_to_right),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
