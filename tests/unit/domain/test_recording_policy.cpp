// Recording state machine, who may control it, policy timers (fake clock) and ownership
// (C1, C5-C7, C9).
#include "domain/ownership.hpp"
#include "domain/recording_policy.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::domain;

static constexpr int64_t kSecond = 1000000;
static constexpr int64_t kMinute = 60 * kSecond;
static constexpr int64_t kHour = 60 * kMinute;

static void permission_matrix(void **) {
    const Role roles[] = {Role::Host, Role::Moderator, Role::Speaker, Role::Viewer};
    for (const Role role : roles) {
        const bool leads = role == Role::Host || role == Role::Moderator;
        assert_int_equal(may_control_recording(role, ClientKind::Desktop),
                         leads ? ControlDenied::None : ControlDenied::Role);
        assert_int_equal(may_control_recording(role, ClientKind::Mobile),
                         leads ? ControlDenied::MobileClient : ControlDenied::Role);
    }
}

static void state_machine(void **) {
    RoomPolicy policy({}, 0);
    assert_int_equal(policy.state(), RecordingState::Idle);
    assert_false(policy.first_frame_written(1));
    assert_false(policy.stop());
    assert_true(policy.start(10));
    assert_false(policy.start(11)); // already starting
    assert_int_equal(policy.state(), RecordingState::Starting);
    assert_false(policy.recording_started_us().has_value());
    assert_true(policy.first_frame_written(1500));
    assert_int_equal(*policy.recording_started_us(), 1500);
    assert_false(policy.first_frame_written(1600));
    assert_false(policy.start(2000));
    assert_true(policy.stop());
    assert_false(policy.stop());
    assert_int_equal(policy.state(), RecordingState::Stopping);
    assert_false(policy.start(3000)); // not until the file is finalized
    policy.finished();
    assert_int_equal(policy.state(), RecordingState::Idle);
    assert_true(policy.start(4000));
}

static void host_leave_timeout_ends_session_and_recording(void **) {
    RoomPolicy policy({.host_leave_timeout_us = 15 * kMinute}, 0);
    policy.hosts_present(1, 0);
    policy.start(kSecond);
    policy.first_frame_written(2 * kSecond);
    policy.hosts_present(0, 10 * kMinute); // the last host leaves
    assert_true(policy.host_timer_running());
    assert_true(policy.tick(10 * kMinute + 15 * kMinute - 1).empty());
    const auto due = policy.tick(25 * kMinute);
    assert_int_equal(due.size(), 2);
    assert_int_equal(due[0].kind, PolicyAction::StopRecording);
    assert_int_equal(due[0].reason, StopReason::HostLeftTimeout);
    assert_int_equal(due[1].kind, PolicyAction::EndSession);
    assert_int_equal(due[1].reason, StopReason::HostLeftTimeout);
    assert_true(policy.tick(26 * kMinute).empty()); // once only
    assert_false(policy.start(27 * kMinute));       // the session is over
}

static void returning_host_cancels_the_timer(void **) {
    RoomPolicy policy({.host_leave_timeout_us = 15 * kMinute}, 0);
    policy.hosts_present(2, 0);
    policy.hosts_present(1, kMinute); // one of two leaves: no timer
    assert_false(policy.host_timer_running());
    policy.hosts_present(0, 2 * kMinute);
    assert_true(policy.host_timer_running());
    policy.hosts_present(1, 10 * kMinute);
    assert_false(policy.host_timer_running());
    assert_true(policy.tick(30 * kMinute).empty());
    // Leaving again restarts the full timeout.
    policy.hosts_present(0, 40 * kMinute);
    assert_true(policy.tick(54 * kMinute).empty());
    assert_int_equal(policy.tick(55 * kMinute).size(), 1); // EndSession only: nothing was recording
}

static void room_without_hosts_has_no_timer(void **) {
    RoomPolicy policy({}, 0);
    policy.hosts_present(0, kMinute);
    assert_false(policy.host_timer_running());
    assert_true(policy.tick(2 * kHour).empty());
}

static void recording_cap(void **) {
    RoomPolicy policy({.max_recording_us = 24 * kHour, .max_session_us = 72 * kHour}, 0);
    policy.start(kHour);
    policy.first_frame_written(kHour + kSecond);
    assert_true(policy.tick(25 * kHour - 1).empty());
    const auto due = policy.tick(25 * kHour);
    assert_int_equal(due.size(), 1);
    assert_int_equal(due[0].kind, PolicyAction::StopRecording);
    assert_int_equal(due[0].reason, StopReason::MaxRecordingDuration);
    assert_int_equal(policy.state(), RecordingState::Stopping);
    assert_true(policy.tick(26 * kHour).empty());
    policy.finished();
    assert_true(policy.start(26 * kHour)); // a new recording may start, with a fresh cap
    assert_true(policy.tick(49 * kHour).empty());
}

static void session_cap_finalizes_recording(void **) {
    RoomPolicy policy({.max_recording_us = 24 * kHour, .max_session_us = 2 * kHour}, 0);
    policy.start(kHour);
    const auto due = policy.tick(2 * kHour);
    assert_int_equal(due.size(), 2);
    assert_int_equal(due[0].reason, StopReason::MaxSessionDuration);
    assert_int_equal(due[1].kind, PolicyAction::EndSession);
}

static void reason_names(void **) {
    assert_string_equal(stop_reason_name(StopReason::MaxRecordingDuration), "max_recording_duration");
    assert_string_equal(stop_reason_name(StopReason::HostLeftTimeout), "host_left_timeout");
    assert_string_equal(recording_state_name(RecordingState::Recording), "recording");
}

static void ownership_by_room_type(void **) {
    RoomSettings room;
    room.media_owner = "media";
    room.channel_owner = "channel";
    room.gallery_owner = "gallery";
    room.type = RoomType::Single;
    assert_string_equal(recording_owner(room, "init").c_str(), "media");
    room.type = RoomType::Channel;
    assert_string_equal(recording_owner(room, "init").c_str(), "channel");
    room.type = RoomType::Gallery;
    assert_string_equal(recording_owner(room, "init").c_str(), "gallery");
    room.gallery_owner.clear();
    assert_string_equal(recording_owner(room, "init").c_str(), "init");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(permission_matrix),
        cmocka_unit_test(state_machine),
        cmocka_unit_test(host_leave_timeout_ends_session_and_recording),
        cmocka_unit_test(returning_host_cancels_the_timer),
        cmocka_unit_test(room_without_hosts_has_no_timer),
        cmocka_unit_test(recording_cap),
        cmocka_unit_test(session_cap_finalizes_recording),
        cmocka_unit_test(reason_names),
        cmocka_unit_test(ownership_by_room_type),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
