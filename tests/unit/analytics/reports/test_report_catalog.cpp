// The report names, their declared parameters and the check every report request goes through.
#include "analytics/reports/report_catalog.hpp"

#include <set>
#include <string>
#include <string_view>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::analytics;
using roomrec::domain::ErrorCode;

static constexpr std::string_view kEnvelope[] = {"request",      "room",  "report", "session",
                                                 "admin_secret", "token", "secret"};

static std::optional<ReportError> read(const char *name, const char *body, ReportRequest &request) {
    request.name = name;
    request.room = "r1";
    Json json = parse_json(body);
    return read_report_params(json.get(), kEnvelope, request);
}

static ErrorCode refused(const char *name, const char *body) {
    ReportRequest request;
    const auto error = read(name, body, request);
    if (!error) fail_msg("%s %s was accepted", name, body);
    return error->code;
}

static void names_are_unique_and_listed(void **) {
    std::set<std::string> names;
    for (const auto &report : report_names()) {
        assert_true(names.insert(report.name).second);
        assert_ptr_equal(find_report(report.name), &report);
    }
    for (const char *name : {"sessions", "overview", "timeline", "attendees", "attendee", "heatmap", "stage", "media",
                             "recordings", "geography"})
        assert_non_null(find_report(name));
    assert_null(find_report("custom"));
    assert_null(find_report(""));
    assert_false(find_report("sessions")->per_session);
    assert_true(find_report("overview")->per_session);
    assert_string_equal(report_name_list().substr(0, 18).c_str(), "sessions|overview|");
}

static void reads_declared_params_and_skips_the_envelope(void **) {
    ReportRequest request;
    assert_false(read("attendees",
                      R"({"request":"report","room":"r1","report":"attendees","session":"s","admin_secret":"x",
                          "search":"Núñ","offset":10,"limit":20})",
                      request)
                     .has_value());
    assert_string_equal(request.search.c_str(), "Núñ");
    assert_int_equal(request.offset, 10);
    assert_int_equal(request.limit, 20);
    ReportRequest defaults;
    assert_false(read("heatmap", R"({"room":"r1"})", defaults).has_value());
    assert_int_equal(defaults.offset, 0);
    assert_int_equal(defaults.limit, kDefaultLimit);
    ReportRequest attendee;
    assert_false(read("attendee", R"({"user":"u3"})", attendee).has_value());
    assert_string_equal(attendee.user.c_str(), "u3");
}

static void refuses_bad_requests(void **) {
    assert_int_equal(refused("bogus", "{}"), ErrorCode::InvalidElement);                     // unknown report
    assert_int_equal(refused("overview", R"({"search":"abc"})"), ErrorCode::InvalidElement); // undeclared
    assert_int_equal(refused("attendees", R"({"colour":"red"})"), ErrorCode::InvalidElement);
    assert_int_equal(refused("attendees", R"({"search":"ab"})"), ErrorCode::InvalidElement);  // < 3 letters
    assert_int_equal(refused("attendees", R"({"search":"é a"})"), ErrorCode::InvalidElement); // 2 letters + space
    assert_int_equal(refused("attendees", R"({"search":3})"), ErrorCode::InvalidElement);
    assert_int_equal(refused("attendees", R"({"limit":"5"})"), ErrorCode::InvalidElement);
    assert_int_equal(refused("attendees", R"({"limit":1001})"), ErrorCode::ElementTooLong);
    assert_int_equal(refused("attendees", R"({"limit":0})"), ErrorCode::ElementTooLong);
    assert_int_equal(refused("attendees", R"({"offset":-1})"), ErrorCode::ElementTooLong);
    const std::string long_search = R"({"search":")" + std::string(129, 'a') + "\"}";
    assert_int_equal(refused("attendees", long_search.c_str()), ErrorCode::ElementTooLong);
    assert_int_equal(refused("attendee", "{}"), ErrorCode::MissingElement);
    assert_int_equal(refused("attendee", R"({"user":""})"), ErrorCode::InvalidElement);
    ReportRequest ok;
    assert_false(read("attendees", R"({"search":""})", ok).has_value()); // empty = no search
}

static void cli_params_are_checked_the_same_way(void **) {
    ReportRequest request;
    request.name = "attendees";
    assert_false(set_report_param("limit", "7", request).has_value());
    assert_int_equal(request.limit, 7);
    assert_int_equal(set_report_param("limit", "7x", request)->code, ErrorCode::InvalidElement);
    assert_int_equal(set_report_param("limit", "", request)->code, ErrorCode::InvalidElement);
    assert_int_equal(set_report_param("limit", "99999999999999999999", request)->code, ErrorCode::InvalidElement);
    assert_int_equal(set_report_param("user", "u1", request)->code, ErrorCode::InvalidElement);
    assert_int_equal(set_report_param("search", "xy", request)->code, ErrorCode::InvalidElement);
    request.name = "attendee";
    assert_int_equal(check_required(request)->code, ErrorCode::MissingElement);
    assert_false(set_report_param("user", "u1", request).has_value());
    assert_false(check_required(request).has_value());
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_are_unique_and_listed),
        cmocka_unit_test(reads_declared_params_and_skips_the_envelope),
        cmocka_unit_test(refuses_bad_requests),
        cmocka_unit_test(cli_params_are_checked_the_same_way),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
