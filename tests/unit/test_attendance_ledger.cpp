// Presence intervals, engaged time, the A4 heatmap and the A2 timeline (SPEC E1, E2, A1, A2,
// A4) with a fake clock.
#include "core/attendance_ledger.hpp"

#include <algorithm>
#include <random>
#include <tuple>

#include "unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::core;

static constexpr int64_t kSecond = 1000000;
static constexpr int64_t kStart = 5000 * kSecond; // the session start on the monotonic clock
static constexpr HeartbeatBits kFocused = kTabFocused;
static constexpr HeartbeatBits kAway = kSoundOn; // present, sound on, but not engaged

static int64_t at(int64_t seconds) { return kStart + seconds * kSecond; }

static void heartbeats(AttendanceLedger &ledger, const char *user, int64_t from_s, int64_t to_s, HeartbeatBits bits) {
    for (int64_t s = from_s; s <= to_s; s += 10) assert_int_equal(ledger.heartbeat(user, at(s), bits), AttendanceResult::Accepted);
}

static void expect_interval(const PresenceInterval &interval, int64_t start_s, int64_t end_s, IntervalEnd how) {
    if (interval.start_us != at(start_s) || interval.end_us != at(end_s) || interval.end != how)
        fail_msg("interval [%lld, %lld) end %d, expected [%lld, %lld) end %d", (long long)((interval.start_us - kStart) / kSecond),
                 (long long)((interval.end_us - kStart) / kSecond), int(interval.end), (long long)start_s, (long long)end_s, int(how));
}

static void steady_attendance(void **) {
    AttendanceLedger ledger(kStart);
    assert_int_equal(ledger.join("ada", at(0)), AttendanceResult::Accepted);
    heartbeats(ledger, "ada", 0, 590, kFocused);
    assert_int_equal(ledger.leave("ada", at(600)), AttendanceResult::Accepted);
    const auto intervals = ledger.intervals("ada", at(700));
    assert_int_equal(intervals.size(), 1);
    expect_interval(intervals[0], 0, 600, IntervalEnd::Leave);
    assert_int_equal(ledger.present_us("ada", at(700)), 600 * kSecond);
    assert_int_equal(ledger.engaged_us("ada", at(700)), 600 * kSecond);
    assert_true(ledger.minutes_viewed("ada", at(700)) == 10.0);
    // Asked mid-way, the open interval ends "now".
    assert_int_equal(ledger.present_us("ada", at(125)), 125 * kSecond);
    assert_int_equal(ledger.intervals("ada", at(125))[0].end, IntervalEnd::Open);
}

static void engaged_time_is_capped_at_the_interval_end(void **) {
    AttendanceLedger ledger(kStart);
    ledger.join("ada", at(0));
    ledger.heartbeat("ada", at(0), kFocused);
    ledger.leave("ada", at(4));
    assert_int_equal(ledger.engaged_us("ada", at(100)), 4 * kSecond);
    assert_int_equal(ledger.present_us("ada", at(100)), 4 * kSecond);
}

static void silence_over_25_seconds_is_offline(void **) {
    AttendanceLedger ledger(kStart);
    ledger.join("ada", at(0));
    heartbeats(ledger, "ada", 0, 20, kFocused);
    // 25 s of silence is still present...
    assert_int_equal(ledger.heartbeat("ada", at(45), kFocused), AttendanceResult::Accepted);
    assert_int_equal(ledger.intervals("ada", at(50)).size(), 1);
    // ...more than 25 s is not: offline at the last heartbeat + 10 s, back at the next one.
    assert_int_equal(ledger.heartbeat("ada", at(71), kFocused), AttendanceResult::Accepted);
    auto intervals = ledger.intervals("ada", at(80));
    assert_int_equal(intervals.size(), 2);
    expect_interval(intervals[0], 0, 55, IntervalEnd::Offline);
    expect_interval(intervals[1], 71, 80, IntervalEnd::Open);
    assert_int_equal(ledger.present_us("ada", at(80)), 64 * kSecond);
    // Without any further heartbeat the open interval is offline as of 26 s later.
    intervals = ledger.intervals("ada", at(97));
    expect_interval(intervals[1], 71, 81, IntervalEnd::Offline);
    assert_int_equal(ledger.present_us("ada", at(97)), 65 * kSecond);
    assert_int_equal(ledger.present_us("ada", at(96)), 25 * kSecond + 55 * kSecond);
}

