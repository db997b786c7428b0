// Every request the plugin accepts, with its declared parameters (docs/API.md mirrors this), and
// the one check every request body goes through before a handler sees it. Pure table data, so
// the unit tests and the request fuzzer (fuzz/fuzz_request_schema.cpp) validate exactly what the
// plugin validates.
#pragma once

#include "domain/request_schema.hpp"

#include <jansson.h>

#include <array>
#include <span>
#include <string_view>
#include <variant>

namespace roomrec::domain {

// One element of publish's "descriptions": mids unique, each a webcam or the stage.
inline constexpr std::array kDescriptionParams{
    ParamSpec{"mid", JsonKind::String, true, 32, 0, nullptr, 0, nullptr, true},
    ParamSpec{"description", JsonKind::String, true, 16, 0, nullptr, 0, "webcam|stage"},
};

// One element of "streams" (subscriber join, subscribe, unsubscribe).
inline constexpr std::array kStreamParams{ParamSpec{"feed", JsonKind::Identifier, true, 64},
                                          ParamSpec{"mid", JsonKind::String, false, 32}};

struct RequestType {
    const char *name;
    std::span<const ParamSpec> params;
    bool carries_jsep; // reply has JSEP: answered asynchronously with push_event
    bool admin_api;    // also reachable through the Janus Admin API
    bool on_caller;    // runs on Janus's calling thread (it may wait; it touches no room state)
};

std::span<const RequestType> request_types();

// The position of name in request_types(), or request_types().size() when none has it.
size_t request_index(std::string_view name);

// The body's "request" looked up and its parameters checked against the table; admin refuses
// requests the Admin API does not offer.
std::variant<const RequestType *, ValidationError> validate_request(const json_t *body, bool admin);

} // namespace roomrec::domain
