// Table-driven request validation: missing, mistyped and oversized fields (DESIGN rule 4).
#include "domain/request_schema.hpp"

#include <array>
#include <string>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::domain;

static constexpr std::array kSpecs{
    ParamSpec{"room", JsonKind::Identifier, true, 8},     ParamSpec{"title", JsonKind::String, false, 10},
    ParamSpec{"count", JsonKind::Integer, false, 100, 1}, ParamSpec{"flag", JsonKind::Boolean, false, 0},
    ParamSpec{"user", JsonKind::Object, false, 0},        ParamSpec{"items", JsonKind::Array, false, 2},
};

static void expect(const char *body, ErrorCode code, const char *fragment) {
    Json json = parse_json(body);
    const auto error = validate_params(json.get(), kSpecs);
    assert_true(error.has_value());
    assert_int_equal(static_cast<int>(error->code), static_cast<int>(code));
    assert_non_null(strstr(error->message.c_str(), fragment));
}

static void accepts_a_complete_body(void **) {
    Json json = parse_json(
        R"({"room":"r-1_a","title":"hello","count":5,"flag":true,"user":{},"items":[1,2],"extra":1})");
    assert_false(validate_params(json.get(), kSpecs).has_value());
    Json minimal = parse_json(R"({"room":"r","title":null})");
    assert_false(validate_params(minimal.get(), kSpecs).has_value());
}

static void missing_fields(void **) { expect(R"({"title":"x"})", ErrorCode::MissingElement, "room is required"); }

static void mistyped_fields(void **) {
    expect(R"({"room":5})", ErrorCode::InvalidElement, "room must be an identifier");
    expect(R"({"room":"r","title":7})", ErrorCode::InvalidElement, "title must be a string");
    expect(R"({"room":"r","count":"5"})", ErrorCode::InvalidElement, "count must be an integer");
    expect(R"({"room":"r","count":5.5})", ErrorCode::InvalidElement, "count must be an integer");
    expect(R"({"room":"r","flag":"yes"})", ErrorCode::InvalidElement, "flag must be a boolean");
    expect(R"({"room":"r","user":[]})", ErrorCode::InvalidElement, "user must be an object");
    expect(R"({"room":"r","items":{}})", ErrorCode::InvalidElement, "items must be an array");
}

static void bad_identifiers(void **) {
    expect(R"({"room":"a/b"})", ErrorCode::InvalidElement, "identifier");
    expect(R"({"room":"../x"})", ErrorCode::InvalidElement, "identifier");
    expect(R"({"room":""})", ErrorCode::InvalidElement, "identifier");
    expect(R"({"room":"ä"})", ErrorCode::InvalidElement, "identifier");
}

static void oversized_fields(void **) {
    expect(R"({"room":"abcdefghi"})", ErrorCode::ElementTooLong, "longer than 8");
    expect(R"({"room":"r","title":"01234567890"})", ErrorCode::ElementTooLong, "longer than 10");
    expect(R"({"room":"r","count":101})", ErrorCode::ElementTooLong, "between 1 and 100");
    expect(R"({"room":"r","count":0})", ErrorCode::ElementTooLong, "between 1 and 100");
    expect(R"({"room":"r","items":[1,2,3]})", ErrorCode::ElementTooLong, "more than 2 items");
}

static void nul_inside_string(void **) {
    Json json = parse_json(R"({"room":"r","title":"a\u0000b"})", JSON_ALLOW_NUL);
    const auto error = validate_params(json.get(), kSpecs);
    assert_true(error.has_value());
    assert_int_equal(static_cast<int>(error->code), static_cast<int>(ErrorCode::InvalidElement));
    assert_non_null(strstr(error->message.c_str(), "NUL"));
    Json hidden = parse_json(R"({"room":"ok\u0000/../x"})", JSON_ALLOW_NUL);
    const auto identifier = validate_params(hidden.get(), kSpecs);
    assert_true(identifier.has_value());
    assert_int_equal(static_cast<int>(identifier->code), static_cast<int>(ErrorCode::InvalidElement));
}