static void close_silent_changes_no_answer(void **) {
    // Same events, one ledger swept every second: the figures agree, including for a
    // heartbeat that arrives after the sweep closed the interval (it reopens it).
    AttendanceLedger swept(kStart), plain(kStart);
    const struct {
        int64_t s;
        HeartbeatBits bits;
    } events[] = {{0, kFocused}, {10, kFocused}, {60, kAway}, {70, kFocused}, {130, kFocused}};
    int64_t clock = 0;
    for (auto &ledger : {&swept, &plain}) ledger->join("ada", at(0));
    for (const auto &event : events) {
        for (; clock < event.s; ++clock) swept.close_silent(at(clock));
        for (auto &ledger : {&swept, &plain}) ledger->heartbeat("ada", at(event.s), event.bits);
    }
    swept.close_silent(at(400));
    assert_int_equal(swept.present_us("ada", at(400)), plain.present_us("ada", at(400)));
    assert_int_equal(swept.engaged_us("ada", at(400)), plain.engaged_us("ada", at(400)));
    assert_int_equal(swept.intervals("ada", at(400)).size(), 3);
    assert_int_equal(plain.intervals("ada", at(400)).size(), 3);

    AttendanceLedger late(kStart);
    late.join("ada", at(0));
    late.close_silent(at(30)); // closed at 10 s...
    expect_interval(late.intervals("ada", at(30))[0], 0, 10, IntervalEnd::Offline);
    late.heartbeat("ada", at(20), kFocused); // ...but a delayed heartbeat from 20 s shows she stayed
    expect_interval(late.intervals("ada", at(30))[0], 0, 30, IntervalEnd::Open);
}

static void sound_alone_is_not_engaged(void **) {
    AttendanceLedger ledger(kStart);
    ledger.join("bob", at(0));
    heartbeats(ledger, "bob", 0, 110, kAway);
    assert_int_equal(ledger.present_us("bob", at(120)), 120 * kSecond);
    assert_int_equal(ledger.engaged_us("bob", at(120)), 0);
    const auto cells = ledger.heatmap("bob", at(120));
    assert_int_equal(cells.size(), 2);
    assert_int_equal(cells[0], MinuteState::NotEngaged);
    // Another rule over the same events counts sound.
    AttendanceLedger listening(kStart, {.rule = {.any_of = EngagementRule::kRoomRule | kSoundOn}});
    listening.join("bob", at(0));
    heartbeats(listening, "bob", 0, 110, kAway);
    assert_int_equal(listening.engaged_us("bob", at(120)), 120 * kSecond);
}

static void duplicates_and_disorder_count_once(void **) {
    std::vector<std::pair<int64_t, HeartbeatBits>> events;
    for (int64_t s = 0; s < 600; s += 10) events.push_back({s, HeartbeatBits((s / 10) % 3 == 0 ? kAway : HeartbeatBits(kCameraOn))});
    AttendanceLedger ordered(kStart);
    ordered.join("ada", at(0));
    for (const auto &[s, bits] : events) ordered.heartbeat("ada", at(s), bits);
    const int64_t engaged = ordered.engaged_us("ada", at(600));
    assert_int_equal(engaged, 400 * kSecond); // two heartbeats in three

    // The plugin stamps heartbeats on receipt, yet a ledger fed from stored rows may see them
    // reordered: deliver every heartbeat twice, each copy delayed by 0-15 s at random.
    std::vector<std::tuple<int64_t, int64_t, HeartbeatBits>> shuffled;
    std::mt19937 random(42);
    for (int copy = 0; copy < 2; ++copy)
        for (const auto &[s, bits] : events) shuffled.push_back({s * kSecond + int64_t(random() % (15 * kSecond)), s, bits});
    std::sort(shuffled.begin(), shuffled.end());
    AttendanceLedger messy(kStart);
    messy.join("ada", at(0));
    for (const auto &[received, s, bits] : shuffled) messy.heartbeat("ada", at(s), bits);
    assert_int_equal(messy.engaged_us("ada", at(600)), engaged);
    assert_int_equal(messy.present_us("ada", at(600)), 600 * kSecond);
    assert_int_equal(messy.intervals("ada", at(600)).size(), 1);
}

