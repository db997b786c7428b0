#include "plugin/recording/track_store.hpp"

#include "plugin/recording/store_files.hpp"

#include "common/file_mode.hpp"
#include "common/json.hpp"
#include "domain/recording_name.hpp"
#include "recorder/contract/track_sidecar.hpp"

#include <fcntl.h>
#include <jansson.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <tuple>

namespace roomrec::plugin {
namespace fs = std::filesystem;

namespace {

struct FoundTrack {
    int segment = 0;
    recorder::TrackSidecar sidecar;
    std::string path; // the worker's file
};

// tracks-<segment>/stream-<id>.json with a readable sidecar whose file has data, in segment
// and stream order. A track that never placed itself (no media, or killed before its first
// buffer) has no sidecar and is left out.
std::vector<FoundTrack> tracks_in(const std::string &work_folder, std::string &problems) {
    std::vector<FoundTrack> found;
    std::error_code failure;
    for (const auto &folder : fs::directory_iterator(work_folder, failure)) {
        int segment = -1;
        char rest = 0;
        if (std::sscanf(folder.path().filename().c_str(), "tracks-%d%c", &segment, &rest) != 1 || segment < 0)
            continue;
        std::error_code inner;
        for (const auto &entry : fs::directory_iterator(folder.path(), inner)) {
            if (entry.path().extension() != ".json") continue;
            auto decoded = recorder::decode_track_sidecar(read_file(entry.path()));
            const auto *sidecar = std::get_if<recorder::TrackSidecar>(&decoded);
            if (sidecar == nullptr) {
                problems += (problems.empty() ? "" : "; ") + entry.path().filename().string() + ": " +
                            std::get<recorder::ContractError>(decoded).message;
                continue;
            }
            const std::string path = (folder.path() / sidecar->file).string();
            if (fs::file_size(path, inner) == 0 || inner) continue;
            found.push_back({segment, *sidecar, path});
        }
    }
    std::sort(found.begin(), found.end(), [](const FoundTrack &a, const FoundTrack &b) {
        return std::tie(a.segment, a.sidecar.stream) < std::tie(b.segment, b.sidecar.stream);
    });
    return found;
}

const char *kind_name(recorder::MediaKind kind) { return kind == recorder::MediaKind::Audio ? "audio" : "video"; }
const char *source_name(recorder::StreamSource source) {
    return source == recorder::StreamSource::Stage ? "stage" : "webcam";
}

json_t *manifest_entry(const FoundTrack &track, const std::string &name, int64_t segment_start_ms) {
    const auto &spec = track.sidecar.spec;
    json_t *entry = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:I}", "file", name.c_str(), "participant",
                              spec.participant.c_str(), "user", spec.label.c_str(), "source", source_name(spec.source),
                              "kind", kind_name(spec.kind), "codec", recorder::codec_name(spec.codec), "segment",
                              track.segment, "start_offset_ms",
                              static_cast<json_int_t>(segment_start_ms + track.sidecar.start_offset_ms));
    json_object_set_new(entry, "duration_ms",
                        track.sidecar.duration_ms >= 0 ? json_integer(track.sidecar.duration_ms) : json_null());
    return entry;
}

} // namespace

StoredTracks store_tracks(const TrackStoreSettings &settings, const std::string &work_folder, const std::string &root,
                          const std::string &composite_path, const std::map<int, int64_t> &segment_starts_ms) {
    StoredTracks stored;
    const std::vector<FoundTrack> tracks = tracks_in(work_folder, stored.error);
    if (tracks.empty()) return stored;
    const fs::path composite(composite_path);
    const std::string folder_name = composite.stem().string() + " tracks";
    const fs::path final_folder = composite.parent_path() / folder_name;
    // Relative to the root, like the composite's location.
    const std::string location = fs::path(composite_path).lexically_relative(root).parent_path().string() + "/" +
                                 folder_name;
    auto describe = [&](const fs::path &folder) {
        std::error_code failure;
        for (const auto &entry : fs::directory_iterator(folder, failure))
            stored.files.push_back({entry.path().filename() == "manifest.json" ? "manifest" : "track",
                                    entry.path().string(), location + "/" + entry.path().filename().string()});
        // Tracks in name order, the manifest last.
        std::sort(stored.files.begin(), stored.files.end(), [](const auto &a, const auto &b) {
            return std::make_tuple(a.role == "manifest", a.location) < std::make_tuple(b.role == "manifest", b.location);
        });
    };
    std::error_code failure;
    stored.location = location;
    // Stored already (a crash after the rename, before the work folder was removed).
    if (fs::exists(final_folder / "manifest.json", failure)) {
        describe(final_folder);
        return stored;
    }
    const fs::path building = composite.parent_path() / ("." + folder_name + ".tmp");
    fs::remove_all(building, failure);
    if (mkdir(building.c_str(), settings.dir_mode) != 0 || !common::set_file_mode(building, settings.dir_mode,
                                                                                 stored.error)) {
        stored.error = "cannot create " + building.string() + ": " + std::strerror(errno);
        stored.location.clear();
        return stored;
    }
    common::JsonPtr entries(json_array());
    for (const FoundTrack &track : tracks) {
        const auto &spec = track.sidecar.spec;
        const std::string fallback = spec.participant.empty() ? "stream " + std::to_string(track.sidecar.stream)
                                                              : spec.participant;
        const std::string name = domain::unique_file_name(
            domain::track_file_name(spec.label, source_name(spec.source), kind_name(spec.kind),
                                    recorder::track_extension(spec.codec), fallback),
            [&](const std::string &candidate) { return fs::exists(building / candidate); });
        const std::string output = (building / name).string();
        // A stream copy: no transcoding; the index and duration a killed worker could not write.
        std::vector<std::string> command{settings.ffmpeg_path, "-nostdin", "-v", "error", "-y", "-i", track.path,
                                         "-c", "copy"};
        if (spec.codec == recorder::Codec::H264) command.insert(command.end(), {"-movflags", "+faststart"});
        command.push_back(output);
        std::string why;
        if (run_and_wait(command) != 0 || !common::set_file_mode(output, settings.file_mode, why)) {
            stored.error = "track " + name + " could not be stored" + (why.empty() ? "" : ": " + why);
            fs::remove(output, failure);
            continue;
        }
        sync_to_disk(output, 0);
        const auto start = segment_starts_ms.find(track.segment);
        json_array_append_new(entries.get(),
                              manifest_entry(track, name, start == segment_starts_ms.end() ? 0 : start->second));
    }
    common::JsonPtr manifest(json_pack("{s:s, s:O}", "composite", composite.filename().c_str(), "tracks",
                                       entries.get()));
    const std::string text = common::json_compact(manifest.get(), JSON_INDENT(2)) + "\n";
    if (!write_file((building / "manifest.json").string(), text, settings.file_mode, true) ||
        rename(building.c_str(), final_folder.c_str()) != 0) {
        stored.error = "cannot store " + final_folder.string() + ": " + std::strerror(errno);
        stored.location.clear();
        fs::remove_all(building, failure);
        return stored;
    }
    sync_to_disk(composite.parent_path(), O_DIRECTORY);
    describe(final_folder);
    return stored;
}

} // namespace roomrec::plugin
