// Rate-limits keyframe requests (PLI) towards one publisher stream (R5). Lock-free: it is
// called from several subscribers' media threads at once.
#pragma once

#include <atomic>
#include <cstdint>

namespace roomrec::plugin {

class KeyframeLimiter {
public:
    explicit KeyframeLimiter(int64_t min_interval_us) : min_interval_us_(min_interval_us) {}

    // True if a request may be sent now; at most one caller wins per interval.
    bool try_acquire(int64_t now_us) {
        int64_t last = last_us_.load(std::memory_order_relaxed);
        if (last != kNever && now_us - last < min_interval_us_) return false;
        return last_us_.compare_exchange_strong(last, now_us, std::memory_order_relaxed);
    }

private:
    static constexpr int64_t kNever = INT64_MIN;
    const int64_t min_interval_us_;
    std::atomic<int64_t> last_us_{kNever};
};

} // namespace roomrec::plugin
