// Distinct 1 % buckets watched per play and the average completion rate (E6, A5).
#include "domain/playback_buckets.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::domain;

static void watch(PlayProgress &play, double from_s, double to_s, double every_s, double duration_s) {
    for (double at = from_s; at <= to_s + 1e-9; at += every_s)
        assert_int_equal(play.report(at, duration_s), ProgressVerdict::Accepted);
}

static void full_play_is_100_percent(void **) {
    PlayProgress play;
    watch(play, 0, 600, 10, 600); // a report every 10 s of a 10 min recording
    assert_int_equal(play.distinct_buckets(), 100);
    assert_true(play.completion() == 1.0);
    assert_true(play.watched_seconds() == 600.0);
    // Watching it all again does not go past 100 %.
    play.report(0, 600);
    watch(play, 0, 600, 10, 600);
    assert_int_equal(play.distinct_buckets(), 100);
}

static void sparse_reports_fill_the_buckets_between(void **) {
    PlayProgress play;
    watch(play, 0, 30, 10, 1000);                 // 3 % of the recording, reports 1 % apart
    assert_int_equal(play.distinct_buckets(), 3); // [0, 30 s): buckets 0, 1 and 2
    for (int bucket = 0; bucket <= 2; ++bucket) assert_true(play.watched(bucket));
    assert_false(play.watched(3)); // 30 s is where bucket 3 starts: none of it was watched
    assert_false(play.watched(-1));
    assert_false(play.watched(100));
}

static void a_report_alone_marks_nothing(void **) {
    PlayProgress play;
    assert_int_equal(play.report(0, 600), ProgressVerdict::Accepted);
    assert_int_equal(play.distinct_buckets(), 0);
    // Straight to 90 %: a seek. Neither bucket 0 nor bucket 90 was watched.
    assert_int_equal(play.report(540, 600), ProgressVerdict::Accepted);
    assert_int_equal(play.distinct_buckets(), 0);
    assert_true(play.watched_seconds() == 0.0);
    // The next report after it: [540, 546) is exactly bucket 90.
    assert_int_equal(play.report(546, 600), ProgressVerdict::Accepted);
    assert_int_equal(play.distinct_buckets(), 1);
    assert_true(play.watched(90));
    assert_false(play.watched(91));
    assert_false(play.watched(0));
}

static void bucket_edges(void **) {
    PlayProgress play; // 6 s per bucket
    play.report(6, 600);
    play.report(12, 600); // [6, 12) is bucket 1 only: neither 0 nor 2
    assert_int_equal(play.distinct_buckets(), 1);
    assert_true(play.watched(1));
    play.report(12.001, 600); // a millisecond past the edge starts bucket 2
    assert_true(play.watched(2));
    assert_int_equal(play.distinct_buckets(), 2);
    play.report(12.001, 600); // standing still watches nothing
    assert_int_equal(play.distinct_buckets(), 2);

    PlayProgress inside; // a step inside one bucket marks it
    inside.report(7, 600);
    inside.report(8, 600);
    assert_int_equal(inside.distinct_buckets(), 1);
    assert_true(inside.watched(1));
}

static void seeking_back_does_not_count_twice(void **) {
    PlayProgress play;
    watch(play, 0, 120, 10, 600); // [0, 120 s): buckets 0..19
    const int before = play.distinct_buckets();
    assert_int_equal(before, 20);
    watch(play, 30, 120, 10, 600); // seek back and watch again
    assert_int_equal(play.distinct_buckets(), before);
    assert_true(play.watched_seconds() == 120.0 + 90.0); // time watched does count twice

    PlayProgress late_start;            // starts at 60 s, then goes back to the beginning
    watch(late_start, 60, 70, 10, 600); // [60, 70): buckets 10 and 11
    assert_int_equal(late_start.report(5, 600), ProgressVerdict::Accepted);
    assert_false(late_start.watched(0)); // a seek back marks nothing
    assert_int_equal(late_start.distinct_buckets(), 2);
    assert_true(late_start.watched_seconds() == 10.0);
}

static void seeking_forward_skips_the_middle(void **) {
    PlayProgress play;
    watch(play, 0, 60, 10, 600);    // buckets 0..9
    play.report(300, 600);          // a jump of 240 s: a seek, marks nothing
    watch(play, 310, 360, 10, 600); // continues from 300: [300, 360) = buckets 50..59
    assert_int_equal(play.distinct_buckets(), 10 + 10);
    assert_false(play.watched(30));
    assert_false(play.watched(10));
    assert_true(play.watched(50));
    assert_true(play.watched_seconds() == 60.0 + 60.0);
}

