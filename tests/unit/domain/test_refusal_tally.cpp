// Per-user counts of refused reactions, coalesced into rows at most every 10 s per user.
#include "domain/refusal_tally.hpp"

#include <algorithm>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::domain;

static constexpr int64_t kS = 1'000'000;

static void first_refusal_writes_then_coalesces(void **) {
    RefusalTally tally;
    auto row = tally.refuse("alice", 100 * kS);
    assert_true(row.has_value());
    assert_int_equal(*row, 1);
    // Within 10 s of that row: counted, not written.
    for (int i = 1; i <= 7; ++i) assert_false(tally.refuse("alice", 100 * kS + i * kS).has_value());
    assert_int_equal(tally.pending("alice"), 7);
    assert_false(tally.refuse("alice", 110 * kS - 1).has_value()); // a microsecond short of 10 s
    row = tally.refuse("alice", 110 * kS);                         // exactly 10 s: the row carries all 9
    assert_true(row.has_value());
    assert_int_equal(*row, 9);
    assert_int_equal(tally.pending("alice"), 0);
    // Others are counted on their own.
    row = tally.refuse("bob", 111 * kS);
    assert_true(row.has_value());
    assert_int_equal(*row, 1);
}

static void leave_and_session_end_flush_the_rest(void **) {
    RefusalTally tally;
    tally.refuse("alice", 0);
    tally.refuse("alice", 1 * kS);
    tally.refuse("alice", 2 * kS);
    tally.refuse("bob", 0);
    tally.refuse("bob", 1 * kS);
    tally.refuse("carol", 0); // nothing after the first row
    auto left = tally.flush("alice");
    assert_true(left.has_value());
    assert_int_equal(*left, 2);
    assert_false(tally.flush("alice").has_value()); // flushed once
    assert_false(tally.flush("nobody").has_value());
    const auto rows = tally.flush_all();
    assert_int_equal(rows.size(), 1); // carol has nothing pending
    assert_string_equal(rows[0].first.c_str(), "bob");
    assert_int_equal(rows[0].second, 1);
    assert_int_equal(tally.tracked_users(), 0);
    // After a leave, the user's next refusal is a first again.
    const auto again = tally.refuse("alice", 3 * kS);
    assert_true(again.has_value());
    assert_int_equal(*again, 1);
}

static void memory_is_bounded_and_counts_stay_exact(void **) {
    RefusalTally tally(3);
    tally.refuse("a", 0);
    tally.refuse("a", 1 * kS); // a has one pending
    tally.refuse("b", 0);
    tally.refuse("c", 0);
    assert_int_equal(tally.tracked_users(), 3);
    // Full, nobody forgettable yet: a new user's refusals are each a row of 1.
    for (int i = 0; i < 5; ++i) {
        const auto row = tally.refuse("d", 2 * kS + i);
        assert_true(row.has_value());
        assert_int_equal(*row, 1);
    }
    assert_int_equal(tally.tracked_users(), 3);
    // Ten seconds later b and c (nothing pending) are forgotten to make room; a is kept.
    const auto row = tally.refuse("e", 11 * kS);
    assert_true(row.has_value());
    assert_int_equal(tally.tracked_users(), 2); // a and e
    assert_int_equal(tally.pending("a"), 1);
    assert_int_equal(tally.pending("b"), 0);
    RefusalTally tiny(0); // clamped to 1
    tiny.refuse("x", 0);
    assert_int_equal(tiny.tracked_users(), 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(first_refusal_writes_then_coalesces),
        cmocka_unit_test(leave_and_session_end_flush_the_rest),
        cmocka_unit_test(memory_is_bounded_and_counts_stay_exact),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
