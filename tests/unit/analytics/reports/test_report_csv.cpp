// Report JSON shaped as CSV: rows, flattened columns, quoting and the formula guard.
#include "analytics/reports/report_csv.hpp"

#include <string>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::analytics;

static std::string csv(const char *report, const char *data) {
    Json json = parse_json(data);
    return report_to_csv(*find_report(report), json.get());
}

static void one_row_per_element_with_flattened_columns(void **) {
    assert_string_equal(csv("attendees", R"({"session":"s1","total":2,"attendees":[
            {"user":"u1","minutes_viewed":10.0,"engagement_rate":null,"details":{"country":"FR"}},
            {"user":"u2","minutes_viewed":5.5,"engagement_rate":50.0,"details":{"country":"DE"},"extra":[1,2]}]})")
                            .c_str(),
                        "user,minutes_viewed,engagement_rate,details.country,extra\r\n"
                        "u1,10,,FR,\r\n"
                        "u2,5.5,50,DE,\"[1,2]\"\r\n");
}

static void the_object_itself_when_the_report_has_no_rows(void **) {
    assert_string_equal(csv("overview", R"({"session":"s1","live_unique_viewers":8,"reactions":{"count":5}})").c_str(),
                        "session,live_unique_viewers,reactions.count\r\ns1,8,5\r\n");
}

static void several_arrays_get_a_section_column(void **) {
    assert_string_equal(csv("geography", R"({"live":{"countries":[{"country":"FR","viewers":3}],
                                              "devices":[{"device":"tv","viewers":1}]},
                                              "recording":{"countries":[],"devices":[]}})")
                            .c_str(),
                        "section,country,viewers,device\r\n"
                        "live.countries,FR,3,\r\n"
                        "live.devices,,1,tv\r\n");
    assert_string_equal(csv("timeline", R"({"session":"s1"})").c_str(), "\r\n"); // no rows at all
}

static void quotes_and_guards_cells(void **) {
    assert_string_equal(csv_cell("plain").c_str(), "plain");
    assert_string_equal(csv_cell("a,b").c_str(), "\"a,b\"");
    assert_string_equal(csv_cell("say \"hi\"").c_str(), "\"say \"\"hi\"\"\"");
    assert_string_equal(csv_cell("two\nlines").c_str(), "\"two\nlines\"");
    assert_string_equal(csv_cell("=SUM(A1)").c_str(), "'=SUM(A1)");
    assert_string_equal(csv_cell("+1").c_str(), "'+1");
    assert_string_equal(csv_cell("@cmd").c_str(), "'@cmd");
    assert_string_equal(csv_cell("-cmd").c_str(), "'-cmd");
    assert_string_equal(csv_cell("\tx").c_str(), "'\tx");
    assert_string_equal(csv_cell("\rx").c_str(), "\"'\rx\"");
    assert_string_equal(csv_cell("-3.5").c_str(), "-3.5"); // a negative number is data
    assert_string_equal(csv_cell("").c_str(), "");
    // Invalid UTF-8 never reaches the file: each bad byte becomes U+FFFD.
    assert_string_equal(csv_cell("a\xff,b").c_str(), "\"a\xEF\xBF\xBD,b\"");
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_row_per_element_with_flattened_columns),
        cmocka_unit_test(the_object_itself_when_the_report_has_no_rows),
        cmocka_unit_test(several_arrays_get_a_section_column),
        cmocka_unit_test(quotes_and_guards_cells),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
