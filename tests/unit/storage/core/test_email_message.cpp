// Email messages: address validation (every way to inject a header or a recipient refused),
// RFC 2047 subjects, the date, and the whole message's headers and base64 body.
#include "storage/core/email_message.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::storage;

static void accepts_plain_addresses(void **) {
    for (const char *address : {"alice@example.com", "a.b+tag@mail.example.co.uk", "x@localhost", "o'neil@ex-ample.org",
                                "user_1!#$%&*/=?^`{|}~@a.b"})
        assert_string_equal(email_address_error(address).c_str(), "");
    const std::string longest = std::string(64, 'a') + "@" + std::string(63, 'b') + "." + std::string(63, 'c') + "." +
                                std::string(61, 'd'); // 254 bytes
    assert_int_equal(longest.size(), 254);
    assert_string_equal(email_address_error(longest).c_str(), "");
}

static void refuses_injection_and_lists(void **) {
    for (const char *address : {"",
                                "alice",
                                "@example.com",
                                "alice@",
                                "alice@@example.com",
                                "a@b@example.com",
                                "alice@example.com\r\nBcc: x@y.z",
                                "alice@example.com\nBcc: x@y.z",
                                "alice@example.com\r",
                                "alice@exa mple.com",
                                "Alice <alice@example.com>",
                                "\"alice\"@example.com",
                                "alice@example.com,bob@example.com",
                                "alice@example.com;bob@example.com",
                                "alice(comment)@example.com",
                                "alice@[127.0.0.1]",
                                ".alice@example.com",
                                "alice.@example.com",
                                "al..ice@example.com",
                                "alice@-example.com",
                                "alice@example-.com",
                                "alice@example..com",
                                "alice@example.com.",
                                "alice@ex_ample.com",
                                "\xc3\xa9lise@example.com",
                                "alice@\xc3\xa9xample.com",
                                "alice\t@example.com",
                                "alice@example.com>",
                                "a\\b@example.com",
                                "alice:@example.com"})
        assert_string_not_equal(email_address_error(address).c_str(), "");
    assert_string_not_equal(email_address_error(std::string("alice@example.com\0x", 19)).c_str(), "");
    assert_string_equal(email_address_error(std::string(65, 'a') + "@example.com").c_str(),
                        "the email address: the part before @ must be 1-64 characters");
    assert_string_equal(email_address_error(std::string(250, 'a') + "@b.cd").c_str(),
                        "the email address is longer than 254 characters");
    assert_string_equal(email_address_error("a@b.c,d@e.f").c_str(),
                        "only one email address is accepted (no , or ; lists)");
}

static void formats_the_date(void **) {
    // python3 -c "import email.utils; print(email.utils.formatdate(1767225600))" (with +0000)
    assert_string_equal(email_date(1767225600).c_str(), "Thu, 01 Jan 2026 00:00:00 +0000");
    assert_string_equal(email_date(1796564100).c_str(), "Sun, 06 Dec 2026 13:35:00 +0000");
}

static void encodes_subjects_when_needed(void **) {
    assert_string_equal(encode_header_text("Your export is ready").c_str(), "Your export is ready");
    // python3 -c "import base64; print(base64.b64encode('Export prêt — rapport ✓'.encode()).decode())"
    assert_string_equal(encode_header_text("Export pr\xc3\xaat \xe2\x80\x94 rapport \xe2\x9c\x93").c_str(),
                        "=?UTF-8?B?RXhwb3J0IHByw6p0IOKAlCByYXBwb3J0IOKckw==?=");
    assert_string_equal(encode_header_text("a =?x?").c_str(), "=?UTF-8?B?YSA9P3g/?=");
    // 40 three-byte characters: split into words of whole characters, each at most 75 long.
    std::string long_text;
    for (int i = 0; i < 40; ++i) long_text += "\xe2\x9c\x93";
    const std::string encoded = encode_header_text(long_text);
    size_t start = 0, words = 0;
    while (start < encoded.size()) {
        size_t end = encoded.find("\r\n ", start);
        if (end == std::string::npos) end = encoded.size();
        assert_true(end - start <= 75);
        assert_int_equal(encoded.compare(start, 10, "=?UTF-8?B?"), 0);
        // 45 bytes = 15 whole characters per word: 60 base64 characters, no padding.
        if (end != encoded.size()) assert_int_equal(end - start, 72);
        words++;
        start = end + 3;
    }
    assert_int_equal(words, 3); // 15 + 15 + 10 characters
}

static void builds_the_message(void **) {
    EmailContent content{"exports@example.com", "alice@example.org", "Your export",
                         "Download:\nhttps://x.example/v1/files/r/exports/a.csv?expires=1&sig=ab\n"};
    std::string error;
    const auto message = build_email(content, 1767225600, "0123abcd", error);
    assert_true(message.has_value());
    // base64 of "Download:\r\nhttps://...sig=ab\r\n", 76 characters a line
    assert_string_equal(message->c_str(),
                        "From: exports@example.com\r\n"
                        "To: alice@example.org\r\n"
                        "Subject: Your export\r\n"
                        "Date: Thu, 01 Jan 2026 00:00:00 +0000\r\n"
                        "Message-ID: <0123abcd@example.com>\r\n"
                        "MIME-Version: 1.0\r\n"
                        "Content-Type: text/plain; charset=utf-8\r\n"
                        "Content-Transfer-Encoding: base64\r\n"
                        "\r\n"
                        "RG93bmxvYWQ6DQpodHRwczovL3guZXhhbXBsZS92MS9maWxlcy9yL2V4cG9ydHMvYS5jc3Y/ZXhw\r\n"
                        "aXJlcz0xJnNpZz1hYg0K\r\n");
}

static void refuses_bad_parts(void **) {
    std::string error;
    EmailContent content{"exports@example.com", "alice@example.org\r\nBcc: eve@example.net", "s", "b"};
    assert_false(build_email(content, 1, "id", error).has_value());
    assert_true(error.rfind("to: ", 0) == 0);
    content.to = "alice@example.org";
    content.from = "Exports <exports@example.com>";
    assert_false(build_email(content, 1, "id", error).has_value());
    assert_true(error.rfind("from: ", 0) == 0);
    content.from = "exports@example.com";
    content.subject = "Hi\r\nBcc: eve@example.net";
    assert_false(build_email(content, 1, "id", error).has_value());
    assert_string_equal(error.c_str(), "the subject holds control characters");
    content.subject = "\xff";
    assert_false(build_email(content, 1, "id", error).has_value());
    assert_string_equal(error.c_str(), "the subject is not valid UTF-8");
    content.subject = "ok";
    content.body = std::string("a\0b", 3);
    assert_false(build_email(content, 1, "id", error).has_value());
    assert_string_equal(error.c_str(), "the body holds control characters");
    content.body = "ok";
    assert_false(build_email(content, 1, "a@b", error).has_value());
    assert_false(build_email(content, 1, "", error).has_value());
    assert_true(build_email(content, 1, "abc", error).has_value());
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_plain_addresses), cmocka_unit_test(refuses_injection_and_lists),
        cmocka_unit_test(formats_the_date),        cmocka_unit_test(encodes_subjects_when_needed),
        cmocka_unit_test(builds_the_message),      cmocka_unit_test(refuses_bad_parts),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
