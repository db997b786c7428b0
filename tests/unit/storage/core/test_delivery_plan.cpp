// Lifecycle events on their way out: the spool text round-trips and refuses what we never
// wrote; each event becomes the right metadata row and outbox jobs; webhook bodies and the
// retry verdict on a receiver's answer.
#include "storage/core/delivery_plan.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::storage;

static DeliveryEvent available_event() {
    DeliveryEvent event;
    event.id = "ev1";
    event.type = DeliveryEventType::RecordingAvailable;
    event.room_id = "weekly";
    event.node_id = "node-a";
    event.created_ms = 1767225600123;
    RecordingFacts facts;
    facts.recording_id = "rec42";
    facts.title = "Weekly \"sync\" — 週次";
    facts.owner = "alice";
    facts.initiator = "bob";
    facts.started_ms = 1767225000000;
    facts.ended_ms = 1767225600000;
    facts.duration_ms = 600000;
    facts.file_path = "/var/lib/roomrec/recordings/weekly/Recordings/Rec - x.mp4";
    facts.location = "weekly/Recordings/Rec - x.mp4";
    facts.gaps = 1;
    facts.gap_seconds = 1.5;
    event.recording = facts;
    return event;
}

static const std::vector<WebhookTarget> kTargets = {
    {"ops", {}}, {"crm", {"recording.available"}}, {"audit", {"session.ended"}}};

static void event_text_round_trips(void **) {
    const DeliveryEvent event = available_event();
    std::string error;
    const auto back = delivery_event_from_json(delivery_event_to_json(event), error);
    assert_true(back.has_value());
    assert_string_equal(back->id.c_str(), "ev1");
    assert_int_equal(back->type, DeliveryEventType::RecordingAvailable);
    assert_int_equal(back->created_ms, 1767225600123);
    assert_string_equal(back->recording->title.c_str(), event.recording->title.c_str());
    assert_string_equal(back->recording->file_path.c_str(), event.recording->file_path.c_str());
    assert_int_equal(back->recording->gaps, 1);
    assert_true(back->recording->gap_seconds == 1.5);
}

static void event_text_refuses_what_we_never_wrote(void **) {
    const char *bad[] = {
        "",
        "{",
        "[]",
        "{\"type\":\"recording.exploded\",\"id\":\"e\",\"room\":\"r\",\"node\":\"n\",\"created_ms\":1}",
        "{\"type\":\"session.ended\",\"id\":\"../x\",\"room\":\"r\",\"node\":\"n\",\"created_ms\":1}",
        "{\"type\":\"session.ended\",\"id\":\"e\",\"room\":\"r\",\"node\":\"n\",\"created_ms\":-5}",
        "{\"type\":\"session.ended\",\"id\":\"e\",\"room\":7,\"node\":\"n\",\"created_ms\":1}",
        "{\"type\":\"session.ended\",\"id\":\"e\",\"id\":\"f\",\"room\":\"r\",\"node\":\"n\",\"created_ms\":1}",
        // a recording event without its recording, a session event with one
        "{\"type\":\"recording.failed\",\"id\":\"e\",\"room\":\"r\",\"node\":\"n\",\"created_ms\":1}",
        "{\"type\":\"session.ended\",\"id\":\"e\",\"room\":\"r\",\"node\":\"n\",\"created_ms\":1,\"recording\":{\"recording_id\":\"x\"}}",
        "{\"type\":\"recording.failed\",\"id\":\"e\",\"room\":\"r\",\"node\":\"n\",\"created_ms\":1,\"recording\":{\"recording_id\":\"a b\"}}",
        "{\"type\":\"recording.failed\",\"id\":\"e\",\"room\":\"r\",\"node\":\"n\",\"created_ms\":1,\"recording\":{\"recording_id\":\"x\",\"size_bytes\":\"9\"}}",
    };
    for (const char *text : bad) {
        std::string error;
        assert_false(delivery_event_from_json(text, error).has_value());
        assert_false(error.empty());
    }
    std::string error;
    assert_true(
        delivery_event_from_json(
            "{\"type\":\"session.ended\",\"id\":\"e\",\"room\":\"r\",\"node\":\"n\",\"created_ms\":1,\"reason\":\"closed\"}",
            error)
            .has_value());
}

