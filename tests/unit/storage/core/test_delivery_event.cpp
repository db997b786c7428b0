// Delivery events as the spool holds them: the text form round-trips, and what cannot be read
// is refused with an error that is itself fit for the log.
#include "storage/core/delivery_event.hpp"

#include "common/utf8.hpp"

#include <string>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::storage;

static void session_event_round_trips(void **) {
    DeliveryEvent event;
    event.id = "ev-1";
    event.type = DeliveryEventType::SessionEnded;
    event.room_id = "weekly";
    event.node_id = "node-a";
    event.created_ms = 1795575845123;
    event.reason = "last participant left";
    const std::string text = delivery_event_to_json(event);
    std::string error;
    const auto back = delivery_event_from_json(text, error);
    assert_true(back.has_value());
    assert_string_equal(back->reason.c_str(), "last participant left");
    assert_string_equal(delivery_event_to_json(*back).c_str(), text.c_str());
}

// Isolated tracks travel with the recording's event (the spool, the upload job, the webhook).
static void recording_files_round_trip(void **) {
    DeliveryEvent event;
    event.id = "ev-2";
    event.type = DeliveryEventType::RecordingAvailable;
    event.room_id = "weekly";
    event.node_id = "node-a";
    event.created_ms = 1795575845123;
    RecordingFacts facts;
    facts.recording_id = "r1";
    facts.location = "weekly/Recordings/Rec.mp4";
    facts.files = {{"track", "/rec/weekly/Recordings/Rec tracks/alice - webcam video.mkv",
                    "weekly/Recordings/Rec tracks/alice - webcam video.mkv"},
                   {"manifest", "/rec/weekly/Recordings/Rec tracks/manifest.json",
                    "weekly/Recordings/Rec tracks/manifest.json"}};
    event.recording = facts;
    std::string error;
    const auto back = delivery_event_from_json(delivery_event_to_json(event), error);
    assert_true(back.has_value());
    assert_true(back->recording->files == facts.files);
    // A file of no known role, or without its location, is not ours.
    const std::string head = R"({"id": "e", "type": "recording.available", "room": "weekly", "node": "n",
        "created_ms": 1, "recording": {"recording_id": "r1", "files": [)";
    assert_true(delivery_event_from_json(head + R"({"role": "track", "location": "x"}]}})", error).has_value());
    for (const char *file : {R"({"role": "other", "location": "x"})", R"({"role": "track"})", R"("x")"})
        assert_false(delivery_event_from_json(head + file + "]}}", error).has_value());
}

// Found by fuzz/fuzz_delivery_spool.cpp: jansson's error quotes the bytes near the fault, cut
// anywhere, so the error of a damaged spool file was not UTF-8 and went into the log as it was.
static void the_error_for_broken_bytes_is_utf8(void **) {
    const std::string damaged = "{\"created_m\\\xcf\x9b\xc6\x9a\xc8\xd3:\x92\xcf\x9b\xc6\x9a\xc8\xd3:\"y/Rei";
    std::string error;
    assert_false(delivery_event_from_json(damaged, error).has_value());
    assert_true(error.rfind("not JSON: ", 0) == 0);
    assert_true(roomrec::common::valid_utf8(error));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(session_event_round_trips),
        cmocka_unit_test(the_error_for_broken_bytes_is_utf8),
        cmocka_unit_test(recording_files_round_trip),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
