#include "plugin/recording/recording_store.hpp"

#include "plugin/recording/store_files.hpp"

#include "common/json.hpp"
#include "common/log.hpp"
#include "common/utf8.hpp"
#include "domain/recording_name.hpp"
#include "domain/request_schema.hpp"

#include <fcntl.h>
#include <jansson.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace roomrec::plugin {
namespace fs = std::filesystem;

namespace {

constexpr const char *kWorkFolder = ".recordings";
constexpr const char *kFinalFolder = "Recordings";
constexpr const char *kManifest = "manifest.json";
constexpr const char *kLock = "lock";
constexpr const char *kGaps = "gaps.json";

// The name under which `file` is already hard-linked into `final_folder`, if it is.
std::optional<std::string> linked_name(const std::string &file, const std::string &final_folder) {
    struct stat info {};
    if (stat(file.c_str(), &info) != 0 || info.st_nlink < 2) return std::nullopt;
    std::error_code failure;
    for (const auto &entry : fs::directory_iterator(final_folder, failure)) {
        struct stat candidate {};
        if (stat(entry.path().c_str(), &candidate) == 0 && candidate.st_ino == info.st_ino &&
            candidate.st_dev == info.st_dev)
            return entry.path().filename().string();
    }
    return std::nullopt;
}

} // namespace

RecordingStore::RecordingStore(std::string root, std::string ffmpeg_path, unsigned file_mode, unsigned dir_mode)
    : root_(std::move(root)), ffmpeg_path_(std::move(ffmpeg_path)), file_mode_(file_mode), dir_mode_(dir_mode) {}

std::optional<int> RecordingStore::begin(const RecordingManifest &manifest, std::string &folder,
                                         std::string &error) const {
    const std::string relative = manifest.room_id + "/" + kWorkFolder + "/" + manifest.recording_id;
    folder = root_ + "/" + relative;
    if (!common::make_folders_below(root_, relative, dir_mode_, error)) return std::nullopt;
    const common::JsonPtr object(json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "recording_id",
                                           manifest.recording_id.c_str(), "room", manifest.room_id.c_str(), "title",
                                           manifest.title.c_str(), "file_name", manifest.file_name.c_str(), "owner",
                                           manifest.owner.c_str(), "initiator", manifest.initiator.c_str(),
                                           "started_unix", static_cast<json_int_t>(manifest.started_unix)));
    // Kept so that a recording finalized after a crash still reaches its people by mail.
    if (object && !manifest.owner_email.empty())
        json_object_set_new(object.get(), "owner_email", json_string(manifest.owner_email.c_str()));
    if (object && !manifest.initiator_email.empty())
        json_object_set_new(object.get(), "initiator_email", json_string(manifest.initiator_email.c_str()));
    const std::string text = common::json_compact(object);
    if (text.empty() || !write_durably(folder + "/" + kManifest, text, file_mode_)) {
        error = "cannot write the manifest in " + folder + ": " + std::strerror(errno);
        return std::nullopt;
    }
    auto lock = try_lock(folder);
    if (!lock) error = "cannot lock " + folder;
    return lock;
}

std::optional<int> RecordingStore::try_lock(const std::string &folder) {
    // Never read; it only carries the flock.
    const int fd = open((folder + "/" + kLock).c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return std::nullopt;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        return std::nullopt;
    }
    return fd;
}

bool RecordingStore::record_gaps(const std::string &folder, const RecordedGaps &gaps) const {
    const std::string text = common::json_compact(
        common::JsonPtr(json_pack("{s:i, s:f}", "gaps", gaps.count, "gap_seconds", gaps.seconds)));
    return !text.empty() && write_durably(folder + "/" + kGaps, text, file_mode_);
}

RecordedGaps RecordingStore::read_gaps(const std::string &folder) {
    const common::JsonPtr object(json_load_file((folder + "/" + kGaps).c_str(), 0, nullptr));
    RecordedGaps gaps;
    const json_t *count = json_object_get(object.get(), "gaps");
    const json_t *seconds = json_object_get(object.get(), "gap_seconds");
    // A damaged tally counts as none rather than as nonsense.
    if (json_is_integer(count) && json_integer_value(count) >= 0 && json_integer_value(count) < 1000000 &&
        json_is_number(seconds) && json_number_value(seconds) >= 0) {
        gaps.count = static_cast<int>(json_integer_value(count));
        gaps.seconds = json_number_value(seconds);
    }
    return gaps;
}

