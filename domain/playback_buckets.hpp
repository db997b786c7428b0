// Recording playback progress of one play (E6, A5): which 1 % buckets of the recording were
// watched, from the (position, duration) progress reports a player sends while playing.
//
// - The recording is cut into 100 buckets of 1 % each; position p marks bucket floor(100 p / d)
//   (the very end, p = d, belongs to the last bucket).
// - Between two reports, playback moving forward by at most kMaxContinuousStepS seconds (a
//   report every 10 s at up to 2x speed) marks every bucket in between; a larger jump or any
//   move back is a seek, and marks only the bucket landed in.
// - Buckets are a set: watching a part again (seeking back) never counts twice.
// - Completion = distinct buckets / 100, so it never exceeds 100 %.
// - Hostile or broken reports (NaN, infinities, negative values, duration 0 or over
//   kMaxDurationS, position beyond the duration, a duration that changes mid-play) are
//   rejected and change nothing.
#pragma once

#include <bitset>
#include <cstdint>
#include <span>

namespace roomrec::domain {

enum class ProgressVerdict {
    Accepted,
    BadNumber,   // NaN, infinite or negative
    BadDuration, // 0, longer than kMaxDurationS, or not the duration of this play's first report
    PastEnd,     // position beyond the duration (more than kEndToleranceS)
};
const char *progress_verdict_name(ProgressVerdict verdict);

class PlayProgress {
public:
    static constexpr int kBuckets = 100;
    static constexpr double kMaxContinuousStepS = 20.0;
    static constexpr double kMaxDurationS = 7 * 24 * 3600.0;
    static constexpr double kEndToleranceS = 0.5; // players may report currentTime a hair past the end

    ProgressVerdict report(double position_s, double duration_s);

    int distinct_buckets() const { return int(buckets_.count()); }
    bool watched(int bucket) const { return bucket >= 0 && bucket < kBuckets && buckets_.test(size_t(bucket)); }
    double completion() const { return distinct_buckets() / double(kBuckets); } // 0..1
    // Media time played continuously (the forward steps between reports), for "minutes viewed".
    double watched_seconds() const { return watched_s_; }

private:
    int bucket_of(double position_s) const;

    std::bitset<kBuckets> buckets_;
    double duration_s_ = 0; // 0 until the first accepted report
    double last_position_s_ = 0;
    double watched_s_ = 0;
};

// A5: average completion rate in percent = sum of distinct buckets per play / plays, each play
// capped at 100; 0 without plays.
double average_completion_percent(std::span<const int> distinct_buckets_per_play);

} // namespace roomrec::domain
