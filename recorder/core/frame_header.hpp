// What the header of one depayloaded video frame says about the decoder's frame size, read
// without decoding (issue 11): VP8 keyframes (RFC 6386 9.1), VP9 uncompressed headers
// (key, intra-only and inter frames with an explicit size; superframes frame by frame), and
// H.264 access units in Annex B or avc form and avc decoder configurations (every sequence
// parameter set, high profiles included).
// Pure and total: any byte string gives an answer, never a crash or a read out of bounds
// (fuzzed by fuzz/fuzz_frame_header.cpp).
#pragma once

#include "recorder/contract/control_messages.hpp"
#include "recorder/core/frame_size.hpp"
#include "recorder/core/video_colour.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace roomrec::recorder {

struct FrameHeader {
    bool key = false;       // a decoder can start here (VP8/VP9 keyframe, H.264 IDR)
    bool sets_size = false; // the frame (re)defines the decoded frame size: size holds it
    bool malformed = false; // it defines one, but its header cannot be read
    FrameSize size;         // the largest size the frame defines (pixels, before any scaling hint)
    // The colour the frame (re)defines for what follows: VP8 keyframes (always BT.601), VP9
    // key and intra-only frames, H.264 sequence parameter sets (their VUI; unspecified without).
    std::optional<VideoColour> colour;

    bool operator==(const FrameHeader &) const = default;
};

FrameHeader read_vp8_frame(const uint8_t *data, size_t length);
FrameHeader read_vp9_frame(const uint8_t *data, size_t length);
// An access unit in Annex B byte-stream form (start codes), as h264parse emits with
// stream-format=byte-stream,alignment=au. The size is the cropped size, unless cropping hides
// more than padding to whole macroblocks would (32 lines or columns): then the coded size.
FrameHeader read_h264_access_unit(const uint8_t *data, size_t length);
// The same for an access unit in avc form (stream-format=avc): each NAL unit after its length,
// big endian, in length_size (1-4) bytes.
FrameHeader read_h264_avc_access_unit(const uint8_t *data, size_t length, int length_size);
// An avc decoder configuration record (the codec_data of avc caps, ISO 14496-15 5.2.4.1):
// the sizes of its sequence parameter sets; length_size receives the NAL length size of the
// stream's access units (unchanged when the record is malformed).
FrameHeader read_h264_avc_config(const uint8_t *data, size_t length, int &length_size);

// Dispatches on a video codec; an Opus frame says nothing.
FrameHeader read_frame_header(Codec codec, const uint8_t *data, size_t length);

} // namespace roomrec::recorder