static void late_heartbeat_lands_in_its_own_interval(void **) {
    AttendanceLedger ledger(kStart);
    ledger.join("ada", at(0));
    ledger.heartbeat("ada", at(0), kAway);
    ledger.heartbeat("ada", at(100), kAway); // offline 10..100
    assert_int_equal(ledger.heartbeat("ada", at(5), kFocused), AttendanceResult::Accepted); // in [0, 10)
    assert_int_equal(ledger.engaged_us("ada", at(200)), 5 * kSecond);                    // capped at 10 s
    assert_int_equal(ledger.heartbeat("ada", at(50), kFocused), AttendanceResult::IgnoredNotPresent);
    assert_int_equal(ledger.engaged_us("ada", at(200)), 5 * kSecond);
}

static void leave_without_join_and_heartbeats_after_leave(void **) {
    AttendanceLedger ledger(kStart);
    assert_int_equal(ledger.leave("ghost", at(10)), AttendanceResult::IgnoredNotPresent);
    assert_int_equal(ledger.heartbeat("ghost", at(20), kFocused), AttendanceResult::IgnoredAfterLeave);
    assert_true(ledger.intervals("ghost", at(60)).empty());
    assert_int_equal(ledger.totals(at(60)).unique_viewers, 0);

    ledger.join("ada", at(0));
    ledger.heartbeat("ada", at(0), kFocused);
    ledger.heartbeat("ada", at(10), kAway);
    ledger.heartbeat("ada", at(20), kAway);
    ledger.leave("ada", at(30));
    assert_int_equal(ledger.heartbeat("ada", at(40), kFocused), AttendanceResult::IgnoredAfterLeave);
    assert_int_equal(ledger.present_us("ada", at(100)), 30 * kSecond);
    assert_int_equal(ledger.engaged_us("ada", at(100)), 10 * kSecond);
}

static void rejoin_and_duplicate_join(void **) {
    AttendanceLedger ledger(kStart);
    ledger.join("ada", at(0));
    assert_int_equal(ledger.join("ada", at(5)), AttendanceResult::Duplicate);
    heartbeats(ledger, "ada", 0, 50, kFocused);
    ledger.leave("ada", at(60));
    assert_int_equal(ledger.join("ada", at(120)), AttendanceResult::Accepted);
    heartbeats(ledger, "ada", 120, 170, kFocused);
    ledger.leave("ada", at(180));
    const auto intervals = ledger.intervals("ada", at(300));
    assert_int_equal(intervals.size(), 2);
    expect_interval(intervals[0], 0, 60, IntervalEnd::Leave);
    expect_interval(intervals[1], 120, 180, IntervalEnd::Leave);
    assert_int_equal(ledger.present_us("ada", at(300)), 120 * kSecond);
    // A join long after the last sign of life: the old interval went offline, a new one opens.
    ledger.join("bob", at(0));
    assert_int_equal(ledger.join("bob", at(100)), AttendanceResult::Accepted);
    expect_interval(ledger.intervals("bob", at(110))[0], 0, 10, IntervalEnd::Offline);
}

static void heartbeat_without_join_opens_an_interval(void **) {
    AttendanceLedger ledger(kStart);
    heartbeats(ledger, "ada", 30, 60, kFocused);
    expect_interval(ledger.intervals("ada", at(70))[0], 30, 70, IntervalEnd::Open);
}

