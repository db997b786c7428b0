// The 'upload' outbox job (S2): sends a stored recording to S3, then each file stored with it
// (isolated tracks and their manifest) under its own key, in order. The job's progress says how
// many files are in the store and where the current multipart upload stands, so a restart, or
// another node taking the job over once its lease lapsed, goes on from there without sending
// stored parts again. Only files under the recordings root are read (core/contained_path).
#pragma once

#include "storage/core/delivery_event.hpp"
#include "storage/core/delivery_plan.hpp"
#include "storage/core/upload_progress.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace roomrec::storage {

class S3Client;

struct UploadSettings {
    std::string recordings_root;
    std::string bucket;
    std::string key_prefix;
    int64_t presign_seconds = 0;
};

struct UploadOutcome {
    bool done = false, permanent = false;
    std::string error;
    UploadedObject object;                // when done: the composite's object and the other files' links
    std::vector<std::string> local_paths; // when done: the files sent, composite first (resolved)
};

// persist: stores the progress and renews the job's lease (false: stop, retry later). job_id
// names the job in the log.
UploadOutcome run_upload(const std::string &job_id, const DeliveryEvent &event, UploadProgress progress, S3Client &s3,
                         const UploadSettings &settings, const std::function<bool(const UploadProgress &)> &persist,
                         const std::atomic<bool> *cancel);

} // namespace roomrec::storage
