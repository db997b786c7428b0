#include "plugin/room_signal_helpers.hpp"

#include "plugin/room_registry.hpp"

namespace roomrec::plugin {

Reply refused(domain::ActivityVerdict verdict, const std::string &what) {
    switch (verdict) {
    case domain::ActivityVerdict::NotAllowed:
        return reply_error(domain::ErrorCode::Forbidden, "your role may not " + what);
    case domain::ActivityVerdict::NotFound:
        return reply_error(domain::ErrorCode::NoSuchItem, "no such item to " + what);
    case domain::ActivityVerdict::RateLimited:
        return reply_error(domain::ErrorCode::RateLimited, "too many reactions; wait a few seconds");
    case domain::ActivityVerdict::InvalidValue:
        return reply_error(domain::ErrorCode::InvalidElement, "invalid value to " + what);
    default:
        return reply_error(domain::ErrorCode::ActivityState,
                           std::string("cannot ") + what + ": " + domain::activity_verdict_name(verdict));
    }
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
