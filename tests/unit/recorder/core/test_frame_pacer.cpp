// Output frames for a sender's frames (M3): a jittery camera at or below the output's rate
// loses no frame, nothing moves by more than an output frame or goes back in time, and a
// 60 fps sender fills every output frame.
#include "recorder/core/frame_pacer.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <vector>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::recorder;

static constexpr int64_t kMs = 1000000;
static constexpr int64_t kFrame = 1000 * kMs / 30;

// A camera at `fps` from `start_ms` on the timeline whose frames come up to `jitter_ms` early
// or late, and every `every`th frame `spike_ms` early or late on top (what Chromium's camera
// does: mostly on time, now and then a frame 11 ms late and the next one on time). A fixed
// pseudo-random sequence, in order as decoded.
static std::vector<int64_t> camera(int count, double fps, int jitter_ms, int spike_ms = 0, int every = 1 << 30,
                                   int64_t start_ms = 5000) {
    std::vector<int64_t> times;
    uint32_t state = 777;
    for (int i = 0; i < count; ++i) {
        state = state * 1103515245u + 12345u;
        int64_t jitter = static_cast<int64_t>((state >> 8) % (2 * jitter_ms + 1)) - jitter_ms;
        if (i % every == every / 2) jitter += (state >> 20) & 1 ? spike_ms : -spike_ms;
        times.push_back(start_ms * kMs + static_cast<int64_t>(i * 1e9 / fps) + jitter * kMs);
    }
    for (size_t i = 1; i < times.size(); ++i) times[i] = std::max(times[i], times[i - 1]);
    return times;
}

struct Shown {
    size_t frames_unpaced = 0; // output frames they would fill without the pacer
    size_t frames = 0;         // with it
};

// Places every frame, checking what always holds: from half an output frame before its own
// time to 0.9 after it, never before the frame placed before it.
static Shown play(const std::vector<int64_t> &times) {
    FramePacer pacer(30);
    std::set<int64_t> unpaced, shown;
    int64_t previous = 0;
    for (int64_t t : times) {
        const int64_t placed = pacer.place(t);
        assert_true(placed - t >= -kFrame / 2 - 1 && placed - t <= kFrame * 9 / 10 + 1);
        assert_true(placed >= previous);
        unpaced.insert(pacer.slot_of(t));
        shown.insert(pacer.slot_of(placed));
        previous = placed;
    }
    return {unpaced.size(), shown.size()};
}

static void slots_partition_the_timeline(void **) {
    FramePacer pacer(30);
    assert_int_equal(pacer.slot_start(0), 0);
    assert_int_equal(pacer.slot_start(1), 33333333);
    assert_int_equal(pacer.slot_start(3), 100000000);
    for (int64_t t : {int64_t(0), int64_t(1), int64_t(33333332), int64_t(33333333), int64_t(99999999),
                      int64_t(100000000), int64_t(86400) * 1000 * kMs + 17}) {
        const int64_t slot = pacer.slot_of(t);
        assert_true(pacer.slot_start(slot) <= t);
        assert_true(t < pacer.slot_start(slot + 1));
    }
}

static void a_camera_on_the_output_clock_loses_no_frame_to_jitter(void **) {
    // Its frames start on an output frame boundary, where jitter hurts most.
    const std::vector<int64_t> times = camera(1800, 30, 3, 12, 20, 5000);
    const Shown shown = play(times);
    assert_true(shown.frames_unpaced < times.size() - 100); // without the pacer: many lost
    assert_true(shown.frames >= times.size() - 3);
}

static void a_slower_camera_loses_no_frame_to_jitter(void **) {
    // Chromium's fake camera: 29.5 fps, a frame 11 ms late or early every half second.
    const std::vector<int64_t> times = camera(1800, 29.5, 2, 11, 15, 5005);
    const Shown shown = play(times);
    assert_true(shown.frames_unpaced < times.size() - 30);
    assert_int_equal(shown.frames, times.size());
}

