// Per-user reaction rate limit of one room (E3): a token bucket per user, with an injected
// monotonic clock in microseconds. A rejected reaction is neither relayed nor counted.
// Not thread-safe: one instance per room, used under the room's lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace roomrec::domain {

struct RateLimitSettings {
    int burst = 5;                          // reactions a user may send at once
    int64_t refill_interval_us = 2'000'000; // one reaction back every 2 s: 5 per 10 s sustained
    size_t max_users = 20'000;              // tracked users per room (about 100 bytes each)
};

enum class RateVerdict {
    Allowed,
    Limited,      // the user's bucket is empty
    TooManyUsers, // max_users are tracked and none is idle: new users are refused (fail closed)
};
const char *rate_verdict_name(RateVerdict verdict);

class RateLimiter {
public:
    // Out-of-range settings are clamped: burst >= 1, refill_interval_us >= 1, max_users >= 1.
    explicit RateLimiter(RateLimitSettings settings = {});

    // Takes one token of `user_id` if it has one.
    RateVerdict try_acquire(std::string_view user_id, int64_t now_us);

    // How long until `user_id` has a token again: 0 when it has one (or is not tracked).
    int64_t retry_after_us(std::string_view user_id, int64_t now_us) const;

    // Forgets the users whose bucket is full again: they are indistinguishable from new users, so
    // forgetting them changes no verdict. try_acquire calls it itself when the table is full;
    // the plugin may also call it from a timer. Returns how many were forgotten.
    size_t forget_idle(int64_t now_us);

    size_t tracked_users() const { return buckets_.size(); }

private:
    // Credit is kept in microseconds of refill time: a reaction costs refill_interval_us and
    // the credit never exceeds burst * refill_interval_us. Integer only, no rounding drift.
    struct Bucket {
        int64_t credit_us;
        int64_t updated_us; // never moves backwards, so a clock step back grants nothing
    };
    void refill(Bucket &bucket, int64_t now_us) const;

    RateLimitSettings settings_;
    int64_t full_credit_us_;
    std::unordered_map<std::string, Bucket> buckets_;
    int64_t last_sweep_us_ = INT64_MIN;
};

} // namespace roomrec::domain
