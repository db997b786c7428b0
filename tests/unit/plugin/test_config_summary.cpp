// The start-up configuration line: it says where recordings, databases, webhooks, links and mail
// go, and never carries a secret (passwords in conninfos and URLs, S3 keys, webhook and link
// secrets, SMTP logins, the admin and token secrets, URL queries).
#include "plugin/config_summary.hpp"

#include <string>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using roomrec::plugin::describe_configuration;
using roomrec::plugin::PluginConfig;
using roomrec::plugin::url_without_secrets;

namespace {

bool contains(const std::string &text, const char *part) { return text.find(part) != std::string::npos; }

PluginConfig everything_configured() {
    PluginConfig config;
    config.node_id = "node-a";
    config.admin_secret = "ADMIN-SECRET-1";
    config.token_secret = "TOKEN-SECRET-1";
    config.recordings_root = "/srv/recordings";
    config.delivery.postgres = "host=db.internal port=5433 dbname=roomrec user=rr password=PG-PASSWORD-1";
    config.delivery.to_s3 = true;
    config.delivery.s3_endpoint = "https://KEYINURL:S3-URL-PASS@s3.example.org:7480";
    config.delivery.s3_bucket = "meetings";
    config.delivery.s3_access_key = "S3-ACCESS-1";
    config.delivery.s3_secret_key = "S3-SECRET-1";
    config.delivery.webhooks.push_back({"ops", "https://hooks.example.org/in?token=HOOK-QUERY-1", "HOOK-SECRET-1", {}});
    config.delivery.links.enabled = true;
    config.delivery.links.port = 8090;
    config.delivery.links.public_url = "https://files.example.org";
    config.delivery.links.secret = "LINK-SECRET-1";
    config.delivery.smtp.enabled = true;
    config.delivery.smtp.url = "smtp://mailer:SMTP-URL-PASS@mail.example.org:587";
    config.delivery.smtp.username = "mailer";
    config.delivery.smtp.password = "SMTP-PASSWORD-1";
    config.telemetry.postgres = "postgresql://tele:PG-PASSWORD-2@tdb.internal/telemetry";
    config.delivery.shared_recordings = true;
    config.cluster = {{"node-a", "https://a.example.org/janus"}, {"node-b", "https://JANUS-USER:JANUS-PASS@b.example.org/janus"}};
    return config;
}

void names_where_everything_goes(void **) {
    const std::string line = describe_configuration(everything_configured());
    for (const char *part : {"node node-a (cluster of 2: node-a https://a.example.org/janus node-b "
                             "https://b.example.org/janus, leases 120 s)",
                             "/srv/recordings", "a volume shared by all nodes", "S3 bucket meetings at https://s3.example.org:7480",
                             "delivery Postgres rr@db.internal:5433/roomrec",
                             "telemetry Postgres tele@tdb.internal/telemetry, kept 365 days",
                             "reports Postgres tele@tdb.internal/telemetry", "1 webhook(s): ops -> https://hooks.example.org/in",
                             "link endpoint on 127.0.0.1:8090 (public https://files.example.org)",
                             "SMTP smtp://mail.example.org:587 (STARTTLS try, with a login)"})
        if (!contains(line, part)) fail_msg("missing \"%s\" in: %s", part, line.c_str());
}

void carries_no_secret(void **) {
    const std::string line = describe_configuration(everything_configured());
    for (const char *secret : {"ADMIN-SECRET", "TOKEN-SECRET", "PG-PASSWORD", "S3-URL-PASS", "KEYINURL", "S3-ACCESS",
                               "S3-SECRET", "HOOK-QUERY", "HOOK-SECRET", "LINK-SECRET", "SMTP-URL-PASS",
                               "SMTP-PASSWORD", "JANUS-USER", "JANUS-PASS", "password", "token="})
        if (contains(line, secret)) fail_msg("\"%s\" leaked into: %s", secret, line.c_str());
}

void says_what_is_missing(void **) {
    PluginConfig config;
    const std::string line = describe_configuration(config);
    for (const char *part : {"(single node)", "no delivery", "delivery none", "telemetry none", "no webhooks", "no link endpoint",
                             "no SMTP", "tokens refused"})
        if (!contains(line, part)) fail_msg("missing \"%s\" in: %s", part, line.c_str());
    config.delivery.postgres = "this is = not a conninfo '";
    assert_true(contains(describe_configuration(config), "delivery Postgres an unreadable conninfo"));
}

void urls_lose_user_info_query_and_fragment(void **) {
    assert_string_equal(url_without_secrets("https://u:p@h.example:1/a/b?x=1#f").c_str(), "https://h.example:1/a/b");
    assert_string_equal(url_without_secrets("https://h.example/p@th").c_str(), "https://h.example/p@th");
    assert_string_equal(url_without_secrets("smtp://a@b@mail:25").c_str(), "smtp://mail:25");
    assert_string_equal(url_without_secrets("").c_str(), "");
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_where_everything_goes),
        cmocka_unit_test(carries_no_secret),
        cmocka_unit_test(says_what_is_missing),
        cmocka_unit_test(urls_lose_user_info_query_and_fragment),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
