// Signed join tokens (R2): valid, expired, wrong realm, wrong signature, missing descriptor, the
// optional email= descriptor.
#include "domain/signed_token.hpp"

#include <string>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::domain;

static const char *kSecret = "s3cret";
static const char *kRealm = "janus.plugin.roomrec";
static const int64_t kNow = 1'800'000'000;

static std::string token(const std::string &data, const char *secret = kSecret) { return sign_token(data, secret); }

static void valid_token_yields_claims(void **) {
    const auto check = verify_token(token("1800000100,janus.plugin.roomrec,room=r1,user=u1,role=host"), kSecret, kRealm,
                                    kNow);
    assert_true(check.ok());
    assert_string_equal(check.claims.room.c_str(), "r1");
    assert_string_equal(check.claims.user.c_str(), "u1");
    assert_string_equal(check.claims.role.c_str(), "host");
    assert_int_equal(check.claims.expiry, 1800000100);
}

static void matches_python_minted_signature(void **) {
    // base64(HMAC-SHA1("s3cret", data)) computed independently with Python's hmac module.
    const std::string data = "1800000100,janus.plugin.roomrec,room=r1,user=u1,role=host";
    assert_string_equal(token(data).c_str(), (data + ":B8KMN0gIspsDnnB7w3RS2aj7akQ=").c_str());
}

static void email_descriptor_is_optional(void **) {
    const auto without = verify_token(token("1800000100,janus.plugin.roomrec,room=r1,user=u1,role=host"), kSecret,
                                      kRealm, kNow);
    assert_true(without.ok());
    assert_true(without.claims.email.empty());
    const auto with = verify_token(
        token("1800000100,janus.plugin.roomrec,email=ann@example.com,room=r1,user=u1,role=host"), kSecret, kRealm,
        kNow);
    assert_true(with.ok());
    assert_string_equal(with.claims.email.c_str(), "ann@example.com");
    assert_string_equal(with.claims.user.c_str(), "u1");
    // An email= without a value is no address.
    const auto empty = verify_token(token("1800000100,janus.plugin.roomrec,room=r1,user=u1,role=host,email="), kSecret,
                                    kRealm, kNow);
    assert_true(empty.ok());
    assert_true(empty.claims.email.empty());
}

static void repeated_email_is_refused(void **) {
    const auto check = verify_token(
        token("1800000100,janus.plugin.roomrec,room=r1,user=u1,role=host,email=a@x.org,email=b@x.org"), kSecret, kRealm,
        kNow);
    assert_int_equal(check.error, TokenError::RepeatedEmail);
    assert_true(check.claims.email.empty());
    assert_string_equal(token_error_text(check.error), "token has more than one email= descriptor");
}

static void an_added_email_breaks_the_signature(void **) {
    // A holder cannot add an address to someone else's token.
    const std::string signed_token = token("1800000100,janus.plugin.roomrec,room=r1,user=u1,role=host");
    const std::string data = signed_token.substr(0, signed_token.find(':'));
    const std::string forged = data + ",email=thief@example.com" + signed_token.substr(signed_token.find(':'));
    assert_int_equal(verify_token(forged, kSecret, kRealm, kNow).error, TokenError::BadSignature);
}

static void expired_token_is_refused(void **) {
    const auto check = verify_token(token("1799999999,janus.plugin.roomrec,room=r1,user=u1,role=host"), kSecret, kRealm,
                                    kNow);
    assert_int_equal(check.error, TokenError::Expired);
}

static void wrong_realm_is_refused(void **) {
    const auto check = verify_token(token("1800000100,janus.plugin.videoroom,room=r1,user=u1,role=host"), kSecret,
                                    kRealm, kNow);
    assert_int_equal(check.error, TokenError::WrongRealm);
}

static void wrong_signature_is_refused(void **) {
    const auto forged = verify_token(token("1800000100,janus.plugin.roomrec,room=r1,user=u1,role=host", "other"),
                                     kSecret, kRealm, kNow);
    assert_int_equal(forged.error, TokenError::BadSignature);
    // Raising one's role in a genuine token breaks the signature.
    std::string genuine = token("1800000100,janus.plugin.roomrec,room=r1,user=u1,role=viewer");
    genuine.replace(genuine.find("viewer"), 6, "host");
    assert_int_equal(verify_token(genuine, kSecret, kRealm, kNow).error, TokenError::BadSignature);
}

static void missing_or_duplicate_descriptor_is_refused(void **) {
    const char *cases[] = {
        "1800000100,janus.plugin.roomrec,room=r1,user=u1",
        "1800000100,janus.plugin.roomrec,user=u1,role=host",
        "1800000100,janus.plugin.roomrec,room=r1,role=host",
        "1800000100,janus.plugin.roomrec",
        "1800000100,janus.plugin.roomrec,room=r1,user=u1,role=viewer,role=host",
        "1800000100,janus.plugin.roomrec,room=,user=u1,role=host",
        "1800000100,janus.plugin.roomrec,room=,room=r1,user=u1,role=host", // empty first, then another
    };
    for (const char *data : cases)
        assert_int_equal(verify_token(token(data), kSecret, kRealm, kNow).error, TokenError::MissingDescriptor);
}

static void malformed_tokens_are_refused(void **) {
    const char *cases[] = {"",
                           "no-colon",
                           ":sig",
                           "1800000100:sig",
                           "abc,janus.plugin.roomrec:sig",
                           "-5,janus.plugin.roomrec:sig",
                           "1800000100,janus.plugin.roomrec,room=r1:a:b"};
    for (const char *text : cases)
        assert_int_equal(verify_token(text, kSecret, kRealm, kNow).error, TokenError::Malformed);
}

static void no_secret_refuses_everything(void **) {
    const auto check = verify_token(token("1800000100,janus.plugin.roomrec,room=r1,user=u1,role=host", ""), "", kRealm,
                                    kNow);
    assert_int_equal(check.error, TokenError::NoSecret);
    assert_non_null(token_error_text(TokenError::NoSecret));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_token_yields_claims),
        cmocka_unit_test(matches_python_minted_signature),
        cmocka_unit_test(expired_token_is_refused),
        cmocka_unit_test(wrong_realm_is_refused),
        cmocka_unit_test(wrong_signature_is_refused),
        cmocka_unit_test(missing_or_duplicate_descriptor_is_refused),
        cmocka_unit_test(malformed_tokens_are_refused),
        cmocka_unit_test(no_secret_refuses_everything),
        cmocka_unit_test(email_descriptor_is_optional),
        cmocka_unit_test(repeated_email_is_refused),
        cmocka_unit_test(an_added_email_breaks_the_signature),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
