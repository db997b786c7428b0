// Audio on the mix's timeline (M3): while the jitter buffer or lip sync moves a stream's
// timestamps, its samples stay contiguous, the move is made in its silences, and no sound is
// lost; a stream that is never quiet is moved after a second, a sender's return at once.
#include "recorder/core/audio_timeline.hpp"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <vector>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::recorder;

static constexpr int64_t kMs = 1000000;
static constexpr int kRate = 48000;
static constexpr size_t kFrames = 960; // 20 ms, what opusdec emits

// Stereo frames of the sync tests' media: every second a 100 ms 1 kHz beep, silence between;
// `tone` instead: a tone that never stops.
static std::vector<float> signal(size_t first_frame, size_t frames, bool tone = false) {
    std::vector<float> out;
    for (size_t i = first_frame; i < first_frame + frames; ++i) {
        const double t = double(i) / kRate;
        const bool on = tone || std::fmod(t, 1.0) < 0.1;
        const float value = on ? float(0.5 * std::sin(2 * M_PI * 1000 * t)) : 0.0f;
        out.push_back(value);
        out.push_back(value);
    }
    return out;
}

struct Mixed {
    std::vector<float> samples; // what reached the mix, in order
    int64_t end_ns = 0;         // where the mix expects the stream's next sample
    int64_t wanted_end_ns = 0;  // where the stream wants it
    int discontinuities = 0;
};

// Plays `seconds` of 20 ms buffers whose timestamps the stream moves by shift_ns(t), checking
// that each buffer follows the one before on the mix's timeline unless marked a discontinuity.
static Mixed play(AudioTimeline &timeline, double seconds, const std::function<int64_t(double)> &shift_ns,
                  bool tone = false) {
    Mixed mixed;
    std::vector<float> edited;
    for (size_t first = 0; first < size_t(seconds * kRate); first += kFrames) {
        const std::vector<float> in = signal(first, kFrames, tone);
        const double t = double(first) / kRate;
        const int64_t pts = int64_t(first) * 1000 * kMs / kRate + shift_ns(t);
        const AudioTimeline::Placed placed = timeline.place(pts, in.data(), kFrames, edited);
        if (placed.discont) ++mixed.discontinuities;
        else assert_true(std::llabs(placed.pts_ns - mixed.end_ns) <= 1); // durations rounded to the ns
        const std::vector<float> &out = placed.edited ? edited : in;
        assert_int_equal(out.size(), placed.frames * 2);
        mixed.samples.insert(mixed.samples.end(), out.begin(), out.end());
        mixed.end_ns = placed.pts_ns + int64_t(placed.frames) * 1000 * kMs / kRate;
        mixed.wanted_end_ns = pts + int64_t(kFrames) * 1000 * kMs / kRate;
    }
    return mixed;
}

static std::vector<float> loud(const std::vector<float> &samples) {
    std::vector<float> out;
    for (float s : samples)
        if (std::fabs(s) > 0.003f) out.push_back(s);
    return out;
}

static void a_steady_stream_passes_untouched(void **) {
    AudioTimeline timeline({});
    const Mixed mixed = play(timeline, 5, [](double) { return 3 * kMs; });
    assert_int_equal(mixed.discontinuities, 1); // the first buffer
    assert_true(mixed.samples == signal(0, mixed.samples.size() / 2));
    assert_int_equal(mixed.end_ns, mixed.wanted_end_ns);
    assert_int_equal(timeline.removed_frames() + timeline.inserted_frames(), 0);
}

// What the jitter buffer does in the first two seconds when the first packet came late: the
// stream's timestamps move 23 ms earlier, faster and faster (its skew estimate).
static void a_stream_moved_earlier_loses_silence_only(void **) {
    AudioTimeline timeline({});
    const Mixed mixed = play(timeline, 6, [](double t) {
        const double done = std::min(t / 2.0, 1.0);
        return int64_t(-23 * kMs * done * done);
    });
    assert_int_equal(mixed.discontinuities, 1);
    assert_true(loud(mixed.samples) == loud(signal(0, size_t(6 * kRate))));
    assert_true(std::llabs(mixed.end_ns - mixed.wanted_end_ns) <= 1 * kMs);
    assert_true(timeline.removed_frames() >= 23 * kRate / 1000 - 48);
    assert_int_equal(timeline.forced_moves(), 0);
}

static void a_stream_moved_later_gains_silence_only(void **) {
    AudioTimeline timeline({});
    const Mixed mixed = play(timeline, 4, [](double t) { return t < 1.05 ? 0 : 40 * kMs; });
    assert_true(loud(mixed.samples) == loud(signal(0, size_t(4 * kRate))));
    assert_true(std::llabs(mixed.end_ns - mixed.wanted_end_ns) <= 1 * kMs);
    assert_int_equal(timeline.inserted_frames(), 40 * kRate / 1000);
    assert_int_equal(timeline.removed_frames(), 0);
}

