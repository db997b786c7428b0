// The rooms of this node and their live state (signalling thread only).
#pragma once

#include "plugin/session.hpp"

#include <map>
#include <string>
#include <vector>

namespace roomrec::plugin {

class RoomRegistry {
public:
    using Rooms = std::map<std::string, LiveRoom>;

    LiveRoom *find(const std::string &room_id);
    // The room a bound handle belongs to; null for an unbound handle or a room gone.
    LiveRoom *room_of(const Session &session);
    // Creates the room if it does not exist.
    LiveRoom &add(const domain::RoomSettings &settings);
    void erase(const std::string &room_id);
    // The rooms whose parent is room_id (its breakouts), in id order.
    std::vector<LiveRoom *> children_of(const std::string &room_id);
    bool contains(const std::string &room_id) const { return rooms_.count(room_id) > 0; }
    size_t size() const { return rooms_.size(); }
    Rooms &all() { return rooms_; }
    void clear() { rooms_.clear(); }

private:
    Rooms rooms_;
};

} // namespace roomrec::plugin
