#include "plugin/room_lifecycle.hpp"

#include "common/log.hpp"
#include "plugin/breakout_notices.hpp"
#include "plugin/delivery_bridge.hpp"
#include "plugin/recording_controller.hpp"
#include "plugin/room_messenger.hpp"
#include "plugin/room_registry.hpp"
#include "plugin/signalling_worker.hpp"
#include "plugin/telemetry_bridge.hpp"

#include <algorithm>

namespace roomrec::plugin {
namespace {
constexpr common::Logger kLog("room");
} // namespace

void RoomLifecycle::drop_publication(Session &session) {
    ROOMREC_ON_SIGNALLING_THREAD();
    if (session.publication.load()->by_mindex.empty()) return;
    session.publication.store(std::make_shared<const Publication>());
    if (LiveRoom *room = rooms_.room_of(session)) {
        recording_.sync_recorded_streams(*room);
        telemetry_.sync_presentation(*room, session);
    }
}

bool RoomLifecycle::unpublish(Session &session) {
    ROOMREC_ON_SIGNALLING_THREAD();
    if (session.publication.load()->by_mindex.empty()) return false;
    drop_publication(session);
    if (LiveRoom *room = rooms_.room_of(session)) {
        common::JsonPtr event = make_event("unpublished");
        json_object_set_new(event.get(), "id", json_string(session.participant_id.c_str()));
        messenger_.broadcast(*room, event);
    }
    return true;
}

void RoomLifecycle::drop_subscription(Session &session) {
    ROOMREC_ON_SIGNALLING_THREAD();
    const auto subscription = session.subscription.load();
    for (const auto &stream : subscription->by_mindex)
        if (stream)
            if (const auto source = stream->source.lock()) detach_subscriber(*source, stream.get());
    session.subscription.store(std::make_shared<const Subscription>());
}

void RoomLifecycle::hang_up(Session &session) {
    ROOMREC_ON_SIGNALLING_THREAD();
    session.generation.fetch_add(1);
    if (!session.destroyed) gateway_.close_pc(session.handle.get());
}

void RoomLifecycle::publish_binding(Session &session) {
    ROOMREC_ON_SIGNALLING_THREAD();
    auto binding = std::make_shared<Binding>();
    binding->kind = session.kind;
    binding->room_id = session.room_id;
    binding->participant_id = session.participant_id;
    if (LiveRoom *room = rooms_.room_of(session))
        if (const domain::Member *member = room->roster.find(session.participant_id)) {
            binding->role = domain::role_name(member->role);
            binding->on_stage = member->on_stage;
        }
    session.binding.store(std::move(binding));
}

void RoomLifecycle::reset_session(Session &session) {
    ROOMREC_ON_SIGNALLING_THREAD();
    session.kind = SessionKind::Unbound;
    session.room_id.clear();
    session.participant_id.clear();
    session.private_id.clear();
    publish_binding(session);
    hang_up(session);
}

void RoomLifecycle::remove_participant(LiveRoom &room, Session &session, const char *reason) {
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
        telemetry_.record_attendance(room, analytics::TelemetryKind::Leave, *member, reason);
    if (room.activity) room.activity->forget_participant(participant_id);
    room.last_heartbeat_us.erase(participant_id);
    room.roster.remove(participant_id);
    room.participants.erase(participant_id);
    recording_.membership_changed(room);
    common::JsonPtr details = common::json_object_ptr();
    json_object_set_new(details.get(), "reason", json_string(reason));
    messenger_.notify("left", std::move(details), &session);
    reset_session(session);

    common::JsonPtr event = make_event("participant_left");
    json_object_set_new(event.get(), "id", json_string(participant_id.c_str()));
    json_object_set_new(event.get(), "reason", json_string(reason));
    messenger_.broadcast(room, event);
    breakout_membership_changed(rooms_, messenger_, room);
    kLog.info(
        common::format_text("room %s: participant %s %s", room.settings.id.c_str(), participant_id.c_str(), reason));
}

void RoomLifecycle::unbind(Session &session) {
    ROOMREC_ON_SIGNALLING_THREAD();
    LiveRoom *room = rooms_.room_of(session);
    if (room == nullptr) return;
    if (session.kind == SessionKind::Participant) {
        remove_participant(*room, session, "left");
    } else if (session.kind == SessionKind::Subscriber) {
        drop_subscription(session);
        std::erase_if(room->subscribers, [&](const auto &subscriber) { return subscriber.get() == &session; });
        reset_session(session);
    }
}

void RoomLifecycle::close_room(LiveRoom &room, const char *reason) {
    ROOMREC_ON_SIGNALLING_THREAD();
    // Breakouts first (R8): their sessions end with their parent's. Erasing other rooms keeps
    // the callers' iteration over the registry valid (std::map), and room itself is not erased.
    for (LiveRoom *child : rooms_.children_of(room.settings.id)) {
        close_room(*child, "parent_closed");
        if (child->opened_as_breakout) rooms_.erase(child->settings.id);
    }
    if (room.policy && room.policy->stop()) recording_.stop_recording(room, domain::StopReason::SessionClosed);
    const bool had_session = room.policy || !room.participants.empty();
    room.policy.reset();
    room.bans.clear(); // a kick keeps someone out of one meeting, not the room's next one
    room.token_emails.clear();
    telemetry_.end_room_session(room, reason);
    // Nobody is told that a session ended which never began: a Janus shutdown closes every room,
    // including those idle or already closed.
    if (had_session) {
        common::JsonPtr event = make_event("room_closed");
        json_object_set_new(event.get(), "room", json_string(room.settings.id.c_str()));
        json_object_set_new(event.get(), "reason", json_string(reason));
        messenger_.broadcast(room, event);
    }
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
    if (!had_session) return;
    common::JsonPtr details = common::json_object_ptr();
    json_object_set_new(details.get(), "room", json_string(room.settings.id.c_str()));
    json_object_set_new(details.get(), "reason", json_string(reason));
    messenger_.notify("room_closed", std::move(details));
    storage::DeliveryEvent ended; // a small durable write, once per room session (S4)
    ended.type = storage::DeliveryEventType::SessionEnded;
    ended.room_id = room.settings.id;
    ended.reason = reason;
    delivery_.deliver(std::move(ended));
    kLog.info(common::format_text("room %s closed (%s)", room.settings.id.c_str(), reason));
}

} // namespace roomrec::plugin
