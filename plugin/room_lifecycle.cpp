// Taking participants, subscribers and whole rooms apart (R7); signalling thread only.
#include "plugin/plugin.hpp"

#include <algorithm>

namespace roomrec::plugin {

void Plugin::drop_publication(Session &session) {
    ROOMREC_ON_SIGNALLING_THREAD();
    if (session.publication.load()->by_mindex.empty()) return;
    session.publication.store(std::make_shared<const Publication>());
    if (LiveRoom *room = room_of(session)) sync_recorded_streams(*room);
}

bool Plugin::unpublish(Session &session) {
    ROOMREC_ON_SIGNALLING_THREAD();
    if (session.publication.load()->by_mindex.empty()) return false;
    drop_publication(session);
    if (LiveRoom *room = room_of(session)) {
        common::JsonPtr event = make_event("unpublished");
        json_object_set_new(event.get(), "id", json_string(session.participant_id.c_str()));
        broadcast(*room, event);
    }
    return true;
}

void Plugin::drop_subscription(Session &session) {
    ROOMREC_ON_SIGNALLING_THREAD();
    const auto subscription = session.subscription.load();
    for (const auto &stream : subscription->by_mindex)
        if (stream)
            if (const auto source = stream->source.lock()) detach_subscriber(*source, stream.get());
    session.subscription.store(std::make_shared<const Subscription>());
}

void Plugin::hang_up(Session &session) {
    ROOMREC_ON_SIGNALLING_THREAD();
    session.generation.fetch_add(1);
    if (!session.destroyed) gateway_->close_pc(session.handle.get());
}

void Plugin::publish_binding(Session &session) {
    ROOMREC_ON_SIGNALLING_THREAD();
    auto binding = std::make_shared<Binding>();
    binding->kind = session.kind;
    binding->room_id = session.room_id;
    binding->participant_id = session.participant_id;
    if (LiveRoom *room = room_of(session))
        if (const domain::Member *member = room->roster.find(session.participant_id)) {
            binding->role = domain::role_name(member->role);
            binding->on_stage = member->on_stage;
        }
    session.binding.store(std::move(binding));
}

// Resets a handle to unbound and hangs up its PeerConnection (unless Janus is destroying it).
void Plugin::reset_session(Session &session) {
    ROOMREC_ON_SIGNALLING_THREAD();
    session.kind = SessionKind::Unbound;
    session.room_id.clear();
    session.participant_id.clear();
    session.private_id.clear();
    publish_binding(session);
    hang_up(session);
}

void Plugin::remove_participant(LiveRoom &room, Session &session, const char *reason) {
    ROOMREC_ON_SIGNALLING_THREAD();
    const std::string participant_id = session.participant_id;
    drop_publication(session);
    // Subscriber handles belong to their participant and go with it.
    for (const auto &subscriber : room.subscribers)
        if (subscriber->participant_id == participant_id) {
            drop_subscription(*subscriber);
            reset_session(*subscriber);
        }
    std::erase_if(room.subscribers, [](const auto &subscriber) { return subscriber->kind == SessionKind::Unbound; });
    if (const domain::Member *member = room.roster.find(participant_id))
        record_attendance(room, analytics::TelemetryKind::Leave, *member, reason);
    if (room.activity) room.activity->forget_participant(participant_id);
    room.last_heartbeat_us.erase(participant_id);
    room.roster.remove(participant_id);
    room.participants.erase(participant_id);
    room_membership_changed(room);
    common::JsonPtr details = common::json_object_ptr();
    json_object_set_new(details.get(), "reason", json_string(reason));
    notify("left", std::move(details), &session);
    reset_session(session);

    common::JsonPtr event = make_event("participant_left");
    json_object_set_new(event.get(), "id", json_string(participant_id.c_str()));
    json_object_set_new(event.get(), "reason", json_string(reason));
    broadcast(room, event);
    JANUS_LOG(LOG_INFO, "[roomrec] room %s: participant %s %s\n", room.settings.id.c_str(), participant_id.c_str(), reason);
}

void Plugin::unbind(Session &session) {
    ROOMREC_ON_SIGNALLING_THREAD();
    LiveRoom *room = room_of(session);
    if (room == nullptr) return;
    if (session.kind == SessionKind::Participant) {
        remove_participant(*room, session, "left");
    } else if (session.kind == SessionKind::Subscriber) {
        drop_subscription(session);
        std::erase_if(room->subscribers, [&](const auto &subscriber) { return subscriber.get() == &session; });
        reset_session(session);
    }
}

void Plugin::close_room(LiveRoom &room, const char *reason) {
    ROOMREC_ON_SIGNALLING_THREAD();
    // C7: ending the session always finalizes its recording.
    if (room.policy && room.policy->stop()) stop_recording(room, domain::StopReason::SessionClosed);
    const bool had_session = room.policy || !room.participants.empty();
    room.policy.reset();
    end_room_session(room, reason);
    common::JsonPtr event = make_event("room_closed");
    json_object_set_new(event.get(), "room", json_string(room.settings.id.c_str()));
    json_object_set_new(event.get(), "reason", json_string(reason));
    broadcast(room, event);
    for (const auto &subscriber : room.subscribers) {
        drop_subscription(*subscriber);
        reset_session(*subscriber);
    }
    for (const auto &[id, session] : room.participants) {
        drop_publication(*session);
        reset_session(*session);
    }
    room.subscribers.clear();
    room.participants.clear();
    room.roster = domain::Roster();
    common::JsonPtr details = common::json_object_ptr();
    json_object_set_new(details.get(), "room", json_string(room.settings.id.c_str()));
    json_object_set_new(details.get(), "reason", json_string(reason));
    notify("room_closed", std::move(details));
    if (had_session) {
        storage::DeliveryEvent ended; // a small durable write, once per room session (S4)
        ended.type = storage::DeliveryEventType::SessionEnded;
        ended.room_id = room.settings.id;
        ended.reason = reason;
        deliver(std::move(ended));
    }
    JANUS_LOG(LOG_INFO, "[roomrec] room %s closed (%s)\n", room.settings.id.c_str(), reason);
}

} // namespace roomrec::plugin
