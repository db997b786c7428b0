// The summary's JSON input: a full document parses; each kind of bad input gets an error naming
// the field, and nothing is half-filled.
#include "analytics/core/summary_json.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::analytics;

namespace {

const char *const kValid = R"({
  "room": "weekly", "title": "Weekly sync", "session": "s-1",
  "started_at": "2026-11-24T09:00:00Z", "ended_at": "2026-11-24T09:40:00Z",
  "overview": {"live_unique_viewers": 12, "recording_unique_viewers": 3, "average_minutes_viewed": 31.5,
               "average_engagement_rate": 72.4, "reactions": {"users_percent": 58.3, "count": 41},
               "chat_messages": 17, "polls": 2, "qa_threads": 3, "downloads": 5, "recording_plays": 4},
  "timeline": [{"minute": 1, "live_viewers": 12, "engagement_rate": 80},
               {"at": "2026-11-24T09:00:30Z", "live_viewers": 10, "engagement_rate": 100}],
  "top_attendees": [{"name": "Zoë 🎧", "role": "host", "minutes_viewed": 40, "engagement_rate": 95.5,
                     "reactions": 3, "chat_messages": 4}],
  "recordings": [{"id": "r-1", "title": "Weekly sync", "impressions": 6, "plays": 4, "minutes_viewed": 52.5,
                  "average_completion": 61.25}, {"id": "r-2", "impressions": 0, "plays": 0, "minutes_viewed": 0,
                  "average_completion": 0}]
})";

std::string error_of(const std::string &text) {
    SessionSummary summary;
    std::string error;
    assert_false(parse_session_summary(text, summary, error));
    assert_true(summary.room.empty() && summary.timeline.empty());
    return error;
}

// kValid with `from` replaced by `to` (once).
std::string edited(const std::string &from, const std::string &to) {
    std::string text = kValid;
    const size_t at = text.find(from);
    if (at == std::string::npos) fail_msg("no '%s' in the document", from.c_str());
    return text.replace(at, from.size(), to);
}

void assert_error(const std::string &text, const char *expected) {
    const std::string error = error_of(text);
    if (error != expected) fail_msg("error '%s', expected '%s'", error.c_str(), expected);
}

} // namespace

static void a_full_summary_parses(void **) {
    SessionSummary summary;
    std::string error;
    assert_true(parse_session_summary(kValid, summary, error));
    assert_string_equal(error.c_str(), "");
    assert_string_equal(summary.room.c_str(), "weekly");
    assert_int_equal(summary.started_at, 1795510800);
    assert_int_equal(summary.ended_at - summary.started_at, 2400);
    assert_int_equal(summary.overview.live_unique_viewers, 12);
    assert_true(summary.overview.reaction_users_percent == 58.3);
    assert_int_equal(summary.overview.reactions, 41);
    assert_int_equal(summary.overview.recording_plays, 4);
    assert_int_equal(summary.timeline.size(), 2); // sorted: the "at" point is minute 0
    assert_int_equal(summary.timeline[0].minute, 0);
    assert_int_equal(summary.timeline[0].live_viewers, 10);
    assert_int_equal(summary.timeline[1].minute, 1);
    assert_string_equal(summary.attendees[0].name.c_str(), "Zo\xc3\xab \xf0\x9f\x8e\xa7");
    assert_true(summary.recordings[0].average_completion == 61.25);
    assert_string_equal(summary.recordings[1].title.c_str(), "");
}

static void malformed_input_is_refused(void **) {
    assert_error("", "input is not valid JSON (line 1, column 0): '[' or '{' expected near end of file");
    assert_error("{\"room\": ", "input is not valid JSON (line 1, column 9): unexpected token near end of file");
    assert_error("[]", "input must be an object");
    assert_error(edited("\"weekly\"", "\"we\xffkly\""), "input is not valid UTF-8");
    assert_error(edited("\"weekly\"", "\"we\\u0000kly\""),
                 "input is not valid JSON (line 2, column 23): \\u0000 is not allowed without JSON_ALLOW_NUL near "
                 "'\"we\\u0000kly\"'");
    assert_error(edited("\"room\": \"weekly\",", "\"room\": \"weekly\", \"room\": \"x\","),
                 "input is not valid JSON (line 2, column 26): duplicate object key near '\"room\"'");
    assert_error(std::string(kMaxSummaryJsonBytes + 1, ' '), "input is larger than 33554432 bytes");
}

