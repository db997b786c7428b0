// Room requests through the real request path with a fake Janus: "list" shows operators every
// room with its counts, and anyone else only the rooms flagged public, by id and title.
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

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(list_reveals_only_what_the_caller_may_see),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
