// Where a segment is cut for the join: at its audio's end (a killed worker's audio and video stop
// apart), at the file's end without audio, and nothing from output it cannot trust.
#include "plugin/core/segment_end.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

#include <string>

using roomrec::plugin::segment_end;

namespace {

std::string probe(const std::string &streams, const std::string &format_start = "0.000000",
                  const std::string &format_duration = "4.000000") {
    return R"({"programs": [], "streams": [)" + streams + R"(], "format": {"start_time": ")" + format_start +
           R"(", "duration": ")" + format_duration + R"("}})";
}

const std::string kVideo = R"({"codec_type": "video", "start_time": "0.000000", "duration": "4.000000"})";

} // namespace

static void cut_where_the_audio_ends(void **) {
    // The killed worker's segment: video to 4.0 s, audio from 21 us for 3.925333 s.
    const auto end = segment_end(
        probe(kVideo + R"(, {"codec_type": "audio", "start_time": "0.000021", "duration": "3.925333"})"));
    assert_true(end.has_value());
    assert_float_equal(end->outpoint_s, 3.925354, 1e-9);
    assert_float_equal(end->length_s, 3.925354, 1e-9);
    // Audio longer than the picture: the picture's last frame is held until the audio ends.
    const auto longer = segment_end(
        probe(kVideo + R"(, {"codec_type": "audio", "start_time": "0.000000", "duration": "4.050000"})"));
    assert_float_equal(longer->outpoint_s, 4.05, 1e-9);
}

static void length_counts_from_the_files_start(void **) {
    const auto end = segment_end(
        probe(R"({"codec_type": "audio", "start_time": "1.500000", "duration": "2.000000"})", "1.400000", "2.200000"));
    assert_float_equal(end->outpoint_s, 3.5, 1e-9);
    assert_float_equal(end->length_s, 2.1, 1e-9);
}

static void without_audio_the_file_ends_the_segment(void **) {
    const auto video_only = segment_end(probe(kVideo));
    assert_float_equal(video_only->outpoint_s, 4.0, 1e-9);
    // An audio stream without a duration (ffprobe prints "N/A" for it): the file's end.
    const auto unknown = segment_end(
        probe(kVideo + R"(, {"codec_type": "audio", "start_time": "0.000000", "duration": "N/A"})"));
    assert_float_equal(unknown->outpoint_s, 4.0, 1e-9);
    // Audio that stops over a second before the picture is not the worker's mix ending with a
    // fragment: the picture after it is kept.
    const auto early = segment_end(
        probe(kVideo + R"(, {"codec_type": "audio", "start_time": "0.000000", "duration": "2.900000"})"));
    assert_float_equal(early->outpoint_s, 4.0, 1e-9);
    const auto within = segment_end(
        probe(kVideo + R"(, {"codec_type": "audio", "start_time": "0.000000", "duration": "3.000000"})"));
    assert_float_equal(within->outpoint_s, 3.0, 1e-9);
    // Even audio that ends before the file's start.
    const auto before_start = segment_end(
        probe(R"({"codec_type": "audio", "start_time": "0", "duration": "0.5"})", "1.000000", "2.000000"));
    assert_float_equal(before_start->outpoint_s, 3.0, 1e-9);
    assert_float_equal(before_start->length_s, 2.0, 1e-9);
    // Only the first audio stream counts.
    const auto two = segment_end(probe(R"({"codec_type": "audio", "start_time": "0", "duration": "3.5"}, )"
                                       R"({"codec_type": "audio", "start_time": "0", "duration": "1.0"})"));
    assert_float_equal(two->outpoint_s, 3.5, 1e-9);
}

static void refuses_what_it_cannot_trust(void **) {
    assert_false(segment_end("").has_value());
    assert_false(segment_end("not json").has_value());
    assert_false(segment_end(R"({"streams": []})").has_value());         // no format
    assert_false(segment_end(probe(kVideo, "N/A")).has_value());         // no start
    assert_false(segment_end(probe(kVideo, "0", "-1")).has_value());     // negative
    assert_false(segment_end(probe(kVideo, "0", "nan")).has_value());    // not finite
    assert_false(segment_end(probe(kVideo, "0", "4.0s")).has_value());   // trailing text
    assert_false(segment_end(probe(kVideo, "0", "200000")).has_value()); // past 48 h
    // A file that ends where it starts: nothing to cut at.
    assert_false(segment_end(probe(kVideo, "1.0", "0")).has_value());
    // Numbers where ffprobe writes strings.
    assert_false(segment_end(R"({"streams": [], "format": {"start_time": 0, "duration": 4}})").has_value());
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cut_where_the_audio_ends),
        cmocka_unit_test(length_counts_from_the_files_start),
        cmocka_unit_test(without_audio_the_file_ends_the_segment),
        cmocka_unit_test(refuses_what_it_cannot_trust),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