static void missing_and_mistyped_fields_are_named(void **) {
    assert_error(edited("\"room\": \"weekly\", ", ""), "room is missing");
    assert_error(edited("\"weekly\"", "\"\""), "room must not be empty");
    assert_error(edited("\"weekly\"", "7"), "room must be a string");
    assert_error(edited("\"room\": \"weekly\"", "\"room\": null"), "room is missing");
    assert_error(edited("\"2026-11-24T09:00:00Z\"", "\"yesterday\""),
                 "started_at must be a UTC time like 2026-11-24T09:00:00Z");
    assert_error(edited("\"2026-11-24T09:40:00Z\"", "\"2026-11-24T08:00:00Z\""), "ended_at is before started_at");
    assert_error(edited("\"2026-11-24T09:40:00Z\"", "\"2027-11-24T08:00:00Z\""),
                 "ended_at is more than 100000 minutes after started_at");
    assert_error(edited("\"chat_messages\": 17, ", ""), "overview.chat_messages is missing");
    assert_error(edited("\"polls\": 2", "\"polls\": 2.5"), "overview.polls must be an integer");
    assert_error(edited("\"count\": 41", "\"count\": \"41\""), "overview.reactions.count must be an integer");
    assert_error(edited("\"reactions\": {", "\"reactions\": [], \"x\": {"), "overview.reactions must be an object");
    assert_error(edited("\"timeline\": [", "\"timeline\": 3, \"y\": ["), "timeline must be an array");
    assert_error(edited("{\"minute\": 1,", "7, {\"minute\": 1,"), "timeline[0] must be an object");
    assert_error(edited("\"minute\": 1, ", ""), "timeline[0].minute is missing");
    assert_error(edited("\"minute\": 1", "\"minute\": 0"), "timeline has minute 0 twice");
    assert_error(edited("\"2026-11-24T09:00:30Z\"", "\"2026-11-24T08:00:30Z\""), "timeline[1].at is before started_at");
    assert_error(edited("\"role\": \"host\", ", ""), "top_attendees[0].role is missing");
    assert_error(edited("\"id\": \"r-2\"", "\"id\": \"\""), "recordings[1].id must not be empty");
    assert_error(edited("\"overview\": {", "\"overview\": 1, \"z\": {"), "overview must be an object");
}

static void negative_huge_and_out_of_range_numbers_are_refused(void **) {
    assert_error(edited("\"live_unique_viewers\": 12", "\"live_unique_viewers\": -1"),
                 "overview.live_unique_viewers must not be negative");
    assert_error(edited("\"average_minutes_viewed\": 31.5", "\"average_minutes_viewed\": -0.5"),
                 "overview.average_minutes_viewed must not be negative");
    assert_error(edited("\"average_minutes_viewed\": 31.5", "\"average_minutes_viewed\": 1e300"),
                 "overview.average_minutes_viewed is too large");
    assert_error(edited("\"live_unique_viewers\": 12", "\"live_unique_viewers\": 9223372036854775807"),
                 "overview.live_unique_viewers is too large");
    assert_error(edited("\"average_engagement_rate\": 72.4", "\"average_engagement_rate\": 100.01"),
                 "overview.average_engagement_rate is a percentage and must not exceed 100");
    assert_error(edited("\"engagement_rate\": 80", "\"engagement_rate\": 101"),
                 "timeline[0].engagement_rate is a percentage and must not exceed 100");
    assert_error(edited("\"minute\": 1", "\"minute\": 100000"),
                 "timeline[0].minute is beyond the longest session (100000 minutes)");
    assert_error(edited("\"minutes_viewed\": 40", "\"minutes_viewed\": -40"),
                 "top_attendees[0].minutes_viewed must not be negative");
    assert_error(edited("\"average_completion\": 61.25", "\"average_completion\": 161.25"),
                 "recordings[0].average_completion is a percentage and must not exceed 100");
    assert_error(
        edited("\"title\": \"Weekly sync\", \"session\"", "\"title\": \"" + std::string(4097, 'x') + "\", \"session\""),
        "title is longer than 4096 bytes");
}

static void enormous_arrays_are_refused(void **) {
    std::string points = "[";
    for (size_t i = 0; i <= kMaxSummaryTimelinePoints; ++i) points += (i ? ",{}" : "{}");
    points += "]";
    assert_error(edited("\"timeline\": [", "\"timeline\": " + points + ", \"t\": ["),
                 "timeline has 100001 entries, more than the limit of 100000");
    std::string attendees = "[";
    for (size_t i = 0; i <= kMaxSummaryAttendees; ++i) attendees += (i ? ",1" : "1");
    attendees += "]";
    assert_error(edited("\"top_attendees\": [", "\"top_attendees\": " + attendees + ", \"a\": ["),
                 "top_attendees has 10001 entries, more than the limit of 10000");
}

static void the_limits_themselves_are_accepted(void **) {
    std::string points = "[";
    for (size_t i = 0; i < kMaxSummaryTimelinePoints; ++i)
        points += (i ? "," : "") + std::string("{\"minute\":") + std::to_string(kMaxSummaryTimelinePoints - 1 - i) +
                  ",\"live_viewers\":0,\"engagement_rate\":100}";
    points += "]";
    std::string attendees = "[";
    for (size_t i = 0; i < kMaxSummaryAttendees; ++i)
        attendees += (i ? "," : "") + std::string("{\"name\":\"\xd9\x85\xd8\xad\xd9\x85\xd8\xaf ") + std::to_string(i) +
                     "\",\"role\":\"viewer\",\"minutes_viewed\":1,\"engagement_rate\":0,\"reactions\":0,"
                     "\"chat_messages\":0}";
    attendees += "]";
    std::string text = edited("\"timeline\": [", "\"timeline\": " + points + ", \"t\": [");
    const size_t at = text.find("\"top_attendees\": [");
    text.replace(at, 18, "\"top_attendees\": " + attendees + ", \"a\": [");
    SessionSummary summary;
    std::string error;
    assert_true(parse_session_summary(text, summary, error));
    assert_int_equal(summary.timeline.size(), kMaxSummaryTimelinePoints);
    assert_int_equal(summary.timeline[0].minute, 0);
    assert_int_equal(summary.attendees.size(), kMaxSummaryAttendees);
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_full_summary_parses),
        cmocka_unit_test(malformed_input_is_refused),
        cmocka_unit_test(missing_and_mistyped_fields_are_named),
        cmocka_unit_test(negative_huge_and_out_of_range_numbers_are_refused),
        cmocka_unit_test(enormous_arrays_are_refused),
        cmocka_unit_test(the_limits_themselves_are_accepted),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
