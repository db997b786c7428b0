// What the delivery worker writes to Postgres (S4, S5): new outbox jobs, recording rows
// and their later updates, with the checks each must pass before any SQL runs. Plain data;
// the Postgres adapter (storage/db) stores them. Times in ms since the Unix epoch.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

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
    int64_t created_ms = 0, updated_ms = 0; // set by the database; ignored when writing
};

// Fields left empty keep their value. An error of "" clears it.
struct RecordingUpdate {
    std::string recording_id;
    std::optional<std::string> state, storage, location, sha256, error;
    std::optional<int64_t> size_bytes;
};

constexpr size_t kMaxNameBytes = 1000;     // title, owner, initiator
constexpr size_t kMaxLocationBytes = 4096; // a path or an S3 key

// "" when the value may be stored, else a clear message (never quoting the value).
std::string new_job_error(const NewJob &job);
std::string recording_row_error(const RecordingRow &row);
std::string recording_update_error(const RecordingUpdate &update);

} // namespace roomrec::storage
