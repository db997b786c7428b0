// Custom report requests: report names, ranges (last N days, custom from/to) and their
// arithmetic in UTC days, id filters and their limits, options; every bad input has a clear
// error.
#include "analytics/core/report_filters.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::analytics;

// 2024-03-10 15:30:00 UTC (a leap year, just after February).
static constexpr int64_t kNow = 1710084600;
static constexpr int64_t kMarch10 = 1710028800; // 2024-03-10 00:00:00 UTC
static constexpr int64_t kDay = 86400;

static CustomReportRequest json_ok(const std::string &text) {
    CustomReportRequest request;
    std::string error;
    if (!parse_report_request_json(text, kNow, request, error)) fail_msg("refused %s: %s", text.c_str(), error.c_str());
    return request;
}

static std::string json_error(const std::string &text) {
    CustomReportRequest request;
    std::string error;
    if (parse_report_request_json(text, kNow, request, error)) fail_msg("accepted %s", text.c_str());
    return error;
}

static CustomReportRequest args_ok(std::vector<std::string> args) {
    CustomReportRequest request;
    std::string error;
    if (!parse_report_request_args(args, kNow, request, error)) fail_msg("refused: %s", error.c_str());
    return request;
}

static std::string args_error(std::vector<std::string> args) {
    CustomReportRequest request;
    std::string error;
    if (parse_report_request_args(args, kNow, request, error)) fail_msg("accepted");
    return error;
}

static void dates_parse_strictly(void **) {
    assert_false(parse_utc_day("1970-01-01").has_value()); // before 2000
    assert_int_equal(*parse_utc_day("2024-03-10"), kMarch10 / kDay);
    assert_int_equal(*parse_utc_day("2000-01-01"), 10957);
    assert_true(parse_utc_day("2024-02-29").has_value());
    assert_false(parse_utc_day("2023-02-29").has_value());
    assert_false(parse_utc_day("2100-01-01").has_value());
    assert_true(parse_utc_day("2000-02-29").has_value()); // 2000 is a leap year
    for (const char *bad : {"", "2024-3-10", "2024/03/10", "2024-03-10T00:00", "2024-13-01", "2024-00-10", "2024-04-31",
                            "2024-03-00", "20240310", " 2024-03-10", "2024-03-1x", "+024-03-10"})
        assert_false(parse_utc_day(bad).has_value());
    assert_string_equal(format_utc_day(kMarch10 / kDay).c_str(), "2024-03-10");
    assert_string_equal(format_utc_day(10957).c_str(), "2000-01-01");
    assert_string_equal(format_utc_day(*parse_utc_day("2099-12-31")).c_str(), "2099-12-31");
}

static void last_n_days_end_with_today(void **) {
    CustomReportRequest request = json_ok(R"({"report":"room_data","range":"last_7_days"})");
    assert_int_equal(request.report, CustomReport::RoomData);
    assert_string_equal(request.range.c_str(), "last_7_days");
    assert_int_equal(request.to_s, kMarch10 + kDay);       // tomorrow 00:00
    assert_int_equal(request.from_s, kMarch10 - 6 * kDay); // 2024-03-04 00:00
    request = json_ok(R"({"report":"room_data","range":"last_30_days"})");
    assert_int_equal(request.to_s - request.from_s, 30 * kDay);
    request = json_ok(R"({"report":"room_data","range":"last_120_days"})");
    assert_int_equal(request.to_s - request.from_s, 120 * kDay);
    request = json_ok(R"({"report":"room_data","range":"last_365_days"})");
    assert_int_equal(request.to_s - request.from_s, 365 * kDay);
    assert_int_equal(request.from_s, kMarch10 - 364 * kDay); // 2023-03-12: Feb 29 is inside
    // At exactly midnight, today is the day that just started.
    CustomReportRequest at_midnight;
    std::string error;
    assert_true(
        parse_report_request_json(R"({"report":"room_data","range":"last_7_days"})", kMarch10, at_midnight, error));
    assert_int_equal(at_midnight.to_s, kMarch10 + kDay);
    assert_true(
        parse_report_request_json(R"({"report":"room_data","range":"last_7_days"})", kMarch10 - 1, at_midnight, error));
    assert_int_equal(at_midnight.to_s, kMarch10);
}

