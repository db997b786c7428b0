#include "storage/delivery/delete_job.hpp"

#include "common/json.hpp"
#include "common/log.hpp"
#include "storage/core/contained_path.hpp"
#include "storage/core/delivery_rows.hpp"
#include "storage/s3/s3_client.hpp"

#include <jansson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace roomrec::storage {
namespace {
constexpr common::Logger kLog("delivery");
} // namespace

std::string delete_job_id(const std::string &recording) { return recording + ":delete"; }

std::string delete_payload(const DeleteRequest &request) {
    common::JsonPtr payload(json_pack("{s:s, s:s, s:s}", "recording", request.recording.c_str(), "storage",
                                      request.storage.c_str(), "location", request.location.c_str()));
    if (!request.files.empty()) {
        json_t *files = json_array();
        for (const std::string &file : request.files) json_array_append_new(files, json_string(file.c_str()));
        json_object_set_new(payload.get(), "files", files);
    }
    return common::json_compact(payload);
}

std::optional<DeleteRequest> delete_of_payload(const std::string &json, std::string &error) {
    json_error_t parse_error;
    const common::JsonPtr payload(json_loads(json.c_str(), 0, &parse_error));
    DeleteRequest request;
    const auto text = [&](const char *name, std::string &out) {
        const char *value = json_string_value(json_object_get(payload.get(), name));
        if (value) out = value;
        return value != nullptr;
    };
    // Jobs queued before recordings had files carry none.
    const json_t *files = json_object_get(payload.get(), "files");
    bool files_ok = files == nullptr || (json_is_array(files) && json_array_size(files) <= kMaxRecordingFiles);
    size_t index;
    const json_t *file;
    json_array_foreach(files, index, file) {
        const char *location = json_string_value(file);
        files_ok = files_ok && location != nullptr && *location != '\0';
        if (location) request.files.emplace_back(location);
    }
    if (!payload || !text("recording", request.recording) || !text("storage", request.storage) ||
        !text("location", request.location) || (request.storage != "local" && request.storage != "s3") || !files_ok) {
        error = "a delete job's payload is not {recording, storage (local|s3), location[, files]}";
        return std::nullopt;
    }
    return request;
}

namespace {

DeleteOutcome delete_object(const std::string &what, const std::string &location, S3Client &s3) {
    // The row holds the full key; the client adds its prefix itself.
    std::string key = location;
    const std::string &prefix = s3.settings().key_prefix;
    if (!prefix.empty() && key.rfind(prefix, 0) == 0) key = key.substr(prefix.size());
    const S3Outcome sent = s3.delete_object(key);
    return {sent.ok, !sent.ok && !sent.retryable, sent.ok ? "" : what + sent.error};
}

// A file stored beside the composite (`beside`: an isolated track or the manifest) is removed
// only from its tracks folder, the composite only from the room's Recordings folder.
DeleteOutcome delete_file(const std::string &what, const std::string &location, bool beside,
                          const std::string &recordings_root) {
    if (location.empty()) return {true, false, ""}; // nothing was stored
    const std::string path = recordings_root + "/" + location;
    struct stat facts {};
    if (lstat(path.c_str(), &facts) != 0 && errno == ENOENT) return {true, false, ""}; // already gone
    // Only a stored recording under the root is ever deleted, whatever the shared database says.
    const ContainedPath file = beside ? resolve_contained_track_path(recordings_root, path)
                                      : resolve_contained_path(recordings_root, path);
    if (!file.error.empty()) {
        kLog.error(what + "refused (not deleted): " + file.error);
        return {false, true, what + file.error};
    }
    if (unlink(file.path.c_str()) != 0 && errno != ENOENT) return {false, false, what + std::strerror(errno)};
    if (beside) rmdir(file.path.substr(0, file.path.rfind('/')).c_str()); // the folder, once empty
    return {true, false, ""};
}

} // namespace

DeleteOutcome run_delete(const DeleteRequest &request, const std::string &recordings_root, S3Client *s3) {
    const std::string what = "delete of " + request.recording + ": ";
    if (request.storage == "s3" && !s3) return {false, true, what + "S3 is not configured on this node"};
    // The files beside the composite first: the job is retried until all are gone, and each one
    // already gone counts as removed.
    for (size_t i = 0; i <= request.files.size(); ++i) {
        const bool beside = i < request.files.size();
        const std::string &location = beside ? request.files[i] : request.location;
        const DeleteOutcome outcome = request.storage == "s3" ? delete_object(what, location, *s3)
                                                              : delete_file(what, location, beside, recordings_root);
        if (!outcome.done) return outcome;
    }
    kLog.info("deleted the recording " + std::string(request.files.empty() ? "file" : "files") + " of " +
              request.recording);
    return {true, false, ""};
}

} // namespace roomrec::storage
