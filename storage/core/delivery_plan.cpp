#include "storage/core/delivery_plan.hpp"

#include "common/json.hpp"
#include "storage/core/recording_mail.hpp"

#include <algorithm>

namespace roomrec::storage {
namespace {

using common::json_compact;
using Json = common::JsonPtr;

bool wants(const WebhookTarget &target, const char *event) {
    return target.events.empty() || std::find(target.events.begin(), target.events.end(), event) != target.events.end();
}

void set_text(json_t *object, const char *key, const std::string &value) {
    if (!value.empty()) json_object_set_new(object, key, json_string(value.c_str()));
}

json_t *recording_data(const RecordingFacts &facts, const UploadedObject *object) {
    json_t *data = json_object();
    json_object_set_new(data, "recording", json_string(facts.recording_id.c_str()));
    set_text(data, "title", facts.title);
    set_text(data, "owner", facts.owner);
    set_text(data, "initiator", facts.initiator);
    if (facts.started_ms > 0)
        json_object_set_new(data, "started_at", json_string(iso8601_utc_ms(facts.started_ms).c_str()));
    if (facts.ended_ms > 0) json_object_set_new(data, "ended_at", json_string(iso8601_utc_ms(facts.ended_ms).c_str()));
    if (facts.duration_ms > 0) json_object_set_new(data, "duration_ms", json_integer(facts.duration_ms));
    if (facts.size_bytes > 0) json_object_set_new(data, "size_bytes", json_integer(facts.size_bytes));
    set_text(data, "sha256", object ? object->sha256 : facts.sha256);
    if (object) {
        json_object_set_new(data, "storage", json_string("s3"));
        json_object_set_new(data, "bucket", json_string(object->bucket.c_str()));
        json_object_set_new(data, "location", json_string(object->key.c_str()));
        json_object_set_new(data, "url", json_string(object->url.c_str()));
        json_object_set_new(data, "url_expires_at", json_string(iso8601_utc_ms(object->url_expires_ms).c_str()));
        json_object_set_new(data, "size_bytes", json_integer(object->size_bytes));
    } else if (!facts.location.empty()) {
        json_object_set_new(data, "storage", json_string("local"));
        json_object_set_new(data, "location", json_string(facts.location.c_str()));
    }
    if (facts.gaps > 0) {
        json_object_set_new(data, "gaps", json_integer(facts.gaps));
        json_object_set_new(data, "gap_seconds", json_real(facts.gap_seconds));
    }
    set_text(data, "incomplete", facts.incomplete);
    set_text(data, "error", facts.error);
    if (!facts.files.empty()) {
        // Every file of the recording, the composite first; the others are stored where it is
        // (uploaded by the same job), with a presigned link each in S3.
        json_t *files = json_array();
        json_array_append_new(files, json_pack("{s:s, s:O, s:O}", "role", "composite", "storage",
                                               json_object_get(data, "storage"), "location",
                                               json_object_get(data, "location")));
        for (size_t i = 0; i < facts.files.size(); ++i) {
            const RecordingFile &file = facts.files[i];
            json_t *entry = json_pack("{s:s, s:s, s:s}", "role", file.role.c_str(), "storage", object ? "s3" : "local",
                                      "location", ((object ? object->key_prefix : "") + file.location).c_str());
            if (object && i < object->file_urls.size())
                json_object_set_new(entry, "url", json_string(object->file_urls[i].c_str()));
            json_array_append_new(files, entry);
        }
        json_object_set_new(data, "files", files);
    }
    if (facts.recovered) json_object_set_new(data, "recovered", json_true());
    return data;
}

std::vector<PlannedJob> webhook_jobs(const DeliveryEvent &event, const UploadedObject *object,
                                     const std::vector<WebhookTarget> &targets) {
    std::vector<PlannedJob> jobs;
    const char *type = delivery_event_name(event.type);
    const std::string body = webhook_body(event, object);
    for (const auto &target : targets) {
        if (!wants(target, type)) continue;
        Json payload(json_pack("{s:s, s:s, s:s, s:s}", "endpoint", target.name.c_str(), "event", event.id.c_str(),
                               "type", type, "body", body.c_str()));
        jobs.push_back({event.id + ":webhook:" + target.name, event.room_id, "webhook", "", json_compact(payload)});
    }
    return jobs;
}

// Mails go out with the webhooks: once the recording is where the library finds it.
void add_mail_jobs(const DeliveryEvent &event, const std::string &library_url, std::vector<PlannedJob> &jobs) {
    const std::vector<RecordingMail> mails = recording_mails(event, library_url);
    for (size_t i = 0; i < mails.size(); ++i)
        jobs.push_back({recording_mail_job_id(mails[i], i), event.room_id, "recording_mail", "",
                        recording_mail_payload(mails[i])});
}

PlannedRecordingRow row_of(const DeliveryEvent &event, const std::string &storage, const std::string &state) {
    return {*event.recording, event.room_id, event.node_id, storage, state};
}

} // namespace

DeliveryPlan plan_delivery(const DeliveryEvent &event, bool to_s3, const std::vector<WebhookTarget> &targets,
                           bool files_shared, const std::string &library_url) {
    DeliveryPlan plan;
    switch (event.type) {
    case DeliveryEventType::RecordingStarted: plan.row = row_of(event, to_s3 ? "s3" : "local", "recording"); break;
    case DeliveryEventType::RecordingFailed: plan.row = row_of(event, to_s3 ? "s3" : "local", "failed"); break;
    case DeliveryEventType::RecordingAvailable:
        if (to_s3) {
            plan.row = row_of(event, "s3", "uploading");
            plan.jobs.push_back(
                {event.id + ":upload", event.room_id, "upload", files_shared ? "" : event.node_id,
                 delivery_event_to_json(event)});
            return plan; // the webhooks wait for the upload (plan_uploaded)
        }
        plan.row = row_of(event, "local", "available");
        break;
    case DeliveryEventType::SessionEnded: break;
    }
    plan.jobs = webhook_jobs(event, nullptr, targets);
    add_mail_jobs(event, library_url, plan.jobs);
    return plan;
}

DeliveryPlan plan_uploaded(const DeliveryEvent &event, const UploadedObject &object,
                           const std::vector<WebhookTarget> &targets, const std::string &library_url) {
    DeliveryPlan plan;
    plan.row = row_of(event, "s3", "available");
    plan.row->facts.location = object.key;
    plan.row->facts.sha256 = object.sha256;
    plan.row->facts.size_bytes = object.size_bytes;
    for (RecordingFile &file : plan.row->facts.files) file.location = object.key_prefix + file.location;
    plan.jobs = webhook_jobs(event, &object, targets);
    add_mail_jobs(event, library_url, plan.jobs);
    return plan;
}

std::string webhook_body(const DeliveryEvent &event, const UploadedObject *object) {
    Json body(json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", event.id.c_str(), "type", delivery_event_name(event.type),
                        "created_at", iso8601_utc_ms(event.created_ms).c_str(), "node", event.node_id.c_str(), "room",
                        event.room_id.c_str()));
    json_t *data = event.recording ? recording_data(*event.recording, object) : json_object();
    set_text(data, "reason", event.reason);
    json_object_set_new(body.get(), "data", data);
    return json_compact(body);
}

