#include "storage/delivery/upload_job.hpp"

#include "common/log.hpp"
#include "common/wall_clock.hpp"
#include "storage/core/contained_path.hpp"
#include "storage/s3/resumable_upload.hpp"
#include "storage/s3/s3_client.hpp"

#include <unistd.h>

namespace roomrec::storage {
namespace {

constexpr common::Logger kLog("delivery");

struct FileToSend {
    std::string role, path, location;
};

} // namespace

UploadOutcome run_upload(const std::string &job_id, const DeliveryEvent &event, UploadProgress progress, S3Client &s3,
                         const UploadSettings &settings, const std::function<bool(const UploadProgress &)> &persist,
                         const std::atomic<bool> *cancel) {
    const RecordingFacts &facts = *event.recording;
    std::vector<FileToSend> files{{"composite", facts.file_path, facts.location}};
    for (const RecordingFile &file : facts.files) files.push_back({file.role, file.file_path, file.location});

    UploadOutcome outcome;
    if (progress.files_done > files.size()) {
        outcome.permanent = true;
        outcome.error = "upload of " + facts.recording_id + ": its progress counts more files than it has";
        return outcome;
    }
    // Every file is checked before any is sent: a job that cannot finish should not half-fill the store.
    std::vector<std::string> paths;
    for (size_t index = 0; index < files.size(); ++index) {
        const ContainedPath contained = index == 0
                                            ? resolve_contained_path(settings.recordings_root, files[index].path)
                                            : resolve_contained_track_path(settings.recordings_root, files[index].path);
        if (!contained.error.empty()) {
            kLog.error("job " + job_id + " refused (not uploaded, not deleted): " + contained.error);
            outcome.permanent = true;
            outcome.error = "upload of " + facts.recording_id + ": " + contained.error;
            return outcome;
        }
        paths.push_back(contained.path);
    }
    for (uint32_t index = progress.files_done; index < files.size(); ++index) {
        const FileToSend &file = files[index];
        if (access(paths[index].c_str(), R_OK) != 0) {
            outcome.permanent = true;
            outcome.error = "upload of " + facts.recording_id + ": the " +
                            (index == 0 ? "recording file " : file.role + " file ") + file.path + " is gone";
            return outcome;
        }
        Metadata metadata;
        metadata.user = {{"recording-id", facts.recording_id}, {"room", event.room_id}, {"role", file.role}};
        if (index == 0 && !facts.sha256.empty()) metadata.user.push_back({"sha256", facts.sha256});
        // The resumable upload resets its progress when it starts over: the file index is ours.
        const auto persist_file = [&](const UploadProgress &done) {
            UploadProgress stored = done;
            stored.files_done = index;
            return persist(stored);
        };
        const S3Outcome sent = upload_file(s3, file.location, paths[index], metadata, progress, persist_file, cancel);
        if (!sent.ok) {
            outcome.permanent = !sent.retryable;
            outcome.error = "upload of " + facts.recording_id + (index == 0 ? "" : " (" + file.location + ")") + ": " +
                            sent.error;
            return outcome;
        }
        progress = UploadProgress();
        progress.files_done = index + 1;
        if (index + 1 < files.size() && !persist(progress)) {
            outcome.error = "upload of " + facts.recording_id + ": its progress could not be stored";
            return outcome; // retryable: the file just sent is sent again
        }
    }
    outcome.done = true;
    outcome.local_paths = paths;
    UploadedObject &object = outcome.object;
    object.bucket = settings.bucket;
    object.key_prefix = settings.key_prefix;
    object.key = settings.key_prefix + facts.location;
    object.url = s3.presign_get(facts.location, settings.presign_seconds).value_or("");
    object.url_expires_ms = common::unix_time_ms() + settings.presign_seconds * 1000;
    object.sha256 = facts.sha256;
    object.size_bytes = facts.size_bytes;
    for (const RecordingFile &file : facts.files)
        object.file_urls.push_back(s3.presign_get(file.location, settings.presign_seconds).value_or(""));
    return outcome;
}

} // namespace roomrec::storage
