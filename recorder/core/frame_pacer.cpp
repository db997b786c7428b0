#include "recorder/core/frame_pacer.hpp"

#include <algorithm>
#include <cmath>

namespace roomrec::recorder {

namespace {
constexpr int64_t kSecondNs = 1000000000;
// How fast the shift follows the frames: 1/8 of each frame's distance from the middle, so one
// frame's jitter moves it by under 2 ms.
constexpr double kGain = 1.0 / 8;
// How fast it learns the sender's clock against the output's (a 29.5 fps camera gains 1.7 % of
// an output frame per frame): without that the shift would trail such a sender by drift / kGain.
constexpr double kDriftGain = 1.0 / 64;
// How far a frame may be moved, in output frames. Frames are shown at the start of their
// output frame, so a frame in the middle of one is shown half an output frame before its
// placed time: from -0.5 to +0.9, frames are shown between one output frame before their time
// (as without the pacer) and 0.4 after it. Below -0.5 the frame moves to the middle of the
// next output frame (a slower sender: the one before repeats, as it must). Above +0.5 it moves
// back to the middle of an earlier one as soon as that one is free (the sender left a gap).
// Following stops at +0.9: frames that keep coming early then move towards the start of their
// output frames, and one that reaches its predecessor's replaces it (a faster sender, as it
// must). The shift is not moved back a whole output frame at +0.9, which lost a frame every
// time: the jitter buffer closes a browser's frames up for a while as it learns its clock
// (32.3 ms apart for half a second). The price: held at +0.9, frames keep less room for an
// early frame until the sender leaves a gap. Nor wrapped at +0.5: a sender whose frames fall
// near the boundaries sits there, and would lose a frame each time its jitter flipped it.
constexpr double kEarliestShift = -0.5;
constexpr double kPreferredShift = 0.5;
constexpr double kLatestShift = 0.9;
// A frame further than this from the middle of its output frame (in output frames, 8 ms at
// 30 fps) is put back in the middle of a free one rather than followed: the sender's timing
// stepped (a frame it dropped, a late frame).
constexpr double kSmallError = 0.25;
// Senders within 10 % of the output's rate are paced; others (15, 25, 60 fps) fall on the
// output frames in a pattern of their own that no shift keeps clear of the boundaries.
constexpr double kPacedRate = 0.10;
// Smoothing of the sender's frame interval: about the last 16 frames count. Intervals above
// 1.5 output frames (a pause, or pictures dropped as unchanged) say nothing of its rate.
constexpr int64_t kIntervalWeight = 16;
constexpr double kLongestInterval = 1.5;
// A frame this many output frames after the previous one is centred afresh: there is no
// neighbour to collide with.
constexpr int64_t kPauseFrames = 4;
} // namespace

FramePacer::FramePacer(int fps) : fps_(std::clamp(fps, 1, 240)), period_ns_(double(kSecondNs) / fps_) {}

void FramePacer::reset() {
    paced_ = false;
    shift_ns_ = 0;
    drift_ = 0;
    mean_interval_ns_ = 0;
    intervals_ = 0;
    last_running_.reset();
    last_placed_.reset();
}

int64_t FramePacer::slot_start(int64_t slot) const { return slot * kSecondNs / fps_; }

int64_t FramePacer::slot_of(int64_t running_ns) const {
    // The estimate is off by at most one either way (slot_start rounds down).
    int64_t slot = running_ns * fps_ / kSecondNs;
    while (slot > 0 && slot_start(slot) > running_ns) --slot;
    while (slot_start(slot + 1) <= running_ns) ++slot;
    return slot;
}

double FramePacer::position_in_slot(int64_t running_ns) const {
    const int64_t slot = slot_of(running_ns);
    const int64_t start = slot_start(slot);
    return double(running_ns - start) / double(slot_start(slot + 1) - start);
}

int64_t FramePacer::centre_of(int64_t slot) const { return (slot_start(slot) + slot_start(slot + 1)) / 2; }

std::optional<double> FramePacer::recentred_shift(int64_t running_ns, std::optional<int64_t> taken_slot) const {
    // The middle of an output frame after the previous frame's, as near the frame's own time
    // as may be: its own output frame, the one before (if free) or the one after.
    const int64_t own = slot_of(running_ns);
    std::optional<double> best;
    for (int64_t slot = std::max<int64_t>(0, own - 1); slot <= own + 1; ++slot) {
        if (taken_slot && slot <= *taken_slot) continue;
        const double shift = double(centre_of(slot) - running_ns);
        if (shift >= kEarliestShift * period_ns_ && shift <= kLatestShift * period_ns_ &&
            (!best || std::abs(shift) < std::abs(*best)))
            best = shift;
    }
    return best;
}

int64_t FramePacer::place(int64_t running_ns) {
    if (running_ns < 0) return running_ns;
    const bool in_order = last_running_ && running_ns >= *last_running_;
    const int64_t interval = in_order ? running_ns - *last_running_ : 0;
    if (in_order && interval > 0 && interval <= kLongestInterval * period_ns_) {
        // The plain mean of the first intervals (a stream's first frames come unevenly), then
        // a moving one.
        intervals_ = std::min(intervals_ + 1, kIntervalWeight);
        mean_interval_ns_ += (interval - mean_interval_ns_) / double(intervals_);
    }
    const bool fresh = !in_order || interval > kPauseFrames * int64_t(period_ns_);
    // The output frame the previous frame went to; after a pause it no longer matters.
    const std::optional<int64_t> taken_slot = last_placed_ && !fresh ? std::optional<int64_t>(slot_of(*last_placed_))
                                                                     : std::nullopt;
    last_running_ = running_ns;
    const bool near_output_rate = mean_interval_ns_ > 0 &&
                                  std::abs(mean_interval_ns_ - period_ns_) <= kPacedRate * period_ns_;
    if (!near_output_rate) {
        paced_ = false;
        shift_ns_ = drift_ = 0;
    } else {
        const int64_t shifted = std::max<int64_t>(0, running_ns + std::llround(shift_ns_));
        const double error = position_in_slot(shifted) - 0.5; // in output frames
        const bool collides = taken_slot && slot_of(shifted) <= *taken_slot;
        const bool follow = paced_ && !fresh && !collides && std::abs(error) <= kSmallError;
        if (follow) {
            // Follow the sender: its jitter a little, its clock against the output's fully.
            const double drift = std::clamp(drift_ + error * kDriftGain, -kPacedRate, kPacedRate);
            const double followed = shift_ns_ - (error * kGain + drift) * period_ns_;
            if (followed <= kLatestShift * period_ns_) {
                drift_ = drift;
                shift_ns_ = followed;
            } else {
                // Held at the bound: the clock estimate may unwind but not grow further past it.
                drift_ = std::max(drift_, drift);
                shift_ns_ = kLatestShift * period_ns_;
            }
        }
        // The first paced frame (or the first after a pause), a frame far from the middle (the
        // sender's timing stepped), one about to share the previous frame's output frame, or a
        // shift out of bounds: into the middle of a free output frame. None within reach: the
        // sender is faster than the output, and this frame replaces the one before.
        const bool must = !follow || shift_ns_ < kEarliestShift * period_ns_ || shift_ns_ > kLatestShift * period_ns_;
        if (must || shift_ns_ > kPreferredShift * period_ns_) {
            const auto recentred = recentred_shift(running_ns, taken_slot);
            if (recentred && (must || std::abs(*recentred) < std::abs(shift_ns_))) shift_ns_ = *recentred;
            while (shift_ns_ > kLatestShift * period_ns_) shift_ns_ -= period_ns_;
            while (shift_ns_ < kEarliestShift * period_ns_) shift_ns_ += period_ns_;
        }
        paced_ = true;
    }
    int64_t placed = std::max<int64_t>(0, running_ns + std::llround(shift_ns_));
    if (last_placed_ && !fresh) placed = std::max(placed, *last_placed_);
    last_placed_ = placed;
    return placed;
}

} // namespace roomrec::recorder
