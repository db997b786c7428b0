#include "storage/core/delivery_event.hpp"

#include "common/json.hpp"
#include "common/utf8.hpp"
#include "storage/core/delivery_input.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace roomrec::storage {
namespace {

using Json = common::JsonPtr;

constexpr size_t kMaxText = 4096; // titles, paths and errors are far shorter

const char *const kNames[] = {"recording.started", "recording.available", "recording.failed", "session.ended"};

std::string text_of(const json_t *object, const char *key) {
    const char *value = json_string_value(json_object_get(object, key));
    return value ? value : "";
}

// Every field is optional in the text except those checked by the caller; a field of the
// wrong type is an error (the text was not written by us).
bool read_string(const json_t *object, const char *key, std::string &out, std::string &error) {
    const json_t *value = json_object_get(object, key);
    if (value == nullptr) return true;
    if (!json_is_string(value) || json_string_length(value) > kMaxText) {
        error = std::string("field ") + key + " is not a string of at most 4096 bytes";
        return false;
    }
    out = json_string_value(value);
    return true;
}

bool read_integer(const json_t *object, const char *key, int64_t &out, std::string &error) {
    const json_t *value = json_object_get(object, key);
    if (value == nullptr) return true;
    if (!json_is_integer(value) || json_integer_value(value) < 0) {
        error = std::string("field ") + key + " is not a non-negative integer";
        return false;
    }
    out = json_integer_value(value);
    return true;
}

constexpr size_t kMaxFiles = 1000; // tracks of one recording: a few per publisher and restart

bool read_files(const json_t *object, std::vector<RecordingFile> &out, std::string &error) {
    const json_t *files = json_object_get(object, "files");
    if (files == nullptr) return true;
    if (!json_is_array(files) || json_array_size(files) > kMaxFiles) {
        error = "field files is not an array of at most 1000 files";
        return false;
    }
    size_t index;
    const json_t *entry;
    json_array_foreach(files, index, entry) {
        RecordingFile file;
        if (!json_is_object(entry) || !read_string(entry, "role", file.role, error) ||
            !read_string(entry, "file_path", file.file_path, error) ||
            !read_string(entry, "location", file.location, error))
            return false;
        if ((file.role != "track" && file.role != "manifest") || file.location.empty()) {
            error = "a file is not a track or a manifest with its location";
            return false;
        }
        out.push_back(std::move(file));
    }
    return true;
}

json_t *recording_to_json(const RecordingFacts &facts) {
    json_t *object = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:s, s:s, s:s, s:i, s:f, s:b}", "recording_id",
                               facts.recording_id.c_str(), "title", facts.title.c_str(), "owner", facts.owner.c_str(),
                               "initiator", facts.initiator.c_str(), "started_ms", json_int_t(facts.started_ms),
                               "ended_ms", json_int_t(facts.ended_ms), "duration_ms", json_int_t(facts.duration_ms),
                               "size_bytes", json_int_t(facts.size_bytes), "sha256", facts.sha256.c_str(), "file_path",
                               facts.file_path.c_str(), "location", facts.location.c_str(), "gaps", facts.gaps,
                               "gap_seconds", facts.gap_seconds, "recovered", facts.recovered);
    if (!facts.owner_email.empty()) json_object_set_new(object, "owner_email", json_string(facts.owner_email.c_str()));
    if (!facts.initiator_email.empty())
        json_object_set_new(object, "initiator_email", json_string(facts.initiator_email.c_str()));
    if (!facts.incomplete.empty()) json_object_set_new(object, "incomplete", json_string(facts.incomplete.c_str()));
    if (!facts.error.empty()) json_object_set_new(object, "error", json_string(facts.error.c_str()));
    if (!facts.files.empty()) {
        json_t *files = json_array();
        for (const RecordingFile &file : facts.files)
            json_array_append_new(files, json_pack("{s:s, s:s, s:s}", "role", file.role.c_str(), "file_path",
                                                   file.file_path.c_str(), "location", file.location.c_str()));
        json_object_set_new(object, "files", files);
    }
    return object;
}