static void local_recording_is_available_with_its_webhooks(void **) {
    const DeliveryPlan plan = plan_delivery(available_event(), false, kTargets);
    assert_true(plan.row.has_value());
    assert_string_equal(plan.row->state.c_str(), "available");
    assert_string_equal(plan.row->storage.c_str(), "local");
    assert_int_equal(plan.jobs.size(), 2); // ops (all events) and crm; not audit
    assert_string_equal(plan.jobs[0].id.c_str(), "ev1:webhook:ops");
    assert_string_equal(plan.jobs[1].id.c_str(), "ev1:webhook:crm");
    assert_string_equal(plan.jobs[0].kind.c_str(), "webhook");
    assert_true(plan.jobs[0].affinity_node.empty());
    std::string error;
    const auto delivery = webhook_of_payload(plan.jobs[1].payload_json, error);
    assert_true(delivery.has_value());
    assert_string_equal(delivery->endpoint.c_str(), "crm");
    assert_string_equal(delivery->event_id.c_str(), "ev1");
    Json body = parse_json(delivery->body.c_str());
    assert_string_equal(json_string_value(json_object_get(body.get(), "type")), "recording.available");
    assert_string_equal(json_string_value(json_object_get(body.get(), "created_at")), "2026-01-01T00:00:00.123Z");
    json_t *data = json_object_get(body.get(), "data");
    assert_string_equal(json_string_value(json_object_get(data, "storage")), "local");
    assert_string_equal(json_string_value(json_object_get(data, "location")), "weekly/Recordings/Rec - x.mp4");
    assert_string_equal(json_string_value(json_object_get(data, "started_at")), "2025-12-31T23:50:00.000Z");
    assert_null(json_object_get(data, "file_path")); // a node's disk layout is not the receiver's business
    assert_int_equal(json_integer_value(json_object_get(data, "gaps")), 1);
}

// Isolated tracks: the webhook lists every file, the composite first, without node paths.
static void webhook_lists_the_files_of_a_recording_with_tracks(void **) {
    DeliveryEvent event = available_event();
    assert_null(json_object_get(
        json_object_get(parse_json(webhook_body(event, nullptr).c_str()).get(), "data"), "files")); // no tracks
    event.recording->files = {{"track", "/var/lib/x/a.mkv", "weekly/Recordings/Rec - x tracks/a.mkv"},
                              {"manifest", "/var/lib/x/manifest.json", "weekly/Recordings/Rec - x tracks/manifest.json"}};
    for (const bool s3 : {false, true}) {
        UploadedObject object{"recordings", "pre/weekly/Recordings/Rec - x.mp4", "http://s3/p", 1767830400000, "ab", 1,
                              "pre/", {"http://s3/a", "http://s3/m"}};
        Json body = parse_json(webhook_body(event, s3 ? &object : nullptr).c_str());
        json_t *files = json_object_get(json_object_get(body.get(), "data"), "files");
        assert_int_equal(json_array_size(files), 3);
        json_t *composite = json_array_get(files, 0);
        assert_string_equal(json_string_value(json_object_get(composite, "role")), "composite");
        assert_string_equal(json_string_value(json_object_get(composite, "storage")), s3 ? "s3" : "local");
        assert_string_equal(json_string_value(json_object_get(composite, "location")),
                            s3 ? "pre/weekly/Recordings/Rec - x.mp4" : "weekly/Recordings/Rec - x.mp4");
        // The tracks are stored where the composite is: uploaded by the same job, with links.
        json_t *track = json_array_get(files, 1);
        assert_string_equal(json_string_value(json_object_get(track, "role")), "track");
        assert_string_equal(json_string_value(json_object_get(track, "storage")), s3 ? "s3" : "local");
        assert_string_equal(json_string_value(json_object_get(track, "location")),
                            s3 ? "pre/weekly/Recordings/Rec - x tracks/a.mkv" : "weekly/Recordings/Rec - x tracks/a.mkv");
        if (s3) assert_string_equal(json_string_value(json_object_get(track, "url")), "http://s3/a");
        else assert_null(json_object_get(track, "url"));
        assert_null(json_object_get(track, "file_path"));
        assert_string_equal(json_string_value(json_object_get(json_array_get(files, 2), "role")), "manifest");
    }
}

