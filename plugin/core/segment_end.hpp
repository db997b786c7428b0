// Where one segment of a recording ends when the next is joined after it. A worker killed
// mid-way leaves a segment whose audio and video stop at different times (each track's last
// fragment ends with its own last buffer, ~0-100 ms apart). ffmpeg's concat places the next
// segment after the longer track, so the shorter one has a hole there: the joined audio keeps
// its timestamps, but a decoder that plays samples back to back (ffmpeg, most editors, a
// player that does not fill holes) runs that much ahead of the picture for the rest of the
// file. Cutting the segment where its audio ends joins both tracks at one instant: the audio
// stays contiguous, the picture's last frame is held or its trailing frames dropped.
#pragma once

#include <optional>
#include <string_view>

namespace roomrec::plugin {

struct SegmentEnd {
    double outpoint_s = 0; // in the segment's own timestamps: concat's "outpoint"
    double length_s = 0;   // from the segment's start: where the next one begins after the join
};

// Reads `ffprobe -show_entries format=start_time,duration:stream=codec_type,start_time,duration
// -of json`: the end of the first audio stream, or of the whole file when it has no audio, the
// audio's duration is unknown, or the audio ends over 1 s before the file (not a worker's
// always-sounding mix: cutting there would drop picture). None for anything but such output
// with times from 0 to 48 h, or an end that is not after the file's start.
std::optional<SegmentEnd> segment_end(std::string_view ffprobe_json);

} // namespace roomrec::plugin
