#include "domain/request_schema.hpp"

#include <cstring>
#include <set>
#include <string_view>
#include <vector>

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

ValidationError error(ErrorCode code, const std::string &context, const ParamSpec &spec, const std::string &what) {
    return {code, context + spec.name + " " + what};
}

bool is_one_of(std::string_view value, std::string_view choices) {
    while (true) {
        const size_t bar = choices.find('|');
        if (choices.substr(0, bar) == value) return true;
        if (bar == std::string_view::npos) return false;
        choices.remove_prefix(bar + 1);
    }
}

// "\"webcam\" or \"stage\"", "one of \"a\", \"b\" or \"c\""
std::string describe_choices(std::string_view choices) {
    std::string text;
    size_t count = 0;
    while (true) {
        const size_t bar = choices.find('|');
        const std::string_view choice = choices.substr(0, bar);
        const bool last = bar == std::string_view::npos;
        if (count > 0) text += last ? " or " : ", ";
        text += "\"" + std::string(choice) + "\"";
        ++count;
        if (last) break;
        choices.remove_prefix(bar + 1);
    }
    return count > 2 ? "one of " + text : text;
}

std::optional<ValidationError> validate_object(const json_t *object, std::span<const ParamSpec> specs,
                                               const std::string &context);

std::optional<ValidationError> check_elements(const json_t *array, const ParamSpec &spec, const std::string &context) {
    const std::span<const ParamSpec> element_specs(spec.elements, spec.element_count);
    std::vector<std::set<std::string>> seen(element_specs.size());
    size_t index;
    const json_t *element;
    json_array_foreach(array, index, element) {
        const std::string where = context + spec.name + "[" + std::to_string(index) + "]";
        if (!json_is_object(element)) return ValidationError{ErrorCode::InvalidElement, where + " must be an object"};
        if (auto invalid = validate_object(element, element_specs, where + ".")) return invalid;
        for (size_t i = 0; i < element_specs.size(); ++i) {
            const char *value = json_string_value(json_object_get(element, element_specs[i].name));
            if (!element_specs[i].unique || value == nullptr) continue;
            if (!seen[i].insert(value).second)
                return error(ErrorCode::InvalidElement, where + ".", element_specs[i],
                             "\"" + std::string(value) + "\" is named twice");
        }
    }
    return std::nullopt;
}

std::optional<ValidationError> check_bounds(const json_t *value, const ParamSpec &spec, const std::string &context) {
    switch (spec.kind) {
    case JsonKind::String:
        if (static_cast<int64_t>(json_string_length(value)) > spec.max)
            return error(ErrorCode::ElementTooLong, context, spec,
                         "is longer than " + std::to_string(spec.max) + " bytes");
        if (std::strlen(json_string_value(value)) != json_string_length(value))
            return error(ErrorCode::InvalidElement, context, spec, "contains a NUL character");
        if (spec.one_of != nullptr && !is_one_of(json_string_value(value), spec.one_of))
            return error(ErrorCode::InvalidElement, context, spec, "must be " + describe_choices(spec.one_of));
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
        if (static_cast<int64_t>(json_array_size(value)) < spec.min)
            return error(ErrorCode::MissingElement, context, spec,
                         "must have at least " + std::to_string(spec.min) + (spec.min == 1 ? " item" : " items"));
        if (spec.elements != nullptr) return check_elements(value, spec, context);
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
    return validate_object(object, specs, context);
}

namespace {

std::optional<ValidationError> validate_object(const json_t *object, std::span<const ParamSpec> specs,
                                               const std::string &context) {
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

} // namespace

} // namespace roomrec::domain
