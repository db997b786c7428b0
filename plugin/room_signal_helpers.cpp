#include "plugin/room_signal_helpers.hpp"

#include "plugin/rate_limit_counters.hpp"
#include "plugin/room_registry.hpp"

#include <glib.h>

namespace roomrec::plugin {

Reply refused(domain::ActivityVerdict verdict, const std::string &what) {
    switch (verdict) {
    case domain::ActivityVerdict::NotAllowed:
        return reply_error(domain::ErrorCode::Forbidden, "your role may not " + what);
    case domain::ActivityVerdict::NotFound:
        return reply_error(domain::ErrorCode::NoSuchItem, "no such item to " + what);
    case domain::ActivityVerdict::RateLimited:
        return reply_error(domain::ErrorCode::RateLimited, "too many requests to " + what + "; wait a few seconds");
    case domain::ActivityVerdict::UserLimit:
        return reply_error(domain::ErrorCode::ActivityState, "cannot " + what + ": your own limit is reached");
    case domain::ActivityVerdict::InvalidValue:
        return reply_error(domain::ErrorCode::InvalidElement, "invalid value to " + what);
    default:
        return reply_error(domain::ErrorCode::ActivityState,
                           std::string("cannot ") + what + ": " + domain::activity_verdict_name(verdict));
    }
}

std::optional<Reply> over_rate(const Signaller &sender, domain::SignalKind kind, RateLimitCounters &counters) {
    const int64_t now = g_get_monotonic_time();
    const domain::ActivityVerdict verdict = sender.room->activity->admit(kind, sender.actor.user_id, now);
    if (verdict == domain::ActivityVerdict::Ok) return std::nullopt;
    counters.count(kind);
    if (verdict != domain::ActivityVerdict::RateLimited) // the room tracks too many senders: fail closed
        return reply_error(domain::ErrorCode::RateLimited, std::string("too many senders of ") +
                                                               domain::signal_kind_noun(kind) +
                                                               " in this room right now; retry in a few seconds");
    const int64_t wait_us = sender.room->activity->retry_after_us(kind, sender.actor.user_id, now);
    Reply reply = reply_error(domain::ErrorCode::RateLimited,
                              domain::rate_limit_text(kind, sender.room->activity->signal_limit(kind), wait_us));
    json_object_set_new(reply.data.get(), "retry_after_ms", json_integer((wait_us + 999) / 1000));
    return reply;
}

std::string body_text(const Request &request, const char *name) {
    return domain::string_field(request.body.get(), name);
}

bool is_blank(const std::string &text) { return text.find_first_not_of(" \t\r\n") == std::string::npos; }

json_t *signal_sender(const domain::Member &member) {
    return json_pack("{s:s, s:s, s:s}", "id", member.participant_id.c_str(), "display", member.client.display.c_str(),
                     "role", domain::role_name(member.role));
}

std::variant<Signaller, Reply> find_signaller(RoomRegistry &rooms, Request &request) {
    Session &session = *request.session;
    LiveRoom *room = session.kind == SessionKind::Participant ? rooms.room_of(session) : nullptr;
    const domain::Member *member = room ? room->roster.find(session.participant_id) : nullptr;
    if (member == nullptr || !room->activity)
        return reply_error(domain::ErrorCode::NotJoined, "join the room as a participant first");
    return Signaller{room, member, domain::ChatActor{member->client.user_id, member->role}};
}

} // namespace roomrec::plugin