std::optional<RecordingManifest> RecordingStore::read_manifest(const std::string &folder) {
    const common::JsonPtr object(json_load_file((folder + "/" + kManifest).c_str(), 0, nullptr));
    if (!json_is_object(object.get())) return std::nullopt;
    RecordingManifest manifest;
    manifest.recording_id = domain::string_field(object.get(), "recording_id");
    manifest.room_id = domain::string_field(object.get(), "room");
    manifest.title = domain::string_field(object.get(), "title");
    // A manifest written by an older build may name the file with invisible characters.
    manifest.file_name = common::without_invisible(domain::string_field(object.get(), "file_name"));
    manifest.owner = domain::string_field(object.get(), "owner");
    manifest.initiator = domain::string_field(object.get(), "initiator");
    manifest.owner_email = domain::string_field(object.get(), "owner_email");
    manifest.initiator_email = domain::string_field(object.get(), "initiator_email");
    manifest.started_unix = json_integer_value(json_object_get(object.get(), "started_unix"));
    // The names come from a file on disk: accept only what begin() could have written.
    if (!domain::is_identifier(manifest.room_id.c_str(), 64) || manifest.file_name.empty() ||
        manifest.file_name[0] == '.' || manifest.file_name.find('/') != std::string::npos)
        return std::nullopt;
    return manifest;
}

namespace {

// The worker run a segment file belongs to (segment-<N>.mp4), or -1 for any other file.
int segment_index(const std::string &path) {
    int index = -1;
    char tail[8] = {};
    const std::string name = fs::path(path).filename();
    return std::sscanf(name.c_str(), "segment-%d.%7s", &index, tail) == 2 && std::strcmp(tail, "mp4") == 0 && index >= 0
               ? index
               : -1;
}

} // namespace

std::vector<std::string> RecordingStore::segments_in(const std::string &folder) {
    std::vector<std::pair<int, std::string>> numbered;
    std::error_code failure;
    for (const auto &entry : fs::directory_iterator(folder, failure)) {
        const int index = segment_index(entry.path());
        if (index >= 0) numbered.emplace_back(index, entry.path());
    }
    std::sort(numbered.begin(), numbered.end());
    std::vector<std::string> paths;
    for (auto &[index, path] : numbered)
        if (fs::file_size(path, failure) > 0 && !failure) paths.push_back(path);
    return paths;
}

std::vector<std::string> RecordingStore::unfinished() const {
    std::vector<std::string> folders;
    std::error_code failure;
    for (const auto &room : fs::directory_iterator(root_, failure)) {
        std::error_code inner;
        for (const auto &recording : fs::directory_iterator(room.path() / kWorkFolder, inner))
            if (fs::exists(recording.path() / kManifest, inner)) folders.push_back(recording.path());
    }
    std::sort(folders.begin(), folders.end());
    return folders;
}

namespace {

constexpr common::Logger kLog("recording");

// ffprobe beside ffmpeg (Debian installs both in /usr/bin); empty if ffmpeg_path is not named
// ffmpeg.
std::string ffprobe_beside(const std::string &ffmpeg_path) {
    const fs::path ffmpeg(ffmpeg_path);
    return ffmpeg.filename() == "ffmpeg" ? (ffmpeg.parent_path() / "ffprobe").string() : std::string();
}

} // namespace

std::vector<std::optional<SegmentEnd>> RecordingStore::segment_ends(const std::vector<std::string> &segments,
                                                                    const std::string &folder) const {
    // Every segment but the last is followed by another: each one's end is where the join cuts it.
    std::vector<std::optional<SegmentEnd>> ends;
    const std::string ffprobe = ffprobe_beside(ffmpeg_path_);
    if (segments.size() < 2 || ffprobe.empty()) return ends;
    const std::string answer = folder + "/probe.json";
    for (size_t i = 0; i + 1 < segments.size(); ++i) {
        std::optional<SegmentEnd> end;
        if (run_and_wait({ffprobe, "-v", "error", "-show_entries",
                          "format=start_time,duration:stream=codec_type,start_time,duration", "-of", "json",
                          segments[i]},
                         answer) == 0)
            end = segment_end(read_file(answer));
        if (!end)
            kLog.error(common::format_text("cannot read where %s ends: it is joined at its longest track's end, and "
                                           "the isolated tracks of the segments after it are placed from their own "
                                           "segment's start",
                                           segments[i].c_str()));
        ends.push_back(end);
    }
    std::error_code ignored;
    fs::remove(answer, ignored);
    return ends;
}

std::map<int, int64_t> RecordingStore::segment_starts(const std::vector<std::string> &segments,
                                                      const std::vector<std::optional<SegmentEnd>> &ends) {
    // The join places each segment where the one before was cut (concatenate()).
    std::map<int, int64_t> starts;
    if (segments.size() < 2 || ends.size() + 1 != segments.size()) return starts;
    double start_s = 0;
    for (size_t i = 0; i < segments.size(); ++i) {
        starts[segment_index(segments[i])] = std::llround(start_s * 1000);
        if (i == ends.size() || !ends[i]) break;
        start_s += ends[i]->length_s;
    }
    return starts;
}

