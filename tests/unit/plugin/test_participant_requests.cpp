// Join, stage, kick and close through the real request path (dispatcher, signalling thread, room
// state) with a fake Janus: who a participant is, who may do what, what everyone is told, what
// happens to the handles.
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

// A join the plugin refuses: its error comes as the join's asynchronous answer.
std::string refused_join(PluginHarness &h, const std::string &body) {
    auto *handle = h.attach();
    const std::string answer = h.request(handle, body);
    if (answer != "wait") return answer;
    return h.gateway.wait_push(handle, {"\"error_code\""});
}

std::string token_join(const std::string &room, const char *role, const std::string &user) {
    return R"({"request":"join","room":")" + room + R"(","token":")" + PluginHarness::token(room, role, user) + "\"}";
}

void a_room_secret_proves_a_role_not_a_person(void **) {
    PluginHarness h;
    h.create_room("weekly");
    std::string alice_id, guest_id, other_guest_id;
    auto *alice = h.join("weekly", "viewer", "alice", &alice_id);
    assert_string_equal(PluginHarness::field(h.last_joined, "user_id").c_str(), "alice");

    // Claiming alice's id with the viewer secret is refused, and nobody joined.
    const std::string claim = refused_join(
        h, R"({"request":"join","room":"weekly","role":"viewer","secret":"v","user":{"id":"alice"}})");
    assert_int_equal(code(claim), 443);
    assert_true(has(claim, "cannot be claimed with a room secret"));

    // Without a claim the server names each guest, never twice the same.
    auto *guest = h.join_guest("weekly", "viewer", "Mallory", &guest_id);
    const std::string guest_user = PluginHarness::field(h.last_joined, "user_id");
    h.join_guest("weekly", "viewer", "Mallory", &other_guest_id);
    const std::string other_user = PluginHarness::field(h.last_joined, "user_id");
    assert_true(guest_user.rfind("guest-", 0) == 0);
    assert_true(other_user.rfind("guest-", 0) == 0);
    assert_true(guest_user != other_user);
    assert_true(has(h.last_joined, "\"display\":\"Mallory\""));
    // A token cannot take a guest's name (nor any name of that form).
    const std::string as_guest = refused_join(h, token_join("weekly", "viewer", guest_user));
    assert_int_equal(code(as_guest), 447);
    assert_true(has(as_guest, "reserved"));

    // The guest acts as itself only: it cannot delete alice's message, and its vote is its own.
    const std::string sent = h.request(alice, R"({"request":"chat","action":"send","text":"mine"})");
    const std::string message = PluginHarness::nested(sent, "message", "id");
    assert_int_equal(code(h.request(guest, R"({"request":"chat","action":"delete","message":")" + message + "\"}")),
                     448);
    std::string host_id;
    auto *host = h.join("weekly", "host", "hana", &host_id);
    const std::string created =
        h.request(host, R"({"request":"poll","action":"create","question":"Lunch?","options":["yes","no"]})");
    const std::string answer =
        R"({"request":"poll","action":"answer","poll":")" + PluginHarness::nested(created, "poll", "id") +
        R"(","choice":1})";
    assert_int_equal(code(h.request(guest, answer)), 0);
    assert_int_equal(code(h.request(alice, answer)), 0);
}

// email= in a token: one address, once; anything else refuses the join (the issuer's mistake
// must show, not silently lose the user's recording mails).
void a_tokens_email_must_be_one_address(void **) {
    PluginHarness h;
    h.create_room("weekly");
    const auto body = [](const std::string &descriptors) {
        const long long expiry = g_get_real_time() / G_USEC_PER_SEC + 3600;
        const std::string token = roomrec::domain::sign_token(
            std::to_string(expiry) + ",janus.plugin.roomrec,room=weekly,user=ann,role=host" + descriptors,
            "token-secret");
        return R"({"request":"join","room":"weekly","token":")" + token + R"("})";
    };
    for (const char *bad : {",email=Ann <ann@example.com>", ",email=ann@example.com;eve@example.com", ",email=ann"}) {
        const std::string refused = refused_join(h, body(bad));
        assert_int_equal(code(refused), 447);
        assert_true(has(refused, "token's email must be one address"));
    }
    const std::string twice = refused_join(h, body(",email=ann@example.com,email=eve@example.com"));
    assert_int_equal(code(twice), 447);
    assert_true(has(twice, "more than one email="));
    auto *handle = h.attach();
    const std::string answer = h.request(handle, body(",email=ann@example.com"));
    assert_true(has(answer == "wait" ? h.gateway.wait_push(handle, {"\"joined\""}) : answer, "\"joined\""));
}

