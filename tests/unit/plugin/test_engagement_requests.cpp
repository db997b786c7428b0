// Playback through the real request path: progress and seek rows carry the set of watched
// buckets as hex; a seek's jump is not watched and the play continues from where it landed.
#include "tests/unit/plugin/plugin_harness.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using roomrec::analytics::TelemetryEvent;
using roomrec::test::body_field;
using roomrec::test::code;
using roomrec::test::has;
using roomrec::test::PluginHarness;

namespace {

std::string playback(const char *event, long long position_ms, const char *extra = "") {
    return std::string(R"({"request":"playback","recording":"rec1","play":"play-1","duration_ms":100000,"event":")") +
           event + R"(","position_ms":)" + std::to_string(position_ms) + extra + "}";
}

void playback_rows_carry_watched_buckets_and_seeks(void **) {
    PluginHarness h;
    const auto [host, viewer, host_id, viewer_id] = h.meet();
    assert_int_equal(code(h.request(viewer, playback("play", 0))), 0);
    std::string answer = h.request(viewer, playback("progress", 3000)); // [0, 3 s): buckets 0..2
    assert_int_equal(PluginHarness::integer(answer, "buckets"), 3);
    assert_string_equal(PluginHarness::field(answer, "watched").c_str(), "e000000000000000000000000");
    // Watched to 4 s, then jumped to 90 s: [3, 4) is bucket 3, [4, 90) is not watched.
    answer = h.request(viewer, playback("seek", 90000, R"(,"from_ms":4000)"));
    assert_int_equal(code(answer), 0);
    assert_int_equal(PluginHarness::integer(answer, "buckets"), 4);
    answer = h.request(viewer, playback("progress", 92000)); // from the landing point: 90, 91
    assert_int_equal(PluginHarness::integer(answer, "buckets"), 6);
    assert_string_equal(PluginHarness::field(answer, "watched").c_str(), "f000000000000000000000300");

    const auto seeks = h.rows("playback.seek");
    assert_int_equal(seeks.size(), 1);
    assert_string_equal(seeks[0].subject_id.c_str(), "rec1");
    assert_int_equal(seeks[0].value, 4);
    assert_string_equal(body_field(seeks[0], "from_ms").c_str(), "4000");
    assert_string_equal(body_field(seeks[0], "to_ms").c_str(), "90000");
    assert_string_equal(body_field(seeks[0], "duration_ms").c_str(), "100000");
    assert_string_equal(body_field(seeks[0], "play").c_str(), "play-1");
    assert_string_equal(body_field(seeks[0], "watched").c_str(), "f000000000000000000000000");
    assert_string_equal(body_field(seeks[0], "watched_ms").c_str(), "4000"); // [0, 3) then [3, 4)
    const auto plays = h.rows("playback.play");
    assert_int_equal(plays.size(), 1);
    assert_int_equal(plays[0].value, 0); // a report alone marks nothing
    assert_string_equal(body_field(plays[0], "watched").c_str(), "0000000000000000000000000");
    const auto progress = h.rows("playback.progress");
    assert_int_equal(progress.size(), 2);
    assert_string_equal(body_field(progress[1], "watched").c_str(), "f000000000000000000000300");
    assert_string_equal(body_field(progress[1], "watched_ms").c_str(), "6000");

    // A seek needs where it came from and where it landed.
    const std::string missing = h.request(
        viewer, R"({"request":"playback","recording":"rec1","play":"play-1","duration_ms":100000,)"
                R"("event":"seek","position_ms":1000})");
    assert_int_equal(code(missing), 442);
    assert_int_equal(code(h.request(viewer, playback("seek", 200000, R"(,"from_ms":1000)"))), 443); // past the end
    assert_int_equal(code(h.request(viewer, playback("rewind", 1000))), 443);
    assert_true(has(h.request(viewer, playback("rewind", 1000)), "impression, play, progress or seek"));
    assert_int_equal(h.rows("playback.seek").size(), 1);
}

} // namespace

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(playback_rows_carry_watched_buckets_and_seeks),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