// A move during a beep waits for the silence after it: the beep stays whole.
static void a_move_during_a_beep_waits_for_the_silence(void **) {
    AudioTimeline timeline({});
    const Mixed mixed = play(timeline, 3, [](double t) { return t < 1.02 ? 0 : -10 * kMs; });
    const std::vector<float> beep = loud(signal(0, size_t(3 * kRate)));
    assert_true(loud(mixed.samples) == beep);
    assert_true(std::llabs(mixed.end_ns - mixed.wanted_end_ns) <= 1 * kMs);
    // The beep that was playing (1.00-1.10 s) starts where it did: nothing moved before it ended.
    auto onset = [](const std::vector<float> &samples) {
        for (size_t i = size_t(kRate); i < samples.size(); ++i) // from 0.5 s (stereo)
            if (std::fabs(samples[i]) > 0.003f) return i;
        return samples.size();
    };
    assert_int_equal(onset(mixed.samples), onset(signal(0, size_t(3 * kRate))));
}

static void a_stream_never_quiet_is_moved_after_a_second(void **) {
    AudioTimeline timeline({});
    const Mixed mixed = play(
        timeline, 4, [](double t) { return t < 0.5 ? 0 : -8 * kMs; }, true);
    assert_int_equal(timeline.forced_moves(), 1);
    assert_int_equal(timeline.removed_frames(), 8 * kRate / 1000);
    assert_true(std::llabs(mixed.end_ns - mixed.wanted_end_ns) <= 1 * kMs);
    assert_int_equal(mixed.discontinuities, 1);
}

static void a_small_difference_is_left_alone(void **) {
    AudioTimeline timeline({});
    const Mixed mixed = play(timeline, 3, [](double t) { return int64_t(std::sin(t * 7) * 0.9 * kMs); });
    assert_int_equal(timeline.removed_frames() + timeline.inserted_frames(), 0);
    assert_int_equal(mixed.discontinuities, 1);
}

// A sender that stopped for half a second and came back: its samples go where it says, at once.
static void a_large_move_is_a_discontinuity(void **) {
    AudioTimeline timeline({});
    const Mixed mixed = play(timeline, 3, [](double t) { return t < 1.5 ? 0 : 500 * kMs; });
    assert_int_equal(mixed.discontinuities, 2);
    assert_int_equal(timeline.jumps(), 1);
    assert_int_equal(mixed.end_ns, mixed.wanted_end_ns);
    assert_int_equal(timeline.removed_frames() + timeline.inserted_frames(), 0);
}

static void reset_starts_afresh(void **) {
    AudioTimeline timeline({});
    std::vector<float> edited;
    const std::vector<float> in = signal(0, kFrames);
    timeline.place(0, in.data(), kFrames, edited);
    timeline.reset();
    const AudioTimeline::Placed placed = timeline.place(7 * kMs, in.data(), kFrames, edited);
    assert_true(placed.discont);
    assert_int_equal(placed.pts_ns, 7 * kMs);
    assert_int_equal(timeline.jumps(), 0);
}

// A day and more of 20 ms buffers: the timeline counts frames, it does not add up rounded
// durations, and nothing overflows.
static void thirty_hours_stay_exact(void **) {
    AudioTimeline timeline({});
    std::vector<float> edited;
    const std::vector<float> silence(kFrames * 2, 0.0f);
    const int64_t buffers = 30LL * 3600 * 50;
    AudioTimeline::Placed placed;
    for (int64_t i = 0; i < buffers; ++i) {
        placed = timeline.place(i * 20 * kMs, silence.data(), kFrames, edited);
        if (i > 0) assert_false(placed.discont);
    }
    assert_int_equal(placed.pts_ns, (buffers - 1) * 20 * kMs);
    assert_int_equal(timeline.removed_frames() + timeline.inserted_frames(), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_steady_stream_passes_untouched),
        cmocka_unit_test(a_stream_moved_earlier_loses_silence_only),
        cmocka_unit_test(a_stream_moved_later_gains_silence_only),
        cmocka_unit_test(a_move_during_a_beep_waits_for_the_silence),
        cmocka_unit_test(a_stream_never_quiet_is_moved_after_a_second),
        cmocka_unit_test(a_small_difference_is_left_alone),
        cmocka_unit_test(a_large_move_is_a_discontinuity),
        cmocka_unit_test(reset_starts_afresh),
        cmocka_unit_test(thirty_hours_stay_exact),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
