// Who may ask the recordings library (S6): operators, token users, and a live room's host secret
// (host rights in that room, no user); 447/448 for others.
#include "plugin/library_access.hpp"

#include "domain/signed_token.hpp"

#include <string>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec;
using namespace roomrec::plugin;

static constexpr int64_t kNow = 1800000000;

static std::string token(const std::string &room, const std::string &role, const std::string &user) {
    return domain::sign_token(std::to_string(kNow + 3600) + ",janus.plugin.roomrec,room=" + room + ",user=" + user +
                                  ",role=" + role,
                              "token-secret");
}

static std::string field(const char *name, const std::string &value) {
    return std::string(",\"") + name + "\":\"" + value + "\"";
}

struct Fixture {
    PluginConfig config;
    LiveRoom room;
    Fixture() {
        config.admin_secret = "admin-secret";
        config.token_secret = "token-secret";
        room.settings.id = "r1";
        room.settings.secrets = {{domain::Role::Host, "h"}, {domain::Role::Moderator, "m"}};
    }
    std::variant<LibraryGrant, Reply> check(const std::string &json, bool live = true) {
        Request request;
        request.body = parse_json(("{\"request\":\"library\",\"action\":\"room\"" + json + "}").c_str());
        return check_library_access(config, live ? &room : nullptr, request, kNow);
    }
    LibraryGrant granted(const std::string &json) {
        auto verdict = check(json);
        assert_true(std::holds_alternative<LibraryGrant>(verdict));
        return std::get<LibraryGrant>(verdict);
    }
    int refused(const std::string &json, bool live = true) {
        auto verdict = check(json, live);
        assert_true(std::holds_alternative<Reply>(verdict));
        return static_cast<int>(json_integer_value(json_object_get(std::get<Reply>(verdict).data.get(), "error_code")));
    }
};

static void tokens_and_operators_are_who_they_say(void **) {
    Fixture f;
    const LibraryGrant op = f.granted(field("admin_secret", "admin-secret"));
    assert_true(op.rule.is_operator);
    assert_string_equal(op.credential.c_str(), "admin");
    const LibraryGrant host = f.granted(field("token", token("r1", "host", "hana")));
    assert_string_equal(host.rule.user.c_str(), "hana");
    assert_string_equal(host.rule.host_of.c_str(), "r1");
    assert_string_equal(host.credential.c_str(), "user:hana");
    const LibraryGrant viewer = f.granted(field("token", token("r1", "viewer", "vic")));
    assert_string_equal(viewer.rule.host_of.c_str(), "");
}

static void the_host_secret_makes_a_host_of_that_room_with_no_user(void **) {
    Fixture f;
    const LibraryGrant grant = f.granted(field("room", "r1") + field("secret", "h"));
    assert_false(grant.rule.is_operator);
    assert_string_equal(grant.rule.user.c_str(), "");
    assert_string_equal(grant.rule.host_of.c_str(), "r1");
    assert_string_equal(grant.credential.c_str(), "secret:r1");
}

static void other_secrets_and_rooms_are_refused(void **) {
    Fixture f;
    assert_int_equal(f.refused(field("room", "r1") + field("secret", "m")), 448);    // the moderator's
    assert_int_equal(f.refused(field("room", "r1") + field("secret", "nope")), 447); // wrong
    assert_int_equal(f.refused(field("room", "r1") + field("secret", "h"), false), 447); // not live here
    assert_int_equal(f.refused(field("room", "r2") + field("secret", "h")), 447);    // r1's secret for r2
    assert_int_equal(f.refused(field("secret", "h")), 442);                          // no room
    assert_int_equal(f.refused(field("admin_secret", "wrong")), 447);
    assert_int_equal(f.refused(field("token", token("r1", "host", "hana") + "x")), 447);
    assert_int_equal(f.refused(""), 447);
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tokens_and_operators_are_who_they_say),
        cmocka_unit_test(the_host_secret_makes_a_host_of_that_room_with_no_user),
        cmocka_unit_test(other_secrets_and_rooms_are_refused),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
