// The join client descriptor (R3).
#include "domain/client_info.hpp"

#include <cstring>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::domain;

static ClientInfo parse_ok(const char *text) {
    Json json = parse_json(text);
    auto parsed = parse_client_info(json.get());
    if (auto *error = std::get_if<ValidationError>(&parsed)) fail_msg("unexpected error: %s", error->message.c_str());
    return std::get<ClientInfo>(parsed);
}

static void expect_error(const char *text, const char *fragment) {
    Json json = parse_json(text);
    auto parsed = parse_client_info(json.get());
    auto *error = std::get_if<ValidationError>(&parsed);
    assert_non_null(error);
    if (strstr(error->message.c_str(), fragment) == nullptr)
        fail_msg("'%s' lacks '%s'", error->message.c_str(), fragment);
}

static void full_descriptor(void **) {
    const ClientInfo info = parse_ok(
        R"J({"id":"u-1","display":"Ada Lovelace","email":"ada@example.org","company":"Engines",
        "industry":"Computing","country":"GB","user_agent":"Mozilla/5.0 (iPhone)","client":"mobile"})J");
    assert_string_equal(info.user_id.c_str(), "u-1");
    assert_string_equal(info.display.c_str(), "Ada Lovelace");
    assert_string_equal(info.country.c_str(), "GB");
    assert_int_equal(info.kind, ClientKind::Mobile);
}

static void defaults(void **) {
    const ClientInfo info = parse_ok("{}");
    assert_int_equal(info.kind, ClientKind::Desktop);
    assert_true(info.user_id.empty());
    assert_string_equal(parse_ok(R"({"display":"Zoë 李"})").display.c_str(), "Zoë 李");
}

static void invalid_fields(void **) {
    expect_error(R"({"email":"not-an-address"})", "e-mail");
    expect_error(R"({"email":"a@b@c.d"})", "e-mail");
    expect_error(R"({"country":"gb"})", "ISO 3166");
    expect_error(R"({"country":"GBR"})", "longer than 2");
    expect_error(R"({"client":"tablet"})", "desktop");
    expect_error(R"({"display":"bad\nname"})", "control characters");
    expect_error(R"({"id":"has space"})", "identifier");
    expect_error(R"({"display":5})", "must be a string");
    expect_error(R"([1])", "user must be an object");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_descriptor),
        cmocka_unit_test(defaults),
        cmocka_unit_test(invalid_fields),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
