// What the delivery worker writes to Postgres (S4, S5): new outbox jobs, recording rows
// and their later updates, with the checks each must pass before any SQL runs. Plain data;
// the Postgres adapter (storage/db) stores them. Times in ms since the Unix epoch.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace roomrec::storage {

struct NewJob {
    std::string id; // idempotency key, e.g. "<recording>:upload"
    std::string room_id;
    std::string kind;          // "upload" | "webhook" | "export" | "email" | "delete"
    std::string affinity_node; // only this node may run it (an upload needs the file); empty = any
    std::string payload_json;  // a JSON object
};

struct RecordingRow {
    std::string room_id, recording_id, node_id;
    std::string title, owner, initiator;
    int64_t started_ms = 0;
    std::optional<int64_t> ended_ms, duration_ms, size_bytes;
    std::optional<std::string> sha256; // 64 lowercase hex digits
    std::string storage = "local";     // "local" | "s3"
    std::string location;              // local path or S3 key
    std::string state = "stored";      // "recording" | "stored" | "uploading" | "available" | "failed"
    int gaps = 0;
    double gap_seconds = 0;
    std::optional<std::string> incomplete;  // why the recording is partial
    std::optional<std::string> error;       // why delivery failed (foreign text: made storable)
    // Where the files stored beside the composite are (isolated tracks, their manifest), in
    // location's form: a path below the recordings root, or the S3 key once uploaded.
    std::vector<std::string> files;
    int64_t created_ms = 0, updated_ms = 0; // set by the database; ignored when writing
};

// Fields left empty keep their value. An error of "" clears it.
struct RecordingUpdate {
    std::string recording_id;
    std::optional<std::string> state, storage, location, sha256, error;
    std::optional<int64_t> size_bytes;
    std::optional<std::vector<std::string>> files;
};

constexpr size_t kMaxNameBytes = 1000;     // title, owner, initiator
constexpr size_t kMaxLocationBytes = 4096; // a path or an S3 key
constexpr size_t kMaxRecordingFiles = 1000; // beside one composite (as delivery events carry)

// "" when the value may be stored, else a clear message (never quoting the value).
std::string new_job_error(const NewJob &job);
std::string recording_row_error(const RecordingRow &row);
std::string recording_update_error(const RecordingUpdate &update);

// The files column: a JSON array of locations, and back (anything else in it is skipped).
std::string files_json(const std::vector<std::string> &files);
std::vector<std::string> files_of_json(const std::string &json);

} // namespace roomrec::storage
