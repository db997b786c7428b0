#include "plugin/room_messenger.hpp"

#include "plugin/signalling_worker.hpp"

namespace roomrec::plugin {

bool RoomMessenger::push(const Session &session, const char *transaction, const Reply &reply) {
    ROOMREC_ON_SIGNALLING_THREAD();
    if (session.destroyed) return false;
    return gateway_.push_event(session.handle.get(), transaction && *transaction ? transaction : nullptr,
                               reply.data.get(), reply.jsep.get()) == 0;
}

void RoomMessenger::broadcast(LiveRoom &room, const common::JsonPtr &event, const std::string &except_participant) {
    ROOMREC_ON_SIGNALLING_THREAD();
    for (const auto &[id, session] : room.participants)
        if (id != except_participant) push(*session, nullptr, reply_with(common::json_share(event.get())));
}

void RoomMessenger::notify(const char *event, common::JsonPtr details, const Session *session) {
    if (!notify_events_ || !gateway_.events_enabled()) return;
    common::JsonPtr info = common::json_object_ptr();
    json_object_set_new(info.get(), "event", json_string(event));
    json_object_set_new(info.get(), "node", json_string(node_id_.c_str()));
    if (session != nullptr && session->kind != SessionKind::Unbound) {
        json_object_set_new(info.get(), "room", json_string(session->room_id.c_str()));
        json_object_set_new(info.get(), "participant", json_string(session->participant_id.c_str()));
    }
    if (details) json_object_update(info.get(), details.get());
    // Janus drops an event tied to a handle it has already destroyed (a participant that left by
    // destroying its Janus session): such events go out as plugin events, room and participant
    // still named above.
    const bool handle_alive = session != nullptr && !session->destroyed.load(std::memory_order_acquire);
    gateway_.notify_event(handle_alive ? session->handle.get() : nullptr, info.release());
}

} // namespace roomrec::plugin
