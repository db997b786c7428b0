// Breakout rooms (R8) through the real request path with a fake Janus: a lead opens breakouts,
// moves people (each gets a token to join the child as who it is), closes them (everyone gets a
// token back); the child's session is a breakout in telemetry; bad input gets its own refusal.
#include "tests/unit/plugin/plugin_harness.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using roomrec::test::code;
using roomrec::test::has;
using roomrec::test::PluginHarness;

namespace {

// Joins a new handle with a token an event handed out; returns the handle.
janus_plugin_session *join_with_token(PluginHarness &h, const std::string &event, const std::string &display,
                                      std::string *id) {
    return h.join_with(R"({"request":"join","room":")" + PluginHarness::field(event, "room") + R"(","token":")" +
                           PluginHarness::field(event, "token") + R"(","user":{"display":")" + display + R"("}})",
                       display, id);
}

void a_host_opens_moves_into_and_closes_a_breakout(void **) {
    PluginHarness h;
    const auto [host, viewer, host_id, viewer_id] = h.meet();
    std::string guest_id;
    auto *guest = h.join_guest("weekly", "viewer", "Gina", &guest_id);
    const std::string guest_user = PluginHarness::field(h.last_joined, "user_id");

    const std::string opened = h.request(host, R"({"request":"breakout","action":"open","title":"Group","count":2})");
    assert_true(has(opened, R"("roomrec":"breakouts")"));
    assert_true(has(opened, R"({"participants":0,"room":"weekly-b1","title":"Group 1"})"));
    assert_true(has(opened, R"({"participants":0,"room":"weekly-b2","title":"Group 2"})"));
    // Leads hear of it; the breakout is a room of its own, not listed to strangers.
    assert_false(h.gateway.wait_push(host, {R"("roomrec":"breakouts")", "weekly-b2"}).empty());
    assert_false(h.gateway.has_push(viewer, {R"("roomrec":"breakouts")"}));
    assert_true(has(h.request(h.attach(), R"({"request":"exists","room":"weekly-b1"})"), R"("exists":true)"));
    assert_false(has(h.request(h.attach(), R"({"request":"list"})"), "weekly-b1"));

    const std::string moved = h.request(host, R"({"request":"breakout","action":"move","breakout":"weekly-b1",)"
                                              R"("participants":[")" +
                                                  viewer_id + R"(",")" + guest_id + R"("]})");
    assert_true(has(moved, ("\"moved\":[\"" + viewer_id + "\",\"" + guest_id + "\"]").c_str()));
    const std::string to_viewer = h.gateway.wait_push(viewer, {R"("roomrec":"breakout")", R"("action":"moved")"});
    assert_true(has(to_viewer, R"("room":"weekly-b1")"));
    assert_true(has(to_viewer, R"("title":"Group 1")"));
    assert_true(has(to_viewer, R"("parent":"weekly")"));
    const std::string to_guest = h.gateway.wait_push(guest, {R"("roomrec":"breakout")", R"("action":"moved")"});

    // The tokens let them in with their role: bob as bob, the guest as a user derived from it.
    std::string bob_in_breakout, gina_in_breakout;
    auto *bob_b = join_with_token(h, to_viewer, "Bob", &bob_in_breakout);
    assert_true(has(h.last_joined, R"("user_id":"bob")"));
    assert_true(has(h.last_joined, R"("role":"viewer")"));
    assert_true(has(h.last_joined, R"("room":"weekly-b1")"));
    // The host's panel follows: bob is counted in the breakout.
    assert_false(
        h.gateway.wait_push(host, {R"("roomrec":"breakouts")", R"("participants":1,"room":"weekly-b1")"}).empty());
    auto *gina_b = join_with_token(h, to_guest, "Gina", &gina_in_breakout);
    const std::string anonymous = PluginHarness::field(h.last_joined, "user_id");
    assert_true(anonymous.rfind("anon-", 0) == 0);
    assert_string_not_equal(anonymous.c_str(), guest_user.c_str());
    h.request(viewer, R"({"request":"leave"})");
    h.request(guest, R"({"request":"leave"})");

    const std::string listed = h.request(host, R"({"request":"breakout","action":"list"})");
    assert_true(has(listed, R"({"participants":2,"room":"weekly-b1","title":"Group 1"})"));

    // The breakout's session is a breakout in telemetry, opened by the host who opened it.
    const auto opens = h.rows("breakout.open");
    assert_int_equal(opens.size(), 1);
    assert_string_equal(opens[0].room_id.c_str(), "weekly-b1");
    assert_string_equal(opens[0].subject_id.c_str(), "weekly");
    assert_string_equal(roomrec::test::body_field(opens[0], "opened_by").c_str(), "alice");

    const std::string closed = h.request(host, R"({"request":"breakout","action":"close","breakout":"weekly-b1"})");
    assert_true(has(closed, R"("closed":"weekly-b1")"));
    assert_false(has(closed, R"("room":"weekly-b1")"));
    std::string bob_back;
    for (auto *handle : {bob_b, gina_b}) {
        const std::string back = h.gateway.wait_push(handle, {R"("roomrec":"breakout")", R"("action":"closed")"});
        assert_true(has(back, R"("room":"weekly")"));
        assert_true(has(back, R"("breakout":"weekly-b1")"));
        assert_false(
            h.gateway.wait_push(handle, {R"("roomrec":"room_closed")", R"("reason":"breakout_closed")"}).empty());
        if (handle == bob_b) bob_back = back;
    }
    const auto closes = h.rows("breakout.close");
    assert_int_equal(closes.size(), 1);
    assert_string_equal(roomrec::test::body_field(closes[0], "reason").c_str(), "breakout_closed");
    assert_true(has(h.request(h.attach(), R"({"request":"exists","room":"weekly-b1"})"), R"("exists":false)"));

    // Back in the main room with the return token, still a viewer, still bob.
    std::string bob_again;
    join_with_token(h, bob_back, "Bob", &bob_again);
    assert_true(has(h.last_joined, R"("room":"weekly")"));
    assert_true(has(h.last_joined, R"("role":"viewer")"));
    assert_true(has(h.last_joined, R"("user_id":"bob")"));
}

