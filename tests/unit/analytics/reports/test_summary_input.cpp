// The report engine's answers mapped to the PDF summary's input: every field's source, nulls
// and reals made valid, and the result accepted by the summary's own parser.
#include "analytics/reports/summary_input.hpp"

#include "analytics/core/summary_json.hpp"

#include <string>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::analytics;

// As the overview, timeline, attendees and recordings reports answer (docs/API.md "Reports").
static const char *kOverview = R"({"session":"s1","started_at":"2026-11-24T09:00:00.000Z",
    "ended_at":"2026-11-24T09:40:00.000Z","duration_minutes":40.0,"live_unique_viewers":12,
    "recording_unique_viewers":3,"average_minutes_viewed":26.3,"live_engagement_rate":71.4,
    "reactions":{"count":41,"users":7,"users_percent":58.3,"refused_attempts":2},
    "chat_messages":{"count":23,"users":5,"users_percent":41.7},"raised_hands":{"count":1,"users":1,"users_percent":8.3},
    "polls":{"count":2,"answers":9,"users":9,"users_percent":75.0},"qa_threads":{"count":3,"users":2,"users_percent":16.7},
    "downloads":{"count":5,"users":4,"users_percent":33.3},"recording_plays":4})";
static const char *kTimeline = R"({"session":"s1","minutes":[
    {"index":0,"minute":"2026-11-24T09:00:00.000Z","live_unique_viewers":3,"engagement_rate":60.0,"heartbeats":9,"reactions":{}},
    {"index":1,"minute":"2026-11-24T09:01:00.000Z","live_unique_viewers":4,"engagement_rate":null,"heartbeats":0,"reactions":{"clap":2}}]})";
static const char *kAttendees = R"([
    {"user":"u1","name":"Alice Martin","role":"host","minutes_viewed":40.0,"reactions":0,"chat_messages":3,
     "raised_hands":0,"polls_answered":1,"qa_threads":0,"downloads":0,"engagement_rate":95.0,"details":{}},
    {"user":"guest-1","name":null,"role":"viewer","minutes_viewed":2.5,"reactions":1.0,"chat_messages":0,
     "engagement_rate":null}])";
static const char *kRecordings = R"({"session":"s1","recordings":[{"recording":"rec-1","title":null,
    "started_at":"2026-11-24T09:00:05.000Z","duration_ms":2400000,"impressions":6,"plays":4,"unique_viewers":3,
    "minutes_viewed":52.5,"average_completion":61.3,"users":[]}]})";

static Json input_of(const char *overview, const char *timeline, const char *attendees, const char *recordings) {
    Json o = parse_json(overview), t = parse_json(timeline), a = parse_json(attendees), r = parse_json(recordings);
    return summary_input({"weekly", "Weekly sync", o.get(), t.get(), a.get(), r.get()});
}

static void every_field_from_its_report(void **) {
    Json input = input_of(kOverview, kTimeline, kAttendees, kRecordings);
    assert_string_equal(
        roomrec::common::json_compact(input, JSON_SORT_KEYS | JSON_REAL_PRECISION(15)).c_str(),
        R"({"ended_at":"2026-11-24T09:40:00.000Z",)"
        R"("overview":{"average_engagement_rate":71.4,"average_minutes_viewed":26.3,"chat_messages":23,)"
        R"("downloads":5,"live_unique_viewers":12,"polls":2,"qa_threads":3,"reactions":{"count":41,)"
        R"("users_percent":58.3},"recording_plays":4,"recording_unique_viewers":3},)"
        R"("recordings":[{"average_completion":61.3,"id":"rec-1","impressions":6,"minutes_viewed":52.5,)"
        R"("plays":4,"title":""}],"room":"weekly","session":"s1",)"
        R"("started_at":"2026-11-24T09:00:00.000Z",)"
        R"("timeline":[{"engagement_rate":60.0,"live_viewers":3,"minute":0},)"
        R"({"engagement_rate":0.0,"live_viewers":4,"minute":1}],"title":"Weekly sync",)"
        R"("top_attendees":[{"chat_messages":3,"engagement_rate":95.0,"minutes_viewed":40.0,)"
        R"("name":"Alice Martin","reactions":0,"role":"host"},{"chat_messages":0,"engagement_rate":0.0,)"
        R"("minutes_viewed":2.5,"name":"","reactions":1,"role":"viewer"}]})");
}

static void the_summary_parser_accepts_it(void **) {
    Json input = input_of(kOverview, kTimeline, kAttendees, kRecordings);
    SessionSummary summary;
    std::string error;
    assert_true(parse_session_summary(roomrec::common::json_compact(input), summary, error));
    assert_string_equal(summary.session.c_str(), "s1");
    assert_int_equal(summary.ended_at - summary.started_at, 40 * 60);
    assert_int_equal(summary.overview.live_unique_viewers, 12);
    assert_int_equal(summary.overview.reactions, 41);
    assert_true(summary.overview.average_engagement_rate == 71.4);
    assert_int_equal(summary.timeline.size(), 2);
    assert_int_equal(summary.timeline[1].live_viewers, 4);
    assert_int_equal(summary.attendees.size(), 2);
    assert_int_equal(summary.recordings.size(), 1);
    assert_string_equal(summary.recordings[0].id.c_str(), "rec-1");
}

static void a_live_session_and_empty_reports(void **) {
    // No end yet (null), no rate (null), no minutes, attendees or recordings.
    Json input = input_of(R"({"session":"s2","started_at":"2026-11-24T09:00:00Z","ended_at":null,
                              "live_engagement_rate":null,"live_unique_viewers":0})",
                          R"({"session":"s2","minutes":[]})", "[]", R"({"recordings":[]})");
    assert_string_equal(json_string_value(json_object_get(input.get(), "ended_at")), "2026-11-24T09:00:00Z");
    SessionSummary summary;
    std::string error;
    assert_true(parse_session_summary(roomrec::common::json_compact(input), summary, error));
    assert_int_equal(summary.overview.chat_messages, 0);
    assert_true(summary.timeline.empty());
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_field_from_its_report),
        cmocka_unit_test(the_summary_parser_accepts_it),
        cmocka_unit_test(a_live_session_and_empty_reports),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
