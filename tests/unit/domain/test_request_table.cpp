// The declared requests and the check every request body goes through before its handler.
#include "domain/request_table.hpp"

#include <cstring>
#include <set>
#include <string>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::domain;

static ErrorCode refused(const char *body, bool admin, size_t flags = 0) {
    Json json = parse_json(body, flags | JSON_DECODE_ANY);
    const auto checked = validate_request(json.get(), admin);
    assert_true(std::holds_alternative<ValidationError>(checked));
    return std::get<ValidationError>(checked).code;
}

static const RequestType *accepted(const char *body, bool admin) {
    Json json = parse_json(body);
    const auto checked = validate_request(json.get(), admin);
    if (const auto *error = std::get_if<ValidationError>(&checked)) fail_msg("refused: %s", error->message.c_str());
    return std::get<const RequestType *>(checked);
}

static void names_are_unique_and_found(void **) {
    std::set<std::string> names;
    const auto types = request_types();
    for (size_t i = 0; i < types.size(); ++i) {
        assert_true(names.insert(types[i].name).second);
        assert_int_equal(request_index(types[i].name), i);
    }
    assert_int_equal(request_index("nope"), types.size());
    assert_int_equal(request_index(""), types.size());
}

static void finds_and_validates_a_request(void **) {
    const RequestType *join = accepted(R"({"request":"join","room":"r1","user":{"display":"Ann"}})", false);
    assert_string_equal(join->name, "join");
    assert_true(join->carries_jsep);
    assert_false(join->admin_api);
    assert_int_equal(static_cast<int>(refused(R"({"request":"join"})", false)),
                     static_cast<int>(ErrorCode::MissingElement));
    assert_int_equal(static_cast<int>(refused(R"({"request":"join","room":"a b"})", false)),
                     static_cast<int>(ErrorCode::InvalidElement));
    assert_int_equal(static_cast<int>(refused(R"({"request":"react","reaction":"12345678901234567"})", false)),
                     static_cast<int>(ErrorCode::ElementTooLong));
}

static void refuses_bodies_without_a_request(void **) {
    assert_int_equal(static_cast<int>(refused("[1]", false)), static_cast<int>(ErrorCode::InvalidBody));
    assert_int_equal(static_cast<int>(refused("{}", false)), static_cast<int>(ErrorCode::MissingElement));
    assert_int_equal(static_cast<int>(refused(R"({"request":7})", false)), static_cast<int>(ErrorCode::InvalidElement));
    assert_int_equal(static_cast<int>(refused(R"({"request":"fly"})", false)),
                     static_cast<int>(ErrorCode::UnknownRequest));
}

static void admin_api_offers_only_its_requests(void **) {
    assert_string_equal(accepted(R"({"request":"list"})", true)->name, "list");
    assert_string_equal(accepted(R"({"request":"list"})", false)->name, "list");
    Json json = parse_json(R"({"request":"join","room":"r1"})");
    const auto checked = validate_request(json.get(), true);
    assert_true(std::holds_alternative<ValidationError>(checked));
    assert_int_equal(static_cast<int>(std::get<ValidationError>(checked).code),
                     static_cast<int>(ErrorCode::UnknownRequest));
    assert_non_null(strstr(std::get<ValidationError>(checked).message.c_str(), "for the Admin API"));
}

// A NUL inside the name must not let "list\u0000anything" pass as "list".
static void a_name_with_a_nul_is_unknown(void **) {
    assert_int_equal(static_cast<int>(refused(R"({"request":"list\u0000x"})", false, JSON_ALLOW_NUL)),
                     static_cast<int>(ErrorCode::UnknownRequest));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_are_unique_and_found),       cmocka_unit_test(finds_and_validates_a_request),
        cmocka_unit_test(refuses_bodies_without_a_request), cmocka_unit_test(admin_api_offers_only_its_requests),
        cmocka_unit_test(a_name_with_a_nul_is_unknown),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
