// The summary's pure helpers: top attendees by minutes, the chart's span, UTC and duration text,
// number text.
#include "analytics/core/session_summary.hpp"

#include <climits>
#include <cmath>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::analytics;

static void top_attendees_by_minutes_keep_input_order_on_ties(void **) {
    std::vector<SummaryAttendee> all;
    for (int i = 0; i < 12; ++i) all.push_back({"u" + std::to_string(i), "viewer", double(i % 4), 0, 0, 0});
    const auto top = top_attendees(all, 10);
    assert_int_equal(top.size(), 10);
    assert_string_equal(top[0].name.c_str(), "u3");
    assert_string_equal(top[1].name.c_str(), "u7");
    assert_string_equal(top[2].name.c_str(), "u11");
    assert_string_equal(top[9].name.c_str(), "u0");
    assert_int_equal(top_attendees({}, 10).size(), 0);
    assert_int_equal(top_attendees(all, 0).size(), 0);
    std::vector<SummaryAttendee> many(10000, SummaryAttendee{"x", "viewer", 1, 0, 0, 0});
    many[9999].minutes_viewed = 2;
    assert_true(top_attendees(many, 10)[0].minutes_viewed == 2);
}

static void span_covers_the_session_and_every_point(void **) {
    SessionSummary summary;
    summary.started_at = 1000;
    summary.ended_at = 1000 + 40 * 60;
    assert_int_equal(summary_span_minutes(summary), 40);
    summary.ended_at += 1;
    assert_int_equal(summary_span_minutes(summary), 41);
    summary.timeline.push_back({59, 1, 1});
    assert_int_equal(summary_span_minutes(summary), 60);
    summary = SessionSummary{};
    assert_int_equal(summary_span_minutes(summary), 1);
}

static void utc_text_round_trips(void **) {
    int64_t at = 0;
    assert_true(parse_utc("2026-11-24T09:00:00Z", at));
    assert_int_equal(at, 1795510800);
    assert_string_equal(format_utc_minute(at).c_str(), "2026-11-24 09:00");
    assert_string_equal(format_utc_second(at + 65).c_str(), "2026-11-24 09:01:05 UTC");
    assert_string_equal(format_utc_clock(at + 23 * 3600 + 59 * 60).c_str(), "08:59");
    assert_true(parse_utc("2026-11-24 09:00:00.123456+00:00", at));
    assert_int_equal(at, 1795510800);
    assert_true(parse_utc("2024-02-29T23:59:59Z", at));
    assert_string_equal(format_utc_second(at).c_str(), "2024-02-29 23:59:59 UTC");
    assert_true(parse_utc("1970-01-01T00:00:00Z", at));
    assert_int_equal(at, 0);
    for (const char *bad :
         {"", "2026-11-24", "2026-11-24T09:00:00", "2026-11-24T09:00:00+01:00", "2026-13-01T00:00:00Z",
          "2025-02-29T00:00:00Z", "2026-11-24T24:00:00Z", "2026-11-24T09:00:00.Z", "2026-11-24T09:00:60Z",
          "1969-12-31T23:59:59Z", "2026-11-24T09:00:00ZZ", "+026-11-24T09:00:00Z", "2026-11-24T09:0a:00Z"})
        assert_false(parse_utc(bad, at));
}

static void durations_and_numbers(void **) {
    assert_string_equal(format_duration(0).c_str(), "0 min");
    assert_string_equal(format_duration(-5).c_str(), "0 min");
    assert_string_equal(format_duration(29).c_str(), "< 1 min");
    assert_string_equal(format_duration(30).c_str(), "1 min");
    assert_string_equal(format_duration(40 * 60).c_str(), "40 min");
    assert_string_equal(format_duration(65 * 60).c_str(), "1 h 05 min");
    assert_string_equal(format_duration(86400).c_str(), "24 h 00 min");
    assert_string_equal(format_duration(2 * 86400 - 31).c_str(), "47 h 59 min");
    assert_string_equal(format_duration(2 * 86400).c_str(), "2 d 00 h 00 min");
    assert_string_equal(format_duration(68 * 86400 + 18 * 3600 + 40 * 60).c_str(), "68 d 18 h 40 min");
    assert_string_equal(format_count(0).c_str(), "0");
    assert_string_equal(format_count(999).c_str(), "999");
    assert_string_equal(format_count(1000).c_str(), "1,000");
    assert_string_equal(format_count(1234567).c_str(), "1,234,567");
    assert_string_equal(format_count(-1234).c_str(), "-1,234");
    assert_string_equal(format_count(INT64_MIN).c_str(), "-9,223,372,036,854,775,808");
    assert_string_equal(format_decimal(1234.56, 1).c_str(), "1,234.6");
    assert_string_equal(format_decimal(72.25, 1).c_str(), "72.3");
    assert_string_equal(format_decimal(100, 1).c_str(), "100.0");
    assert_string_equal(format_decimal(0.05, 2).c_str(), "0.05");
    assert_string_equal(format_decimal(-0.01, 1).c_str(), "0.0");
    assert_string_equal(format_decimal(-2.5, 0).c_str(), "-3");
    assert_string_equal(format_decimal(NAN, 1).c_str(), "-");
    assert_string_equal(format_decimal(1e15, 1).c_str(), "1,000,000,000,000,000.0");
    assert_string_equal(format_decimal(1e300, 1).c_str(), "huge");
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(top_attendees_by_minutes_keep_input_order_on_ties),
        cmocka_unit_test(span_covers_the_session_and_every_point),
        cmocka_unit_test(utc_text_round_trips),
        cmocka_unit_test(durations_and_numbers),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