static void the_first_seconds_of_two_chromium_cameras_lose_no_frame(void **) {
    // When two recordings' compositor received each frame of a janus.js camera (0.1 ms): its
    // first frames 31 and 51 ms apart, later a frame the browser dropped (67 ms) or one 49 ms
    // after its predecessor. A first version of the pacer lost a frame in each.
    const std::vector<std::vector<int64_t>> recordings = {
        {337,   677,   1007,  1357,  1687,  2087,  2436,  2696,  3006,  3345,  3675,  4004,  4333,  4672,  5001,
         5370,  5699,  6038,  6327,  6665,  6994,  7662,  7990,  8329,  8658,  8987,  9326,  9655,  9994,  10324,
         10653, 10983, 11312, 11652, 11982, 12321, 12650, 12989, 13309, 13659, 13979, 14309, 14648, 14977, 15307,
         15647, 15987, 16479, 16809, 17139, 17469, 17809, 18139, 18479, 18809, 19149, 19479, 19809, 20139, 20479,
         20809, 21139, 21469, 21809, 22149, 22469, 22809, 23139, 23469, 23809, 24139, 24469, 24809, 25139, 25469,
         25809, 26139, 26469, 26809, 27139, 27479, 27809, 28139, 28469, 28809, 29149, 29479, 29809, 30139, 30469,
         30809, 31139, 31469, 31809, 32139, 32479, 32809, 33139, 33479, 33809, 34139, 34489, 34829, 35149, 35469,
         35809, 36139, 36489, 36809, 37139, 37469, 37809, 38139, 38469, 38809, 39139, 39479, 39819, 40139, 40469,
         40809, 41139, 41479, 41809, 42139, 42469, 42809, 43139, 43469, 43809, 44139, 44469, 44809, 45149, 45469,
         45809, 46139, 46469, 46809, 47139, 47479, 47809, 48139, 48479, 48819, 49139, 49479},
        {365,   675,   1185,  1505,  1835,  2165,  2504,  2834,  3163,  3502,  3831,  4159,  4497,  4825,  5203,
         5541,  5858,  6195,  6512,  6810,  7147,  7474,  7801,  8139,  8476,  8794,  9122,  9470,  9799,  10117,
         10466, 10785, 11115, 11454, 11784, 12113, 12453, 12783, 13123, 13453, 13783, 14123, 14453, 14783, 15113,
         15483, 15783, 16123, 16453, 16783, 17153, 17463, 17783, 18113, 18453, 18783, 19113, 19453, 19783, 20113,
         20453, 20783, 21113, 21453, 21783, 22113, 22453, 22783, 23113, 23443, 23783, 24113, 24443, 24783, 25123,
         25453, 25783, 26123, 26453, 26793, 27123, 27453, 27793, 28123, 28453, 28783, 29123, 29463, 29783, 30123,
         30453, 30783, 31123, 31453, 31793, 32123, 32463, 32793, 33133, 33453, 33783, 34113, 34453, 34783, 35113,
         35453, 35783, 36113, 36453, 36783, 37113, 37453, 37783, 38113, 38453, 38783, 39113, 39453, 39783, 40113,
         40453, 40783, 41113, 41453, 41783, 42113, 42453, 42783, 43123, 43453, 43783, 44123, 44453, 44783, 45113,
         45453, 45783, 46113, 46453, 46783, 47113, 47453, 47783, 48113, 48453, 48783, 49113}};
    for (const auto &tenths : recordings) {
        std::vector<int64_t> times;
        for (int64_t t : tenths) times.push_back(t * kMs / 10);
        assert_int_equal(play(times).frames, times.size());
    }
}

static void a_camera_whose_frames_close_up_for_a_while_loses_no_frame(void **) {
    // A recording's first 1.7 s (0.1 ms): the third frame 20 ms after the second puts the
    // frames 0.7 output frames late from the start, and then the jitter buffer closes them up
    // (32.3 ms apart for half a second) while it learns the browser's clock. The pacer followed
    // them to its latest shift and, past it, put a frame back into its predecessor's output
    // frame: one lost at 0.7 s. It stops at its latest shift instead; they still fit.
    const std::vector<int64_t> tenths = {266,   726,   925,   1265,  1595,  1924,  2252,  2631,  3138,  3254,
                                         3581,  3926,  4231,  4556,  4879,  5212,  5544,  5876,  6188,  6510,
                                         6831,  7163,  7484,  7806,  8139,  8462,  8786,  9121,  9446,  9773,
                                         10232, 10559, 10887, 11225, 11554, 11883, 12223, 12552, 12882, 13222,
                                         13572, 13942, 14221, 14551, 14881, 15221, 15551, 15881, 16221, 16551};
    std::vector<int64_t> times;
    for (int64_t t : tenths) times.push_back(t * kMs / 10);
    assert_int_equal(play(times).frames, times.size());
    // The same kind of start, made up: the second frame 13 ms late, then 6 to 25 frames
    // 32.6 ms apart (4 to 18 ms closed up), then 3 s on the output's clock. Moving the shift
    // back a frame at 0.9 lost one in each.
    for (int closing : {6, 15, 25}) {
        std::vector<int64_t> made = {5025 * kMs, 5071 * kMs, 5091 * kMs};
        for (int i = 0; i < closing; ++i) made.push_back(made.back() + 32600000);
        for (int i = 0; i < 90; ++i) made.push_back(made.back() + kFrame);
        assert_int_equal(play(made).frames, made.size());
    }
}

