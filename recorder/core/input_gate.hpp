// Decides, frame by frame, whether a recorded video stream's frame may reach its decoder
// (issue 11). A frame that defines a size past the stream's bound, or whose size cannot be
// read, is dropped, and so is everything after it until a keyframe within the bound: a
// decoder given the following delta frames would only decode garbage against a missing
// reference. Meanwhile the stream looks like one that sends nothing (its tile stays empty).
// Pure: one gate per stream, used by its streaming thread only.
#pragma once

#include "recorder/core/frame_header.hpp"
#include "recorder/core/frame_size.hpp"

#include <cstdint>

namespace roomrec::recorder {

class InputGate {
public:
    // While frames keep being dropped, report() turns true again after this long, so the
    // plugin asks the publisher for a keyframe again if the first request did not help.
    static constexpr int64_t kReportIntervalUs = 1'000'000;

    explicit InputGate(SizeBound bound) : bound_(bound) {}

    struct Decision {
        bool pass = true;
        bool report = false; // tell the plugin (first drop of a run, then at most once per interval)
    };
    Decision admit(const FrameHeader &header, int64_t now_us);
    // A decoder configuration outside the frames (H.264 avc caps: the parameter sets of
    // codec_data). Refused, it holds back every frame until an acceptable configuration and
    // then a keyframe; the decision says whether to report.
    Decision configure(const FrameHeader &configuration, int64_t now_us);

    SizeBound bound() const { return bound_; }
    bool blocked() const { return blocked_; }
    uint64_t dropped_frames() const { return dropped_; }
    // The size of the last refused frame (0x0 when its header was unreadable).
    FrameSize refused_size() const { return refused_size_; }

private:
    bool refuses(const FrameHeader &header) const;
    Decision drop(int64_t now_us);

    SizeBound bound_;
    bool blocked_ = false;
    bool configuration_refused_ = false;
    uint64_t dropped_ = 0;
    FrameSize refused_size_;
    int64_t reported_us_ = 0;
    bool reported_ = false;
};

} // namespace roomrec::recorder