std::optional<DeliveryEvent> event_of_upload_payload(const std::string &payload_json, std::string &error) {
    auto event = delivery_event_from_json(payload_json, error);
    if (event && (event->type != DeliveryEventType::RecordingAvailable || event->recording->file_path.empty())) {
        error = "an upload job must carry a recording.available event with its file";
        return std::nullopt;
    }
    return event;
}

std::optional<WebhookDelivery> webhook_of_payload(const std::string &payload_json, std::string &error) {
    Json payload(json_loadb(payload_json.data(), payload_json.size(), 0, nullptr));
    WebhookDelivery delivery;
    const char *fields[] = {"endpoint", "event", "type", "body"};
    std::string *targets[] = {&delivery.endpoint, &delivery.event_id, &delivery.type, &delivery.body};
    for (int i = 0; i < 4; ++i) {
        const char *value = json_string_value(json_object_get(payload.get(), fields[i]));
        if (value == nullptr || *value == '\0') {
            error = std::string("webhook job without ") + fields[i];
            return std::nullopt;
        }
        *targets[i] = value;
    }
    return delivery;
}

HttpVerdict webhook_verdict(long http_status) {
    if (http_status >= 200 && http_status < 300) return HttpVerdict::Delivered;
    if (http_status == 0 || http_status == 408 || http_status == 425 || http_status == 429 || http_status >= 500)
        return HttpVerdict::Retry;
    return HttpVerdict::Reject;
}

} // namespace roomrec::storage
