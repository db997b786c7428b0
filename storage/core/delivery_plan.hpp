// What the delivery worker must do for one lifecycle event (S2-S5), decided without I/O:
// the recording's metadata row and the outbox jobs to commit with it, in one transaction.
//   recording.available, S3 storage: the row ("uploading") and an upload job bound to this node
//     (only it has the file; unbound when every node mounts the same recordings volume); the upload's completion then plans the webhooks (plan_uploaded).
//   otherwise: the row (for recording.*) and one webhook job per endpoint that wants the event,
//     and for a recording stored after its session ended, its recording mails
//     (storage/core/recording_mail) when library_url is set (this node has SMTP and public links).
// Job ids are derived from the event id, so importing the same event twice adds nothing.
#pragma once

#include "storage/core/delivery_event.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace roomrec::storage {

struct WebhookTarget {
    std::string name;                // identifies the endpoint in jobs (its URL and secret stay in the config)
    std::vector<std::string> events; // event names it receives; empty: all
};

struct PlannedJob {
    std::string id; // the idempotency key
    std::string room_id;
    std::string kind;          // "upload", "webhook" or "recording_mail"
    std::string affinity_node; // empty: any node may run it
    std::string payload_json;
};

struct PlannedRecordingRow {
    RecordingFacts facts;
    std::string room_id;
    std::string node_id;
    std::string storage; // "local" or "s3"
    std::string state;   // "recording", "uploading", "available" or "failed"
};

struct DeliveryPlan {
    std::optional<PlannedRecordingRow> row;
    std::vector<PlannedJob> jobs;
};

struct UploadedObject {
    std::string bucket;
    std::string key;
    std::string url; // presigned GET
    int64_t url_expires_ms = 0;
    std::string sha256;
    int64_t size_bytes = 0;
    // The recording's other files (isolated tracks, their manifest) went to the same bucket, each
    // under key_prefix + its location; file_urls: their presigned GETs, in the facts' order.
    std::string key_prefix;
    std::vector<std::string> file_urls;
};

DeliveryPlan plan_delivery(const DeliveryEvent &event, bool to_s3, const std::vector<WebhookTarget> &targets,
                           bool files_shared = false, const std::string &library_url = "");

// After the upload of a recording.available event: the row becomes "available" in S3 and the
// webhooks go out with the object's key and a presigned URL (and the mails, as above).
DeliveryPlan plan_uploaded(const DeliveryEvent &event, const UploadedObject &object,
                           const std::vector<WebhookTarget> &targets, const std::string &library_url = "");

// The JSON body a webhook receiver gets:
//   {"id":..,"type":"recording.available","created_at":"..Z","node":..,"room":..,"data":{..}}
std::string webhook_body(const DeliveryEvent &event, const UploadedObject *object);

// Upload job payload ⇄ the event it delivers (the event travels whole, so the completion can
// plan the webhooks without any other state).
std::optional<DeliveryEvent> event_of_upload_payload(const std::string &payload_json, std::string &error);

// Webhook job payload: {"endpoint":..,"event":..,"type":..,"body":..}; the body is fixed when
// planned, so every retry sends the same bytes (only the signature's timestamp changes).
struct WebhookDelivery {
    std::string endpoint;
    std::string event_id;
    std::string type;
    std::string body;
};
std::optional<WebhookDelivery> webhook_of_payload(const std::string &payload_json, std::string &error);

enum class HttpVerdict { Delivered, Retry, Reject };
// 2xx delivered; 408, 425, 429 and 5xx (and no answer at all: status 0) are worth another try;
// any other answer is the receiver refusing this delivery for good.
HttpVerdict webhook_verdict(long http_status);

} // namespace roomrec::storage
