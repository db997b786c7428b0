// The export request's stored report JSON: scoped to the room, its range resolved to days,
// csv-only and pdf-only fields kept apart, the report filters' errors; and when a node can
// mail exports at all.
#include "plugin/export_requests.hpp"

#include <string>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec;
using namespace roomrec::plugin;

static constexpr int64_t kNow = 1793620800; // 2026-11-02T12:00:00Z

// The stored JSON, or "<code>: <message>".
static std::string stored(const char *body_json) {
    Json body = parse_json(body_json);
    auto result = export_report_json(body.get(), "r1", kNow);
    if (auto *json = std::get_if<std::string>(&result)) return *json;
    const json_t *data = std::get<Reply>(result).data.get();
    return std::to_string(json_integer_value(json_object_get(data, "error_code"))) + ": " +
           json_string_value(json_object_get(data, "error"));
}

static void csv_scoped_to_the_room_with_days(void **) {
    assert_string_equal(
        stored(R"({"format":"csv","report":"attendees_data","range":"last_7_days","filters":{"user_ids":["u1"]},)"
               R"("bom":true})")
            .c_str(),
        R"({"bom":true,"descriptive_headers":false,"filters":{"entry_ids":["r1"],"user_ids":["u1"]},"format":"csv",)"
        R"("fromDate":"2026-10-27","report":"attendees_data","toDate":"2026-11-02"})");
    // Breakouts: the ones opened from this room.
    assert_string_equal(
        stored(R"({"format":"csv","report":"breakout_sessions","fromDate":"2026-11-01",)"
               R"("toDate":"2026-11-02","filters":{"entry_ids":["r1"]}})")
            .c_str(),
        R"({"bom":false,"descriptive_headers":false,"filters":{"parentEntryIds":["r1"]},)"
        R"("format":"csv","fromDate":"2026-11-01","report":"breakout_sessions","toDate":"2026-11-02"})");
}

static void pdf_keeps_only_its_session(void **) {
    assert_string_equal(stored(R"({"format":"pdf","session":"s1"})").c_str(), R"({"format":"pdf","session":"s1"})");
    assert_string_equal(stored(R"({"format":"pdf"})").c_str(), R"({"format":"pdf","session":""})");
}

static void refusals(void **) {
    assert_string_equal(stored(R"({"format":"pdf","report":"room_data"})").c_str(), "443: report is for csv exports");
    assert_string_equal(stored(R"({"format":"csv","range":"last_7_days"})").c_str(), "442: report is required");
    assert_true(stored(R"({"format":"csv","report":"room_data","range":"last_7_days","session":"s1"})")
                    .rfind("443: session is for pdf exports", 0) == 0);
    assert_true(stored(R"({"format":"csv","report":"nope","range":"last_7_days"})").rfind("443: unknown report", 0) ==
                0);
    assert_string_equal(
        stored(R"({"format":"csv","report":"room_data","range":"last_7_days","filters":{"entry_ids":["r1","r2"]}})")
            .c_str(),
        "443: filters.entry_ids may name only this room");
    assert_string_equal(stored(R"({"format":"csv","report":"room_data","range":"last_7_days",)"
                               R"("filters":{"parentEntryIds":["r9"]}})")
                            .c_str(),
                        "443: filters.parentEntryIds may name only this room");
    assert_true(stored(R"({"format":"csv","report":"room_data","fromDate":"2025-01-01","toDate":"2026-11-01"})")
                    .rfind("444: ", 0) == 0); // more than 366 days
}

static void a_node_needs_delivery_links_and_smtp(void **) {
    PluginConfig config;
    assert_non_null(std::strstr(exports_unavailable(config).c_str(), "delivery.postgres"));
    config.delivery.postgres = "dbname=x";
    assert_non_null(std::strstr(exports_unavailable(config).c_str(), "links"));
    config.delivery.links.enabled = true;
    assert_non_null(std::strstr(exports_unavailable(config).c_str(), "smtp"));
    config.delivery.smtp.enabled = true;
    assert_string_equal(exports_unavailable(config).c_str(), "");
    config.delivery.links.enabled = false;
    config.delivery.to_s3 = true; // S3 mails presigned links
    assert_string_equal(exports_unavailable(config).c_str(), "");
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_scoped_to_the_room_with_days),
        cmocka_unit_test(pdf_keeps_only_its_session),
        cmocka_unit_test(refusals),
        cmocka_unit_test(a_node_needs_delivery_links_and_smtp),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
