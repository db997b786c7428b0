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

ProgressVerdict PlayProgress::check(double position_s, double duration_s) const {
    if (!std::isfinite(position_s) || !std::isfinite(duration_s) || position_s < 0 || duration_s < 0)
        return ProgressVerdict::BadNumber;
    if (duration_s == 0 || duration_s > kMaxDurationS) return ProgressVerdict::BadDuration;
    // The duration of one play is fixed by its first report; a player rounding it differently
    // (to the millisecond) is the same recording, anything else is not.
    if (duration_s_ != 0 && std::fabs(duration_s - duration_s_) > 0.001 * duration_s_ + 0.05)
        return ProgressVerdict::BadDuration;
    if (position_s > duration_s + kEndToleranceS) return ProgressVerdict::PastEnd;
    return ProgressVerdict::Accepted;
}

// Bucket edges are compared in whole microseconds, so a position exactly on an edge (whatever
// its binary rounding as seconds) is on it, not a hair past it.
int64_t PlayProgress::to_us(double position_s) const { return std::llround(position_s * 1e6); }

void PlayProgress::move_to(double position_s, bool may_watch) {
    position_s = std::min(position_s, duration_s_);
    const double step = position_s - last_position_s_;
    if (may_watch && started_ && step > 0 && step <= kMaxContinuousStepS) {
        const int64_t duration_us = std::max<int64_t>(to_us(duration_s_), 1);
        const int64_t from_us = to_us(last_position_s_), to = to_us(position_s);
        // [from, to) overlaps bucket b with positive length iff from < (b + 1) d / 100 and to > b d / 100.
        const int64_t first = from_us * kBuckets / duration_us;
        const int64_t last = std::min<int64_t>((to * kBuckets + duration_us - 1) / duration_us - 1, kBuckets - 1);
        for (int64_t bucket = first; bucket <= last; ++bucket) buckets_.set(size_t(bucket));
        watched_s_ += step;
    }
    last_position_s_ = position_s;
    started_ = true;
}

ProgressVerdict PlayProgress::report(double position_s, double duration_s) {
    if (const auto verdict = check(position_s, duration_s); verdict != ProgressVerdict::Accepted) return verdict;
    if (duration_s_ == 0) duration_s_ = duration_s;
    move_to(position_s, true);
    return ProgressVerdict::Accepted;
}

ProgressVerdict PlayProgress::seek(double from_s, double to_s, double duration_s) {
    if (const auto verdict = check(from_s, duration_s); verdict != ProgressVerdict::Accepted) return verdict;
    if (const auto verdict = check(to_s, duration_s); verdict != ProgressVerdict::Accepted) return verdict;
    if (duration_s_ == 0) duration_s_ = duration_s;
    move_to(from_s, true);
    move_to(to_s, false);
    return ProgressVerdict::Accepted;
}

std::string PlayProgress::watched_hex() const {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string hex(kBuckets / 4, '0');
    for (int digit = 0; digit < kBuckets / 4; ++digit) {
        int nibble = 0;
        for (int bit = 0; bit < 4; ++bit) nibble = (nibble << 1) | int(buckets_.test(size_t(digit * 4 + bit)));
        hex[size_t(digit)] = kDigits[nibble];
    }
    return hex;
}

double average_completion_percent(std::span<const int> distinct_buckets_per_play) {
    if (distinct_buckets_per_play.empty()) return 0.0;
    double sum = 0;
    for (const int buckets : distinct_buckets_per_play) sum += std::clamp(buckets, 0, PlayProgress::kBuckets);
    return sum / double(distinct_buckets_per_play.size());
}

} // namespace roomrec::domain
