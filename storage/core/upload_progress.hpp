// Where a resumable multipart upload stands (S2): the upload id and the parts S3 has
// confirmed. Stored as JSON (a database row, or a file for the CLI) after every part, so an
// upload resumes after a restart without sending those parts again. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roomrec::storage {

struct UploadedPart {
    int number = 0;
    std::string etag; // as S3 sent it, quotes included: "\"9b2cf535f27731c974343645a3985328\""
    uint64_t size = 0;
};

struct UploadProgress {
    std::string upload_id;           // empty: no multipart upload started yet
    uint64_t file_size = 0;          // the plan the parts belong to: a resume with another file size
    uint64_t part_size = 0;          // or part size starts over
    std::vector<UploadedPart> parts; // ascending part numbers
    // A job sending several files in order (a recording with its isolated tracks): how many are
    // in the store already; the upload above is the next one's.
    uint32_t files_done = 0;
};

constexpr uint32_t kMaxUploadFiles = 10000;

// {"upload_id": "...", "file_size": N, "part_size": N, "parts": [{"number": 1, "etag": "...", "size": N}]},
// and "files_done": N when it is not 0.
std::string upload_progress_to_json(const UploadProgress &progress);
// Strict: exactly those keys, part numbers 1..10000 ascending without repeats, sizes within S3's
// limits, printable ASCII ids and ETags, no parts without an upload id. Nothing (reason in
// `error`) otherwise.
std::optional<UploadProgress> upload_progress_from_json(std::string_view text, std::string &error);

// Adds a confirmed part (replacing one with the same number), keeping the order.
void record_part(UploadProgress &progress, UploadedPart part);

// The ETag S3 gives the object completed from these parts: MD5 of the parts' binary MD5s,
// "-" and the part count, quoted. Nothing if a part's ETag is not a plain MD5 (encrypted
// uploads), or there are no parts.
std::optional<std::string> multipart_etag(const std::vector<UploadedPart> &parts);

} // namespace roomrec::storage
