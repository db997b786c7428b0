// A video branch's decoder output, before its convert and scale (issue 14): the frames are
// labelled with the colour their bitstream states (BT.601 limited when it says nothing, as
// WebRTC senders write it) instead of GStreamer's guess by frame size, so the convert passes
// them through unless they really are in another colour space; and a frame identical to the
// one before it (a still screen share, a sender repeating frames) is dropped there, so it is
// not converted, scaled and queued again: the compositor keeps showing the previous one.
#pragma once

#include "recorder/core/video_colour.hpp"

#include "common/gst_handles.hpp"

#include <gst/gst.h>

#include <atomic>
#include <cstdint>
#include <functional>

namespace roomrec::recorder {

class DecodedVideo {
public:
    // must_pass: a frame goes through even if unchanged (the branch's cell changed and only a
    // frame makes its scale renegotiate). Called on the branch's streaming thread.
    explicit DecodedVideo(std::function<bool()> must_pass);
    DecodedVideo(const DecodedVideo &) = delete;
    DecodedVideo &operator=(const DecodedVideo &) = delete;

    // What the bitstream said last (from the gate, before the decoder sees the frame).
    void stated(VideoColour colour);
    // Watches the decoder's src pad (caps and frames).
    void attach(GstElement *decoder);
    // Unchanged frames dropped so far.
    uint64_t repeated_frames() const { return repeated_.load(); }

private:
    static GstPadProbeReturn on_decoded(GstPad *pad, GstPadProbeInfo *info, gpointer self);
    GstEvent *relabelled(GstEvent *caps_event) const;
    bool repeats_previous(GstBuffer *buffer);

    std::function<bool()> must_pass_;
    std::atomic<int> matrix_{static_cast<int>(ColourMatrix::Unspecified)};
    std::atomic<bool> full_range_{false};
    common::GstBufferPtr previous_; // the last frame let through; streaming thread only
    std::atomic<uint64_t> repeated_{0};
};

} // namespace roomrec::recorder