static void explicit_seek(void **) {
    PlayProgress play;
    play.report(0, 600);
    // Watched up to 10 s, then jumped to 15 s: [0, 10) is watched, [10, 15) is not, though the
    // jump is short enough to pass for playback.
    assert_int_equal(play.seek(10, 15, 600), ProgressVerdict::Accepted);
    assert_int_equal(play.distinct_buckets(), 2); // buckets 0 and 1 (1 = [6, 12))
    assert_true(play.watched_seconds() == 10.0);
    play.report(18, 600); // continues from the landing point: [15, 18) is bucket 2
    assert_int_equal(play.distinct_buckets(), 3);
    assert_true(play.watched(2));
    // A seek's from_ms behind the last report watches nothing.
    assert_int_equal(play.seek(5, 300, 600), ProgressVerdict::Accepted);
    assert_int_equal(play.distinct_buckets(), 3);
    // Bad numbers change nothing.
    assert_int_equal(play.seek(300, 601, 600), ProgressVerdict::PastEnd);
    assert_int_equal(play.seek(std::numeric_limits<double>::quiet_NaN(), 10, 600), ProgressVerdict::BadNumber);
    assert_int_equal(play.seek(300, 10, 1200), ProgressVerdict::BadDuration);
    play.report(306, 600); // still from 300: bucket 50
    assert_int_equal(play.distinct_buckets(), 4);
    assert_true(play.watched(50));
    // A first seek fixes the duration like a first report.
    PlayProgress fresh;
    assert_int_equal(fresh.seek(0, 60, 600), ProgressVerdict::Accepted);
    assert_int_equal(fresh.distinct_buckets(), 0);
    assert_int_equal(fresh.report(61, 1200), ProgressVerdict::BadDuration);
}

static void the_end_and_rounding(void **) {
    PlayProgress play;
    assert_int_equal(play.report(600, 600), ProgressVerdict::Accepted);
    assert_int_equal(play.distinct_buckets(), 0); // a report alone, even at the very end
    PlayProgress ending;
    ending.report(594, 600);
    assert_int_equal(ending.report(600.3, 600.02), ProgressVerdict::Accepted); // a hair past, re-rounded
    assert_true(ending.watched(99));                                           // p = d counts up to the end
    assert_int_equal(ending.distinct_buckets(), 1);
    // Tiny recordings: reports every 10 % of half a second mark all 100.
    PlayProgress tiny;
    watch(tiny, 0, 0.5, 0.05, 0.5);
    assert_int_equal(tiny.distinct_buckets(), 100);
}

static void watched_as_hex(void **) {
    PlayProgress play;
    assert_string_equal(play.watched_hex().c_str(), "0000000000000000000000000");
    play.report(0, 100);
    play.report(1, 100); // bucket 0: the top bit of digit 0
    assert_string_equal(play.watched_hex().c_str(), "8000000000000000000000000");
    play.report(4, 100); // buckets 1..3
    assert_string_equal(play.watched_hex().c_str(), "f000000000000000000000000");
    play.report(90, 100);
    play.report(91, 100);  // bucket 90: digit 22, second bit (bucket 88 is its top)
    play.report(100, 100); // buckets 91..99
    assert_string_equal(play.watched_hex().c_str(), "f0000000000000000000003ff");
    assert_int_equal(play.watched_hex().size(), 25);
    PlayProgress all;
    watch(all, 0, 100, 10, 100);
    assert_string_equal(all.watched_hex().c_str(), "fffffffffffffffffffffffff");
}

static void hostile_reports_change_nothing(void **) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    PlayProgress play;
    assert_int_equal(play.report(nan, 600), ProgressVerdict::BadNumber);
    assert_int_equal(play.report(10, nan), ProgressVerdict::BadNumber);
    assert_int_equal(play.report(inf, 600), ProgressVerdict::BadNumber);
    assert_int_equal(play.report(10, inf), ProgressVerdict::BadNumber);
    assert_int_equal(play.report(-1, 600), ProgressVerdict::BadNumber);
    assert_int_equal(play.report(10, -600), ProgressVerdict::BadNumber);
    assert_int_equal(play.report(0, 0), ProgressVerdict::BadDuration);
    assert_int_equal(play.report(10, 1e12), ProgressVerdict::BadDuration);
    assert_int_equal(play.report(601, 600), ProgressVerdict::PastEnd);
    assert_int_equal(play.report(1e300, 600), ProgressVerdict::PastEnd);
    assert_int_equal(play.distinct_buckets(), 0);
    assert_int_equal(play.report(0, 600), ProgressVerdict::Accepted);
    // Once the play has a duration, another recording's duration is refused.
    assert_int_equal(play.report(10, 1200), ProgressVerdict::BadDuration);
    assert_int_equal(play.report(10, 600.4), ProgressVerdict::Accepted); // rounding
    assert_int_equal(play.distinct_buckets(), 2);                        // [0, 10): buckets 0 and 1
    assert_string_equal(progress_verdict_name(ProgressVerdict::PastEnd), "past_end");
}

static void average_completion(void **) {
    assert_true(average_completion_percent({}) == 0.0);
    const std::vector<int> plays{100, 50, 0, 10};
    assert_true(average_completion_percent(plays) == 40.0);
    const std::vector<int> broken{250, -5}; // capped at 100, floored at 0
    assert_true(average_completion_percent(broken) == 50.0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_play_is_100_percent),
        cmocka_unit_test(sparse_reports_fill_the_buckets_between),
        cmocka_unit_test(a_report_alone_marks_nothing),
        cmocka_unit_test(bucket_edges),
        cmocka_unit_test(seeking_back_does_not_count_twice),
        cmocka_unit_test(seeking_forward_skips_the_middle),
        cmocka_unit_test(explicit_seek),
        cmocka_unit_test(the_end_and_rounding),
        cmocka_unit_test(watched_as_hex),
        cmocka_unit_test(hostile_reports_change_nothing),
        cmocka_unit_test(average_completion),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
