// Taking participants, subscribers and whole rooms apart (SPEC R7); signalling thread only.
#include "plugin.hpp"

#include <algorithm>

namespace roomrec {

void Plugin::drop_publication(Session &session) {
    ROOMREC_ON_SIGNALLING_THREAD();
    session.publication.store(std::make_shared<const Publication>());
}

void Plugin::drop_subscription(Session &session) {
    ROOMREC_ON_SIGNALLING_THREAD();
    const auto subscription = session.subscription.load();
    for (const auto &stream : subscription->by_mindex)
        if (stream)
            if (const auto source = stream->source.lock()) detach_subscriber(*source, stream.get());
    session.subscription.store(std::make_shared<const Subscription>());
}

// Resets a handle to unbound and hangs up its PeerConnection (unless Janus is destroying it).
static void reset_session(janus_callbacks *gateway, Session &session) {
    session.kind = SessionKind::Unbound;
    session.room_id.clear();
    session.participant_id.clear();
    session.private_id.clear();
    if (!session.destroyed) gateway->close_pc(session.handle.get());
}

void Plugin::remove_participant(LiveRoom &room, Session &session, const char *reason) {
    ROOMREC_ON_SIGNALLING_THREAD();
    const std::string participant_id = session.participant_id;
    drop_publication(session);
    // Subscriber handles belong to their participant and go with it.
    for (const auto &subscriber : room.subscribers)
        if (subscriber->participant_id == participant_id) {
            drop_subscription(*subscriber);
            reset_session(gateway_, *subscriber);
        }
    std::erase_if(room.subscribers, [](const auto &subscriber) { return subscriber->kind == SessionKind::Unbound; });
    room.roster.remove(participant_id);
    room.participants.erase(participant_id);
    JsonPtr details = json_object_ptr();
    json_object_set_new(details.get(), "reason", json_string(reason));
    notify("left", std::move(details), &session);
    reset_session(gateway_, session);

    JsonPtr event = make_event("participant_left");
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
        reset_session(gateway_, session);
    }
}

void Plugin::close_room(LiveRoom &room, const char *reason) {
    ROOMREC_ON_SIGNALLING_THREAD();
    JsonPtr event = make_event("room_closed");
    json_object_set_new(event.get(), "room", json_string(room.settings.id.c_str()));
    json_object_set_new(event.get(), "reason", json_string(reason));
    broadcast(room, event);
    for (const auto &subscriber : room.subscribers) {
        drop_subscription(*subscriber);
        reset_session(gateway_, *subscriber);
    }
    for (const auto &[id, session] : room.participants) {
        drop_publication(*session);
        reset_session(gateway_, *session);
    }
    room.subscribers.clear();
    room.participants.clear();
    room.roster = core::Roster();
    JsonPtr details = json_object_ptr();
    json_object_set_new(details.get(), "room", json_string(room.settings.id.c_str()));
    json_object_set_new(details.get(), "reason", json_string(reason));
    notify("room_closed", std::move(details));
    JANUS_LOG(LOG_INFO, "[roomrec] room %s closed (%s)\n", room.settings.id.c_str(), reason);
}

} // namespace roomrec
