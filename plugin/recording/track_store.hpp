// Isolated tracks at storage time: the tracks each worker run left in the work folder
// (tracks-<segment>/stream-<id>.{mkv,mp4} and its sidecar, recorder/contract/track_sidecar.hpp)
// become "<composite name without .mp4> tracks/" beside the composite in Recordings/: every
// track remuxed once more by ffmpeg (stream copy: an index and a duration even for a track cut
// by kill -9), named "<user> - <source> <kind>.<ext>" (unique), and a manifest.json that lines
// them up with the composite. Built in a hidden folder and renamed into place, so the folder is
// complete or absent, and storing it again after a crash is harmless.
#pragma once

#include "storage/core/delivery_event.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace roomrec::plugin {

struct TrackStoreSettings {
    std::string ffmpeg_path;
    unsigned file_mode = 0640;
    unsigned dir_mode = 0750;
};

struct StoredTracks {
    // Relative to the recordings root: "<room>/Recordings/<name> tracks"; empty: no tracks.
    std::string location;
    std::vector<storage::RecordingFile> files; // the tracks, then the manifest
    std::string error;                         // why a track or the folder could not be stored
};

// work_folder: the recording's work folder; composite_path: the stored composite (absolute);
// root: the recordings root; segment_starts_ms: where each worker run's segment begins in the
// stored composite (a restarted worker's tracks count from its own segment's start; a segment
// not listed begins at 0). Nothing is done when the worker wrote no track.
StoredTracks store_tracks(const TrackStoreSettings &settings, const std::string &work_folder, const std::string &root,
                          const std::string &composite_path, const std::map<int, int64_t> &segment_starts_ms = {});

} // namespace roomrec::plugin
