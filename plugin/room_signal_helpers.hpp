// Shared by the room signal handlers (room_signals.cpp, room_questions.cpp, engagement_requests.cpp).
#pragma once

#include "plugin/signal_requests.hpp"

namespace roomrec::plugin {

// A RoomActivity refusal as an API error (forbidden, no such item, rate limited, state).
Reply refused(domain::ActivityVerdict verdict, const std::string &what);
// A string field of the request body ("" when absent; the request table checked its type).
std::string body_text(const Request &request, const char *name);
bool is_blank(const std::string &text);
// What a signal event says about its sender: {"id", "display", "role"}.
json_t *signal_sender(const domain::Member &member);

} // namespace roomrec::plugin
