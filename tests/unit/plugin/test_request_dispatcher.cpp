// The dispatcher's validation step: a bad element of an array of objects (publish's
// descriptions[], subscribe's and unsubscribe's streams[]) is refused synchronously, like any
// other validation error, although those requests are otherwise answered with push_event.
#include "tests/unit/plugin/plugin_harness.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using roomrec::test::code;
using roomrec::test::has;
using roomrec::test::PluginHarness;

namespace {

void bad_descriptions_are_refused_synchronously(void **) {
    PluginHarness h;
    const auto meeting = h.meet();
    const std::string screen = h.request(
        meeting.host, R"({"request":"publish","descriptions":[{"mid":"0","description":"screen"}]})");
    assert_int_equal(code(screen), 443);
    assert_true(has(screen, R"(descriptions[0].description must be \"webcam\" or \"stage\")"));
    const std::string twice = h.request(
        meeting.host,
        R"({"request":"publish","descriptions":[{"mid":"0","description":"webcam"},{"mid":"0","description":"stage"}]})");
    assert_int_equal(code(twice), 443);
    assert_true(has(twice, R"(descriptions[1].mid \"0\" is named twice)"));
    const std::string missing = h.request(meeting.host, R"({"request":"publish","descriptions":[{"mid":"0"}]})");
    assert_int_equal(code(missing), 442);
    assert_true(has(missing, "descriptions[0].description is required"));
    const std::string long_mid = h.request(
        meeting.host,
        R"({"request":"publish","descriptions":[{"mid":"0123456789012345678901234567890123","description":"webcam"}]})");
    assert_int_equal(code(long_mid), 444);
    const std::string not_object = h.request(meeting.host, R"({"request":"publish","descriptions":["webcam"]})");
    assert_int_equal(code(not_object), 443);
    assert_true(has(not_object, "descriptions[0] must be an object"));
    assert_false(h.gateway.has_push(meeting.host, {"error_code"})); // nothing came asynchronously
    // A valid element still goes the asynchronous way (and fails there without an offer).
    assert_string_equal(
        h.request(meeting.host, R"({"request":"publish","descriptions":[{"mid":"0","description":"webcam"}]})").c_str(),
        "wait");
}

void bad_streams_are_refused_synchronously(void **) {
    PluginHarness h;
    auto *handle = h.attach();
    const std::string feed = h.request(handle, R"({"request":"subscribe","streams":[{"feed":"a/b"}]})");
    assert_int_equal(code(feed), 443);
    assert_true(has(feed, "streams[0].feed must be an identifier"));
    const std::string empty = h.request(handle, R"({"request":"unsubscribe","streams":[]})");
    assert_int_equal(code(empty), 442);
    assert_true(has(empty, "streams must have at least 1 item"));
    const std::string mid = h.request(handle, R"({"request":"unsubscribe","streams":[{"feed":"f","mid":7}]})");
    assert_int_equal(code(mid), 443);
    assert_true(has(mid, "streams[0].mid must be a string"));
    const std::string join = h.request(handle, R"({"request":"join","room":"r","ptype":"subscriber","private_id":"p",)"
                                               R"("streams":[{"mid":"1"}]})");
    assert_int_equal(code(join), 442);
    assert_true(has(join, "streams[0].feed is required"));
    assert_false(h.gateway.has_push(handle, {"error_code"}));
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_descriptions_are_refused_synchronously),
        cmocka_unit_test(bad_streams_are_refused_synchronously),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