static void huge_gaps_and_out_of_range(void **) {
    AttendanceLedger ledger(kStart);
    ledger.join("ada", at(0));
    ledger.heartbeat("ada", at(0), kFocused);
    assert_int_equal(ledger.heartbeat("ada", at(5 * 3600), kFocused), AttendanceResult::Accepted);
    const auto intervals = ledger.intervals("ada", at(5 * 3600 + 5));
    assert_int_equal(intervals.size(), 2);
    expect_interval(intervals[0], 0, 10, IntervalEnd::Offline);
    expect_interval(intervals[1], 5 * 3600, 5 * 3600 + 5, IntervalEnd::Open);
    const auto cells = ledger.heatmap("ada", at(5 * 3600 + 5));
    assert_int_equal(cells.size(), 5 * 60 + 1);
    assert_int_equal(std::count(cells.begin(), cells.end(), MinuteState::Engaged), 2);
    // Before the start, past seven days, and at absurd clock values: refused.
    assert_int_equal(ledger.heartbeat("ada", kStart - 1, kFocused), AttendanceResult::OutOfRange);
    assert_int_equal(ledger.heartbeat("ada", at(7 * 24 * 3600 + 1), kFocused), AttendanceResult::OutOfRange);
    assert_int_equal(ledger.join("x", INT64_MAX), AttendanceResult::OutOfRange);
    assert_int_equal(ledger.join("x", INT64_MIN), AttendanceResult::OutOfRange);
    // A query far in the future is bounded too.
    assert_true(ledger.heatmap("ada", INT64_MAX).size() <= 7 * 24 * 60 + 1);
    AttendanceLedger negative(INT64_MIN + 1);
    assert_int_equal(negative.join("x", INT64_MAX), AttendanceResult::OutOfRange);
    AttendanceLedger late_start(INT64_MAX - kSecond);
    assert_int_equal(late_start.join("x", INT64_MAX), AttendanceResult::OutOfRange);
    assert_int_equal(late_start.present_us("x", INT64_MAX), 0);
}

static void heatmap_cells(void **) {
    AttendanceLedger ledger(kStart);
    ledger.join("ada", at(0));
    heartbeats(ledger, "ada", 0, 50, kFocused); // minute 0: engaged
    heartbeats(ledger, "ada", 60, 110, kAway);  // minute 1: present, not engaged
    ledger.leave("ada", at(120));               // minute 2: offline
    ledger.join("ada", at(180));                // minute 3: half engaged counts as engaged
    heartbeats(ledger, "ada", 180, 200, kFocused);
    heartbeats(ledger, "ada", 210, 230, kAway);
    const auto cells = ledger.heatmap("ada", at(240));
    assert_int_equal(cells.size(), 4);
    assert_int_equal(cells[0], MinuteState::Engaged);
    assert_int_equal(cells[1], MinuteState::NotEngaged);
    assert_int_equal(cells[2], MinuteState::Offline);
    assert_int_equal(cells[3], MinuteState::Engaged);
    heartbeats(ledger, "ada", 240, 250, kFocused); // minute 4: 20 s of 60 engaged

    heartbeats(ledger, "ada", 260, 290, kAway);
    assert_int_equal(ledger.heatmap("ada", at(300))[4], MinuteState::NotEngaged);
    assert_int_equal(ledger.heatmap("nobody", at(300)).size(), 5);
    assert_string_equal(minute_state_name(MinuteState::NotEngaged), "not_engaged");
}