bool RecordingStore::concatenate(const std::vector<std::string> &segments,
                                 const std::vector<std::optional<SegmentEnd>> &ends, const std::string &list_path,
                                 const std::string &output, std::string &error) const {
    std::string list;
    for (size_t i = 0; i < segments.size(); ++i) {
        std::string quoted; // the concat list quotes with '...', an embedded ' as '\''
        for (const char c : segments[i]) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
        list += "file '" + quoted + "'\n";
        // Cut where its audio ends, so that audio and picture go on from one instant (segment_end.hpp).
        if (i < ends.size() && ends[i]) list += common::format_text("outpoint %.6f\n", ends[i]->outpoint_s);
    }
    if (!write_file(list_path, list, file_mode_, false)) {
        error = "cannot write " + list_path + ": " + std::strerror(errno);
        return false;
    }
    // Stream copy: the segments share codecs and sizes; the gap between them is not kept.
    const int status = run_and_wait({ffmpeg_path_, "-nostdin", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i",
                                     list_path, "-c", "copy", "-movflags", "+faststart", "-f", "mp4", output});
    if (status != 0) {
        error = status < 0 ? "cannot run " + ffmpeg_path_
                           : "ffmpeg could not join the segments (exit " + std::to_string(status) + ")";
        return false;
    }
    // ffmpeg created the file with Janus's umask.
    return common::set_file_mode(output, file_mode_, error);
}

StoredRecording RecordingStore::finalize(const std::string &folder, const RecordingManifest &manifest,
                                         std::vector<std::string> segments) const {
    StoredRecording stored;
    std::erase_if(segments, [](const std::string &path) {
        std::error_code failure;
        return fs::file_size(path, failure) == 0 || failure;
    });
    stored.segments = segments.size();
    if (segments.empty()) {
        stored.error = "nothing was recorded";
        std::error_code ignored;
        fs::remove_all(folder, ignored);
        return stored;
    }
    const std::vector<std::optional<SegmentEnd>> ends = segment_ends(segments, folder);
    const std::string final_folder = root_ + "/" + manifest.room_id + "/" + kFinalFolder;
    std::string joined = segments.size() > 1 ? folder + "/joined.mp4" : segments.front();
    // A crash after the link below but before the folder was removed: stored already, once.
    if (const auto name = linked_name(joined, final_folder)) {
        stored.ok = true;
        stored.path = final_folder + "/" + *name;
        stored.location = manifest.room_id + "/" + kFinalFolder + "/" + *name;
        stored.tracks = store_tracks({ffmpeg_path_, file_mode_, dir_mode_}, folder, root_, stored.path,
                                     segment_starts(segments, ends));
        std::error_code ignored;
        fs::remove_all(folder, ignored);
        return stored;
    }
    if (segments.size() > 1 && !concatenate(segments, ends, folder + "/segments.txt", joined, stored.error))
        return stored;       // folder kept for a retry
    sync_to_disk(joined, 0); // the worker writes without syncing; the stored file must survive a power cut
    // Whatever wrote it (a worker of an older build, a crash-time file), the stored file gets the
    // mode before it is linked where it is kept.
    if (!common::set_file_mode(joined, file_mode_, stored.error) ||
        !common::make_folders_below(root_, manifest.room_id + "/" + kFinalFolder, dir_mode_, stored.error))
        return stored; // folder kept for a retry
    // link() never replaces an existing file: a name taken meanwhile gets the next number.
    for (int attempt = 0; attempt < 3 && !stored.ok; ++attempt) {
        std::string name;
        try {
            name = domain::unique_file_name(manifest.file_name, [&](const std::string &candidate) {
                return fs::exists(final_folder + "/" + candidate);
            });
        } catch (const std::exception &error) {
            stored.error = error.what();
            return stored;
        }
        const std::string path = final_folder + "/" + name;
        if (link(joined.c_str(), path.c_str()) == 0) {
            stored.ok = true;
            stored.path = path;
            stored.location = manifest.room_id + "/" + kFinalFolder + "/" + name;
        } else if (errno != EEXIST) {
            stored.error = "cannot store " + path + ": " + std::strerror(errno);
            return stored;
        }
    }
    if (!stored.ok) {
        stored.error = "no free file name in " + final_folder;
        return stored;
    }
    sync_to_disk(final_folder, O_DIRECTORY);
    // The composite is stored: a track that cannot be stored is reported, never a reason to keep
    // the work folder (and the recording) unstored.
    stored.tracks = store_tracks({ffmpeg_path_, file_mode_, dir_mode_}, folder, root_, stored.path,
                                 segment_starts(segments, ends));
    std::error_code failure;
    fs::remove_all(folder, failure);
    return stored;
}

} // namespace roomrec::plugin
