#include "recorder/contract/field_reader.hpp"

#include "common/utf8.hpp"

#include <jansson.h>

#include <algorithm>

namespace roomrec::recorder {

FieldReader::FieldReader(std::string_view json, std::string what) : what_(std::move(what)) {
    json_error_t parse_error{};
    root_.reset(json_loadb(json.data(), json.size(), JSON_REJECT_DUPLICATES, &parse_error));
    if (!root_) error_ = ContractError{"", what_ + " is not JSON: " + common::to_valid_utf8(parse_error.text)};
    else if (!json_is_object(root_.get())) error_ = ContractError{"", what_ + " is not a JSON object"};
}

void FieldReader::refuse(const char *name, const std::string &requirement) {
    if (!error_) error_ = ContractError{name, what_ + " field \"" + name + "\" " + requirement};
}

const json_t *FieldReader::field(const char *name, Presence presence) {
    known_.emplace_back(name);
    if (error_) return nullptr;
    const json_t *value = json_object_get(root_.get(), name);
    if (value == nullptr && presence == Presence::Required) refuse(name, "is missing");
    return value;
}

void FieldReader::text(const char *name, std::string &out, Presence presence, bool non_empty) {
    const json_t *value = field(name, presence);
    if (value == nullptr) return;
    if (!json_is_string(value) || (non_empty && json_string_length(value) == 0)) {
        refuse(name, non_empty ? "must be a non-empty string" : "must be a string");
        return;
    }
    out.assign(json_string_value(value), json_string_length(value));
}

void FieldReader::integer(const char *name, int &out, Presence presence, int min, int max) {
    const json_t *value = field(name, presence);
    if (value == nullptr) return;
    if (!json_is_integer(value) || json_integer_value(value) < min || json_integer_value(value) > max) {
        refuse(name, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
        return;
    }
    out = static_cast<int>(json_integer_value(value));
}

void FieldReader::number(const char *name, double &out, Presence presence, double min) {
    const json_t *value = field(name, presence);
    if (value == nullptr) return;
    if (!json_is_number(value) || !(json_number_value(value) >= min)) {
        refuse(name, "must be a number of at least " + std::to_string(min));
        return;
    }
    out = json_number_value(value);
}

void FieldReader::count(const char *name, uint64_t &out, Presence presence) {
    const json_t *value = field(name, presence);
    if (value == nullptr) return;
    if (!json_is_integer(value) || json_integer_value(value) < 0) {
        refuse(name, "must be a non-negative integer");
        return;
    }
    out = static_cast<uint64_t>(json_integer_value(value));
}

std::optional<std::string> FieldReader::choice_name(const char *name, Presence presence) {
    const json_t *value = field(name, presence);
    if (value == nullptr) return std::nullopt;
    if (!json_is_string(value)) {
        refuse(name, "must be a string");
        return std::nullopt;
    }
    return std::string(json_string_value(value), json_string_length(value));
}

void FieldReader::check(bool condition, const char *name, const std::string &requirement) {
    if (!condition) refuse(name, requirement);
}

bool FieldReader::finish() {
    if (error_) return false;
    const char *key = nullptr;
    json_t *value = nullptr;
    json_object_foreach(root_.get(), key, value) {
        if (std::find(known_.begin(), known_.end(), key) == known_.end()) {
            refuse(key, "is not part of the contract");
            return false;
        }
    }
    return true;
}

} // namespace roomrec::recorder
