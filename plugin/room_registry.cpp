#include "plugin/room_registry.hpp"

#include "plugin/signalling_worker.hpp"

namespace roomrec::plugin {

LiveRoom *RoomRegistry::find(const std::string &room_id) {
    ROOMREC_ON_SIGNALLING_THREAD();
    const auto it = rooms_.find(room_id);
    return it == rooms_.end() ? nullptr : &it->second;
}

LiveRoom *RoomRegistry::room_of(const Session &session) {
    if (session.kind == SessionKind::Unbound) return nullptr;
    return find(session.room_id);
}

LiveRoom &RoomRegistry::add(const domain::RoomSettings &settings) {
    ROOMREC_ON_SIGNALLING_THREAD();
    LiveRoom &room = rooms_[settings.id];
    room.settings = settings;
    return room;
}

std::vector<LiveRoom *> RoomRegistry::children_of(const std::string &room_id) {
    ROOMREC_ON_SIGNALLING_THREAD();
    std::vector<LiveRoom *> children;
    for (auto &[id, room] : rooms_)
        if (room.settings.parent_id == room_id) children.push_back(&room);
    return children;
}

void RoomRegistry::erase(const std::string &room_id) {
    ROOMREC_ON_SIGNALLING_THREAD();
    rooms_.erase(room_id);
}

} // namespace roomrec::plugin
