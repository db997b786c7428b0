// Checks on ids, kinds, JSON and error texts before they reach the database.
#include "storage/core/delivery_input.hpp"

#include "common/utf8.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::storage;

static bool contains(const std::string &text, const char *part) { return text.find(part) != std::string::npos; }

static void identifiers_are_bounded_printable_utf8(void **) {
    assert_string_equal(identifier_error("job id", "rec1:webhook:recording.available:crm ops").c_str(), "");
    assert_string_equal(identifier_error("job id", "x'); DROP TABLE outbox_jobs; --").c_str(), ""); // stored verbatim
    assert_string_equal(identifier_error("job id", "").c_str(), "job id: empty");
    assert_true(contains(identifier_error("job id", std::string(257, 'a')), "job id: too long (at most 256 bytes)"));
    assert_string_equal(identifier_error("job id", std::string(256, 'a')).c_str(), "");
    assert_string_equal(identifier_error("room id", std::string("a\0b", 3)).c_str(),
                        "room id: contains a control character");
    assert_string_equal(identifier_error("room id", "a\nb").c_str(), "room id: contains a control character");
    assert_string_equal(identifier_error("room id", "a\xff").c_str(), "room id: not valid UTF-8");
}

static void json_must_be_one_object(void **) {
    assert_string_equal(json_object_error("payload", "{\"a\": [1, \"'; DROP TABLE x; --\"]}", 100).c_str(), "");
    assert_true(contains(json_object_error("payload", "{\"a\": ", 100), "payload: not valid JSON"));
    assert_string_equal(json_object_error("payload", "[1]", 100).c_str(), "payload: not a JSON object");
    assert_true(contains(json_object_error("payload", "{\"a\":1,\"a\":2}", 100), "payload: not valid JSON"));
    assert_true(contains(json_object_error("payload", "{\"a\":\"\\u0000\"}", 100), "payload: not valid JSON"));
    assert_true(contains(json_object_error("payload", std::string("{}\0", 3), 100), "payload: not valid JSON"));
    assert_true(contains(json_object_error("payload", "{\"a\":\"xxxxxxxx\"}", 10), "payload: too long"));
    assert_true(contains(json_object_error("payload", "", 10), "payload: not valid JSON"));
}

static void kinds_texts_and_checksums(void **) {
    assert_string_equal(one_of_error("kind", "upload", {"upload", "webhook"}).c_str(), "");
    assert_string_equal(one_of_error("kind", "email", {"upload", "webhook"}).c_str(),
                        "kind: must be one of upload, webhook");
    assert_string_equal(text_error("title", "a\nb", 10).c_str(), "");
    assert_string_equal(text_error("title", std::string("a\0", 2), 10).c_str(), "title: contains a NUL byte");
    assert_string_equal(text_error("title", "\xc3", 10).c_str(), "title: not valid UTF-8");
    assert_true(contains(text_error("title", "12345678901", 10), "title: too long"));
    assert_string_equal(sha256_hex_error("sha256", std::string(64, 'a')).c_str(), "");
    assert_false(sha256_hex_error("sha256", std::string(64, 'A')).empty());
    assert_false(sha256_hex_error("sha256", std::string(63, 'a')).empty());
}

static void foreign_text_becomes_storable(void **) {
    assert_string_equal(storable_text("HTTP 500\n\tbody").c_str(), "HTTP 500\n\tbody");
    assert_string_equal(storable_text(std::string("a\0b\x1b\xff", 5)).c_str(), "a?b??");
    assert_string_equal(storable_text("\xe2\x82\xac\xe2\x82\xac", 5).c_str(), "\xe2\x82\xac"); // cut at a boundary
    assert_int_equal(storable_text(std::string(5000, 'x')).size(), kMaxErrorTextBytes);
    assert_true(roomrec::common::valid_utf8(storable_text("\xe2\x82")));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(identifiers_are_bounded_printable_utf8),
        cmocka_unit_test(json_must_be_one_object),
        cmocka_unit_test(kinds_texts_and_checksums),
        cmocka_unit_test(foreign_text_becomes_storable),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
