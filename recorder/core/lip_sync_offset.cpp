#include "recorder/core/lip_sync_offset.hpp"

#include <cmath>
#include <cstdlib>

namespace roomrec::recorder {

namespace {
// Smoothing of the proposals: about the last 4 count, enough to average out a flip.
constexpr double kMeanWeight = 1.0 / 4;
} // namespace

int64_t LipSyncOffset::take(int64_t offset_ns) {
    if (!taken_ || std::llabs(offset_ns - *taken_) >= kLargeChangeNs) {
        taken_ = offset_ns;
        mean_ns_ = double(offset_ns);
        return *taken_;
    }
    mean_ns_ += (double(offset_ns) - mean_ns_) * kMeanWeight;
    if (std::abs(mean_ns_ - double(*taken_)) >= double(kSmallChangeNs)) taken_ = std::llround(mean_ns_);
    return *taken_;
}

} // namespace roomrec::recorder
