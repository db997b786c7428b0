// Per-user reaction rate limit (E3): burst, refill, isolation, clock skew, bounded memory.
#include "domain/rate_limiter.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::domain;

static constexpr int64_t kSecond = 1000000;
static constexpr int64_t kT0 = 1000 * kSecond;

static int allowed_in_a_row(RateLimiter &limiter, const char *user, int64_t now_us) {
    int allowed = 0;
    while (limiter.try_acquire(user, now_us) == RateVerdict::Allowed)
        if (++allowed > 1000) fail_msg("no limit");
    return allowed;
}

static void default_burst_is_five(void **) {
    RateLimiter limiter;
    assert_int_equal(allowed_in_a_row(limiter, "u1", kT0), 5);
    assert_int_equal(limiter.try_acquire("u1", kT0), RateVerdict::Limited);
}

static void refill_one_token_per_interval(void **) {
    RateLimiter limiter;
    allowed_in_a_row(limiter, "u1", kT0);
    assert_int_equal(limiter.try_acquire("u1", kT0 + 2 * kSecond - 1), RateVerdict::Limited);
    assert_int_equal(limiter.try_acquire("u1", kT0 + 2 * kSecond), RateVerdict::Allowed);
    assert_int_equal(limiter.try_acquire("u1", kT0 + 2 * kSecond), RateVerdict::Limited);
    // Partial credit is kept: 1 s now and 1 s later make one token.
    assert_int_equal(limiter.try_acquire("u1", kT0 + 3 * kSecond), RateVerdict::Limited);
    assert_int_equal(limiter.try_acquire("u1", kT0 + 4 * kSecond), RateVerdict::Allowed);
    // A long pause refills the burst, never more.
    assert_int_equal(allowed_in_a_row(limiter, "u1", kT0 + 3600 * kSecond), 5);
}

static void sustained_rate_is_five_per_ten_seconds(void **) {
    RateLimiter limiter;
    allowed_in_a_row(limiter, "u1", kT0); // spend the burst
    int allowed = 0;
    for (int64_t t = kT0; t < kT0 + 100 * kSecond; t += kSecond / 10)
        if (limiter.try_acquire("u1", t) == RateVerdict::Allowed) ++allowed;
    assert_int_equal(allowed, 49); // one every 2 s after t0: 2, 4, ..., 98
}

static void users_are_isolated(void **) {
    RateLimiter limiter;
    allowed_in_a_row(limiter, "u1", kT0);
    assert_int_equal(limiter.try_acquire("u1", kT0), RateVerdict::Limited);
    assert_int_equal(allowed_in_a_row(limiter, "u2", kT0), 5);
    assert_int_equal(limiter.tracked_users(), 2);
}

static void custom_settings_and_clamping(void **) {
    RateLimiter limiter({.burst = 2, .refill_interval_us = 5 * kSecond});
    assert_int_equal(allowed_in_a_row(limiter, "u", kT0), 2);
    assert_int_equal(limiter.try_acquire("u", kT0 + 5 * kSecond), RateVerdict::Allowed);
    RateLimiter silly({.burst = -3, .refill_interval_us = 0, .max_users = 0});
    assert_int_equal(allowed_in_a_row(silly, "u", kT0), 1);                       // burst clamped to 1
    assert_int_equal(silly.try_acquire("other", kT0), RateVerdict::TooManyUsers); // "u" is not idle
}

static void clock_going_back_grants_nothing(void **) {
    RateLimiter limiter;
    allowed_in_a_row(limiter, "u1", kT0);
    // Back one hour, then forward to just before the first refill: still nothing.
    assert_int_equal(limiter.try_acquire("u1", kT0 - 3600 * kSecond), RateVerdict::Limited);
    assert_int_equal(limiter.try_acquire("u1", kT0 - kSecond), RateVerdict::Limited);
    assert_int_equal(limiter.try_acquire("u1", kT0 + 2 * kSecond - 1), RateVerdict::Limited);
    assert_int_equal(limiter.try_acquire("u1", kT0 + 2 * kSecond), RateVerdict::Allowed);
    // Oscillating clocks earn nothing either.
    for (int i = 0; i < 100; ++i) {
        assert_int_equal(limiter.try_acquire("u1", kT0 - i * kSecond), RateVerdict::Limited);
        assert_int_equal(limiter.try_acquire("u1", kT0 + 2 * kSecond), RateVerdict::Limited);
    }
    // Extreme clock values do not overflow.
    RateLimiter extremes;
    assert_int_equal(extremes.try_acquire("u", INT64_MIN), RateVerdict::Allowed);
    assert_int_equal(allowed_in_a_row(extremes, "u", INT64_MAX), 5);
}

static void idle_users_are_forgotten(void **) {
    RateLimiter limiter;
    limiter.try_acquire("busy", kT0);
    limiter.try_acquire("idle", kT0 - 20 * kSecond);
    assert_int_equal(limiter.forget_idle(kT0 + kSecond), 1); // "idle" has refilled fully
    assert_int_equal(limiter.tracked_users(), 1);
    assert_int_equal(limiter.forget_idle(kT0 + 2 * kSecond), 1); // one token, 2 s: full again
    assert_int_equal(limiter.tracked_users(), 0);
}

static void full_table_evicts_idle_users_or_refuses(void **) {
    RateLimiter limiter({.max_users = 3});
    for (const char *user : {"a", "b", "c"}) limiter.try_acquire(user, kT0);
    // Nobody idle: a fourth user is refused, the tracked ones are unaffected.
    assert_int_equal(limiter.try_acquire("d", kT0 + kSecond), RateVerdict::TooManyUsers);
    assert_int_equal(limiter.try_acquire("a", kT0 + kSecond), RateVerdict::Allowed);
    assert_int_equal(limiter.tracked_users(), 3);
    // Later b and c are idle (a spent again at t0 + 1 s): they make room.
    // Sweeps are at most one per refill interval: 1.5 s after the last one, none yet.
    assert_int_equal(limiter.try_acquire("d", kT0 + 2 * kSecond + kSecond / 2), RateVerdict::TooManyUsers);
    assert_int_equal(limiter.try_acquire("d", kT0 + 3 * kSecond), RateVerdict::Allowed);
    assert_int_equal(limiter.tracked_users(), 2);
    // A flood of new ids never grows the table past the cap.
    for (int i = 0; i < 1000; ++i) limiter.try_acquire("x" + std::to_string(i), kT0 + 3 * kSecond);
    assert_true(limiter.tracked_users() <= 3);
}

static void verdict_names(void **) {
    assert_string_equal(rate_verdict_name(RateVerdict::TooManyUsers), "too_many_users");
    assert_string_equal(rate_verdict_name(RateVerdict::Limited), "limited");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(default_burst_is_five),
        cmocka_unit_test(refill_one_token_per_interval),
        cmocka_unit_test(sustained_rate_is_five_per_ten_seconds),
        cmocka_unit_test(users_are_isolated),
        cmocka_unit_test(custom_settings_and_clamping),
        cmocka_unit_test(clock_going_back_grants_nothing),
        cmocka_unit_test(idle_users_are_forgotten),
        cmocka_unit_test(full_table_evicts_idle_users_or_refuses),
        cmocka_unit_test(verdict_names),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