static void custom_ranges_include_both_days(void **) {
    CustomReportRequest request = json_ok(
        R"({"report":"chat_transcripts","fromDate":"2024-02-28","toDate":"2024-03-01"})");
    assert_string_equal(request.range.c_str(), "custom");
    assert_int_equal(request.from_s, *parse_utc_day("2024-02-28") * kDay);
    assert_int_equal(request.to_s - request.from_s, 3 * kDay); // 28, 29, 1
    request = json_ok(R"({"report":"chat_transcripts","fromDate":"2024-03-10","toDate":"2024-03-10"})");
    assert_int_equal(request.from_s, kMarch10);
    assert_int_equal(request.to_s, kMarch10 + kDay);
    // The dates may also come inside filters (as the seed lists them).
    request = json_ok(R"({"report":"chat_moderation","filters":{"fromDate":"2024-01-01","toDate":"2024-12-31"}})");
    assert_int_equal(request.to_s - request.from_s, 366 * kDay); // 2024 has 366 days: allowed
    request = json_ok(R"({"report":"room_data","fromDate":"2023-01-01","toDate":"2024-01-01"})"); // 366 days
    assert_int_equal(request.to_s - request.from_s, 366 * kDay);
}

static void bad_ranges_are_refused(void **) {
    assert_string_equal(json_error(R"({"report":"room_data","fromDate":"2023-01-01","toDate":"2024-01-02"})").c_str(),
                        "the range spans 367 days (at most 366)");
    assert_string_equal(json_error(R"({"report":"room_data","fromDate":"2024-03-02","toDate":"2024-03-01"})").c_str(),
                        "fromDate 2024-03-02 is after toDate 2024-03-01");
    assert_string_equal(json_error(R"({"report":"room_data","fromDate":"2024-3-1","toDate":"2024-03-01"})").c_str(),
                        "fromDate is not a date YYYY-MM-DD (2000-2099)");
    assert_string_equal(json_error(R"({"report":"room_data","fromDate":"2024-03-01","toDate":"2024-02-30"})").c_str(),
                        "toDate is not a date YYYY-MM-DD (2000-2099)");
    assert_string_equal(json_error(R"({"report":"room_data","fromDate":20240301,"toDate":"2024-03-01"})").c_str(),
                        "fromDate is not a date YYYY-MM-DD (2000-2099)");
    assert_string_equal(json_error(R"({"report":"room_data","fromDate":"2024-03-01"})").c_str(),
                        "fromDate and toDate go together");
    assert_string_equal(json_error(R"({"report":"room_data"})").c_str(),
                        "no date range (give range, or fromDate and toDate)");
    assert_string_equal(
        json_error(R"({"report":"room_data","range":"last_7_days","fromDate":"2024-03-01","toDate":"2024-03-01"})")
            .c_str(),
        "give either a range or fromDate and toDate, not both");
    assert_string_equal(json_error(R"({"report":"room_data","range":"last_8_days"})").c_str(),
                        "unknown range 'last_8_days' (valid: last_7_days, last_30_days, last_120_days, last_365_days, "
                        "or fromDate and toDate)");
    assert_string_equal(json_error(R"({"report":"room_data","range":7})").c_str(),
                        "range is not a string (valid: last_7_days, last_30_days, last_120_days, last_365_days)");
    assert_string_equal(
        json_error(
            R"({"report":"room_data","fromDate":"2024-03-01","toDate":"2024-03-01","filters":{"fromDate":"2024-03-01"}})")
            .c_str(),
        "fromDate given twice");
}