static void timeline_and_totals(void **) {
    AttendanceLedger ledger(kStart);
    ledger.join("ada", at(0));
    heartbeats(ledger, "ada", 0, 110, kFocused); // engaged both minutes
    ledger.join("bob", at(30));
    heartbeats(ledger, "bob", 30, 110, kAway);   // present 30 s + 60 s, never engaged
    ledger.join("cy", at(60));
    heartbeats(ledger, "cy", 60, 80, kCameraOn);
    ledger.leave("cy", at(85));                  // 25 s, all engaged (the 80 s heartbeat is cut at 85)
    const auto timeline = ledger.timeline(at(120));
    assert_int_equal(timeline.size(), 2);
    assert_int_equal(timeline[0].unique_viewers, 2);
    assert_int_equal(timeline[0].present_us, 90 * kSecond);
    assert_int_equal(timeline[0].engaged_us, 60 * kSecond);
    assert_int_equal(timeline[1].unique_viewers, 3);
    assert_int_equal(timeline[1].present_us, 145 * kSecond);
    assert_int_equal(timeline[1].engaged_us, 85 * kSecond);
    assert_true(timeline[1].engagement_rate() == 85.0 / 145.0);
    const SessionFigures totals = ledger.totals(at(120));
    assert_int_equal(totals.unique_viewers, 3);
    assert_int_equal(totals.present_us, 235 * kSecond);
    assert_int_equal(totals.engaged_us, 145 * kSecond);
    assert_true(totals.engagement_rate() == 145.0 / 235.0);
    assert_true(totals.average_minutes_viewed() == 235.0 / 60 / 3);
    assert_true(MinuteFigures{}.engagement_rate() == 0.0);
    assert_true(SessionFigures{}.average_minutes_viewed() == 0.0);
}

static void end_session_closes_everything(void **) {
    AttendanceLedger ledger(kStart);
    ledger.join("ada", at(0));
    heartbeats(ledger, "ada", 0, 90, kFocused);
    ledger.join("bob", at(0)); // silent since 0
    ledger.end_session(at(95));
    expect_interval(ledger.intervals("ada", at(500))[0], 0, 95, IntervalEnd::SessionEnd);
    expect_interval(ledger.intervals("bob", at(500))[0], 0, 10, IntervalEnd::Offline);
    assert_int_equal(ledger.heartbeat("ada", at(96), kFocused), AttendanceResult::OutOfRange);
    assert_int_equal(ledger.join("cy", at(100)), AttendanceResult::OutOfRange);
    assert_int_equal(ledger.timeline(at(10000)).size(), 2);
}

static void memory_is_bounded(void **) {
    AttendanceLedger ledger(kStart, {.max_participants = 2, .max_records_per_participant = 10, .rule = {}});
    ledger.join("a", at(0));
    ledger.join("b", at(0));
    assert_int_equal(ledger.join("c", at(0)), AttendanceResult::TooMany);
    assert_int_equal(ledger.heartbeat("c", at(0), kFocused), AttendanceResult::TooMany);
    assert_int_equal(ledger.participants(), 2);
    // Alternating heartbeats 20 s apart make one engaged span each, until the cap.
    int refused = 0;
    for (int64_t s = 0; s < 2000; s += 20)
        if (ledger.heartbeat("a", at(s), kFocused) == AttendanceResult::TooMany) ++refused;
    assert_true(refused > 80);
    assert_int_equal(ledger.present_us("a", at(2000)), 2000 * kSecond); // presence still counted
    assert_int_equal(ledger.engaged_us("a", at(2000)), 9 * 10 * kSecond);
    assert_string_equal(attendance_result_name(AttendanceResult::TooMany), "too_many");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(steady_attendance),
        cmocka_unit_test(engaged_time_is_capped_at_the_interval_end),
        cmocka_unit_test(silence_over_25_seconds_is_offline),
        cmocka_unit_test(close_silent_changes_no_answer),
        cmocka_unit_test(sound_alone_is_not_engaged),
        cmocka_unit_test(duplicates_and_disorder_count_once),
        cmocka_unit_test(late_heartbeat_lands_in_its_own_interval),
        cmocka_unit_test(leave_without_join_and_heartbeats_after_leave),
        cmocka_unit_test(rejoin_and_duplicate_join),
        cmocka_unit_test(heartbeat_without_join_opens_an_interval),
        cmocka_unit_test(huge_gaps_and_out_of_range),
        cmocka_unit_test(heatmap_cells),
        cmocka_unit_test(timeline_and_totals),
        cmocka_unit_test(end_session_closes_everything),
        cmocka_unit_test(memory_is_bounded),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
