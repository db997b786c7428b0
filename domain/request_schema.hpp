// Table-driven validation of JSON requests (DESIGN rule 4): every request declares its
// parameters once, and one function turns any mismatch into a stable error code and message.
#pragma once

#include "domain/error_codes.hpp"

#include <jansson.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace roomrec::domain {

enum class JsonKind {
    String,     // any UTF-8 string up to max bytes
    Identifier, // [A-Za-z0-9_-], 1..max bytes: safe in paths, logs and URLs
    Integer,    // min..max
    Boolean,
    Object,
    Array, // up to max items
};

struct ParamSpec {
    const char *name;
    JsonKind kind;
    bool required;
    int64_t max;     // bytes for strings, items for arrays, upper bound for integers
    int64_t min = 0; // lower bound for integers, fewest items for arrays
    // Arrays of objects: the table every element is validated against (its errors name the
    // element, "streams[2].feed"), so nested mistakes are refused with the request's other
    // validation errors, before any handler runs.
    const ParamSpec *elements = nullptr;
    size_t element_count = 0;
    const char *one_of = nullptr; // strings: the allowed values, '|'-separated ("webcam|stage")
    bool unique = false;          // in an element table: no two elements share this string value
};

struct ValidationError {
    ErrorCode code;
    std::string message;
};

// context prefixes field names in messages, e.g. "user." for a nested descriptor.
// Errors: 440 not an object, 442 missing (or an array with fewer than min items), 443 mistyped,
// not an identifier, not one of the allowed values, repeated where unique, 444 too long/large.
std::optional<ValidationError> validate_params(const json_t *object, std::span<const ParamSpec> specs,
                                               const char *context = "");

bool is_identifier(const char *text, size_t max_length);

// The string at object[name], or "" when absent or not a string (after validation: optional).
std::string string_field(const json_t *object, const char *name);

} // namespace roomrec::domain
