// COPY text format: every byte that means something to COPY is escaped, NULL is \N, and rows
// that cannot be stored verbatim (NUL, invalid UTF-8) are refused whole.
#include "analytics/core/copy_format.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::analytics;

static std::string row(std::initializer_list<CopyField> fields) {
    std::string out, error;
    if (!append_copy_row(out, fields, error)) fail_msg("refused: %s", error.c_str());
    return out;
}

static void nasty_text_is_escaped(void **) {
    assert_string_equal(row({"a", "b"}).c_str(), "a\tb\n");
    assert_string_equal(row({"tab\there", "new\nline", "cr\rlf", "back\\slash"}).c_str(),
                        "tab\\there\tnew\\nline\tcr\\rlf\tback\\\\slash\n");
    // The text \N, a lone backslash-dot and an empty string stay text; NULL is \N.
    assert_string_equal(row({"\\N", "\\.", "", std::nullopt}).c_str(), "\\\\N\t\\\\.\t\t\\N\n");
    assert_string_equal(row({"caf\xc3\xa9 \xf0\x9f\x8e\xa5", "'; DROP TABLE x; --"}).c_str(),
                        "caf\xc3\xa9 \xf0\x9f\x8e\xa5\t'; DROP TABLE x; --\n");
    assert_string_equal(row({std::nullopt}).c_str(), "\\N\n");
    assert_string_equal(row({"\x01\x7f"}).c_str(), "\x01\x7f\n"); // other control bytes are plain data in COPY
}

static void nul_and_bad_utf8_refuse_the_whole_row(void **) {
    std::string out = "kept\n", error;
    assert_false(append_copy_row(out, {"fine", std::string_view("a\0b", 3)}, error));
    assert_string_equal(error.c_str(), "field 2 contains a NUL byte");
    assert_false(append_copy_row(out, {"fine", "x", "\xc3\x28"}, error));
    assert_string_equal(error.c_str(), "field 3 is not valid UTF-8");
    assert_string_equal(out.c_str(), "kept\n");
}

static void timestamps_are_utc_with_microseconds(void **) {
    assert_string_equal(format_timestamp_us(0).c_str(), "1970-01-01 00:00:00.000000+00");
    assert_string_equal(format_timestamp_us(1700000000123456).c_str(), "2023-11-14 22:13:20.123456+00");
    assert_string_equal(format_timestamp_us(951782400000000).c_str(), "2000-02-29 00:00:00.000000+00");
    assert_string_equal(format_timestamp_us(4102444799999999).c_str(), "2099-12-31 23:59:59.999999+00");
    assert_string_equal(format_timestamp_us(-1).c_str(), "1969-12-31 23:59:59.999999+00");
}

static void a_telemetry_row_has_every_column_in_order(void **) {
    TelemetryEvent event;
    event.room_id = "room\t1";
    event.session_id = "";
    event.participant_id = "p1";
    event.subject_id = "poll-7";
    event.kind = TelemetryKind::PollAnswer;
    event.at_us = 1700000000000001;
    event.value = -42;
    event.body_json = "{\"choice\":\"a\\\\b\"}";
    std::string out, error;
    assert_true(append_telemetry_row(out, "node-a", event, error));
    assert_string_equal(out.c_str(),
                        "room\\t1\tnode-a\t2023-11-14 22:13:20.000001+00\t\tpoll.answer\tp1\t\\N\tpoll-7\t-42\t"
                        "{\"choice\":\"a\\\\\\\\b\"}\n");
    event.room_id = "";
    assert_false(append_telemetry_row(out, "node-a", event, error));
    assert_string_equal(error.c_str(), "room id: empty");
    event.room_id = "r";
    assert_false(append_telemetry_row(out, std::string_view("node\0", 5), event, error));
    assert_string_equal(error.c_str(), "field 2 contains a NUL byte");
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nasty_text_is_escaped),
        cmocka_unit_test(nul_and_bad_utf8_refuse_the_whole_row),
        cmocka_unit_test(timestamps_are_utc_with_microseconds),
        cmocka_unit_test(a_telemetry_row_has_every_column_in_order),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
