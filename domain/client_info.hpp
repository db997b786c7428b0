// The client descriptor a participant sends on join (R3).
#pragma once

#include "domain/request_schema.hpp"

#include <jansson.h>

#include <optional>
#include <string>
#include <variant>

namespace roomrec::domain {

// User ids are 1-128 characters of [A-Za-z0-9_-] (from a token, or given by the server).
inline constexpr size_t kMaxUserIdLength = 128;

enum class ClientKind { Desktop, Mobile };

struct ClientInfo {
    std::string user_id;
    std::string display; // shown to other participants, never in recordings
    std::string email;
    std::string company;
    std::string industry;
    std::string country; // ISO 3166-1 alpha-2, upper case, or empty
    std::string user_agent;
    ClientKind kind = ClientKind::Desktop;
};

const char *client_kind_name(ClientKind kind);

// Parses the "user" object of a join; user_id may be absent when a token names the user.
std::variant<ClientInfo, ValidationError> parse_client_info(const json_t *user);

} // namespace roomrec::domain
