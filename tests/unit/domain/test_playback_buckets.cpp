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
    assert_int_equal(play.distinct_buckets(), 4); // buckets 0, 1, 2 and 3 (30 s is the start of 3)
    for (int bucket = 0; bucket <= 3; ++bucket) assert_true(play.watched(bucket));
    assert_false(play.watched(4));
    assert_false(play.watched(-1));
    assert_false(play.watched(100));
}

static void seeking_back_does_not_count_twice(void **) {
    PlayProgress play;
    watch(play, 0, 120, 10, 600); // buckets 0..20
    const int before = play.distinct_buckets();
    assert_int_equal(before, 21);
    watch(play, 30, 120, 10, 600); // seek back and watch again
    assert_int_equal(play.distinct_buckets(), before);
    assert_true(play.watched_seconds() == 120.0 + 90.0); // time watched does count twice

    PlayProgress late_start; // starts at 60 s, then goes back to the beginning
    watch(late_start, 60, 70, 10, 600);
    assert_int_equal(late_start.report(5, 600), ProgressVerdict::Accepted);
    assert_true(late_start.watched(0)); // a seek back marks where it lands, nothing else
    assert_int_equal(late_start.distinct_buckets(), 3);
    assert_true(late_start.watched_seconds() == 10.0);
}

static void seeking_forward_skips_the_middle(void **) {
    PlayProgress play;
    watch(play, 0, 60, 10, 600);    // buckets 0..10
    play.report(300, 600);          // a jump of 240 s: a seek, marks bucket 50 only
    watch(play, 310, 360, 10, 600); // continues: 51..60
    assert_int_equal(play.distinct_buckets(), 11 + 11);
    assert_false(play.watched(30));
    assert_true(play.watched(50));
    assert_true(play.watched_seconds() == 60.0 + 60.0);
}

static void the_end_and_rounding(void **) {
    PlayProgress play;
    assert_int_equal(play.report(600, 600), ProgressVerdict::Accepted);
    assert_true(play.watched(99));                                           // p = d is the last bucket, not a 101st
    assert_int_equal(play.report(600.3, 600.02), ProgressVerdict::Accepted); // a hair past, re-rounded
    assert_int_equal(play.distinct_buckets(), 1);
    // Tiny recordings: every report lands somewhere in 0..99.
    PlayProgress tiny;
    watch(tiny, 0, 0.5, 0.05, 0.5);
    assert_int_equal(tiny.distinct_buckets(), 100);
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
    assert_int_equal(play.distinct_buckets(), 2);
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
        cmocka_unit_test(seeking_back_does_not_count_twice),
        cmocka_unit_test(seeking_forward_skips_the_middle),
        cmocka_unit_test(the_end_and_rounding),
        cmocka_unit_test(hostile_reports_change_nothing),
        cmocka_unit_test(average_completion),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
