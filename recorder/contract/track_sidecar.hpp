// Isolated tracks: what the worker writes beside each track file it remuxes (the stream's
// description and where the track starts on the composite's timeline), and what the plugin
// reads back when it stores the recording. A file on disk rather than an event, so a track
// whose worker was killed, or whose plugin crashed, is still placed when the folder is
// recovered.
//
// {"stream": 0-65535, "file": "<name in the same folder>", "start_offset_ms", "duration_ms"
//  (-1: not known, the worker did not end the track), plus every field of the StreamSpec}.
#pragma once

#include "recorder/contract/control_messages.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace roomrec::recorder {

struct TrackSidecar {
    int stream = 0;
    StreamSpec spec;
    std::string file;
    // The track's first media on the segment's composite timeline (ms after the composite's
    // first frame; negative if the track started earlier).
    int start_offset_ms = 0;
    int duration_ms = -1;

    bool operator==(const TrackSidecar &) const = default;
};

std::string encode(const TrackSidecar &sidecar);
// A sidecar is refused when its file name could leave the folder ("/", "..", a leading dot).
Decoded<TrackSidecar> decode_track_sidecar(std::string_view json);

// The container a codec is remuxed into, as a file extension: "mp4" for H.264, else "mkv".
const char *track_extension(Codec codec);

} // namespace roomrec::recorder
