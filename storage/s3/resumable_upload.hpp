// The resumable upload of one recording (S2) on top of S3Client: what the delivery worker
// calls, and roomrec-s3 upload.
#pragma once

#include "storage/s3/s3_client.hpp"

#include <atomic>
#include <functional>
#include <string>

namespace roomrec::storage {

// The whole resumable upload of one file. Resumes from `progress` (upload id and parts done,
// possibly read back from a database after a restart; checked against list_parts, a part is
// kept only if S3 still has it with the same ETag and size); calls `persist(progress)` after the
// upload id is created and after every part, BEFORE going on (false: stop, retryable failure).
// Files smaller than the part size go by single PUT. When the upload id is gone (aborted,
// expired) it starts over once, with a fresh upload. At the end, head() must show the file's
// size. `cancel` (may be null) is polled between parts and during transfers. `log` (may be
// empty) hears one line per step ("part 3/9 sent", "resuming: 2 of 9 parts already stored").
S3Outcome upload_file(S3Client &client, const std::string &key, const std::string &path, const Metadata &meta,
                      UploadProgress &progress, const std::function<bool(const UploadProgress &)> &persist,
                      const std::atomic<bool> *cancel, const std::function<void(const std::string &)> &log = {});

} // namespace roomrec::storage
