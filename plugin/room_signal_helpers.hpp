// Shared by the room signal handlers (SignalRequests, QuestionRequests, EngagementRequests).
#pragma once

#include "domain/chat_thread.hpp"
#include "domain/room_activity.hpp"
#include "domain/room_rate_limits.hpp"
#include "plugin/replies.hpp"
#include "plugin/request.hpp"

#include <optional>
#include <string>
#include <variant>

namespace roomrec::plugin {

class RateLimitCounters;
class RoomRegistry;

// A joined participant sending a signal, in a room with a live session.
struct Signaller {
    LiveRoom *room;
    const domain::Member *member;
    domain::ChatActor actor;
};

// The request's sender, or the refusal (not joined, or the room session has ended).
std::variant<Signaller, Reply> find_signaller(RoomRegistry &rooms, Request &request);

// A RoomActivity refusal as an API error (forbidden, no such item, rate limited, state).
Reply refused(domain::ActivityVerdict verdict, const std::string &what);
// Takes one of the sender's tokens for a signal of this kind (E3). Without one: the 457 refusal
// (naming the kind, its limit and when to retry, with "retry_after_ms"), counted; the caller
// then neither relays nor records the signal.
std::optional<Reply> over_rate(const Signaller &sender, domain::SignalKind kind, RateLimitCounters &counters);
// A string field of the request body ("" when absent; the request table checked its type).
std::string body_text(const Request &request, const char *name);
bool is_blank(const std::string &text);
// What a signal event says about its sender: {"id", "display", "role"}.
json_t *signal_sender(const domain::Member &member);

} // namespace roomrec::plugin
