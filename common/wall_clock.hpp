// The wall clock as Unix time, for what is stored or sent (rows, webhooks, expiries): one
// definition instead of a chrono cast in every file. Durations and timeouts use steady_clock.
#pragma once

#include <chrono>
#include <cstdint>

namespace roomrec::common {

inline int64_t unix_time_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}
inline int64_t unix_time_ms() { return unix_time_us() / 1000; }
inline int64_t unix_time_s() { return unix_time_us() / 1000000; }

} // namespace roomrec::common
