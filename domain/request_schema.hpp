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
    int64_t min = 0; // lower bound for integers
};

struct ValidationError {
    ErrorCode code;
    std::string message;
};

// context prefixes field names in messages, e.g. "user." for a nested descriptor.
std::optional<ValidationError> validate_params(const json_t *object, std::span<const ParamSpec> specs,
                                               const char *context = "");

bool is_identifier(const char *text, size_t max_length);

// The string at object[name], or "" when absent or not a string (after validation: optional).
std::string string_field(const json_t *object, const char *name);

} // namespace roomrec::domain