static void report_names(void **) {
    for (CustomReport report : kCustomReports)
        assert_int_equal(*custom_report_from_name(custom_report_name(report)), report);
    assert_string_equal(json_error(R"({"report":"rooms","range":"last_7_days"})").c_str(),
                        "unknown report 'rooms' (valid: room_data, attendees_data, breakout_sessions, "
                        "chat_transcripts, chat_moderation)");
    assert_string_equal(json_error(R"({"range":"last_7_days"})").c_str(),
                        "no report named (valid: room_data, attendees_data, breakout_sessions, chat_transcripts, "
                        "chat_moderation)");
    assert_string_equal(json_error(R"({"report":1,"range":"last_7_days"})").c_str(),
                        "report is not a string (valid: room_data, attendees_data, breakout_sessions, "
                        "chat_transcripts, chat_moderation)");
    // A hostile name is cut and kept valid UTF-8 in the message.
    const std::string error = json_error(R"({"report":"\u00e9)" + std::string(100, 'x') +
                                         R"(","range":"last_7_days"})");
    assert_int_equal(error.find("unknown report '\xc3\xa9xxx"), 0);
    assert_true(error.size() < 200);
}

static void filters_are_parsed_and_checked(void **) {
    CustomReportRequest request = json_ok(
        R"({"report":"attendees_data","range":"last_30_days","filters":{"entry_ids":["room-1","r.2:x_Y"],)"
        R"("user_ids":["u1"],"cue_point_ids":[],"virtual_event_ids":["ve1"],"parentEntryIds":["p1"]},)"
        R"("bom":true,"descriptive_headers":true})");
    assert_int_equal(request.filters.entry_ids.size(), 2);
    assert_string_equal(request.filters.entry_ids[1].c_str(), "r.2:x_Y");
    assert_int_equal(request.filters.user_ids.size(), 1);
    assert_true(request.filters.cue_point_ids.empty()); // [] = no filter
    assert_string_equal(request.filters.virtual_event_ids[0].c_str(), "ve1");
    assert_string_equal(request.filters.parent_entry_ids[0].c_str(), "p1");
    assert_true(request.csv.bom);
    assert_true(request.csv.descriptive_headers);

    assert_string_equal(
        json_error(R"({"report":"room_data","range":"last_7_days","filters":{"room_ids":["a"]}})").c_str(),
        "unknown filter 'room_ids' (known: entry_ids, user_ids, cue_point_ids, virtual_event_ids, "
        "parentEntryIds, fromDate, toDate)");
    assert_string_equal(
        json_error(R"({"report":"room_data","range":"last_7_days","filters":{"entry_ids":"a"}})").c_str(),
        "entry_ids: not an array of ids");
    assert_string_equal(
        json_error(R"({"report":"room_data","range":"last_7_days","filters":{"entry_ids":[1]}})").c_str(),
        "entry_ids: id 1 is not a string");
    assert_string_equal(
        json_error(R"({"report":"room_data","range":"last_7_days","filters":{"user_ids":["ok","a b"]}})").c_str(),
        "user_ids: id 2 is not an identifier (1-128 characters of A-Z a-z 0-9 _ - . :)");
    assert_string_equal(
        json_error(R"({"report":"room_data","range":"last_7_days","filters":{"user_ids":["x'; DROP TABLE t;--"]}})")
            .c_str(),
        "user_ids: id 1 is not an identifier (1-128 characters of A-Z a-z 0-9 _ - . :)");
    assert_string_equal(
        json_error(R"({"report":"room_data","range":"last_7_days","filters":{"user_ids":[""]}})").c_str(),
        "user_ids: id 1 is not an identifier (1-128 characters of A-Z a-z 0-9 _ - . :)");
    const std::string long_id(128, 'a');
    json_ok(R"({"report":"room_data","range":"last_7_days","filters":{"user_ids":[")" + long_id + R"("]}})");
    assert_string_equal(
        json_error(R"({"report":"room_data","range":"last_7_days","filters":{"user_ids":[")" + long_id + R"(a"]}})")
            .c_str(),
        "user_ids: id 1 is not an identifier (1-128 characters of A-Z a-z 0-9 _ - . :)");
    std::string ids;
    for (int i = 0; i < 1000; ++i) ids += (i ? ",\"u" : "\"u") + std::to_string(i) + "\"";
    request = json_ok(R"({"report":"room_data","range":"last_7_days","filters":{"entry_ids":[)" + ids + "]}}");
    assert_int_equal(request.filters.entry_ids.size(), 1000);
    assert_string_equal(
        json_error(R"({"report":"room_data","range":"last_7_days","filters":{"entry_ids":[)" + ids + R"(,"x"]}})")
            .c_str(),
        "entry_ids: more than 1000 ids");
}

static void other_json_errors(void **) {
    assert_string_equal(json_error("[]").c_str(), "the request is not a JSON object");
    assert_string_equal(json_error("{").c_str(), "the request is not a JSON object");
    assert_string_equal(json_error(R"({"report":"room_data","report":"room_data","range":"last_7_days"})").c_str(),
                        "the request is not a JSON object"); // duplicate keys
    assert_string_equal(json_error(R"({"report":"room_data","range":"last_7_days","limit":5})").c_str(),
                        "unknown field 'limit' (known: report, range, fromDate, toDate, filters, bom, "
                        "descriptive_headers)");
    assert_string_equal(json_error(R"({"report":"room_data","range":"last_7_days","bom":"yes"})").c_str(),
                        "bom is not true or false");
    assert_string_equal(json_error(R"({"report":"room_data","range":"last_7_days","filters":[]})").c_str(),
                        "filters is not an object");
}

static void command_line_arguments(void **) {
    CustomReportRequest request = args_ok({"breakout_sessions", "--range", "30d", "--entry-ids", "a,b,c",
                                           "--parent-entry-ids", "p", "--bom", "--descriptive-headers"});
    assert_int_equal(request.report, CustomReport::BreakoutSessions);
    assert_string_equal(request.range.c_str(), "last_30_days");
    assert_int_equal(request.to_s, kMarch10 + kDay);
    assert_int_equal(request.filters.entry_ids.size(), 3);
    assert_string_equal(request.filters.parent_entry_ids[0].c_str(), "p");
    assert_true(request.csv.bom && request.csv.descriptive_headers);
    request = args_ok({"--from", "2024-01-01", "--to", "2024-01-31", "chat_moderation"});
    assert_int_equal(request.to_s - request.from_s, 31 * kDay);
    request = args_ok({"room_data", "--range", "last_365_days"});
    assert_int_equal(request.to_s - request.from_s, 365 * kDay);

    assert_string_equal(args_error({"room_data", "--range", "7d", "--bogus"}).c_str(),
                        "unknown option '--bogus' (known: --range, --from, --to, --entry-ids, --user-ids, "
                        "--cue-point-ids, --virtual-event-ids, --parent-entry-ids, --bom, --descriptive-headers)");
    assert_string_equal(args_error({"room_data", "--range"}).c_str(), "--range needs a value");
    assert_string_equal(args_error({"room_data", "other", "--range", "7d"}).c_str(), "unexpected argument 'other'");
    assert_string_equal(args_error({"room_data", "--range", "7d", "--user-ids", "a,,b"}).c_str(),
                        "user_ids: id 2 is not an identifier (1-128 characters of A-Z a-z 0-9 _ - . :)");
    assert_string_equal(args_error({"room_data", "--range", "7d", "--user-ids", "a", "--user-ids", "b"}).c_str(),
                        "user_ids given twice");
    assert_string_equal(args_error({"room_data", "--range", "7d", "--range", "30d"}).c_str(), "range given twice");
    assert_string_equal(args_error({"room_data", "--from", "2024-02-01", "--to", "2024-01-01"}).c_str(),
                        "fromDate 2024-02-01 is after toDate 2024-01-01");
    std::string ids;
    for (int i = 0; i < 1001; ++i) ids += (i ? ",u" : "u") + std::to_string(i);
    assert_string_equal(args_error({"room_data", "--range", "7d", "--cue-point-ids", ids}).c_str(),
                        "cue_point_ids: more than 1000 ids");
    assert_true(args_error({"--range", "7d"}).find("no report named") == 0);
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dates_parse_strictly),
        cmocka_unit_test(last_n_days_end_with_today),
        cmocka_unit_test(custom_ranges_include_both_days),
        cmocka_unit_test(bad_ranges_are_refused),
        cmocka_unit_test(report_names),
        cmocka_unit_test(filters_are_parsed_and_checked),
        cmocka_unit_test(other_json_errors),
        cmocka_unit_test(command_line_arguments),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
