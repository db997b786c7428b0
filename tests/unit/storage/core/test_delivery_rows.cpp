// The checks on new outbox jobs, recording rows and recording updates.
#include "storage/core/delivery_rows.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

#include <cmath>

using namespace roomrec::storage;

static NewJob good_job() { return {"r1:upload", "room-1", "upload", "node-a", "{\"path\":\"/x\"}"}; }

static RecordingRow good_row() {
    RecordingRow row;
    row.room_id = "room-1";
    row.recording_id = "0123abcd";
    row.node_id = "node-a";
    row.title = "Weekly; DROP TABLE recordings; --";
    row.started_ms = 1700000000000;
    row.ended_ms = 1700000060000;
    row.sha256 = std::string(64, 'f');
    return row;
}

static void a_new_job_is_checked_field_by_field(void **) {
    assert_string_equal(new_job_error(good_job()).c_str(), "");
    NewJob any_node = good_job();
    any_node.affinity_node.clear();
    assert_string_equal(new_job_error(any_node).c_str(), "");
    NewJob job = good_job();
    job.id.clear();
    assert_string_equal(new_job_error(job).c_str(), "job id: empty");
    job = good_job();
    job.kind = "sms";
    assert_string_equal(new_job_error(job).c_str(),
                        "job kind: must be one of upload, webhook, export, email, delete, recording_mail");
    job = good_job();
    job.affinity_node = "a\tb";
    assert_string_equal(new_job_error(job).c_str(), "job affinity node: contains a control character");
    job = good_job();
    job.payload_json = "{\"a\":";
    assert_non_null(strstr(new_job_error(job).c_str(), "job payload: not valid JSON"));
    job = good_job();
    job.room_id = std::string(300, 'r');
    assert_non_null(strstr(new_job_error(job).c_str(), "job room id: too long"));
}

static void a_recording_row_is_checked(void **) {
    assert_string_equal(recording_row_error(good_row()).c_str(), "");
    RecordingRow row = good_row();
    row.state = "gone";
    assert_non_null(strstr(recording_row_error(row).c_str(), "recording state: must be one of"));
    row = good_row();
    row.storage = "ftp";
    assert_non_null(strstr(recording_row_error(row).c_str(), "recording storage: must be one of local, s3"));
    row = good_row();
    row.sha256 = "abc";
    assert_non_null(strstr(recording_row_error(row).c_str(), "recording sha256"));
    row = good_row();
    row.started_ms = 0;
    assert_string_equal(recording_row_error(row).c_str(), "recording started_at: missing");
    row = good_row();
    row.ended_ms = row.started_ms - 1;
    assert_string_equal(recording_row_error(row).c_str(), "recording ended_at: before started_at");
    row = good_row();
    row.size_bytes = -1;
    assert_string_equal(recording_row_error(row).c_str(), "recording size: negative");
    row = good_row();
    row.gap_seconds = std::nan("");
    assert_non_null(strstr(recording_row_error(row).c_str(), "gap seconds"));
    row = good_row();
    row.title = std::string("a\0b", 3);
    assert_string_equal(recording_row_error(row).c_str(), "recording title: contains a NUL byte");
    // The files beside the composite: each a location, at most 1000.
    row = good_row();
    row.files = {"room-1/Recordings/x tracks/alice - webcam video.mkv", "room-1/Recordings/x tracks/manifest.json"};
    assert_string_equal(recording_row_error(row).c_str(), "");
    row.files.push_back(std::string(5000, 'x'));
    assert_non_null(strstr(recording_row_error(row).c_str(), "recording file location: too long"));
    row.files.assign(1001, "room-1/Recordings/x tracks/a.mkv");
    assert_string_equal(recording_row_error(row).c_str(), "recording files: more than 1000");
}

static void the_files_column_round_trips(void **) {
    const std::vector<std::string> files = {"r/Recordings/Rec \"q\" tracks/bob \\ x.mkv",
                                            "r/Recordings/\u00e9 tracks/m.json"};
    assert_string_equal(files_json({}).c_str(), "[]");
    assert_true(files_of_json(files_json(files)) == files);
    // What else the column might hold is skipped, never trusted.
    assert_true(files_of_json("[1, \"a\", null]") == std::vector<std::string>{"a"});
    assert_true(files_of_json("{\"a\": \"b\"}").empty());
    assert_true(files_of_json("not json").empty());
}

static void a_recording_update_is_checked(void **) {
    RecordingUpdate update{
        "0123abcd",   "available", "s3", "room-1/0123abcd.mp4",
        std::nullopt, "",          42,   std::vector<std::string>{"p/room-1/Recordings/x tracks/a.mkv"}};
    assert_string_equal(recording_update_error(update).c_str(), "");
    update.files->push_back("");
    assert_string_equal(recording_update_error(update).c_str(), "recording file location: empty");
    update.files.reset();
    update.state = "lost";
    assert_non_null(strstr(recording_update_error(update).c_str(), "recording state"));
    update.state.reset();
    update.size_bytes = -5;
    assert_string_equal(recording_update_error(update).c_str(), "recording size: negative");
    update.size_bytes.reset();
    update.recording_id.clear();
    assert_string_equal(recording_update_error(update).c_str(), "recording id: empty");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_new_job_is_checked_field_by_field),
        cmocka_unit_test(a_recording_row_is_checked),
        cmocka_unit_test(a_recording_update_is_checked),
        cmocka_unit_test(the_files_column_round_trips),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
