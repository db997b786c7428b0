#include "plugin/participant_requests.hpp"

#include "common/log.hpp"
#include "plugin/breakout_notices.hpp"
#include "plugin/recording_controller.hpp"
#include "plugin/room_descriptions.hpp"
#include "plugin/room_lifecycle.hpp"
#include "plugin/room_messenger.hpp"
#include "plugin/room_pinning.hpp"
#include "plugin/room_registry.hpp"
#include "plugin/signalling_worker.hpp"
#include "plugin/subscriber_requests.hpp"
#include "plugin/telemetry_bridge.hpp"

#include "common/random_id.hpp"
#include "domain/signed_token.hpp"
#include "plugin/sdp_negotiation.hpp"
#include "storage/core/email_message.hpp"

namespace roomrec::plugin {
namespace {
constexpr common::Logger kLog("room");
} // namespace

using domain::ErrorCode;

namespace {

const char *text_field(const json_t *body, const char *name) { return json_string_value(json_object_get(body, name)); }

// Guests (room secrets) are named by the server; no token may name a user like one.
constexpr const char *kGuestPrefix = "guest-";

struct Proof {
    domain::Role role = domain::Role::Viewer;
    std::string user_id;
    std::string email; // a token's email= (signed), or ""
};

} // namespace

Reply ParticipantRequests::on_join(Request &request) {
    ROOMREC_ON_SIGNALLING_THREAD();
    Session &session = *request.session;
    if (session.kind != SessionKind::Unbound)
        return reply_error(domain::ErrorCode::AlreadyJoined, "this handle has already joined");
    const json_t *body = request.body.get();
    const std::string room_id = text_field(body, "room");
    LiveRoom *room = rooms_.find(room_id);
    if (room == nullptr) {
        if (const domain::ClusterNode *home = home_elsewhere(config_, room_id))
            return reply_room_elsewhere(room_id, *home);
        return reply_error(domain::ErrorCode::NoSuchRoom, "no such room " + room_id);
    }
    const char *ptype = text_field(body, "ptype");
    if (ptype == nullptr || std::string(ptype) == "participant") return on_join_participant(request, *room);
    if (std::string(ptype) == "subscriber") return subscribers_.on_join_subscriber(request, *room);
    return reply_error(domain::ErrorCode::InvalidElement, "ptype must be \"participant\" or \"subscriber\"");
}

Reply ParticipantRequests::on_join_participant(Request &request, LiveRoom &room) {
    Session &session = *request.session;
    const json_t *body = request.body.get();
    const json_t *user = json_object_get(body, "user");
    domain::ClientInfo client;
    if (user != nullptr) {
        auto parsed = domain::parse_client_info(user);
        if (auto *invalid = std::get_if<domain::ValidationError>(&parsed)) return reply_error(*invalid);
        client = std::get<domain::ClientInfo>(std::move(parsed));
    }

    // Role and user come from the proof, never from what the client merely claims: a token
    // names a person, a room secret only a role, so a secret's holder gets an id of its own.
    Proof proof;
    if (const char *token = text_field(body, "token")) {
        const auto check = domain::verify_token(token, config_.token_secret, kPackage,
                                                g_get_real_time() / G_USEC_PER_SEC);
        if (!check.ok()) return reply_error(domain::ErrorCode::Unauthorized, domain::token_error_text(check.error));
        if (check.claims.room != room.settings.id)
            return reply_error(domain::ErrorCode::Unauthorized, "token is for another room");
        const auto role = domain::parse_role(check.claims.role);
        if (!role) return reply_error(domain::ErrorCode::Unauthorized, "token names an unknown role");
        if (!domain::is_identifier(check.claims.user.c_str(), domain::kMaxUserIdLength))
            return reply_error(domain::ErrorCode::Unauthorized,
                               "token's user must be 1-128 characters of [A-Za-z0-9_-]");
        if (check.claims.user.rfind(kGuestPrefix, 0) == 0)
            return reply_error(domain::ErrorCode::Unauthorized, "token user ids starting with \"guest-\" are reserved "
                                                                "for the guests the server names");
        if (!client.user_id.empty() && client.user_id != check.claims.user)
            return reply_error(domain::ErrorCode::Unauthorized, "token is for another user");
        if (!check.claims.email.empty() && !storage::email_address_error(check.claims.email).empty())
            return reply_error(domain::ErrorCode::Unauthorized,
                               "token's email must be one address (name@host, at most 254 bytes)");
        proof = {*role, check.claims.user, check.claims.email};
    } else if (const char *secret = text_field(body, "secret")) {
        const char *role_text = text_field(body, "role");
        if (role_text == nullptr)
            return reply_error(domain::ErrorCode::MissingElement, "role is required with a secret");
        const auto role = domain::parse_role(role_text);
        if (!role)
            return reply_error(domain::ErrorCode::InvalidElement, "role must be host, moderator, speaker or viewer");
        if (!domain::secret_proves_role(room.settings, *role, secret))
            return reply_error(domain::ErrorCode::Unauthorized, std::string("wrong secret for role ") + role_text);
        if (!client.user_id.empty())
            return reply_error(domain::ErrorCode::InvalidElement,
                               "user.id cannot be claimed with a room secret: a secret proves a role, not a "
                               "person; the server names the guest (a signed token carries a user id)");
        proof = {*role, kGuestPrefix + common::random_id(), ""};
    } else {
        return reply_error(domain::ErrorCode::Unauthorized, "a token or a room secret is required to join");
    }
    const int64_t now_us = g_get_monotonic_time();
    if (const auto until = room.bans.banned_until(proof.user_id, now_us, proof.role == domain::Role::Host))
        return reply_error(domain::ErrorCode::Banned,
                           common::format_text("you were removed from this room; you may rejoin in %lld s",
                                               static_cast<long long>(domain::seconds_left(*until, now_us))));
    // One seat per person: the same user joining again (another tab or device) takes over the
    // seat, as in most meeting products; the older handle is told it was replaced.
    std::shared_ptr<Session> replaced;
    if (const domain::Member *seated = room.roster.find_user(proof.user_id)) {
        const auto held = room.participants.find(seated->participant_id);
        if (held != room.participants.end()) replaced = held->second;
    }
    if (!replaced && static_cast<int64_t>(room.roster.size()) >= room.settings.max_participants)
        return reply_error(domain::ErrorCode::RoomFull, "room " + room.settings.id + " is full");
    if (replaced) {
        common::JsonPtr notice = make_event("replaced");
        json_object_set_new(notice.get(), "room", json_string(room.settings.id.c_str()));
        messenger_.push(*replaced, nullptr, reply_with(std::move(notice)));
        lifecycle_.remove_participant(room, *replaced, "replaced");
    }

    client.user_id = proof.user_id;
    // The user's latest token says where recording mails reach them (one without email=: nowhere).
    if (proof.email.empty()) room.token_emails.erase(proof.user_id);
    else room.token_emails[proof.user_id] = proof.email;
    if (client.display.empty()) client.display = proof.user_id;
    domain::Member member{common::random_id(), client, proof.role, false};
    while (room.roster.find(member.participant_id)) member.participant_id = common::random_id();
    room.roster.add(member);
    session.kind = SessionKind::Participant;
    session.room_id = room.settings.id;
    session.participant_id = member.participant_id;
    session.private_id = common::random_id();
    room.participants[member.participant_id] = request.session;
    session.generation.fetch_add(1);
    lifecycle_.publish_binding(session);

    common::JsonPtr data = make_event("joined");
    json_object_set_new(data.get(), "room", json_string(room.settings.id.c_str()));
    json_object_set_new(data.get(), "title", json_string(room.settings.title.c_str()));
    json_object_set_new(data.get(), "type", json_string(domain::room_type_name(room.settings.type)));
    if (!room.settings.parent_id.empty()) // a breakout (R8): the page names it so
        json_object_set_new(data.get(), "parent", json_string(room.settings.parent_id.c_str()));
    json_object_set_new(data.get(), "id", json_string(member.participant_id.c_str()));
    json_object_set_new(data.get(), "user_id", json_string(member.client.user_id.c_str()));
    json_object_set_new(data.get(), "private_id", json_string(session.private_id.c_str()));
    json_object_set_new(data.get(), "role", json_string(domain::role_name(member.role)));
    json_t *others = json_array();
    for (const domain::Member *other : room.roster.members())
        if (other->participant_id != member.participant_id)
            json_array_append_new(others, describe_participant(room, *other).release());
    json_object_set_new(data.get(), "participants", others);
    recording_.membership_changed(room); // the first join starts the room session
    telemetry_.record_attendance(room, analytics::TelemetryKind::Join, member, nullptr);
    // C3: whoever joins learns whether the session is being recorded.
    json_object_set_new(data.get(), "recording", recording_.describe_recording(room, member).release());

    common::JsonPtr announcement = make_event("participant_joined");
    json_object_set_new(announcement.get(), "participant", describe_participant(room, member).release());
    messenger_.broadcast(room, announcement, member.participant_id);
    breakout_membership_changed(rooms_, messenger_, room);
    common::JsonPtr details = common::json_object_ptr();
    json_object_set_new(details.get(), "role", json_string(domain::role_name(member.role)));
    json_object_set_new(details.get(), "client", json_string(domain::client_kind_name(client.kind)));
    messenger_.notify("joined", std::move(details), &session);
    kLog.info(common::format_text("room %s: participant %s joined as %s", room.settings.id.c_str(),
                                  member.participant_id.c_str(), domain::role_name(member.role)));
    return reply_with(std::move(data));
}

Reply ParticipantRequests::on_publish(Request &request) {
    Reply reply = negotiate_publication(request);
    // Janus has already taken the offer and started ICE: hang up so the client can retry cleanly.
    if (is_error(reply) && request.jsep) lifecycle_.hang_up(*request.session);
    return reply;
}

Reply ParticipantRequests::negotiate_publication(Request &request) {
    Session &session = *request.session;
    LiveRoom *room = session.kind == SessionKind::Participant ? rooms_.room_of(session) : nullptr;
    if (room == nullptr) return reply_error(domain::ErrorCode::NotJoined, "join the room as a participant first");
    const domain::Member *member = room->roster.find(session.participant_id);
    if (member == nullptr || !domain::is_allowed(member->role, domain::Action::Publish, member->on_stage))
        return reply_error(domain::ErrorCode::Forbidden,
                           "viewers may publish only when a host or moderator brings them on stage");
    if (auto invalid = check_jsep(request.jsep.get(), "offer")) return reply_error(*invalid);

    const char *offer_sdp = text_field(request.jsep.get(), "sdp");
    auto negotiated = answer_publisher(offer_sdp, json_object_get(request.body.get(), "descriptions"));
    if (auto *invalid = std::get_if<domain::ValidationError>(&negotiated)) return reply_error(*invalid);
    auto &answer = std::get<PublisherAnswer>(negotiated);

    // A renegotiation keeps unchanged streams (and their subscribers); others are replaced.
    const auto previous = session.publication.load();
    auto next = std::make_shared<Publication>();
    for (auto &[plan, codec] : answer.streams) {
        if (static_cast<size_t>(plan.index) >= next->by_mindex.size()) next->by_mindex.resize(plan.index + 1);
        const auto kept = previous->at(plan.index);
        if (kept && kept->plan.mid == plan.mid && kept->plan.kind == plan.kind && kept->plan.source == plan.source &&
            kept->codec.name == codec.name && kept->codec.payload_type == codec.payload_type) {
            next->by_mindex[plan.index] = kept;
            continue;
        }
        next->by_mindex[plan.index] = std::make_shared<PublishedStream>(
            session.handle.get(), plan, codec, session.participant_id, config_.pli_min_interval_ms * 1000);
    }
    session.publication.store(std::move(next));
    recording_.sync_recorded_streams(*room);
    telemetry_.sync_presentation(*room, session);

    common::JsonPtr streams = describe_publication(session);
    common::JsonPtr event = make_event("published");
    json_object_set_new(event.get(), "id", json_string(session.participant_id.c_str()));
    json_object_set(event.get(), "streams", streams.get());
    messenger_.broadcast(*room, event, session.participant_id);
    common::JsonPtr details = common::json_object_ptr();
    json_object_set(details.get(), "streams", streams.get());
    messenger_.notify("published", std::move(details), &session);

    common::JsonPtr data = make_event("publishing");
    json_object_set_new(data.get(), "streams", streams.release());
    Reply reply = reply_with(std::move(data), make_jsep("answer", answer.sdp));
    reply.undo = [this, publisher = request.session] { lifecycle_.unpublish(*publisher); };
    return reply;
}

Reply ParticipantRequests::on_unpublish(Request &request) {
    Session &session = *request.session;
    LiveRoom *room = session.kind == SessionKind::Participant ? rooms_.room_of(session) : nullptr;
    if (room == nullptr) return reply_error(domain::ErrorCode::NotJoined, "join the room as a participant first");
    if (!lifecycle_.unpublish(session)) return reply_error(domain::ErrorCode::InvalidElement, "not publishing");
    lifecycle_.hang_up(session);
    return reply_with(make_event("unpublished"));
}

Reply ParticipantRequests::on_leave(Request &request) {
    Session &session = *request.session;
    LiveRoom *room = session.kind == SessionKind::Participant ? rooms_.room_of(session) : nullptr;
    if (room == nullptr)
        return reply_error(domain::ErrorCode::NotJoined, "this handle has not joined a room as a participant");
    const std::string room_id = session.room_id;
    lifecycle_.remove_participant(*room, session, "left");
    common::JsonPtr data = make_event("left");
    json_object_set_new(data.get(), "room", json_string(room_id.c_str()));
    return reply_with(std::move(data));
}

std::variant<LiveRoom *, domain::ValidationError> acting_room(RoomRegistry &rooms, const Request &request,
                                                              domain::Action action, domain::Role *actor_role) {
    if (request.admin) {
        const char *room_id = text_field(request.body.get(), "room");
        if (room_id == nullptr) return domain::ValidationError{domain::ErrorCode::MissingElement, "room is required"};
        LiveRoom *room = rooms.find(room_id);
        if (room == nullptr)
            return domain::ValidationError{domain::ErrorCode::NoSuchRoom, std::string("no such room ") + room_id};
        *actor_role = domain::Role::Host;
        return room;
    }
    const Session &session = *request.session;
    LiveRoom *room = session.kind == SessionKind::Participant ? rooms.find(session.room_id) : nullptr;
    if (room == nullptr)
        return domain::ValidationError{domain::ErrorCode::NotJoined, "join the room as a participant first"};
    const domain::Member *member = room->roster.find(session.participant_id);
    if (member == nullptr || !domain::is_allowed(member->role, action, member->on_stage))
        return domain::ValidationError{domain::ErrorCode::Forbidden, "only hosts and moderators may do this"};
    *actor_role = member->role;
    return room;
}

Reply ParticipantRequests::on_kick(Request &request) {
    domain::Role actor = domain::Role::Viewer;
    auto acting = acting_room(rooms_, request, domain::Action::Kick, &actor);
    if (auto *invalid = std::get_if<domain::ValidationError>(&acting)) return reply_error(*invalid);
    LiveRoom &room = *std::get<LiveRoom *>(acting);
    const std::string target_id = text_field(request.body.get(), "participant");
    const domain::Member *target = room.roster.find(target_id);
    const auto target_session = room.participants.find(target_id);
    if (target == nullptr || target_session == room.participants.end())
        return reply_error(domain::ErrorCode::NoSuchParticipant, "no participant " + target_id + " in this room");
    if (!request.admin && target_id == request.session->participant_id)
        return reply_error(domain::ErrorCode::InvalidElement, "use leave to leave the room");
    if (actor == domain::Role::Moderator && target->role == domain::Role::Host)
        return reply_error(domain::ErrorCode::Forbidden, "a moderator cannot kick a host");
    // R7: the kicked user stays out of this room session for a while; a guest's id was made for
    // that one join, so banning it only keeps that seat from coming back under the same id.
    // A moderator may not kick a host, so their ban does not keep the user out as a host either.
    const json_t *ban = json_object_get(request.body.get(), "ban_seconds");
    const int64_t ban_s = json_is_integer(ban) ? json_integer_value(ban) : config_.kick_ban_s;
    const std::string banned_user = target->client.user_id;
    room.bans.ban(banned_user, g_get_monotonic_time(), ban_s * G_USEC_PER_SEC, actor != domain::Role::Moderator);
    std::shared_ptr<Session> kicked = target_session->second;
    common::JsonPtr notice = make_event("kicked");
    json_object_set_new(notice.get(), "room", json_string(room.settings.id.c_str()));
    json_object_set_new(notice.get(), "ban_seconds", json_integer(ban_s));
    messenger_.push(*kicked, nullptr, reply_with(std::move(notice)));
    lifecycle_.remove_participant(room, *kicked, "kicked");
    common::JsonPtr data = make_event("success");
    json_object_set_new(data.get(), "kicked", json_string(target_id.c_str()));
    json_object_set_new(data.get(), "user_id", json_string(banned_user.c_str()));
    json_object_set_new(data.get(), "ban_seconds", json_integer(ban_s));
    return reply_with(std::move(data));
}

// A host who kicked the wrong person lets them back in before the ban ends.
Reply ParticipantRequests::on_unban(Request &request) {
    domain::Role actor = domain::Role::Viewer;
    auto acting = acting_room(rooms_, request, domain::Action::Kick, &actor);
    if (auto *invalid = std::get_if<domain::ValidationError>(&acting)) return reply_error(*invalid);
    LiveRoom &room = *std::get<LiveRoom *>(acting);
    const std::string user = text_field(request.body.get(), "user");
    if (!room.bans.lift(user))
        return reply_error(domain::ErrorCode::NoSuchParticipant, "user " + user + " is not banned from this room");
    common::JsonPtr data = make_event("success");
    json_object_set_new(data.get(), "unbanned", json_string(user.c_str()));
    return reply_with(std::move(data));
}

Reply ParticipantRequests::on_close(Request &request) {
    domain::Role actor = domain::Role::Viewer;
    auto acting = acting_room(rooms_, request, domain::Action::CloseRoom, &actor);
    if (auto *invalid = std::get_if<domain::ValidationError>(&acting)) return reply_error(*invalid);
    LiveRoom &room = *std::get<LiveRoom *>(acting);
    const std::string room_id = room.settings.id;
    lifecycle_.close_room(room, request.admin ? "closed_by_admin" : "closed_by_host");
    common::JsonPtr data = make_event("closed");
    json_object_set_new(data.get(), "room", json_string(room_id.c_str()));
    return reply_with(std::move(data));
}

Reply ParticipantRequests::on_stage(Request &request) {
    domain::Role actor = domain::Role::Viewer;
    auto acting = acting_room(rooms_, request, domain::Action::ManageStage, &actor);
    if (auto *invalid = std::get_if<domain::ValidationError>(&acting)) return reply_error(*invalid);
    LiveRoom &room = *std::get<LiveRoom *>(acting);
    const std::string target_id = text_field(request.body.get(), "participant");
    domain::Member *target = room.roster.find(target_id);
    if (target == nullptr)
        return reply_error(domain::ErrorCode::NoSuchParticipant, "no participant " + target_id + " in this room");
    if (target->role != domain::Role::Viewer)
        return reply_error(domain::ErrorCode::InvalidElement,
                           "only viewers are brought on or off stage; others may always publish");
    const bool on_stage = json_is_true(json_object_get(request.body.get(), "on_stage"));
    const bool changed = target->on_stage != on_stage;
    target->on_stage = on_stage;
    if (const auto target_session = room.participants.find(target_id); target_session != room.participants.end()) {
        Session &target_handle = *target_session->second;
        if (!on_stage && lifecycle_.unpublish(target_handle)) lifecycle_.hang_up(target_handle);
        lifecycle_.publish_binding(target_handle);
    }
    if (changed) // after the unpublish, so a presentation stops before its presenter leaves the stage
        telemetry_.record_stage(room, *target, on_stage, room.roster.find(request.session->participant_id));
    common::JsonPtr event = make_event("stage");
    json_object_set_new(event.get(), "participant", json_string(target_id.c_str()));
    json_object_set_new(event.get(), "on_stage", json_boolean(on_stage));
    messenger_.broadcast(room, event);
    return reply_with(make_event("success"));
}

} // namespace roomrec::plugin