void bad_breakout_requests_get_their_own_refusals(void **) {
    PluginHarness h;
    const auto [host, viewer, host_id, viewer_id] = h.meet();
    h.create_room("other");
    h.create_room("other-b9", R"(,"parent":"other")");

    // Only leads; the action is one of four; open needs a title.
    assert_int_equal(code(h.request(viewer, R"({"request":"breakout","action":"list"})")), 448);
    assert_int_equal(code(h.request(host, R"({"request":"breakout","action":"split"})")), 443);
    assert_int_equal(code(h.request(host, R"({"request":"breakout","action":"open"})")), 442);
    assert_int_equal(code(h.request(host, R"({"request":"breakout","action":"open","title":"A\u200bB"})")), 443);
    assert_int_equal(code(h.request(h.attach(), R"({"request":"breakout","action":"list"})")), 449);
    // At most kMaxBreakouts open at once.
    assert_int_equal(code(h.request(host, R"({"request":"breakout","action":"open","title":"G","count":21})")), 444);
    assert_false(has(h.request(host, R"({"request":"breakout","action":"open","title":"G","count":20})"), "error"));
    assert_int_equal(code(h.request(host, R"({"request":"breakout","action":"open","title":"G"})")), 461);

    // Unknown breakout, another room's breakout, someone not in the room, a non-id.
    assert_int_equal(code(h.request(host, R"({"request":"breakout","action":"close","breakout":"nope"})")), 445);
    assert_int_equal(code(h.request(host, R"({"request":"breakout","action":"close","breakout":"other-b9"})")), 443);
    assert_int_equal(code(h.request(host, R"({"request":"breakout","action":"close"})")), 442);
    assert_int_equal(code(h.request(host, R"({"request":"breakout","action":"move","breakout":"weekly-b1",)"
                                          R"("participants":["nobody"]})")),
                     451);
    assert_int_equal(code(h.request(host, R"({"request":"breakout","action":"move","breakout":"weekly-b1",)"
                                          R"("participants":[7]})")),
                     443);
    assert_int_equal(code(h.request(host, R"({"request":"breakout","action":"move","breakout":"weekly-b1"})")), 442);
    // A mistake moves nobody: bob is not told to go when the list also names a stranger.
    assert_int_equal(code(h.request(host, R"({"request":"breakout","action":"move","breakout":"weekly-b1",)"
                                          R"("participants":[")" +
                                              viewer_id + R"(","nobody"]})")),
                     451);
    assert_false(h.gateway.has_push(viewer, {R"("action":"moved")"}));

    // A breakout does not open breakouts of its own.
    std::string id;
    auto *inside = h.join("weekly-b1", "host", "carol", &id);
    assert_int_equal(code(h.request(inside, R"({"request":"breakout","action":"list"})")), 443);
}

void without_a_token_secret_breakouts_are_unavailable(void **) {
    PluginHarness h([](roomrec::plugin::PluginConfig &config) { config.token_secret.clear(); });
    h.create_room("weekly");
    std::string id;
    auto *host = h.join_guest("weekly", "host", "Hana", &id);
    assert_int_equal(code(h.request(host, R"({"request":"breakout","action":"open","title":"G"})")), 467);
    assert_true(has(h.request(host, R"({"request":"breakout","action":"list"})"), R"("breakouts":[])"));
}

void closing_the_parent_closes_its_breakouts(void **) {
    PluginHarness h;
    const auto [host, viewer, host_id, viewer_id] = h.meet();
    h.request(host, R"({"request":"breakout","action":"open","title":"Group"})");
    std::string id;
    auto *carol = h.join("weekly-b1", "speaker", "carol", &id);
    assert_true(has(h.request(host, R"({"request":"close"})"), R"("roomrec":"closed")"));
    assert_false(h.gateway.wait_push(carol, {R"("roomrec":"room_closed")", R"("reason":"parent_closed")"}).empty());
    assert_true(has(h.request(h.attach(), R"({"request":"exists","room":"weekly-b1"})"), R"("exists":false)"));
    assert_int_equal(h.rows("breakout.close").size(), 1);
    // A child room made with create + parent closes too, but stays (its creator destroys it).
    h.create_room("weekly-team", R"(,"parent":"weekly")");
    std::string alice_again;
    auto *host_again = h.join("weekly", "host", "alice", &alice_again);
    auto *dora = h.join("weekly-team", "viewer", "dora", &id);
    h.request(host_again, R"({"request":"close"})");
    assert_false(h.gateway.wait_push(dora, {R"("roomrec":"room_closed")", R"("reason":"parent_closed")"}).empty());
    assert_true(has(h.request(h.attach(), R"({"request":"exists","room":"weekly-team"})"), R"("exists":true)"));
}

} // namespace

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_host_opens_moves_into_and_closes_a_breakout),
        cmocka_unit_test(bad_breakout_requests_get_their_own_refusals),
        cmocka_unit_test(without_a_token_secret_breakouts_are_unavailable),
        cmocka_unit_test(closing_the_parent_closes_its_breakouts),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
