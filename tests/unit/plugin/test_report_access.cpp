// Who may read a room's reports (A10): operators, the room's hosts and owner; 447/448 for others.
#include "plugin/report_access.hpp"

#include "domain/signed_token.hpp"

#include <string>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec;
using namespace roomrec::plugin;

static constexpr int64_t kNow = 1800000000;

static std::string token(const std::string &room, const std::string &role, const std::string &user,
                         int64_t expiry = kNow + 3600) {
    return domain::sign_token(std::to_string(expiry) + ",janus.plugin.roomrec,room=" + room + ",user=" + user +
                                  ",role=" + role,
                              "token-secret");
}

struct Fixture {
    PluginConfig config;
    LiveRoom room;
    Fixture() {
        config.admin_secret = "admin-secret";
        config.token_secret = "token-secret";
        room.settings.id = "r1";
        room.settings.media_owner = "olga";
        room.settings.secrets = {{domain::Role::Host, "h"}, {domain::Role::Viewer, "v"}};
    }
    // 0 granted, else the error code.
    int check(const std::string &credential_json, bool live = true, bool admin = false) {
        Request request;
        request.admin = admin;
        request.body = parse_json(("{\"request\":\"report\",\"room\":\"r1\"" + credential_json + "}").c_str());
        const auto verdict = check_report_access(config, "r1", live ? &room : nullptr, request, kNow);
        if (std::holds_alternative<ReportGrant>(verdict)) return 0;
        return static_cast<int>(json_integer_value(json_object_get(std::get<Reply>(verdict).data.get(), "error_code")));
    }
};

static std::string field(const char *name, const std::string &value) {
    return std::string(",\"") + name + "\":\"" + value + "\"";
}

static void operators_hosts_and_the_owner_are_granted(void **) {
    Fixture f;
    assert_int_equal(f.check("", true, true), 0); // the Admin API
    assert_int_equal(f.check(field("admin_secret", "admin-secret")), 0);
    assert_int_equal(f.check(field("admin_secret", "admin-secret"), false), 0); // room not live
    assert_int_equal(f.check(field("token", token("r1", "host", "hana"))), 0);
    assert_int_equal(f.check(field("token", token("r1", "host", "hana")), false), 0);
    assert_int_equal(f.check(field("token", token("r1", "viewer", "olga"))), 0); // the owner
    assert_int_equal(f.check(field("secret", "h")), 0);
}

// The request limit is per credential: one bucket per token user, per room secret, for operators.
static void each_grant_names_the_credential_it_spends(void **) {
    Fixture f;
    const auto credential = [&](const std::string &json, bool admin = false) {
        Request request;
        request.admin = admin;
        request.body = parse_json(("{\"request\":\"report\",\"room\":\"r1\"" + json + "}").c_str());
        const auto verdict = check_report_access(f.config, "r1", &f.room, request, kNow);
        assert_true(std::holds_alternative<ReportGrant>(verdict));
        return std::get<ReportGrant>(verdict).credential;
    };
    assert_string_equal(credential("", true).c_str(), "admin");
    assert_string_equal(credential(field("admin_secret", "admin-secret")).c_str(), "admin");
    assert_string_equal(credential(field("token", token("r1", "host", "hana"))).c_str(), "user:hana");
    assert_string_equal(credential(field("token", token("r1", "viewer", "olga"))).c_str(), "user:olga");
    assert_string_equal(credential(field("token", token("r1", "host", "admin"))).c_str(), "user:admin");
    assert_string_equal(credential(field("secret", "h")).c_str(), "secret:r1");
}

static void others_are_refused(void **) {
    Fixture f;
    assert_int_equal(f.check(""), 447);
    assert_int_equal(f.check(field("admin_secret", "wrong")), 447);
    assert_int_equal(f.check(field("admin_secret", "admin-secre")), 447);
    assert_int_equal(f.check(field("token", token("r2", "host", "hana"))), 447);           // another room
    assert_int_equal(f.check(field("token", token("r1", "host", "hana", kNow - 1))), 447); // expired
    assert_int_equal(f.check(field("token", token("r1", "host", "hana") + "x")), 447);     // forged
    assert_int_equal(f.check(field("token", token("r1", "viewer", "vic"))), 448);
    assert_int_equal(f.check(field("token", token("r1", "moderator", "mo"))), 448);
    assert_int_equal(f.check(field("token", token("r1", "viewer", "olga")), false), 448); // owner unknown offline
    assert_int_equal(f.check(field("secret", "v")), 448);
    assert_int_equal(f.check(field("secret", "nope")), 447);
    assert_int_equal(f.check(field("secret", "h"), false), 447);
    f.config.admin_secret.clear(); // none configured: no admin_secret works
    assert_int_equal(f.check(field("admin_secret", "")), 447);
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(operators_hosts_and_the_owner_are_granted),
        cmocka_unit_test(others_are_refused),
        cmocka_unit_test(each_grant_names_the_credential_it_spends),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
