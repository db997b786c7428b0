#include "plugin/breakout_requests.hpp"

#include "common/log.hpp"
#include "common/utf8.hpp"
#include "domain/breakout.hpp"
#include "plugin/breakout_notices.hpp"
#include "plugin/participant_requests.hpp"
#include "plugin/room_lifecycle.hpp"
#include "plugin/room_messenger.hpp"
#include "plugin/room_registry.hpp"
#include "plugin/signalling_worker.hpp"

#include <glib.h>

namespace roomrec::plugin {
namespace {
constexpr common::Logger kLog("room");

std::string text_of(const Request &request, const char *name) { return domain::string_field(request.body.get(), name); }
} // namespace

using domain::ErrorCode;

Reply BreakoutRequests::on_breakout(Request &request) {
    ROOMREC_ON_SIGNALLING_THREAD();
    domain::Role actor = domain::Role::Viewer;
    auto acting = acting_room(rooms_, request, domain::Action::ManageBreakouts, &actor);
    if (auto *invalid = std::get_if<domain::ValidationError>(&acting)) return reply_error(*invalid);
    LiveRoom &room = *std::get<LiveRoom *>(acting);
    if (!room.settings.parent_id.empty())
        return reply_error(ErrorCode::InvalidElement, "room " + room.settings.id +
                                                          " is a breakout: manage breakouts from its parent room " +
                                                          room.settings.parent_id);
    const auto action = domain::parse_breakout_action(text_of(request, "action"));
    if (action == domain::BreakoutAction::List) return reply_with(describe_breakouts(rooms_, room, "breakouts"));
    // Whoever is moved or brought back joins with a token the plugin signs.
    if (config_.token_secret.empty())
        return reply_error(ErrorCode::BreakoutUnavailable,
                           "breakout rooms need signed tokens: this server has no token_secret");
    switch (*action) {
    case domain::BreakoutAction::Open: return open(request, room);
    case domain::BreakoutAction::Move: return move(request, room);
    case domain::BreakoutAction::Close: return close(request, room);
    case domain::BreakoutAction::List: break;
    }
    return reply_with(describe_breakouts(rooms_, room, "breakouts"));
}

Reply BreakoutRequests::open(Request &request, LiveRoom &parent) {
    const std::string title = text_of(request, "title");
    if (title.empty()) return reply_error(ErrorCode::MissingElement, "title is required to open breakouts");
    // As a created room's title: never invisible, never able to spoof another in lists.
    if (const std::string invisible = common::invisible_text_error(title); !invisible.empty())
        return reply_error(ErrorCode::InvalidElement, "title must not contain " + invisible);
    const json_t *count_field = json_object_get(request.body.get(), "count");
    const int count = json_is_integer(count_field) ? static_cast<int>(json_integer_value(count_field)) : 1;
    std::vector<std::string> taken;
    for (const LiveRoom *child : rooms_.children_of(parent.settings.id)) taken.push_back(child->settings.id);
    auto ids = domain::breakout_ids(parent.settings.id, taken, count);
    if (auto *invalid = std::get_if<domain::ValidationError>(&ids)) return reply_error(*invalid);
    const auto &new_ids = std::get<std::vector<std::string>>(ids);
    for (const std::string &id : new_ids)
        if (rooms_.contains(id)) // a room someone created under that name
            return reply_error(ErrorCode::RoomExists, "room " + id + " already exists");
    int number = 0;
    for (const std::string &id : new_ids) {
        ++number;
        const std::string child_title = count == 1 ? title : title + " " + std::to_string(number);
        LiveRoom &child = rooms_.add(domain::breakout_settings(parent.settings, id, child_title));
        child.opened_as_breakout = true;
        if (const domain::Member *lead = parent.roster.find(request.session->participant_id))
            child.opened_by = lead->client.user_id;
        kLog.info(common::format_text("room %s: breakout %s opened", parent.settings.id.c_str(), id.c_str()));
    }
    tell_breakout_leads(rooms_, messenger_, parent);
    return reply_with(describe_breakouts(rooms_, parent, "breakouts"));
}

Reply BreakoutRequests::move(Request &request, LiveRoom &parent) {
    auto named = named_breakout(request, parent);
    if (auto *refused = std::get_if<Reply>(&named)) return std::move(*refused);
    LiveRoom &child = *std::get<LiveRoom *>(named);
    const json_t *list = json_object_get(request.body.get(), "participants");
    if (list == nullptr) return reply_error(ErrorCode::MissingElement, "participants is required to move people");
    // All named first, then all moved: a mistake moves nobody.
    std::vector<std::pair<std::shared_ptr<Session>, const domain::Member *>> moving;
    size_t index;
    const json_t *item;
    json_array_foreach(list, index, item) {
        const char *id = json_string_value(item);
        if (id == nullptr || !domain::is_identifier(id, 64))
            return reply_error(ErrorCode::InvalidElement,
                               "participants[" + std::to_string(index) + "] must be a participant id");
        const domain::Member *member = parent.roster.find(id);
        const auto session = parent.participants.find(id);
        if (member == nullptr || session == parent.participants.end())
            return reply_error(ErrorCode::NoSuchParticipant,
                               std::string("no participant ") + id + " in room " + parent.settings.id);
        moving.emplace_back(session->second, member);
    }
    json_t *moved = json_array();
    for (const auto &[session, member] : moving) {
        common::JsonPtr invitation = join_event("moved", child, *member);
        json_object_set_new(invitation.get(), "parent", json_string(parent.settings.id.c_str()));
        messenger_.push(*session, nullptr, reply_with(std::move(invitation)));
        json_array_append_new(moved, json_string(member->participant_id.c_str()));
    }
    common::JsonPtr data = describe_breakouts(rooms_, parent, "breakouts");
    json_object_set_new(data.get(), "moved", moved);
    json_object_set_new(data.get(), "breakout", json_string(child.settings.id.c_str()));
    return reply_with(std::move(data));
}

Reply BreakoutRequests::close(Request &request, LiveRoom &parent) {
    auto named = named_breakout(request, parent);
    if (auto *refused = std::get_if<Reply>(&named)) return std::move(*refused);
    LiveRoom &child = *std::get<LiveRoom *>(named);
    const std::string child_id = child.settings.id;
    for (const auto &[id, session] : child.participants) {
        const domain::Member *member = child.roster.find(id);
        if (member == nullptr) continue;
        common::JsonPtr back = join_event("closed", parent, *member);
        json_object_set_new(back.get(), "breakout", json_string(child_id.c_str()));
        messenger_.push(*session, nullptr, reply_with(std::move(back)));
    }
    lifecycle_.close_room(child, "breakout_closed");
    if (!child.settings.is_static) rooms_.erase(child_id);
    kLog.info(common::format_text("room %s: breakout %s closed", parent.settings.id.c_str(), child_id.c_str()));
    tell_breakout_leads(rooms_, messenger_, parent);
    common::JsonPtr data = describe_breakouts(rooms_, parent, "breakouts");
    json_object_set_new(data.get(), "closed", json_string(child_id.c_str()));
    return reply_with(std::move(data));
}

std::variant<LiveRoom *, Reply> BreakoutRequests::named_breakout(const Request &request, LiveRoom &parent) {
    const std::string id = text_of(request, "breakout");
    if (id.empty()) return reply_error(ErrorCode::MissingElement, "breakout is required");
    LiveRoom *child = rooms_.find(id);
    if (child == nullptr) return reply_error(ErrorCode::NoSuchRoom, "no such breakout " + id);
    if (child->settings.parent_id != parent.settings.id)
        return reply_error(ErrorCode::InvalidElement, "room " + id + " is not a breakout of " + parent.settings.id);
    return child;
}

common::JsonPtr BreakoutRequests::join_event(const char *action, const LiveRoom &room,
                                             const domain::Member &member) const {
    const std::string token = domain::breakout_token(
        room.settings.id, domain::breakout_user(member.client.user_id, config_.token_secret),
        domain::role_name(member.role), config_.token_secret, kPackage, g_get_real_time() / G_USEC_PER_SEC);
    return common::JsonPtr(json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "roomrec", "breakout", "action", action, "room",
                                     room.settings.id.c_str(), "title", room.settings.title.c_str(), "token",
                                     token.c_str(), "expires_in",
                                     static_cast<json_int_t>(domain::kBreakoutTokenSeconds)));
}

} // namespace roomrec::plugin
