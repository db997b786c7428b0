// Telemetry events: the one list of kinds, and what the writer refuses before a COPY (a bad
// row would make Postgres refuse the whole batch).
#include "analytics/core/telemetry_event.hpp"
#include "analytics/core/text_check.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::analytics;

static TelemetryEvent good() {
    TelemetryEvent event;
    event.room_id = "weekly";
    event.session_id = "s1";
    event.participant_id = "p1";
    event.kind = TelemetryKind::ChatSend;
    event.at_us = 1700000000123456;
    event.body_json = R"({"text": "hi"})";
    return event;
}

static void kinds_have_unique_names_both_ways(void **) {
    assert_int_equal(kTelemetryKindCount, 28);
    for (size_t i = 0; i < kTelemetryKindCount; ++i) {
        const auto kind = static_cast<TelemetryKind>(i);
        const auto back = kind_from_name(kind_name(kind));
        assert_true(back.has_value());
        assert_int_equal(static_cast<int>(*back), static_cast<int>(i));
        for (size_t j = 0; j < i; ++j) assert_false(kTelemetryKindNames[i] == kTelemetryKindNames[j]);
    }
    assert_string_equal(std::string(kind_name(TelemetryKind::PlaybackProgress)).c_str(), "playback.progress");
    assert_string_equal(std::string(kind_name(TelemetryKind::PresentStop)).c_str(), "present.stop");
    assert_false(kind_from_name("Join").has_value());
    assert_false(kind_from_name("").has_value());
    assert_true(kind_name(static_cast<TelemetryKind>(200)).empty());
}

static void a_good_event_passes(void **) {
    assert_string_equal(check_event(good()).c_str(), "");
    TelemetryEvent bare = good();
    bare.session_id = bare.participant_id = bare.body_json = "";
    assert_string_equal(check_event(bare).c_str(), "");
}

static void bad_events_say_why(void **) {
    const auto refused = [](void (*change)(TelemetryEvent &), const char *why) {
        TelemetryEvent event = good();
        change(event);
        assert_string_equal(check_event(event).c_str(), why);
    };
    refused([](TelemetryEvent &e) { e.room_id.clear(); }, "room id: empty");
    refused([](TelemetryEvent &e) { e.kind = static_cast<TelemetryKind>(99); }, "kind: unknown");
    refused([](TelemetryEvent &e) { e.at_us = 0; }, "time: outside 2000-01-01 .. 2100-01-01");
    refused([](TelemetryEvent &e) { e.at_us = kMaxAtUs; }, "time: outside 2000-01-01 .. 2100-01-01");
    refused([](TelemetryEvent &e) { e.user_id = std::string("a\0b", 3); }, "user id: contains a NUL byte");
    refused([](TelemetryEvent &e) { e.subject_id = "caf\xe9"; }, "subject id: not valid UTF-8");
    refused([](TelemetryEvent &e) { e.session_id.assign(257, 'x'); }, "session id: too long (at most 256 bytes)");
    refused([](TelemetryEvent &e) { e.body_json = "[1]"; }, "body: not a JSON object");
    refused([](TelemetryEvent &e) { e.body_json = R"({"a": "\u0000"})"; },
            "body: \\u0000 in a string (jsonb cannot store it)");
    refused([](TelemetryEvent &e) { e.body_json.assign(kMaxBodyBytes + 1, ' '); },
            "body: too long (at most 16384 bytes)");
}

static void json_objects_are_checked_as_jsonb_would(void **) {
    const char *accepted[] = {"{}",
                              " { } ",
                              R"({"a":1,"b":[true,false,null,-0.5e+3,"x"],"c":{"d":{}}})",
                              R"({"esc":"\"\\\/\b\f\n\r\t\u00e9\ud83c\udfa5"})",
                              "{\"k\":\"caf\xc3\xa9\"}",
                              "{\"dup\":1,\"dup\":2}"};
    for (const char *text : accepted) assert_string_equal(check_json_object(text).c_str(), "");
    const std::pair<const char *, const char *> refused[] = {
        {"", "not a JSON object"},
        {"[]", "not a JSON object"},
        {"\"x\"", "not a JSON object"},
        {"{", "not valid JSON (object key)"},
        {"{\"a\":}", "not valid JSON"},
        {"{\"a\":1,}", "not valid JSON (object key)"},
        {"{\"a\":01}", "not valid JSON (missing ',')"},
        {"{\"a\":1.}", "not valid JSON (number)"},
        {"{\"a\":tru}", "not valid JSON"},
        {"{\"a\":\"x\ny\"}", "not valid JSON (control character in a string)"},
        {"{\"a\":\"\\x\"}", "not valid JSON (bad escape)"},
        {"{\"a\":\"\\u12\"}", "not valid JSON (\\u escape)"},
        {"{\"a\":\"\\ud800\"}", "unpaired surrogate escape in a string"},
        {"{\"a\":\"\\udc00\"}", "unpaired surrogate escape in a string"},
        {"{\"a\":\"\\ud800\\u0041\"}", "unpaired surrogate escape in a string"},
        {"{\"a\":1} x", "text after the JSON object"},
        {"{\"a\":\"unterminated}", "not valid JSON (unterminated string)"},
    };
    for (const auto &[text, why] : refused) {
        const std::string error = check_json_object(text);
        if (error != why) fail_msg("%s: got '%s', want '%s'", text, error.c_str(), why);
    }
    std::string deep = "{\"a\":";
    for (int i = 0; i < 70; ++i) deep += "[";
    assert_string_equal(check_json_object(deep).c_str(), "JSON nested too deeply");
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kinds_have_unique_names_both_ways),
        cmocka_unit_test(a_good_event_passes),
        cmocka_unit_test(bad_events_say_why),
        cmocka_unit_test(json_objects_are_checked_as_jsonb_would),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
