// Where a stream's decoded audio goes on the mix's timeline (M3), without losing any of it.
// The jitter buffer moves a stream's timestamps while it learns the sender's clock (in the
// first two seconds by up to the first packet's own delay, 5-25 ms from a browser) and lip sync
// moves them when sender reports arrive. The mixer follows such a move by cutting the samples
// that now overlap, or by a gap of silence: a syllable or a beep loses its first milliseconds.
// The timeline keeps the stream's samples contiguous instead and makes each move where the
// stream is quiet (removing or adding silence), so the sound itself is never cut. A stream
// that is never quiet is moved anyway after `force_after_ns` (a cut or a gap at its quietest
// sample, as the mixer would); a move larger than `jump_ns` (a sender that stopped and came
// back) is made at once and marked a discontinuity.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace roomrec::recorder {

struct AudioTimelineSettings {
    int rate = 48000;                    // frames per second
    int channels = 2;                    // interleaved samples per frame
    int64_t tolerance_ns = 1000000;      // a smaller difference is left alone
    int64_t jump_ns = 100000000;         // a larger one is made at once
    int64_t force_after_ns = 1000000000; // how long a move waits for a quiet stretch
    float quiet_level = 0.003f;          // |sample| at or below: silence (about -50 dBFS)
    int64_t margin_ns = 1000000;         // kept untouched at each end of a quiet stretch
};

class AudioTimeline {
public:
    struct Placed {
        int64_t pts_ns = 0;   // where the buffer's (possibly edited) samples begin
        bool discont = false; // the first buffer, or a jump: the mixer starts the stream afresh
        bool edited = false;  // `out` holds the samples to mix instead of the input
        size_t frames = 0;    // how many frames go to the mix
    };

    explicit AudioTimeline(AudioTimelineSettings settings);

    // A buffer of `frames` interleaved float frames the stream places at `pts_ns`. Returns where
    // its samples go; when it returns edited, `out` holds them (frames × channels).
    Placed place(int64_t pts_ns, const float *samples, size_t frames, std::vector<float> &out);

    // A new segment or a flush: the next buffer starts the timeline afresh.
    void reset();

    int64_t removed_frames() const { return removed_frames_; }
    int64_t inserted_frames() const { return inserted_frames_; }
    int64_t forced_moves() const { return forced_moves_; }
    int64_t jumps() const { return jumps_; }

private:
    int64_t next_pts_ns() const;
    int64_t frames_for(int64_t ns) const;
    // The longest run of quiet frames in the buffer: [first, first + length).
    void quiet_run(const float *samples, size_t frames, size_t &first, size_t &length) const;
    size_t quietest_frame(const float *samples, size_t frames) const;
    // `out` = the buffer with `count` frames removed (count > 0) or silent frames inserted
    // (count < 0) at `at`.
    void edit(const float *samples, size_t frames, size_t at, int64_t count, std::vector<float> &out) const;

    AudioTimelineSettings settings_;
    bool started_ = false;
    int64_t origin_ns_ = 0;     // where the contiguous run of output began
    int64_t output_frames_ = 0; // frames placed since then
    bool waiting_ = false;      // a move is owed since waiting_since_ns_
    int64_t waiting_since_ns_ = 0;
    int64_t removed_frames_ = 0;
    int64_t inserted_frames_ = 0;
    int64_t forced_moves_ = 0;
    int64_t jumps_ = 0;
};

} // namespace roomrec::recorder
