// Webhook signatures: the header format, a vector computed independently (Python's hmac),
// and every way verification must fail.
#include "storage/core/webhook_signature.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::storage;

static const char *kBody = "{\"event\":\"recording.available\",\"id\":\"r1\"}";
static const int64_t kNow = 1767225600;

static void signs_timestamp_dot_body(void **) {
    // python3 -c "import hmac,hashlib; print(hmac.new(b'whsec_test', b'1767225600.' + body, hashlib.sha256).hexdigest())"
    assert_string_equal(webhook_signature("whsec_test", kNow, kBody).c_str(),
                        "t=1767225600,v1=2cd2d0b886fdad7e48b2ae42441339841002bcc880dd85a92897241077e1579c");
}

static void verifies_what_it_signed(void **) {
    const std::string header = webhook_signature("whsec_test", kNow, kBody);
    assert_int_equal(verify_webhook("whsec_test", header, kBody, kNow + 10), WebhookCheck::Valid);
    assert_int_equal(verify_webhook("whsec_test", header, kBody, kNow - 10), WebhookCheck::Valid); // clock skew
}

static void refuses_tampering_wrong_secret_and_age(void **) {
    const std::string header = webhook_signature("whsec_test", kNow, kBody);
    assert_int_equal(verify_webhook("whsec_test", header, "{\"event\":\"recording.failed\"}", kNow),
                     WebhookCheck::BadSignature);
    assert_int_equal(verify_webhook("other", header, kBody, kNow), WebhookCheck::BadSignature);
    // A replay with a new timestamp but the old MAC.
    std::string replay = header;
    replay.replace(2, 10, std::to_string(kNow + 1000));
    assert_int_equal(verify_webhook("whsec_test", replay, kBody, kNow + 1000), WebhookCheck::BadSignature);
    assert_int_equal(verify_webhook("whsec_test", header, kBody, kNow + kWebhookToleranceSeconds + 1),
                     WebhookCheck::Stale);
}

static void refuses_malformed_headers(void **) {
    for (const char *header : {"", "t=", "v1=abc", "t=12,v1=short",
                               "t=x1,v1=2cd2d0b886fdad7e48b2ae42441339841002bcc880dd85a92897241077e1579c",
                               "t=,v1=2cd2d0b886fdad7e48b2ae42441339841002bcc880dd85a92897241077e1579c",
                               "1767225600,2cd2d0b886fdad7e48b2ae42441339841002bcc880dd85a92897241077e1579c"})
        assert_int_equal(verify_webhook("whsec_test", header, kBody, kNow), WebhookCheck::Malformed);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(signs_timestamp_dot_body),
        cmocka_unit_test(verifies_what_it_signed),
        cmocka_unit_test(refuses_tampering_wrong_secret_and_age),
        cmocka_unit_test(refuses_malformed_headers),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
