// The recordings library's playback progress: per-play buckets, the bound on plays (least
// recently reported forgotten first), rejected reports, the per-viewer rate limit.
#include "storage/links/playback_tracker.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::storage;
using roomrec::domain::ProgressVerdict;

static void keeps_progress_per_play(void **) {
    PlaybackTracker tracker(10, 10, 1000000);
    // A lone report marks nothing: watching is the step between two reports.
    assert_int_equal(tracker.report("a", 0, 100).buckets, 0);
    // 0 → 10.5 s of 100 s: buckets 0-10, 10.5 s watched.
    PlayState state = tracker.report("a", 10.5, 100);
    assert_int_equal(state.verdict, ProgressVerdict::Accepted);
    assert_int_equal(state.buckets, 11);
    assert_true(state.watched_s > 10.49 && state.watched_s < 10.51);
    assert_string_equal(state.watched.c_str(), "ffe0000000000000000000000"); // buckets 0-10
    // Another play starts from nothing.
    assert_int_equal(tracker.report("b", 50.5, 100).buckets, 0);
    assert_int_equal(tracker.plays(), 2);
}

static void refuses_bad_reports_without_change(void **) {
    PlaybackTracker tracker(10, 10, 1000000);
    tracker.report("a", 0, 100);
    assert_int_equal(tracker.report("a", 150, 100).verdict, ProgressVerdict::PastEnd);
    assert_int_equal(tracker.report("a", 5, 200).verdict, ProgressVerdict::BadDuration);
    assert_int_equal(tracker.report("a", -1, 100).verdict, ProgressVerdict::BadNumber);
    assert_int_equal(tracker.report("a", 0.5, 100).buckets, 1);
}

static void forgets_the_least_recent_play_when_full(void **) {
    PlaybackTracker tracker(2, 10, 1000000);
    tracker.report("a", 0, 100);
    tracker.report("a", 5.5, 100); // a: buckets 0-5
    tracker.report("b", 0, 100);
    tracker.report("a", 6.5, 100); // a is now the most recent
    tracker.report("c", 0, 100);   // full: b goes
    assert_int_equal(tracker.plays(), 2);
    assert_int_equal(tracker.report("a", 7.5, 100).buckets, 8); // a kept its buckets
    assert_int_equal(tracker.report("b", 9.5, 100).buckets, 0); // b starts over (and c goes)
    assert_int_equal(tracker.plays(), 2);
}

static void a_seek_marks_only_the_step_before_it(void **) {
    PlaybackTracker tracker(10, 10, 1000000);
    tracker.report("a", 0, 100);
    // Watched 0 → 2.5 s, then jumped to 90 s: buckets 0-2 only.
    PlayState state = tracker.report("a", 90, 100, 2.5);
    assert_int_equal(state.verdict, ProgressVerdict::Accepted);
    assert_int_equal(state.buckets, 3);
    // Watching on from the landing point: 90 → 95.5 s adds buckets 90-95.
    assert_int_equal(tracker.report("a", 95.5, 100).buckets, 9);
}

static void limits_each_viewer(void **) {
    PlaybackTracker tracker(10, 3, 1000000);
    const int64_t t = 1000000000;
    for (int i = 0; i < 3; ++i) assert_true(tracker.allow("v1", t));
    assert_false(tracker.allow("v1", t));
    assert_true(tracker.allow("v2", t)); // others unaffected
    assert_false(tracker.allow("v1", t + 999999));
    assert_true(tracker.allow("v1", t + 1000000)); // one back per second
    assert_false(tracker.allow("v1", t + 1000000));
}

static void limits_each_link_whatever_the_viewer(void **) {
    PlaybackTracker tracker(10, 3, 1000000, 5, 200000);
    const int64_t t = 1000000000;
    // Fresh viewer ids every time: the link's budget still runs out.
    for (int i = 0; i < 5; ++i) assert_true(tracker.allow_link("sig-a", t));
    assert_false(tracker.allow_link("sig-a", t));
    assert_true(tracker.allow_link("sig-b", t));          // other links unaffected
    assert_true(tracker.allow_link("sig-a", t + 200000)); // five a second
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keeps_progress_per_play),
        cmocka_unit_test(refuses_bad_reports_without_change),
        cmocka_unit_test(forgets_the_least_recent_play_when_full),
        cmocka_unit_test(a_seek_marks_only_the_step_before_it),
        cmocka_unit_test(limits_each_viewer),
        cmocka_unit_test(limits_each_link_whatever_the_viewer),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
