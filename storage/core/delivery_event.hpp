// A lifecycle event on its way out (S3-S5): what happened (recording started, available or
// failed; room session ended), the recording's facts for its metadata row, and its text form.
// The plugin writes one durably to the delivery spool the moment it happens; the delivery
// worker turns it into outbox jobs. Pure: JSON text in and out, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roomrec::storage {

enum class DeliveryEventType { RecordingStarted, RecordingAvailable, RecordingFailed, SessionEnded };

const char *delivery_event_name(DeliveryEventType type); // "recording.started", ...
std::optional<DeliveryEventType> parse_delivery_event_name(std::string_view name);

// A file stored with a recording besides its composite (isolated tracks and their manifest).
struct RecordingFile {
    std::string role;      // "track" or "manifest"
    std::string file_path; // on this node (absolute)
    std::string location;  // "<room>/Recordings/<name> tracks/<file>", or the S3 key

    bool operator==(const RecordingFile &) const = default;
};

// What S5 keeps about a recording. Times are Unix ms; 0 means not known.
struct RecordingFacts {
    std::string recording_id;
    std::string title;
    std::string owner;
    std::string initiator;
    // Where recording mails reach them: addresses from signed tokens (email=), or "". Never in
    // a webhook body (storage/core/recording_mail decides who is mailed).
    std::string owner_email, initiator_email;
    int64_t started_ms = 0;
    int64_t ended_ms = 0;
    int64_t duration_ms = 0;
    int64_t size_bytes = 0;
    std::string sha256;
    std::string file_path; // the stored file on this node (absolute)
    std::string location;  // where users find it: "<room>/Recordings/<name>", or the S3 key
    int gaps = 0;          // recorder restarts that lost media
    double gap_seconds = 0;
    std::string incomplete; // why the file ends early, if it does
    std::string error;      // recording.failed: why
    bool recovered = false; // finalized at start-up after a crash
    std::vector<RecordingFile> files; // stored beside the composite (isolated tracks)
};

struct DeliveryEvent {
    std::string id; // globally unique; the webhook's idempotency key
    DeliveryEventType type = DeliveryEventType::RecordingStarted;
    std::string room_id;
    std::string node_id;
    int64_t created_ms = 0;
    std::string reason;                      // session.ended, and recording.available/failed: why it stopped
    std::optional<RecordingFacts> recording; // the recording.* events
};

std::string delivery_event_to_json(const DeliveryEvent &event);
// Strict: a spool file may be torn or tampered with; nothing on any doubt (error says why).
std::optional<DeliveryEvent> delivery_event_from_json(std::string_view text, std::string &error);

// "2026-11-24T09:21:06.123Z"
std::string iso8601_utc_ms(int64_t unix_ms);

} // namespace roomrec::storage
