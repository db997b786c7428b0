// Per-user signal limits of a room session: the defaults (a burst, then a sustained rate per
// kind), kinds kept apart, the retry time, clamping, and the refusal text.
#include "domain/room_rate_limits.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::domain;

namespace {

int burst_of(RoomRateLimits &limits, SignalKind kind, const char *user, int64_t now) {
    int allowed = 0;
    while (allowed < 10'000 && limits.try_acquire(kind, user, now) == RateVerdict::Allowed) ++allowed;
    return allowed;
}

void defaults_are_a_burst_then_a_steady_rate(void **) {
    RoomRateLimits limits;
    const int64_t now = 1'000'000;
    assert_int_equal(burst_of(limits, SignalKind::Reaction, "u", now), 5);
    assert_int_equal(burst_of(limits, SignalKind::Chat, "u", now), 10);
    assert_int_equal(burst_of(limits, SignalKind::Like, "u", now), 20);
    assert_int_equal(burst_of(limits, SignalKind::Question, "u", now), 3);
    assert_int_equal(burst_of(limits, SignalKind::Answer, "u", now), 10);
    assert_int_equal(burst_of(limits, SignalKind::Vote, "u", now), 5);
    assert_int_equal(burst_of(limits, SignalKind::Hand, "u", now), 4);
    // Then: chat one per 2 s, likes two per second, questions one per 10 s, hands one per 5 s.
    assert_int_equal(limits.retry_after_us(SignalKind::Chat, "u", now), 2'000'000);
    assert_int_equal(limits.retry_after_us(SignalKind::Like, "u", now), 500'000);
    assert_int_equal(limits.retry_after_us(SignalKind::Question, "u", now), 10'000'000);
    assert_int_equal(limits.retry_after_us(SignalKind::Vote, "u", now), 1'000'000);
    assert_int_equal(limits.retry_after_us(SignalKind::Hand, "u", now), 5'000'000);
    assert_int_equal(limits.retry_after_us(SignalKind::Chat, "u", now + 1'500'000), 500'000);
    assert_int_equal(limits.try_acquire(SignalKind::Chat, "u", now + 1'999'999), RateVerdict::Limited);
    assert_int_equal(limits.try_acquire(SignalKind::Chat, "u", now + 2'000'000), RateVerdict::Allowed);
    // A flood of a minute gets the burst plus one per refill interval, no more.
    int sent = 0;
    for (int64_t t = now + 2'000'000; t <= now + 62'000'000; t += 10'000)
        sent += limits.try_acquire(SignalKind::Chat, "u", t) == RateVerdict::Allowed;
    assert_int_equal(sent, 30);
}

void users_and_kinds_are_apart(void **) {
    RoomRateLimits limits;
    burst_of(limits, SignalKind::Chat, "flooder", 0);
    assert_int_equal(limits.try_acquire(SignalKind::Chat, "flooder", 0), RateVerdict::Limited);
    assert_int_equal(limits.try_acquire(SignalKind::Chat, "host", 0), RateVerdict::Allowed);
    assert_int_equal(limits.try_acquire(SignalKind::Like, "flooder", 0), RateVerdict::Allowed);
    assert_int_equal(limits.retry_after_us(SignalKind::Chat, "nobody", 0), 0);
    assert_int_equal(limits.retry_after_us(SignalKind::Like, "flooder", 0), 0); // has tokens left
}

void configured_limits_and_clamping(void **) {
    SignalLimits settings;
    settings[SignalKind::Hand] = {1, 60'000}; // one at once, then one per millisecond
    settings[SignalKind::Vote] = {0, 0};      // out of range: clamped to 1 and 1 per minute
    RoomRateLimits limits(settings);
    assert_int_equal(burst_of(limits, SignalKind::Hand, "u", 0), 1);
    assert_int_equal(limits.retry_after_us(SignalKind::Hand, "u", 0), 1'000);
    assert_int_equal(burst_of(limits, SignalKind::Vote, "u", 0), 1);
    assert_int_equal(limits.retry_after_us(SignalKind::Vote, "u", 0), 60'000'000);
    assert_int_equal(limits.limit(SignalKind::Hand).per_minute, 60'000);
    const RateLimitSettings bucket = bucket_settings({2'000'000, 30}, 7);
    assert_int_equal(bucket.burst, kMaxSignalBurst);
    assert_int_equal(bucket.refill_interval_us, 2'000'000);
    assert_int_equal(bucket.max_users, 7);
}

void names_and_refusal_text(void **) {
    assert_string_equal(signal_kind_name(SignalKind::Chat), "chat");
    assert_string_equal(signal_kind_name(SignalKind::Like), "likes");
    assert_string_equal(signal_kind_name(SignalKind::Hand), "hands");
    assert_string_equal(rate_limit_text(SignalKind::Chat, {10, 30}, 1'200'000).c_str(),
                        "too many chat messages: at most 10 at once, then 30 per minute; retry in 2 s");
    assert_string_equal(rate_limit_text(SignalKind::Like, {20, 120}, 0).c_str(),
                        "too many likes: at most 20 at once, then 120 per minute; retry in 1 s");
}

} // namespace

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_are_a_burst_then_a_steady_rate),
        cmocka_unit_test(users_and_kinds_are_apart),
        cmocka_unit_test(configured_limits_and_clamping),
        cmocka_unit_test(names_and_refusal_text),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
