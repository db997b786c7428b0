// Local storage of recordings (S1, C8, M4). A recording is written in its own work
// folder, <root>/<room>/.recordings/<id>/ (a manifest, a lock, one segment per worker run),
// and lands as one MP4 in <root>/<room>/Recordings/ when finalized. A work folder nobody holds
// the lock of was left by a crash: start-up recovery finalizes it the same way.
#pragma once

#include "common/file_mode.hpp"
#include "plugin/core/segment_end.hpp"
#include "plugin/recording/track_store.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace roomrec::plugin {

struct RecordingManifest {
    std::string recording_id;
    std::string room_id;
    std::string title;     // the room's title when it started (S5)
    std::string file_name; // C8 name chosen at the start; made unique when stored
    std::string owner;     // C9
    std::string initiator; // user id of whoever started it
    // Their addresses from signed tokens (email=) when the recording started, or "".
    std::string owner_email, initiator_email;
    int64_t started_unix = 0;
};

// Media lost to recorder restarts so far, kept in the work folder so that a recording finalized
// after a Janus crash still reports them.
struct RecordedGaps {
    int count = 0;
    double seconds = 0;
};

struct StoredRecording {
    bool ok = false;
    std::string path;     // absolute path of the MP4
    std::string location; // <room>/Recordings/<file name>, relative to the root
    size_t segments = 0;
    std::string error;
    StoredTracks tracks; // isolated tracks, if the recording has any
};

class RecordingStore {
public:
    // Files and folders it writes under root get file_mode and dir_mode (common/file_mode).
    RecordingStore(std::string root, std::string ffmpeg_path, unsigned file_mode = common::kDefaultFileMode,
                   unsigned dir_mode = common::kDefaultFolderMode);

    const std::string &root() const { return root_; }

    // Creates the work folder, writes the manifest durably and takes the folder's lock.
    // Returns the lock descriptor (kept open for as long as anyone writes the folder).
    std::optional<int> begin(const RecordingManifest &manifest, std::string &folder, std::string &error) const;

    // Joins the segments (a restarted worker leaves several) into one MP4 under Recordings/,
    // stores the isolated tracks beside it (track_store.hpp), then removes the work folder. Runs off the signalling thread: it may take seconds.
    StoredRecording finalize(const std::string &folder, const RecordingManifest &manifest,
                             std::vector<std::string> segments) const;

    // Rewrites the folder's gap tally durably (the link thread, after each gap closes).
    bool record_gaps(const std::string &folder, const RecordedGaps &gaps) const;
    // The tally record_gaps left, or none.
    static RecordedGaps read_gaps(const std::string &folder);

    // Work folders left behind (whether or not someone still holds them).
    std::vector<std::string> unfinished() const;
    static std::optional<RecordingManifest> read_manifest(const std::string &folder);
    // The folder's segment files in order.
    static std::vector<std::string> segments_in(const std::string &folder);
    // A lock descriptor if nobody else holds the folder.
    static std::optional<int> try_lock(const std::string &folder);

private:
    // Where each segment but the last ends for the join (plugin/core/segment_end.hpp), by ffprobe;
    // none for one it cannot read, and no entries for one segment or without ffprobe beside ffmpeg.
    std::vector<std::optional<SegmentEnd>> segment_ends(const std::vector<std::string> &segments,
                                                        const std::string &folder) const;
    // Where each segment (by its index) begins in the joined composite, in ms, up to the first
    // segment after an unknown end; empty for one segment.
    static std::map<int, int64_t> segment_starts(const std::vector<std::string> &segments,
                                                 const std::vector<std::optional<SegmentEnd>> &ends);
    bool concatenate(const std::vector<std::string> &segments, const std::vector<std::optional<SegmentEnd>> &ends,
                     const std::string &list_path, const std::string &output, std::string &error) const;

    std::string root_;
    std::string ffmpeg_path_;
    unsigned file_mode_;
    unsigned dir_mode_;
};

} // namespace roomrec::plugin
