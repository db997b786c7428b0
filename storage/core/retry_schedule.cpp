#include "storage/core/retry_schedule.hpp"

#include <algorithm>

namespace roomrec::storage {

std::optional<int64_t> retry_delay_ms(const RetryPolicy &policy, int failed_attempts, int64_t failing_for_ms,
                                      double random_unit) {
    if (failing_for_ms >= policy.give_up_after_ms) return std::nullopt;
    int64_t base = policy.first_delay_ms;
    for (int n = 1; n < failed_attempts && base < policy.max_delay_ms; ++n) base *= 2;
    base = std::min(base, policy.max_delay_ms);
    const double unit = std::clamp(random_unit, 0.0, 0.999999);
    const int64_t fixed = base / 2; // equal jitter: half the delay fixed, the other half random
    return fixed + static_cast<int64_t>(unit * static_cast<double>(base - fixed));
}

} // namespace roomrec::storage