std::optional<RecordingFacts> recording_from_json(const json_t *object, std::string &error) {
    if (!json_is_object(object)) {
        error = "recording is not an object";
        return std::nullopt;
    }
    RecordingFacts facts;
    int64_t gaps = 0;
    const bool read = read_string(object, "recording_id", facts.recording_id, error) &&
                      read_string(object, "title", facts.title, error) &&
                      read_string(object, "owner", facts.owner, error) &&
                      read_string(object, "initiator", facts.initiator, error) &&
                      read_string(object, "owner_email", facts.owner_email, error) &&
                      read_string(object, "initiator_email", facts.initiator_email, error) &&
                      read_integer(object, "started_ms", facts.started_ms, error) &&
                      read_integer(object, "ended_ms", facts.ended_ms, error) &&
                      read_integer(object, "duration_ms", facts.duration_ms, error) &&
                      read_integer(object, "size_bytes", facts.size_bytes, error) &&
                      read_string(object, "sha256", facts.sha256, error) &&
                      read_string(object, "file_path", facts.file_path, error) &&
                      read_string(object, "location", facts.location, error) &&
                      read_integer(object, "gaps", gaps, error) &&
                      read_string(object, "incomplete", facts.incomplete, error) &&
                      read_string(object, "error", facts.error, error) && read_files(object, facts.files, error);
    if (!read) return std::nullopt;
    if (!is_plain_id(facts.recording_id)) {
        error = "recording_id is missing or not a plain identifier";
        return std::nullopt;
    }
    facts.gaps = static_cast<int>(std::min<int64_t>(gaps, 1'000'000));
    facts.gap_seconds = json_number_value(json_object_get(object, "gap_seconds"));
    facts.recovered = json_is_true(json_object_get(object, "recovered"));
    return facts;
}

} // namespace

const char *delivery_event_name(DeliveryEventType type) { return kNames[static_cast<int>(type)]; }

std::optional<DeliveryEventType> parse_delivery_event_name(std::string_view name) {
    for (int i = 0; i < 4; ++i)
        if (name == kNames[i]) return static_cast<DeliveryEventType>(i);
    return std::nullopt;
}

std::string delivery_event_to_json(const DeliveryEvent &event) {
    Json object(json_pack("{s:s, s:s, s:s, s:s, s:I}", "id", event.id.c_str(), "type", delivery_event_name(event.type),
                          "room", event.room_id.c_str(), "node", event.node_id.c_str(), "created_ms",
                          json_int_t(event.created_ms)));
    if (!object) return "";
    if (!event.reason.empty()) json_object_set_new(object.get(), "reason", json_string(event.reason.c_str()));
    if (event.recording) json_object_set_new(object.get(), "recording", recording_to_json(*event.recording));
    return common::json_compact(object, JSON_SORT_KEYS);
}

std::optional<DeliveryEvent> delivery_event_from_json(std::string_view text, std::string &error) {
    json_error_t parse_error;
    Json object(json_loadb(text.data(), text.size(), JSON_REJECT_DUPLICATES, &parse_error));
    if (!json_is_object(object.get())) {
        error = object ? "not a JSON object" : "not JSON: " + common::to_valid_utf8(parse_error.text);
        return std::nullopt;
    }
    DeliveryEvent event;
    const auto type = parse_delivery_event_name(text_of(object.get(), "type"));
    if (!type) {
        error = "unknown event type";
        return std::nullopt;
    }
    event.type = *type;
    if (!read_string(object.get(), "id", event.id, error) || !read_string(object.get(), "room", event.room_id, error) ||
        !read_string(object.get(), "node", event.node_id, error) ||
        !read_string(object.get(), "reason", event.reason, error) ||
        !read_integer(object.get(), "created_ms", event.created_ms, error))
        return std::nullopt;
    if (!is_plain_id(event.id) || !is_plain_id(event.room_id) || event.node_id.empty() || event.created_ms <= 0) {
        error = "id, room, node or created_ms is missing or malformed";
        return std::nullopt;
    }
    const json_t *recording = json_object_get(object.get(), "recording");
    const bool about_recording = event.type != DeliveryEventType::SessionEnded;
    if (about_recording != (recording != nullptr)) {
        error = about_recording ? "a recording event without its recording" : "a session event with a recording";
        return std::nullopt;
    }
    if (recording) {
        event.recording = recording_from_json(recording, error);
        if (!event.recording) return std::nullopt;
    }
    return event;
}

std::string iso8601_utc_ms(int64_t unix_ms) {
    const time_t seconds = static_cast<time_t>(unix_ms / 1000);
    struct tm utc {};
    gmtime_r(&seconds, &utc);
    char text[40];
    const size_t length = strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
    snprintf(text + length, sizeof text - length, ".%03dZ", static_cast<int>(unix_ms % 1000));
    return text;
}

} // namespace roomrec::storage
