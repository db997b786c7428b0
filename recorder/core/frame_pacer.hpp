// Where a stream's decoded frames go on the output's frame grid (M3). The compositor fills each
// output frame [start(k), start(k+1)) with the newest input frame that begins before its end.
// A camera whose frames fall near those boundaries loses one to its own jitter now and then:
// browsers send frames 21 and 44 ms apart instead of 33, two land in one output frame, the
// first is never shown and the output frame before repeats its predecessor. For a sender
// within 10 % of the output's rate, the pacer keeps the frames in the middle of the output
// frames by a small shift of their timestamps that follows the sender's clock (from half an
// output frame earlier to 0.9 later), so a late frame of up to ~half a frame costs no frame.
// A frame is shown from one output frame before its time (as without the pacer) to 0.4 after. A
// sender slower than the output still repeats frames, a faster one still loses those that do
// not fit; senders at other rates (15, 25, 60 fps) are left as they are.
#pragma once

#include <cstdint>
#include <optional>

namespace roomrec::recorder {

class FramePacer {
public:
    // fps: the output's frame rate (1-240).
    explicit FramePacer(int fps);

    // running_ns (≥ 0, not decreasing): when the frame begins on the output's timeline
    // (GStreamer running time). Returns when it should begin: from half an output frame
    // before running_ns to 0.9 after it, never before the frame placed before it.
    int64_t place(int64_t running_ns);

    // A new segment or a flush: the next frame starts afresh.
    void reset();

    // Start of output frame k, as the compositor computes it (ns, rounded down).
    int64_t slot_start(int64_t slot) const;
    // The output frame whose interval holds running_ns.
    int64_t slot_of(int64_t running_ns) const;

private:
    // Where running_ns lies in its output frame: 0 at its start, towards 1 at its end.
    double position_in_slot(int64_t running_ns) const;
    int64_t centre_of(int64_t slot) const;
    // The shift that puts a frame in the middle of the nearest output frame after taken_slot
    // (the previous frame's), if one is within the bounds of a shift.
    std::optional<double> recentred_shift(int64_t running_ns, std::optional<int64_t> taken_slot) const;

    int64_t fps_;
    double period_ns_;
    bool paced_ = false;                  // the sender is near the output's rate: shifted
    double shift_ns_ = 0;                 // added to this stream's frames: -0.5 to +0.9 periods
    double drift_ = 0;                    // output frames per frame the sender gains or loses
    double mean_interval_ns_ = 0;         // between the sender's frames, smoothed; 0: unknown
    int64_t intervals_ = 0;               // how many it averages (up to 16)
    std::optional<int64_t> last_running_; // the previous frame's own time
    std::optional<int64_t> last_placed_;  // and where it was placed
};

} // namespace roomrec::recorder
