#include "domain/rate_limiter.hpp"

#include <algorithm>
#include <limits>

namespace roomrec::domain {

const char *rate_verdict_name(RateVerdict verdict) {
    switch (verdict) {
    case RateVerdict::Allowed: return "allowed";
    case RateVerdict::Limited: return "limited";
    case RateVerdict::TooManyUsers: return "too_many_users";
    }
    return "limited";
}

namespace {

RateLimitSettings clamped(RateLimitSettings settings) {
    settings.burst = std::max(settings.burst, 1);
    settings.refill_interval_us = std::max<int64_t>(settings.refill_interval_us, 1);
    settings.max_users = std::max<size_t>(settings.max_users, 1);
    // Keep burst * interval far from overflow (a burst of a million over a year is still allowed).
    settings.refill_interval_us = std::min<int64_t>(settings.refill_interval_us, int64_t{1} << 40);
    settings.burst = std::min(settings.burst, 1 << 20);
    return settings;
}

// now - then without overflow, for clocks anywhere in the int64 range.
int64_t elapsed(int64_t then, int64_t now) {
    int64_t difference;
    if (__builtin_sub_overflow(now, then, &difference)) return std::numeric_limits<int64_t>::max();
    return difference;
}

} // namespace

RateLimiter::RateLimiter(RateLimitSettings settings)
    : settings_(clamped(settings)), full_credit_us_(settings_.burst * settings_.refill_interval_us) {}

void RateLimiter::refill(Bucket &bucket, int64_t now_us) const {
    if (now_us <= bucket.updated_us) return; // the clock went back (or stood still): no refill
    const int64_t gained = elapsed(bucket.updated_us, now_us);
    bucket.credit_us = gained >= full_credit_us_ - bucket.credit_us ? full_credit_us_ : bucket.credit_us + gained;
    bucket.updated_us = now_us;
}

RateVerdict RateLimiter::try_acquire(std::string_view user_id, int64_t now_us) {
    auto found = buckets_.find(std::string(user_id));
    if (found == buckets_.end()) {
        if (buckets_.size() >= settings_.max_users) {
            // Sweeping is O(users), so at most once per refill interval however hard it is pushed.
            if (elapsed(last_sweep_us_, now_us) >= settings_.refill_interval_us || now_us < last_sweep_us_)
                forget_idle(now_us);
            if (buckets_.size() >= settings_.max_users) return RateVerdict::TooManyUsers;
        }
        found = buckets_.emplace(std::string(user_id), Bucket{full_credit_us_, now_us}).first;
    }
    Bucket &bucket = found->second;
    refill(bucket, now_us);
    if (bucket.credit_us < settings_.refill_interval_us) return RateVerdict::Limited;
    bucket.credit_us -= settings_.refill_interval_us;
    return RateVerdict::Allowed;
}

int64_t RateLimiter::retry_after_us(std::string_view user_id, int64_t now_us) const {
    const auto found = buckets_.find(std::string(user_id));
    if (found == buckets_.end()) return 0;
    Bucket bucket = found->second;
    refill(bucket, now_us);
    return bucket.credit_us >= settings_.refill_interval_us ? 0 : settings_.refill_interval_us - bucket.credit_us;
}

size_t RateLimiter::forget_idle(int64_t now_us) {
    last_sweep_us_ = now_us;
    size_t forgotten = 0;
    for (auto entry = buckets_.begin(); entry != buckets_.end();) {
        refill(entry->second, now_us);
        if (entry->second.credit_us >= full_credit_us_) {
            entry = buckets_.erase(entry);
            ++forgotten;
        } else {
            ++entry;
        }
    }
    return forgotten;
}

} // namespace roomrec::domain
