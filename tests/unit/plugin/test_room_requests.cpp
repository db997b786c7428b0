// Room requests through the real request path with a fake Janus: "list" shows operators every
// room with its counts, and anyone else only the rooms flagged public, by id and title. In a
// cluster, rooms open only on their home node.
#include "tests/unit/plugin/plugin_harness.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using roomrec::test::code;
using roomrec::test::has;
using roomrec::test::PluginHarness;

namespace {

void list_reveals_only_what_the_caller_may_see(void **) {
    PluginHarness h;
    h.create_room("secret-board");
    h.create_room("town-hall", R"(,"public":true)");
    std::string id;
    h.join("secret-board", "host", "alice", &id);
    auto *stranger = h.attach();

    const std::string anyone = h.request(stranger, R"({"request":"list"})");
    assert_int_equal(code(anyone), 0);
    assert_true(has(anyone, R"("list":[{"room":"town-hall","title":"Weekly sync"}])"));
    assert_false(has(anyone, "secret-board"));
    assert_false(has(anyone, "participants"));

    const std::string wrong = h.request(stranger, R"({"request":"list","admin_secret":"guess"})");
    assert_int_equal(code(wrong), 447);
    assert_false(has(wrong, "secret-board"));

    const std::string operator_view = h.request(stranger, R"({"request":"list","admin_secret":"admin-secret"})");
    assert_true(has(operator_view, R"("room":"secret-board")"));
    assert_true(has(operator_view, R"("participants":1)"));
    assert_true(has(operator_view, R"("public":true)"));
    const std::string admin_api = h.admin(R"({"request":"list"})");
    assert_true(has(admin_api, R"("room":"secret-board")"));

    // "public" is a boolean like any other room setting.
    const std::string bad = h.request(stranger, R"({"request":"create","admin_secret":"admin-secret","room":"x",)"
                                                R"("title":"X","public":"yes"})");
    assert_int_equal(code(bad), 443);
    assert_true(has(bad, "public must be a boolean"));
}

// O4: with a cluster, a top-level room opens only on its home node; the others name it.
void a_room_of_another_node_is_refused_with_its_home(void **) {
    const std::vector<roomrec::domain::ClusterNode> nodes = {{"node-a", "http://a.example/janus"},
                                                             {"node-b", "http://b.example/janus"}};
    // Rooms homed on each node, found with the same rule the nodes use.
    std::string here, there;
    for (int i = 0; here.empty() || there.empty(); ++i) {
        const std::string room = "room-" + std::to_string(i);
        (roomrec::domain::room_home(room, nodes)->id == "node-a" ? here : there) = room;
    }
    roomrec::domain::RoomSettings static_there;
    static_there.id = there;
    static_there.title = "Static";
    PluginHarness h([&](roomrec::plugin::PluginConfig &config) {
        config.node_id = "node-a";
        config.cluster = nodes;
        config.static_rooms.push_back(static_there); // not opened here
    });
    auto *caller = h.attach();
    const auto join_refusal = [&](const std::string &room) { // join answers through push_event
        auto *joiner = h.attach();
        assert_string_equal(h.request(joiner, R"({"request":"join","room":")" + room + "\"}").c_str(), "wait");
        return h.gateway.wait_push(joiner, {"\"error_code\""});
    };
    const std::string create = R"({"request":"create","admin_secret":"admin-secret","title":"T","room":")";
    const std::string refused = h.request(caller, create + there + "\"}");
    assert_int_equal(code(refused), 468);
    assert_true(has(refused, R"("node":"node-b")"));
    assert_true(has(refused, R"("url":"http://b.example/janus")"));
    assert_true(has(refused, "lives on node node-b"));

    const std::string joined_elsewhere = join_refusal(there);
    assert_int_equal(code(joined_elsewhere), 468); // the static room too: it is not open here
    assert_true(has(joined_elsewhere, R"("url":"http://b.example/janus")"));
    assert_int_equal(code(h.request(caller, create + here + "\"}")), 0);
    // A sub-room lives with its parent, whatever its own id hashes to.
    assert_int_equal(code(h.request(caller, create + there + "-sub\",\"parent\":\"" + here + "\"}")), 0);
    // A room unknown everywhere it could live is just unknown.
    const std::string nowhere = "nowhere-" + here;
    assert_int_equal(code(join_refusal(nowhere)), roomrec::domain::room_home(nowhere, nodes)->id == "node-a" ? 445 : 468);
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(list_reveals_only_what_the_caller_may_see),
        cmocka_unit_test(a_room_of_another_node_is_refused_with_its_home),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
