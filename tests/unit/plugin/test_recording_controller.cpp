// Recording control through the real request path with a fake Janus: who may start and stop,
// what each role is told when it joins, and that a recorder that cannot start leaves the room
// as it was (refused, nobody told it is recording, a later start tried afresh).
#include "tests/unit/plugin/plugin_harness.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using roomrec::test::code;
using roomrec::test::has;
using roomrec::test::PluginHarness;

namespace {

void only_desktop_hosts_and_moderators_control_recording(void **) {
    PluginHarness h;
    h.create_room("weekly");
    std::string id;
    auto *viewer = h.join("weekly", "viewer", "bob", &id);
    auto *mobile_host = h.join("weekly", "host", "dora", &id, "mobile");

    std::string refused = h.request(viewer, R"({"request":"start_recording"})");
    assert_int_equal(code(refused), 448);
    assert_true(has(refused, "only hosts and moderators may start"));
    refused = h.request(mobile_host, R"({"request":"stop_recording"})");
    assert_int_equal(code(refused), 448);
    assert_true(has(refused, "a mobile client cannot stop"));
    // An unbound handle is told to join first.
    assert_int_equal(code(h.request(h.attach(), R"({"request":"start_recording"})")), 449);
}

void joining_tells_each_role_the_recording_state(void **) {
    PluginHarness h;
    h.create_room("weekly");
    std::string id;
    h.join("weekly", "host", "alice", &id);
    assert_true(has(h.last_joined, "\"recording\":{\"can_control\":true,\"state\":\"idle\"}"));
    h.join("weekly", "viewer", "bob", &id);
    assert_true(has(h.last_joined, "\"recording\":{\"state\":\"idle\"}"));
    // C1: a host on a mobile client is not offered a control it would be refused.
    h.join("weekly", "host", "dora", &id, "mobile");
    assert_true(has(h.last_joined, "\"recording\":{\"state\":\"idle\"}"));
}

void a_recorder_that_cannot_start_changes_nothing(void **) {
    PluginHarness h;
    const auto [host, viewer, host_id, viewer_id] = h.meet();

    for (int attempt = 0; attempt < 2; ++attempt) {
        const std::string refused = h.request(host, R"({"request":"start_recording"})");
        assert_int_equal(code(refused), 456);
        assert_true(has(refused, "the recorder could not start"));
    }
    // Nobody was told a recording is starting, and the room is not recording.
    assert_false(h.gateway.has_push(viewer, {"\"roomrec\":\"recording\"", "\"state\":\"starting\""}));
    assert_int_equal(code(h.request(host, R"({"request":"stop_recording"})")), 455);
    assert_true(has(h.admin(R"({"request":"status"})"), "\"recordings\":0"));
    // The operator's log names the request the failure belongs to.
    const std::string logged = h.log_line({"[recording]", "recording not started"});
    assert_true(has(logged, ("[room=weekly participant=" + host_id + " tx=tx]").c_str()));
}

void stop_without_a_recording_is_a_state_error(void **) {
    PluginHarness h;
    h.create_room("weekly");
    std::string id;
    auto *moderator = h.join("weekly", "moderator", "carol", &id);
    const std::string refused = h.request(moderator, R"({"request":"stop_recording"})");
    assert_int_equal(code(refused), 455);
    assert_true(has(refused, "not being recorded"));
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(only_desktop_hosts_and_moderators_control_recording),
        cmocka_unit_test(joining_tells_each_role_the_recording_state),
        cmocka_unit_test(a_recorder_that_cannot_start_changes_nothing),
        cmocka_unit_test(stop_without_a_recording_is_a_state_error),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