void one_user_holds_one_seat(void **) {
    PluginHarness h;
    h.create_room("small", R"(,"max_participants":2)");
    std::string host_id, first_id, second_id;
    auto *host = h.join("small", "host", "alice", &host_id);
    auto *first = h.join("small", "viewer", "bob", &first_id);
    // bob again (another tab): the new join takes over the seat, the old handle is told.
    auto *second = h.join("small", "viewer", "bob", &second_id);
    assert_true(first_id != second_id);
    assert_false(h.gateway.wait_push(first, {"\"roomrec\":\"replaced\"", "\"room\":\"small\""}).empty());
    const std::string left = h.gateway.wait_push(host, {"\"roomrec\":\"participant_left\"", "\"reason\":\"replaced\""});
    assert_true(has(left, first_id.c_str()));
    assert_int_equal(code(h.request(first, R"({"request":"hand","raised":true})")), 449);
    assert_int_equal(code(h.request(second, R"({"request":"hand","raised":true})")), 0);
    // Still one seat each: a third person finds the room full.
    assert_int_equal(code(refused_join(h, token_join("small", "viewer", "carol"))), 453);
    const std::string list = h.request(host, R"({"request":"listparticipants","room":"small"})");
    assert_false(has(list, first_id.c_str()));
    assert_true(has(list, second_id.c_str()));
}

void a_kicked_user_stays_out_of_the_session(void **) {
    PluginHarness h;
    h.create_room("weekly");
    std::string host_id, bob_id, carol_id;
    auto *host = h.join("weekly", "host", "alice", &host_id);
    h.join("weekly", "viewer", "bob", &bob_id);
    h.join("weekly", "viewer", "carol", &carol_id);

    const std::string kicked = h.request(host, R"({"request":"kick","participant":")" + bob_id + "\"}");
    assert_true(has(kicked, "\"ban_seconds\":3600"));
    const std::string again = refused_join(h, token_join("weekly", "viewer", "bob"));
    assert_int_equal(code(again), 460);
    assert_true(has(again, "you were removed from this room; you may rejoin in 3600 s"));
    // A kick without a ban, for someone who only needs a fresh start.
    h.request(host, R"({"request":"kick","participant":")" + carol_id + R"(","ban_seconds":0})");
    h.join("weekly", "viewer", "carol", &carol_id);
    assert_int_equal(code(h.request(host, R"({"request":"kick","participant":")" + carol_id +
                                              R"(","ban_seconds":-1})")),
                     444);
    // The host lets bob back in; only hosts and moderators may, and only a banned user.
    assert_true(has(kicked, "\"user_id\":\"bob\""));
    std::string dan_id;
    auto *dan = h.join("weekly", "viewer", "dan", &dan_id);
    assert_int_equal(code(h.request(dan, R"({"request":"unban","user":"bob"})")), 448);
    assert_int_equal(code(h.request(host, R"({"request":"unban","user":"erin"})")), 451);
    assert_true(has(h.request(host, R"({"request":"unban","user":"bob"})"), "\"unbanned\":\"bob\""));
    h.join("weekly", "viewer", "bob", &bob_id);
    // A null ban_seconds is the default ban, not none.
    std::string erin_id;
    h.join("weekly", "viewer", "erin", &erin_id);
    assert_true(has(h.request(host, R"({"request":"kick","participant":")" + erin_id + R"(","ban_seconds":null})"),
                    "\"ban_seconds\":3600"));
    assert_int_equal(code(refused_join(h, token_join("weekly", "viewer", "erin"))), 460);
    // A moderator's kick keeps a user out as viewer, not as the host a moderator may not kick.
    std::string mod_id, gus_id;
    auto *moderator = h.join("weekly", "moderator", "mona", &mod_id);
    h.join("weekly", "viewer", "gus", &gus_id);
    h.request(moderator, R"({"request":"kick","participant":")" + gus_id + "\"}");
    assert_int_equal(code(refused_join(h, token_join("weekly", "viewer", "gus"))), 460);
    h.join("weekly", "host", "gus", &gus_id);
    // The ban belongs to this meeting: once the room closes, a kicked user may join its next one.
    h.request(host, R"({"request":"kick","participant":")" + bob_id + "\"}");
    assert_int_equal(code(refused_join(h, token_join("weekly", "viewer", "bob"))), 460);
    h.request(host, R"({"request":"close"})");
    h.join("weekly", "viewer", "bob", &bob_id);
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_room_secret_proves_a_role_not_a_person),
        cmocka_unit_test(one_user_holds_one_seat),
        cmocka_unit_test(a_tokens_email_must_be_one_address),
        cmocka_unit_test(a_kicked_user_stays_out_of_the_session),
        cmocka_unit_test(stage_brings_a_viewer_on_and_off_and_everyone_hears_it),
        cmocka_unit_test(kick_removes_the_participant_and_tells_everyone),
        cmocka_unit_test(close_ends_the_room_for_everyone),
        cmocka_unit_test(a_destroyed_handle_leaves_its_room),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