static void a_slightly_faster_camera_loses_only_the_frames_that_do_not_fit(void **) {
    // 31 fps into 30: one frame in 31 has no output frame of its own and replaces the one
    // before (as it must); every output frame still shows a new one.
    const std::vector<int64_t> times = camera(620, 31, 2, 8, 20); // 20 s
    FramePacer pacer(30);
    const int64_t output_frames = pacer.slot_of(times.back()) - pacer.slot_of(times.front()) + 1;
    const Shown shown = play(times);
    assert_true(shown.frames >= static_cast<size_t>(output_frames) - 1);
    assert_true(shown.frames <= static_cast<size_t>(output_frames));
}

static void a_faster_sender_fills_every_output_frame(void **) {
    const std::vector<int64_t> times = camera(600, 60, 2); // 10 s
    FramePacer pacer(30);
    for (int64_t t : times) assert_int_equal(pacer.place(t), t); // left to the compositor
    assert_true(play(times).frames >= 300 - 1);                  // one per output frame
}

static void a_sender_at_another_rate_is_left_alone(void **) {
    for (double fps : {25.0, 24.0, 15.0}) {
        const std::vector<int64_t> times = camera(300, fps, 3, 8, 20);
        FramePacer pacer(30);
        for (int64_t t : times) assert_int_equal(pacer.place(t), t);
        assert_int_equal(play(times).frames, times.size());
    }
}

static void a_frame_after_a_pause_is_centred(void **) {
    FramePacer pacer(30);
    for (int64_t slot = 30; slot < 40; ++slot) pacer.place(pacer.slot_start(slot) + 1 * kMs); // its rate is known
    const int64_t first = pacer.slot_start(40) + 1 * kMs; // at the start of its output frame
    const int64_t placed = pacer.place(first);
    assert_int_equal(pacer.slot_of(placed), 40);
    assert_true(std::llabs(placed - (pacer.slot_start(40) + pacer.slot_start(41)) / 2) <= 1);
    const int64_t after_pause = pacer.slot_start(60) + 32 * kMs; // at the end of its own
    const int64_t placed_after = pacer.place(after_pause);
    assert_int_equal(pacer.slot_of(placed_after), 60);
    assert_true(std::llabs(placed_after - (pacer.slot_start(60) + pacer.slot_start(61)) / 2) <= 1);
}

static void reset_starts_afresh(void **) {
    FramePacer pacer(30);
    for (int64_t slot = 30; slot <= 40; ++slot) pacer.place(pacer.slot_start(slot) + 30 * kMs);
    pacer.reset();
    const int64_t earlier = pacer.slot_start(20) + 2 * kMs; // a new segment may start lower
    assert_int_equal(pacer.place(earlier), earlier);        // its rate is not known yet
    assert_int_equal(pacer.place(-1), -1);
    assert_true(pacer.place(0) >= 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(slots_partition_the_timeline),
        cmocka_unit_test(a_camera_on_the_output_clock_loses_no_frame_to_jitter),
        cmocka_unit_test(a_slower_camera_loses_no_frame_to_jitter),
        cmocka_unit_test(the_first_seconds_of_two_chromium_cameras_lose_no_frame),
        cmocka_unit_test(a_camera_whose_frames_close_up_for_a_while_loses_no_frame),
        cmocka_unit_test(a_slightly_faster_camera_loses_only_the_frames_that_do_not_fit),
        cmocka_unit_test(a_faster_sender_fills_every_output_frame),
        cmocka_unit_test(a_sender_at_another_rate_is_left_alone),
        cmocka_unit_test(a_frame_after_a_pause_is_centred),
        cmocka_unit_test(reset_starts_afresh),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
