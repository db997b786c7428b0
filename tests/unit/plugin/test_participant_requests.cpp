// Stage, kick and close through the real request path (dispatcher, signalling thread, room
// state) with a fake Janus: who may do it, what everyone is told, what happens to the handles.
#include "tests/unit/plugin/plugin_harness.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using roomrec::test::code;
using roomrec::test::has;
using roomrec::test::PluginHarness;

namespace {

void stage_brings_a_viewer_on_and_off_and_everyone_hears_it(void **) {
    PluginHarness h;
    const auto [host, viewer, host_id, viewer_id] = h.meet();

    // A viewer may not manage the stage, not even its own place on it.
    std::string refused = h.request(viewer,
                                    R"({"request":"stage","participant":")" + viewer_id + R"(","on_stage":true})");
    assert_int_equal(code(refused), 448);

    std::string ok = h.request(host, R"({"request":"stage","participant":")" + viewer_id + R"(","on_stage":true})");
    assert_true(has(ok, "\"roomrec\":\"success\""));
    const std::string to_viewer = h.gateway.wait_push(viewer, {"\"roomrec\":\"stage\"", "\"on_stage\":true"});
    assert_true(has(to_viewer, viewer_id.c_str()));
    assert_false(h.gateway.wait_push(host, {"\"roomrec\":\"stage\"", "\"on_stage\":true"}).empty());
    // The Admin API's view of the handle follows.
    assert_true(has(h.query(viewer), "\"on_stage\":true"));

    // Off stage again: the viewer's PeerConnection would be hung up only if it published.
    ok = h.request(host, R"({"request":"stage","participant":")" + viewer_id + R"(","on_stage":false})");
    assert_true(has(ok, "\"roomrec\":\"success\""));
    assert_false(h.gateway.wait_push(viewer, {"\"roomrec\":\"stage\"", "\"on_stage\":false"}).empty());
    assert_true(has(h.query(viewer), "\"on_stage\":false"));

    // Only viewers move on and off stage; an unknown participant is named as such.
    refused = h.request(host, R"({"request":"stage","participant":")" + host_id + R"(","on_stage":true})");
    assert_int_equal(code(refused), 443);
    refused = h.request(host, R"({"request":"stage","participant":"nobody","on_stage":true})");
    assert_int_equal(code(refused), 451);
}

void kick_removes_the_participant_and_tells_everyone(void **) {
    PluginHarness h;
    h.create_room("weekly");
    std::string host_id, moderator_id, viewer_id;
    auto *host = h.join("weekly", "host", "alice", &host_id);
    auto *moderator = h.join("weekly", "moderator", "carol", &moderator_id);
    auto *viewer = h.join("weekly", "viewer", "bob", &viewer_id);

    // A viewer may not kick; a moderator may not kick a host; nobody kicks themselves.
    assert_int_equal(code(h.request(viewer, R"({"request":"kick","participant":")" + host_id + "\"}")), 448);
    assert_int_equal(code(h.request(moderator, R"({"request":"kick","participant":")" + host_id + "\"}")), 448);
    assert_int_equal(code(h.request(host, R"({"request":"kick","participant":")" + host_id + "\"}")), 443);

    const std::string kicked = h.request(moderator, R"({"request":"kick","participant":")" + viewer_id + "\"}");
    assert_true(has(kicked, "\"kicked\""));
    assert_false(h.gateway.wait_push(viewer, {"\"roomrec\":\"kicked\"", "\"room\":\"weekly\""}).empty());
    const std::string left = h.gateway.wait_push(host, {"\"roomrec\":\"participant_left\"", "\"reason\":\"kicked\""});
    assert_true(has(left, viewer_id.c_str()));
    assert_true(h.gateway.closed(viewer) >= 1); // its PeerConnection is closed

    // The kicked handle is no longer in the room: its signals are refused, the list lacks it.
    assert_int_equal(code(h.request(viewer, R"({"request":"hand","raised":true})")), 449);
    const std::string list = h.request(host, R"({"request":"listparticipants","room":"weekly"})");
    assert_false(has(list, viewer_id.c_str()));
    assert_true(has(list, moderator_id.c_str()));
    assert_true(h.gateway.wait_notified({"\"event\":\"left\"", "\"reason\":\"kicked\""}));
}

void close_ends_the_room_for_everyone(void **) {
    PluginHarness h;
    const auto [host, viewer, host_id, viewer_id] = h.meet();

    assert_int_equal(code(h.request(viewer, R"({"request":"close"})")), 448);
    const std::string closed = h.request(host, R"({"request":"close"})");
    assert_true(has(closed, "\"roomrec\":\"closed\""));
    for (auto *handle : {host, viewer})
        assert_false(
            h.gateway.wait_push(handle, {"\"roomrec\":\"room_closed\"", "\"reason\":\"closed_by_host\""}).empty());
    // Both handles are unbound again: a signal needs a new join.
    assert_int_equal(code(h.request(viewer, R"({"request":"react","reaction":"clap"})")), 449);
    // The room itself stays (it was created, not destroyed) and can be joined again.
    std::string again;
    h.join("weekly", "viewer", "bob", &again);
    assert_true(again != viewer_id);
    // An administrator closes it through the Admin API, naming the room.
    const std::string by_admin = h.admin(R"({"request":"close","room":"weekly"})");
    assert_true(has(by_admin, "\"roomrec\":\"closed\""));
    assert_true(h.gateway.wait_notified({"\"event\":\"room_closed\"", "\"reason\":\"closed_by_admin\""}));
}

void a_destroyed_handle_leaves_its_room(void **) {
    PluginHarness h;
    const auto [host, viewer, host_id, viewer_id] = h.meet();
    h.destroy(viewer);
    const std::string left = h.gateway.wait_push(host, {"\"roomrec\":\"participant_left\"", "\"reason\":\"left\""});
    assert_true(has(left, viewer_id.c_str()));
    // Requests on a destroyed handle are refused by the dispatcher, not crashed on.
    assert_true(has(h.request(viewer, R"({"request":"list"})"), "error: no session"));
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stage_brings_a_viewer_on_and_off_and_everyone_hears_it),
        cmocka_unit_test(kick_removes_the_participant_and_tells_everyone),
        cmocka_unit_test(close_ends_the_room_for_everyone),
        cmocka_unit_test(a_destroyed_handle_leaves_its_room),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
