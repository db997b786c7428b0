// Breakout rooms (R8): the pure rules behind the "breakout" request — child ids and settings,
// and the short-lived token that lets a moved participant join a child (or its parent again)
// with the role it has, without any secret it does not hold.
#pragma once

#include "domain/request_schema.hpp"
#include "domain/room.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace roomrec::domain {

inline constexpr int kMaxBreakouts = 20;                 // open breakouts per parent room
inline constexpr int64_t kBreakoutTokenSeconds = 300;    // how long a move or return token is valid
inline constexpr size_t kMaxRoomIdLength = 64;           // as the room API's "room"
inline constexpr const char *kAnonymousPrefix = "anon-"; // users derived from server-named guests

enum class BreakoutAction { Open, Move, Close, List };

std::optional<BreakoutAction> parse_breakout_action(std::string_view text);

// The ids of count new breakouts of parent: "<parent>-b<n>", n after the highest of taken (the
// parent's open breakouts). Refused (461) past kMaxBreakouts open at once, (443) when the ids
// would be longer than a room id may be.
std::variant<std::vector<std::string>, ValidationError> breakout_ids(const std::string &parent,
                                                                     const std::vector<std::string> &taken, int count);

// A breakout of parent: its type, owners, limits and maximum duration; never listed publicly,
// never static, no room secrets (its people come in with the tokens the move hands out).
RoomSettings breakout_settings(const RoomSettings &parent, const std::string &id, const std::string &title);

// The user a moved participant joins as: its own id when a token named it, else (a guest the
// server named "guest-…", which no token may carry) an id derived from it with the secret, the
// same on every move, so one guest stays one user across the parent and its breakouts.
std::string breakout_user(const std::string &user_id, std::string_view secret);

// A signed join token (signed_token's format) for user in room with role, valid until
// now_s + kBreakoutTokenSeconds.
std::string breakout_token(const std::string &room, const std::string &user, const char *role, std::string_view secret,
                           std::string_view realm, int64_t now_s);

} // namespace roomrec::domain
