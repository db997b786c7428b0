// Reads the fields of one JSON object for the control-message decoders: every read names a
// field the contract knows, the first problem is kept (later reads do nothing), and finish()
// refuses any field nobody read. Values are written to the caller's variables only when valid.
#pragma once

#include "recorder/contract/control_messages.hpp"

#include "common/json.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roomrec::recorder {

enum class Presence { Required, Optional };

template <typename T> struct Choice {
    const char *name;
    T value;
};

class FieldReader {
public:
    // what names the payload in messages ("config"); a payload that is not a JSON object is
    // refused at once.
    FieldReader(std::string_view json, std::string what);

    bool ok() const { return !error_.has_value(); }
    // The first problem; only meaningful when !ok().
    ContractError error() const { return error_.value_or(ContractError{}); }

    void text(const char *name, std::string &out, Presence presence, bool non_empty = false);
    void integer(const char *name, int &out, Presence presence, int min, int max);
    void number(const char *name, double &out, Presence presence, double min);
    void count(const char *name, uint64_t &out, Presence presence);

    // A string that must be one of choices' names.
    template <typename T, size_t N>
    void choice(const char *name, T &out, Presence presence, const std::array<Choice<T>, N> &choices) {
        const std::optional<std::string> given = choice_name(name, presence);
        if (!given) return;
        std::string names;
        for (const auto &option : choices) {
            if (*given == option.name) {
                out = option.value;
                return;
            }
            names += (names.empty() ? "" : ", ") + std::string(option.name);
        }
        refuse(name, "must be one of " + names);
    }

    // A rule across fields, checked only while everything read so far was valid.
    void check(bool condition, const char *name, const std::string &requirement);

    // Refuses fields nobody read; true when the whole payload was valid.
    bool finish();

private:
    const json_t *field(const char *name, Presence presence);
    std::optional<std::string> choice_name(const char *name, Presence presence);
    void refuse(const char *name, const std::string &requirement);

    common::JsonPtr root_;
    std::string what_;
    std::vector<std::string> known_;
    std::optional<ContractError> error_;
};

} // namespace roomrec::recorder