static void s3_recording_is_uploaded_first_then_announced(void **) {
    const DeliveryEvent event = available_event();
    const DeliveryPlan plan = plan_delivery(event, true, kTargets);
    assert_string_equal(plan.row->state.c_str(), "uploading");
    assert_int_equal(plan.jobs.size(), 1);
    assert_string_equal(plan.jobs[0].id.c_str(), "ev1:upload");
    assert_string_equal(plan.jobs[0].kind.c_str(), "upload");
    assert_string_equal(plan.jobs[0].affinity_node.c_str(), "node-a"); // only this node has the file
    std::string error;
    const auto carried = event_of_upload_payload(plan.jobs[0].payload_json, error);
    assert_true(carried.has_value());
    UploadedObject object{"recordings", "weekly/Recordings/Rec - x.mp4", "http://s3/presigned", 1767830400000, "ab12",
                          1234, "", {}};
    const DeliveryPlan after = plan_uploaded(*carried, object, kTargets);
    assert_string_equal(after.row->state.c_str(), "available");
    assert_string_equal(after.row->storage.c_str(), "s3");
    assert_string_equal(after.row->facts.sha256.c_str(), "ab12");
    assert_int_equal(after.jobs.size(), 2);
    const auto delivery = webhook_of_payload(after.jobs[0].payload_json, error);
    Json body = parse_json(delivery->body.c_str());
    json_t *data = json_object_get(body.get(), "data");
    assert_string_equal(json_string_value(json_object_get(data, "url")), "http://s3/presigned");
    assert_string_equal(json_string_value(json_object_get(data, "bucket")), "recordings");
    assert_int_equal(json_integer_value(json_object_get(data, "size_bytes")), 1234);
    // An upload job must carry a stored recording.
    DeliveryEvent started = event;
    started.type = DeliveryEventType::RecordingStarted;
    assert_false(event_of_upload_payload(delivery_event_to_json(started), error).has_value());
}

static void upload_on_a_shared_volume_is_any_nodes(void **) {
    const DeliveryPlan plan = plan_delivery(available_event(), true, kTargets, true);
    assert_int_equal(plan.jobs.size(), 1);
    assert_string_equal(plan.jobs[0].kind.c_str(), "upload");
    assert_string_equal(plan.jobs[0].affinity_node.c_str(), ""); // every node mounts the file
    assert_string_equal(plan.row->node_id.c_str(), "node-a");   // the row still says who recorded it
}

