// Request bodies as a client sends them (Janus API and Admin API): the same table-driven check
// the plugin runs for every request (domain/request_table.hpp), then the parsers that run on
// what it accepts: the join's "user" descriptor and the create's room description. An accepted
// body is checked against its declared limits by an oracle written apart from the validator.
#include "common/utf8.hpp"
#include "domain/client_info.hpp"
#include "domain/request_table.hpp"
#include "domain/room.hpp"
#include "fuzz/fuzz_check.hpp"

#include <jansson.h>

#include <cstring>
#include <string_view>

using namespace roomrec;

namespace {

bool identifier(std::string_view text, int64_t max) {
    if (text.empty() || static_cast<int64_t>(text.size()) > max) return false;
    for (const char c : text)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    return true;
}

// Every declared parameter of an accepted body is present when required and of its kind and
// within its bounds when present.
void check_accepted(const json_t *body, const domain::RequestType &type) {
    using domain::JsonKind;
    for (const domain::ParamSpec &spec : type.params) {
        const json_t *value = json_object_get(body, spec.name);
        if (value == nullptr || json_is_null(value)) {
            FUZZ_CHECK(!spec.required);
            continue;
        }
        switch (spec.kind) {
        case JsonKind::String: {
            FUZZ_CHECK(json_is_string(value));
            const std::string_view text(json_string_value(value), json_string_length(value));
            FUZZ_CHECK(static_cast<int64_t>(text.size()) <= spec.max);
            FUZZ_CHECK(text.find('\0') == std::string_view::npos);
            FUZZ_CHECK(common::valid_utf8(text));
            break;
        }
        case JsonKind::Identifier:
            FUZZ_CHECK(json_is_string(value));
            FUZZ_CHECK(identifier(std::string_view(json_string_value(value), json_string_length(value)), spec.max));
            break;
        case JsonKind::Integer:
            FUZZ_CHECK(json_is_integer(value));
            FUZZ_CHECK(json_integer_value(value) >= spec.min && json_integer_value(value) <= spec.max);
            break;
        case JsonKind::Boolean: FUZZ_CHECK(json_is_boolean(value)); break;
        case JsonKind::Object: FUZZ_CHECK(json_is_object(value)); break;
        case JsonKind::Array:
            FUZZ_CHECK(json_is_array(value));
            FUZZ_CHECK(static_cast<int64_t>(json_array_size(value)) <= spec.max);
            break;
        }
    }
}

void check_refused(const domain::ValidationError &error) {
    using domain::ErrorCode;
    FUZZ_CHECK(error.code == ErrorCode::InvalidBody || error.code == ErrorCode::MissingElement ||
               error.code == ErrorCode::InvalidElement || error.code == ErrorCode::ElementTooLong ||
               error.code == ErrorCode::UnknownRequest);
    FUZZ_CHECK(!error.message.empty());
    FUZZ_CHECK(common::valid_utf8(error.message));
}

void check_client_info(const json_t *user) {
    const auto parsed = domain::parse_client_info(user);
    if (const auto *error = std::get_if<domain::ValidationError>(&parsed)) {
        check_refused(*error);
        return;
    }
    const auto &info = std::get<domain::ClientInfo>(parsed);
    FUZZ_CHECK(info.user_id.empty() || identifier(info.user_id, 128));
    FUZZ_CHECK(info.display.size() <= 128 && info.company.size() <= 128 && info.industry.size() <= 128);
    FUZZ_CHECK(info.email.size() <= 254 && info.user_agent.size() <= 512);
    FUZZ_CHECK(info.country.empty() || (info.country.size() == 2 && info.country[0] >= 'A' &&
                                        info.country[0] <= 'Z' && info.country[1] >= 'A' && info.country[1] <= 'Z'));
    for (const std::string *text : {&info.display, &info.email, &info.company, &info.industry, &info.user_agent}) {
        FUZZ_CHECK(common::valid_utf8(*text));
        for (const unsigned char c : *text) FUZZ_CHECK(c >= 0x20 && c != 0x7f);
    }
}

void check_room(const json_t *description) {
    const auto parsed = domain::parse_room_settings(description);
    if (const auto *error = std::get_if<domain::ValidationError>(&parsed)) {
        check_refused(*error);
        return;
    }
    const auto &room = std::get<domain::RoomSettings>(parsed);
    FUZZ_CHECK(identifier(room.id, 64));
    FUZZ_CHECK(common::valid_utf8(room.title));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    json_error_t parse_error;
    // Any JSON value (a body that is not an object is refused, not a crash); NUL allowed in
    // strings so the validator's own NUL check is reached.
    json_t *body = json_loadb(reinterpret_cast<const char *>(data), size, JSON_DECODE_ANY | JSON_ALLOW_NUL, &parse_error);
    if (body == nullptr) return 0;
    const auto client = domain::validate_request(body, false);
    const auto admin = domain::validate_request(body, true);
    if (const auto *type = std::get_if<const domain::RequestType *>(&client)) {
        check_accepted(body, **type);
        if (std::strcmp((*type)->name, "join") == 0)
            if (const json_t *user = json_object_get(body, "user"); user != nullptr && !json_is_null(user))
                check_client_info(user);
        if (std::strcmp((*type)->name, "create") == 0) check_room(body);
    } else {
        check_refused(std::get<domain::ValidationError>(client));
    }
    // The Admin API offers a subset of the requests with the same parameters.
    if (const auto *type = std::get_if<const domain::RequestType *>(&admin)) {
        FUZZ_CHECK((*type)->admin_api);
        FUZZ_CHECK(std::holds_alternative<const domain::RequestType *>(client));
        FUZZ_CHECK(std::get<const domain::RequestType *>(client) == *type);
    } else {
        check_refused(std::get<domain::ValidationError>(admin));
    }
    // The descriptor parsers also see every object, accepted request or not.
    if (json_is_object(body)) {
        check_client_info(body);
        check_room(body);
    }
    json_decref(body);
    return 0;
}
