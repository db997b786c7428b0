// The per-stream gate before a decoder: oversized or unreadable frames and what depends on
// them are dropped until a keyframe within the bound; drops are reported, not too often.
#include "recorder/core/input_gate.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::recorder;

namespace {

FrameHeader key(int width, int height) { return FrameHeader{true, true, false, {width, height}, {}}; }
FrameHeader delta() { return FrameHeader{}; }
FrameHeader unreadable_key() { return FrameHeader{true, true, true, {}, {}}; }
// A VP9 inter frame that writes out a new size.
FrameHeader resized_delta(int width, int height) { return FrameHeader{false, true, false, {width, height}, {}}; }

constexpr int64_t kSecond = 1'000'000;

} // namespace

static void frames_within_the_bound_pass(void **) {
    InputGate gate({1280, 720});
    for (const FrameHeader &frame : {delta(), key(1280, 720), delta(), key(720, 1280), delta(), key(320, 180)}) {
        const auto decision = gate.admit(frame, 0);
        assert_true(decision.pass);
        assert_false(decision.report);
    }
    assert_int_equal(gate.dropped_frames(), 0);
    assert_false(gate.blocked());
}

static void an_oversized_keyframe_and_its_deltas_are_dropped_until_a_good_keyframe(void **) {
    InputGate gate({1280, 720});
    assert_true(gate.admit(key(640, 360), 0).pass);
    auto decision = gate.admit(key(16383, 16383), 10);
    assert_false(decision.pass);
    assert_true(decision.report);
    assert_true(gate.refused_size() == (FrameSize{16383, 16383}));
    assert_true(gate.blocked());
    for (int i = 0; i < 5; ++i) {
        decision = gate.admit(delta(), 20 + i);
        assert_false(decision.pass);
        assert_false(decision.report); // within the report interval
    }
    assert_false(gate.admit(key(1281, 720), 30).pass); // still too big
    assert_true(gate.admit(key(1280, 720), 40).pass);
    assert_false(gate.blocked());
    assert_true(gate.admit(delta(), 50).pass);
    assert_int_equal(gate.dropped_frames(), 7);
}

static void unreadable_keyframes_are_dropped(void **) {
    InputGate gate({1280, 720});
    const auto decision = gate.admit(unreadable_key(), 0);
    assert_false(decision.pass);
    assert_true(decision.report);
    assert_true(gate.refused_size() == (FrameSize{0, 0}));
    assert_false(gate.admit(delta(), 1).pass);
    assert_true(gate.admit(key(64, 48), 2).pass);
}

static void a_resizing_delta_frame_is_checked_too(void **) {
    InputGate gate({1280, 720});
    assert_true(gate.admit(resized_delta(640, 360), 0).pass);
    assert_false(gate.admit(resized_delta(8000, 8000), 1).pass);
    // A delta frame within the bound does not reopen the stream: it needs the dropped frame.
    assert_false(gate.admit(resized_delta(640, 360), 2).pass);
    assert_true(gate.admit(key(640, 360), 3).pass);
}

static void a_long_run_of_drops_is_reported_again_every_interval(void **) {
    InputGate gate({1280, 720});
    int reports = 0;
    // 10 s of 30 fps, every keyframe hostile: a report at once, then about one a second.
    for (int frame = 0; frame < 300; ++frame) {
        const int64_t now = frame * kSecond / 30;
        if (gate.admit(frame % 30 == 0 ? key(16383, 16383) : delta(), now).report) ++reports;
    }
    assert_in_range(reports, 10, 11);
    assert_int_equal(gate.dropped_frames(), 300);
    // A new run after a good keyframe is reported at once.
    assert_true(gate.admit(key(320, 180), 11 * kSecond).pass);
    assert_true(gate.admit(key(4000, 4000), 11 * kSecond + 1).report);
}

static void a_refused_configuration_holds_back_every_frame(void **) {
    // H.264 in avc form: the parameter sets arrive in the caps, not in the frames.
    InputGate gate({1280, 720});
    assert_true(gate.admit(key(640, 360), 0).pass);
    const auto decision = gate.configure(key(16384, 16384), 1);
    assert_false(decision.pass);
    assert_true(decision.report);
    assert_true(gate.refused_size() == (FrameSize{16384, 16384}));
    // Keyframes without a size of their own (an IDR) do not reopen it: they use that SPS.
    assert_false(gate.admit(FrameHeader{true, false, false, {}, {}}, 2).pass);
    assert_false(gate.admit(delta(), 3).pass);
    assert_false(gate.configure(FrameHeader{false, false, true, {}, {}}, 4).pass); // unreadable
    // An acceptable configuration, then a keyframe.
    assert_true(gate.configure(key(1280, 720), 5).pass);
    assert_false(gate.admit(delta(), 6).pass);
    assert_true(gate.admit(FrameHeader{true, false, false, {}, {}}, 7).pass);
    assert_true(gate.admit(delta(), 8).pass);
    assert_int_equal(gate.dropped_frames(), 3);
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(frames_within_the_bound_pass),
        cmocka_unit_test(an_oversized_keyframe_and_its_deltas_are_dropped_until_a_good_keyframe),
        cmocka_unit_test(unreadable_keyframes_are_dropped),
        cmocka_unit_test(a_resizing_delta_frame_is_checked_too),
        cmocka_unit_test(a_long_run_of_drops_is_reported_again_every_interval),
        cmocka_unit_test(a_refused_configuration_holds_back_every_frame),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
