#include "storage/core/delivery_rows.hpp"

#include "storage/core/delivery_input.hpp"

#include "common/json.hpp"

#include <jansson.h>

#include <cmath>

namespace roomrec::storage {

namespace {

std::string first_error(std::initializer_list<std::string> errors) {
    for (const auto &error : errors)
        if (!error.empty()) return error;
    return "";
}

std::string state_error(const std::string &state) {
    return one_of_error("recording state", state, {"recording", "stored", "uploading", "available", "failed"});
}
std::string storage_error(const std::string &storage) {
    return one_of_error("recording storage", storage, {"local", "s3"});
}

} // namespace

std::string new_job_error(const NewJob &job) {
    return first_error(
        {identifier_error("job id", job.id), identifier_error("job room id", job.room_id),
         one_of_error("job kind", job.kind, {"upload", "webhook", "export", "email", "delete", "recording_mail"}),
         job.affinity_node.empty() ? "" : identifier_error("job affinity node", job.affinity_node),
         json_object_error("job payload", job.payload_json, kMaxPayloadBytes)});
}

namespace {
std::string files_error(const std::vector<std::string> &files) {
    if (files.size() > kMaxRecordingFiles) return "recording files: more than 1000";
    for (const std::string &location : files)
        if (location.empty()) return "recording file location: empty";
        else if (std::string error = text_error("recording file location", location, kMaxLocationBytes); !error.empty())
            return error;
    return "";
}
} // namespace

std::string recording_row_error(const RecordingRow &row) {
    auto error = first_error(
        {identifier_error("recording room id", row.room_id), identifier_error("recording id", row.recording_id),
         identifier_error("recording node id", row.node_id), text_error("recording title", row.title, kMaxNameBytes),
         text_error("recording owner", row.owner, kMaxNameBytes),
         text_error("recording initiator", row.initiator, kMaxNameBytes),
         text_error("recording location", row.location, kMaxLocationBytes), storage_error(row.storage),
         state_error(row.state), row.sha256 ? sha256_hex_error("recording sha256", *row.sha256) : "",
         row.incomplete ? text_error("recording incomplete", *row.incomplete, kMaxErrorTextBytes) : "",
         files_error(row.files)});
    if (!error.empty()) return error;
    if (row.started_ms <= 0) return "recording started_at: missing";
    if (row.ended_ms && *row.ended_ms < row.started_ms) return "recording ended_at: before started_at";
    if (row.duration_ms && *row.duration_ms < 0) return "recording duration: negative";
    if (row.size_bytes && *row.size_bytes < 0) return "recording size: negative";
    if (row.gaps < 0) return "recording gaps: negative";
    if (!std::isfinite(row.gap_seconds) || row.gap_seconds < 0)
        return "recording gap seconds: not a finite non-negative number";
    return "";
}

std::string recording_update_error(const RecordingUpdate &update) {
    auto error = first_error(
        {identifier_error("recording id", update.recording_id), update.state ? state_error(*update.state) : "",
         update.storage ? storage_error(*update.storage) : "",
         update.location ? text_error("recording location", *update.location, kMaxLocationBytes) : "",
         update.sha256 ? sha256_hex_error("recording sha256", *update.sha256) : "",
         update.files ? files_error(*update.files) : ""});
    if (!error.empty()) return error;
    if (update.size_bytes && *update.size_bytes < 0) return "recording size: negative";
    return "";
}

std::string files_json(const std::vector<std::string> &files) {
    common::JsonPtr array(json_array());
    for (const std::string &location : files) json_array_append_new(array.get(), json_string(location.c_str()));
    return common::json_compact(array);
}

std::vector<std::string> files_of_json(const std::string &json) {
    std::vector<std::string> files;
    const common::JsonPtr array(json_loads(json.c_str(), 0, nullptr));
    size_t index;
    json_t *entry;
    json_array_foreach(array.get(), index, entry) {
        if (json_is_string(entry)) files.emplace_back(json_string_value(entry));
    }
    return files;
}

} // namespace roomrec::storage
