// The colour description of a video stream's decoded frames, as its bitstream states it
// (H.264 VUI, VP9 colour config; VP8 is BT.601 by definition), without GStreamer types: the
// worker labels decoded frames with it instead of letting GStreamer guess by frame size.
#pragma once

namespace roomrec::recorder {

enum class ColourMatrix { Unspecified, Bt601, Bt709, Bt2020, Smpte240 };

struct VideoColour {
    ColourMatrix matrix = ColourMatrix::Unspecified;
    bool full_range = false;

    bool operator==(const VideoColour &) const = default;
};

// What an undescribed stream is taken for: WebRTC senders (libwebrtc's VP8, VP9 and H.264
// encoders, browsers' hardware encoders) write BT.601 limited range and seldom say so.
VideoColour resolve_colour(VideoColour stated);

} // namespace roomrec::recorder
