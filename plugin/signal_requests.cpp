#include "plugin/signal_requests.hpp"

#include "plugin/rate_limit_counters.hpp"
#include "plugin/room_messenger.hpp"
#include "plugin/room_registry.hpp"
#include "plugin/room_signal_helpers.hpp"
#include "plugin/signalling_worker.hpp"
#include "plugin/telemetry_bridge.hpp"

#include "common/utf8.hpp"

#include <algorithm>
#include <array>

namespace roomrec::plugin {

using domain::ErrorCode;

namespace {

constexpr std::array<const char *, 5> kReactions = {"clap", "heart", "think", "wow", "smile"};

} // namespace

Reply SignalRequests::on_react(Request &request) {
    ROOMREC_ON_SIGNALLING_THREAD();
    auto who = find_signaller(rooms_, request);
    if (auto *refusal = std::get_if<Reply>(&who)) return std::move(*refusal);
    auto &[room, member, actor] = std::get<Signaller>(who);
    const std::string reaction = body_text(request, "reaction");
    if (std::find_if(kReactions.begin(), kReactions.end(), [&](const char *known) { return reaction == known; }) ==
        kReactions.end())
        return reply_error(domain::ErrorCode::InvalidElement, "reaction must be one of clap, heart, think, wow, smile");
    // E3: over the limit, a reaction is neither relayed nor counted.
    if (auto limited = over_rate(std::get<Signaller>(who), domain::SignalKind::Reaction, rate_limited_)) {
        telemetry_.record_refused_reaction(*room, *member); // attempts count for reports
        return std::move(*limited);
    }
    common::JsonPtr event = make_event("reaction");
    json_object_set_new(event.get(), "participant", signal_sender(*member));
    json_object_set_new(event.get(), "reaction", json_string(reaction.c_str()));
    messenger_.broadcast(*room, event, member->participant_id);
    telemetry_.record(*room, analytics::TelemetryKind::Reaction, member, reaction);
    return reply_with(make_event("reacted"));
}

Reply SignalRequests::on_hand(Request &request) {
    ROOMREC_ON_SIGNALLING_THREAD();
    auto who = find_signaller(rooms_, request);
    if (auto *refusal = std::get_if<Reply>(&who)) return std::move(*refusal);
    auto &[room, member, actor] = std::get<Signaller>(who);
    const bool raised = json_is_true(json_object_get(request.body.get(), "raised"));
    const std::string owner_id = body_text(request, "participant");
    if (!owner_id.empty() && owner_id != member->participant_id) return lower_hand_of(*room, *member, owner_id, raised);
    // Only raising is limited: a lowered hand must never wait, and it can only follow a raise.
    if (raised)
        if (auto limited = over_rate(std::get<Signaller>(who), domain::SignalKind::Hand, rate_limited_))
            return std::move(*limited);
    if (room->activity->set_hand(member->participant_id, raised)) {
        common::JsonPtr event = make_event("hand");
        json_object_set_new(event.get(), "participant", signal_sender(*member));
        json_object_set_new(event.get(), "raised", json_boolean(raised));
        messenger_.broadcast(*room, event, member->participant_id);
        telemetry_.record(*room, analytics::TelemetryKind::Hand, member, "", raised ? 1 : 0);
    }
    common::JsonPtr data = make_event("hand");
    json_object_set_new(data.get(), "raised", json_boolean(raised));
    return reply_with(std::move(data));
}

// A host or moderator lowers someone else's hand (the answer was given, the hand forgotten);
// nobody raises a hand for someone else.
Reply SignalRequests::lower_hand_of(LiveRoom &room, const domain::Member &by, const std::string &owner_id,
                                    bool raised) {
    if (raised) return reply_error(domain::ErrorCode::Forbidden, "only its owner raises a hand");
    if (!domain::leads(by.role))
        return reply_error(domain::ErrorCode::Forbidden, "only hosts and moderators lower someone else's hand");
    const domain::Member *owner = room.roster.find(owner_id);
    if (owner == nullptr)
        return reply_error(domain::ErrorCode::NoSuchParticipant, "no participant " + owner_id + " in this room");
    if (room.activity->set_hand(owner_id, false)) {
        common::JsonPtr event = make_event("hand");
        json_object_set_new(event.get(), "participant", signal_sender(*owner));
        json_object_set_new(event.get(), "raised", json_false());
        json_object_set_new(event.get(), "by", signal_sender(by));
        messenger_.broadcast(room, event, by.participant_id);
        telemetry_.record(room, analytics::TelemetryKind::Hand, owner, "", 0,
                          common::JsonPtr(json_pack("{s:s}", "lowered_by", by.client.user_id.c_str())));
    }
    common::JsonPtr data = make_event("hand");
    json_object_set_new(data.get(), "raised", json_false());
    json_object_set_new(data.get(), "participant", json_string(owner_id.c_str()));
    return reply_with(std::move(data));
}

// Hosts, moderators and speakers share an attachment (its id and title); viewers download it.
Reply SignalRequests::on_attachment(Request &request) {
    ROOMREC_ON_SIGNALLING_THREAD();
    auto who = find_signaller(rooms_, request);
    if (auto *refusal = std::get_if<Reply>(&who)) return std::move(*refusal);
    auto &[room, member, actor] = std::get<Signaller>(who);
    if (!domain::leads(member->role) && member->role != domain::Role::Speaker)
        return reply_error(domain::ErrorCode::Forbidden, "only hosts, moderators and speakers share attachments");
    const std::string attachment = body_text(request, "attachment");
    const std::string title = body_text(request, "title");
    if (is_blank(title)) return reply_error(domain::ErrorCode::MissingElement, "title must not be blank");
    if (const std::string invisible = common::invisible_text_error(title); !invisible.empty())
        return reply_error(domain::ErrorCode::InvalidElement, "title must not contain " + invisible);
    common::JsonPtr event = make_event("attachment");
    json_object_set_new(event.get(), "action", json_string("shared"));
    json_object_set_new(event.get(), "attachment", json_string(attachment.c_str()));
    json_object_set_new(event.get(), "title", json_string(title.c_str()));
    json_object_set_new(event.get(), "participant", signal_sender(*member));
    messenger_.broadcast(*room, event, member->participant_id);
    telemetry_.record(*room, analytics::TelemetryKind::AttachmentShare, member, attachment, 0,
                      common::JsonPtr(json_pack("{s:s}", "title", title.c_str())));
    common::JsonPtr data = make_event("attachment");
    json_object_set_new(data.get(), "action", json_string("shared"));
    json_object_set_new(data.get(), "attachment", json_string(attachment.c_str()));
    return reply_with(std::move(data));
}

Reply SignalRequests::on_chat(Request &request) {
    ROOMREC_ON_SIGNALLING_THREAD();
    auto who = find_signaller(rooms_, request);
    if (auto *refusal = std::get_if<Reply>(&who)) return std::move(*refusal);
    auto &[room, member, actor] = std::get<Signaller>(who);
    const std::string action = body_text(request, "action");
    const std::string message = body_text(request, "message");
    if (action != "send" && action != "like" && action != "delete" && action != "flag")
        return reply_error(domain::ErrorCode::InvalidElement, "action must be send, like, delete or flag");
    if (action != "send" && message.empty())
        return reply_error(domain::ErrorCode::MissingElement, "message is required to " + action);
    common::JsonPtr event = make_event("chat");
    json_object_set_new(event.get(), "action", json_string(action.c_str()));
    if (action == "send") {
        const std::string text = body_text(request, "text");
        const std::string reply_to = body_text(request, "reply_to");
        std::string context = body_text(request, "context");
        if (context.empty()) context = room->settings.parent_id.empty() ? "main" : "breakout";
        if (is_blank(text))
            return reply_error(domain::ErrorCode::MissingElement, "text is required and must not be blank");
        if (context != "main" && context != "breakout")
            return reply_error(domain::ErrorCode::InvalidElement, "context must be main or breakout");
        if (auto limited = over_rate(std::get<Signaller>(who), domain::SignalKind::Chat, rate_limited_))
            return std::move(*limited);
        std::string id;
        if (const auto verdict = room->activity->post(actor, reply_to, id); verdict != domain::ActivityVerdict::Ok)
            return refused(verdict, "reply to that message");
        common::JsonPtr posted = common::JsonPtr(
            json_pack("{s:s, s:o, s:I, s:s, s:s}", "id", id.c_str(), "participant", signal_sender(*member), "sent_at",
                      json_int_t(g_get_real_time() / 1000), "text", text.c_str(), "context", context.c_str()));
        if (!reply_to.empty()) json_object_set_new(posted.get(), "reply_to", json_string(reply_to.c_str()));
        json_object_set(event.get(), "message", posted.get());
        messenger_.broadcast(*room, event, member->participant_id);
        common::JsonPtr body(json_pack("{s:s, s:s}", "text", text.c_str(), "context", context.c_str()));
        if (!reply_to.empty()) json_object_set_new(body.get(), "reply_to", json_string(reply_to.c_str()));
        telemetry_.record(*room,
                          reply_to.empty() ? analytics::TelemetryKind::ChatSend : analytics::TelemetryKind::ChatReply,
                          member, id, 0, std::move(body));
        common::JsonPtr data = make_event("chat");
        json_object_set_new(data.get(), "action", json_string("sent"));
        json_object_set_new(data.get(), "message", posted.release());
        return reply_with(std::move(data));
    }
    json_object_set_new(event.get(), "message", json_string(message.c_str()));
    if (action == "like") {
        if (auto limited = over_rate(std::get<Signaller>(who), domain::SignalKind::Like, rate_limited_))
            return std::move(*limited);
        size_t likes = 0;
        if (const auto verdict = room->activity->like(actor, message, likes); verdict != domain::ActivityVerdict::Ok)
            return refused(verdict, "like that message");
        json_object_set_new(event.get(), "likes", json_integer(static_cast<json_int_t>(likes)));
        json_object_set_new(event.get(), "participant", signal_sender(*member));
        messenger_.broadcast(*room, event);
        telemetry_.record(*room, analytics::TelemetryKind::ChatLike, member, message, static_cast<int64_t>(likes));
        return reply_with(make_event("chat_done"));
    }
    if (action == "delete") {
        if (const auto verdict = room->activity->remove(actor, message); verdict != domain::ActivityVerdict::Ok)
            return refused(verdict, "delete that message");
        messenger_.broadcast(*room, event);
        const domain::ChatMessage *deleted = room->activity->message(message);
        telemetry_.record(*room, analytics::TelemetryKind::ChatDelete, member, message, 0,
                          common::JsonPtr(json_pack("{s:s}", "author", deleted ? deleted->author.c_str() : "")));
        return reply_with(make_event("chat_done"));
    }
    // "flag": raise the message to the moderators (E4 moderation threads).
    if (const auto verdict = room->activity->flag(actor, message); verdict != domain::ActivityVerdict::Ok)
        return refused(verdict, "flag that message");
    tell_moderation(*room, message, "pending", "", member);
    telemetry_.record(*room, analytics::TelemetryKind::Moderation, member, message, 0,
                      common::JsonPtr(json_pack("{s:s}", "state", "pending")));
    return reply_with(make_event("chat_done"));
}

// Moderation threads move only by hosts and moderators; they alone hear about them.
void SignalRequests::tell_moderation(LiveRoom &room, const std::string &message, const char *state,
                                     const std::string &owner, const domain::Member *by) {
    for (const auto &[id, session] : room.participants) {
        const domain::Member *member = room.roster.find(id);
        if (member == nullptr || !domain::leads(member->role)) continue;
        common::JsonPtr event = make_event("moderation");
        json_object_set_new(event.get(), "message", json_string(message.c_str()));
        json_object_set_new(event.get(), "state", json_string(state));
        if (!owner.empty()) json_object_set_new(event.get(), "owner", json_string(owner.c_str()));
        if (by) json_object_set_new(event.get(), "by", signal_sender(*by));
        messenger_.push(*session, nullptr, reply_with(std::move(event)));
    }
}

Reply SignalRequests::on_moderate(Request &request) {
    ROOMREC_ON_SIGNALLING_THREAD();
    auto who = find_signaller(rooms_, request);
    if (auto *refusal = std::get_if<Reply>(&who)) return std::move(*refusal);
    auto &[room, member, actor] = std::get<Signaller>(who);
    static const std::pair<const char *, domain::ThreadAction> kActions[] = {{"claim", domain::ThreadAction::Claim},
                                                                             {"release", domain::ThreadAction::Release},
                                                                             {"resolve", domain::ThreadAction::Resolve},
                                                                             {"reopen", domain::ThreadAction::Reopen},
                                                                             {"close", domain::ThreadAction::Close}};
    const std::string name = body_text(request, "action");
    const auto *action = std::find_if(std::begin(kActions), std::end(kActions),
                                      [&](const auto &known) { return name == known.first; });
    if (action == std::end(kActions))
        return reply_error(domain::ErrorCode::InvalidElement,
                           "action must be claim, release, resolve, reopen or close");
    const std::string message = body_text(request, "message");
    const domain::ModerationThread *thread = nullptr;
    if (const auto verdict = room->activity->moderate(actor, message, action->second, &thread);
        verdict != domain::ActivityVerdict::Ok)
        return refused(verdict, name + " that thread");
    const char *state = domain::thread_state_name(thread->state);
    tell_moderation(*room, message, state, thread->owner, member);
    telemetry_.record(*room, analytics::TelemetryKind::Moderation, member, message, 0,
                      common::JsonPtr(json_pack("{s:s, s:s, s:s}", "action", name.c_str(), "state", state, "owner",
                                                thread->owner.c_str())));
    common::JsonPtr data = make_event("moderation");
    json_object_set_new(data.get(), "message", json_string(message.c_str()));
    json_object_set_new(data.get(), "state", json_string(state));
    return reply_with(std::move(data));
}

} // namespace roomrec::plugin
