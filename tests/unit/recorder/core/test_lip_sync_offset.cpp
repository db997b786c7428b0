// Lip-sync offsets (M3): the first is taken, then the mean of the proposals once it has moved
// by 5 ms, a jump of 40 ms at once; a browser's flipping proposals move nothing.
#include "recorder/core/lip_sync_offset.hpp"

#include <cstdlib>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::recorder;

static constexpr int64_t kMs = 1000000;

static void the_first_offset_is_taken_however_small(void **) {
    LipSyncOffset offset;
    assert_int_equal(offset.take(3 * kMs), 3 * kMs);
    LipSyncOffset other;
    assert_int_equal(other.take(-250 * kMs), -250 * kMs);
}

static void a_browsers_flipping_proposals_move_it_once_at_most(void **) {
    // What a Chromium publisher's reports proposed for its video in one recording.
    LipSyncOffset offset;
    assert_int_equal(offset.take(6300000), 6300000);
    int moves = 0;
    int64_t kept = 6300000;
    for (int i = 0; i < 40; ++i) {
        const int64_t now = offset.take(i % 2 ? 6300000 : 14800000);
        if (now != kept) ++moves;
        kept = now;
        assert_true(now >= 6300000 && now <= 14800000);
    }
    assert_true(moves <= 1);
}

static void a_first_offset_that_was_off_is_corrected_to_within_5_ms(void **) {
    // The first report came before the jitter buffer had learnt the sender's clock.
    LipSyncOffset offset;
    offset.take(0);
    int64_t kept = 0;
    for (int i = 0; i < 20; ++i) kept = offset.take(12 * kMs);
    assert_true(std::llabs(kept - 12 * kMs) < 5 * kMs);
    assert_true(kept != 0);
}

static void a_real_jump_is_taken_at_once(void **) {
    LipSyncOffset offset;
    offset.take(10 * kMs);
    assert_int_equal(offset.take(12 * kMs), 10 * kMs); // within the noise
    assert_int_equal(offset.take(60 * kMs), 60 * kMs); // 50 ms: at once
    assert_int_equal(offset.take(-5 * kMs), -5 * kMs); // 65 ms back: at once
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_first_offset_is_taken_however_small),
        cmocka_unit_test(a_browsers_flipping_proposals_move_it_once_at_most),
        cmocka_unit_test(a_first_offset_that_was_off_is_corrected_to_within_5_ms),
        cmocka_unit_test(a_real_jump_is_taken_at_once),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
