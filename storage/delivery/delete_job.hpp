// The 'delete' outbox job of the recordings library (S6): removes a deleted recording's file
// (local storage, on the node that holds it: the job's affinity) or object (S3, any node), and
// the files stored beside it (isolated tracks, their manifest; their folder once empty).
// The job is committed with the row's 'deleted' state, so a crash or an outage only delays
// the removal. A file or object already gone counts as removed.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace roomrec::storage {

class S3Client;

struct DeleteRequest {
    std::string recording, storage, location; // location: as in the recordings row
    std::vector<std::string> files;           // the row's files, the same way
};

std::string delete_job_id(const std::string &recording);
std::string delete_payload(const DeleteRequest &request);
std::optional<DeleteRequest> delete_of_payload(const std::string &json, std::string &error);

struct DeleteOutcome {
    bool done = false, permanent = false;
    std::string error;
};

// recordings_root: the node's; a local path must resolve under it (core/contained_path).
// s3: null on a node without S3 (an S3 deletion then fails for good on this node).
DeleteOutcome run_delete(const DeleteRequest &request, const std::string &recordings_root, S3Client *s3);

} // namespace roomrec::storage
