#include "storage/delivery/delete_job.hpp"

#include "common/json.hpp"
#include "common/log.hpp"
#include "storage/core/contained_path.hpp"
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
    if (!payload || !text("recording", request.recording) || !text("storage", request.storage) ||
        !text("location", request.location) || (request.storage != "local" && request.storage != "s3")) {
        error = "a delete job's payload is not {recording, storage (local|s3), location}";
        return std::nullopt;
    }
    return request;
}

DeleteOutcome run_delete(const DeleteRequest &request, const std::string &recordings_root, S3Client *s3) {
    DeleteOutcome outcome;
    const std::string what = "delete of " + request.recording + ": ";
    if (request.storage == "s3") {
        if (!s3) {
            outcome.permanent = true;
            outcome.error = what + "S3 is not configured on this node";
            return outcome;
        }
        // The row holds the full key; the client adds its prefix itself.
        std::string key = request.location;
        const std::string &prefix = s3->settings().key_prefix;
        if (!prefix.empty() && key.rfind(prefix, 0) == 0) key = key.substr(prefix.size());
        const S3Outcome sent = s3->delete_object(key);
        outcome.done = sent.ok;
        outcome.permanent = !sent.ok && !sent.retryable;
        outcome.error = what + sent.error;
        return outcome;
    }
    if (request.location.empty()) { // nothing was stored
        outcome.done = true;
        return outcome;
    }
    const std::string path = recordings_root + "/" + request.location;
    struct stat facts {};
    if (lstat(path.c_str(), &facts) != 0 && errno == ENOENT) { // already gone
        outcome.done = true;
        return outcome;
    }
    // Only a stored recording under the root is ever deleted, whatever the shared database says.
    const ContainedPath file = resolve_contained_path(recordings_root, path);
    if (!file.error.empty()) {
        kLog.error(what + "refused (not deleted): " + file.error);
        outcome.permanent = true;
        outcome.error = what + file.error;
        return outcome;
    }
    if (unlink(file.path.c_str()) != 0 && errno != ENOENT) {
        outcome.error = what + std::strerror(errno);
        return outcome;
    }
    kLog.info("deleted the recording file of " + request.recording);
    outcome.done = true;
    return outcome;
}

} // namespace roomrec::storage
