#include "domain/playback_buckets.hpp"

#include <algorithm>
#include <cmath>

namespace roomrec::domain {

const char *progress_verdict_name(ProgressVerdict verdict) {
    switch (verdict) {
    case ProgressVerdict::Accepted: return "accepted";
    case ProgressVerdict::BadNumber: return "bad_number";
    case ProgressVerdict::BadDuration: return "bad_duration";
    case ProgressVerdict::PastEnd: return "past_end";
    }
    return "bad_number";
}

int PlayProgress::bucket_of(double position_s) const {
    const double bucket = std::floor(position_s * kBuckets / duration_s_);
    return std::clamp(int(bucket), 0, kBuckets - 1);
}

ProgressVerdict PlayProgress::report(double position_s, double duration_s) {
    if (!std::isfinite(position_s) || !std::isfinite(duration_s) || position_s < 0 || duration_s < 0)
        return ProgressVerdict::BadNumber;
    if (duration_s == 0 || duration_s > kMaxDurationS) return ProgressVerdict::BadDuration;
    // The duration of one play is fixed by its first report; a player rounding it differently
    // (to the millisecond) is the same recording, anything else is not.
    if (duration_s_ != 0 && std::fabs(duration_s - duration_s_) > 0.001 * duration_s_ + 0.05)
        return ProgressVerdict::BadDuration;
    if (position_s > duration_s + kEndToleranceS) return ProgressVerdict::PastEnd;
    const bool first = duration_s_ == 0;
    if (first) duration_s_ = duration_s;
    position_s = std::min(position_s, duration_s_);

    const int landed = bucket_of(position_s);
    const double step = position_s - last_position_s_;
    if (!first && step >= 0 && step <= kMaxContinuousStepS) {
        for (int bucket = bucket_of(last_position_s_); bucket <= landed; ++bucket) buckets_.set(size_t(bucket));
        watched_s_ += step;
    } else {
        buckets_.set(size_t(landed)); // a seek (or the first report): only where it landed
    }
    last_position_s_ = position_s;
    return ProgressVerdict::Accepted;
}

double average_completion_percent(std::span<const int> distinct_buckets_per_play) {
    if (distinct_buckets_per_play.empty()) return 0.0;
    double sum = 0;
    for (const int buckets : distinct_buckets_per_play) sum += std::clamp(buckets, 0, PlayProgress::kBuckets);
    return sum / double(distinct_buckets_per_play.size());
}

} // namespace roomrec::domain