// A recording stored after its session ended: one mail job per distinct signed address, with
// the webhooks (local) or after the upload (S3); none without a library URL or when the
// session went on. The addresses travel in the event, never in a webhook body.
static void session_ending_recording_is_mailed_to_its_people(void **) {
    DeliveryEvent event = available_event();
    event.reason = "host_left_timeout";
    event.recording->owner_email = "alice@example.com";
    event.recording->initiator_email = "bob@example.com";
    std::string error;
    const auto back = delivery_event_from_json(delivery_event_to_json(event), error);
    assert_true(back.has_value());
    assert_string_equal(back->recording->owner_email.c_str(), "alice@example.com");
    assert_string_equal(back->recording->initiator_email.c_str(), "bob@example.com");
    assert_string_equal(back->reason.c_str(), "host_left_timeout");

    const std::string library = "https://meet.example.com/library/";
    const DeliveryPlan plan = plan_delivery(event, false, kTargets, false, library);
    assert_int_equal(plan.jobs.size(), 4); // two webhooks, two mails
    assert_string_equal(plan.jobs[2].kind.c_str(), "recording_mail");
    assert_string_equal(plan.jobs[2].id.c_str(), "recording-mail-rec42-0");
    assert_string_equal(plan.jobs[3].id.c_str(), "recording-mail-rec42-1");
    assert_true(plan.jobs[2].payload_json.find("alice@example.com") != std::string::npos);
    assert_true(plan.jobs[0].payload_json.find("example.com") == std::string::npos); // not in webhooks
    Json body = parse_json(webhook_of_payload(plan.jobs[0].payload_json, error)->body.c_str());
    assert_string_equal(json_string_value(json_object_get(json_object_get(body.get(), "data"), "reason")),
                        "host_left_timeout");

    assert_int_equal(plan_delivery(event, false, kTargets).jobs.size(), 2); // no SMTP or public links here
    DeliveryEvent requested = event;
    requested.reason = "requested";
    assert_int_equal(plan_delivery(requested, false, kTargets, false, library).jobs.size(), 2);

    const DeliveryPlan upload = plan_delivery(event, true, kTargets, false, library);
    assert_int_equal(upload.jobs.size(), 1); // mails wait for the upload, like the webhooks
    const auto carried = event_of_upload_payload(upload.jobs[0].payload_json, error);
    UploadedObject object{"recordings", "weekly/Recordings/Rec - x.mp4", "http://s3/presigned", 1767830400000, "ab12",
                          1234, "", {}};
    const DeliveryPlan after = plan_uploaded(*carried, object, kTargets, library);
    assert_int_equal(after.jobs.size(), 4);
    assert_string_equal(after.jobs[3].kind.c_str(), "recording_mail");
}

static void other_events(void **) {
    DeliveryEvent event = available_event();
    event.type = DeliveryEventType::RecordingStarted;
    DeliveryPlan plan = plan_delivery(event, true, kTargets);
    assert_string_equal(plan.row->state.c_str(), "recording");
    assert_int_equal(plan.jobs.size(), 1); // ops only
    event.type = DeliveryEventType::RecordingFailed;
    event.recording->error = "recorder could not start";
    plan = plan_delivery(event, false, kTargets);
    assert_string_equal(plan.row->state.c_str(), "failed");
    DeliveryEvent ended;
    ended.id = "ev2";
    ended.type = DeliveryEventType::SessionEnded;
    ended.room_id = "weekly";
    ended.node_id = "node-a";
    ended.created_ms = 1;
    ended.reason = "host_left_timeout";
    plan = plan_delivery(ended, false, kTargets);
    assert_false(plan.row.has_value());
    assert_int_equal(plan.jobs.size(), 2); // ops and audit
    std::string error;
    Json body = parse_json(webhook_of_payload(plan.jobs[1].payload_json, error)->body.c_str());
    assert_string_equal(json_string_value(json_object_get(json_object_get(body.get(), "data"), "reason")),
                        "host_left_timeout");
    assert_int_equal(plan_delivery(ended, false, {}).jobs.size(), 0);
}

static void receiver_answers(void **) {
    assert_int_equal(webhook_verdict(200), HttpVerdict::Delivered);
    assert_int_equal(webhook_verdict(204), HttpVerdict::Delivered);
    for (long status : {0L, 408L, 425L, 429L, 500L, 502L, 503L})
        assert_int_equal(webhook_verdict(status), HttpVerdict::Retry);
    for (long status : {301L, 400L, 401L, 403L, 404L, 410L, 413L})
        assert_int_equal(webhook_verdict(status), HttpVerdict::Reject);
    std::string error;
    assert_false(webhook_of_payload("{\"endpoint\":\"ops\"}", error).has_value());
    assert_false(webhook_of_payload("nonsense", error).has_value());
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(event_text_round_trips),
        cmocka_unit_test(event_text_refuses_what_we_never_wrote),
        cmocka_unit_test(local_recording_is_available_with_its_webhooks),
        cmocka_unit_test(s3_recording_is_uploaded_first_then_announced),
        cmocka_unit_test(webhook_lists_the_files_of_a_recording_with_tracks),
        cmocka_unit_test(upload_on_a_shared_volume_is_any_nodes),
        cmocka_unit_test(session_ending_recording_is_mailed_to_its_people),
        cmocka_unit_test(other_events),
        cmocka_unit_test(receiver_answers),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
