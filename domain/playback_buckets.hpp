// Recording playback progress of one play (E6, A5): which 1 % buckets of the recording were
// watched, from the (position, duration) progress reports a player sends while playing.
//
// - The recording is cut into 100 buckets of 1 % each: bucket b is [b d / 100, (b + 1) d / 100).
// - A report alone marks nothing: what was watched is the interval between two reports. When
//   playback moved forward by at most kMaxContinuousStepS seconds (a report every 10 s at up to
//   2x speed) from p1 to p2, every bucket that [p1, p2) overlaps with positive length is marked,
//   so a report exactly on a bucket edge does not mark the bucket starting there, and p2 = d
//   counts up to the end. A larger jump or any move back is a seek: it marks nothing, and
//   watching continues from where it landed.
// - Buckets are a set (kept whole, 100 bits): watching a part again never counts twice.
// - Completion = distinct buckets / 100, so it never exceeds 100 %.
// - Hostile or broken reports (NaN, infinities, negative values, duration 0 or over
//   kMaxDurationS, position beyond the duration, a duration that changes mid-play) are
//   rejected and change nothing.
#pragma once

#include <bitset>
#include <cstdint>
#include <span>
#include <string>

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
    // An explicit seek from from_s (a position report: the forward step to it is watched) to
    // to_s (where watching continues; the jump itself is never watched).
    ProgressVerdict seek(double from_s, double to_s, double duration_s);

    int distinct_buckets() const { return int(buckets_.count()); }
    bool watched(int bucket) const { return bucket >= 0 && bucket < kBuckets && buckets_.test(size_t(bucket)); }
    double completion() const { return distinct_buckets() / double(kBuckets); } // 0..1
    // Media time played continuously (the forward steps between reports), for "minutes viewed".
    double watched_seconds() const { return watched_s_; }
    // The set of watched buckets as 25 lowercase hex digits: digit k holds buckets 4k..4k+3,
    // the lowest bucket in its most significant bit ("8000…" = only bucket 0 watched).
    std::string watched_hex() const;

private:
    ProgressVerdict check(double position_s, double duration_s) const;
    int64_t to_us(double position_s) const;
    void move_to(double position_s, bool may_watch);

    std::bitset<kBuckets> buckets_;
    double duration_s_ = 0; // 0 until the first accepted report
    double last_position_s_ = 0;
    bool started_ = false;
    double watched_s_ = 0;
};

// A5: average completion rate in percent = sum of distinct buckets per play / plays, each play
// capped at 100; 0 without plays.
double average_completion_percent(std::span<const int> distinct_buckets_per_play);

} // namespace roomrec::domain