static void body_must_be_object(void **) {
    Json array = parse_json("[1]");
    const auto error = validate_params(array.get(), kSpecs);
    assert_true(error.has_value());
    assert_int_equal(static_cast<int>(error->code), static_cast<int>(ErrorCode::InvalidBody));
    assert_true(validate_params(nullptr, kSpecs).has_value());
}

static void context_prefixes_messages(void **) {
    Json json = parse_json(R"({"title":"x"})");
    const auto error = validate_params(json.get(), kSpecs, "user.");
    assert_string_equal(error->message.c_str(), "user.room is required");
}

// Arrays of objects: every element against its own table, with the element's index in the message.
static constexpr std::array kElementSpecs{
    ParamSpec{"mid", JsonKind::String, true, 4, 0, nullptr, 0, nullptr, true},
    ParamSpec{"kind", JsonKind::String, true, 8, 0, nullptr, 0, "webcam|stage"},
    ParamSpec{"mode", JsonKind::String, false, 8, 0, nullptr, 0, "a|b|c"},
};
static constexpr std::array kArraySpecs{
    ParamSpec{"list", JsonKind::Array, false, 3, 1, kElementSpecs.data(), kElementSpecs.size()},
};

static void expect_element(const char *body, ErrorCode code, const char *message) {
    Json json = parse_json(body);
    const auto error = validate_params(json.get(), kArraySpecs);
    assert_true(error.has_value());
    assert_int_equal(static_cast<int>(error->code), static_cast<int>(code));
    assert_string_equal(error->message.c_str(), message);
}

static void array_elements_are_validated(void **) {
    Json good = parse_json(R"({"list":[{"mid":"0","kind":"webcam"},{"mid":"1","kind":"stage","mode":"c"}]})");
    assert_false(validate_params(good.get(), kArraySpecs).has_value());
    Json absent = parse_json(R"({})");
    assert_false(validate_params(absent.get(), kArraySpecs).has_value());
    expect_element(R"({"list":[]})", ErrorCode::MissingElement, "list must have at least 1 item");
    expect_element(R"({"list":[{"mid":"0","kind":"webcam"},7]})", ErrorCode::InvalidElement,
                   "list[1] must be an object");
    expect_element(R"({"list":[{"kind":"webcam"}]})", ErrorCode::MissingElement, "list[0].mid is required");
    expect_element(R"({"list":[{"mid":0,"kind":"webcam"}]})", ErrorCode::InvalidElement,
                   "list[0].mid must be a string");
    expect_element(R"({"list":[{"mid":"01234","kind":"webcam"}]})", ErrorCode::ElementTooLong,
                   "list[0].mid is longer than 4 bytes");
    expect_element(R"({"list":[{"mid":"0","kind":"webcam"},{"mid":"1","kind":"screen"}]})", ErrorCode::InvalidElement,
                   "list[1].kind must be \"webcam\" or \"stage\"");
    expect_element(R"({"list":[{"mid":"0","kind":"webcam","mode":"d"}]})", ErrorCode::InvalidElement,
                   "list[0].mode must be one of \"a\", \"b\" or \"c\"");
    expect_element(R"({"list":[{"mid":"0","kind":"webcam"},{"mid":"0","kind":"stage"}]})", ErrorCode::InvalidElement,
                   "list[1].mid \"0\" is named twice");
    expect_element(R"({"list":[{},{},{},{}]})", ErrorCode::ElementTooLong, "list has more than 3 items");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_a_complete_body),
        cmocka_unit_test(missing_fields),
        cmocka_unit_test(mistyped_fields),
        cmocka_unit_test(bad_identifiers),
        cmocka_unit_test(oversized_fields),
        cmocka_unit_test(nul_inside_string),
        cmocka_unit_test(body_must_be_object),
        cmocka_unit_test(context_prefixes_messages),
        cmocka_unit_test(array_elements_are_validated),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
