#include "domain/request_schema.hpp"

#include <cstring>

namespace roomrec::domain {
namespace {

const char *kind_name(JsonKind kind) {
    switch (kind) {
    case JsonKind::String: return "a string";
    case JsonKind::Identifier: return "an identifier ([A-Za-z0-9_-])";
    case JsonKind::Integer: return "an integer";
    case JsonKind::Boolean: return "a boolean";
    case JsonKind::Object: return "an object";
    case JsonKind::Array: return "an array";
    }
    return "a value";
}

bool has_kind(const json_t *value, JsonKind kind) {
    switch (kind) {
    case JsonKind::String:
    case JsonKind::Identifier: return json_is_string(value);
    case JsonKind::Integer: return json_is_integer(value);
    case JsonKind::Boolean: return json_is_boolean(value);
    case JsonKind::Object: return json_is_object(value);
    case JsonKind::Array: return json_is_array(value);
    }
    return false;
}

ValidationError error(ErrorCode code, const char *context, const ParamSpec &spec, const std::string &what) {
    return {code, std::string(context) + spec.name + " " + what};
}

std::optional<ValidationError> check_bounds(const json_t *value, const ParamSpec &spec, const char *context) {
    switch (spec.kind) {
    case JsonKind::String:
        if (static_cast<int64_t>(json_string_length(value)) > spec.max)
            return error(ErrorCode::ElementTooLong, context, spec,
                         "is longer than " + std::to_string(spec.max) + " bytes");
        if (std::strlen(json_string_value(value)) != json_string_length(value))
            return error(ErrorCode::InvalidElement, context, spec, "contains a NUL character");
        return std::nullopt;
    case JsonKind::Identifier:
        if (static_cast<int64_t>(json_string_length(value)) > spec.max)
            return error(ErrorCode::ElementTooLong, context, spec,
                         "is longer than " + std::to_string(spec.max) + " bytes");
        // A NUL inside would hide the rest of the string from the character check.
        if (std::strlen(json_string_value(value)) != json_string_length(value) ||
            !is_identifier(json_string_value(value), static_cast<size_t>(spec.max)))
            return error(ErrorCode::InvalidElement, context, spec, "must be " + std::string(kind_name(spec.kind)));
        return std::nullopt;
    case JsonKind::Integer: {
        const json_int_t number = json_integer_value(value);
        if (number < spec.min || number > spec.max)
            return error(ErrorCode::ElementTooLong, context, spec,
                         "must be between " + std::to_string(spec.min) + " and " + std::to_string(spec.max));
        return std::nullopt;
    }
    case JsonKind::Array:
        if (static_cast<int64_t>(json_array_size(value)) > spec.max)
            return error(ErrorCode::ElementTooLong, context, spec,
                         "has more than " + std::to_string(spec.max) + " items");
        return std::nullopt;
    case JsonKind::Boolean:
    case JsonKind::Object: return std::nullopt;
    }
    return std::nullopt;
}

} // namespace

std::string string_field(const json_t *object, const char *name) {
    const char *value = json_string_value(json_object_get(object, name));
    return value ? value : "";
}

bool is_identifier(const char *text, size_t max_length) {
    const size_t length = std::strlen(text);
    if (length == 0 || length > max_length) return false;
    for (size_t i = 0; i < length; ++i) {
        const char c = text[i];
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '-';
        if (!ok) return false;
    }
    return true;
}

std::optional<ValidationError> validate_params(const json_t *object, std::span<const ParamSpec> specs,
                                               const char *context) {
    if (!json_is_object(object))
        return ValidationError{ErrorCode::InvalidBody, std::string(context) + "body must be a JSON object"};
    for (const ParamSpec &spec : specs) {
        const json_t *value = json_object_get(object, spec.name);
        if (value == nullptr || json_is_null(value)) {
            if (spec.required) return error(ErrorCode::MissingElement, context, spec, "is required");
            continue;
        }
        if (!has_kind(value, spec.kind))
            return error(ErrorCode::InvalidElement, context, spec, "must be " + std::string(kind_name(spec.kind)));
        if (auto bounds = check_bounds(value, spec, context)) return bounds;
    }
    return std::nullopt;
}

} // namespace roomrec::domain
