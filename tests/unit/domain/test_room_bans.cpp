// Kick bans (R7): a banned user stays out until the ban ends, a ban never shortens, the table
// stays bounded, and the refusal's countdown rounds up.
#include "domain/room_bans.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::domain;

static constexpr int64_t kSecond = 1000000;
static constexpr int64_t kT0 = 1000 * kSecond;

static void a_ban_lasts_its_duration(void **) {
    RoomBans bans;
    bans.ban("alice", kT0, 600 * kSecond);
    assert_true(bans.banned_until("alice", kT0).has_value());
    assert_int_equal(*bans.banned_until("alice", kT0 + 599 * kSecond), kT0 + 600 * kSecond);
    assert_false(bans.banned_until("alice", kT0 + 600 * kSecond).has_value());
    assert_false(bans.banned_until("bob", kT0).has_value());
}

static void a_ban_is_never_shortened(void **) {
    RoomBans bans;
    bans.ban("alice", kT0, 600 * kSecond);
    bans.ban("alice", kT0 + kSecond, 10 * kSecond);
    assert_int_equal(*bans.banned_until("alice", kT0 + 20 * kSecond), kT0 + 600 * kSecond);
    bans.ban("alice", kT0 + kSecond, 3600 * kSecond);
    assert_int_equal(*bans.banned_until("alice", kT0 + 700 * kSecond), kT0 + 3601 * kSecond);
}

static void a_moderators_ban_does_not_keep_out_a_host(void **) {
    RoomBans bans;
    bans.ban("alice", kT0, 600 * kSecond, false);
    assert_true(bans.banned_until("alice", kT0).has_value());
    assert_false(bans.banned_until("alice", kT0, true).has_value());
    // A host's kick of the same user covers every role from then on.
    bans.ban("alice", kT0, 60 * kSecond, true);
    assert_true(bans.banned_until("alice", kT0, true).has_value());
}

static void zero_duration_and_empty_users_ban_nobody(void **) {
    RoomBans bans;
    bans.ban("alice", kT0, 0);
    bans.ban("bob", kT0, -5);
    bans.ban("", kT0, 600 * kSecond);
    assert_int_equal(bans.size(), 0);
    assert_false(bans.banned_until("", kT0).has_value());
}

static void a_huge_duration_does_not_overflow(void **) {
    RoomBans bans;
    bans.ban("alice", kT0, INT64_MAX);
    assert_int_equal(*bans.banned_until("alice", kT0), INT64_MAX);
}

static void lift_and_clear_end_bans(void **) {
    RoomBans bans;
    bans.ban("alice", kT0, 600 * kSecond);
    bans.ban("bob", kT0, 600 * kSecond);
    assert_true(bans.lift("alice"));
    assert_false(bans.lift("alice"));
    assert_false(bans.banned_until("alice", kT0).has_value());
    bans.clear();
    assert_false(bans.banned_until("bob", kT0).has_value());
}

static void the_table_is_bounded(void **) {
    RoomBans bans(3);
    bans.ban("expired", kT0, kSecond);
    bans.ban("long", kT0, 3600 * kSecond);
    bans.ban("short", kT0, 60 * kSecond);
    // Full: the expired ban goes first.
    bans.ban("new1", kT0 + 2 * kSecond, 600 * kSecond);
    assert_int_equal(bans.size(), 3);
    assert_true(bans.banned_until("long", kT0 + 2 * kSecond).has_value());
    assert_true(bans.banned_until("short", kT0 + 2 * kSecond).has_value());
    // Full of live bans: the one ending soonest goes.
    bans.ban("new2", kT0 + 3 * kSecond, 600 * kSecond);
    assert_int_equal(bans.size(), 3);
    assert_false(bans.banned_until("short", kT0 + 3 * kSecond).has_value());
    assert_true(bans.banned_until("new2", kT0 + 3 * kSecond).has_value());
}

static void seconds_left_rounds_up(void **) {
    assert_int_equal(seconds_left(kT0 + 1, kT0), 1);
    assert_int_equal(seconds_left(kT0 + kSecond, kT0), 1);
    assert_int_equal(seconds_left(kT0 + kSecond + 1, kT0), 2);
    assert_int_equal(seconds_left(kT0, kT0), 0);
    assert_int_equal(seconds_left(kT0 - 5, kT0), 0);
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_ban_lasts_its_duration),
        cmocka_unit_test(a_ban_is_never_shortened),
        cmocka_unit_test(a_moderators_ban_does_not_keep_out_a_host),
        cmocka_unit_test(zero_duration_and_empty_users_ban_nobody),
        cmocka_unit_test(a_huge_duration_does_not_overflow),
        cmocka_unit_test(lift_and_clear_end_bans),
        cmocka_unit_test(the_table_is_bounded),
        cmocka_unit_test(seconds_left_rounds_up),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
