// When a failed upload or webhook is tried again (S2-S4): exponential backoff with
// jitter, so a recovering receiver is not hit by every node at once. Pure: the caller passes
// a uniform random number in [0, 1).
#pragma once

#include <cstdint>
#include <optional>

namespace roomrec::storage {

struct RetryPolicy {
    int64_t first_delay_ms = 1000;                 // before the second attempt
    int64_t max_delay_ms = 5 * 60 * 1000;          // the backoff stops growing here
    int64_t give_up_after_ms = 72LL * 3600 * 1000; // a delivery older than this is failed for good
};

// Delay before attempt number `failed_attempts + 1`: base = first * 2^(failed - 1) capped at max,
// then "equal jitter": half fixed, half random, so retries never bunch at zero. Nothing when the
// job has been failing for longer than give_up_after_ms (at-least-once, but not forever).
std::optional<int64_t> retry_delay_ms(const RetryPolicy &policy, int failed_attempts, int64_t failing_for_ms,
                                      double random_unit);

} // namespace roomrec::storage
